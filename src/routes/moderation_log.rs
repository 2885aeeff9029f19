//! Reading the moderation log (admins all of it, moderators their
//! communities', members what was done to their content and account),
//! exporting it, and appeals against its entries.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::moderation::{community_slugs, moderated_communities};
use super::threads::page_limit;
use crate::auth::Member;
use crate::db::communities as community_store;
use crate::db::moderation_log::{self, AppealRow, LogRow, LogScope};
use crate::db::{AnyConnection, users};
use crate::domain::moderation::{AppealStatus, LogAction, Subject, parse_free_text, parse_reason};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::moderate::actions::{self, authority_in, required_for};
use crate::policy::{self, ModerationAction};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/moderation/log").route(web::get().to(log_page)))
        .service(web::resource("/moderation/log/export").route(web::get().to(export)))
        .service(web::resource("/me/moderation").route(web::get().to(mine)))
        .service(web::resource("/appeals").route(web::post().to(appeal)))
        .service(web::resource("/moderation/appeals").route(web::get().to(open_appeals)))
        .service(web::resource("/appeals/{id}/decision").route(web::post().to(decide)));
}

#[derive(Serialize, ToSchema)]
pub struct LogEntryView {
    id: i64,
    action: LogAction,
    /// Who acted; shown to moderators only.
    actor: Option<String>,
    community: Option<String>,
    subject: Subject,
    subject_id: i64,
    /// The member whose content or account it was.
    member: Option<String>,
    reason: String,
    /// What the action changed (moderators only).
    details: Option<serde_json::Value>,
    /// When a timed sanction ends.
    ends_at: Option<Timestamp>,
    /// The entry this one reverses.
    reverses: Option<i64>,
    created_at: Timestamp,
}

/// Log rows as a reader sees them: moderators with who acted and the details.
pub fn entry_views(
    connection: &mut AnyConnection,
    rows: Vec<LogRow>,
    for_moderators: bool,
) -> ApiResult<Vec<LogEntryView>> {
    let mut people: Vec<i64> = rows.iter().map(|row| row.actor_id).collect();
    people.extend(rows.iter().filter_map(|row| row.target_user_id));
    let names = users::usernames(connection, &people)?;
    let slugs = community_slugs(connection)?;
    rows.into_iter()
        .map(|row| {
            let details = row.details()?;
            Ok(LogEntryView {
                id: row.id,
                action: row.action()?,
                actor: for_moderators.then(|| names.get(&row.actor_id).cloned()).flatten(),
                community: row.community_id.and_then(|id| slugs.get(&id).cloned()),
                subject: row.subject()?,
                subject_id: row.subject_id,
                member: row.target_user_id.and_then(|id| names.get(&id).cloned()),
                reason: row.reason,
                ends_at: details["ends_at"].as_i64().map(Timestamp),
                details: for_moderators.then_some(details),
                reverses: row.reverses_id,
                created_at: Timestamp(row.created_at),
            })
        })
        .collect()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// One community's entries (its slug).
    community: Option<String>,
    /// Entries older than this id (from the previous page's `next_before`).
    before: Option<i64>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct LogPage {
    entries: Vec<LogEntryView>,
    next_before: Option<i64>,
}

/// What part of the log a member may read, narrowed to one community when asked.
fn log_scope(connection: &mut AnyConnection, member: &Member, community: Option<&str>) -> ApiResult<LogScope> {
    if let Some(slug) = community {
        let community_id = community_store::by_slug(connection, slug)?.id;
        policy::moderation(ModerationAction::Review, authority_in(connection, member, Some(community_id))?)?;
        return Ok(LogScope::Communities(vec![community_id]));
    }
    match moderated_communities(connection, member)? {
        None => Ok(LogScope::Everything),
        Some(ids) if ids.is_empty() => Err(ApiError::forbidden("Only moderators can read the moderation log.")),
        Some(ids) => Ok(LogScope::Communities(ids)),
    }
}

#[utoipa::path(get, path = "/api/v1/moderation/log", tag = "moderation", params(LogQuery),
    description = "The moderation log, newest first: all of it for admins, your communities' for moderators.",
    responses((status = 200, body = LogPage), (status = 403, body = crate::error::ErrorBody)))]
