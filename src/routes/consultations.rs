//! Consultations: the organisation opens one in a community, members answer
//! (replies to its first post, through `/threads/{id}/posts`) and support
//! answers, and the organisation publishes responses; answers and responses
//! export as CSV and JSON for board papers.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::consultation::{self, ConsultationSummary, ConsultationView, Exported};
use crate::db::communities as community_store;
use crate::db::consultations as store;
use crate::discussion::draft::PostDraft;
use crate::discussion::start::{Started, start_thread};
use crate::domain::consultation::{ResponseStatus, Timetable};
use crate::domain::discussion::parse_title;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::notify;
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/communities/{slug}/consultations").route(web::get().to(list)).route(web::post().to(open)),
        )
        .service(web::resource("/consultations/{id}").route(web::get().to(show)))
        .service(web::resource("/consultations/{id}/export").route(web::get().to(export)))
        .service(
            web::resource("/consultations/{id}/answers/{post_id}/support")
                .route(web::put().to(support))
                .route(web::delete().to(withdraw_support)),
        )
        .service(web::resource("/consultations/{id}/answers/{post_id}/responses").route(web::post().to(respond)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationDraft {
    /// The question, 3 to 200 characters.
    question: String,
    /// Markdown: why the organisation asks and what it will do with the answers.
    background: String,
    /// RFC 3339; in the future, within a year.
    closes_at: String,
    /// RFC 3339; on or after `closes_at`, within a year of it.
    respond_by: String,
    /// Supports an answer needs before a response is owed: 1 to 10,000; 3 when absent.
    support_threshold: Option<i32>,
}

impl ConsultationDraft {
    /// Every field checked, every wrong one listed at once.
    fn parse(self) -> ApiResult<(String, crate::db::posts::NewContent, Timetable)> {
        let mut wrong = Vec::new();
        let mut field = |name: &str, error: ApiError| {
            wrong.push(FieldError { field: name.to_owned(), message: error.message().to_owned() });
        };
        let question = parse_title(&self.question).map_err(|error| field("question", error)).ok();
        let background = PostDraft { body: self.background, content_warning: None }
            .parse()
            .map_err(|error| field("background", error))
            .ok();
        let timetable = Timetable::parse(Timestamp::now(), &self.closes_at, &self.respond_by, self.support_threshold)
            .map_err(|errors| wrong.extend(errors))
            .ok();
        match (question, background, timetable) {
            (Some(question), Some(background), Some(timetable)) => Ok((question, background, timetable)),
            _ => Err(ApiError::invalid_fields("invalid_consultation", wrong)),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/consultations", tag = "consultations",
    params(("slug" = String, Path, description = "The community's slug.")), request_body = ConsultationDraft,
    description = "Open a consultation (the organisation: instance admins and members with the staff badge). It is a thread whose title is the \
question and whose first post is the background; members answer by replying to the first post.",
    responses((status = 201, body = ConsultationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn open(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<ConsultationDraft>,
) -> ApiResult<HttpResponse> {
    let (question, background, timetable) = body.into_inner().parse()?;
    let author = member.clone();
    let shared = state.clone();
    let (id, raised) = state
        .write_thread(move |connection| {
            let (community, standing) = community_store::readable_by_slug(connection, &slug, Some(&author))?;
            consultation::ensure_institution(connection, &author)?;
            policy::post(community.visibility()?, standing)?;
            let Started { thread_id, raised, .. } =
                start_thread(connection, &shared, &author, community.id, standing, question, background)?;
            let consultation = store::create(connection, community.id, thread_id, author.user_id, timetable)?;
            Ok((thread_id, (consultation.id, raised)))
        })
        .await?;
    state.deliver_alert(raised);
    state.notifier.flush().await;
    let view = read_view(&state, id, Some(member)).await?;
    Ok(HttpResponse::Created().json(view))
}

async fn read_view(state: &AppState, id: i64, viewer: Option<Member>) -> ApiResult<ConsultationView> {
    let crisis_posts_public = state.settings.crisis_posts_public();
    state.db.read(move |connection| consultation::view(connection, id, viewer.as_ref(), crisis_posts_public)).await
}

#[derive(serde::Serialize, ToSchema)]
pub struct ConsultationList {
    /// Newest first, at most 100.
    consultations: Vec<ConsultationSummary>,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/consultations", tag = "consultations",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "A community's consultations, newest first, each with its stage: open, awaiting responses, \
overdue (the response date passed with responses owed) or responded.",
    responses((status = 200, body = ConsultationList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, viewer: Viewer, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let consultations = state
        .db
        .read(move |connection| {
            let (community, _) = community_store::readable_by_slug(connection, &slug, viewer.0.as_ref())?;
            consultation::list(connection, community.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ConsultationList { consultations }))
}

#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id.")),
    description = "A consultation with its answers (oldest first), their supports and the organisation's responses.",
    responses((status = 200, body = ConsultationView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn show(state: web::Data<AppState>, viewer: Viewer, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(read_view(&state, id.into_inner(), viewer.0).await?))
}

#[utoipa::path(put, path = "/api/v1/consultations/{id}/answers/{post_id}/support", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id."), ("post_id" = i64, Path, description = "The answer (a post).")),
    description = "Support another member's answer while the consultation is open: once, never your own.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn support(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    change_support(state, member, path.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/consultations/{id}/answers/{post_id}/support", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id."), ("post_id" = i64, Path, description = "The answer (a post).")),
    description = "Take back your support for an answer while the consultation is open.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn withdraw_support(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, i64)>,
) -> ApiResult<HttpResponse> {
    change_support(state, member, path.into_inner(), false).await
}

async fn change_support(
    state: web::Data<AppState>,
    member: Member,
    (id, post_id): (i64, i64),
    add: bool,
) -> ApiResult<HttpResponse> {
    state
        .db
        .write_unseen(move |connection| consultation::change_support(connection, id, post_id, &member, add))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseDraft {
    status: ResponseStatus,
    /// Markdown, 1 to 10,000 characters; for `not_taken_forward`, the reason.
    body: String,
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/answers/{post_id}/responses", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id."), ("post_id" = i64, Path, description = "The answer (a post).")),
    request_body = ResponseDraft,
    description = "Publish the organisation's response to an answer once the consultation has closed, or a dated \
update to it (the organisation: instance admins and staff). The answer's author and its supporters are told.",
    responses((status = 201, body = ConsultationView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn respond(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, i64)>,
    body: web::Json<ResponseDraft>,
) -> ApiResult<HttpResponse> {
    let (id, post_id) = path.into_inner();
    let ResponseDraft { status, body } = body.into_inner();
    let origin = state.hub.process_id;
    let responder = member.clone();
    let note = state
        .db
        .write_unseen(move |connection| {
            let told = consultation::respond(connection, id, post_id, &responder, status, &body)?;
            notify::announce(connection, told, origin)
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(HttpResponse::Created().json(read_view(&state, id, Some(member)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (one row per answer and response) or `json`; `json` when absent.
    format: Option<ExportFormat>,
}

#[derive(Deserialize, ToSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

#[utoipa::path(get, path = "/api/v1/consultations/{id}/export", tag = "consultations",
    params(("id" = i64, Path, description = "The consultation's id."), ExportQuery),
    description = "The consultation's public answers (without names) with their supports and every response, for \
the organisation's board papers: the organisation and the community's moderators.",
    responses((status = 200, description = "JSON, or CSV with one row per answer and response", content_type = "application/json"),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn export(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    query: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let format = query.into_inner().format.unwrap_or(ExportFormat::Json);
    let exported = state.db.read(move |connection| consultation::export(connection, id, &member)).await?;
    let (body, content_type, extension) = match format {
        ExportFormat::Json => {
            (serde_json::to_vec_pretty(&exported).map_err(ApiError::internal)?, "application/json", "json")
        }
        ExportFormat::Csv => (as_csv(&exported)?, "text/csv; charset=utf-8", "csv"),
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename=\"consultation-{id}.{extension}\"")))
        .body(body))
}

/// One row per answer and response (an answer with none has one row with
/// the response columns empty), headed by the consultation's own columns.
fn as_csv(exported: &Exported) -> ApiResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "consultation_id",
        "question",
        "closes_at",
        "respond_by",
        "stage",
        "answer_id",
        "answered_at",
        "answer",
        "supports",
        "response_owed",
        "response_status",
        "response",
        "responded_at",
    ];
    writer.write_record(header).map_err(ApiError::internal)?;
    let stage = serde_json::to_value(exported.stage).map_err(ApiError::internal)?;
    let stage = stage.as_str().unwrap_or_default().to_owned();
    let consultation_id = exported.consultation_id.to_string();
    for answer in &exported.answers {
        let (answer_id, supports) = (answer.answer_id.to_string(), answer.supports.to_string());
        let owed = answer.response_owed.to_string();
        let leading = [
            consultation_id.as_str(),
            &exported.question,
            &exported.closes_at,
            &exported.respond_by,
            &stage,
            &answer_id,
            &answer.answered_at,
            &answer.answer,
            &supports,
            &owed,
        ];
        if answer.responses.is_empty() {
            writer.write_record(leading.iter().copied().chain(["", "", ""])).map_err(ApiError::internal)?;
        }
        for response in &answer.responses {
            let row = leading.iter().copied().chain([response.status, &response.response, &response.responded_at]);
            writer.write_record(row).map_err(ApiError::internal)?;
        }
    }
    writer.into_inner().map_err(ApiError::internal)
}
