//! The mail outbox: letters waiting for the mail server. A letter is queued
//! in the transaction of the event that causes it, claimed by one worker
//! for a lease, and deleted once sent; a letter whose claim ran out (its
//! process died) is claimed again. Mail about a notification is queued
//! without its words, which the worker writes when it sends it.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::AnyConnection;
use super::mail_preferences;
use super::notifications::NewNotification;
use super::schema::{mail_outbox, notifications, users};
use crate::domain::mail::{Cadence, MailKind};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// A letter to queue, its words written already.
pub struct NewLetter<'a> {
    pub address: &'a str,
    /// The member it is for, whose address must still be this one, verified,
    /// when it goes; none for a link to verify a new address.
    pub user_id: Option<i64>,
    /// What it is (`verify_email`, `password_reset`, `safeguarding`) or, for
    /// a member's chosen mail, its topic (see `domain::mail::Topic`).
    pub kind: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable)]
pub struct OutboxRow {
    pub id: i64,
    pub address: String,
    pub user_id: Option<i64>,
    pub kind: String,
    pub notification_id: Option<i64>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub created_at: i64,
    pub send_after: i64,
    pub attempts: i32,
    pub claimed_until: Option<i64>,
}

/// Queues a letter, to be sent at once.
pub fn queue(connection: &mut AnyConnection, letter: &NewLetter) -> ApiResult<()> {
    let now = Timestamp::now().0;
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::address.eq(letter.address),
            mail_outbox::user_id.eq(letter.user_id),
            mail_outbox::kind.eq(letter.kind),
            mail_outbox::subject.eq(letter.subject),
            mail_outbox::text_body.eq(letter.text_body),
            mail_outbox::html_body.eq(letter.html_body),
            mail_outbox::created_at.eq(now),
            mail_outbox::send_after.eq(now),
        ))
        .execute(connection)?;
    Ok(())
}

