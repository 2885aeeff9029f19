//! Settings: built-in defaults, then `kindred.toml`, then `KINDRED_*`
//! environment variables, the later winning. Defaults run out of the box.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::domain::instance::{Footer, Joining};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080`.
    pub addr: String,
    /// `sqlite://PATH` (or a bare path) or `postgres://...`.
    pub database_url: String,
    /// The address members use; decides the CSRF origin and cookie security.
    /// Defaults to `http://` + the bound address.
    pub public_url: Option<String>,
    /// The instance's name, shown to members.
    pub instance_name: String,
    /// The header's wordmark (at most 40 characters); the instance's name when unset.
    pub logo_text: Option<String>,
    /// The brand's colour, `#rrggbb`: the accent on light screens, lightened
    /// for dark ones. A colour too light to read stops the start.
    pub brand_colour: Option<String>,
    /// A TOML file (`version`, `text`) replacing the shipped guidelines.
    pub guidelines_file: Option<PathBuf>,
    /// A TOML file (`version`, `text`) replacing the shipped consent text.
    pub health_data_consent_file: Option<PathBuf>,
    /// How long a session lives without being used (sliding).
    pub session_ttl_seconds: u64,
    /// Deepest reply allowed; the first post of a thread is depth 0.
    pub max_reply_depth: i32,
    /// Connections in the read pool.
    pub database_pool_size: u32,
    /// Longest a thread page is served from memory (any write here makes it
    /// stale sooner); bounds how long another process's writes go unseen. 0 turns it off.
    pub page_cache_seconds: u64,
    /// Longest a session is trusted from memory without reading the database;
    /// bounds only changes made outside any server process on SQLite (or by
    /// hand), since every other change tells each process at once. 0 turns it off.
    pub session_cache_seconds: u64,
    /// Thread pages (per reader) kept in memory at most.
    pub page_cache_entries: usize,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
    /// Seconds between pings on a live connection.
    pub live_heartbeat_seconds: u64,
    /// A live connection silent this long is dropped.
    pub live_timeout_seconds: u64,
    /// Frames queued for one slow client before it is disconnected.
    pub live_queue_capacity: usize,
    /// Longest wait for one write to a client's socket.
    pub live_write_timeout_seconds: u64,
    /// Largest text frame accepted from a client, in bytes.
    pub live_max_text_bytes: usize,
    /// Frames a client may send per second (twice that in a burst).
    pub live_frames_per_second: u32,
    /// Chat messages a member may send per second (three times that in a burst).
    pub live_messages_per_second: u32,
    /// Rooms one connection may follow at once.
    pub live_rooms_per_connection: usize,
    /// Live connections one member may hold open in one process.
    pub live_connections_per_member: usize,
    /// What happens to a post or message that screens as a crisis: `publish`
    /// (queue an urgent item only for high risk), `flag` (publish and queue an
    /// urgent item) or `hold` (keep it back until reviewed, urgently).
    pub crisis_action: CrisisAction,
    /// Who reads a post or chat message whose words screened as a crisis, in a public
    /// community: `members` (signed-in readers; visitors get a placeholder)
    /// or `public` (everyone who may read the community).
    pub crisis_post_visibility: CrisisPostVisibility,
    /// A helplines TOML file (shape of `moderation/rules/helplines.toml`)
    /// replacing the shipped list.
    pub helplines_file: Option<PathBuf>,
    /// Which helplines list members are shown, e.g. `en-GB`.
    pub helplines_locale: String,
    /// How many of a member's first posts wait for approval, instance-wide (0: none).
    pub hold_first_posts: u32,
    /// How people join: `open` (anyone registers), `invitation` (with a member's link) or
    /// `approval` (an admin accepts each application).
    pub joining: Joining,
    /// The texts at the foot of every page (Markdown), until an admin changes them.
    pub footer: Footer,
    /// Trust level 1 (member) needs this many days since joining and posts made.
    pub trust_member_days: u32,
    pub trust_member_posts: u32,
    /// Trust level 2 (regular).
    pub trust_regular_days: u32,
    pub trust_regular_posts: u32,
    /// Trust level 3 (trusted).
    pub trust_trusted_days: u32,
    pub trust_trusted_posts: u32,
    /// A sanction within this many days puts a member back at trust level 0.
    pub trust_sanction_days: u32,
    /// Links a trust level 0 member may put in one post or message.
    pub new_member_max_links: usize,
    /// Mentions a trust level 0 member may put in one post or message.
    pub new_member_max_mentions: usize,
    /// Posts and replies per hour (trust level 1 and up).
    pub posts_per_hour: u32,
    /// Posts and replies per hour at trust level 0.
    pub new_member_posts_per_hour: u32,
    /// Chat messages per minute, counted across processes.
    pub chat_messages_per_minute: u32,
    /// Reports one member may file per day.
    pub reports_per_day: u32,
    /// Accounts registered per hour from one network address.
    pub registrations_per_hour: u32,
    /// Sign-in attempts per 15 minutes, per address and per account name.
    pub sign_ins_per_quarter_hour: u32,
    /// Password-reset links asked for per hour for one email address.
    pub password_resets_per_hour: u32,
    /// How long a claim on a queue item lasts, in minutes.
    pub claim_minutes: u32,
    /// Reports from this many different members of one post or chat message
    /// within `auto_hide_minutes`, while no moderator has it, hide it pending review (0: never).
    pub auto_hide_reports: u32,
    pub auto_hide_minutes: u32,
    /// Minutes an urgent item may wait unclaimed before the instance's admins are told too.
    pub safeguarding_escalate_minutes: u32,
    /// Where to POST a signed JSON alert for each urgent item (a charity's on-call system).
    pub safeguarding_webhook_url: Option<String>,
    /// The HMAC-SHA256 key the webhook is signed with; 16 characters or more, needed with the URL.
    pub safeguarding_webhook_secret: Option<String>,
    /// Trust the proxy's `X-Forwarded-For` for a client's address (rate limits only).
    pub behind_proxy: bool,
    /// `smtp://host:port` (plain, for a relay on this machine), `smtp://host:port?tls=required`
    /// (STARTTLS) or `smtps://user:password@host` (TLS); no mail is sent without it.
    pub smtp_url: Option<String>,
    /// A secret of 16 characters or more that Prometheus sends as a bearer
    /// token to read `/metrics`; without it `/metrics` is off.
    pub metrics_token: Option<String>,
    /// The sender of Kindred's mail, e.g. `Kindred <kindred@example.org>`.
    pub mail_from: String,
    /// How long a password-reset link works.
    pub password_reset_ttl_seconds: u64,
    /// How long an email-verification link works.
    pub email_verification_ttl_seconds: u64,
    /// How long a finished data export can be downloaded.
    pub export_ttl_seconds: u64,
    /// What happens to an erased member's posts and messages.
    pub erasure_content: ErasureContent,
    /// Days the address a session was opened from is kept (for abuse handling).
    pub ip_retention_days: u64,
    /// Seconds between runs of the retention job (IP addresses, expired exports and links),
    /// and of the look for directory entries due for review.
    pub purge_interval_seconds: u64,
    /// Months after which a directory entry not reviewed goes to the moderation queue.
    pub directory_review_months: u32,
    /// How long mail about a notification waits, so it is not sent if the
    /// member reads the notification first.
    pub email_delay_seconds: u64,
    /// The wait before trying a letter again after the mail server failed;
    /// it doubles with each failure, up to an hour.
    pub mail_retry_seconds: u64,
    /// How long a process keeps a letter it claimed before another may send it.
    pub mail_lease_seconds: u64,
    /// The time zone of members who have not chosen one (an IANA name, e.g. `Europe/London`).
    pub instance_time_zone: String,
    /// The local hour (0-23) digests are sent at.
    pub digest_hour: u8,
    /// FOR TESTS ONLY: the moment (RFC 3339) the digest clock starts from
    /// instead of now; it then runs at normal speed.
    pub digest_clock_start_for_tests: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CrisisAction {
    Publish,
    Flag,
    Hold,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CrisisPostVisibility {
    Members,
    Public,
}

/// The instance's policy for an erased member's content.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ErasureContent {
    /// Posts and messages stay, shown as by "a former member".
    Anonymise,
    /// Bodies are replaced by a removed placeholder; threads keep their shape.
    Remove,
}

