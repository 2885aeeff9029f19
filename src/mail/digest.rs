//! Digests: at each member's local morning (`digest_hour` in their time
//! zone, or the instance's), the unread news of the kinds they chose daily
//! or weekly and the threads busy in their communities (with the news of
//! what they follow), in one letter queued in the transaction that moves their
//! schedule on; and a moderator's daily count of their queue, if they asked
//! for it. Each process sweeps for due members; on PostgreSQL a member
//! another process is taking is skipped, so each digest is built once.

use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;

use super::compose::{self, Block, Links};
use super::{unsubscribe, worker};
use crate::config::Settings;
use crate::db::mail_outbox::{self, NewLetter};
use crate::db::mail_preferences::{self, Due, Schedule};
use crate::db::{AnyConnection, communities, notifications, queue, threads, users};
use crate::domain::community::CommunityRole;
use crate::domain::mail::{Digest, MailKind, MailPreferences, TimeZoneName, Topic, next_morning};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::state::AppState;

/// How often each process looks for due digests (a read while none is).
const SWEEP: Duration = Duration::from_secs(1);
/// Members whose digests are built in one transaction.
const BATCH: i64 = 200;
/// Notifications one digest lists at most.
const MOST_LINES: i64 = 50;
/// A thread with this many new posts from others since the last digest is busy.
const BUSY_POSTS: i64 = 3;
/// Busy threads one digest names at most.
const BUSY_THREADS: i64 = 5;

/// The clock digests keep: now, or for tests a moment set by
/// `digest_clock_start_for_tests` that then runs at normal speed.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset_ms: i64,
}

impl Clock {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let Some(start) = settings.digest_clock_start_for_tests.as_deref().filter(|start| !start.is_empty()) else {
            return Ok(Self { offset_ms: 0 });
        };
        let start: jiff::Timestamp = start
            .parse()
            .map_err(|error| anyhow::anyhow!("digest_clock_start_for_tests is not an RFC 3339 moment: {error}"))?;
        Ok(Self { offset_ms: start.as_millisecond() - Timestamp::now().0 })
    }

    pub fn now(&self) -> Timestamp {
        Timestamp(Timestamp::now().0 + self.offset_ms)
    }
}

/// When a digest goes out: the hour, and the zone of members who chose none.
#[derive(Debug, Clone)]
pub struct Mornings {
    pub hour: i8,
    pub instance_zone: TimeZone,
}

impl Mornings {
    /// Reads `digest_hour` and `instance_time_zone`; a bad one stops the start.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.digest_hour > 23 {
            anyhow::bail!("digest_hour must be an hour of the day, 0 to 23");
        }
        let zone = TimeZoneName::parse(&settings.instance_time_zone).map_err(|_| {
            anyhow::anyhow!(
                "instance_time_zone '{}' is not a time zone (e.g. Europe/London)",
                settings.instance_time_zone
            )
        })?;
        Ok(Self { hour: settings.digest_hour as i8, instance_zone: zone.zone() })
    }

    fn zone_of(&self, preferences: &MailPreferences) -> TimeZone {
        preferences.time_zone.as_ref().map_or_else(|| self.instance_zone.clone(), TimeZoneName::zone)
    }

    /// A member's next digest mornings after `now`.
    pub fn schedule(&self, preferences: &MailPreferences, now: Timestamp) -> Schedule {
        let zone = self.zone_of(preferences);
        Schedule {
            next_daily_at: next_morning(now, &zone, self.hour, Digest::Daily).0,
            next_weekly_at: next_morning(now, &zone, self.hour, Digest::Weekly).0,
        }
    }
}

/// Runs for the life of the process; does nothing without `smtp_url`.
pub async fn run(state: Arc<AppState>) {
    if !state.mailer.is_configured() {
        return;
    }
    let mut ticks = tokio::time::interval(SWEEP);
    loop {
        ticks.tick().await;
        if let Err(error) = sweep(&state).await {
            tracing::warn!(code = error.code(), "the digest sweep failed; it runs again shortly");
        }
    }
}

/// What building a digest needs from the instance.
#[derive(Clone)]
struct Context {
    instance: String,
    origin: String,
    mornings: Mornings,
}