/// Queues a letter for each notification just added or added to whose
/// member wants that kind at once and has a verified address; one letter
/// per unread notification at a time (more events add to the letter still
/// waiting).
pub fn queue_for_news(connection: &mut AnyConnection, news: &[NewNotification]) -> ApiResult<()> {
    let mut members: Vec<i64> =
        news.iter().filter(|new| MailKind::of(new.kind).is_some()).map(|new| new.user_id).collect();
    if members.is_empty() {
        return Ok(());
    }
    members.sort_unstable();
    members.dedup();
    let preferences = mail_preferences::of_verified(connection, &members)?;
    let wanted: HashMap<(i64, &str), MailKind> = news
        .iter()
        .filter_map(|new| Some((new, MailKind::of(new.kind)?)))
        .filter(|(new, kind)| {
            preferences.get(&new.user_id).is_some_and(|chosen| chosen.cadence(*kind) == Cadence::Immediately)
        })
        .map(|(new, kind)| ((new.user_id, new.group_key.as_str()), kind))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let users_wanted: Vec<i64> = wanted.keys().map(|(user_id, _)| *user_id).collect();
    let keys: Vec<&str> = wanted.keys().map(|(_, key)| *key).collect();
    let unread: Vec<(i64, i64, String)> = notifications::table
        .filter(notifications::user_id.eq_any(&users_wanted))
        .filter(notifications::group_key.eq_any(&keys))
        .filter(notifications::read_at.is_null())
        .select((notifications::id, notifications::user_id, notifications::group_key))
        .load(connection)?;
    let ids: Vec<i64> = unread.iter().map(|(id, _, _)| *id).collect();
    let waiting: HashSet<i64> = mail_outbox::table
        .filter(mail_outbox::notification_id.eq_any(&ids))
        .select(mail_outbox::notification_id.assume_not_null())
        .load::<i64>(connection)?
        .into_iter()
        .collect();
    let addresses: HashMap<i64, Option<String>> = users::table
        .filter(users::id.eq_any(&users_wanted))
        .select((users::id, users::email))
        .load(connection)?
        .into_iter()
        .collect();
    let now = Timestamp::now().0;
    for (id, user_id, key) in unread.into_iter().filter(|(id, _, _)| !waiting.contains(id)) {
        let (Some(kind), Some(Some(address))) = (wanted.get(&(user_id, key.as_str())), addresses.get(&user_id)) else {
            continue;
        };
        diesel::insert_into(mail_outbox::table)
            .values((
                mail_outbox::address.eq(address),
                mail_outbox::user_id.eq(Some(user_id)),
                mail_outbox::kind.eq(kind.as_str()),
                mail_outbox::notification_id.eq(Some(id)),
                mail_outbox::subject.eq(""),
                mail_outbox::text_body.eq(""),
                mail_outbox::created_at.eq(now),
                mail_outbox::send_after.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Whether a letter is due at `now`: mail about a notification waits
/// `notification_delay_ms` more, so it can be dropped if read meanwhile.
pub fn any_due(connection: &mut AnyConnection, now: i64, notification_delay_ms: i64) -> ApiResult<bool> {
    let found: Option<i64> = mail_outbox::table
        .filter(due(now, notification_delay_ms))
        .filter(mail_outbox::claimed_until.is_null().or(mail_outbox::claimed_until.lt(now)))
        .select(mail_outbox::id)
        .first(connection)
        .optional()?;
    Ok(found.is_some())
}

type Due = diesel::dsl::Or<
    diesel::dsl::And<
        diesel::dsl::IsNull<mail_outbox::notification_id>,
        diesel::dsl::LtEq<mail_outbox::send_after, i64>,
    >,
    diesel::dsl::And<
        diesel::dsl::IsNotNull<mail_outbox::notification_id>,
        diesel::dsl::LtEq<mail_outbox::send_after, i64>,
    >,
>;

fn due(now: i64, notification_delay_ms: i64) -> Due {
    mail_outbox::notification_id
        .is_null()
        .and(mail_outbox::send_after.le(now))
        .or(mail_outbox::notification_id.is_not_null().and(mail_outbox::send_after.le(now - notification_delay_ms)))
}

/// Claims up to `limit` due letters until `lease_until`, oldest first. On
/// PostgreSQL rows another process is claiming are skipped, and the claim
/// is re-checked as it is written, so each letter has one sender.
pub fn claim(
    connection: &mut AnyConnection,
    now: i64,
    notification_delay_ms: i64,
    lease_until: i64,
    limit: i64,
) -> ApiResult<Vec<OutboxRow>> {
    let free = || mail_outbox::claimed_until.is_null().or(mail_outbox::claimed_until.lt(now));
    let query = mail_outbox::table
        .filter(due(now, notification_delay_ms))
        .filter(free())
        .order(mail_outbox::id)
        .limit(limit)
        .select(mail_outbox::id);
    let ids: Vec<i64> = match connection {
        AnyConnection::Sqlite(inner) => query.load(inner)?,
        AnyConnection::Postgres(inner) => query.for_update().skip_locked().load(inner)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)).filter(free()))
        .set(mail_outbox::claimed_until.eq(Some(lease_until)))
        .returning(mail_outbox::all_columns)
        .get_results(connection)?)
}

/// Removes a letter: sent, or no longer to be sent.
pub fn remove(connection: &mut AnyConnection, id: i64) -> ApiResult<()> {
    diesel::delete(mail_outbox::table.find(id)).execute(connection)?;
    Ok(())
}

/// Frees a letter the mail server could not take, to be tried at `at`.
pub fn retry_at(connection: &mut AnyConnection, id: i64, at: i64) -> ApiResult<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::send_after.eq(at),
            mail_outbox::claimed_until.eq(None::<i64>),
        ))
        .execute(connection)?;
    Ok(())
}

/// Removes letters queued before `before` (mail is not configured); returns how many.
pub fn remove_older_than(connection: &mut AnyConnection, before: i64) -> ApiResult<usize> {
    Ok(diesel::delete(mail_outbox::table.filter(mail_outbox::created_at.lt(before))).execute(connection)?)
}

/// Forgets a member's mail (an erasure): letters to them or their address,
/// and their preferences.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let address: Option<String> = users::table.find(user_id).select(users::email).first(connection)?;
    diesel::delete(
        mail_outbox::table.filter(mail_outbox::user_id.eq(user_id).or(mail_outbox::address.nullable().eq(address))),
    )
    .execute(connection)?;
    diesel::delete(super::schema::mail_preferences::table.find(user_id)).execute(connection)?;
    Ok(())
}
