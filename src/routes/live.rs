//! `GET /api/v1/live`: upgrades to the live websocket. The member must be
//! signed in, and a browser's `Origin` must be Kindred's own (a page on
//! another site must not ride the member's cookie into their chat).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::ACCEPT_ENCODING;
use actix_web::middleware::Next;
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

/// Middleware, outside compression: an upgrade request is answered
/// uncompressed. actix-http sends the body of an upgrade request's refusal
/// (401, 429, 500) unframed while a compressed body declares chunked
/// encoding, so clients and proxies that accept gzip could not read it; an
/// uncompressed refusal carries its length and is well-formed.
pub async fn uncompressed_upgrades(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if request.head().upgrade() {
        request.headers_mut().remove(ACCEPT_ENCODING);
    }
    next.call(request).await
}
