//! Who may do what: one function per action, so every handler asks the
//! same question the same way and the answers can be tested as a table.

use crate::auth::Member;
use crate::domain::community::{CommunityRole, Visibility};
use crate::error::ApiError;

/// A viewer's standing in one community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub is_admin: bool,
    pub role: Option<CommunityRole>,
}

impl Standing {
    pub const VISITOR: Standing = Standing { is_admin: false, role: None };

    fn is_moderator(self) -> bool {
        self.is_admin || self.role == Some(CommunityRole::Moderator)
    }

    fn is_member(self) -> bool {
        self.role.is_some()
    }
}

fn hidden() -> ApiError {
    ApiError::not_found("We couldn't find that.")
}

/// Reading a community's threads, posts and rooms. Anyone else gets 404,
/// so a private community's contents are not even confirmed to exist.
pub fn read_threads(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    match visibility {
        Visibility::Public => Ok(()),
        Visibility::Members | Visibility::Approval if standing.is_member() || standing.is_admin => Ok(()),
        _ => Err(hidden()),
    }
}

/// Starting a thread or replying: members of the community (and admins).
pub fn post(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    read_threads(visibility, standing)?;
    if standing.is_member() || standing.is_admin {
        Ok(())
    } else {
        Err(ApiError::forbidden("Join this community to post in it."))
    }
}

/// Reacting to a post: anyone who may post there.
pub fn react(visibility: Visibility, standing: Standing) -> Result<(), ApiError> {
    post(visibility, standing)
}

/// Deciding join requests and appointing moderators.
pub fn moderate(standing: Standing) -> Result<(), ApiError> {
    if standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only this community's moderators can do that."))
    }
}

/// Removing a moderator: an admin, or a moderator stepping down.
pub fn remove_moderator(standing: Standing, member: &Member, target_user_id: i64) -> Result<(), ApiError> {
    if standing.is_admin || (standing.is_moderator() && member.user_id == target_user_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only an instance admin can remove another moderator."))
    }
}

/// Creating a community: instance admins.
pub fn create_community(member: &Member) -> Result<(), ApiError> {
    if member.is_admin { Ok(()) } else { Err(ApiError::forbidden("Only an instance admin can create a community.")) }
}

/// Editing or deleting a post: its author only.
pub fn change_post(member: &Member, author_id: i64) -> Result<(), ApiError> {
    if member.user_id == author_id { Ok(()) } else { Err(ApiError::forbidden("You can only change your own posts.")) }
}

/// Reading a post's earlier versions: its author and the community's moderators.
pub fn read_revisions(member: &Member, author_id: i64, standing: Standing) -> Result<(), ApiError> {
    if member.user_id == author_id || standing.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("Only the author and moderators can see earlier versions."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Visibility::*;

    const MEMBER: Standing = Standing { is_admin: false, role: Some(CommunityRole::Member) };
    const MODERATOR: Standing = Standing { is_admin: false, role: Some(CommunityRole::Moderator) };
    const OUTSIDER: Standing = Standing { is_admin: false, role: None };
    const ADMIN: Standing = Standing { is_admin: true, role: None };

    #[test]
    fn reading_and_posting_follow_visibility_and_membership() {
        let table = [
            (Public, Standing::VISITOR, true, false),
            (Public, OUTSIDER, true, false),
            (Public, MEMBER, true, true),
            (Members, Standing::VISITOR, false, false),
            (Members, OUTSIDER, false, false),
            (Members, MEMBER, true, true),
            (Members, MODERATOR, true, true),
            (Approval, OUTSIDER, false, false),
            (Approval, MEMBER, true, true),
            (Approval, ADMIN, true, true),
        ];
        for (visibility, standing, may_read, may_post) in table {
            assert_eq!(read_threads(visibility, standing).is_ok(), may_read, "{visibility:?} {standing:?} read");
            assert_eq!(post(visibility, standing).is_ok(), may_post, "{visibility:?} {standing:?} post");
        }
    }

    #[test]
    fn only_moderators_and_admins_moderate() {
        assert!(moderate(MODERATOR).is_ok());
        assert!(moderate(ADMIN).is_ok());
        assert!(moderate(MEMBER).is_err());
        assert!(moderate(Standing::VISITOR).is_err());
    }
}
