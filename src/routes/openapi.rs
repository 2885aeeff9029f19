//! The OpenAPI description of the JSON API, served at `/api/v1/openapi.json`.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use super::{accounts, communities, instance, posts, rooms, sessions, threads};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kindred API",
        description = "Kindred's JSON API. Errors are `{\"error\": {\"code\", \"message\"}}`. \
        Browsers authenticate with the session cookie (state-changing requests must come from Kindred's own origin); \
        other clients send `Authorization: Bearer <token>`. Live chat runs over the websocket at `/api/v1/live` \
        (see docs/live.md)."
    ),
    paths(
        instance::get,
        accounts::register,
        accounts::me,
        sessions::sign_in,
        sessions::sign_out,
        communities::list,
        communities::create,
        communities::get,
        communities::join,
        communities::leave,
        communities::requests,
        communities::decide,
        communities::appoint,
        communities::dismiss,
        threads::list,
        threads::create,
        threads::get,
        threads::reply,
        posts::edit,
        posts::delete,
        posts::revisions,
        posts::react,
        posts::unreact,
        rooms::list,
        rooms::create,
        rooms::archive,
        rooms::history,
        rooms::delete_message,
        rooms::mute,
        rooms::unmute,
    ),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
