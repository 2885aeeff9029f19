//! A notification as its member sees it: the one view the inbox answers
//! with and the live `notification` frame carries.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::notifications::{self, NotificationRow};
use crate::db::{AnyConnection, communities, events, goals, moderation_log, queue, users};
use crate::discussion::view::AuthorView;
use crate::domain::following::NotificationKind;
use crate::domain::moderation::LogAction;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    id: i64,
    kind: NotificationKind,
    /// Events in this line (replies, mentions, new posts) while it was unread.
    count: i32,
    read: bool,
    /// One line to show, e.g. "12 new replies to you in “Breathing exercises”."
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread: Option<ThreadRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<RoomRef>,
    /// The community's slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    community: Option<String>,
    /// The first post of the line, where to start reading.
    #[serde(skip_serializing_if = "Option::is_none")]
    post_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<i64>,
    /// The moderation log entry (see `/api/v1/me/moderation`).
    #[serde(skip_serializing_if = "Option::is_none")]
    log_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_id: Option<i64>,
    /// The private support conversation (`/api/v1/support-conversations/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_id: Option<i64>,
    /// The consultation (`/api/v1/consultations/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    consultation_id: Option<i64>,
    /// The urgent moderation queue item (`/api/v1/moderation/items/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    item_id: Option<i64>,
    /// The event (`/api/v1/events/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<i64>,
    /// The goal (`/api/v1/goals/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    goal_id: Option<i64>,
    /// Who wrote the latest post or message of the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    actor: Option<AuthorView>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadRef {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoomRef {
    pub id: i64,
    pub name: String,
}

