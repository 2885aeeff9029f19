//! The words of moderation: what can be reported and why, the states a
//! post or message can be in, the sanctions on a member, and the actions
//! the moderation log records.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use crate::error::ApiError;

/// What a queue item, report or log row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Post,
    Message,
    Thread,
    Member,
    /// A directory entry due for review (see `directory_review_months`).
    DirectoryEntry,
}

text_enum!(Subject {
    Post => "post",
    Message => "message",
    Thread => "thread",
    Member => "member",
    DirectoryEntry => "directory_entry",
});

/// Why a member reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Harassment,
    Misinformation,
    RiskOfHarm,
    /// "I'm worried about this person": an urgent safeguarding item.
    WorriedAboutPerson,
    Other,
}

text_enum!(ReportReason {
    Spam => "spam",
    Harassment => "harassment",
    Misinformation => "misinformation",
    RiskOfHarm => "risk_of_harm",
    WorriedAboutPerson => "worried_about_person",
    Other => "other",
});

impl ReportReason {
    /// How much one report of this kind moves an item up the queue.
    pub fn weight(self) -> i32 {
        match self {
            Self::RiskOfHarm | Self::WorriedAboutPerson => 5,
            Self::Harassment => 3,
            Self::Misinformation | Self::Spam => 2,
            Self::Other => 1,
        }
    }

    /// Whether it goes to the top of the queue and to the safeguarding lead.
    pub fn is_urgent(self) -> bool {
        matches!(self, Self::RiskOfHarm | Self::WorriedAboutPerson)
    }
}

/// Where a post or chat message stands with the moderators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentState {
    /// Shown to everyone who may read it.
    Visible,
    /// Waiting for a moderator's approval: shown only to its author and moderators.
    Held,
    /// Taken down for now: a placeholder for others, its author told why.
    Hidden,
    /// Taken down for good (until restored): a placeholder, its author told why.
    Removed,
}

text_enum!(ContentState { Visible => "visible", Held => "held", Hidden => "hidden", Removed => "removed" });

impl ContentState {
    /// Whether members other than its author and the moderators see it.
    pub fn is_public(self) -> bool {
        self == Self::Visible
    }
}

/// A sanction on a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// A recorded warning; it limits nothing.
    Warning,
    /// May read but not post, react or chat (in a community or one room).
    Mute,
    /// May not take part anywhere on the instance until it ends.
    Suspension,
    /// Out of a community, or of the instance, until lifted.
    Ban,
}

text_enum!(SanctionKind { Warning => "warning", Mute => "mute", Suspension => "suspension", Ban => "ban" });

/// Every row of the moderation log has one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LogAction {
    Approve,
    Hide,
    Remove,
    Restore,
    Edit,
    Lock,
    Unlock,
    Pin,
    Unpin,
    Move,
    /// A new title for a thread (its old one is kept in the log).
    Retitle,
    Warn,
    Mute,
    Suspend,
    Ban,
    Lift,
    Dismiss,
    /// Puts approved content back in the queue (reverses `approve`).
    Hold,
    /// Reopens a dismissed item (reverses `dismiss` and the supportive outcomes).
    Reopen,
    /// Supportive outcomes of an urgent (crisis) item, each closing it:
    /// a safeguarding lead reached out to the member,
    ReachedOut,
    /// asked the emergency services to help,
    EscalatedToEmergencyServices,
    /// or found no risk on review.
    NoRiskOnReview,
}

text_enum!(LogAction {
    Approve => "approve",
    Hide => "hide",
    Remove => "remove",
    Restore => "restore",
    Edit => "edit",
    Lock => "lock",
    Unlock => "unlock",
    Pin => "pin",
    Unpin => "unpin",
    Move => "move",
    Retitle => "retitle",
    Warn => "warn",
    Mute => "mute",
    Suspend => "suspend",
    Ban => "ban",
    Lift => "lift",
    Dismiss => "dismiss",
    Hold => "hold",
    Reopen => "reopen",
    ReachedOut => "reached_out",
    EscalatedToEmergencyServices => "escalated_to_emergency_services",
    NoRiskOnReview => "no_risk_on_review",
});

impl LogAction {
    /// The outcomes offered on an urgent item instead of warnings and mutes.
    pub const SUPPORTIVE: [LogAction; 3] =
        [LogAction::ReachedOut, LogAction::EscalatedToEmergencyServices, LogAction::NoRiskOnReview];
}

/// What became of an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    Open,
    /// The action stands.
    Upheld,
    /// The action was reversed.
    Overturned,
}

text_enum!(AppealStatus { Open => "open", Upheld => "upheld", Overturned => "overturned" });

/// A moderator's reason for an action: shown to the member, so required.
pub fn parse_reason(text: &str) -> Result<String, ApiError> {
    super::checked_text(text, "invalid_reason", "A reason", 3, 500)
}

/// A report's, note's or appeal's free text.
pub fn parse_free_text(text: &str, what: &str, min: usize) -> Result<String, ApiError> {
    let trimmed = text.trim();
    if !(min..=2000).contains(&trimmed.chars().count()) {
        return Err(ApiError::invalid(
            "invalid_text",
            format!("{what} must be between {min} and 2000 characters long."),
        ));
    }
    super::refuse_nul(trimmed, "invalid_text", what)?;
    Ok(trimmed.to_owned())
}
