//! How someone comes to be a member when the instance is not open to all:
//! an invitation link a member made (how long it lasts, whether it can
//! still be used) and an application an admin decides.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// Longest an invitation link lasts, in days.
pub const MAX_LIFETIME_DAYS: u32 = 90;
/// Most links a member may have that can still be used.
pub const MAX_LIVE_LINKS: i64 = 20;
/// Longest note an applicant writes, and longest message an admin sends back.
pub const MAX_NOTE_CHARS: usize = 1000;

/// A new link's code: 16 random bytes, so it cannot be guessed.
pub fn new_code() -> ApiResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// How many days a new link lasts: 1 to 90.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime(u32);

impl Lifetime {
    pub fn parse(days: u32) -> ApiResult<Self> {
        if (1..=MAX_LIFETIME_DAYS).contains(&days) {
            Ok(Self(days))
        } else {
            Err(ApiError::invalid("invalid_lifetime", format!("A link can last from 1 to {MAX_LIFETIME_DAYS} days.")))
        }
    }

    /// When a link made at `now` stops working.
    pub fn ends(self, now: Timestamp) -> Timestamp {
        now.plus_seconds(u64::from(self.0) * 24 * 3600)
    }
}

/// Whether a link can be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LinkState {
    Usable,
    Expired,
    Revoked,
}

impl LinkState {
    pub fn of(expires_at: Option<i64>, revoked_at: Option<i64>, now: Timestamp) -> Self {
        if revoked_at.is_some() {
            Self::Revoked
        } else if expires_at.is_some_and(|ends| ends <= now.0) {
            Self::Expired
        } else {
            Self::Usable
        }
    }

    /// Refuses a link that can no longer be used, saying why.
    pub fn ensure_usable(self) -> ApiResult<()> {
        let gone = |code, message| Err(ApiError::new(actix_web::http::StatusCode::GONE, code, message));
        match self {
            Self::Usable => Ok(()),
            Self::Expired => gone(
                "invitation_expired",
                "This invitation link has expired. Ask the person who invited you for a new one.",
            ),
            Self::Revoked => gone(
                "invitation_revoked",
                "This invitation link was withdrawn by the person who made it. Ask them for a new one.",
            ),
        }
    }
}

/// The answer to a code nobody made.
pub fn unknown_invitation() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        "invitation_not_found",
        "We couldn't find that invitation link. Check it was copied whole.",
    )
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApplicationStatus {
    Pending,
    Accepted,
    Declined,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }

    pub fn parse(text: &str) -> ApiResult<Self> {
        match text {
            "pending" => Ok(Self::Pending),
            "accepted" => Ok(Self::Accepted),
            "declined" => Ok(Self::Declined),
            other => Err(ApiError::internal(format!("unknown application status {other:?}"))),
        }
    }
}

/// What an applicant or a deciding admin wrote: at most 1,000 characters,
/// and none when blank.
pub fn optional_note(text: Option<&str>, code: &'static str, what: &str) -> ApiResult<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    super::refuse_nul(text, code, what)?;
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::invalid(code, format!("{what} can be at most {MAX_NOTE_CHARS} characters.")));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_revoked_before_it_is_expired_and_usable_until_its_end() {
        let now = Timestamp(1_000);
        assert_eq!(LinkState::of(Some(1_000), None, now), LinkState::Expired);
        assert_eq!(LinkState::of(Some(1_001), None, now), LinkState::Usable);
        assert_eq!(LinkState::of(Some(10), Some(5), now), LinkState::Revoked);
        assert_eq!(LinkState::of(None, None, now), LinkState::Usable);
    }

    #[test]
    fn lifetimes_run_from_one_to_ninety_days() {
        assert!(Lifetime::parse(0).is_err());
        assert!(Lifetime::parse(91).is_err());
        assert_eq!(Lifetime::parse(1).map(|days| days.ends(Timestamp(0)).0).ok(), Some(86_400_000));
    }
}
