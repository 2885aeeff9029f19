//! The words of notification mail: which kinds of news a member can have
//! mailed, how often (at once, in a daily or weekly digest, or never), what
//! a letter is about (the topic an unsubscribe link turns off), a member's
//! time zone, and when their next digest morning is.

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use super::following::NotificationKind;
use super::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// A kind of news a member chooses a cadence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// Replies to the member's posts.
    Replies,
    /// `@username` mentions of the member.
    Mentions,
    /// New posts in threads and communities the member watches.
    Watched,
    /// Moderation about the member's content or account, and their reports.
    Moderation,
    /// Events the member is going to (reminders, cancellations, a place come
    /// free) and milestones of goals they pledged to.
    Events,
}

text_enum!(MailKind {
    Replies => "replies",
    Mentions => "mentions",
    Watched => "watched",
    Moderation => "moderation",
    Events => "events",
});

impl MailKind {
    pub const ALL: [MailKind; 5] =
        [MailKind::Replies, MailKind::Mentions, MailKind::Watched, MailKind::Moderation, MailKind::Events];

    /// The kind a notification is mailed as; safeguarding and support news
    /// are not mailed by preference.
    pub fn of(kind: NotificationKind) -> Option<MailKind> {
        match kind {
            NotificationKind::Reply | NotificationKind::ConsultationResponse => Some(MailKind::Replies),
            NotificationKind::Mention => Some(MailKind::Mentions),
            NotificationKind::NewPost => Some(MailKind::Watched),
            NotificationKind::Moderation
            | NotificationKind::ReportResolved
            | NotificationKind::JoinRequest
            | NotificationKind::JoinDecided => Some(MailKind::Moderation),
            NotificationKind::EventPlaceOffered
            | NotificationKind::EventCancelled
            | NotificationKind::EventReminder
            | NotificationKind::GoalMilestone => Some(MailKind::Events),
            NotificationKind::SafeguardingAlert
            | NotificationKind::SafeguardingEscalation
            | NotificationKind::SupportMessage => None,
        }
    }

    /// The notifications of this kind.
    pub fn notification_kinds(self) -> &'static [NotificationKind] {
        match self {
            MailKind::Replies => &[NotificationKind::Reply, NotificationKind::ConsultationResponse],
            MailKind::Mentions => &[NotificationKind::Mention],
            MailKind::Watched => &[NotificationKind::NewPost],
            MailKind::Moderation => &[
                NotificationKind::Moderation,
                NotificationKind::ReportResolved,
                NotificationKind::JoinRequest,
                NotificationKind::JoinDecided,
            ],
            MailKind::Events => &[
                NotificationKind::EventPlaceOffered,
                NotificationKind::EventCancelled,
                NotificationKind::EventReminder,
                NotificationKind::GoalMilestone,
            ],
        }
    }

    /// Replies and mentions come at once (to a verified address); the rest weekly.
    pub fn default_cadence(self) -> Cadence {
        match self {
            MailKind::Replies | MailKind::Mentions => Cadence::Immediately,
            MailKind::Watched | MailKind::Moderation | MailKind::Events => Cadence::Weekly,
        }
    }
}

/// How often a kind of news is mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    /// A letter a few minutes after it happens, unless it was read by then.
    Immediately,
    Daily,
    Weekly,
    Never,
}

text_enum!(Cadence { Immediately => "immediately", Daily => "daily", Weekly => "weekly", Never => "never" });

/// Which digest: each member's local morning, every day or on Mondays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Daily,
    Weekly,
}

impl Digest {
    pub fn cadence(self) -> Cadence {
        match self {
            Digest::Daily => Cadence::Daily,
            Digest::Weekly => Cadence::Weekly,
        }
    }
}

/// What a letter is about, and so what its unsubscribe link turns off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A letter about one notification of this kind.
    Kind(MailKind),
    /// A digest: unsubscribing sends what it gathers nowhere.
    Digest(Digest),
    /// A moderator's daily digest of their queue.
    QueueDigest,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Kind(kind) => kind.as_str(),
            Topic::Digest(Digest::Daily) => "daily_digest",
            Topic::Digest(Digest::Weekly) => "weekly_digest",
            Topic::QueueDigest => "queue_digest",
        }
    }

    pub fn parse(text: &str) -> Option<Topic> {
        match text {
            "daily_digest" => Some(Topic::Digest(Digest::Daily)),
            "weekly_digest" => Some(Topic::Digest(Digest::Weekly)),
            "queue_digest" => Some(Topic::QueueDigest),
            other => MailKind::ALL.into_iter().find(|kind| kind.as_str() == other).map(Topic::Kind),
        }
    }
}

/// A member's choices; `MailPreferences::default()` is what a member who
/// never chose has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailPreferences {
    pub cadences: [(MailKind, Cadence); 5],
    pub include_details: bool,
    pub time_zone: Option<TimeZoneName>,
    pub moderator_digest: bool,
}

