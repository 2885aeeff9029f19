//! Each member's mail preferences and digest schedule. A member gets a row
//! when their address is verified or they first choose; without one the
//! defaults hold. The digest sweep picks rows whose digest is due.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{mail_preferences, users};
use crate::domain::mail::{Cadence, Digest, MailKind, MailPreferences, TimeZoneName};
use crate::error::{ApiError, ApiResult};

type Stored = (String, String, String, String, String, bool, bool, Option<String>);

const COLUMNS: (
    mail_preferences::replies,
    mail_preferences::mentions,
    mail_preferences::watched,
    mail_preferences::moderation,
    mail_preferences::events,
    mail_preferences::moderator_digest,
    mail_preferences::include_details,
    mail_preferences::time_zone,
) = (
    mail_preferences::replies,
    mail_preferences::mentions,
    mail_preferences::watched,
    mail_preferences::moderation,
    mail_preferences::events,
    mail_preferences::moderator_digest,
    mail_preferences::include_details,
    mail_preferences::time_zone,
);

fn from_stored(stored: Stored) -> ApiResult<MailPreferences> {
    let (replies, mentions, watched, moderation, events, moderator_digest, include_details, time_zone) = stored;
    let cadences = [
        (MailKind::Replies, Cadence::from_stored(&replies)?),
        (MailKind::Mentions, Cadence::from_stored(&mentions)?),
        (MailKind::Watched, Cadence::from_stored(&watched)?),
        (MailKind::Moderation, Cadence::from_stored(&moderation)?),
        (MailKind::Events, Cadence::from_stored(&events)?),
    ];
    let time_zone = time_zone.as_deref().map(TimeZoneName::parse).transpose()?;
    Ok(MailPreferences { cadences, include_details, time_zone, moderator_digest })
}

/// A member's preferences (the defaults if they never chose).
pub fn of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<MailPreferences> {
    let stored: Option<Stored> = mail_preferences::table.find(user_id).select(COLUMNS).first(connection).optional()?;
    stored.map_or_else(|| Ok(MailPreferences::default()), from_stored)
}

/// The preferences of each of `user_ids` who has a verified address, read at once.
pub fn of_verified(connection: &mut AnyConnection, user_ids: &[i64]) -> ApiResult<HashMap<i64, MailPreferences>> {
    let rows: Vec<(i64, Option<Stored>)> = users::table
        .left_join(mail_preferences::table)
        .filter(users::id.eq_any(user_ids))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::erased_at.is_null())
        .select((users::id, COLUMNS.nullable()))
        .load(connection)?;
    rows.into_iter()
        .map(|(user_id, stored)| Ok((user_id, stored.map_or_else(|| Ok(MailPreferences::default()), from_stored)?)))
        .collect()
}

/// When each digest is next due for a member.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub next_daily_at: i64,
    pub next_weekly_at: i64,
}

/// Stores a member's preferences and their digest schedule.
pub fn save(
    connection: &mut AnyConnection,
    user_id: i64,
    preferences: &MailPreferences,
    schedule: Schedule,
) -> ApiResult<()> {
    let cadence = |kind| preferences.cadence(kind).as_str();
    let values = (
        mail_preferences::replies.eq(cadence(MailKind::Replies)),
        mail_preferences::mentions.eq(cadence(MailKind::Mentions)),
        mail_preferences::watched.eq(cadence(MailKind::Watched)),
        mail_preferences::moderation.eq(cadence(MailKind::Moderation)),
        mail_preferences::events.eq(cadence(MailKind::Events)),
        mail_preferences::moderator_digest.eq(preferences.moderator_digest),
        mail_preferences::include_details.eq(preferences.include_details),
        mail_preferences::time_zone.eq(preferences.time_zone.as_ref().map(TimeZoneName::as_str)),
        mail_preferences::next_daily_at.eq(schedule.next_daily_at),
        mail_preferences::next_weekly_at.eq(schedule.next_weekly_at),
    );
    let updated = diesel::update(mail_preferences::table.find(user_id)).set(values).execute(connection)?;
    if updated == 0 {
        diesel::insert_into(mail_preferences::table)
            .values((mail_preferences::user_id.eq(user_id), mail_preferences::unsubscribe_key.eq(new_key()?), values))
            .execute(connection)?;
    }
    Ok(())
}

