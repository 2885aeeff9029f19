//! Every moderation action: who may take it (one `policy` check each), what
//! it changes, the log row it writes in the same transaction, and how it is
//! reversed. A reversal is itself logged, pointing at what it reverses.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::subjects::{self, Content};
use crate::auth::Member;
use crate::auth::session;
use crate::db::communities as community_store;
use crate::db::moderation_log::{self, Entry, LogRow};
use crate::db::posts as post_store;
use crate::db::sanctions::{self, NewSanction};
use crate::db::threads as thread_store;
use crate::db::{AnyConnection, chat, directory, queue, safeguarding, users};
use crate::discussion::draft::PostDraft;
use crate::domain::community::CommunityRole;
use crate::domain::discussion::parse_title;
use crate::domain::moderation::{ContentState, LogAction, SanctionKind, Subject, parse_reason};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker::{self, Note};
use crate::notify;
use crate::policy::{self, Authority, ModerationAction};

/// Longest timed sanction: a year, in minutes.
pub const MAX_MINUTES: u32 = 525_600;

/// One action, as a moderator asks for it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Publish held content.
    Approve {
        post_id: Option<i64>,
        message_id: Option<i64>,
        reason: Option<String>,
    },
    /// Take content down while it is looked into.
    Hide {
        post_id: Option<i64>,
        message_id: Option<i64>,
        reason: String,
    },
    /// Take content down.
    Remove {
        post_id: Option<i64>,
        message_id: Option<i64>,
        reason: String,
    },
    /// Show hidden or removed content again.
    Restore {
        post_id: Option<i64>,
        message_id: Option<i64>,
        reason: String,
    },
    /// Change a post's text; the original is kept as a revision.
    Edit {
        post_id: i64,
        body: String,
        reason: String,
    },
    Lock {
        thread_id: i64,
        reason: String,
    },
    Unlock {
        thread_id: i64,
        reason: String,
    },
    Pin {
        thread_id: i64,
        reason: String,
    },
    Unpin {
        thread_id: i64,
        reason: String,
    },
    /// Move a thread to another community (its slug).
    Move {
        thread_id: i64,
        to_community: String,
        reason: String,
    },
    /// Give a thread a new title (3 to 200 characters), for one that harms or exposes someone.
    Retitle {
        thread_id: i64,
        title: String,
        reason: String,
    },
    /// A recorded warning, in a community (its slug) or instance-wide.
    /// `item_id`: the queue item it is taken from, if any; an urgent one refuses it.
    Warn {
        member: String,
        community: Option<String>,
        item_id: Option<i64>,
        reason: String,
    },
    /// No posting, reacting or chatting in a community, or in one of its rooms, for `minutes`.
    /// `item_id`: the queue item it is taken from, if any; an urgent one refuses it.
    Mute {
        member: String,
        community: String,
        room_id: Option<i64>,
        item_id: Option<i64>,
        minutes: u32,
        reason: String,
    },
    /// No taking part anywhere on the instance for `minutes`.
    Suspend {
        member: String,
        minutes: u32,
        reason: String,
    },
    /// Out of a community (or the instance), for `minutes` or until lifted.
    Ban {
        member: String,
        community: Option<String>,
        minutes: Option<u32>,
        reason: String,
    },
    /// Close a queue item without acting on its subject.
    Dismiss {
        item_id: i64,
        reason: String,
    },
    /// On an urgent (crisis) item: a safeguarding lead reached out to the member. Closes the item.
    ReachedOut {
        item_id: i64,
        reason: String,
    },
    /// On an urgent item: the emergency services were asked to help. Closes the item.
    EscalatedToEmergencyServices {
        item_id: i64,
        reason: String,
    },
    /// On an urgent item: no risk found on review. Closes the item.
    NoRiskOnReview {
        item_id: i64,
        reason: String,
    },
}

/// What an action did: its log row, and what live clients must be told
/// once the transaction commits.
pub struct Applied {
    pub log: LogRow,
    pub live: Vec<Note>,
    /// Members the action already notified (reporters, and those who hear
    /// of content it approved).
    told: Vec<i64>,
}

impl Applied {
    fn logged(log: LogRow) -> Self {
        Self { log, live: Vec::new(), told: Vec::new() }
    }
}