impl ErasureContent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymise => "anonymise",
            Self::Remove => "remove",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            database_url: "sqlite://./data/kindred.db".into(),
            public_url: None,
            instance_name: "Kindred".into(),
            logo_text: None,
            brand_colour: None,
            guidelines_file: None,
            health_data_consent_file: None,
            session_ttl_seconds: 30 * 24 * 60 * 60,
            max_reply_depth: 10,
            database_pool_size: 8,
            page_cache_seconds: 2,
            page_cache_entries: 1024,
            session_cache_seconds: 2,
            log_format: LogFormat::Pretty,
            live_heartbeat_seconds: 15,
            live_timeout_seconds: 45,
            live_queue_capacity: 256,
            live_write_timeout_seconds: 10,
            live_max_text_bytes: 16 * 1024,
            live_frames_per_second: 20,
            live_messages_per_second: 2,
            live_rooms_per_connection: 20,
            live_connections_per_member: 8,
            crisis_action: CrisisAction::Flag,
            crisis_post_visibility: CrisisPostVisibility::Members,
            helplines_file: None,
            helplines_locale: "en".into(),
            hold_first_posts: 0,
            joining: Joining::Open,
            footer: Footer {
                operator: "This community is run by its organisers, who host it with Kindred, free software for \
                           peer support."
                    .into(),
                privacy: "Your posts and your health information are kept only to run this community. You can \
                          export your data or erase your account at any time from your account page."
                    .into(),
                contact: "To reach the people who run this community, ask a moderator or write to an admin.".into(),
                accessibility: "This site aims to meet WCAG 2.2 AA: it works with a keyboard, a screen reader and \
                                at 400% zoom. If something stops you using it, please tell us."
                    .into(),
                terms: "By taking part you agree to follow the community guidelines. Peer support is not medical \
                        advice; in an emergency call 999 (or your local emergency number)."
                    .into(),
            },
            trust_member_days: 1,
            trust_member_posts: 3,
            trust_regular_days: 30,
            trust_regular_posts: 30,
            trust_trusted_days: 90,
            trust_trusted_posts: 100,
            trust_sanction_days: 30,
            new_member_max_links: 2,
            new_member_max_mentions: 3,
            posts_per_hour: 120,
            new_member_posts_per_hour: 30,
            chat_messages_per_minute: 120,
            reports_per_day: 20,
            registrations_per_hour: 30,
            sign_ins_per_quarter_hour: 30,
            password_resets_per_hour: 3,
            claim_minutes: 15,
            auto_hide_reports: 3,
            auto_hide_minutes: 60,
            safeguarding_escalate_minutes: 10,
            safeguarding_webhook_url: None,
            safeguarding_webhook_secret: None,
            behind_proxy: false,
            smtp_url: None,
            metrics_token: None,
            mail_from: "Kindred <kindred@localhost>".into(),
            password_reset_ttl_seconds: 60 * 60,
            email_verification_ttl_seconds: 24 * 60 * 60,
            export_ttl_seconds: 7 * 24 * 60 * 60,
            erasure_content: ErasureContent::Anonymise,
            ip_retention_days: 7,
            purge_interval_seconds: 60 * 60,
            directory_review_months: 6,
            email_delay_seconds: 5 * 60,
            mail_retry_seconds: 30,
            mail_lease_seconds: 2 * 60,
            instance_time_zone: "UTC".into(),
            digest_hour: 8,
            digest_clock_start_for_tests: None,
        }
    }
}

