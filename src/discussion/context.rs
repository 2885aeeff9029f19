//! Where a post or thread sits for a reader: found or not (a 404 that
//! reveals nothing), its community, and the reader's standing there.

use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::communities::{self as community_store, CommunityPlace};
use crate::db::posts::{self as store, PostRow, Reader};
use crate::db::threads::{self as thread_store, ThreadInPlace, ThreadRow};
use crate::domain::community::Visibility;
use crate::domain::moderation::ContentState;
use crate::domain::story::Reach;
use crate::error::{ApiError, ApiResult};
use crate::policy::{self, Authority, Standing, ThreadAccess};

/// A thread the viewer may read, with its community and their standing
/// there. A thread whose first post is not public (held, hidden, removed)
/// is found only by those who may read that post: to anyone else it is a
/// 404, as if there were no thread, so its title and author stay unknown.
/// A story read by someone its reach alone carries it to is not found
/// here either: the replies, reactions and follows behind this are the
/// community's.
pub fn thread_in_context(
    connection: &mut AnyConnection,
    thread_id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(ThreadRow, CommunityPlace, Standing)> {
    let reading = thread_for_reading(connection, thread_id, viewer)?;
    if reading.access != ThreadAccess::Whole {
        return Err(ApiError::not_found("We couldn't find that thread."));
    }
    Ok((reading.thread, reading.community, reading.standing))
}

/// A thread as one reader may read it: whole, or (for a story whose reach
/// carries it to a reader who may not read its community) the story alone.
pub struct Reading {
    pub thread: ThreadRow,
    pub community: CommunityPlace,
    /// The thread's author's (username, display name).
    pub author: (String, String),
    pub standing: Standing,
    /// The thread's reach, when it is a story.
    pub story: Option<Reach>,
    pub access: ThreadAccess,
    /// Whether the first post's words screened as a crisis.
    pub starts_in_crisis: bool,
}

/// The thread for a reader of its page, as `thread_in_context` finds it for
/// those who may read its community, and a story for whoever its reach
/// carries it to; anyone else gets a 404 that reveals nothing.
pub fn thread_for_reading(
    connection: &mut AnyConnection,
    thread_id: i64,
    viewer: Option<&Member>,
) -> ApiResult<Reading> {
    let ThreadInPlace { thread, community, author, story, first_post } = thread_store::in_place(connection, thread_id)?;
    let standing = community_store::standing(connection, community.id, viewer)?;
    let story = story.as_deref().map(Reach::from_stored).transpose()?;
    let access = policy::read_thread(community.visibility()?, standing, story, viewer.is_some())
        .map_err(|_| ApiError::not_found("We couldn't find that thread."))?;
    if !first_post.is_readable_by(reader_of(viewer, standing)) {
        return Err(ApiError::not_found("We couldn't find that thread."));
    }
    Ok(Reading { thread, community, author, standing, story, access, starts_in_crisis: first_post.crisis })
}

/// A live post a member may read, with what acting on it needs to know.
pub struct PostInContext {
    pub post: PostRow,
    pub community_id: i64,
    pub visibility: Visibility,
    pub standing: Standing,
}

/// A live post with its community and the member's standing there; a post
/// the member may not read (or see, while held), or one in a thread they
/// may not find, is a 404.
pub fn post_in_context(connection: &mut AnyConnection, post_id: i64, member: &Member) -> ApiResult<PostInContext> {
    let post = store::by_id(connection, post_id)?;
    let (_, community, standing) = thread_in_context(connection, post.thread_id, Some(member))?;
    if !post.is_listed_for(reader_of(Some(member), standing)) {
        return Err(ApiError::not_found("We couldn't find that post."));
    }
    Ok(PostInContext { post, community_id: community.id, visibility: community.visibility()?, standing })
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