/// Checks, applies and logs one action, in the caller's transaction, and
/// notifies whoever it concerns.
pub fn apply(connection: &mut AnyConnection, actor: &Member, command: Command, origin: u64) -> ApiResult<Applied> {
    let applied = take(connection, actor, command, origin)?;
    tell(connection, applied, origin)
}

/// Notifies the member an action concerns, and announces everyone it told.
fn tell(connection: &mut AnyConnection, mut applied: Applied, origin: u64) -> ApiResult<Applied> {
    let mut told = std::mem::take(&mut applied.told);
    told.extend(notify::moderation::action_logged(connection, &applied.log)?);
    applied.live.extend(notify::announce(connection, told, origin)?);
    Ok(applied)
}

fn take(connection: &mut AnyConnection, actor: &Member, command: Command, origin: u64) -> ApiResult<Applied> {
    match command {
        Command::Approve { post_id, message_id, reason } => {
            let content = Content::load(connection, post_id, message_id)?;
            let reason = reason.map(|reason| parse_reason(&reason)).transpose()?.unwrap_or_default();
            change_content(connection, actor, &content, LogAction::Approve, ContentState::Visible, &reason, origin)
        }
        Command::Hide { post_id, message_id, reason } => {
            let content = Content::load(connection, post_id, message_id)?;
            change_content(
                connection,
                actor,
                &content,
                LogAction::Hide,
                ContentState::Hidden,
                &parse_reason(&reason)?,
                origin,
            )
        }
        Command::Remove { post_id, message_id, reason } => {
            let content = Content::load(connection, post_id, message_id)?;
            change_content(
                connection,
                actor,
                &content,
                LogAction::Remove,
                ContentState::Removed,
                &parse_reason(&reason)?,
                origin,
            )
        }
        Command::Restore { post_id, message_id, reason } => {
            let content = Content::load(connection, post_id, message_id)?;
            change_content(
                connection,
                actor,
                &content,
                LogAction::Restore,
                ContentState::Visible,
                &parse_reason(&reason)?,
                origin,
            )
        }
        Command::Edit { post_id, body, reason } => {
            edit_post(connection, actor, post_id, body, &parse_reason(&reason)?, None)
        }
        Command::Lock { thread_id, reason } => {
            thread_flag(connection, actor, thread_id, LogAction::Lock, &parse_reason(&reason)?, None)
        }
        Command::Unlock { thread_id, reason } => {
            thread_flag(connection, actor, thread_id, LogAction::Unlock, &parse_reason(&reason)?, None)
        }
        Command::Pin { thread_id, reason } => {
            thread_flag(connection, actor, thread_id, LogAction::Pin, &parse_reason(&reason)?, None)
        }
        Command::Unpin { thread_id, reason } => {
            thread_flag(connection, actor, thread_id, LogAction::Unpin, &parse_reason(&reason)?, None)
        }
        Command::Move { thread_id, to_community, reason } => {
            let destination = community_store::by_slug(connection, &to_community)?;
            move_thread(connection, actor, thread_id, destination.id, &parse_reason(&reason)?, None)
        }
        Command::Retitle { thread_id, title, reason } => {
            retitle(connection, actor, thread_id, &parse_title(&title)?, &parse_reason(&reason)?, None)
        }
        Command::Warn { member, community, item_id, reason } => {
            let community_id =
                community.map(|slug| community_store::by_slug(connection, &slug)).transpose()?.map(|row| row.id);
            refuse_on_urgent_item(connection, item_id)?;
            let sanction = Sanction { kind: SanctionKind::Warning, community_id, room_id: None, minutes: None };
            sanction.impose(connection, actor, &member, &parse_reason(&reason)?, origin)
        }
        Command::Mute { member, community, room_id, item_id, minutes, reason } => {
            refuse_on_urgent_item(connection, item_id)?;
            let community_id = community_store::by_slug(connection, &community)?.id;
            if let Some(room_id) = room_id
                && chat::room(connection, room_id)?.community_id != community_id
            {
                return Err(ApiError::invalid("invalid_room", "That room is not in this community."));
            }
            let sanction = Sanction {
                kind: SanctionKind::Mute,
                community_id: Some(community_id),
                room_id,
                minutes: Some(minutes),
            };
            sanction.impose(connection, actor, &member, &parse_reason(&reason)?, origin)
        }
        Command::Suspend { member, minutes, reason } => {
            let sanction =
                Sanction { kind: SanctionKind::Suspension, community_id: None, room_id: None, minutes: Some(minutes) };
            sanction.impose(connection, actor, &member, &parse_reason(&reason)?, origin)
        }
        Command::Ban { member, community, minutes, reason } => {
            let community_id =
                community.map(|slug| community_store::by_slug(connection, &slug)).transpose()?.map(|row| row.id);
            let sanction = Sanction { kind: SanctionKind::Ban, community_id, room_id: None, minutes };
            sanction.impose(connection, actor, &member, &parse_reason(&reason)?, origin)
        }
        Command::Dismiss { item_id, reason } => {
            close_item(connection, actor, item_id, LogAction::Dismiss, &parse_reason(&reason)?)
        }
        Command::ReachedOut { item_id, reason } => {
            close_item(connection, actor, item_id, LogAction::ReachedOut, &parse_reason(&reason)?)
        }
        Command::EscalatedToEmergencyServices { item_id, reason } => {
            let reason = parse_reason(&reason)?;
            close_item(connection, actor, item_id, LogAction::EscalatedToEmergencyServices, &reason)
        }
        Command::NoRiskOnReview { item_id, reason } => {
            close_item(connection, actor, item_id, LogAction::NoRiskOnReview, &parse_reason(&reason)?)
        }
    }
}

