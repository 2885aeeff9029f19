//! Accounts and the consents each one gave.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{consents, users};
use crate::domain::account::{DisplayName, Username, key_of};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};

/// What a member agreed to, and which version.
pub struct Consent<'a> {
    pub kind: &'static str,
    pub version: &'a str,
}

pub const GUIDELINES: &str = "guidelines";
pub const HEALTH_DATA: &str = "health_data";

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub is_admin: bool,
    pub consents: &'a [Consent<'a>],
}

/// Inserts the account and its consents; a taken username is a 409.
pub fn create(connection: &mut AnyConnection, new: NewUser<'_>) -> ApiResult<i64> {
    let now = Timestamp::now().0;
    let inserted = diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username.as_str()),
            users::username_key.eq(new.username.key()),
            users::display_name.eq(new.display_name.into_inner()),
            users::password_hash.eq(new.password_hash),
            users::is_admin.eq(new.is_admin),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result::<i64>(connection);
    let user_id = match inserted {
        Ok(id) => id,
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::conflict("username_taken", "That username is taken. Please choose another."));
        }
        Err(error) => return Err(error.into()),
    };
    for consent in new.consents {
        diesel::insert_into(consents::table)
            .values((
                consents::user_id.eq(user_id),
                consents::kind.eq(consent.kind),
                consents::version.eq(consent.version),
                consents::accepted_at.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(user_id)
}

/// The id and password hash of an account, by username in any case.
pub fn credentials(connection: &mut AnyConnection, username: &str) -> ApiResult<Option<(i64, String)>> {
    Ok(users::table
        .filter(users::username_key.eq(key_of(username)))
        .select((users::id, users::password_hash))
        .first(connection)
        .optional()?)
}

pub fn id_by_username(connection: &mut AnyConnection, username: &str) -> ApiResult<i64> {
    users::table
        .filter(users::username_key.eq(key_of(username)))
        .select(users::id)
        .first(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("There is no member with that username."))
}

pub fn set_password(connection: &mut AnyConnection, user_id: i64, password_hash: String) -> ApiResult<()> {
    diesel::update(users::table.find(user_id)).set(users::password_hash.eq(password_hash)).execute(connection)?;
    Ok(())
}

/// The latest version of each consent a member gave.
pub fn consents_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(String, String, i64)>> {
    Ok(consents::table
        .filter(consents::user_id.eq(user_id))
        .order(consents::id.asc())
        .select((consents::kind, consents::version, consents::accepted_at))
        .load(connection)?)
}

/// (username, display name) of an account.
pub fn names_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<(String, String)> {
    Ok(users::table.find(user_id).select((users::username, users::display_name)).first(connection)?)
}

pub fn is_admin(connection: &mut AnyConnection, user_id: i64) -> ApiResult<bool> {
    Ok(users::table.find(user_id).select(users::is_admin).first(connection)?)
}

/// Appoints or stands down a safeguarding lead.
pub fn set_safeguarding_lead(connection: &mut AnyConnection, user_id: i64, lead: bool) -> ApiResult<()> {
    diesel::update(users::table.find(user_id)).set(users::is_safeguarding_lead.eq(lead)).execute(connection)?;
    Ok(())
}

/// Usernames by id, for showing many rows at once.
pub fn usernames(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<std::collections::HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load::<(i64, String)>(connection)?
        .into_iter()
        .collect())
}
