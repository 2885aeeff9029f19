//! The background task every process runs for safeguarding alerts: it mails
//! (through the mail outbox) the leads of each new urgent item, delivers the webhook (trying again
//! with a growing wait), and tells the instance's admins of an urgent item
//! nobody has claimed within `safeguarding_escalate_minutes`. Each piece of
//! work is marked as taken in the statement that picks it, so with several
//! processes on one database each is done once.

use std::sync::Arc;
use std::time::Duration;

use super::item_link;
use super::webhook::{self, Payload};
use crate::db::AnyConnection;
use crate::db::communities as community_store;
use crate::db::mail_outbox::NewLetter;
use crate::db::safeguarding::{self as store, Delivery};
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::notify;
use crate::state::AppState;

/// How often each process looks for work (a read while there is none).
pub const SWEEP: Duration = Duration::from_secs(1);
/// How long a process keeps a webhook delivery it took before another may retry it.
const DELIVERY_LEASE_SECONDS: u64 = 60;

pub const ALERT_SUBJECT: &str = "An urgent safeguarding item is waiting";
pub const ESCALATION_SUBJECT: &str = "An urgent safeguarding item has not been picked up";

/// Runs for the life of the process.
pub async fn run(state: Arc<AppState>) {
    let client = match reqwest::Client::builder().build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the safeguarding webhook client could not start; webhooks will not be sent");
            reqwest::Client::new()
        }
    };
    let mut ticks = tokio::time::interval(SWEEP);
    loop {
        ticks.tick().await;
        if let Err(error) = sweep(&state, &client).await {
            tracing::warn!(code = error.code(), "the safeguarding sweep failed; it runs again shortly");
        }
    }
}

/// The moment before which an unclaimed urgent item is escalated.
fn escalate_before(state: &AppState) -> i64 {
    let wait = i64::from(state.settings.safeguarding_escalate_minutes) * 60_000;
    Timestamp::now().0.saturating_sub(wait)
}

async fn sweep(state: &Arc<AppState>, client: &reqwest::Client) -> ApiResult<()> {
    let before = escalate_before(state);
    if !state.db.read(move |connection| store::any_due(connection, Timestamp::now().0, before)).await? {
        return Ok(());
    }
    mail_leads(state).await?;
    escalate(state, before).await?;
    deliver_webhooks(state, client).await
}

/// Mails the leads of items raised since the last sweep: a link, nothing
/// else, queued in the transaction that takes the alerts.
async fn mail_leads(state: &Arc<AppState>) -> ApiResult<()> {
    let (origin, configured) = (state.public_origin.clone(), state.mailer.is_configured());
    state
        .db
        .write_unseen(move |connection| {
            for alerted in store::take_mail(connection)? {
                let mut leads = store::leads_for(connection, alerted.community_id)?;
                leads.retain(|lead| *lead != alerted.author_id);
                let link = item_link(&origin, alerted.item_id);
                let body = format!(
                    "An urgent item is waiting for a safeguarding lead in the moderation queue.\n\n\
                     Please open it and claim it: {link}\n"
                );
                let addresses = store::verified_emails(connection, &leads)?;
                queue_letters(connection, configured, &addresses, ALERT_SUBJECT, &body)?;
            }
            Ok(())
        })
        .await?;
    state.mailer.wake();
    Ok(())
}

/// Queues the same link-only letter to each address.
fn queue_letters(
    connection: &mut AnyConnection,
    configured: bool,
    addresses: &[String],
    subject: &str,
    body: &str,
) -> ApiResult<()> {
    let letters: Vec<NewLetter> = addresses
        .iter()
        .map(|address| NewLetter {
            address,
            user_id: None,
            kind: "safeguarding",
            subject,
            text_body: body,
            html_body: None,
        })
        .collect();
    mail::queue_unless_off(connection, configured, &letters)
}

/// Tells the admins (inbox, live and mail) of urgent items nobody claimed in time.
async fn escalate(state: &Arc<AppState>, before: i64) -> ApiResult<()> {
    let origin = state.hub.process_id;
    let (link_origin, configured) = (state.public_origin.clone(), state.mailer.is_configured());
    let minutes = state.settings.safeguarding_escalate_minutes;
    let note = state
        .db
        .write_unseen(move |connection| {
            let taken = store::take_escalations(connection, before)?;
            if taken.is_empty() {
                return Ok(None);
            }
            let admins = store::admins(connection)?;
            let mut told = Vec::new();
            for alerted in &taken {
                let mut people = admins.clone();
                people.retain(|admin| *admin != alerted.author_id);
                notify::tell_each(
                    connection,
                    &people,
                    NotificationKind::SafeguardingEscalation,
                    alerted.item_id,
                    None,
                )?;
                let link = item_link(&link_origin, alerted.item_id);
                let body = format!(
                    "An urgent item has waited {minutes} minutes in the moderation queue without anyone claiming it.\n\n\
                     Please open it, or make sure a safeguarding lead has: {link}\n"
                );
                let addresses = store::verified_emails(connection, &people)?;
                queue_letters(connection, configured, &addresses, ESCALATION_SUBJECT, &body)?;
                told.extend(people);
            }
            notify::announce(connection, told, origin)
        })
        .await?;
    if let Some(note) = &note {
        state.hub.deliver(note);
    }
    state.mailer.wake();
    Ok(())
}

/// Sends every webhook delivery that is due, and schedules retries.
async fn deliver_webhooks(state: &Arc<AppState>, client: &reqwest::Client) -> ApiResult<()> {
    let Some((url, secret)) = state.settings.safeguarding_webhook() else {
        return Ok(());
    };
    let now = Timestamp::now();
    let lease = now.plus_seconds(DELIVERY_LEASE_SECONDS).0;
    let due = state.db.write_unseen(move |connection| store::take_webhooks(connection, now.0, lease)).await?;
    if due.is_empty() {
        return Ok(());
    }
    for delivery in due {
        let community = match delivery.community_id {
            Some(id) => Some(state.db.read(move |connection| Ok(community_store::by_id(connection, id)?.slug)).await?),
            None => None,
        };
        let community = community.as_deref();
        let link = item_link(&state.public_origin, delivery.item_id);
        let payload = Payload { event: "safeguarding_alert", item_url: &link, community, risk: delivery.risk.as_str() };
        let body = serde_json::to_vec(&payload).map_err(ApiError::internal)?;
        let outcome = webhook::deliver(client, url, secret, body).await;
        let next = next_try(&delivery, outcome);
        let item_id = delivery.item_id;
        state.db.write_unseen(move |connection| store::webhook_tried(connection, item_id, next)).await?;
    }
    Ok(())
}

/// When to try a delivery again, if at all.
fn next_try(delivery: &Delivery, outcome: Result<(), String>) -> Option<i64> {
    let why = outcome.err()?;
    let failures = delivery.attempts + 1;
    if failures >= webhook::MOST_ATTEMPTS {
        tracing::error!(item = delivery.item_id, why, "the safeguarding webhook failed every try; giving up");
        return None;
    }
    let wait = webhook::wait_after(failures);
    tracing::warn!(item = delivery.item_id, why, wait_seconds = wait, "the safeguarding webhook failed; trying again");
    Some(Timestamp::now().plus_seconds(wait).0)
}