/// The authority of `actor` in a community (or instance-wide for `None`).
pub fn authority_in(connection: &mut AnyConnection, actor: &Member, community_id: Option<i64>) -> ApiResult<Authority> {
    let standing = community_id.map(|id| community_store::standing(connection, id, Some(actor))).transpose()?;
    let authority = Authority::of(actor, standing);
    let leads_here = match community_id {
        Some(id) if authority == Authority::Member => safeguarding::leads_community(connection, id, actor.user_id)?,
        _ => false,
    };
    Ok(authority.leading_here(leads_here))
}

/// What taking `action` requires (and reversing it).
pub fn required_for(action: LogAction, community_id: Option<i64>) -> ModerationAction {
    use LogAction::*;
    match action {
        Approve | Hide | Dismiss | Hold | Reopen | Warn => ModerationAction::Review,
        ReachedOut | EscalatedToEmergencyServices | NoRiskOnReview => ModerationAction::Review,
        Remove | Restore | Edit => ModerationAction::Remove,
        Lock | Unlock | Pin | Unpin | Move | Retitle => ModerationAction::ManageThreads,
        Mute | Lift => ModerationAction::RestrictInCommunity,
        Ban if community_id.is_some() => ModerationAction::RestrictInCommunity,
        Suspend | Ban => ModerationAction::RunInstance,
    }
}

fn allow(
    connection: &mut AnyConnection,
    actor: &Member,
    action: ModerationAction,
    community_id: Option<i64>,
) -> ApiResult<()> {
    policy::moderation(action, authority_in(connection, actor, community_id)?)
}

fn change_content(
    connection: &mut AnyConnection,
    actor: &Member,
    content: &Content,
    action: LogAction,
    to: ContentState,
    reason: &str,
    origin: u64,
) -> ApiResult<Applied> {
    let community_id = content.community_id();
    let from = content.state()?;
    // Restoring removed content needs the power to remove it.
    let required = if action == LogAction::Restore && from == ContentState::Removed {
        ModerationAction::Remove
    } else {
        required_for(action, Some(community_id))
    };
    allow(connection, actor, required, Some(community_id))?;
    policy::own_case(actor, required, Some(content.author_id()))?;
    // Only someone who may act learns what state the content is in.
    match action {
        LogAction::Approve if from != ContentState::Held => {
            return Err(ApiError::conflict("not_held", "That is not waiting for approval."));
        }
        LogAction::Restore if !matches!(from, ContentState::Hidden | ContentState::Removed) => {
            return Err(ApiError::conflict("not_taken_down", "That is not hidden or removed."));
        }
        _ if from == to => return Err(ApiError::conflict("no_change", "That is already so.")),
        _ => {}
    }
    set_content_state(connection, actor, content, action, from, to, reason, origin, None)
}

