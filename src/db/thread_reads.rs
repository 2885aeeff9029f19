//! How far each member has read in each thread: the newest post they were
//! shown there, kept so a long thread offers "first unread" and marks it.
//! Post ids stand for order (a reply's id is taken when it is stored).

use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;

use super::posts::Reader;
use super::schema::{posts, thread_reads, threads};
use super::{AnyConnection, on_each_backend};
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// Where a reader stands in one thread.
pub struct Reading {
    pub last_read_post_id: Option<i64>,
    /// The oldest post by someone else after the last one read.
    pub first_unread_post_id: Option<i64>,
    pub unread_count: i64,
    pub newest_post_id: Option<i64>,
}

pub fn last_read(connection: &mut AnyConnection, user_id: i64, thread_id: i64) -> ApiResult<Option<i64>> {
    Ok(thread_reads::table
        .find((user_id, thread_id))
        .select(thread_reads::last_read_post_id)
        .first(connection)
        .optional()?)
}

/// The reader's position in a thread: their last read post, the first
/// unread one and how many follow it, and the newest post they may read.
pub fn reading(connection: &mut AnyConnection, thread_id: i64, reader: Reader) -> ApiResult<Reading> {
    let user_id = reader.user_id.unwrap_or(0);
    let last_read_post_id = last_read(connection, user_id, thread_id)?;
    let visible = ContentState::Visible.as_str();
    let readable = posts::thread_id.eq(thread_id).and(posts::deleted_at.is_null()).and(
        posts::moderation_state
            .eq(visible)
            .or(posts::author_id.eq(user_id))
            .or(reader.moderates.into_sql::<diesel::sql_types::Bool>()),
    );
    let newest_post_id: Option<i64> = posts::table.filter(readable).select(max(posts::id)).first(connection)?;
    let (first_unread_post_id, unread_count) = match last_read_post_id {
        Some(last) => {
            let unread = readable.and(posts::id.gt(last)).and(posts::author_id.ne(user_id));
            let (first, count): (Option<i64>, i64) =
                posts::table.filter(unread).select((min(posts::id), count_star())).first(connection)?;
            (first, count)
        }
        None => (None, 0),
    };
    Ok(Reading { last_read_post_id, first_unread_post_id, unread_count, newest_post_id })
}

/// Records that the member has read up to `post_id`; never moves back.
pub fn mark(connection: &mut AnyConnection, user_id: i64, thread_id: i64, post_id: i64) -> ApiResult<()> {
    let now = Timestamp::now().0;
    let row = (
        thread_reads::user_id.eq(user_id),
        thread_reads::thread_id.eq(thread_id),
        thread_reads::last_read_post_id.eq(post_id),
        thread_reads::read_at.eq(now),
    );
    let conflict = (thread_reads::user_id, thread_reads::thread_id);
    on_each_backend!(connection, |inner| {
        diesel::insert_into(thread_reads::table).values(row).on_conflict(conflict).do_nothing().execute(inner)
    })?;
    diesel::update(thread_reads::table.find((user_id, thread_id)).filter(thread_reads::last_read_post_id.lt(post_id)))
        .set((thread_reads::last_read_post_id.eq(post_id), thread_reads::read_at.eq(now)))
        .execute(connection)?;
    Ok(())
}

/// A member's read positions, for their data export: thread id, title, last read post, when.
pub fn of_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(i64, String, i64, i64)>> {
    Ok(thread_reads::table
        .inner_join(threads::table)
        .filter(thread_reads::user_id.eq(user_id))
        .order(thread_reads::thread_id.asc())
        .select((thread_reads::thread_id, threads::title, thread_reads::last_read_post_id, thread_reads::read_at))
        .load(connection)?)
}

/// Forgets a member's read positions (erasure).
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(thread_reads::table.filter(thread_reads::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}
