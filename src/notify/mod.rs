//! Who hears about what. Notifications are written in the transaction of
//! the change they tell of (a chat message, a moderation action, a resolved
//! report), except for posts: those are queued in their transaction and
//! told together by the `notifier` just after. `announce` then tells the
//! members' live connections on every process once the news commits.

pub mod content;
pub mod moderation;
pub mod notifier;

use crate::db::AnyConnection;
use crate::error::ApiResult;
use crate::live::broker::{self, Note};

/// Tells other processes (PostgreSQL, on commit) that these members have
/// news; the caller hands the returned note to its own hub after commit.
pub fn announce(connection: &mut AnyConnection, mut users: Vec<i64>, origin: u64) -> ApiResult<Option<Note>> {
    if users.is_empty() {
        return Ok(None);
    }
    users.sort_unstable();
    users.dedup();
    let note = Note::Notified { users, origin };
    broker::notify(connection, &note)?;
    Ok(Some(note))
}
