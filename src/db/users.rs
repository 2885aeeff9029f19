//! Accounts and the consents each one gave.

use diesel::prelude::*;

use super::AnyConnection;
use super::email_tokens::{self, Purpose};
use super::schema::{community_members, consents, users};
use crate::domain::account::{DisplayName, Email, Username, key_of};
use crate::domain::community::CommunityRole;
use crate::domain::time::Timestamp;
use crate::domain::visible::lookalike_key;
use crate::error::{ApiError, ApiResult, is_unique_violation};
use crate::policy::{self, Acceptance};

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

/// Inserts the account and its consents; a taken username, or a display
/// name that looks like someone else's name, is a 409.
pub fn create(connection: &mut AnyConnection, new: NewUser<'_>) -> ApiResult<i64> {
    refuse_lookalike(connection, &new.display_name)?;
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
        record_consent(connection, user_id, consent)?;
    }
    Ok(user_id)
}

/// Refuses a display name that looks like (has the same TR39 skeleton as)
/// another member's username, or the display name of an admin, a
/// safeguarding lead or a community moderator. Ordinary members may share
/// an ordinary pseudonym; their usernames tell them apart. Reads every
/// member's names, which registration (rate-limited) can afford.
fn refuse_lookalike(connection: &mut AnyConnection, display_name: &DisplayName) -> ApiResult<()> {
    let key = lookalike_key(display_name.as_str());
    let moderators = community_members::table
        .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
        .select(community_members::user_id);
    let names: Vec<(String, String, bool)> = users::table
        .filter(users::erased_at.is_null())
        .select((
            users::username,
            users::display_name,
            users::is_admin.or(users::is_safeguarding_lead).or(users::id.eq_any(moderators)),
        ))
        .load(connection)?;
    let taken = names.iter().any(|(username, shown, is_staff)| {
        lookalike_key(username) == key || (*is_staff && lookalike_key(shown) == key)
    });
    if taken {
        return Err(ApiError::conflict(
            "display_name_taken",
            "That display name looks too much like another member's name. Please choose another.",
        ));
    }
    Ok(())
}

pub fn record_consent(connection: &mut AnyConnection, user_id: i64, consent: &Consent<'_>) -> ApiResult<()> {
    diesel::insert_into(consents::table)
        .values((
            consents::user_id.eq(user_id),
            consents::kind.eq(consent.kind),
            consents::version.eq(consent.version),
            consents::accepted_at.eq(Timestamp::now().0),
        ))
        .execute(connection)?;
    Ok(())
}

/// The latest version of the guidelines and of the health-data consent a
/// member accepted, for `policy::contribute`.
pub fn latest_consents(connection: &mut AnyConnection, user_id: i64) -> ApiResult<(Option<String>, Option<String>)> {
    let mut latest = (None, None);
    for (kind, version, _) in consents_of(connection, user_id)? {
        match kind.as_str() {
            GUIDELINES => latest.0 = Some(version),
            HEALTH_DATA => latest.1 = Some(version),
            _ => {}
        }
    }
    Ok(latest)
}

/// Refuses a member who has not accepted what contributing needs (see `policy::contribute`).
pub fn require_acceptance(connection: &mut AnyConnection, user_id: i64, current: &Acceptance<'_>) -> ApiResult<()> {
    let (guidelines, health_data) = latest_consents(connection, user_id)?;
    let accepted = Acceptance { guidelines: guidelines.as_deref(), health_data: health_data.as_deref() };
    policy::contribute(current, &accepted)
}

/// A member's email address and when it was verified.
pub fn email_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<(Option<String>, Option<i64>)> {
    Ok(users::table.find(user_id).select((users::email, users::email_verified_at)).first(connection)?)
}

/// Sets (or clears) a member's email; a new address is unverified until its
/// link is used, and links mailed to the old one are void.
pub fn set_email(connection: &mut AnyConnection, user_id: i64, email: Option<&Email>) -> ApiResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::email.eq(email.map(Email::as_str)), users::email_verified_at.eq(None::<i64>)))
        .execute(connection)?;
    // A link mailed to the old address must not outlive it.
    email_tokens::void(connection, user_id, Purpose::ResetPassword)?;
    email_tokens::void(connection, user_id, Purpose::VerifyEmail)
}