/// Changes content's state and logs it; `reverses` names the entry this undoes.
#[allow(clippy::too_many_arguments)]
fn set_content_state(
    connection: &mut AnyConnection,
    actor: &Member,
    content: &Content,
    action: LogAction,
    from: ContentState,
    to: ContentState,
    reason: &str,
    origin: u64,
    reverses: Option<i64>,
) -> ApiResult<Applied> {
    content.set_state(connection, to, (!to.is_public()).then_some(reason))?;
    let reports = queue::resolve_open(connection, content.subject(), content.id(), actor.user_id, action.as_str())?;
    let mut told = notify::moderation::reports_resolved(connection, &reports, actor.user_id)?;
    // Held content told nobody when it was written: it does now.
    if from == ContentState::Held && to == ContentState::Visible {
        told.extend(match content {
            Content::Post { row, .. } => notify::content::posts_published(connection, &[row.id])?,
            Content::Message { row, .. } => notify::content::message_published(connection, row.id)?,
        });
    }
    let log = moderation_log::record(
        connection,
        Entry {
            actor_id: actor.user_id,
            action,
            community_id: Some(content.community_id()),
            subject: content.subject(),
            subject_id: content.id(),
            target_user_id: Some(content.author_id()),
            reason,
            details: json!({ "from": from, "to": to }),
            reverses_id: reverses,
        },
    )?;
    // The room's clients see a message disappear, or appear once approved.
    let live = match content {
        Content::Message { row, .. } => {
            let (room, id, seq) = (row.room_id, row.id, row.seq);
            match (from.is_public(), to.is_public()) {
                (true, false) => vec![Note::Deleted { room, id, seq, origin }],
                (false, true) => vec![Note::Shown { room, id, seq, origin }],
                _ => Vec::new(),
            }
        }
        Content::Post { .. } => Vec::new(),
    };
    for note in &live {
        broker::notify(connection, note)?;
    }
    Ok(Applied { log, live, told })
}

fn edit_post(
    connection: &mut AnyConnection,
    actor: &Member,
    post_id: i64,
    body: String,
    reason: &str,
    reverses: Option<i64>,
) -> ApiResult<Applied> {
    let post = post_store::by_id(connection, post_id)?;
    let thread = thread_store::by_id(connection, post.thread_id)?;
    allow(connection, actor, ModerationAction::Remove, Some(thread.community_id))?;
    policy::own_case(actor, ModerationAction::Remove, Some(post.author_id))?;
    let warning = post
        .content_warning
        .clone()
        .map(|label| crate::domain::discussion::ContentWarning { label, note: post.content_warning_note.clone() });
    let content = PostDraft { body, content_warning: warning }.parse()?;
    post_store::edit(connection, &post, actor.user_id, content)?;
    crate::discussion::heads::refresh(connection, crate::db::posts::Which::Post(post.id))?;
    let log = moderation_log::record(
        connection,
        Entry {
            actor_id: actor.user_id,
            action: LogAction::Edit,
            community_id: Some(thread.community_id),
            subject: Subject::Post,
            subject_id: post.id,
            target_user_id: Some(post.author_id),
            reason,
            details: json!({ "previous_body": post.body }),
            reverses_id: reverses,
        },
    )?;
    Ok(Applied::logged(log))
}

fn thread_flag(
    connection: &mut AnyConnection,
    actor: &Member,
    thread_id: i64,
    action: LogAction,
    reason: &str,
    reverses: Option<i64>,
) -> ApiResult<Applied> {
    let thread = thread_store::by_id(connection, thread_id)?;
    allow(connection, actor, ModerationAction::ManageThreads, Some(thread.community_id))?;
    let (flag, on) = match action {
        LogAction::Lock => (thread_store::Flag::Locked, true),
        LogAction::Unlock => (thread_store::Flag::Locked, false),
        LogAction::Pin => (thread_store::Flag::Pinned, true),
        _ => (thread_store::Flag::Pinned, false),
    };
    if !thread_store::set_flag(connection, thread_id, flag, on)? {
        return Err(ApiError::conflict("no_change", "That thread is already so."));
    }
    let log = log_thread(connection, actor, &thread, action, reason, json!({}), reverses)?;
    Ok(Applied::logged(log))
}

