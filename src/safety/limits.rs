//! Rate limits that hold across processes. Posts, chat messages and reports
//! are counted from the rows members wrote; sign-ins and registrations,
//! which leave no row when refused, from counters in `rate_limits` keyed by
//! a hash of the address or name (never the address itself). A per-process
//! limiter in front turns a flood away before it reaches the database.

use std::num::NonZeroU32;
use std::time::Duration;

use diesel::prelude::*;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::trust::{self, TrustLevel};
use crate::config::Settings;
use crate::db::schema::{chat_messages, posts, reports};
use crate::db::{AnyConnection, rate_limits};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

const MINUTE_MS: i64 = 60 * 1000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
const QUARTER_HOUR_MS: i64 = 15 * MINUTE_MS;

/// Refuses a post or reply past the member's hourly allowance, a new
/// member's being their own; their trust is worked out only once they
/// reach the smaller of the two.
pub fn posting(connection: &mut AnyConnection, settings: &Settings, user_id: i64) -> ApiResult<()> {
    let since = Timestamp::now().0 - HOUR_MS;
    let recent: i64 = posts::table
        .filter(posts::author_id.eq(user_id))
        .filter(posts::created_at.ge(since))
        .count()
        .get_result(connection)?;
    if recent < i64::from(settings.new_member_posts_per_hour.min(settings.posts_per_hour)) {
        return Ok(());
    }
    let limit = if trust::of_member(connection, user_id, settings)? == TrustLevel::NEW {
        settings.new_member_posts_per_hour
    } else {
        settings.posts_per_hour
    };
    if recent >= i64::from(limit) {
        return Err(ApiError::too_many(
            "posting_too_fast",
            format!("You can post {limit} times an hour. Please take a break and try again later."),
        ));
    }
    Ok(())
}

/// Refuses a chat message past the per-minute allowance, in every process together.
pub fn chatting(connection: &mut AnyConnection, settings: &Settings, user_id: i64) -> ApiResult<()> {
    let limit = settings.chat_messages_per_minute;
    let since = Timestamp::now().0 - MINUTE_MS;
    let recent: i64 = chat_messages::table
        .filter(chat_messages::author_id.eq(user_id))
        .filter(chat_messages::created_at.ge(since))
        .count()
        .get_result(connection)?;
    if recent >= i64::from(limit) {
        return Err(ApiError::too_many("rate_limited", "You are sending messages too quickly. Please wait a moment."));
    }
    Ok(())
}

/// Refuses a report past the daily allowance.
pub fn reporting(connection: &mut AnyConnection, settings: &Settings, user_id: i64) -> ApiResult<()> {
    let limit = settings.reports_per_day;
    let since = Timestamp::now().0 - DAY_MS;
    let recent: i64 = reports::table
        .filter(reports::reporter_id.eq(user_id))
        .filter(reports::created_at.ge(since))
        .count()
        .get_result(connection)?;
    if recent >= i64::from(limit) {
        return Err(ApiError::too_many(
            "too_many_reports",
            format!(
                "You can make {limit} reports a day. Thank you for looking out for others; please try again tomorrow."
            ),
        ));
    }
    Ok(())
}

/// Something counted per key in fixed windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counted {
    SignInFromAddress,
    SignInToAccount,
    RegistrationFromAddress,
    PasswordResetForEmail,
}

impl Counted {
    fn prefix(self) -> &'static str {
        match self {
            Self::SignInFromAddress => "sign_in_address",
            Self::SignInToAccount => "sign_in_account",
            Self::RegistrationFromAddress => "registration_address",
            Self::PasswordResetForEmail => "password_reset_email",
        }
    }

    fn window_ms(self) -> i64 {
        match self {
            Self::SignInFromAddress | Self::SignInToAccount => QUARTER_HOUR_MS,
            Self::RegistrationFromAddress | Self::PasswordResetForEmail => HOUR_MS,
        }
    }

    fn limit(self, settings: &Settings) -> u32 {
        match self {
            Self::SignInFromAddress | Self::SignInToAccount => settings.sign_ins_per_quarter_hour,
            Self::RegistrationFromAddress => settings.registrations_per_hour,
            Self::PasswordResetForEmail => settings.password_resets_per_hour,
        }
    }

    fn refusal(self) -> ApiError {
        match self {
            Self::SignInFromAddress | Self::SignInToAccount => ApiError::too_many(
                "too_many_sign_ins",
                "Too many sign-in attempts. Please wait 15 minutes and try again.",
            ),
            Self::RegistrationFromAddress => ApiError::too_many(
                "too_many_registrations",
                "Too many accounts have been created from here recently. Please try again in an hour.",
            ),
            Self::PasswordResetForEmail => ApiError::too_many(
                "too_many_password_resets",
                "Several reset links have been asked for that address in the last hour. Please check your inbox \
                 (and spam folder), or try again in an hour.",
            ),
        }
    }
}

