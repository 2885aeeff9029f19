//! Who hears about what. Notifications are written in the transaction of
//! the change they tell of (a chat message, a moderation action, a resolved
//! report), except for posts: those are queued in their transaction and
//! told together by the `notifier` just after. `announce` then tells the
//! members' live connections on every process once the news commits.

pub mod content;
pub mod goals;
pub mod moderation;
pub mod notifier;
pub mod reminders;

use crate::db::AnyConnection;
use crate::db::notifications::{self, NewNotification};
use crate::domain::following::NotificationKind;
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

/// Tells every process (PostgreSQL, on commit) which threads have the new
/// posts still visible among `posts`, for the clients watching them.
pub fn replied(connection: &mut AnyConnection, posts: &[i64], origin: u64) -> ApiResult<Option<Note>> {
    let posts = crate::db::posts::visible_in_threads(connection, posts)?;
    if posts.is_empty() {
        return Ok(None);
    }
    let note = Note::Replied { posts, origin };
    broker::notify(connection, &note)?;
    Ok(Some(note))
}

/// Adds one event about `subject_id` (an item, a conversation) to each of
/// `people`'s inbox, one line per subject while unread.
pub fn tell_each(
    connection: &mut AnyConnection,
    people: &[i64],
    kind: NotificationKind,
    subject_id: i64,
    actor_id: Option<i64>,
) -> ApiResult<()> {
    let news: Vec<_> = people
        .iter()
        .map(|user_id| NewNotification {
            user_id: *user_id,
            kind,
            group_key: format!("{}:{subject_id}", kind.as_str()),
            thread_id: None,
            subject_id,
            actor_id,
        })
        .collect();
    notifications::add_all(connection, &news)
}