fn move_thread(
    connection: &mut AnyConnection,
    actor: &Member,
    thread_id: i64,
    to: i64,
    reason: &str,
    reverses: Option<i64>,
) -> ApiResult<Applied> {
    let thread = thread_store::by_id(connection, thread_id)?;
    allow(connection, actor, ModerationAction::ManageThreads, Some(thread.community_id))?;
    allow(connection, actor, ModerationAction::ManageThreads, Some(to))?;
    if thread.community_id == to {
        return Err(ApiError::conflict("no_change", "The thread is already in that community."));
    }
    thread_store::move_to(connection, thread_id, to)?;
    subjects::move_thread_items(connection, thread_id, to)?;
    let details = json!({ "from": thread.community_id, "to": to });
    let log = log_thread(connection, actor, &thread, LogAction::Move, reason, details, reverses)?;
    Ok(Applied::logged(log))
}

fn retitle(
    connection: &mut AnyConnection,
    actor: &Member,
    thread_id: i64,
    title: &str,
    reason: &str,
    reverses: Option<i64>,
) -> ApiResult<Applied> {
    let thread = thread_store::by_id(connection, thread_id)?;
    allow(connection, actor, ModerationAction::ManageThreads, Some(thread.community_id))?;
    if thread.title == title {
        return Err(ApiError::conflict("no_change", "The thread already has that title."));
    }
    thread_store::retitle(connection, thread_id, title)?;
    let details = json!({ "previous_title": thread.title, "title": title });
    let log = log_thread(connection, actor, &thread, LogAction::Retitle, reason, details, reverses)?;
    Ok(Applied::logged(log))
}

fn log_thread(
    connection: &mut AnyConnection,
    actor: &Member,
    thread: &thread_store::ThreadRow,
    action: LogAction,
    reason: &str,
    details: serde_json::Value,
    reverses: Option<i64>,
) -> ApiResult<LogRow> {
    moderation_log::record(
        connection,
        Entry {
            actor_id: actor.user_id,
            action,
            community_id: Some(thread.community_id),
            subject: Subject::Thread,
            subject_id: thread.id,
            target_user_id: Some(thread.author_id),
            reason,
            details,
            reverses_id: reverses,
        },
    )
}

/// An urgent (crisis) item offers supportive outcomes: a warning or a mute
/// taken from one is refused.
fn refuse_on_urgent_item(connection: &mut AnyConnection, item_id: Option<i64>) -> ApiResult<()> {
    match item_id {
        Some(id) if queue::by_id(connection, id)?.urgent => Err(ApiError::conflict(
            "member_may_be_at_risk",
            "This is an urgent safeguarding item: choose a supportive outcome. Warnings and mutes are not used \
             on someone who may be at risk.",
        )),
        _ => Ok(()),
    }
}

/// How a member to be sanctioned stands where the sanction applies (a
/// community, or the instance for `None`).
fn target_standing(
    connection: &mut AnyConnection,
    community_id: Option<i64>,
    target: i64,
) -> ApiResult<policy::Standing> {
    Ok(match community_id {
        Some(community_id) => community_store::standings_in(connection, community_id, &[target])?
            .remove(&target)
            .ok_or_else(|| ApiError::not_found("We couldn't find that member."))?,
        None => policy::Standing { is_admin: users::is_admin(connection, target)?, role: None },
    })
}

/// The sanctions beyond warnings and mutes that `actor` may impose on
/// `target` from an item in `community_id`, as the same checks an imposed
/// sanction passes decide: `ban` (from the community, or from the instance
/// for an item in none) and `suspend` (instance-wide, which also means a
/// ban from the instance may be chosen).
pub fn sanctions_offered(
    connection: &mut AnyConnection,
    actor: &Member,
    community_id: Option<i64>,
    target: i64,
) -> ApiResult<Vec<&'static str>> {
    let mut offered = Vec::new();
    if target == actor.user_id {
        return Ok(offered);
    }
    let may = |connection: &mut AnyConnection, action: LogAction, community_id: Option<i64>| -> ApiResult<bool> {
        Ok(allow(connection, actor, required_for(action, community_id), community_id).is_ok()
            && policy::sanction(actor, target_standing(connection, community_id, target)?).is_ok())
    };
    if may(connection, LogAction::Ban, community_id)? {
        offered.push("ban");
    }
    if may(connection, LogAction::Suspend, None)? {
        offered.push("suspend");
    }
    Ok(offered)
}

/// A sanction about to be imposed.
struct Sanction {
    kind: SanctionKind,
    community_id: Option<i64>,
    room_id: Option<i64>,
    minutes: Option<u32>,
}