async fn sweep(state: &Arc<AppState>) -> ApiResult<()> {
    let now = state.mail_clock.now();
    if !state.db.read(move |connection| mail_preferences::any_due(connection, now.0)).await? {
        return Ok(());
    }
    let context = Context {
        instance: state.instance.current().name.clone(),
        origin: state.public_origin.clone(),
        mornings: state.mornings.clone(),
    };
    for digest in [Digest::Daily, Digest::Weekly] {
        loop {
            let context = context.clone();
            let taken = state.db.write_unseen(move |connection| build_due(connection, &context, digest, now)).await?;
            state.mailer.wake();
            if taken < BATCH as usize {
                break;
            }
        }
    }
    Ok(())
}

/// Builds and queues the due members' digests, and moves each one's
/// schedule to their next morning; returns how many members were due.
fn build_due(connection: &mut AnyConnection, context: &Context, digest: Digest, now: Timestamp) -> ApiResult<usize> {
    let due = mail_preferences::due(connection, digest, now.0, BATCH)?;
    for member in &due {
        let next = next_morning(now, &context.mornings.zone_of(&member.preferences), context.mornings.hour, digest);
        if let Some(address) = verified_address(connection, member.user_id)? {
            let since = member.last_at.unwrap_or(now.0 - period_ms(digest));
            let key = mail_preferences::unsubscribe_key(connection, member.user_id)?.unwrap_or_default();
            if let Some((subject, blocks)) = news_digest(connection, context, member, digest, since)? {
                let topic = Topic::Digest(digest);
                queue(connection, context, &address, member.user_id, topic, &key, subject, &blocks)?;
            }
            if digest == Digest::Daily
                && member.preferences.moderator_digest
                && let Some((subject, blocks)) = queue_digest(connection, context, member.user_id)?
            {
                queue(connection, context, &address, member.user_id, Topic::QueueDigest, &key, subject, &blocks)?;
            }
        }
        mail_preferences::digest_built(connection, member.user_id, digest, now.0, next.0)?;
    }
    Ok(due.len())
}

fn period_ms(digest: Digest) -> i64 {
    match digest {
        Digest::Daily => 24 * 60 * 60 * 1000,
        Digest::Weekly => 7 * 24 * 60 * 60 * 1000,
    }
}

