//! The notification outbox: published posts whose readers are still to be
//! told. Rows are written in the post's transaction and taken, a batch at a
//! time, by the notifier (`notify::notifier`).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::notification_outbox;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// Queues a post, in the transaction that publishes it.
pub fn queue(connection: &mut AnyConnection, post_id: i64) -> ApiResult<()> {
    diesel::insert_into(notification_outbox::table)
        .values((notification_outbox::post_id.eq(post_id), notification_outbox::queued_at.eq(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

/// How many posts are waiting to be told.
pub fn queued_count(connection: &mut AnyConnection) -> ApiResult<i64> {
    Ok(notification_outbox::table.count().get_result(connection)?)
}

/// Whether any post is waiting to be told.
pub fn any_queued(connection: &mut AnyConnection) -> ApiResult<bool> {
    let first: Option<i64> =
        notification_outbox::table.select(notification_outbox::post_id).first(connection).optional()?;
    Ok(first.is_some())
}

/// Takes up to `limit` queued posts, oldest first, and removes them from the
/// queue: the caller's transaction tells their readers, or rolls back and
/// leaves them queued. On PostgreSQL rows another process is taking are
/// skipped, so each post is told once.
pub fn take(connection: &mut AnyConnection, limit: i64) -> ApiResult<Vec<i64>> {
    let oldest = notification_outbox::table.select(notification_outbox::post_id).order(notification_outbox::post_id);
    let taken: Vec<i64> = match connection {
        AnyConnection::Sqlite(inner) => oldest.limit(limit).load(inner)?,
        AnyConnection::Postgres(inner) => oldest.limit(limit).for_update().skip_locked().load(inner)?,
    };
    diesel::delete(notification_outbox::table.filter(notification_outbox::post_id.eq_any(&taken)))
        .execute(connection)?;
    Ok(taken)
}
