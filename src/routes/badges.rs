//! Staff and partner badges: an admin grants one to a member (replacing
//! one of the same kind) or removes it; each change is in the admin log.
//! The badges show beside the member's name on posts, chat messages and
//! their member page.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::admin_log::{self, Entry};
use crate::db::posts::Which;
use crate::db::users;
use crate::discussion::heads;
use crate::domain::badge::{self, Badge, BadgeKind, BadgeView};
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/admin/members/{username}/badges/{kind}")
            .route(web::put().to(grant))
            .route(web::delete().to(remove)),
    );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BadgeDraft {
    /// A clinician's profession or a partner organisation's name (1 to 80
    /// characters); the other kinds take none.
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberBadges {
    username: String,
    badges: Vec<BadgeView>,
}

#[utoipa::path(put, path = "/api/v1/admin/members/{username}/badges/{kind}", tag = "admin",
    params(("username" = String, Path, description = "The member's username."),
           ("kind" = String, Path, description = "`staff`, `clinician`, `partner`, `link_worker` or `peer_supporter`.")),
    request_body = BadgeDraft,
    description = "Grant a badge (replacing one of the same kind); recorded in the admin log.",
    responses((status = 200, body = MemberBadges), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn grant(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
    body: web::Json<BadgeDraft>,
) -> ApiResult<web::Json<MemberBadges>> {
    policy::grant_badges(&member)?;
    let (username, kind) = path.into_inner();
    let granted = Badge::parse(BadgeKind::parse(&kind)?, body.detail.as_deref())?;
    let badges = state
        .db
        .write(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            let before = badge::stored(&users::badges_of(connection, user_id)?);
            let old = before.iter().find(|each| each.kind == granted.kind).map(Badge::label);
            let label = granted.label();
            let after = badge::to_json(&badge::with(before, granted));
            users::set_badges(connection, user_id, &after)?;
            heads::refresh(connection, Which::By(user_id))?;
            admin_log::record(
                connection,
                Entry {
                    actor_id: member.user_id,
                    action: "badge_granted",
                    subject: &username,
                    old_value: old.as_deref(),
                    new_value: Some(&label),
                },
            )?;
            Ok(MemberBadges { username, badges: badge::views(&after) })
        })
        .await?;
    Ok(web::Json(badges))
}

#[utoipa::path(delete, path = "/api/v1/admin/members/{username}/badges/{kind}", tag = "admin",
    params(("username" = String, Path, description = "The member's username."),
           ("kind" = String, Path, description = "`staff`, `clinician`, `partner`, `link_worker` or `peer_supporter`.")),
    description = "Remove a badge; recorded in the admin log.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    policy::grant_badges(&member)?;
    let (username, kind) = path.into_inner();
    let kind = BadgeKind::parse(&kind)?;
    state
        .db
        .write(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            let mut badges = badge::stored(&users::badges_of(connection, user_id)?);
            let Some(at) = badges.iter().position(|each| each.kind == kind) else {
                return Err(ApiError::not_found("That member has no such badge."));
            };
            let removed = badges.remove(at).label();
            users::set_badges(connection, user_id, &badge::to_json(&badges))?;
            heads::refresh(connection, Which::By(user_id))?;
            admin_log::record(
                connection,
                Entry {
                    actor_id: member.user_id,
                    action: "badge_removed",
                    subject: &username,
                    old_value: Some(&removed),
                    new_value: None,
                },
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
