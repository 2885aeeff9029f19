//! A member's own data: downloading all of it (built in the background,
//! kept for `export_ttl_seconds`) and erasing the account, by the member
//! with their password or by an instance admin on request.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::confirm_password;
use crate::auth::Member;
use crate::db::{exports, users};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::privacy::erase::{self, RequestedBy};
use crate::privacy::export;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/me/export").route(web::post().to(start_export)).route(web::get().to(get_export)))
        .service(web::resource("/admin/users/{username}").route(web::delete().to(erase_member)));
}

#[derive(Serialize, ToSchema)]
pub struct ExportStatus {
    /// `pending`, `ready` or `failed`.
    status: String,
    created_at: Timestamp,
    /// When the document (or this status) is deleted.
    expires_at: Timestamp,
}

fn status_of(row: &exports::ExportRow) -> ExportStatus {
    ExportStatus {
        status: row.status.clone(),
        created_at: Timestamp(row.created_at),
        expires_at: Timestamp(row.expires_at),
    }
}

#[utoipa::path(post, path = "/api/v1/me/export", tag = "privacy",
    description = "Start building a JSON document of all the member's data (replacing any earlier one). \\
    Poll `GET /api/v1/me/export` until it is ready.",
    responses((status = 202, body = ExportStatus), (status = 401, body = crate::error::ErrorBody)))]
pub async fn start_export(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let ttl = state.settings.export_ttl_seconds;
    let user_id = member.user_id;
    let row = state.db.write(move |connection| exports::start(connection, user_id, ttl)).await?;
    let status = status_of(&row);
    let db = state.db.clone();
    tokio::spawn(async move {
        let document = db.read(move |connection| export::document(connection, user_id)).await;
        let document = document.inspect_err(|error| tracing::warn!(%error, "a data export failed")).ok();
        let stored = db.write(move |connection| exports::finish(connection, row.id, document, ttl)).await;
        if let Err(error) = stored {
            tracing::warn!(%error, "a data export could not be stored");
        }
    });
    Ok(HttpResponse::Accepted().json(status))
}

#[utoipa::path(get, path = "/api/v1/me/export", tag = "privacy",
    description = "The export's status while it is built; once ready, the document itself as a JSON attachment.",
    responses((status = 200, description = "the status, or the document when ready"),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_export(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let user_id = member.user_id;
    let row = state
        .db
        .read(move |connection| exports::current(connection, user_id))
        .await?
        .ok_or_else(|| ApiError::not_found("There is no export. Start one first."))?;
    match (row.status.as_str(), row.document) {
        (exports::READY, Some(document)) => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kindred-export-{}.json\"", member.username),
            ))
            .body(document)),
        (_, None) => Ok(HttpResponse::Ok().json(status_of(&exports::ExportRow { document: None, ..row }))),
        _ => Err(ApiError::internal("a ready export has no document")),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Erasure {
    /// The member's current password, to confirm.
    password: String,
}

#[utoipa::path(delete, path = "/api/v1/me", tag = "privacy", request_body = Erasure,
    description = "Erase the member's account: personal data is deleted, sessions end, and their posts and \\
    messages are anonymised or removed as the instance's policy says.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub async fn erase_self(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<Erasure>,
) -> ApiResult<HttpResponse> {
    confirm_password(&state, member.user_id, &body.password).await?;
    erase_account(&state, member.user_id, RequestedBy::Member).await
}

#[utoipa::path(delete, path = "/api/v1/admin/users/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "privacy",
    description = "Erase a member's account on their request (instance admins).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn erase_member(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    policy::erase_account(&member)?;
    let user_id = state.db.read(move |connection| users::id_by_username(connection, &username)).await?;
    erase_account(&state, user_id, RequestedBy::Admin).await
}

async fn erase_account(state: &AppState, user_id: i64, requested_by: RequestedBy) -> ApiResult<HttpResponse> {
    let (content, origin) = (state.settings.erasure_content, state.hub.process_id);
    let ended =
        state.db.write(move |connection| erase::erase(connection, user_id, content, requested_by, origin)).await?;
    state.hub.deliver(&ended);
    if let Err(error) = state.db.empty_the_log().await {
        tracing::warn!(error = error.message(), "after an erasure the write-ahead log was left as it was");
    }
    Ok(HttpResponse::NoContent().finish())
}
