//! Headers every answer carries for the browser's safety: no referrer
//! leaves the site (a thread's address can name a condition), the page may
//! use no camera, microphone or location, no type is sniffed, no other site
//! may frame us, and API answers, which hold members' personal data, are
//! never kept by a cache. Middleware inside this one answer refusals as
//! responses, not `Err`, so they get the headers too.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Adds the safety headers to whatever the inner services answered.
pub async fn secure(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let api = is_api(request.path());
    let mut response = next.call(request).await?;
    add(response.headers_mut(), api);
    Ok(response)
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn add(headers: &mut HeaderMap, api: bool) {
    let fixed = [
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
