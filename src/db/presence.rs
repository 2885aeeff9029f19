//! Who is in which chat room through which server process, for processes
//! sharing one PostgreSQL database: each writes its own members' rows and
//! reads the others', so every process shows everyone present.

use diesel::prelude::*;

use super::schema::{live_presence, users};
use super::{AnyConnection, on_each_backend};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// A member present in a room through another process.
pub struct PresentElsewhere {
    pub room_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

/// Marks `user_id` present in `room_id` through `process`.
pub fn arrive(connection: &mut AnyConnection, room_id: i64, user_id: i64, process: i64) -> ApiResult<()> {
    let now = Timestamp::now().0;
    let row = (
        live_presence::room_id.eq(room_id),
        live_presence::user_id.eq(user_id),
        live_presence::process_id.eq(process),
        live_presence::seen_at.eq(now),
    );
    let key = (live_presence::room_id, live_presence::user_id, live_presence::process_id);
    on_each_backend!(connection, |inner| {
        diesel::insert_into(live_presence::table)
            .values(row)
            .on_conflict(key)
            .do_update()
            .set(live_presence::seen_at.eq(now))
            .execute(inner)
    })?;
    Ok(())
}

/// Undoes `arrive`.
pub fn leave(connection: &mut AnyConnection, room_id: i64, user_id: i64, process: i64) -> ApiResult<()> {
    diesel::delete(
        live_presence::table
            .filter(live_presence::room_id.eq(room_id))
            .filter(live_presence::user_id.eq(user_id))
            .filter(live_presence::process_id.eq(process)),
    )
    .execute(connection)?;
    Ok(())
}

/// Renews the lease on every row of `process`, and lets go of rows whose
/// lease ran out (a process that died without saying so).
pub fn renew(connection: &mut AnyConnection, process: i64, expired_before: Timestamp) -> ApiResult<()> {
    diesel::update(live_presence::table.filter(live_presence::process_id.eq(process)))
        .set(live_presence::seen_at.eq(Timestamp::now().0))
        .execute(connection)?;
    diesel::delete(live_presence::table.filter(live_presence::seen_at.lt(expired_before.0))).execute(connection)?;
    Ok(())
}

/// Removes every row of `process` (it is stopping); returns the rooms it was in.
pub fn forget(connection: &mut AnyConnection, process: i64) -> ApiResult<Vec<i64>> {
    let mut rooms: Vec<i64> = diesel::delete(live_presence::table.filter(live_presence::process_id.eq(process)))
        .returning(live_presence::room_id)
        .get_results(connection)?;
    rooms.sort_unstable();
    rooms.dedup();
    Ok(rooms)
}

/// Who is present in `rooms` through processes other than `process`, with
/// a lease renewed since `fresh_since`.
pub fn elsewhere(
    connection: &mut AnyConnection,
    rooms: &[i64],
    process: i64,
    fresh_since: Timestamp,
) -> ApiResult<Vec<PresentElsewhere>> {
    let rows: Vec<(i64, i64, String, String)> = live_presence::table
        .inner_join(users::table)
        .filter(live_presence::room_id.eq_any(rooms))
        .filter(live_presence::process_id.ne(process))
        .filter(live_presence::seen_at.ge(fresh_since.0))
        .select((live_presence::room_id, users::id, users::username, users::display_name))
        .distinct()
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(room_id, user_id, username, display_name)| PresentElsewhere { room_id, user_id, username, display_name })
        .collect())
}
