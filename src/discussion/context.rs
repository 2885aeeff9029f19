//! Where a post or thread sits for a reader: found or not (a 404 that
//! reveals nothing), its community, and the reader's standing there.

use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::posts::{self as store, PostRow, Reader};
use crate::db::threads::{self as thread_store, ThreadRow};
use crate::domain::community::Visibility;
use crate::domain::moderation::ContentState;
use crate::error::{ApiError, ApiResult};
use crate::policy::{Authority, Standing};

/// A thread the viewer may read, with its community and their standing
/// there. A thread whose first post is not public (held, hidden, removed)
/// is found only by those who may read that post: to anyone else it is a
/// 404, as if there were no thread, so its title and author stay unknown.
pub fn thread_in_context(
    connection: &mut AnyConnection,
    thread_id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(ThreadRow, CommunityRow, Standing)> {
    let thread = thread_store::by_id(connection, thread_id)?;
    let (community, standing) = community_store::readable_by_id(connection, thread.community_id, viewer)?;
    if !store::first_of(connection, thread_id)?.is_readable_by(reader_of(viewer, standing)) {
        return Err(ApiError::not_found("We couldn't find that thread."));
    }
    Ok((thread, community, standing))
}

/// A live post with its community's visibility and the member's standing
/// there; a post the member may not read (or see, while held), or one in a
/// thread they may not find, is a 404.
pub fn post_in_context(
    connection: &mut AnyConnection,
    post_id: i64,
    member: &Member,
) -> ApiResult<(PostRow, Visibility, Standing)> {
    let post = store::by_id(connection, post_id)?;
    let (_, community, standing) = thread_in_context(connection, post.thread_id, Some(member))?;
    if !post.is_listed_for(reader_of(Some(member), standing)) {
        return Err(ApiError::not_found("We couldn't find that post."));
    }
    Ok((post, community.visibility()?, standing))
}

/// How a member (or visitor) reads posts in a community where they have `standing`.
pub fn reader_of(member: Option<&Member>, standing: Standing) -> Reader {
    Reader {
        user_id: member.map(|member| member.user_id),
        moderates: member.is_some_and(|member| Authority::of(member, Some(standing)) != Authority::Member),
        sees_crisis: member.is_some(),
    }
}

/// Refuses changing a deleted post or one moderators took down.
pub fn refuse_deleted(post: &PostRow) -> ApiResult<()> {
    if post.deleted_at.is_some() {
        return Err(ApiError::conflict("post_deleted", "That post was deleted."));
    }
    if matches!(post.state()?, ContentState::Hidden | ContentState::Removed) {
        return Err(ApiError::conflict(
            "post_taken_down",
            "Moderators have taken that post down, so it can't be changed.",
        ));
    }
    Ok(())
}
