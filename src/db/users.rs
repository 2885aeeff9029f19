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
    refuse_lookalike(connection, &new.display_name, None)?;
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
/// safeguarding lead or a community moderator (`except` the member's own
/// account, when they change their name). Ordinary members may share
/// an ordinary pseudonym; their usernames tell them apart. Reads every
/// member's names, which registration and name changes (both limited) can afford.
pub fn refuse_lookalike(
    connection: &mut AnyConnection,
    display_name: &DisplayName,
    except: Option<i64>,
) -> ApiResult<()> {
    let key = lookalike_key(display_name.as_str());
    let moderators = community_members::table
        .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
        .select(community_members::user_id);
    let names: Vec<(String, String, bool)> = users::table
        .filter(users::erased_at.is_null())
        .filter(users::id.ne(except.unwrap_or(0)))
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
    insert_consent(connection, user_id, consent, false)
}

/// Records that a member withdrew their consent to processing health
/// information (they keep reading; `policy::contribute` stops their writing).
/// Withdrawing what is not given is a 409.
pub fn withdraw_health_data_consent(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let Some(version) = latest_consents(connection, user_id)?.health_data else {
        return Err(ApiError::conflict(
            "consent_not_given",
            "You have not given your consent to how your health information is used, so there is nothing to withdraw.",
        ));
    };
    insert_consent(connection, user_id, &Consent { kind: HEALTH_DATA, version: &version }, true)
}

fn insert_consent(
    connection: &mut AnyConnection,
    user_id: i64,
    consent: &Consent<'_>,
    withdrawn: bool,
) -> ApiResult<()> {
    diesel::insert_into(consents::table)
        .values((
            consents::user_id.eq(user_id),
            consents::kind.eq(consent.kind),
            consents::version.eq(consent.version),
            consents::accepted_at.eq(Timestamp::now().0),
            consents::withdrawn.eq(withdrawn),
        ))
        .execute(connection)?;
    Ok(())
}

/// Where a member stands on what contributing needs: the versions of the
/// guidelines and of the health-data consent they accepted last (none once
/// withdrawn), and when they withdrew the consent if that is their latest word.
#[derive(Default)]
pub struct LatestConsents {
    pub guidelines: Option<String>,
    pub health_data: Option<String>,
    pub health_data_withdrawn_at: Option<i64>,
}

/// The latest word of a member on each consent, for `policy::contribute`.
pub fn latest_consents(connection: &mut AnyConnection, user_id: i64) -> ApiResult<LatestConsents> {
    let mut latest = LatestConsents::default();
    for (kind, version, at, withdrawn) in consents_of(connection, user_id)? {
        match kind.as_str() {
            GUIDELINES => latest.guidelines = Some(version),
            HEALTH_DATA if withdrawn => (latest.health_data, latest.health_data_withdrawn_at) = (None, Some(at)),
            HEALTH_DATA => (latest.health_data, latest.health_data_withdrawn_at) = (Some(version), None),
            _ => {}
        }
    }
    Ok(latest)
}

/// Refuses a member who has not accepted what contributing needs, or who
/// withdrew their consent (see `policy::contribute`).
pub fn require_acceptance(connection: &mut AnyConnection, user_id: i64, current: &Acceptance<'_>) -> ApiResult<()> {
    let latest = latest_consents(connection, user_id)?;
    let accepted = Acceptance { guidelines: latest.guidelines.as_deref(), health_data: latest.health_data.as_deref() };
    policy::contribute(current, &accepted, latest.health_data_withdrawn_at.is_some())
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

/// Every consent a member gave or withdrew (kind, version, when, withdrawn), oldest first.
pub fn consents_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(String, String, i64, bool)>> {
    Ok(consents::table
        .filter(consents::user_id.eq(user_id))
        .order(consents::id.asc())
        .select((consents::kind, consents::version, consents::accepted_at, consents::withdrawn))
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

/// Whether the member has yet to put away the welcome shown after sign-up.
pub fn awaits_welcome(connection: &mut AnyConnection, user_id: i64) -> ApiResult<bool> {
    let welcomed_at: Option<i64> = users::table.find(user_id).select(users::welcomed_at).first(connection)?;
    Ok(welcomed_at.is_none())
}

/// The member put the welcome away: it is not shown again.
pub fn dismiss_welcome(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::update(users::table.find(user_id).filter(users::welcomed_at.is_null()))
        .set(users::welcomed_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}