fn verified_address(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<String>> {
    let (address, verified_at) = users::email_of(connection, user_id)?;
    Ok(address.filter(|_| verified_at.is_some()))
}

#[allow(clippy::too_many_arguments)]
fn queue(
    connection: &mut AnyConnection,
    context: &Context,
    address: &str,
    user_id: i64,
    topic: Topic,
    key: &str,
    subject: String,
    blocks: &[Block],
) -> ApiResult<()> {
    let token = unsubscribe::token(user_id, topic, key);
    let (label, page) = match topic {
        Topic::QueueDigest => ("Open the queue", "moderation"),
        _ => ("Read it", "notifications"),
    };
    let links = Links {
        open: (format!("{label} on {}", context.instance), format!("{}/{page}", context.origin)),
        preferences: worker::preferences_link(&context.origin),
        unsubscribe_page: Some(unsubscribe::page_link(&context.origin, &token)),
        unsubscribe: Some(unsubscribe::api_link(&context.origin, &token)),
    };
    let letter = compose::letter(address, subject, blocks, &links);
    mail_outbox::queue(
        connection,
        &NewLetter {
            address,
            user_id: Some(user_id),
            kind: topic.as_str(),
            subject: &letter.subject,
            text_body: &letter.text,
            html_body: letter.html.as_deref(),
        },
    )
}

/// The digest of a member's unread news of the kinds they chose for it,
/// since the last one; none when there is nothing to tell.
fn news_digest(
    connection: &mut AnyConnection,
    context: &Context,
    member: &Due,
    digest: Digest,
    since: i64,
) -> ApiResult<Option<(String, Vec<Block>)>> {
    let kinds: Vec<&str> = member
        .preferences
        .kinds_in(digest)
        .into_iter()
        .flat_map(|kind| kind.notification_kinds().iter().map(|kind| kind.as_str()))
        .collect();
    if kinds.is_empty() {
        return Ok(None);
    }
    let unread = notifications::unread_since(connection, member.user_id, &kinds, since, MOST_LINES)?;
    // Busy threads go with the news of what the member follows.
    let busy = if member.preferences.cadence(MailKind::Watched) == digest.cadence() {
        threads::busy_for(connection, member.user_id, since, BUSY_POSTS, BUSY_THREADS)?
    } else {
        Vec::new()
    };
    if unread.is_empty() && busy.is_empty() {
        return Ok(None);
    }
    let mut lines = Vec::new();
    if member.preferences.include_details {
        for notification in &unread {
            let Some(kind) = MailKind::of(notification.kind()?) else { continue };
            let place = notifications::place_of(connection, notification)?;
            let named = match (place.thread.or(place.room), place.community) {
                (Some((_, name)), Some(slug)) => {
                    format!("“{name}” ({}): ", communities::by_slug(connection, &slug)?.name)
                }
                _ => String::new(),
            };
            lines.push(format!("{named}{}", counted(kind, i64::from(notification.count))));
        }
    } else {
        for kind in MailKind::ALL {
            let count: i64 = unread
                .iter()
                .filter(|notification| notification.kind().ok().and_then(MailKind::of) == Some(kind))
                .map(|notification| i64::from(notification.count))
                .sum();
            if count > 0 {
                lines.push(counted(kind, count));
            }
        }
    }
    let which = match digest {
        Digest::Daily => "daily",
        Digest::Weekly => "weekly",
    };
    let subject = format!("Your {which} digest from {}", context.instance);
    let mut blocks = Vec::new();
    if !lines.is_empty() {
        blocks.push(Block::Text(format!("Waiting for you on {}:", context.instance)));
        blocks.push(Block::List(lines));
    }
    if !busy.is_empty() {
        blocks.push(Block::Text("Busy conversations in your communities:".to_owned()));
        blocks.push(Block::List(if member.preferences.include_details {
            busy.into_iter()
                .map(|(title, community, posts)| format!("“{title}” ({community}): {posts} new posts"))
                .collect()
        } else {
            let count = busy.len();
            vec![if count == 1 { "1 busy conversation".to_owned() } else { format!("{count} busy conversations") }]
        }));
    }
    Ok(Some((subject, blocks)))
}

/// "2 new replies", "a mention", …: how much of a kind is waiting.
fn counted(kind: MailKind, count: i64) -> String {
    let (one, many) = match kind {
        MailKind::Replies => ("a new reply", "new replies"),
        MailKind::Mentions => ("a mention of you", "mentions of you"),
        MailKind::Watched => ("a new post in a conversation you follow", "new posts in conversations you follow"),
        MailKind::Moderation => ("an update about moderation", "updates about moderation"),
        MailKind::Events => ("an event update", "event updates"),
    };
    if count == 1 { one.to_owned() } else { format!("{count} {many}") }
}

/// A moderator's daily count of open items in the communities they
/// moderate (everywhere for an admin); none when the queue is empty.
fn queue_digest(
    connection: &mut AnyConnection,
    context: &Context,
    user_id: i64,
) -> ApiResult<Option<(String, Vec<Block>)>> {
    let (open, urgent) = if users::is_admin(connection, user_id)? {
        queue::open_counts(connection, None)?
    } else {
        let moderated: Vec<i64> = communities::roles_of(connection, user_id)?
            .into_iter()
            .filter(|(_, role)| *role == CommunityRole::Moderator)
            .map(|(community_id, _)| community_id)
            .collect();
        if moderated.is_empty() {
            return Ok(None);
        }
        queue::open_counts(connection, Some(&moderated))?
    };
    if open == 0 {
        return Ok(None);
    }
    let subject = format!("The moderation queue on {}: {open} open", context.instance);
    let mut lines = vec![format!("{open} open item{}", if open == 1 { "" } else { "s" })];
    if urgent > 0 {
        lines.push(format!("{urgent} urgent"));
    }
    Ok(Some((
        subject,
        vec![Block::Text("Waiting in the moderation queue you look after:".to_owned()), Block::List(lines)],
    )))
}