impl Sanction {
    fn log_action(&self) -> LogAction {
        match self.kind {
            SanctionKind::Warning => LogAction::Warn,
            SanctionKind::Mute => LogAction::Mute,
            SanctionKind::Suspension => LogAction::Suspend,
            SanctionKind::Ban => LogAction::Ban,
        }
    }

    fn impose(
        self,
        connection: &mut AnyConnection,
        actor: &Member,
        username: &str,
        reason: &str,
        origin: u64,
    ) -> ApiResult<Applied> {
        let action = self.log_action();
        allow(connection, actor, required_for(action, self.community_id), self.community_id)?;
        let target = users::id_by_username(connection, username)?;
        if target == actor.user_id {
            return Err(ApiError::invalid("cannot_sanction_self", "You can't take this action on yourself."));
        }
        let standing = target_standing(connection, self.community_id, target)?;
        policy::sanction(actor, standing)?;
        let ends_at = match self.minutes {
            Some(minutes) if (1..=MAX_MINUTES).contains(&minutes) => {
                Some(Timestamp::now().plus_seconds(u64::from(minutes) * 60))
            }
            Some(_) => {
                return Err(ApiError::invalid("invalid_duration", "A timed sanction lasts from 1 minute to a year."));
            }
            None => None,
        };
        let sanction_id = sanctions::impose(
            connection,
            NewSanction {
                user_id: target,
                kind: self.kind,
                community_id: self.community_id,
                room_id: self.room_id,
                reason,
                ends_at,
                created_by: actor.user_id,
            },
        )?;
        // A community ban takes the member out; the log keeps their role, so
        // lifting the ban puts it back.
        let live = match (self.kind, self.community_id) {
            (SanctionKind::Ban, Some(community_id)) => {
                community_store::leave(connection, community_id, target)?;
                vec![broker::membership_changed(connection, target, origin)?]
            }
            (SanctionKind::Ban, None) => vec![session::end(connection, target, session::Which::All, origin)?],
            _ => Vec::new(),
        };
        let log = moderation_log::record(
            connection,
            Entry {
                actor_id: actor.user_id,
                action,
                community_id: self.community_id,
                subject: Subject::Member,
                subject_id: target,
                target_user_id: Some(target),
                reason,
                details: json!({
                    "sanction_id": sanction_id,
                    "room_id": self.room_id,
                    "ends_at": ends_at.map(|at| at.0),
                    "role": standing.role.map(CommunityRole::as_str),
                }),
                reverses_id: None,
            },
        )?;
        Ok(Applied { log, live, told: Vec::new() })
    }
}

/// Closes a queue item without acting on its subject: a dismissal, or one
/// of the supportive outcomes, which only an urgent item takes. A
/// supportive outcome is a safeguarding record, not an action on the
/// member: it names no target, so it neither notifies them nor appears in
/// their own log (the item, its subject and the lead who acted are kept).
fn close_item(
    connection: &mut AnyConnection,
    actor: &Member,
    item_id: i64,
    action: LogAction,
    reason: &str,
) -> ApiResult<Applied> {
    let item = queue::by_id(connection, item_id)?;
    allow(connection, actor, ModerationAction::Review, item.community_id)?;
    policy::own_case(actor, ModerationAction::Review, Some(item.subject_author_id))?;
    let supportive = LogAction::SUPPORTIVE.contains(&action);
    if supportive && !item.urgent {
        return Err(ApiError::conflict(
            "not_urgent",
            "Supportive outcomes are for urgent safeguarding items; dismiss this one or act on its content.",
        ));
    }
    let subject = item.subject()?;
    if subject == Subject::DirectoryEntry {
        policy::review_directory(Some(actor), directory::place_of(connection, item.community_id, Some(actor))?)?;
    }
    // Dismissing a directory entry's review item says it is still right.
    if subject == Subject::DirectoryEntry && action == LogAction::Dismiss {
        directory::mark_reviewed(connection, item.subject_id, actor.user_id)?;
    }
    let reports = match subject {
        Subject::DirectoryEntry if action == LogAction::Dismiss => Vec::new(),
        _ => queue::resolve(connection, item.id, actor.user_id, action.as_str())?,
    };
    let told = notify::moderation::reports_resolved(connection, &reports, actor.user_id)?;
    let log = moderation_log::record(
        connection,
        Entry {
            actor_id: actor.user_id,
            action,
            community_id: item.community_id,
            subject,
            subject_id: item.subject_id,
            // An entry's review item is Kindred's own: no member is its target.
            target_user_id: (!supportive && subject != Subject::DirectoryEntry).then_some(item.subject_author_id),
            reason,
            details: json!({ "item_id": item.id }),
            reverses_id: None,
        },
    )?;
    Ok(Applied { told, ..Applied::logged(log) })
}

