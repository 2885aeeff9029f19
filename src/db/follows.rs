//! Who follows which threads and communities, and how closely. No row means
//! `normal`: replies and mentions only.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::{community_follows, thread_follows};
use super::{AnyConnection, on_each_backend};
use crate::domain::following::FollowLevel;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// What is followed.
#[derive(Debug, Clone, Copy)]
pub enum Followed {
    Thread(i64),
    Community(i64),
}

/// Sets a member's level; `only_if_new` keeps a level they chose before
/// (following by default when they start or reply to a thread).
pub fn set(
    connection: &mut AnyConnection,
    user_id: i64,
    followed: Followed,
    level: FollowLevel,
    only_if_new: bool,
) -> ApiResult<()> {
    let now = Timestamp::now().0;
    match followed {
        Followed::Thread(thread_id) => {
            let row = (
                thread_follows::user_id.eq(user_id),
                thread_follows::thread_id.eq(thread_id),
                thread_follows::level.eq(level.as_str()),
                thread_follows::updated_at.eq(now),
            );
            let conflict = (thread_follows::user_id, thread_follows::thread_id);
            let change = (thread_follows::level.eq(level.as_str()), thread_follows::updated_at.eq(now));
            on_each_backend!(connection, |inner| {
                let insert = diesel::insert_into(thread_follows::table).values(row).on_conflict(conflict);
                if only_if_new {
                    insert.do_nothing().execute(inner)
                } else {
                    insert.do_update().set(change).execute(inner)
                }
            })?;
        }
        Followed::Community(community_id) => {
            let row = (
                community_follows::user_id.eq(user_id),
                community_follows::community_id.eq(community_id),
                community_follows::level.eq(level.as_str()),
                community_follows::updated_at.eq(now),
            );
            let conflict = (community_follows::user_id, community_follows::community_id);
            let change = (community_follows::level.eq(level.as_str()), community_follows::updated_at.eq(now));
            on_each_backend!(connection, |inner| {
                let insert = diesel::insert_into(community_follows::table).values(row).on_conflict(conflict);
                if only_if_new {
                    insert.do_nothing().execute(inner)
                } else {
                    insert.do_update().set(change).execute(inner)
                }
            })?;
        }
    }
    Ok(())
}

/// Stops following: back to `normal`.
pub fn remove(connection: &mut AnyConnection, user_id: i64, followed: Followed) -> ApiResult<()> {
    match followed {
        Followed::Thread(id) => diesel::delete(thread_follows::table.find((user_id, id))).execute(connection)?,
        Followed::Community(id) => diesel::delete(community_follows::table.find((user_id, id))).execute(connection)?,
    };
    Ok(())
}

/// A member's chosen level, if they chose one.
pub fn level_of(connection: &mut AnyConnection, user_id: i64, followed: Followed) -> ApiResult<Option<FollowLevel>> {
    let level: Option<String> = match followed {
        Followed::Thread(id) => {
            thread_follows::table.find((user_id, id)).select(thread_follows::level).first(connection).optional()?
        }
        Followed::Community(id) => community_follows::table
            .find((user_id, id))
            .select(community_follows::level)
            .first(connection)
            .optional()?,
    };
    level.map(|level| FollowLevel::from_stored(&level)).transpose()
}

/// Every member's level for a thread, the thread's own level winning over
/// its community's.
pub fn levels_for(
    connection: &mut AnyConnection,
    thread_id: i64,
    community_id: i64,
) -> ApiResult<HashMap<i64, FollowLevel>> {
    let in_community: Vec<(i64, String)> = community_follows::table
        .filter(community_follows::community_id.eq(community_id))
        .select((community_follows::user_id, community_follows::level))
        .load(connection)?;
    let in_thread: Vec<(i64, String)> = thread_follows::table
        .filter(thread_follows::thread_id.eq(thread_id))
        .select((thread_follows::user_id, thread_follows::level))
        .load(connection)?;
    in_community
        .into_iter()
        .chain(in_thread)
        .map(|(user_id, level)| Ok((user_id, FollowLevel::from_stored(&level)?)))
        .collect()
}

/// A community's level for each member who chose one (chat follows the community).
pub fn community_levels(connection: &mut AnyConnection, community_id: i64) -> ApiResult<HashMap<i64, FollowLevel>> {
    let rows: Vec<(i64, String)> = community_follows::table
        .filter(community_follows::community_id.eq(community_id))
        .select((community_follows::user_id, community_follows::level))
        .load(connection)?;
    rows.into_iter().map(|(user_id, level)| Ok((user_id, FollowLevel::from_stored(&level)?))).collect()
}
