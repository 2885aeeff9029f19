//! Private support conversations: a safeguarding lead opens one with the
//! author of an urgent item; the member and the safeguarding leads for the
//! community write in it, and each side hears of new messages in the inbox
//! and live (the `notification` frame, kind `support_message`).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use moderation::crisis::RiskLevel;
use serde_json::json;

use crate::auth::Member;
use crate::db::queue::{FLAGGED_WEIGHT, ItemSubject, Pressure};
use crate::db::support::{self, ConversationRow, MessageListing};
use crate::db::{AnyConnection, communities, queue, safeguarding, users};
use crate::domain::chat::ChatBody;
use crate::domain::discussion::render;
use crate::domain::following::NotificationKind;
use crate::domain::moderation::Subject;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::notify;
use crate::policy;
use crate::safeguarding::{Raised, Risk};
use crate::state::AppState;
use crate::views::support::Support;

/// Messages a conversation shows at most (the latest).
const SHOWN_MESSAGES: i64 = 200;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/support-conversations").route(web::get().to(list)).route(web::post().to(open)))
        .service(web::resource("/support-conversations/{id}").route(web::get().to(show)))
        .service(web::resource("/support-conversations/{id}/messages").route(web::post().to(write)))
        .service(web::resource("/support-conversations/{id}/close").route(web::post().to(close)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDraft {
    /// The urgent queue item whose author the conversation is with.
    item_id: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageDraft {
    /// 1 to 2,000 characters of Markdown.
    body: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationView {
    id: i64,
    /// The member the conversation is with (a username).
    member: String,
    /// The community's slug.
    community: Option<String>,
    opened_at: Timestamp,
    /// When a safeguarding lead closed it (the case is done); the next
    /// message, from either side, opens it again.
    closed_at: Option<Timestamp>,
    /// Oldest first: the latest 200.
    messages: Vec<SupportMessageView>,
}

#[derive(Serialize, ToSchema)]
pub struct SupportMessageView {
    id: i64,
    author: String,
    author_display_name: String,
    /// Written by a safeguarding lead rather than the member.
    from_lead: bool,
    body_html: String,
    created_at: Timestamp,
    /// To the member, when what they just wrote suggests they may be at
    /// risk: helplines, and whether a lead was alerted.
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<Support>,
}

fn message_view(member_id: i64, (row, author, author_display_name): MessageListing) -> SupportMessageView {
    SupportMessageView {
        id: row.id,
        author,
        author_display_name,
        from_lead: row.author_id != member_id,
        body_html: row.body_html,
        created_at: Timestamp(row.created_at),
        support: None,
    }
}

fn view(connection: &mut AnyConnection, row: ConversationRow, with_messages: bool) -> ApiResult<ConversationView> {
    let member = users::names_of(connection, row.member_id)?.0;
    let community = row.community_id.map(|id| communities::by_id(connection, id)).transpose()?.map(|c| c.slug);
    let messages = if with_messages { support::messages_of(connection, row.id, SHOWN_MESSAGES)? } else { Vec::new() };
    Ok(ConversationView {
        id: row.id,
        member,
        community,
        opened_at: Timestamp(row.opened_at),
        closed_at: row.closed_at.map(Timestamp),
        messages: messages.into_iter().map(|listing| message_view(row.member_id, listing)).collect(),
    })
}

/// The conversation, if `member` may read it, and whether they lead it.
fn readable(connection: &mut AnyConnection, member: &Member, id: i64) -> ApiResult<(ConversationRow, bool)> {
    let row = support::by_id(connection, id)?;
    let leads_it = safeguarding::is_lead_for(connection, member, row.community_id)?;
    policy::support_conversation(member.user_id, row.member_id, leads_it)?;
    Ok((row, leads_it))
}

#[utoipa::path(post, path = "/api/v1/support-conversations", tag = "safeguarding", request_body = OpenDraft,
    description = "Open a private support conversation with the author of an urgent item (the community's \
safeguarding leads); the member's open one for that community is returned if there is one.",
    responses((status = 201, body = ConversationView), (status = 200, body = ConversationView),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn open(state: web::Data<AppState>, member: Member, body: web::Json<OpenDraft>) -> ApiResult<HttpResponse> {
    let item_id = body.item_id;
    let (view, new) = state
        .db
        .write(move |connection| {
            let item = queue::by_id(connection, item_id)?;
            policy::open_support_conversation(safeguarding::is_lead_for(connection, &member, item.community_id)?)?;
            let (row, new) =
                support::open(connection, item.subject_author_id, item.community_id, item.id, member.user_id)?;
            Ok((view(connection, row, true)?, new))
        })
        .await?;
    Ok(if new { HttpResponse::Created() } else { HttpResponse::Ok() }.json(view))
}

#[utoipa::path(get, path = "/api/v1/support-conversations", tag = "safeguarding",
    description = "Your support conversations: those with you, and as a safeguarding lead those in your communities.",
    responses((status = 200, body = Vec<ConversationView>)))]
pub async fn list(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<ConversationView>>> {
    let views = state
        .db
        .read(move |connection| {
            let led = if member.is_safeguarding_lead {
                None
            } else {
                Some(safeguarding::communities_led_by(connection, member.user_id)?)
            };
            let rows = support::visible_to(connection, member.user_id, led.as_deref())?;
            rows.into_iter().map(|row| view(connection, row, false)).collect()
        })
        .await?;
    Ok(web::Json(views))
}

#[utoipa::path(get, path = "/api/v1/support-conversations/{id}", tag = "safeguarding",
    params(("id" = i64, Path, description = "The conversation's id.")),
    description = "One support conversation with its latest messages; for its member and the safeguarding leads only.",
    responses((status = 200, body = ConversationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn show(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ConversationView>> {
    let id = id.into_inner();
    let view = state
        .db
        .read(move |connection| {
            let (row, _) = readable(connection, &member, id)?;
            view(connection, row, true)
        })
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(post, path = "/api/v1/support-conversations/{id}/messages", tag = "safeguarding",
    params(("id" = i64, Path, description = "The conversation's id.")),
    request_body = MessageDraft,
    description = "Write in a support conversation; the other side hears of it in the inbox and live. What the \
member writes is screened: words that suggest a crisis raise an urgent item about them (every safeguarding lead \
for the community is alerted, as for a crisis post), and the answer carries helplines.",
    responses((status = 201, body = SupportMessageView), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn write(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<MessageDraft>,
) -> ApiResult<HttpResponse> {
    let body = ChatBody::parse(body.into_inner().body)?;
    let html = render(body.as_str())?.html;
    let id = id.into_inner();
    let origin = state.hub.process_id;
    let risk = state.safety.crisis.screen(body.as_str()).risk;
    let shared = state.clone();
    let (view, note, raised) = state
        .db
        .write(move |connection| {
            let (row, _) = readable(connection, &member, id)?;
            let message = support::add_message(connection, row.id, member.user_id, body.as_str(), &html)?;
            let from_member = row.member_id == member.user_id;
            let raised = match risk.filter(|_| from_member) {
                Some(level) => Some(raise_about(connection, &shared, &row, level)?),
                None => None,
            };
            let mut told = safeguarding::leads_for(connection, row.community_id)?;
            told.push(row.member_id);
            told.retain(|user_id| *user_id != member.user_id);
            told.sort_unstable();
            told.dedup();
            notify::tell_each(connection, &told, NotificationKind::SupportMessage, row.id, Some(member.user_id))?;
            let note = notify::announce(connection, told, origin)?;
            let listing = (message, member.username.clone(), member.display_name.clone());
            let mut view = message_view(row.member_id, listing);
            view.support = raised.as_ref().map(|raised| shared.safety.support_after(raised));
            Ok((view, note, raised))
        })
        .await?;
    if let Some(note) = &note {
        state.hub.deliver(note);
    }
    state.deliver_alert(raised);
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(post, path = "/api/v1/support-conversations/{id}/close", tag = "safeguarding",
    params(("id" = i64, Path, description = "The conversation's id.")),
    description = "Close a support conversation when the case is done (safeguarding leads only). It leaves the \
open list; the next message, from either side, opens it again, so the member can always write to the team.",
    responses((status = 200, body = ConversationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn close(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db
        .write_unseen(move |connection| {
            let (row, leads_it) = readable(connection, &member, id)?;
            policy::close_support_conversation(leads_it)?;
            support::close(connection, row.id, member.user_id)?;
            let closed = support::by_id(connection, row.id)?;
            view(connection, closed, true)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Raises an urgent item about the member of a support conversation whose
/// words screened as a crisis, alerting the community's safeguarding leads
/// (who may not be reading the conversation at that hour).
fn raise_about(
    connection: &mut AnyConnection,
    state: &AppState,
    row: &ConversationRow,
    level: RiskLevel,
) -> ApiResult<Raised> {
    let subject = ItemSubject {
        kind: Subject::Member,
        id: row.member_id,
        community_id: row.community_id,
        author_id: row.member_id,
    };
    let screening = json!({ "crisis": level, "support_conversation": row.id }).to_string();
    let pressure =
        Pressure { urgent: true, held: false, screening: Some(screening), reports: 0, weight: FLAGGED_WEIGHT };
    crate::safeguarding::raise(connection, state, subject, pressure, Risk::of(Some(level)))
}