/// The per-process first line in front of the shared counters.
pub struct LocalLimits {
    limiters: Vec<(Counted, DefaultKeyedRateLimiter<String>)>,
}

impl LocalLimits {
    pub fn new(settings: &Settings) -> Self {
        let kinds = [
            Counted::SignInFromAddress,
            Counted::SignInToAccount,
            Counted::RegistrationFromAddress,
            Counted::PasswordResetForEmail,
        ];
        let limiters = kinds
            .into_iter()
            .map(|kind| {
                let burst = NonZeroU32::new(kind.limit(settings).max(1)).unwrap_or(NonZeroU32::MIN);
                let window = Duration::from_millis(kind.window_ms().unsigned_abs());
                let quota =
                    Quota::with_period(window / burst.get()).unwrap_or(Quota::per_second(burst)).allow_burst(burst);
                (kind, RateLimiter::keyed(quota))
            })
            .collect();
        Self { limiters }
    }

    fn allows(&self, kind: Counted, key: &str) -> bool {
        self.limiters
            .iter()
            .find(|(each, _)| *each == kind)
            .is_none_or(|(_, limiter)| limiter.check_key(&key.to_owned()).is_ok())
    }

    /// Forgets keys that have been quiet long enough to be full again.
    pub fn forget_idle(&self) {
        for (_, limiter) in &self.limiters {
            limiter.retain_recent();
        }
    }
}

/// The key stored for `value`: a hash, so no address or name is kept.
fn key_for(kind: Counted, value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let short: String = digest[..12].iter().map(|byte| format!("{byte:02x}")).collect();
    format!("{}:{short}", kind.prefix())
}

/// Counts one attempt in the shared counters; refuses it when the
/// window's allowance is spent in any process.
fn count_in_database(connection: &mut AnyConnection, settings: &Settings, kind: Counted, key: &str) -> ApiResult<()> {
    let now = Timestamp::now().0;
    let window_start = now - now.rem_euclid(kind.window_ms());
    let hits = rate_limits::hit(connection, key, window_start)?;
    if i64::from(hits) > i64::from(kind.limit(settings)) {
        return Err(kind.refusal());
    }
    Ok(())
}

/// Counts one attempt from the request's address, or at `name` when given.
pub async fn count_attempt(
    state: &crate::state::AppState,
    request: &actix_web::HttpRequest,
    kind: Counted,
    name: Option<&str>,
) -> ApiResult<()> {
    let value = match name {
        Some(name) => name.to_owned(),
        None => client_address(request, state.settings.behind_proxy),
    };
    let settings = state.settings.clone();
    let local = &state.local_limits;
    let key = key_for(kind, &value);
    if !local.allows(kind, &key) {
        return Err(kind.refusal());
    }
    state.db.write(move |connection| count_in_database(connection, &settings, kind, &key)).await
}

/// The address a request came from: the proxy's `X-Forwarded-For` when the
/// instance says it runs behind one, else the peer.
fn client_address(request: &actix_web::HttpRequest, behind_proxy: bool) -> String {
    if behind_proxy && let Some(address) = request.connection_info().realip_remote_addr() {
        return address.to_owned();
    }
    request.peer_addr().map(|address| address.ip().to_string()).unwrap_or_default()
}

/// Drops counters of windows long past.
pub fn purge_counters(connection: &mut AnyConnection) -> ApiResult<usize> {
    rate_limits::purge(connection, Timestamp::now().0 - DAY_MS)
}

/// Every ten minutes: forget old counters and idle keys.
pub async fn housekeeping(state: std::sync::Arc<crate::state::AppState>) {
    let mut ticks = tokio::time::interval(Duration::from_secs(600));
    loop {
        ticks.tick().await;
        state.local_limits.forget_idle();
        if let Err(error) = state.db.write(purge_counters).await {
            tracing::warn!(code = error.code(), "could not purge old rate-limit counters");
        }
    }
}
