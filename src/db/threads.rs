//! Threads: a title and a first post inside a community, listed by latest
//! activity with a keyset cursor.

use diesel::prelude::*;

use super::AnyConnection;
use super::posts::{self, NewContent};
use super::schema::{threads, users};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct ThreadRow {
    pub id: i64,
    pub community_id: i64,
    pub author_id: i64,
    pub title: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub post_seq: i64,
    pub reply_count: i64,
    pub deleted_at: Option<i64>,
}

/// A thread as listed, with its author's names.
#[derive(Debug, Clone, Queryable)]
pub struct ThreadListing {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    pub author_username: String,
    pub author_display_name: String,
}

/// Where a thread list page ends: the last thread's activity time and id.
#[derive(Debug, Clone, Copy)]
pub struct ListCursor {
    pub last_activity_at: i64,
    pub id: i64,
}

/// Creates the thread and its first post; returns (thread id, post id).
pub fn create(
    connection: &mut AnyConnection,
    community_id: i64,
    author_id: i64,
    title: String,
    first_post: NewContent,
) -> ApiResult<(i64, i64)> {
    let now = Timestamp::now().0;
    let thread_id = diesel::insert_into(threads::table)
        .values((
            threads::community_id.eq(community_id),
            threads::author_id.eq(author_id),
            threads::title.eq(title),
            threads::created_at.eq(now),
            threads::last_activity_at.eq(now),
            threads::post_seq.eq(0i64),
            threads::reply_count.eq(0i64),
        ))
        .returning(threads::id)
        .get_result::<i64>(connection)?;
    let post_id = posts::insert(connection, thread_id, None, author_id, first_post)?;
    Ok((thread_id, post_id))
}

/// A thread that has not been deleted.
pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<ThreadRow> {
    threads::table
        .find(id)
        .filter(threads::deleted_at.is_null())
        .first::<ThreadRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that thread."))
}

/// One page of a community's threads, most recently active first.
pub fn list(
    connection: &mut AnyConnection,
    community_id: i64,
    after: Option<ListCursor>,
    limit: i64,
) -> ApiResult<Vec<ThreadListing>> {
    let mut query = threads::table
        .inner_join(users::table)
        .filter(threads::community_id.eq(community_id))
        .filter(threads::deleted_at.is_null())
        .order((threads::last_activity_at.desc(), threads::id.desc()))
        .select((
            threads::id,
            threads::title,
            threads::created_at,
            threads::last_activity_at,
            threads::reply_count,
            users::username,
            users::display_name,
        ))
        .limit(limit)
        .into_boxed();
    if let Some(cursor) = after {
        query = query.filter(
            threads::last_activity_at
                .lt(cursor.last_activity_at)
                .or(threads::last_activity_at.eq(cursor.last_activity_at).and(threads::id.lt(cursor.id))),
        );
    }
    Ok(query.load::<ThreadListing>(connection)?)
}

pub fn mark_deleted(connection: &mut AnyConnection, thread_id: i64) -> ApiResult<()> {
    diesel::update(threads::table.find(thread_id))
        .set(threads::deleted_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}
