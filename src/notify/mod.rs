//! Who hears about what. Notifications are written in the transaction of
//! the change they tell of (a published post or message, a moderation
//! action, a resolved report); `announce` then tells the members' live
//! connections on every process once that transaction commits.

pub mod content;
pub mod moderation;

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
