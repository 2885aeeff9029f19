//! The one error type a handler returns: an HTTP status, a stable machine
//! code and a sentence a member can read. Internal detail goes to the log,
//! never into the response.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    fields: Vec<FieldError>,
}

/// The JSON body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine-readable code, e.g. `thread_locked`.
    code: String,
    /// A sentence a member can read.
    message: String,
    /// On a form's error: every field that is wrong, each with its own sentence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldError>,
}

/// One wrong field of a form, so a client can show every error at once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's name in the request, e.g. `brand_colour` or `footer.contact`.
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self { status, code, message: message.into(), fields: Vec::new() }
    }

    /// A form with wrong fields: a 422 listing each of them, whose message is
    /// the one field's, or says how many there are.
    pub fn invalid_fields(code: &'static str, fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} answers need changing; each is listed with its field.", many.len()),
        };
        Self { fields, ..Self::invalid(code, message) }
    }

    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// A field that parsed as JSON but is not acceptable.
    pub fn invalid(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// A refusal with its own code, for a member who can act once they do something first.
    pub fn forbidden_because(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// A rate limit: `message` says what to wait for.
    pub fn too_many(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, code, message)
    }

    /// Logs `detail` and returns an error that reveals nothing of it.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side. Please try again in a moment.",
        )
    }

    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %detail, "service unavailable");
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "Kindred is busy right now. Please try again in a moment.")
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone().into_owned(),
                fields: self.fields.clone(),
            },
        }
    }
}

/// A form's checks gathered, so one answer names every wrong field at once
/// instead of the first alone.
#[derive(Default)]
pub struct FormErrors {
    fields: Vec<FieldError>,
    first: Option<ApiError>,
}

impl FormErrors {
    /// `checked`'s value, or `None` with its error noted against `field` (or
    /// against the fields the error names itself).
    pub fn check<T>(&mut self, field: &str, checked: ApiResult<T>) -> Option<T> {
        checked.map_err(|error| self.note(field, error)).ok()
    }

    fn note(&mut self, field: &str, error: ApiError) {
        if error.fields.is_empty() {
            self.fields.push(FieldError { field: field.to_owned(), message: error.message.clone().into_owned() });
        } else {
            self.fields.extend(error.fields.iter().cloned());
        }
        self.first.get_or_insert(error);
    }

    /// The answer to a form with wrong fields: one wrong field keeps its own
    /// error (status and code) and names the field; several make a 422 `code`
    /// listing each.
    pub fn into_error(self, code: &'static str) -> ApiError {
        match (self.first, self.fields.len()) {
            (None, _) => ApiError::internal("a form was refused with no wrong field"),
            (Some(first), 1) => ApiError { fields: self.fields, ..first },
            (Some(_), _) => ApiError::invalid_fields(code, self.fields),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(self.body())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => Self::not_found("We couldn't find that."),
            other => Self::internal(other),
        }
    }
}

/// True when a database error is a unique-constraint violation.
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(error, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

pub type ApiResult<T> = Result<T, ApiError>;
