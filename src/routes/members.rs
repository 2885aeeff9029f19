//! Members as other members see them: the page an `@username` mention links
//! to. Only signed-in members may look, and only at what a post already
//! shows (username, display name and badges) and when the member joined;
//! their moderators also see the display names they went by.

use actix_web::web;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::{communities, display_names, users};
use crate::domain::badge::{self, BadgeView};
use crate::domain::community::CommunityRole;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/members/{username}").route(web::get().to(get)))
        .service(web::resource("/members/{username}/names").route(web::get().to(names)));
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

/// One change of display name.
#[derive(Serialize, ToSchema)]
pub struct NameChangeView {
    previous_name: String,
    new_name: String,
    changed_at: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/members/{username}/names",
    params(("username" = String, Path, description = "The member's username.")), tag = "members",
    description = "The display names a member went by, newest change first: for the member, admins, safeguarding \
    leads and the moderators of a community the member belongs to (403 for others).",
    responses((status = 200, body = Vec<NameChangeView>), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn names(
    state: web::Data<AppState>,
    asking: Member,
    username: web::Path<String>,
) -> ApiResult<web::Json<Vec<NameChangeView>>> {
    let changes = state
        .db
        .read(move |connection| {
            let user_id = users::id_by_username(connection, &username)?;
            let theirs = communities::roles_of(connection, user_id)?;
            let moderates_them = communities::roles_of(connection, asking.user_id)?
                .iter()
                .any(|(community, role)| *role == CommunityRole::Moderator && theirs.contains_key(community));
            policy::see_name_history(&asking, user_id, moderates_them)?;
            display_names::history(connection, user_id)
        })
        .await?;
    Ok(web::Json(
        changes
            .into_iter()
            .map(|change| NameChangeView {
                previous_name: change.previous_name,
                new_name: change.new_name,
                changed_at: Timestamp(change.changed_at),
            })
            .collect(),
    ))
}
