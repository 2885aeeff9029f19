//! The CSRF rule: a state-changing request that a browser could have been
//! tricked into sending (one carrying the session cookie, or any request
//! from another origin) must come from Kindred's own origin. Requests with
//! a bearer token are not at risk and pass.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest, web};

use super::extract::bearer;
use super::session::COOKIE_NAME;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn enforce(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if changes_state(request.method()) {
        let origin = request.app_data::<web::Data<AppState>>().map(|state| state.public_origin.clone());
        if let Some(Err(refusal)) = origin.map(|expected| check(request.request(), &expected)) {
            // An answer rather than an `Err`, so the outer middleware add their headers to it.
            return Ok(request.error_response(refusal));
        }
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a request a browser may have been tricked into sending: one
/// from another origin, or one riding the session cookie that does not
/// say where it came from. Bearer-token requests pass. The live websocket's
/// upgrade is checked with the same rule.
pub fn check(request: &HttpRequest, expected_origin: &str) -> Result<(), ApiError> {
    if bearer(request).is_some() {
        return Ok(());
    }
    let header_text = |name| request.headers().get(name).and_then(|value| value.to_str().ok());
    if let Some(origin) = header_text(header::ORIGIN) {
        return if origin.eq_ignore_ascii_case(expected_origin) {
            Ok(())
        } else {
            Err(refused("This request came from another site, so it was refused."))
        };
    }
    if let Some(site) = header_text(header::HeaderName::from_static("sec-fetch-site")) {
        return if site == "same-origin" {
            Ok(())
        } else {
            Err(refused("This request came from another site, so it was refused."))
        };
    }
    if request.cookie(COOKIE_NAME).is_some() {
        return Err(refused("This request did not say where it came from, so it was refused."));
    }
    Ok(())
}

fn refused(message: &'static str) -> ApiError {
    ApiError::new(actix_web::http::StatusCode::FORBIDDEN, "csrf_refused", message)
}
