//! Private support conversations: a safeguarding lead opens one with the
//! author of an urgent item; the member and the safeguarding leads for the
//! community write in it, and each side hears of new messages in the inbox
//! and live (the `notification` frame, kind `support_message`).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::support::{self, ConversationRow, MessageListing};
use crate::db::{AnyConnection, communities, queue, safeguarding, users};
use crate::domain::chat::ChatBody;
use crate::domain::discussion::render;
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::notify;
use crate::policy;
use crate::state::AppState;

/// Messages a conversation shows at most (the latest).
const SHOWN_MESSAGES: i64 = 200;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/support-conversations").route(web::get().to(list)).route(web::post().to(open)))
        .service(web::resource("/support-conversations/{id}").route(web::get().to(show)))
        .service(web::resource("/support-conversations/{id}/messages").route(web::post().to(write)));
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
}

fn message_view(member_id: i64, (row, author, author_display_name): MessageListing) -> SupportMessageView {
    SupportMessageView {
        id: row.id,
        author,
        author_display_name,
        from_lead: row.author_id != member_id,
        body_html: row.body_html,
        created_at: Timestamp(row.created_at),
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
        messages: messages.into_iter().map(|listing| message_view(row.member_id, listing)).collect(),
    })
}

/// The conversation, if `member` may read it.
fn readable(connection: &mut AnyConnection, member: &Member, id: i64) -> ApiResult<ConversationRow> {
    let row = support::by_id(connection, id)?;
    let leads_it = safeguarding::is_lead_for(connection, member, row.community_id)?;
    policy::support_conversation(member.user_id, row.member_id, leads_it)?;
    Ok(row)
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
            let row = readable(connection, &member, id)?;
            view(connection, row, true)
        })
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(post, path = "/api/v1/support-conversations/{id}/messages", tag = "safeguarding",
    params(("id" = i64, Path, description = "The conversation's id.")),
    request_body = MessageDraft,
    description = "Write in a support conversation; the other side hears of it in the inbox and live.",
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
    let (view, note) = state
        .db
        .write(move |connection| {
            let row = readable(connection, &member, id)?;
            let message = support::add_message(connection, row.id, member.user_id, body.as_str(), &html)?;
            let mut told = safeguarding::leads_for(connection, row.community_id)?;
            told.push(row.member_id);
            told.retain(|user_id| *user_id != member.user_id);
            told.sort_unstable();
            told.dedup();
            notify::tell_each(connection, &told, NotificationKind::SupportMessage, row.id, Some(member.user_id))?;
            let note = notify::announce(connection, told, origin)?;
            let listing = (message, member.username.clone(), member.display_name.clone());
            Ok((message_view(row.member_id, listing), note))
        })
        .await?;
    if let Some(note) = &note {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::Created().json(view))
}