/// A notification as its member sees it.
pub fn of(connection: &mut AnyConnection, row: NotificationRow) -> ApiResult<NotificationView> {
    let kind = row.kind()?;
    let place = notifications::place_of(connection, &row)?;
    let actor = row
        .actor_id
        .map(|id| users::names_of(connection, id))
        .transpose()?
        .map(|(username, display_name)| AuthorView::named(username, display_name));
    let name = actor.as_ref().map_or("Someone", |actor| actor.display_name.as_str());
    let (count, subject) = (row.count, row.subject_id);
    let at = match (&place.thread, &place.room) {
        (Some((_, title)), _) => format!("“{title}”"),
        (None, Some((_, room))) => format!("the chat room “{room}”"),
        (None, None) => String::from("a conversation"),
    };
    let mut ids = (None, None, None, None);
    let mut item = None;
    let mut conversation_id = None;
    let mut consultation_id = None;
    let mut joining = None;
    let mut event_id = None;
    let mut goal_id = None;
    let summary = match kind {
        NotificationKind::Reply if count == 1 => format!("{name} replied to you in {at}."),
        NotificationKind::Reply => format!("{count} new replies to you in {at}."),
        NotificationKind::Mention if count == 1 => format!("{name} mentioned you in {at}."),
        NotificationKind::Mention => format!("{count} new mentions of you in {at}."),
        NotificationKind::NewPost if count == 1 => format!("A new post in {at}."),
        NotificationKind::NewPost => format!("{count} new posts in {at}."),
        NotificationKind::ReportResolved => {
            ids.3 = Some(subject);
            String::from("A moderator dealt with your report. Thank you for making it.")
        }
        NotificationKind::Moderation => {
            ids.2 = Some(subject);
            let entry = moderation_log::by_id(connection, subject)?;
            let who = if entry.actor_id == users::automatic_id(connection)? { "Kindred" } else { "A moderator" };
            format!("{who} {}. Reason: {}", what_was_done(entry.action()?, &entry.subject_kind), entry.reason)
        }
        NotificationKind::SafeguardingAlert => {
            item = Some(queue::by_id(connection, subject)?);
            String::from("An urgent safeguarding item is waiting. Please open it and claim it.")
        }
        NotificationKind::SafeguardingEscalation => {
            item = Some(queue::by_id(connection, subject)?);
            String::from("An urgent safeguarding item has not been claimed in time. Please make sure someone has it.")
        }
        NotificationKind::SupportMessage => {
            conversation_id = Some(subject);
            if count == 1 {
                format!("{name} wrote in your private support conversation.")
            } else {
                format!("{count} new messages in your private support conversation.")
            }
        }
        NotificationKind::JoinRequest => {
            let community = communities::by_id(connection, subject)?;
            let summary = if count == 1 {
                format!("{name} asked to join {}.", community.name)
            } else {
                format!("{count} people asked to join {}.", community.name)
            };
            joining = Some(community.slug);
            summary
        }
        NotificationKind::ConsultationResponse => {
            consultation_id = Some(subject);
            if count == 1 {
                format!("The organisation responded to an answer you wrote or supported in {at}.")
            } else {
                format!("{count} responses to answers you wrote or supported in {at}.")
            }
        }
        NotificationKind::JoinDecided => {
            let (slug, community, accepted, message) = communities::join_decision(connection, subject)?;
            joining = Some(slug);
            let outcome = if accepted { "accepted: welcome" } else { "not accepted" };
            match message {
                Some(message) => {
                    format!("Your request to join {community} was {outcome}. The moderator wrote: {message}")
                }
                None => format!("Your request to join {community} was {outcome}."),
            }
        }
        NotificationKind::EventPlaceOffered | NotificationKind::EventCancelled | NotificationKind::EventReminder => {
            let event = events::by_id(connection, subject)?;
            event_id = Some(subject);
            joining = Some(communities::by_id(connection, event.row.community_id)?.slug);
            let when = format!("{} ({})", event.row.starts_local.replace('T', " at "), event.row.time_zone);
            let title = event.row.title;
            match kind {
                NotificationKind::EventPlaceOffered => {
                    format!("A place came free at “{title}” on {when}, and it is yours: you are going.")
                }
                NotificationKind::EventCancelled => format!("“{title}” on {when} is cancelled."),
                _ => format!("Coming up: “{title}” starts {when}."),
            }
        }
        NotificationKind::GoalMilestone => {
            let goal = goals::by_id(connection, subject)?;
            goal_id = Some(subject);
            joining = Some(communities::by_id(connection, goal.community_id)?.slug);
            let title = goal.title;
            match goal.milestone {
                4 => format!("“{title}” reached its target of {} {}. Thank you!", goal.target, goal.unit),
                quarter => format!("“{title}” is {}% of the way to {} {}.", quarter * 25, goal.target, goal.unit),
            }
        }
    };
    let community = match item.as_ref().and_then(|item| item.community_id) {
        Some(id) => Some(communities::by_id(connection, id)?.slug),
        None => joining.or(place.community),
    };
    if matches!(kind, NotificationKind::Reply | NotificationKind::Mention | NotificationKind::NewPost) {
        if place.room.is_some() { ids.1 = Some(subject) } else { ids.0 = Some(subject) }
    }
    Ok(NotificationView {
        id: row.id,
        kind,
        count,
        read: row.read_at.is_some(),
        summary,
        thread: place.thread.map(|(id, title)| ThreadRef { id, title }),
        room: place.room.map(|(id, name)| RoomRef { id, name }),
        community,
        post_id: ids.0,
        message_id: ids.1,
        log_id: ids.2,
        report_id: ids.3,
        item_id: item.map(|item| item.id),
        conversation_id,
        consultation_id,
        event_id,
        goal_id,
        actor,
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
    })
}

/// "removed your post", "muted you", …
fn what_was_done(action: LogAction, subject_kind: &str) -> String {
    let yours = match subject_kind {
        "message" => "your chat message",
        "thread" => "your thread",
        _ => "your post",
    };
    use LogAction::*;
    match action {
        Approve => format!("approved {yours}"),
        Hide => format!("hid {yours}"),
        Remove => format!("removed {yours}"),
        Restore => format!("restored {yours}"),
        Edit => format!("edited {yours}"),
        Hold => format!("put {yours} back for review"),
        Lock => format!("locked {yours}"),
        Unlock => format!("unlocked {yours}"),
        Pin => format!("pinned {yours}"),
        Unpin => format!("unpinned {yours}"),
        Move => format!("moved {yours}"),
        Retitle => format!("retitled {yours}"),
        Warn => String::from("warned you"),
        Mute => String::from("muted you"),
        Suspend => String::from("suspended your account"),
        Ban => String::from("banned you"),
        Lift => String::from("lifted a restriction on you"),
        Dismiss | Reopen | ReachedOut | EscalatedToEmergencyServices | NoRiskOnReview => {
            String::from("reviewed a report")
        }
    }
}

/// The member's newest notification and their unread count, for the live frame.
pub fn latest(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<(NotificationView, i64)>> {
    let Some(row) = notifications::page(connection, user_id, None, 1)?.pop() else { return Ok(None) };
    let unread = notifications::unread_count(connection, user_id)?;
    Ok(Some((of(connection, row)?, unread)))
}
