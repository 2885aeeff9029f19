//! Rate limits that hold across processes. Posts, chat messages and reports
//! are counted from the rows members wrote; sign-ins and registrations,
//! which leave no row when refused, from counters in `rate_limits` keyed by
//! a hash of the address or name (never the address itself). A per-process
//! limiter in front turns a flood away before it reaches the database.
//!
//! Sign-in guesses are refused per account and address together, never per
//! account alone, so nobody can lock the owner out; an account guessed at
//! from many addresses answers more slowly instead.

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
/// The longest an answer to a much-guessed account is held back.
const MAX_SIGN_IN_DELAY_SECONDS: u64 = 10;

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
    /// Attempts on one account from one address: refused past the allowance.
    SignInToAccountFromAddress,
    /// Failed attempts on one account from anywhere: slowed past the allowance, never refused.
    FailedSignInToAccount,
    RegistrationFromAddress,
    PasswordResetForEmail,
}

impl Counted {
    fn prefix(self) -> &'static str {
        match self {
            Self::SignInFromAddress => "sign_in_address",
            Self::SignInToAccountFromAddress => "sign_in_account_address",
            Self::FailedSignInToAccount => "failed_sign_in_account",
            Self::RegistrationFromAddress => "registration_address",
            Self::PasswordResetForEmail => "password_reset_email",
        }
    }

    fn window_ms(self) -> i64 {
        match self {
            Self::SignInFromAddress | Self::SignInToAccountFromAddress | Self::FailedSignInToAccount => QUARTER_HOUR_MS,
            Self::RegistrationFromAddress | Self::PasswordResetForEmail => HOUR_MS,
        }
    }

    fn limit(self, settings: &Settings) -> u32 {
        match self {
            Self::SignInFromAddress | Self::SignInToAccountFromAddress | Self::FailedSignInToAccount => {
                settings.sign_ins_per_quarter_hour
            }
            Self::RegistrationFromAddress => settings.registrations_per_hour,
            Self::PasswordResetForEmail => settings.password_resets_per_hour,
        }
    }

    /// Whether the request's address is part of what is counted.
    fn counts_address(self) -> bool {
        matches!(self, Self::SignInFromAddress | Self::SignInToAccountFromAddress | Self::RegistrationFromAddress)
    }

    fn window_start(self, now: i64) -> i64 {
        now - now.rem_euclid(self.window_ms())
    }

    fn refusal(self) -> ApiError {
        match self {
            Self::SignInFromAddress | Self::SignInToAccountFromAddress | Self::FailedSignInToAccount => {
                ApiError::too_many(
                    "too_many_sign_ins",
                    "Too many sign-in attempts. Please wait 15 minutes and try again.",
                )
            }
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
            Counted::SignInToAccountFromAddress,
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
    let hits = rate_limits::hit(connection, key, kind.window_start(Timestamp::now().0))?;
    if i64::from(hits) > i64::from(kind.limit(settings)) {
        return Err(kind.refusal());
    }
    Ok(())
}

/// What `kind` counts for this request: `name` when given, the request's
/// address when the kind counts it, or both together.
fn counted_value(kind: Counted, request: &actix_web::HttpRequest, behind_proxy: bool, name: Option<&str>) -> String {
    let address = kind.counts_address().then(|| client_address(request, behind_proxy));
    match (name, address) {
        (Some(name), Some(address)) => format!("{name}\u{0}{address}"),
        (Some(name), None) => name.to_owned(),
        (None, address) => address.unwrap_or_default(),
    }
}

/// Counts one attempt of `kind` (see [`counted_value`]) and refuses it past the allowance.
pub async fn count_attempt(
    state: &crate::state::AppState,
    request: &actix_web::HttpRequest,
    kind: Counted,
    name: Option<&str>,
) -> ApiResult<()> {
    let settings = state.settings.clone();
    let local = &state.local_limits;
    let key = key_for(kind, &counted_value(kind, request, settings.behind_proxy, name));
    if !local.allows(kind, &key) {
        return Err(kind.refusal());
    }
    state.db.write_unseen(move |connection| count_in_database(connection, &settings, kind, &key)).await
}

/// Counts a failed sign-in to `account` (a lower-case name), from any address.
pub async fn count_failed_sign_in(state: &crate::state::AppState, account: &str) -> ApiResult<()> {
    let kind = Counted::FailedSignInToAccount;
    let key = key_for(kind, account);
    state
        .db
        .write_unseen(move |connection| {
            rate_limits::hit(connection, &key, kind.window_start(Timestamp::now().0))?;
            Ok(())
        })
        .await
}

/// Holds back a sign-in to `account` for as long as its failures in this
/// window call for: guessing from many addresses gets slower and slower,
/// while the owner, with the right password, still gets in.
pub async fn slow_down_guessed_account(state: &crate::state::AppState, account: &str) -> ApiResult<()> {
    let kind = Counted::FailedSignInToAccount;
    let key = key_for(kind, account);
    let failures = state
        .db
        .read(move |connection| rate_limits::hits(connection, &key, kind.window_start(Timestamp::now().0)))
        .await?;
    let delay = sign_in_delay(failures, state.settings.sign_ins_per_quarter_hour);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(())
}

/// One second per failure beyond the allowance, up to a bound.
fn sign_in_delay(failures: i32, allowance: u32) -> Duration {
    let beyond = i64::from(failures) - i64::from(allowance);
    let seconds = u64::try_from(beyond).unwrap_or(0).min(MAX_SIGN_IN_DELAY_SECONDS);
    Duration::from_secs(seconds)
}

/// The address a request came from: when the instance says it runs behind
/// a proxy, the last address of `X-Forwarded-For`, the one that proxy added
/// (a proxy that appends keeps whatever the client wrote before it, so an
/// earlier address is the client's to choose); else the peer.
fn client_address(request: &actix_web::HttpRequest, behind_proxy: bool) -> String {
    if behind_proxy && let Some(address) = last_forwarded_for(request.headers()) {
        return address;
    }
    request.peer_addr().map(|address| address.ip().to_string()).unwrap_or_default()
}

fn last_forwarded_for(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .filter(|address| !address.is_empty())
        .last()
        .map(str::to_owned)
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
        if let Err(error) = state.db.write_unseen(purge_counters).await {
            tracing::warn!(code = error.code(), "could not purge old rate-limit counters");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_proxy_the_address_it_added_counts_not_what_the_client_wrote() {
        let request = actix_web::test::TestRequest::default()
            .insert_header(("x-forwarded-for", "6.6.6.6, 203.0.113.7"))
            .peer_addr("127.0.0.1:9000".parse().expect("an address"))
            .to_http_request();
        assert_eq!(client_address(&request, true), "203.0.113.7");
        assert_eq!(client_address(&request, false), "127.0.0.1");
        let replaced = actix_web::test::TestRequest::default()
            .insert_header(("x-forwarded-for", "198.51.100.2"))
            .to_http_request();
        assert_eq!(client_address(&replaced, true), "198.51.100.2");
    }

    #[test]
    fn a_guessed_account_slows_down_only_past_its_allowance_and_within_a_bound() {
        assert_eq!(sign_in_delay(0, 30), Duration::ZERO);
        assert_eq!(sign_in_delay(30, 30), Duration::ZERO);
        assert_eq!(sign_in_delay(31, 30), Duration::from_secs(1));
        assert_eq!(sign_in_delay(35, 30), Duration::from_secs(5));
        assert_eq!(sign_in_delay(10_000, 30), Duration::from_secs(MAX_SIGN_IN_DELAY_SECONDS));
    }
}
