//! Members as other members see them: the page an `@username` mention links
//! to. Only signed-in members may look, and only at what a post already
//! shows (username, display name and badges) and when the member joined.

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::users;
use crate::domain::badge::{self, BadgeView};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(web::resource("/members/{username}").route(web::get().to(get)));
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    username: String,
    display_name: String,
    joined_at: Timestamp,
    /// The badges an admin granted (staff, clinician, partner, link worker, peer supporter).
    badges: Vec<BadgeView>,
}

#[utoipa::path(get, path = "/api/v1/members/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "members",
    description = "A member's username, display name, badges and when they joined, by username in any case. Signed-in members only.",
    responses((status = 200, body = MemberView), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    _asking: Member,
    username: web::Path<String>,
) -> ApiResult<web::Json<MemberView>> {
    let (username, display_name, joined, badges) = state
        .db
        .read(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            users::profile(connection, user_id)
        })
        .await?;
    Ok(web::Json(MemberView { username, display_name, joined_at: Timestamp(joined), badges: badge::views(&badges) }))
}
