//! Stories: which threads their authors started as stories, how far each
//! may travel, and the lists of them a reader may see.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{communities, posts, stories, threads, users};
use super::threads::crisis_first_post;
use crate::domain::moderation::ContentState;
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// A story as listed, with its community and its author's names.
#[derive(Debug, Clone, Queryable)]
pub struct StoryListing {
    pub id: i64,
    pub title: String,
    pub created_at: i64,
    pub last_activity_at: i64,
    pub reply_count: i64,
    pub reach: String,
    pub community_slug: String,
    pub community_name: String,
    pub author_username: String,
    pub author_display_name: String,
}

/// Where a list page ends: the last story's creation time and id.
#[derive(Debug, Clone, Copy)]
pub struct StoryCursor {
    pub created_at: i64,
    pub id: i64,
}

/// Which stories a reader may list: all of those in communities they may
/// read, and elsewhere those whose reach is one of `beyond`; only in
/// `community` when it is given.
#[derive(Debug, Clone)]
pub struct Within {
    pub community: Option<i64>,
    pub readable: Vec<i64>,
    pub beyond: &'static [Reach],
    /// The reader, who also sees their own stories while held.
    pub user_id: Option<i64>,
    /// Whether the reader reads stories that screened as a crisis.
    pub sees_crisis: bool,
}

/// Marks a thread just created as a story with `reach`.
pub fn create(connection: &mut AnyConnection, thread_id: i64, reach: Reach) -> ApiResult<()> {
    let now = Timestamp::now().0;
    diesel::insert_into(stories::table)
        .values((
            stories::thread_id.eq(thread_id),
            stories::reach.eq(reach.as_str()),
            stories::created_at.eq(now),
            stories::reach_changed_at.eq(now),
        ))
        .execute(connection)?;
    Ok(())
}

pub fn set_reach(connection: &mut AnyConnection, thread_id: i64, reach: Reach) -> ApiResult<()> {
    diesel::update(stories::table.find(thread_id))
        .set((stories::reach.eq(reach.as_str()), stories::reach_changed_at.eq(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

/// An erased member's stories travel no further than their communities.
pub fn keep_in_community(connection: &mut AnyConnection, author_id: i64) -> ApiResult<()> {
    let theirs = threads::table.filter(threads::author_id.eq(author_id)).select(threads::id);
    diesel::update(stories::table.filter(stories::thread_id.eq_any(theirs)))
        .set(stories::reach.eq(Reach::Community.as_str()))
        .execute(connection)?;
    Ok(())
}

/// One page of the stories `within` allows, newest first. A story whose
/// first post is not public (held, hidden, removed, deleted) is listed only
/// for its author, and one that screened as a crisis only for readers who
/// read such posts.
pub fn list(
    connection: &mut AnyConnection,
    within: &Within,
    after: Option<StoryCursor>,
    limit: i64,
) -> ApiResult<Vec<StoryListing>> {
    let beyond: Vec<&str> = within.beyond.iter().map(|reach| reach.as_str()).collect();
    let mut query = threads::table
        .inner_join(stories::table)
        .inner_join(users::table)
        .inner_join(communities::table)
        .filter(threads::deleted_at.is_null())
        .filter(threads::community_id.eq_any(&within.readable).or(stories::reach.eq_any(beyond)))
        .order((threads::created_at.desc(), threads::id.desc()))
        .select((
            threads::id,
            threads::title,
            threads::created_at,
            threads::last_activity_at,
            threads::reply_count,
            stories::reach,
            communities::slug,
            communities::name,
            users::username,
            users::display_name,
        ))
        .limit(limit)
        .into_boxed();
    if let Some(community) = within.community {
        query = query.filter(threads::community_id.eq(community));
    }
    let public_first_post = posts::table
        .filter(posts::thread_id.eq(threads::id))
        .filter(posts::depth.eq(0))
        .filter(posts::moderation_state.eq(ContentState::Visible.as_str()))
        .filter(posts::deleted_at.is_null());
    query = query.filter(diesel::dsl::exists(public_first_post).or(threads::author_id.eq(within.user_id.unwrap_or(0))));
    if !within.sees_crisis {
        query = query.filter(diesel::dsl::not(diesel::dsl::exists(crisis_first_post())));
    }
    if let Some(cursor) = after {
        query = query.filter(
            threads::created_at
                .lt(cursor.created_at)
                .or(threads::created_at.eq(cursor.created_at).and(threads::id.lt(cursor.id))),
        );
    }
    Ok(query.load::<StoryListing>(connection)?)
}
