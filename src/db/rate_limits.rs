//! Counters for the rate limits that must hold across processes: one row
//! per key per fixed window, bumped in one statement.

use diesel::prelude::*;

use super::schema::rate_limits;
use super::{AnyConnection, on_each_backend};
use crate::error::ApiResult;

/// Counts one more hit of `key` in the window starting at `window_start`
/// and returns the window's hits so far.
pub fn hit(connection: &mut AnyConnection, key: &str, window_start: i64) -> ApiResult<i32> {
    let row = (rate_limits::key.eq(key), rate_limits::window_start.eq(window_start), rate_limits::hits.eq(1));
    Ok(on_each_backend!(connection, |inner| {
        diesel::insert_into(rate_limits::table)
            .values(row)
            .on_conflict((rate_limits::key, rate_limits::window_start))
            .do_update()
            .set(rate_limits::hits.eq(rate_limits::hits + 1))
            .returning(rate_limits::hits)
            .get_result::<i32>(inner)
    })?)
}

/// The hits of `key` so far in the window starting at `window_start`.
pub fn hits(connection: &mut AnyConnection, key: &str, window_start: i64) -> ApiResult<i32> {
    Ok(rate_limits::table
        .filter(rate_limits::key.eq(key))
        .filter(rate_limits::window_start.eq(window_start))
        .select(rate_limits::hits)
        .first::<i32>(connection)
        .optional()?
        .unwrap_or(0))
}

/// Forgets windows that started before `before`.
pub fn purge(connection: &mut AnyConnection, before: i64) -> ApiResult<usize> {
    Ok(diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(before))).execute(connection)?)
}