impl Settings {
    /// Whether signed-out visitors read posts that screened as a crisis.
    pub fn crisis_posts_public(&self) -> bool {
        self.crisis_post_visibility == CrisisPostVisibility::Public
    }

    /// The safeguarding webhook's URL and signing secret, when one is set.
    pub fn safeguarding_webhook(&self) -> Option<(&str, &str)> {
        let url = self.safeguarding_webhook_url.as_deref().filter(|url| !url.is_empty())?;
        Some((url, self.safeguarding_webhook_secret.as_deref().map(str::trim).unwrap_or_default()))
    }

    /// Loads the settings; `config_file` overrides the default `kindred.toml`
    /// (a named file must exist; the default one is optional).
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) if !path.exists() => {
                anyhow::bail!("the configuration file {} does not exist", path.display())
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("kindred.toml")),
        }
        figment = figment.merge(Env::prefixed("KINDRED_").ignore(&NOT_SETTINGS));
        figment.extract().map_err(unknown_setting_named)
    }
}

/// `KINDRED_` variables that are not settings: the configuration file's
/// name, and the test suite's and browser tests' own.
const NOT_SETTINGS: [&str; 3] = ["config", "test_postgres_url", "bin"];

/// A misspelt setting would otherwise be ignored and its default used; the
/// error names the variable or the file's key, so it can be put right.
fn unknown_setting_named(error: figment::Error) -> anyhow::Error {
    let figment::error::Kind::UnknownField(field, _) = &error.kind else {
        return anyhow::anyhow!("invalid configuration: {error}");
    };
    let source = error.metadata.as_ref().and_then(|metadata| metadata.source.as_ref());
    match source {
        Some(figment::Source::File(path)) => anyhow::anyhow!(
            "invalid configuration: {} has a key '{field}' that is no setting (docs/configuration.md lists them)",
            path.display()
        ),
        _ => anyhow::anyhow!(
            "invalid configuration: the environment variable KINDRED_{} is no setting (docs/configuration.md lists them)",
            field.to_uppercase()
        ),
    }
}
