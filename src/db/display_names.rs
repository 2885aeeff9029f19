//! The display names a member went by: a member may change theirs a few
//! times a month, and each change is kept (previous name, new name, when)
//! so moderators can tell who was who. Exported with the member's data and
//! erased with the account.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{display_name_changes, users};
use crate::domain::account::DisplayName;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// Changes a member may make in `WINDOW_MS`: enough to fix a typo or move
/// to a new pseudonym, too few to hide behind a stream of names.
pub const CHANGES_PER_WINDOW: i64 = 3;
/// Thirty days.
pub const WINDOW_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// One change of display name.
#[derive(Queryable)]
pub struct NameChange {
    pub previous_name: String,
    pub new_name: String,
    pub changed_at: i64,
}

/// Sets a member's display name (already parsed and screened) and records
/// the change. The same name again is a 422, a fourth change within thirty
/// days a 429, and a name like another member's a 409 (see `users::refuse_lookalike`).
pub fn change(connection: &mut AnyConnection, user_id: i64, name: &DisplayName) -> ApiResult<()> {
    let previous: String = users::table.find(user_id).select(users::display_name).first(connection)?;
    if previous == name.as_str() {
        return Err(ApiError::invalid("display_name_unchanged", "That is already your display name."));
    }
    let now = Timestamp::now().0;
    let recent: i64 = display_name_changes::table
        .filter(display_name_changes::user_id.eq(user_id))
        .filter(display_name_changes::changed_at.gt(now - WINDOW_MS))
        .count()
        .get_result(connection)?;
    if recent >= CHANGES_PER_WINDOW {
        return Err(ApiError::too_many(
            "display_name_change_limit",
            "You have changed your display name three times in the last 30 days. Please try again later.",
        ));
    }
    super::users::refuse_lookalike(connection, name, Some(user_id))?;
    diesel::insert_into(display_name_changes::table)
        .values((
            display_name_changes::user_id.eq(user_id),
            display_name_changes::previous_name.eq(&previous),
            display_name_changes::new_name.eq(name.as_str()),
            display_name_changes::changed_at.eq(now),
        ))
        .execute(connection)?;
    diesel::update(users::table.find(user_id)).set(users::display_name.eq(name.as_str())).execute(connection)?;
    Ok(())
}

/// A member's changes of display name, newest first.
pub fn history(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<NameChange>> {
    Ok(display_name_changes::table
        .filter(display_name_changes::user_id.eq(user_id))
        .order(display_name_changes::id.desc())
        .select((display_name_changes::previous_name, display_name_changes::new_name, display_name_changes::changed_at))
        .load(connection)?)
}

/// Erasure: the names a member went by go with the account.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(display_name_changes::table.filter(display_name_changes::user_id.eq(user_id)))
        .execute(connection)?;
    Ok(())
}
