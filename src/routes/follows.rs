//! Following threads and communities: `watching` (every new post),
//! `normal` (replies to you and mentions, what everyone gets) or `muted`
//! (nothing from there). A thread's own level wins over its community's;
//! members watch the threads they start or reply to unless they chose
//! otherwise.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::communities::{self as community_store, CommunityPlace};
use crate::db::follows::{self, Followed};
use crate::discussion::context::thread_in_context;
use crate::domain::following::FollowLevel;
use crate::error::ApiResult;
use crate::policy::{self, Standing};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/threads/{id}/follow")
                .route(web::get().to(thread_level))
                .route(web::put().to(follow_thread))
                .route(web::delete().to(unfollow_thread)),
        )
        .service(
            web::resource("/communities/{slug}/follow")
                .route(web::get().to(community_level))
                .route(web::put().to(follow_community))
                .route(web::delete().to(unfollow_community)),
        );
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowDraft {
    level: FollowLevel,
}

/// The thread or community, if the member may follow it.
fn followable(connection: &mut AnyConnection, member: &Member, followed: &Place) -> ApiResult<Followed> {
    let (community, standing): (CommunityPlace, Standing) = match followed {
        Place::Thread(id) => {
            let (_, community, standing) = thread_in_context(connection, *id, Some(member))?;
            (community, standing)
        }
        Place::Community(slug) => {
            let (community, standing) = community_store::readable_by_slug(connection, slug, Some(member))?;
            (community.place(), standing)
        }
    };
    policy::follow(community.visibility()?, standing)?;
    Ok(match followed {
        Place::Thread(id) => Followed::Thread(*id),
        Place::Community(_) => Followed::Community(community.id),
    })
}

/// What a request names.
enum Place {
    Thread(i64),
    Community(String),
}

async fn level(state: &AppState, member: Member, place: Place) -> ApiResult<web::Json<FollowDraft>> {
    let level = state
        .db
        .read(move |connection| {
            let followed = followable(connection, &member, &place)?;
            Ok(follows::level_of(connection, member.user_id, followed)?.unwrap_or(FollowLevel::Normal))
        })
        .await?;
    Ok(web::Json(FollowDraft { level }))
}

/// Sets the level; `None` stops following (back to `normal`). A thread
/// keeps `normal` as the member's choice, so replying does not start
/// watching it again.
async fn change(state: &AppState, member: Member, place: Place, level: Option<FollowLevel>) -> ApiResult<HttpResponse> {
    state
        .db
        .write_unseen(move |connection| {
            let followed = followable(connection, &member, &place)?;
            match (followed, level) {
                (Followed::Community(_), None) => follows::remove(connection, member.user_id, followed),
                (_, level) => {
                    let level = level.unwrap_or(FollowLevel::Normal);
                    follows::set(connection, member.user_id, followed, level, false)
                }
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/threads/{id}/follow",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "following",
    description = "How closely you follow a thread (`normal` when you never chose).",
    responses((status = 200, body = FollowDraft), (status = 404, body = crate::error::ErrorBody)))]
pub async fn thread_level(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<FollowDraft>> {
    level(&state, member, Place::Thread(id.into_inner())).await
}

#[utoipa::path(put, path = "/api/v1/threads/{id}/follow",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "following", request_body = FollowDraft,
    description = "Follow a thread: `watching` (every new post), `normal` (replies to you and mentions) or `muted` (nothing).",
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn follow_thread(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<FollowDraft>,
) -> ApiResult<HttpResponse> {
    change(&state, member, Place::Thread(id.into_inner()), Some(body.into_inner().level)).await
}

#[utoipa::path(delete, path = "/api/v1/threads/{id}/follow",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "following",
    description = "Stop following a thread: back to `normal`, and replying will not start watching it again.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unfollow_thread(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    change(&state, member, Place::Thread(id.into_inner()), None).await
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/follow",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "following",
    description = "How closely you follow a community (`normal` when you never chose).",
    responses((status = 200, body = FollowDraft), (status = 404, body = crate::error::ErrorBody)))]
pub async fn community_level(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<web::Json<FollowDraft>> {
    level(&state, member, Place::Community(slug.into_inner())).await
}

#[utoipa::path(put, path = "/api/v1/communities/{slug}/follow",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "following", request_body = FollowDraft,
    description = "Follow a community: `watching` (every new post in every thread), `normal` or `muted` (nothing from it, \
not even mentions). A thread's own level wins.",
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn follow_community(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<FollowDraft>,
) -> ApiResult<HttpResponse> {
    change(&state, member, Place::Community(slug.into_inner()), Some(body.into_inner().level)).await
}

#[utoipa::path(delete, path = "/api/v1/communities/{slug}/follow",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "following",
    description = "Stop following a community: back to `normal`.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unfollow_community(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, member, Place::Community(slug.into_inner()), None).await
}
