//! Blocks between members. A block works both ways: either member's posts
//! and messages are hidden from the other.

use std::collections::HashSet;

use diesel::prelude::*;

use super::schema::{blocks, users};
use super::{AnyConnection, on_each_backend};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// Blocks `blocked_id` for `blocker_id`; blocking twice changes nothing.
pub fn add(connection: &mut AnyConnection, blocker_id: i64, blocked_id: i64) -> ApiResult<()> {
    let row = (
        blocks::blocker_id.eq(blocker_id),
        blocks::blocked_id.eq(blocked_id),
        blocks::created_at.eq(Timestamp::now().0),
    );
    on_each_backend!(connection, |inner| {
        diesel::insert_into(blocks::table).values(row).on_conflict_do_nothing().execute(inner)
    })?;
    Ok(())
}

pub fn remove(connection: &mut AnyConnection, blocker_id: i64, blocked_id: i64) -> ApiResult<()> {
    diesel::delete(blocks::table.find((blocker_id, blocked_id))).execute(connection)?;
    Ok(())
}

/// The members `user_id` blocked, with when: (username, display name, blocked at).
pub fn blocked_by(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(String, String, i64)>> {
    Ok(blocks::table
        .inner_join(users::table.on(users::id.eq(blocks::blocked_id)))
        .filter(blocks::blocker_id.eq(user_id))
        .order(blocks::created_at.asc())
        .select((users::username, users::display_name, blocks::created_at))
        .load(connection)?)
}

/// Everyone whose content is hidden from `user_id`: those they blocked and those who blocked them.
pub fn hidden_from(connection: &mut AnyConnection, user_id: i64) -> ApiResult<HashSet<i64>> {
    let blocked: Vec<i64> = on_each_backend!(&mut *connection, |inner| {
        blocks::table.filter(blocks::blocker_id.eq(user_id)).select(blocks::blocked_id).load(inner)
    })?;
    let blockers: Vec<i64> = on_each_backend!(connection, |inner| {
        blocks::table.filter(blocks::blocked_id.eq(user_id)).select(blocks::blocker_id).load(inner)
    })?;
    Ok(blocked.into_iter().chain(blockers).collect())
}

/// Whether either member blocked the other.
pub fn between(connection: &mut AnyConnection, one: i64, other: i64) -> ApiResult<bool> {
    let count: i64 = blocks::table
        .filter(
            (blocks::blocker_id.eq(one).and(blocks::blocked_id.eq(other)))
                .or(blocks::blocker_id.eq(other).and(blocks::blocked_id.eq(one))),
        )
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}
