//! Each member's notifications. Events of one group (replies in a thread,
//! new posts in a watched thread) add to the group's one unread row rather
//! than each making a row, so fifty replies are one line with a count.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::notifications;
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};

#[derive(Debug, Clone, Queryable)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub group_key: String,
    pub count: i32,
    pub thread_id: Option<i64>,
    /// The post, chat message, log entry or report it is about; for a
    /// group, the first of its events (where to start reading).
    pub subject_id: i64,
    /// Who caused the latest event, if a member did.
    pub actor_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub read_at: Option<i64>,
}

impl NotificationRow {
    pub fn kind(&self) -> ApiResult<NotificationKind> {
        NotificationKind::from_stored(&self.kind)
    }
}

/// One event for one member.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub user_id: i64,
    pub kind: NotificationKind,
    /// Events with the same key are one line while it is unread.
    pub group_key: String,
    pub thread_id: Option<i64>,
    pub subject_id: i64,
    pub actor_id: Option<i64>,
}

/// Adds each event to its group's unread row, or opens one. Several events
/// for one member's group (many posts told at once) add as many to its
/// count: one update for each group, count and latest actor, then an insert
/// for each member who had no unread row. Mail the members want at once is
/// queued in the same transaction.
pub fn add_all(connection: &mut AnyConnection, news: &[NewNotification]) -> ApiResult<()> {
    let mut tallies: BTreeMap<(&str, i64), Tally> = BTreeMap::new();
    for new in news {
        let tally = tallies.entry((new.group_key.as_str(), new.user_id)).or_insert(Tally {
            first: new,
            count: 0,
            actor_id: None,
        });
        tally.count += 1;
        tally.actor_id = new.actor_id;
    }
    let mut alike: BTreeMap<(&str, i32, Option<i64>), Vec<i64>> = BTreeMap::new();
    for ((key, user_id), tally) in &tallies {
        alike.entry((key, tally.count, tally.actor_id)).or_default().push(*user_id);
    }
    for ((key, count, actor_id), members) in alike {
        let bumped = bump(connection, &members, key, count, actor_id)?;
        for user_id in members.into_iter().filter(|user_id| !bumped.contains(user_id)) {
            open(connection, &tallies[&(key, user_id)])?;
        }
    }
    super::mail_outbox::queue_for_news(connection, news)
}

/// Adds the event to its group's unread row, or opens one.
pub fn add(connection: &mut AnyConnection, new: &NewNotification) -> ApiResult<()> {
    add_all(connection, std::slice::from_ref(new))
}

/// One member's events in one group: where the first happened, how many
/// there were and who caused the latest.
struct Tally<'a> {
    first: &'a NewNotification,
    count: i32,
    actor_id: Option<i64>,
}

/// Opens the member's unread row for the group.
fn open(connection: &mut AnyConnection, tally: &Tally) -> ApiResult<()> {
    let now = Timestamp::now().0;
    let new = tally.first;
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(new.user_id),
                notifications::kind.eq(new.kind.as_str()),
                notifications::group_key.eq(&new.group_key),
                notifications::count.eq(tally.count),
                notifications::thread_id.eq(new.thread_id),
                notifications::subject_id.eq(new.subject_id),
                notifications::actor_id.eq(tally.actor_id),
                notifications::created_at.eq(now),
                notifications::updated_at.eq(now),
            ))
            .execute(connection)
    });
    match inserted {
        Ok(_) => Ok(()),
        // Another process opened the group first: add to theirs.
        Err(error) if is_unique_violation(&error) => {
            bump(connection, &[new.user_id], &new.group_key, tally.count, tally.actor_id).map(drop)
        }
        Err(error) => Err(error.into()),
    }
}

