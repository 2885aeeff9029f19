//! Replying in a thread: every check, the safety pipeline, the follow and
//! the notifications, in one transaction.

use actix_web::web;

use super::context::{reader_of, thread_in_context};
use super::heads;
use super::screen::screen_post;
use super::view::{PostView, new_post_view};
use crate::auth::Member;
use crate::db::follows::{self, Followed};
use crate::db::posts::{self as post_store, NewContent, Which};
use crate::db::queue::ItemSubject;
use crate::db::{AnyConnection, blocks, outbox};
use crate::domain::following::FollowLevel;
use crate::domain::moderation::ContentState;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::safety::writing;
use crate::state::AppState;

/// Stores a parsed reply to `parent_id` (or the first post) in one
/// transaction: every check, the safety pipeline, the follow and the
/// notifications, which go out once it commits. The route and the
/// benchmarks' in-process loop share it.
pub async fn store_reply(
    state: &web::Data<AppState>,
    member: Member,
    thread_id: i64,
    parent_id: Option<i64>,
    content: NewContent,
) -> ApiResult<PostView> {
    let max_depth = state.settings.max_reply_depth;
    let author_id = member.user_id;
    let shared = state.clone();
    let (view, raised) = state
        .write_thread(move |connection| {
            let (thread, community, standing) = thread_in_context(connection, thread_id, Some(&member))?;
            policy::post(community.visibility()?, standing)?;
            let reader = reader_of(Some(&member), standing);
            if thread.locked_at.is_some() && !reader.moderates {
                return Err(ApiError::conflict("thread_locked", "This thread is locked, so it can't be replied to."));
            }
            crate::consultation::refuse_replies_after_closing(connection, thread_id)?;
            let parent = match parent_id {
                Some(parent_id) => post_store::by_id(connection, parent_id)?,
                None => post_store::first_of(connection, thread_id)?,
            };
            if parent.thread_id != thread_id || !parent.is_listed_for(reader) {
                return Err(ApiError::not_found("That post is not in this thread."));
            }
            if parent.deleted_at.is_some() {
                return Err(ApiError::conflict("post_deleted", "That post was deleted, so it can't be replied to."));
            }
            if !parent.state()?.is_public() {
                return Err(ApiError::conflict(
                    "post_unavailable",
                    "That post isn't public, so it can't be replied to yet.",
                ));
            }
            policy::reply_to(blocks::between(connection, author_id, parent.author_id)?, standing)?;
            if parent.depth >= max_depth {
                return Err(ApiError::invalid(
                    "reply_too_deep",
                    format!("Replies can nest at most {max_depth} levels deep. Please reply further up the thread."),
                ));
            }
            let (content, screened) =
                screen_post(connection, &shared, &member, thread.community_id, standing, content)?;
            let post = post_store::insert(connection, thread_id, Some(&parent), author_id, content)?;
            heads::refresh(connection, Which::Post(post.id))?;
            let subject = ItemSubject::post(post.id, thread.community_id, author_id);
            let raised = writing::queue_if_asked(connection, &shared, &screened, subject)?;
            published(connection, author_id, thread_id, post.id, post.state()?)?;
            let mut view = new_post_view(connection, post, &member, reader)?;
            view.support = shared.safety.support_for(&screened, raised.as_ref());
            Ok((thread_id, (view, raised)))
        })
        .await?;
    state.deliver_alert(raised);
    state.notifier.flush().await;
    Ok(view)
}

/// After a post is stored: its author follows the thread (unless they chose
/// a level before), and a visible post is queued for the notifier to tell
/// whoever should hear of it (a held one tells nobody until approved).
pub fn published(
    connection: &mut AnyConnection,
    author_id: i64,
    thread_id: i64,
    post_id: i64,
    state: ContentState,
) -> ApiResult<()> {
    follows::set(connection, author_id, Followed::Thread(thread_id), FollowLevel::Watching, true)?;
    if state == ContentState::Visible {
        outbox::queue(connection, post_id)?;
    }
    Ok(())
}
