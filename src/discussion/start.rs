//! Starting a thread: the safety pipeline, the store, the queue item
//! screening asked for and the author's follow, in the caller's
//! transaction. A plain thread and a consultation's both start here.

use super::heads;
use super::reply::published;
use super::screen::screen_thread;
use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::posts::{NewContent, Which};
use crate::db::queue::ItemSubject;
use crate::db::threads as thread_store;
use crate::error::ApiResult;
use crate::policy::Standing;
use crate::safeguarding::Raised;
use crate::safety::writing;
use crate::state::AppState;
use crate::views::support::Support;

/// A thread just stored, and what its author is shown and leads are told.
pub struct Started {
    pub thread_id: i64,
    pub support: Option<Support>,
    pub raised: Option<Raised>,
}

pub fn start_thread(
    connection: &mut AnyConnection,
    state: &AppState,
    author: &Member,
    community_id: i64,
    standing: Standing,
    title: String,
    content: NewContent,
) -> ApiResult<Started> {
    let (title, content, screened) = screen_thread(connection, state, author, community_id, standing, title, content)?;
    let moderation_state = content.state;
    let (thread_id, post_id) = thread_store::create(connection, community_id, author.user_id, title, content)?;
    heads::refresh(connection, Which::Post(post_id))?;
    let subject = ItemSubject::post(post_id, community_id, author.user_id);
    let raised = writing::queue_if_asked(connection, state, &screened, subject)?;
    published(connection, author.user_id, thread_id, post_id, moderation_state)?;
    Ok(Started { thread_id, support: state.safety.support_for(&screened, raised.as_ref()), raised })
}