/// Adds `count` events to the unread rows of the group that `members`
/// have; returns whose rows there were.
fn bump(
    connection: &mut AnyConnection,
    members: &[i64],
    group_key: &str,
    count: i32,
    actor_id: Option<i64>,
) -> ApiResult<Vec<i64>> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq_any(members))
            .filter(notifications::group_key.eq(group_key))
            .filter(notifications::read_at.is_null()),
    )
    .set((
        notifications::count.eq(notifications::count + count),
        notifications::actor_id.eq(actor_id),
        notifications::updated_at.eq(Timestamp::now().0),
    ))
    .returning(notifications::user_id)
    .get_results(connection)?)
}

/// Where a page ends: the last row's update time and id.
#[derive(Debug, Clone, Copy)]
pub struct PageCursor {
    pub updated_at: i64,
    pub id: i64,
}

/// A page of a member's notifications, latest activity first.
pub fn page(
    connection: &mut AnyConnection,
    user_id: i64,
    after: Option<PageCursor>,
    limit: i64,
) -> ApiResult<Vec<NotificationRow>> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::updated_at.desc(), notifications::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(
            notifications::updated_at
                .lt(cursor.updated_at)
                .or(notifications::updated_at.eq(cursor.updated_at).and(notifications::id.lt(cursor.id))),
        );
    }
    Ok(query.load(connection)?)
}

pub fn unread_count(connection: &mut AnyConnection, user_id: i64) -> ApiResult<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(connection)?)
}

/// Marks one of the member's notifications read; anyone else's is a 404.
pub fn mark_read(connection: &mut AnyConnection, user_id: i64, id: i64) -> ApiResult<()> {
    let mine = notifications::table.find(id).filter(notifications::user_id.eq(user_id));
    let exists: i64 = mine.count().get_result(connection)?;
    if exists == 0 {
        return Err(ApiError::not_found("We couldn't find that notification."));
    }
    diesel::update(mine.filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

pub fn mark_all_read(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(Timestamp::now().0)))
    .execute(connection)?;
    Ok(())
}

/// Where a notification's events happened, as its line names it.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// (id, title) of the thread.
    pub thread: Option<(i64, String)>,
    /// (id, name) of the chat room.
    pub room: Option<(i64, String)>,
    /// The community's slug.
    pub community: Option<String>,
}

/// The thread (with its community) or, for a chat mention, the room a
/// notification is about. A deleted thread is still named.
pub fn place_of(connection: &mut AnyConnection, row: &NotificationRow) -> ApiResult<Place> {
    use super::schema::{chat_messages, communities, rooms, threads};
    if let Some(thread_id) = row.thread_id {
        let found: Option<(String, String)> = threads::table
            .inner_join(communities::table)
            .filter(threads::id.eq(thread_id))
            .select((threads::title, communities::slug))
            .first(connection)
            .optional()?;
        return Ok(found
            .map(|(title, slug)| Place { thread: Some((thread_id, title)), room: None, community: Some(slug) })
            .unwrap_or_default());
    }
    if row.kind()? != NotificationKind::Mention {
        return Ok(Place::default());
    }
    let found: Option<(i64, String, String)> = chat_messages::table
        .inner_join(rooms::table.inner_join(communities::table))
        .filter(chat_messages::id.eq(row.subject_id))
        .select((rooms::id, rooms::name, communities::slug))
        .first(connection)
        .optional()?;
    Ok(found
        .map(|(id, name, slug)| Place { thread: None, room: Some((id, name)), community: Some(slug) })
        .unwrap_or_default())
}

/// One notification, if it still exists.
pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<Option<NotificationRow>> {
    Ok(notifications::table.find(id).first(connection).optional()?)
}

/// A member's unread notifications of `kinds` with news since `since`,
/// latest first, at most `limit` (what a digest gathers).
pub fn unread_since(
    connection: &mut AnyConnection,
    user_id: i64,
    kinds: &[&str],
    since: i64,
    limit: i64,
) -> ApiResult<Vec<NotificationRow>> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::kind.eq_any(kinds))
        .filter(notifications::read_at.is_null())
        .filter(notifications::updated_at.gt(since))
        .order((notifications::updated_at.desc(), notifications::id.desc()))
        .limit(limit)
        .load(connection)?)
}
