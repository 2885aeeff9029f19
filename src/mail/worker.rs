//! The background task every process runs that empties the mail outbox:
//! it claims due letters for a lease, writes those about a notification
//! (dropping them if the member read it, or no longer wants that mail),
//! hands each to the mail server, and deletes it once taken. While the
//! server is down a letter is tried again after a wait that doubles.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::compose::{self, Block, Details, Links};
use super::{Letter, unsubscribe};
use crate::db::mail_outbox::{self, OutboxRow};
use crate::db::{AnyConnection, communities, mail_preferences, notifications, posts, users};
use crate::domain::following::NotificationKind;
use crate::domain::mail::{Cadence, MailKind, Topic};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::state::AppState;

/// How often each process looks for due letters besides being woken.
const POLL: Duration = Duration::from_secs(1);
/// Letters claimed at once.
const BATCH: i64 = 64;
/// Letters handed to the mail server at once.
const SENDERS: usize = 8;
/// A letter the server keeps refusing for a temporary reason is given up
/// after this many tries (at most an hour apart: about a day).
const MOST_ATTEMPTS: i32 = 30;
/// The longest wait between two tries.
const LONGEST_WAIT_SECONDS: u64 = 60 * 60;

/// Runs for the life of the process; does nothing without `smtp_url`.
pub async fn run(state: Arc<AppState>) {
    if !state.mailer.is_configured() {
        return drop_unsendable(&state).await;
    }
    loop {
        let _ = tokio::time::timeout(POLL, state.mailer.woken()).await;
        loop {
            match send_due(&state).await {
                Ok(claimed) if claimed == BATCH as usize => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(code = error.code(), "the mail outbox could not be read; it is tried again shortly");
                    break;
                }
            }
        }
    }
}

/// Without `smtp_url` nothing is sent: letters queued for members who
/// want mail at once are dropped once a day old, so the outbox stays small.
async fn drop_unsendable(state: &Arc<AppState>) {
    let mut ticks = tokio::time::interval(Duration::from_secs(60 * 60));
    loop {
        ticks.tick().await;
        let before = Timestamp::now().0 - 24 * 60 * 60 * 1000;
        match state.db.write_unseen(move |connection| mail_outbox::remove_older_than(connection, before)).await {
            Ok(0) => {}
            Ok(dropped) => tracing::warn!(dropped, "mail is not configured (smtp_url), so queued letters were dropped"),
            Err(error) => tracing::warn!(code = error.code(), "old letters could not be dropped"),
        }
    }
}

