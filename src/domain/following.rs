//! The words of following and notifications: how closely a member follows a
//! thread or community, the kinds of notification, and the `@username`
//! mentions found in a text.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::key_of;
use super::community::text_enum;
use crate::error::ApiError;

/// How closely a member follows a thread or community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowLevel {
    /// Every new post.
    Watching,
    /// Replies to the member and mentions of them (what everyone gets).
    Normal,
    /// Nothing, not even replies and mentions.
    Muted,
}

text_enum!(FollowLevel { Watching => "watching", Normal => "normal", Muted => "muted" });

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Replies to the member's posts, grouped per thread.
    Reply,
    /// `@username` in a post (grouped per thread) or a chat message (per room).
    Mention,
    /// New posts in a watched thread or community, grouped per thread.
    NewPost,
    /// A report the member filed was dealt with.
    ReportResolved,
    /// A moderator acted on the member's content or account.
    Moderation,
    /// An urgent item is waiting for a safeguarding lead.
    SafeguardingAlert,
    /// An urgent item waited too long unclaimed (told to admins).
    SafeguardingEscalation,
    /// A new message in a private support conversation.
    SupportMessage,
    /// Members asked to join a community the member decides requests in, grouped per community.
    JoinRequest,
    /// A moderator accepted or refused the member's request to join.
    JoinDecided,
    /// The organisation responded to a consultation answer the member wrote
    /// or supported, grouped per consultation.
    ConsultationResponse,
    /// A place came free at an event the member was waiting for, and is theirs.
    EventPlaceOffered,
    /// An event the member was going to (or waiting for) was cancelled.
    EventCancelled,
    /// An event the member is going to starts within a day, or within the hour.
    EventReminder,
    /// A goal the member pledged to reached a quarter of its target, grouped per goal.
    GoalMilestone,
}

text_enum!(NotificationKind {
    Reply => "reply",
    Mention => "mention",
    NewPost => "new_post",
    ReportResolved => "report_resolved",
    Moderation => "moderation",
    SafeguardingAlert => "safeguarding_alert",
    SafeguardingEscalation => "safeguarding_escalation",
    SupportMessage => "support_message",
    JoinRequest => "join_request",
    JoinDecided => "join_decided",
    ConsultationResponse => "consultation_response",
    EventPlaceOffered => "event_place_offered",
    EventCancelled => "event_cancelled",
    EventReminder => "event_reminder",
    GoalMilestone => "goal_milestone",
});

impl NotificationKind {
    /// The kinds whose subject is an event.
    pub const OF_EVENTS: [NotificationKind; 3] =
        [NotificationKind::EventPlaceOffered, NotificationKind::EventCancelled, NotificationKind::EventReminder];
}

/// The most mentions in one text that notify anyone; the rest are just text.
pub const MAX_NOTIFIED_MENTIONS: usize = 20;

/// The usernames mentioned in `text` (by [`moderation::mention::scan`], the
/// grammar the rendered links follow too), lower-cased, each once, in order.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for mention in moderation::mention::scan(text) {
        let name = key_of(mention.name);
        if !found.contains(&name) {
            found.push(name);
            if found.len() == MAX_NOTIFIED_MENTIONS {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_names_after_an_at_sign_and_never_addresses() {
        assert_eq!(mentions("thanks @Sam and (@jo_2), mail me at me@example.org"), vec!["sam", "jo_2"]);
        assert_eq!(mentions("@sam @SAM @sam-"), vec!["sam"]);
        assert!(mentions("@ alone, @ab too short, a@b.c").is_empty());
    }

    #[test]
    fn only_so_many_mentions_notify() {
        let text: String = (0..50).map(|n| format!("@member{n} ")).collect();
        assert_eq!(mentions(&text).len(), MAX_NOTIFIED_MENTIONS);
    }
}