impl Default for MailPreferences {
    fn default() -> Self {
        Self {
            cadences: MailKind::ALL.map(|kind| (kind, kind.default_cadence())),
            include_details: false,
            time_zone: None,
            moderator_digest: false,
        }
    }
}

impl MailPreferences {
    pub fn cadence(&self, kind: MailKind) -> Cadence {
        self.cadences.iter().find(|(each, _)| *each == kind).map_or(Cadence::Never, |(_, cadence)| *cadence)
    }

    pub fn set(&mut self, kind: MailKind, cadence: Cadence) {
        for (each, chosen) in &mut self.cadences {
            if *each == kind {
                *chosen = cadence;
            }
        }
    }

    /// The kinds gathered in this digest.
    pub fn kinds_in(&self, digest: Digest) -> Vec<MailKind> {
        self.cadences.iter().filter(|(_, cadence)| *cadence == digest.cadence()).map(|(kind, _)| *kind).collect()
    }

    /// Turns off what an unsubscribe link names, and nothing else.
    pub fn turn_off(&mut self, topic: Topic) {
        match topic {
            Topic::Kind(kind) => self.set(kind, Cadence::Never),
            Topic::Digest(digest) => {
                for kind in self.kinds_in(digest) {
                    self.set(kind, Cadence::Never);
                }
            }
            Topic::QueueDigest => self.moderator_digest = false,
        }
    }
}

/// An IANA time zone name (`Europe/London`) the built-in database knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(name: &str) -> ApiResult<Self> {
        let name = name.trim();
        if name.len() > 64 || TimeZone::get(name).is_err() {
            return Err(ApiError::invalid(
                "invalid_time_zone",
                "That is not a time zone we know; use a name such as Europe/London.",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.0).unwrap_or(TimeZone::UTC)
    }
}

/// The first moment after `after` that is `hour` o'clock in `zone` (on a
/// Monday for the weekly digest). A morning a clock change skips is moved
/// past, never lost.
pub fn next_morning(after: Timestamp, zone: &TimeZone, hour: i8, digest: Digest) -> Timestamp {
    let start = jiff::Timestamp::from_millisecond(after.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut date = start.to_zoned(zone.clone()).date();
    for _ in 0..9 {
        let fits = digest == Digest::Daily || date.weekday() == jiff::civil::Weekday::Monday;
        if let (true, Ok(at)) = (fits, date.at(hour, 0, 0, 0).to_zoned(zone.clone()))
            && at.timestamp() > start
        {
            return Timestamp(at.timestamp().as_millisecond());
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    after.plus_seconds(24 * 60 * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        let moment: jiff::Timestamp = text.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        Timestamp(moment.as_millisecond())
    }

    #[test]
    fn the_next_morning_is_local() {
        let london = TimeZoneName::parse("Europe/London").map(|name| name.zone()).unwrap_or(TimeZone::UTC);
        let tokyo = TimeZoneName::parse("Asia/Tokyo").map(|name| name.zone()).unwrap_or(TimeZone::UTC);
        // Wednesday 1 July 2026, 06:00 UTC: 07:00 in London (summer time), 15:00 in Tokyo.
        let now = at("2026-07-01T06:00:00Z");
        assert_eq!(next_morning(now, &london, 8, Digest::Daily), at("2026-07-01T07:00:00Z"));
        assert_eq!(next_morning(now, &tokyo, 8, Digest::Daily), at("2026-07-01T23:00:00Z"));
        assert_eq!(next_morning(now, &london, 8, Digest::Weekly), at("2026-07-06T07:00:00Z"));
        assert_eq!(next_morning(at("2026-07-01T07:00:00Z"), &london, 8, Digest::Daily), at("2026-07-02T07:00:00Z"));
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("America/New_York").is_ok());
    }

    #[test]
    fn unsubscribing_turns_off_only_what_the_link_names() {
        let mut preferences = MailPreferences::default();
        preferences.set(MailKind::Moderation, Cadence::Daily);
        preferences.moderator_digest = true;
        let before = preferences.clone();
        preferences.turn_off(Topic::Kind(MailKind::Replies));
        assert_eq!(preferences.cadence(MailKind::Replies), Cadence::Never);
        assert_eq!(preferences.cadence(MailKind::Mentions), Cadence::Immediately);
        preferences.turn_off(Topic::Digest(Digest::Daily));
        assert_eq!(preferences.cadence(MailKind::Moderation), Cadence::Never);
        assert_eq!(preferences.cadence(MailKind::Watched), before.cadence(MailKind::Watched));
        assert!(preferences.moderator_digest);
        for topic in ["replies", "weekly_digest", "queue_digest"] {
            assert_eq!(Topic::parse(topic).map(Topic::as_str), Some(topic));
        }
        assert_eq!(Topic::parse("everything"), None);
    }
}
