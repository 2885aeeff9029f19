//! Members reporting a post, a chat message or another member, and seeing
//! whether their reports have been dealt with (never what was done).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rooms::readable_message;
use crate::auth::Member;
use crate::db::queue::{self, ItemSubject, Pressure, ReportRow};
use crate::db::{AnyConnection, chat, users};
use crate::discussion::context::{PostInContext, post_in_context};
use crate::domain::moderation::{ContentState, ReportReason, Subject, parse_free_text};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker::Note;
use crate::moderate::actions;
use crate::moderate::subjects::Content;
use crate::safeguarding::{self, Risk};
use crate::safety::{limits, participation};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/reports").route(web::post().to(file)))
        .service(web::resource("/me/reports").route(web::get().to(mine)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportDraft {
    /// Exactly one of `post_id`, `message_id` and `member` (a username).
    post_id: Option<i64>,
    message_id: Option<i64>,
    member: Option<String>,
    reason: ReportReason,
    /// Up to 2,000 characters; may be empty.
    #[serde(default)]
    details: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReportView {
    id: i64,
    subject: Subject,
    subject_id: i64,
    reason: ReportReason,
    created_at: Timestamp,
    /// `open` until a moderator has dealt with it, then `resolved`.
    status: &'static str,
}

fn report_view(row: ReportRow) -> ApiResult<ReportView> {
    Ok(ReportView {
        id: row.id,
        subject: Subject::from_stored(&row.subject_kind)?,
        subject_id: row.subject_id,
        reason: ReportReason::from_stored(&row.reason)?,
        created_at: Timestamp(row.created_at),
        status: if row.resolved_at.is_some() { "resolved" } else { "open" },
    })
}

/// What is being reported, if the reporter may see it.
fn reported_subject(connection: &mut AnyConnection, member: &Member, draft: &ReportDraft) -> ApiResult<ItemSubject> {
    match (draft.post_id, draft.message_id, &draft.member) {
        (Some(post_id), None, None) => {
            let PostInContext { post, community_id, .. } = post_in_context(connection, post_id, member)?;
            Ok(ItemSubject {
                kind: Subject::Post,
                id: post.id,
                community_id: Some(community_id),
                author_id: post.author_id,
            })
        }
        (None, Some(message_id), None) => {
            let message = readable_message(connection, message_id, member)?;
            let community_id = chat::room(connection, message.room_id)?.community_id;
            Ok(ItemSubject {
                kind: Subject::Message,
                id: message.id,
                community_id: Some(community_id),
                author_id: message.author_id,
            })
        }
        (None, None, Some(username)) => {
            let user_id = users::id_by_username(connection, username)?;
            Ok(ItemSubject { kind: Subject::Member, id: user_id, community_id: None, author_id: user_id })
        }
        _ => Err(ApiError::invalid("invalid_target", "Report exactly one of post_id, message_id or member.")),
    }
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "moderation", request_body = ReportDraft,
    description = "Report a post, chat message or member to the moderators: once per item, up to the daily limit.",
    responses((status = 201, body = ReportView), (status = 409, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn file(state: web::Data<AppState>, member: Member, body: web::Json<ReportDraft>) -> ApiResult<HttpResponse> {
    let draft = body.into_inner();
    let details = parse_free_text(&draft.details, "Report details", 0)?;
    let shared = state.clone();
    let (view, raised, live_notes) = state
        .db
        .write(move |connection| {
            participation::ensure_active(connection, member.user_id)?;
            limits::reporting(connection, &shared.settings, member.user_id)?;
            let subject = reported_subject(connection, &member, &draft)?;
            if subject.author_id == member.user_id {
                return Err(ApiError::invalid("own_content", "You can't report yourself or what you wrote."));
            }
            let pressure = Pressure {
                urgent: draft.reason.is_urgent(),
                reports: 1,
                weight: draft.reason.weight(),
                ..Pressure::default()
            };
            let raised = safeguarding::raise(connection, &shared, subject, pressure, Risk::Reported)?;
            let row = queue::file_report(
                connection,
                raised.item_id,
                member.user_id,
                subject.kind,
                subject.id,
                draft.reason,
                &details,
            )?;
            let hidden = hide_if_many_reported(connection, &shared, subject, raised.item_id)?;
            Ok((report_view(row)?, raised, hidden))
        })
        .await?;
    state.deliver_alert(Some(raised));
    for note in &live_notes {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::Created().json(view))
}

/// The safety net while volunteers sleep: content that `auto_hide_reports`
/// members reported within `auto_hide_minutes`, while its item is unclaimed
/// (any moderator's action closes the item, so none has acted), is hidden
/// pending review; returns what live clients must be told.
fn hide_if_many_reported(
    connection: &mut AnyConnection,
    state: &AppState,
    subject: ItemSubject,
    item_id: i64,
) -> ApiResult<Vec<Note>> {
    let (needed, minutes) = (state.settings.auto_hide_reports, state.settings.auto_hide_minutes);
    let (post_id, message_id) = match subject.kind {
        Subject::Post => (Some(subject.id), None),
        Subject::Message => (None, Some(subject.id)),
        Subject::Thread | Subject::Member | Subject::DirectoryEntry => return Ok(Vec::new()),
    };
    if needed == 0 {
        return Ok(Vec::new());
    }
    let item = queue::by_id(connection, item_id)?;
    if item.claimant(Timestamp::now()).is_some() {
        return Ok(Vec::new());
    }
    let since = Timestamp::now().0 - i64::from(minutes) * 60_000;
    let reporters = queue::reporters_since(connection, item_id, since)?;
    if reporters < i64::from(needed) {
        return Ok(Vec::new());
    }
    let content = Content::load(connection, post_id, message_id)?;
    if content.state()? != ContentState::Visible {
        return Ok(Vec::new());
    }
    Ok(actions::hide_for_review(connection, &content, reporters, minutes, state.hub.process_id)?.live)
}

#[utoipa::path(get, path = "/api/v1/me/reports", tag = "moderation",
    description = "Your reports, newest first, and whether each has been dealt with.",
    responses((status = 200, body = Vec<ReportView>)))]
pub async fn mine(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<ReportView>>> {
    let rows = state.db.read(move |connection| queue::reports_by(connection, member.user_id, 200)).await?;
    Ok(web::Json(rows.into_iter().map(report_view).collect::<ApiResult<_>>()?))
}
