//! The badges an admin grants so members can tell who speaks for whom:
//! staff of the hosting organisation, a clinician (with their profession),
//! a partner organisation (named), a link worker, a peer supporter. A
//! member's badges are kept as one JSON list on their account.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};

/// Longest profession or organisation name.
pub const MAX_DETAIL_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BadgeKind {
    /// Staff of the organisation hosting this instance.
    Staff,
    /// A clinician; the detail is their profession.
    Clinician,
    /// A partner organisation; the detail is its name.
    Partner,
    LinkWorker,
    PeerSupporter,
}

impl BadgeKind {
    pub fn parse(text: &str) -> ApiResult<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
            ApiError::not_found("There is no such badge: staff, clinician, partner, link_worker or peer_supporter.")
        })
    }

    /// What the detail names, for a kind that needs one.
    fn detail_needed(self) -> Option<&'static str> {
        match self {
            Self::Clinician => Some("the profession"),
            Self::Partner => Some("the organisation's name"),
            Self::Staff | Self::LinkWorker | Self::PeerSupporter => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Staff => "Staff",
            Self::Clinician => "Clinician",
            Self::Partner => "Partner",
            Self::LinkWorker => "Link worker",
            Self::PeerSupporter => "Peer supporter",
        }
    }
}

/// One granted badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Badge {
    pub kind: BadgeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Badge {
    /// A badge of `kind`: a clinician needs a profession and a partner an
    /// organisation's name (1 to 80 characters); the others take none.
    pub fn parse(kind: BadgeKind, detail: Option<&str>) -> ApiResult<Self> {
        let detail = detail.map(str::trim).filter(|detail| !detail.is_empty());
        match (kind.detail_needed(), detail) {
            (Some(what), None) => Err(ApiError::invalid("badge_detail_required", format!("Enter {what}."))),
            (None, Some(_)) => Err(ApiError::invalid("badge_detail_unexpected", "This badge takes no detail.")),
            (None, None) => Ok(Self { kind, detail: None }),
            (Some(what), Some(text)) => {
                let checked = super::checked_text(text, "invalid_badge_detail", "The detail", 1, MAX_DETAIL_CHARS)
                    .map_err(|_| {
                        ApiError::invalid(
                            "invalid_badge_detail",
                            format!("Enter {what} in 1 to {MAX_DETAIL_CHARS} characters, with no hidden characters."),
                        )
                    })?;
                Ok(Self { kind, detail: Some(checked) })
            }
        }
    }

    /// How it reads beside a name: "Clinician: Nurse", "Link worker".
    pub fn label(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{}: {detail}", self.kind.name()),
            None => self.kind.name().to_owned(),
        }
    }
}

/// A badge as the API shows it beside a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BadgeView {
    pub kind: BadgeKind,
    /// The profession or organisation, for those kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// How it reads: "Clinician: Nurse".
    pub label: String,
}

/// The badges stored on an account (unreadable JSON reads as none).
pub fn stored(json: &str) -> Vec<Badge> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The stored badges as the API shows them.
pub fn views(json: &str) -> Vec<BadgeView> {
    stored(json)
        .into_iter()
        .map(|badge| BadgeView { label: badge.label(), kind: badge.kind, detail: badge.detail })
        .collect()
}

/// `badges` with `badge` in place of any of its kind, in kind order.
pub fn with(mut badges: Vec<Badge>, badge: Badge) -> Vec<Badge> {
    badges.retain(|each| each.kind != badge.kind);
    badges.push(badge);
    badges.sort_by_key(|each| each.kind as u8);
    badges
}

/// The JSON kept on the account.
pub fn to_json(badges: &[Badge]) -> String {
    serde_json::to_string(badges).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clinician_needs_a_profession_and_a_link_worker_takes_none() {
        assert!(Badge::parse(BadgeKind::Clinician, None).is_err());
        assert!(Badge::parse(BadgeKind::LinkWorker, Some("x")).is_err());
        assert!(Badge::parse(BadgeKind::Partner, Some(&"x".repeat(81))).is_err());
        let nurse = Badge::parse(BadgeKind::Clinician, Some(" Nurse ")).expect("valid");
        assert_eq!(nurse.label(), "Clinician: Nurse");
        let both = with(vec![nurse], Badge::parse(BadgeKind::Staff, None).expect("valid"));
        assert_eq!(
            views(&to_json(&both)).iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
            ["Staff", "Clinician: Nurse"]
        );
    }
}