/// Hides content that `reporters` members reported within `minutes` while
/// no moderator had it, pending review: logged as done by the automatic
/// account, the item left open for a moderator, its author told.
pub fn hide_for_review(
    connection: &mut AnyConnection,
    content: &Content,
    reporters: i64,
    minutes: u32,
    origin: u64,
) -> ApiResult<Applied> {
    let automatic = users::automatic_id(connection)?;
    let reason = format!(
        "Hidden automatically: {reporters} members reported it within {minutes} minutes. A moderator will review it."
    );
    content.set_state(connection, ContentState::Hidden, Some(&reason))?;
    let log = moderation_log::record(
        connection,
        Entry {
            actor_id: automatic,
            action: LogAction::Hide,
            community_id: Some(content.community_id()),
            subject: content.subject(),
            subject_id: content.id(),
            target_user_id: Some(content.author_id()),
            reason: &reason,
            details: json!({ "from": ContentState::Visible, "to": ContentState::Hidden, "reports": reporters }),
            reverses_id: None,
        },
    )?;
    let live = match content {
        Content::Message { row, .. } => vec![Note::Deleted { room: row.room_id, id: row.id, seq: row.seq, origin }],
        Content::Post { .. } => Vec::new(),
    };
    for note in &live {
        broker::notify(connection, note)?;
    }
    tell(connection, Applied { log, live, told: Vec::new() }, origin)
}

/// Reverses a logged action, logging the reversal, and notifies whoever it
/// concerns. A reversal is not itself reversed (take a new action instead),
/// and nothing is reversed twice.
pub fn reverse(
    connection: &mut AnyConnection,
    actor: &Member,
    log_id: i64,
    reason: &str,
    origin: u64,
) -> ApiResult<Applied> {
    let applied = undo(connection, actor, log_id, reason, origin)?;
    tell(connection, applied, origin)
}

