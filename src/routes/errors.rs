//! Gives every error the API's shape, including the ones actix makes
//! itself: bad JSON, oversized bodies, bad paths and queries, unknown
//! routes and wrong methods.

use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::ApiError;

/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(MAX_BODY_BYTES).error_handler(|error, _| json_error(&error).into())
}

fn json_error(error: &JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => too_large(),
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Please send the request body as JSON (Content-Type: application/json).",
        ),
        JsonPayloadError::Deserialize(inner) if inner.is_data() => {
            ApiError::bad_request("invalid_body", format!("The request body has a problem: {inner}."))
        }
        JsonPayloadError::Deserialize(inner) => {
            ApiError::bad_request("invalid_json", format!("The request body is not valid JSON: {inner}."))
        }
        _ => ApiError::bad_request("invalid_body", "The request body could not be read."),
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!("The request is too large (at most {} KB).", MAX_BODY_BYTES / 1024),
    )
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_: PathError, _| ApiError::not_found("We couldn't find that.").into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _| {
        ApiError::bad_request("invalid_query", format!("The query string has a problem: {error}.")).into()
    })
}

/// The answer for a path no route matches.
pub async fn not_found(_: HttpRequest) -> HttpResponse {
    ApiError::not_found("There is nothing at this address.").error_response()
}

/// Replaces any error response that is not already JSON with the API's
/// error shape for its status.
pub fn to_json<B>(response: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(response.map_into_left_body()));
    }
    let error = for_status(response.status());
    let (request, _) = response.into_parts();
    let replaced = ServiceResponse::new(request, error.error_response()).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(replaced))
}

fn for_status(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::not_found("There is nothing at this address."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "That action is not available at this address.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        status if status.is_server_error() => ApiError::internal(format!("unhandled {status}")),
        status => ApiError::new(status, "bad_request", "The request could not be understood."),
    }
}
