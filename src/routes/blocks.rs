//! Blocking another member: from then on neither sees the other's posts or
//! chat messages (each shows as a collapsed placeholder), and neither can
//! reply to the other. Moderators still see everything where they moderate.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::{blocks, users};
use crate::discussion::view::AuthorView;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::live::broker::{self, Note};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/blocks").route(web::get().to(list)))
        .service(web::resource("/blocks/{username}").route(web::put().to(block)).route(web::delete().to(unblock)));
}

#[derive(Serialize, ToSchema)]
pub struct BlockView {
    member: AuthorView,
    blocked_at: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/blocks", tag = "blocks",
    description = "The members the signed-in member blocked, oldest first.",
    responses((status = 200, body = Vec<BlockView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<BlockView>>> {
    let rows = state.db.read(move |connection| blocks::blocked_by(connection, member.user_id)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(username, display_name, at)| BlockView {
                member: AuthorView::named(username, display_name),
                blocked_at: Timestamp(at),
            })
            .collect(),
    ))
}

#[utoipa::path(put, path = "/api/v1/blocks/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "blocks",
    description = "Block a member (both ways: neither sees the other's posts and messages). Blocking twice changes nothing.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn block(state: web::Data<AppState>, member: Member, username: web::Path<String>) -> ApiResult<HttpResponse> {
    change(&state, member, username.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/blocks/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "blocks",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unblock(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    change(&state, member, username.into_inner(), false).await
}

/// Makes or lifts the block, and tells both members' live connections.
async fn change(state: &AppState, member: Member, username: String, add: bool) -> ApiResult<HttpResponse> {
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let target = users::id_by_username(connection, &username)?;
            policy::block(&member, target)?;
            if add {
                blocks::add(connection, member.user_id, target)?;
            } else {
                blocks::remove(connection, member.user_id, target)?;
            }
            let note = Note::BlocksChanged { users: [member.user_id, target], origin };
            broker::notify(connection, &note)?;
            Ok(note)
        })
        .await?;
    state.hub.deliver(&note);
    Ok(HttpResponse::NoContent().finish())
}
