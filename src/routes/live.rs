//! `GET /api/v1/live`: upgrades to the live websocket. The member must be
//! signed in, and a browser's `Origin` must be Kindred's own (a page on
//! another site must not ride the member's cookie into their chat).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::Member;
use crate::auth::session::COOKIE_NAME;
use crate::error::{ApiError, ApiResult};
use crate::live::connection;
use crate::state::AppState;

pub async fn upgrade(
    state: web::Data<AppState>,
    member: Member,
    request: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    check_origin(&state, &request)?;
    if !state.hub.open_connection(member.user_id) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_connections",
            "You have too many live connections open. Close a tab and try again.",
        ));
    }
    let (response, session, stream) = match actix_ws::handle(&request, body) {
        Ok(parts) => parts,
        Err(error) => {
            state.hub.close_connection(member.user_id);
            return Err(ApiError::bad_request("not_a_websocket", format!("This address speaks websocket: {error}.")));
        }
    };
    let stream = stream
        .max_frame_size(state.settings.live_max_text_bytes * 4)
        .aggregate_continuations()
        .max_continuation_size(state.settings.live_max_text_bytes * 4);
    actix_web::rt::spawn(connection::run(state, member, session, stream));
    Ok(response)
}

fn check_origin(state: &AppState, request: &HttpRequest) -> ApiResult<()> {
    let origin = request.headers().get(header::ORIGIN).and_then(|value| value.to_str().ok());
    let refused = || {
        ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "csrf_refused",
            "This connection came from another site, so it was refused.",
        )
    };
    match origin {
        Some(origin) if origin.eq_ignore_ascii_case(&state.public_origin) => Ok(()),
        Some(_) => Err(refused()),
        None if request.cookie(COOKIE_NAME).is_some() && request.headers().get(header::AUTHORIZATION).is_none() => {
            Err(refused())
        }
        None => Ok(()),
    }
}
