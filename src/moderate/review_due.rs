//! Directory entries not reviewed for `directory_review_months` reach the
//! moderation queue as routine items, so what members are pointed to stays
//! true; reviewing one there (or on the entry) marks it reviewed.

use std::time::Duration;

use crate::db::queue::{self, ItemSubject, Pressure};
use crate::db::{AnyConnection, Db, directory, users};
use crate::domain::moderation::Subject;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// A month, for review ages: 30 days, in milliseconds.
const MONTH_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Opens a routine item for each entry due for review; returns how many.
/// The items are Kindred's own (its automatic account stands as author), so
/// every reviewer may take them.
pub fn raise_due(connection: &mut AnyConnection, review_months: u32) -> ApiResult<usize> {
    let cutoff = Timestamp::now().0 - i64::from(review_months) * MONTH_MS;
    let due = directory::due_for_review(connection, cutoff)?;
    if due.is_empty() {
        return Ok(0);
    }
    let automatic = users::automatic_id(connection)?;
    for (id, community_id) in &due {
        let subject =
            ItemSubject { kind: Subject::DirectoryEntry, id: *id, community_id: *community_id, author_id: automatic };
        queue::raise(connection, subject, Pressure::default())?;
    }
    Ok(due.len())
}

/// Runs `raise_due` every `interval` for the life of the process.
pub async fn run(db: Db, review_months: u32, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        match db.write_unseen(move |connection| raise_due(connection, review_months)).await {
            Ok(0) => {}
            Ok(raised) => tracing::info!(raised, "directory entries are due for review"),
            Err(error) => {
                tracing::warn!(%error, "looking for directory entries due for review failed; it runs again later")
            }
        }
    }
}