fn undo(connection: &mut AnyConnection, actor: &Member, log_id: i64, reason: &str, origin: u64) -> ApiResult<Applied> {
    let entry = moderation_log::by_id(connection, log_id)?;
    let action = entry.action()?;
    let required = required_for(action, entry.community_id);
    allow(connection, actor, required, entry.community_id)?;
    policy::own_case(actor, required, entry.target_user_id)?;
    if entry.reverses_id.is_some() {
        return Err(ApiError::conflict(
            "is_a_reversal",
            "This entry already reverses another; take a new action instead.",
        ));
    }
    if moderation_log::is_reversed(connection, entry.id)? {
        return Err(ApiError::conflict("already_reversed", "This action has already been reversed."));
    }
    let details = entry.details()?;
    let reverses = Some(entry.id);
    use LogAction::*;
    match action {
        Approve | Hide | Remove | Restore => {
            let content = match entry.subject()? {
                Subject::Post => Content::load(connection, Some(entry.subject_id), None)?,
                _ => Content::load(connection, None, Some(entry.subject_id))?,
            };
            let back: ContentState = serde_json::from_value(details["from"].clone()).map_err(ApiError::internal)?;
            let undo = match back {
                ContentState::Held => Hold,
                ContentState::Hidden => Hide,
                ContentState::Removed => Remove,
                ContentState::Visible => Restore,
            };
            let from = content.state()?;
            set_content_state(connection, actor, &content, undo, from, back, reason, origin, reverses)
        }
        Edit => {
            let body = details["previous_body"].as_str().ok_or_else(|| ApiError::internal("edit without a body"))?;
            edit_post(connection, actor, entry.subject_id, body.to_owned(), reason, reverses)
        }
        Lock => thread_flag(connection, actor, entry.subject_id, Unlock, reason, reverses),
        Unlock => thread_flag(connection, actor, entry.subject_id, Lock, reason, reverses),
        Pin => thread_flag(connection, actor, entry.subject_id, Unpin, reason, reverses),
        Unpin => thread_flag(connection, actor, entry.subject_id, Pin, reason, reverses),
        Move => {
            let from = details["from"].as_i64().ok_or_else(|| ApiError::internal("move without a source"))?;
            move_thread(connection, actor, entry.subject_id, from, reason, reverses)
        }
        Retitle => {
            let title =
                details["previous_title"].as_str().ok_or_else(|| ApiError::internal("retitle without a title"))?;
            retitle(connection, actor, entry.subject_id, title, reason, reverses)
        }
        Warn | Mute | Suspend | Ban => {
            let sanction_id =
                details["sanction_id"].as_i64().ok_or_else(|| ApiError::internal("sanction id missing"))?;
            sanctions::lift(connection, sanction_id, actor.user_id)?;
            let mut live = Vec::new();
            if let (Ban, Some(community_id), Some(user_id)) = (action, entry.community_id, entry.target_user_id)
                && restore_membership(connection, community_id, user_id, &details)?
            {
                live.push(broker::membership_changed(connection, user_id, origin)?);
            }
            let log = moderation_log::record(
                connection,
                Entry {
                    actor_id: actor.user_id,
                    action: Lift,
                    community_id: entry.community_id,
                    subject: Subject::Member,
                    subject_id: entry.subject_id,
                    target_user_id: entry.target_user_id,
                    reason,
                    details: json!({ "sanction_id": sanction_id }),
                    reverses_id: reverses,
                },
            )?;
            Ok(Applied { live, ..Applied::logged(log) })
        }
        Dismiss | ReachedOut | EscalatedToEmergencyServices | NoRiskOnReview => {
            let item_id = details["item_id"].as_i64().ok_or_else(|| ApiError::internal("item id missing"))?;
            queue::reopen(connection, item_id)?;
            let log = moderation_log::record(
                connection,
                Entry {
                    actor_id: actor.user_id,
                    action: Reopen,
                    community_id: entry.community_id,
                    subject: entry.subject()?,
                    subject_id: entry.subject_id,
                    target_user_id: entry.target_user_id,
                    reason,
                    details: json!({ "item_id": item_id }),
                    reverses_id: reverses,
                },
            )?;
            Ok(Applied::logged(log))
        }
        Lift | Hold | Reopen => {
            Err(ApiError::conflict("is_a_reversal", "This entry already reverses another; take a new action instead."))
        }
    }
}

/// After a community ban is lifted, gives the member back the role the ban
/// took (recorded in its log entry), unless another ban there still stands;
/// true when it did.
fn restore_membership(
    connection: &mut AnyConnection,
    community_id: i64,
    user_id: i64,
    details: &serde_json::Value,
) -> ApiResult<bool> {
    let Some(role) = details["role"].as_str().map(CommunityRole::from_stored).transpose()? else {
        return Ok(false);
    };
    let still_banned = sanctions::in_force(connection, user_id)?
        .into_iter()
        .any(|row| row.kind == SanctionKind::Ban.as_str() && row.community_id.is_none_or(|id| id == community_id));
    let restore = !still_banned && community_store::role_of(connection, community_id, user_id)?.is_none();
    if restore {
        community_store::set_role(connection, community_id, user_id, role)?;
    }
    Ok(restore)
}

/// Lifts a member's mutes in one room, each as the reversal of its logged
/// mute; returns what live clients must be told.
pub fn lift_room_mutes(
    connection: &mut AnyConnection,
    actor: &Member,
    user_id: i64,
    room_id: i64,
    origin: u64,
) -> ApiResult<Vec<Note>> {
    let mutes: Vec<i64> = sanctions::in_force(connection, user_id)?
        .into_iter()
        .filter(|row| row.kind == SanctionKind::Mute.as_str() && row.room_id == Some(room_id))
        .map(|row| row.id)
        .collect();
    let entries = moderation_log::entries(connection, &moderation_log::LogScope::Target(user_id), None, 1000)?;
    let mut live = Vec::new();
    for entry in entries {
        let sanction = entry.details()?["sanction_id"].as_i64();
        if entry.reverses_id.is_none() && sanction.is_some_and(|id| mutes.contains(&id)) {
            live.extend(reverse(connection, actor, entry.id, "Unmuted in this room by a moderator.", origin)?.live);
        }
    }
    Ok(live)
}