/// Whether the member has a row (and so a digest schedule).
pub fn exists(connection: &mut AnyConnection, user_id: i64) -> ApiResult<bool> {
    let found: Option<i64> =
        mail_preferences::table.find(user_id).select(mail_preferences::user_id).first(connection).optional()?;
    Ok(found.is_some())
}

/// The key a member's unsubscribe links are signed with, if they have one.
pub fn unsubscribe_key(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<String>> {
    Ok(mail_preferences::table.find(user_id).select(mail_preferences::unsubscribe_key).first(connection).optional()?)
}

/// A member whose digest is due: who, their choices and when the last one went.
pub struct Due {
    pub user_id: i64,
    pub preferences: MailPreferences,
    pub last_at: Option<i64>,
}

/// Up to `limit` members whose `digest` is due at `now`, oldest due first.
/// On PostgreSQL rows another process is taking are skipped, so each
/// digest is built once.
pub fn due(connection: &mut AnyConnection, digest: Digest, now: i64, limit: i64) -> ApiResult<Vec<Due>> {
    let rows: Vec<(i64, Stored, Option<i64>)> = match digest {
        Digest::Daily => {
            let query = mail_preferences::table
                .filter(mail_preferences::next_daily_at.le(now))
                .order(mail_preferences::next_daily_at)
                .limit(limit)
                .select((mail_preferences::user_id, COLUMNS, mail_preferences::last_daily_at));
            match connection {
                AnyConnection::Sqlite(inner) => query.load(inner)?,
                AnyConnection::Postgres(inner) => query.for_update().skip_locked().load(inner)?,
            }
        }
        Digest::Weekly => {
            let query = mail_preferences::table
                .filter(mail_preferences::next_weekly_at.le(now))
                .order(mail_preferences::next_weekly_at)
                .limit(limit)
                .select((mail_preferences::user_id, COLUMNS, mail_preferences::last_weekly_at));
            match connection {
                AnyConnection::Sqlite(inner) => query.load(inner)?,
                AnyConnection::Postgres(inner) => query.for_update().skip_locked().load(inner)?,
            }
        }
    };
    rows.into_iter()
        .map(|(user_id, stored, last_at)| Ok(Due { user_id, preferences: from_stored(stored)?, last_at }))
        .collect()
}

/// Whether any digest is due at `now` (a cheap read while none is).
pub fn any_due(connection: &mut AnyConnection, now: i64) -> ApiResult<bool> {
    let found: Option<i64> = mail_preferences::table
        .filter(mail_preferences::next_daily_at.le(now).or(mail_preferences::next_weekly_at.le(now)))
        .select(mail_preferences::user_id)
        .first(connection)
        .optional()?;
    Ok(found.is_some())
}

/// Records a digest built at `now` and when the next is due.
pub fn digest_built(
    connection: &mut AnyConnection,
    user_id: i64,
    digest: Digest,
    now: i64,
    next: i64,
) -> ApiResult<()> {
    let row = mail_preferences::table.find(user_id);
    match digest {
        Digest::Daily => diesel::update(row)
            .set((mail_preferences::last_daily_at.eq(Some(now)), mail_preferences::next_daily_at.eq(next)))
            .execute(connection)?,
        Digest::Weekly => diesel::update(row)
            .set((mail_preferences::last_weekly_at.eq(Some(now)), mail_preferences::next_weekly_at.eq(next)))
            .execute(connection)?,
    };
    Ok(())
}

fn new_key() -> ApiResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
