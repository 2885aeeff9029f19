//! `GET /api/v1/live`: upgrades to the live websocket. The member must be
//! signed in, and a browser's `Origin` must be Kindred's own (a page on
//! another site must not ride the member's cookie into their chat).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{Member, csrf};
use crate::error::{ApiError, ApiResult};
use crate::live::connection;
use crate::state::AppState;

pub async fn upgrade(
    state: web::Data<AppState>,
    member: Member,
    request: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    csrf::check(&request, &state.public_origin)?;
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
