//! Threads: a title and a first post inside a community, listed by latest
//! activity with a keyset cursor.

use diesel::prelude::*;

use super::communities::CommunityPlace;
use super::posts::{self, NewContent, Reader};
use super::schema::{communities, crisis_posts, posts as post_rows, stories, threads, users};
use super::{AnyConnection, on_each_backend};
use crate::domain::moderation::ContentState;
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
    pub locked_at: Option<i64>,
    pub pinned_at: Option<i64>,
}

/// A thread as listed, with its author's names.
#[derive(Debug, Clone, Queryable)]
pub struct ThreadListing {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    pub locked_at: Option<i64>,
    pub pinned_at: Option<i64>,
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
    let first = posts::insert(connection, thread_id, None, author_id, first_post)?;
    Ok((thread_id, first.id))
}

/// The titles of these threads (those not deleted), by id.
pub fn titles(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = threads::table
        .filter(threads::id.eq_any(ids))
        .filter(threads::deleted_at.is_null())
        .select((threads::id, threads::title))
        .load(connection)?;
    Ok(rows.into_iter().collect())
}

/// A live thread with what reading it needs beside it.
#[derive(Debug, Queryable)]
pub struct ThreadInPlace {
    pub thread: ThreadRow,
    pub community: CommunityPlace,
    /// The thread's author's (username, display name).
    pub author: (String, String),
    /// The thread's reach as stored, when it is a story.
    pub story: Option<String>,
    pub first_post: FirstPost,
}

/// What decides who may read a thread's first post.
#[derive(Debug, Queryable)]
pub struct FirstPost {
    pub author_id: i64,
    pub moderation_state: String,
    /// Whether its words screened as a crisis.
    pub crisis: bool,
}

impl FirstPost {
    pub fn is_readable_by(&self, reader: Reader) -> bool {
        posts::is_readable(&self.moderation_state, self.author_id, reader)
    }
}

/// A live thread with what reading it needs beside it, from one statement.
pub fn in_place(connection: &mut AnyConnection, id: i64) -> ApiResult<ThreadInPlace> {
    let first_post = post_rows::thread_id.eq(threads::id).and(post_rows::depth.eq(0));
    on_each_backend!(connection, |inner| {
        threads::table
            .inner_join(communities::table)
            .inner_join(users::table)
            .left_join(stories::table)
            .inner_join(post_rows::table.on(first_post))
            .left_join(crisis_posts::table.on(crisis_posts::post_id.eq(post_rows::id)))
            .filter(threads::id.eq(id))
            .filter(threads::deleted_at.is_null())
            .select((
                threads::all_columns,
                (communities::id, communities::slug, communities::visibility),
                (users::username, users::display_name),
                stories::reach.nullable(),
                (post_rows::author_id, post_rows::moderation_state, crisis_posts::post_id.nullable().is_not_null()),
            ))
            .first(inner)
            .optional()
    })?
    .ok_or_else(|| ApiError::not_found("We couldn't find that thread."))
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<ThreadRow> {
    threads::table
        .find(id)
        .filter(threads::deleted_at.is_null())
        .first::<ThreadRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that thread."))
}

/// One page of a community's threads, most recently active first: the
/// pinned ones (`pinned`) or the rest. A thread whose first post is not
/// public (held, hidden, removed) is listed only for its author and
/// moderators, as `PostRow::is_readable_by` says of the post.
pub fn list(
    connection: &mut AnyConnection,
    community_id: i64,
    after: Option<ListCursor>,
    limit: i64,
    pinned: bool,
    reader: Reader,
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
            threads::locked_at,
            threads::pinned_at,
            users::username,
            users::display_name,
        ))
        .limit(limit)
        .into_boxed();
    query = if pinned {
        query.filter(threads::pinned_at.is_not_null())
    } else {
        query.filter(threads::pinned_at.is_null())
    };
    if !reader.moderates {
        let unreadable_first_post = post_rows::table
            .filter(post_rows::thread_id.eq(threads::id))
            .filter(post_rows::depth.eq(0))
            .filter(post_rows::moderation_state.ne(ContentState::Visible.as_str()));
        query = query.filter(
            diesel::dsl::not(diesel::dsl::exists(unreadable_first_post))
                .or(threads::author_id.eq(reader.user_id.unwrap_or(0))),
        );
    }
    if !reader.sees_crisis {
        query = query.filter(diesel::dsl::not(diesel::dsl::exists(crisis_first_post())));
    }
    if let Some(cursor) = after {
        query = query.filter(
            threads::last_activity_at
                .lt(cursor.last_activity_at)
                .or(threads::last_activity_at.eq(cursor.last_activity_at).and(threads::id.lt(cursor.id))),
        );
    }
    Ok(query.load::<ThreadListing>(connection)?)
}