pub async fn log_page(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<LogQuery>,
) -> ApiResult<web::Json<LogPage>> {
    let LogQuery { community, before, limit } = query.into_inner();
    let limit = page_limit(limit)?;
    let entries = state
        .db
        .read(move |connection| {
            let scope = log_scope(connection, &member, community.as_deref())?;
            let rows = moderation_log::entries(connection, &scope, before, limit)?;
            entry_views(connection, rows, true)
        })
        .await?;
    let next_before = (entries.len() as i64 == limit).then(|| entries.last().map(|entry| entry.id)).flatten();
    Ok(web::Json(LogPage { entries, next_before }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    community: Option<String>,
}

/// Entries per read while exporting, so no one read holds the database long.
const EXPORT_BATCH: i64 = 1000;

#[utoipa::path(get, path = "/api/v1/moderation/log/export", tag = "moderation", params(ExportQuery),
    description = "The whole log you may read, as one JSON document to download.",
    responses((status = 200, body = Vec<LogEntryView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn export(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let community = query.into_inner().community;
    let scope = {
        let member = member.clone();
        state.db.read(move |connection| log_scope(connection, &member, community.as_deref())).await?
    };
    let mut entries = Vec::new();
    let mut before = None;
    loop {
        let scope = scope.clone();
        let batch = state
            .db
            .read(move |connection| {
                let rows = moderation_log::entries(connection, &scope, before, EXPORT_BATCH)?;
                entry_views(connection, rows, true)
            })
            .await?;
        let full = batch.len() as i64 == EXPORT_BATCH;
        before = batch.last().map(|entry| entry.id);
        entries.extend(batch);
        if !full {
            break;
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"moderation-log.json\""))
        .json(entries))
}

#[derive(Serialize, ToSchema)]
pub struct MyModeration {
    /// Actions on your content and account, newest first (who acted is not shown).
    entries: Vec<LogEntryView>,
    appeals: Vec<AppealView>,
}

#[derive(Serialize, ToSchema)]
pub struct AppealView {
    id: i64,
    log_id: i64,
    body: String,
    status: AppealStatus,
    /// The deciding moderator's reason, once decided.
    decision_reason: Option<String>,
    created_at: Timestamp,
    decided_at: Option<Timestamp>,
}

fn appeal_view(row: AppealRow) -> ApiResult<AppealView> {
    Ok(AppealView {
        id: row.id,
        log_id: row.log_id,
        body: row.body,
        status: AppealStatus::from_stored(&row.status)?,
        decision_reason: row.decision_reason,
        created_at: Timestamp(row.created_at),
        decided_at: row.decided_at.map(Timestamp),
    })
}

#[utoipa::path(get, path = "/api/v1/me/moderation", tag = "moderation",
    description = "What moderators did to your content and account, and your appeals.",
    responses((status = 200, body = MyModeration)))]
pub async fn mine(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<MyModeration>> {
    let mine = state
        .db
        .read(move |connection| {
            let scope = LogScope::Target(member.user_id);
            let rows = moderation_log::entries(connection, &scope, None, 200)?;
            let entries = entry_views(connection, rows, false)?;
            let appeals = moderation_log::appeals_with_entries(connection, &scope, false, 200)?
                .into_iter()
                .map(|(appeal, _)| appeal_view(appeal))
                .collect::<ApiResult<_>>()?;
            Ok(MyModeration { entries, appeals })
        })
        .await?;
    Ok(web::Json(mine))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealDraft {
    /// The log entry appealed against (one of yours, from `/me/moderation`).
    log_id: i64,
    /// Why it should be reversed: 10 to 2,000 characters.
    body: String,
}

/// Actions a member may appeal: those that took something away.
fn appealable(action: LogAction) -> bool {
    use LogAction::*;
    matches!(action, Hide | Remove | Edit | Lock | Move | Retitle | Warn | Mute | Suspend | Ban)
}

#[utoipa::path(post, path = "/api/v1/appeals", tag = "moderation", request_body = AppealDraft,
    description = "Appeal an action on your content or account, once; a moderator other than the one who acted decides.",
    responses((status = 201, body = AppealView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn appeal(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<AppealDraft>,
) -> ApiResult<HttpResponse> {
    let AppealDraft { log_id, body } = body.into_inner();
    let body = parse_free_text(&body, "An appeal", 10)?;
    let view = state
        .db
        .write(move |connection| {
            let entry = moderation_log::by_id(connection, log_id)?;
            if entry.target_user_id != Some(member.user_id) {
                return Err(ApiError::not_found("We couldn't find that action among those on your account."));
            }
            if !appealable(entry.action()?) || entry.reverses_id.is_some() {
                return Err(ApiError::invalid("not_appealable", "That action can't be appealed."));
            }
            if moderation_log::is_reversed(connection, log_id)? {
                return Err(ApiError::conflict("already_reversed", "That action has already been reversed."));
            }
            appeal_view(moderation_log::appeal(connection, log_id, member.user_id, &body)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Serialize, ToSchema)]
pub struct AppealCase {
    appeal: AppealView,
    member: String,
    entry: LogEntryView,
}

#[utoipa::path(get, path = "/api/v1/moderation/appeals", tag = "moderation",
    description = "Open appeals against actions in the communities you moderate (all of them for admins).",
    responses((status = 200, body = Vec<AppealCase>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn open_appeals(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<AppealCase>>> {
    let cases = state
        .db
        .read(move |connection| {
            let scope = log_scope(connection, &member, None)?;
            let rows = moderation_log::appeals_with_entries(connection, &scope, true, 200)?;
            let names =
                users::usernames(connection, &rows.iter().map(|(appeal, _)| appeal.appellant_id).collect::<Vec<_>>())?;
            rows.into_iter()
                .map(|(appeal, entry)| {
                    let member = names.get(&appeal.appellant_id).cloned().unwrap_or_default();
                    let entry = entry_views(connection, vec![entry], true)?
                        .pop()
                        .ok_or_else(|| ApiError::internal("entry missing"))?;
                    Ok(AppealCase { appeal: appeal_view(appeal)?, member, entry })
                })
                .collect()
        })
        .await?;
    Ok(web::Json(cases))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The action stands.
    Uphold,
    /// The action is reversed.
    Overturn,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionDraft {
    outcome: Outcome,
    /// Told to the member: 3 to 500 characters.
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/appeals/{id}/decision",
    params(("id" = i64, Path, description = "The appeal's id.")), tag = "moderation", request_body = DecisionDraft,
    description = "Decide an appeal (not the moderator who acted). Overturning reverses the action; both are logged.",
    responses((status = 200, body = AppealView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn decide(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<DecisionDraft>,
) -> ApiResult<web::Json<AppealView>> {
    let DecisionDraft { outcome, reason } = body.into_inner();
    let reason = parse_reason(&reason)?;
    let appeal_id = id.into_inner();
    let origin = state.hub.process_id;
    let (view, live) = state
        .db
        .write(move |connection| {
            let appeal = moderation_log::appeal_by_id(connection, appeal_id)?;
            let entry = moderation_log::by_id(connection, appeal.log_id)?;
            let authority = authority_in(connection, &member, entry.community_id)?;
            // Who may decide comes first: whether it was decided is theirs to know.
            policy::decide_appeal(
                &member,
                authority,
                required_for(entry.action()?, entry.community_id),
                entry.actor_id,
                appeal.appellant_id,
            )?;
            if appeal.status != AppealStatus::Open.as_str() {
                return Err(ApiError::conflict("already_decided", "That appeal has already been decided."));
            }
            let (status, live) = match outcome {
                Outcome::Uphold => (AppealStatus::Upheld, Vec::new()),
                Outcome::Overturn => {
                    (AppealStatus::Overturned, actions::reverse(connection, &member, entry.id, &reason, origin)?.live)
                }
            };
            moderation_log::decide_appeal(connection, appeal_id, status, member.user_id, &reason)?;
            Ok((appeal_view(moderation_log::appeal_by_id(connection, appeal_id)?)?, live))
        })
        .await?;
    for note in &live {
        state.hub.deliver(note);
    }
    Ok(web::Json(view))
}
