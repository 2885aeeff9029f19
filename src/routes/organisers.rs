//! A community's organisers: who they are, and their appointment and
//! removal by the community's moderators (or an admin), each in the admin log.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Member, Viewer};
use crate::db::admin_log::{self, Entry};
use crate::db::communities as community_store;
use crate::db::{organisers, users};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(web::resource("/communities/{slug}/organisers").route(web::get().to(list))).service(
        web::resource("/communities/{slug}/organisers/{username}")
            .route(web::put().to(appoint))
            .route(web::delete().to(remove)),
    );
}

#[derive(Serialize, ToSchema)]
pub struct OrganiserView {
    username: String,
    display_name: String,
    appointed_at: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/organisers", tag = "communities",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "The community's organisers, for whoever may read it (404 for a private community's outsiders).",
    responses((status = 200, body = Vec<OrganiserView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Vec<OrganiserView>>> {
    let rows = state
        .db
        .read(move |connection| {
            let (community, _) = community_store::readable_by_slug(connection, &slug, viewer.0.as_ref())?;
            organisers::of_community(connection, community.id)
        })
        .await?;
    let views = rows
        .into_iter()
        .map(|row| OrganiserView {
            username: row.username,
            display_name: row.display_name,
            appointed_at: Timestamp(row.appointed_at),
        })
        .collect();
    Ok(web::Json(views))
}

#[utoipa::path(put, path = "/api/v1/communities/{slug}/organisers/{username}", tag = "communities",
    params(("slug" = String, Path, description = "The community's slug."), ("username" = String, Path, description = "The member's username.")),
    description = "Appoint a member of the community as one of its organisers (its moderators and admins).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn appoint(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    change(state, member, path.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/communities/{slug}/organisers/{username}", tag = "communities",
    params(("slug" = String, Path, description = "The community's slug."), ("username" = String, Path, description = "The member's username.")),
    description = "Remove one of the community's organisers (its moderators and admins).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    change(state, member, path.into_inner(), false).await
}

/// Appoints (`appoint`) or removes an organiser, logging a real change.
async fn change(
    state: web::Data<AppState>,
    member: Member,
    (slug, username): (String, String),
    appoint: bool,
) -> ApiResult<HttpResponse> {
    state
        .db
        .write(move |connection| {
            let community = community_store::by_slug(connection, &slug)?;
            policy::appoint_organisers(community_store::standing(connection, community.id, Some(&member))?)?;
            let user_id = users::id_by_username(connection, &username)?;
            let changed = if appoint {
                if community_store::role_of(connection, community.id, user_id)?.is_none() {
                    return Err(ApiError::invalid(
                        "not_a_member",
                        "Only a member of this community can be one of its organisers: ask them to join first.",
                    ));
                }
                organisers::appoint(connection, community.id, user_id, member.user_id)?
            } else if organisers::remove(connection, community.id, user_id)? {
                true
            } else {
                return Err(ApiError::not_found("That member is not an organiser here."));
            };
            if !changed {
                return Ok(());
            }
            let action = organisers::LOGGED[usize::from(!appoint)];
            let entry = Entry {
                actor_id: member.user_id,
                action,
                subject: &community.slug,
                old_value: None,
                new_value: Some(&username),
            };
            admin_log::record(connection, entry)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