/// The first post of the thread in the outer query, if it screened as a
/// crisis: lists leave such threads out for readers who may not read them.
#[diesel::dsl::auto_type]
pub fn crisis_first_post() -> _ {
    post_rows::table
        .filter(post_rows::thread_id.eq(threads::id))
        .filter(post_rows::depth.eq(0_i32))
        .filter(post_rows::id.eq_any(crisis_posts::table.select(crisis_posts::post_id)))
}

pub fn mark_deleted(connection: &mut AnyConnection, thread_id: i64) -> ApiResult<()> {
    diesel::update(threads::table.find(thread_id))
        .set(threads::deleted_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

/// A thread's moderator-set flags.
#[derive(Debug, Clone, Copy)]
pub enum Flag {
    /// No new replies, except from moderators.
    Locked,
    /// Listed first.
    Pinned,
}

/// Sets or clears a flag; false when it was already so.
pub fn set_flag(connection: &mut AnyConnection, thread_id: i64, flag: Flag, on: bool) -> ApiResult<bool> {
    let value = on.then(|| Timestamp::now().0);
    let target = threads::table.find(thread_id);
    let changed = match (flag, on) {
        (Flag::Locked, true) => diesel::update(target.filter(threads::locked_at.is_null()))
            .set(threads::locked_at.eq(value))
            .execute(connection)?,
        (Flag::Locked, false) => diesel::update(target.filter(threads::locked_at.is_not_null()))
            .set(threads::locked_at.eq(value))
            .execute(connection)?,
        (Flag::Pinned, true) => diesel::update(target.filter(threads::pinned_at.is_null()))
            .set(threads::pinned_at.eq(value))
            .execute(connection)?,
        (Flag::Pinned, false) => diesel::update(target.filter(threads::pinned_at.is_not_null()))
            .set(threads::pinned_at.eq(value))
            .execute(connection)?,
    };
    Ok(changed == 1)
}

/// Gives a thread a new title (the search index follows it).
pub fn retitle(connection: &mut AnyConnection, thread_id: i64, title: &str) -> ApiResult<()> {
    diesel::update(threads::table.find(thread_id)).set(threads::title.eq(title)).execute(connection)?;
    Ok(())
}

pub fn move_to(connection: &mut AnyConnection, thread_id: i64, community_id: i64) -> ApiResult<()> {
    diesel::update(threads::table.find(thread_id)).set(threads::community_id.eq(community_id)).execute(connection)?;
    Ok(())
}

/// The busiest threads, in the communities `user_id` belongs to, by posts
/// from others since `since` (at least `at_least`, at most `limit` threads):
/// (title, community name, posts), busiest first. What a digest calls busy.
pub fn busy_for(
    connection: &mut AnyConnection,
    user_id: i64,
    since: i64,
    at_least: i64,
    limit: i64,
) -> ApiResult<Vec<(String, String, i64)>> {
    use diesel::dsl::count_star;

    use super::schema::{communities, community_members};
    let theirs =
        community_members::table.filter(community_members::user_id.eq(user_id)).select(community_members::community_id);
    let counts: Vec<(i64, i64)> = post_rows::table
        .inner_join(threads::table)
        .filter(threads::community_id.eq_any(theirs))
        .filter(threads::deleted_at.is_null())
        .filter(post_rows::created_at.gt(since))
        .filter(post_rows::deleted_at.is_null())
        .filter(post_rows::moderation_state.eq(ContentState::Visible.as_str()))
        .filter(post_rows::author_id.ne(user_id))
        .group_by(threads::id)
        .having(count_star().ge(at_least))
        .select((threads::id, count_star()))
        .order((count_star().desc(), threads::id))
        .limit(limit)
        .load(connection)?;
    let ids: Vec<i64> = counts.iter().map(|(id, _)| *id).collect();
    let names: std::collections::HashMap<i64, (String, String)> = threads::table
        .inner_join(communities::table)
        .filter(threads::id.eq_any(&ids))
        .select((threads::id, threads::title, communities::name))
        .load::<(i64, String, String)>(connection)?
        .into_iter()
        .map(|(id, title, community)| (id, (title, community)))
        .collect();
    Ok(counts
        .into_iter()
        .filter_map(|(id, posts)| names.get(&id).map(|(title, community)| (title.clone(), community.clone(), posts)))
        .collect())
}