/// Marks the member's current email verified; another account already
/// verified with the same address is a 409.
pub fn verify_email(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let (email, _) = email_of(connection, user_id)?;
    let email = email.ok_or_else(|| ApiError::conflict("no_email", "There is no email address to verify."))?;
    let taken: i64 = users::table
        .filter(users::email.eq(&email))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::id.ne(user_id))
        .count()
        .get_result(connection)?;
    if taken > 0 {
        return Err(ApiError::conflict("email_taken", "Another account already uses that email address."));
    }
    diesel::update(users::table.find(user_id))
        .set(users::email_verified_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

/// The account whose verified email this is, if any.
pub fn by_verified_email(connection: &mut AnyConnection, email: &Email) -> ApiResult<Option<i64>> {
    Ok(users::table
        .filter(users::email.eq(email.as_str()))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::erased_at.is_null())
        .select(users::id)
        .first(connection)
        .optional()?)
}

/// The password hash of an account, to confirm a sensitive change.
pub fn password_hash(connection: &mut AnyConnection, user_id: i64) -> ApiResult<String> {
    Ok(users::table.find(user_id).select(users::password_hash).first(connection)?)
}

/// The id and password hash of an account, by username in any case.
pub fn credentials(connection: &mut AnyConnection, username: &str) -> ApiResult<Option<(i64, String)>> {
    Ok(users::table
        .filter(users::username_key.eq(key_of(username)))
        .filter(users::erased_at.is_null())
        .select((users::id, users::password_hash))
        .first(connection)
        .optional()?)
}

pub fn id_by_username(connection: &mut AnyConnection, username: &str) -> ApiResult<i64> {
    find_by_username(connection, username)?.ok_or_else(|| ApiError::not_found("There is no member with that username."))
}

/// The id of the (not erased) member with this username, if there is one.
pub fn find_by_username(connection: &mut AnyConnection, username: &str) -> ApiResult<Option<i64>> {
    Ok(users::table
        .filter(users::username_key.eq(key_of(username)))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .first(connection)
        .optional()?)
}

/// Replaces a member's password hash and voids outstanding reset links.
pub fn set_password(connection: &mut AnyConnection, user_id: i64, password_hash: String) -> ApiResult<()> {
    diesel::update(users::table.find(user_id)).set(users::password_hash.eq(password_hash)).execute(connection)?;
    email_tokens::void(connection, user_id, Purpose::ResetPassword)
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

/// (username, display name, joined at, badges) of an account: what other members may see.
pub fn profile(connection: &mut AnyConnection, user_id: i64) -> ApiResult<(String, String, i64, String)> {
    Ok(users::table
        .find(user_id)
        .select((users::username, users::display_name, users::created_at, users::badges))
        .first(connection)?)
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

/// The accounts (not erased) with these case-folded usernames.
pub fn ids_by_keys(connection: &mut AnyConnection, keys: &[String]) -> ApiResult<Vec<i64>> {
    Ok(users::table
        .filter(users::username_key.eq_any(keys))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(connection)?)
}

/// The username key of the account the moderation log names for what
/// Kindred does by itself (made by a migration; nobody can register it).
pub const AUTOMATIC_KEY: &str = "kindred (automatic)";

/// The automatic account's id.
pub fn automatic_id(connection: &mut AnyConnection) -> ApiResult<i64> {
    Ok(users::table.filter(users::username_key.eq(AUTOMATIC_KEY)).select(users::id).first(connection)?)
}

/// An account an admin found, with what they need to act on it.
#[derive(Queryable)]
pub struct FoundMember {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub created_at: i64,
    pub email_verified_at: Option<i64>,
    pub badges: String,
}

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Up to `limit` accounts (not erased) whose username or display name
/// contains `text`, ignoring case, in username order.
pub fn find(connection: &mut AnyConnection, text: &str, limit: i64) -> ApiResult<Vec<FoundMember>> {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    Ok(users::table
        .filter(users::erased_at.is_null())
        .filter(
            users::username_key.like(&pattern).escape('\\').or(lower(users::display_name).like(&pattern).escape('\\')),
        )
        .order(users::username_key.asc())
        .limit(limit)
        .select((
            users::id,
            users::username,
            users::display_name,
            users::is_admin,
            users::created_at,
            users::email_verified_at,
            users::badges,
        ))
        .load(connection)?)
}

/// The badges on an account (JSON, see `domain::badge`).
pub fn badges_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<String> {
    Ok(users::table.find(user_id).select(users::badges).first(connection)?)
}

/// Replaces the badges on an account.
pub fn set_badges(connection: &mut AnyConnection, user_id: i64, badges: &str) -> ApiResult<()> {
    diesel::update(users::table.find(user_id)).set(users::badges.eq(badges)).execute(connection)?;
    Ok(())
}