/// Claims and sends one batch of due letters; returns how many were claimed.
async fn send_due(state: &Arc<AppState>) -> ApiResult<usize> {
    let now = Timestamp::now();
    let delay = i64::try_from(state.settings.email_delay_seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
    if !state.db.read(move |connection| mail_outbox::any_due(connection, now.0, delay)).await? {
        return Ok(0);
    }
    let lease = now.plus_seconds(state.settings.mail_lease_seconds.max(1)).0;
    let claimed =
        state.db.write_unseen(move |connection| mail_outbox::claim(connection, now.0, delay, lease, BATCH)).await?;
    let count = claimed.len();
    futures_util::stream::iter(claimed)
        .for_each_concurrent(SENDERS, |row| async move {
            if let Err(error) = send_one(state, row).await {
                tracing::warn!(
                    code = error.code(),
                    "a letter could not be settled; it is sent when its claim runs out"
                );
            }
        })
        .await;
    Ok(count)
}

/// What a letter's words need from the instance.
#[derive(Clone)]
struct Context {
    instance: String,
    origin: String,
}

async fn send_one(state: &Arc<AppState>, row: OutboxRow) -> ApiResult<()> {
    let (id, attempts, kind) = (row.id, row.attempts, row.kind.clone());
    let context = Context { instance: state.instance.current().name.clone(), origin: state.public_origin.clone() };
    let letter = state.db.read(move |connection| prepare(connection, &context, row)).await?;
    let Some(letter) = letter else {
        return state.db.write_unseen(move |connection| mail_outbox::remove(connection, id)).await;
    };
    match state.mailer.deliver(letter).await {
        Ok(()) => {
            tracing::info!(kind, "mail sent");
            state.db.write_unseen(move |connection| mail_outbox::remove(connection, id)).await
        }
        Err(failure) if failure.permanent || attempts + 1 >= MOST_ATTEMPTS => {
            tracing::warn!(kind, why = failure.why, attempts = attempts + 1, "mail could not be sent; given up");
            state.db.write_unseen(move |connection| mail_outbox::remove(connection, id)).await
        }
        Err(failure) => {
            let wait = wait_after(state.settings.mail_retry_seconds, attempts + 1);
            tracing::warn!(kind, why = failure.why, wait_seconds = wait, "mail could not be sent yet; trying again");
            let at = Timestamp::now().plus_seconds(wait).0;
            state.db.write_unseen(move |connection| mail_outbox::retry_at(connection, id, at)).await
        }
    }
}

/// The wait after `failures` failed tries: `first`, doubling, at most an hour.
fn wait_after(first: u64, failures: i32) -> u64 {
    let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(0).min(20);
    first.max(1).saturating_mul(1 << doublings).min(LONGEST_WAIT_SECONDS)
}

/// The letter to send for an outbox row, or none if it should no longer
/// go: its member's address changed or is unverified, or (for mail about a
/// notification) they read it or no longer want that kind at once.
fn prepare(connection: &mut AnyConnection, context: &Context, row: OutboxRow) -> ApiResult<Option<Letter>> {
    if let Some(user_id) = row.user_id {
        let (address, verified_at) = users::email_of(connection, user_id)?;
        if address.as_deref() != Some(row.address.as_str()) || verified_at.is_none() {
            return Ok(None);
        }
    }
    let token = match (Topic::parse(&row.kind), row.user_id) {
        (Some(topic), Some(user_id)) => {
            mail_preferences::unsubscribe_key(connection, user_id)?.map(|key| unsubscribe::token(user_id, topic, &key))
        }
        _ => None,
    };
    if let (Some(notification_id), Some(user_id)) = (row.notification_id, row.user_id) {
        return about_notification(connection, context, &row.address, user_id, notification_id, token);
    }
    Ok(Some(Letter {
        to: row.address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
        unsubscribe: token.map(|token| unsubscribe::api_link(&context.origin, &token)),
    }))
}

/// Writes the letter about a member's notification as it stands now.
fn about_notification(
    connection: &mut AnyConnection,
    context: &Context,
    address: &str,
    user_id: i64,
    notification_id: i64,
    token: Option<String>,
) -> ApiResult<Option<Letter>> {
    let Some(notification) = notifications::by_id(connection, notification_id)? else { return Ok(None) };
    let Some(kind) = MailKind::of(notification.kind()?) else { return Ok(None) };
    let preferences = mail_preferences::of(connection, user_id)?;
    if notification.read_at.is_some() || preferences.cadence(kind) != Cadence::Immediately {
        return Ok(None);
    }
    let details = if preferences.include_details { details_of(connection, &notification)? } else { None };
    let (subject, blocks) = compose::notification(&context.instance, kind, notification.count, details);
    let links = Links {
        open: (format!("Read it on {}", context.instance), format!("{}/notifications", context.origin)),
        preferences: preferences_link(&context.origin),
        unsubscribe_page: token.as_deref().map(|token| unsubscribe::page_link(&context.origin, token)),
        unsubscribe: token.as_deref().map(|token| unsubscribe::api_link(&context.origin, token)),
    };
    Ok(Some(compose::letter(address, subject, &blocks, &links)))
}

/// Where a member chooses their mail in the web client.
pub fn preferences_link(origin: &str) -> String {
    format!("{origin}/account#mail")
}

/// The thread or room, community, latest author and post a notification
/// is about, for a member who asked for details.
fn details_of(
    connection: &mut AnyConnection,
    notification: &notifications::NotificationRow,
) -> ApiResult<Option<Details>> {
    let place = notifications::place_of(connection, notification)?;
    let (Some((_, name)), Some(slug)) = (place.thread.or(place.room), place.community) else { return Ok(None) };
    let community = communities::by_slug(connection, &slug)?.name;
    let actor = match notification.actor_id {
        Some(actor_id) => Some(users::names_of(connection, actor_id)?.1),
        None => None,
    };
    // Replies and mentions name the post they are about; other news names no post.
    let about_a_post = matches!(notification.kind()?, NotificationKind::Reply | NotificationKind::Mention);
    let excerpt = if notification.thread_id.is_some() && about_a_post {
        posts::by_ids(connection, &[notification.subject_id])?
            .into_iter()
            .find(|post| post.deleted_at.is_none())
            .map(|post| Block::Quote { text: compose::excerpt(&post.body), html: post.body_html })
    } else {
        None
    };
    Ok(Some(Details { place: name, community, actor, excerpt }))
}

#[cfg(test)]
mod tests {
    use super::wait_after;

    #[test]
    fn the_wait_between_tries_doubles_up_to_an_hour() {
        assert_eq!([1, 2, 3, 4].map(|failures| wait_after(30, failures)), [30, 60, 120, 240]);
        assert_eq!(wait_after(30, 29), 3600);
        assert_eq!(wait_after(0, 1), 1);
    }
}
