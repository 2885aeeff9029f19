//! Admins looking after members' accounts from the console: finding a
//! member, ending all their sessions, and sending them a password-reset
//! link. (Suspending and banning go through `/api/v1/moderation/actions`,
//! erasing through `DELETE /api/v1/admin/users/{username}`.) Each action is
//! recorded in the admin log.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::email::send_reset;
use crate::auth::Member;
use crate::auth::session::{self, Which};
use crate::db::{admin_log, sanctions, users};
use crate::domain::account::Email;
use crate::domain::badge::{self, BadgeView};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/members").route(web::get().to(find)))
        .service(web::resource("/admin/members/{username}/sessions").route(web::delete().to(end_sessions)))
        .service(web::resource("/admin/members/{username}/password-reset").route(web::post().to(send_reset_link)));
}

/// Most members one search returns.
const MAX_FOUND: i64 = 50;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MemberQuery {
    /// Part of a username or display name, 2 to 64 characters.
    q: String,
}

#[derive(Serialize, ToSchema)]
pub struct FoundMemberView {
    username: String,
    display_name: String,
    is_admin: bool,
    joined_at: Timestamp,
    /// A verified email, so a reset link can be sent.
    email_verified: bool,
    /// Restrictions in force: `suspension`, `ban`, `mute` (with when each ends, if it does).
    sanctions: Vec<SanctionView>,
    /// The badges an admin granted.
    badges: Vec<BadgeView>,
}

#[derive(Serialize, ToSchema)]
pub struct SanctionView {
    kind: String,
    /// Only in one community, when set.
    community_id: Option<i64>,
    ends_at: Option<Timestamp>,
}

#[utoipa::path(get, path = "/api/v1/admin/members", tag = "admin", params(MemberQuery),
    description = "Members whose username or display name contains `q` (at most 50), with the restrictions in force.",
    responses((status = 200, body = Vec<FoundMemberView>), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn find(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<MemberQuery>,
) -> ApiResult<web::Json<Vec<FoundMemberView>>> {
    policy::administer(&member)?;
    let text = query.into_inner().q.trim().to_owned();
    if !(2..=64).contains(&text.chars().count()) {
        return Err(ApiError::invalid("invalid_query", "Search with 2 to 64 characters of a name."));
    }
    let found = state
        .db
        .read(move |connection| {
            users::find(connection, &text, MAX_FOUND)?
                .into_iter()
                .map(|found| {
                    let sanctions = sanctions::in_force(connection, found.id)?
                        .into_iter()
                        .map(|row| SanctionView {
                            kind: row.kind,
                            community_id: row.community_id,
                            ends_at: row.ends_at.map(Timestamp),
                        })
                        .collect();
                    Ok(FoundMemberView {
                        username: found.username,
                        display_name: found.display_name,
                        is_admin: found.is_admin,
                        joined_at: Timestamp(found.created_at),
                        email_verified: found.email_verified_at.is_some(),
                        sanctions,
                        badges: badge::views(&found.badges),
                    })
                })
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(web::Json(found))
}

#[utoipa::path(delete, path = "/api/v1/admin/members/{username}/sessions", tag = "admin",
    params(("username" = String, Path, description = "The member's username.")),
    description = "Signs the member out everywhere: every session ends and its live connection closes.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn end_sessions(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    policy::administer(&member)?;
    let origin = state.hub.process_id;
    let ended = state
        .db
        .write(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            admin_log::record_action(connection, member.user_id, "sessions_ended", &username)?;
            session::end(connection, user_id, Which::All, origin)
        })
        .await?;
    state.hub.deliver(&ended);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/admin/members/{username}/password-reset", tag = "admin",
    params(("username" = String, Path, description = "The member's username.")),
    description = "Mails the member a password-reset link at their verified email (409 `no_verified_email` without one).",
    responses((status = 202), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn send_reset_link(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    policy::administer(&member)?;
    let email = state
        .db
        .write(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            let (email, verified_at) = users::email_of(connection, user_id)?;
            let Some(email) = email.filter(|_| verified_at.is_some()) else {
                return Err(ApiError::conflict(
                    "no_verified_email",
                    "This member has no verified email address, so no reset link can reach them.",
                ));
            };
            admin_log::record_action(connection, member.user_id, "reset_link_sent", &username)?;
            Ok(email)
        })
        .await?;
    send_reset(&state, Email::parse(&email)?).await?;
    Ok(HttpResponse::Accepted().finish())
}
