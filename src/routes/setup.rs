//! `/api/v1/setup/{token}`: the first-run setup link (see `setup`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::sessions::start_session;
use crate::auth::session::Token;
use crate::db::setup_links;
use crate::domain::account::{DisplayName, Email, Password, Username};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::setup::{self, FirstAdmin};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(web::resource("/setup/{token}").route(web::get().to(check)).route(web::post().to(create_admin)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstAdminDraft {
    /// 3-32 letters, digits, `_` or `-`.
    username: String,
    /// Up to 64 characters; the username when left out.
    #[serde(default)]
    display_name: Option<String>,
    /// At least 10 characters.
    password: String,
    /// For password resets (verified later from the account page).
    #[serde(default)]
    email: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/setup/{token}", tag = "setup",
    params(("token" = String, Path, description = "The token of the setup link the server printed")),
    description = "Whether a setup link still works: 204 while the instance has no admin, 410 once it has one.",
    responses((status = 204), (status = 410, body = crate::error::ErrorBody)))]
pub async fn check(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let token = Token::from_client(&token);
    let usable = state.db.read(move |connection| setup_links::usable(connection, &token)).await?;
    if usable { Ok(HttpResponse::NoContent().finish()) } else { Err(setup::link_gone()) }
}

#[utoipa::path(post, path = "/api/v1/setup/{token}", tag = "setup", request_body = FirstAdminDraft,
    params(("token" = String, Path, description = "The token of the setup link the server printed")),
    description = "Creates the first admin account and signs it in. Works once, and only while the instance has \
    no admin. A 422 names every wrong field at once.",
    responses((status = 201, body = super::sessions::SignedIn), (status = 409, body = crate::error::ErrorBody),
              (status = 410, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_admin(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: web::Json<FirstAdminDraft>,
) -> ApiResult<HttpResponse> {
    let FirstAdminDraft { username, display_name, password, email } = body.into_inner();
    let mut problems = Vec::new();
    let mut field = |name: &str, error: ApiError| {
        problems.push(FieldError { field: name.to_owned(), message: error.message().to_owned() });
    };
    let username = Username::parse(&username).map_err(|error| field("username", error)).ok();
    let shown = display_name.as_deref().map(str::trim).filter(|name| !name.is_empty());
    let display_name = username
        .as_ref()
        .map(|username| DisplayName::parse(shown.unwrap_or(username.as_str())))
        .transpose()
        .map_err(|error| field("display_name", error))
        .ok()
        .flatten();
    let password = Password::parse(password).map_err(|error| field("password", error)).ok();
    let email = email.as_deref().map(str::trim).filter(|email| !email.is_empty()).map(Email::parse).transpose();
    let email = email.map_err(|error| field("email", error)).ok();
    let (Some(username), Some(display_name), Some(password), Some(email)) = (username, display_name, password, email)
    else {
        return Err(ApiError::invalid_fields("invalid_account", problems));
    };
    let token = Token::from_client(&token);
    let check = Token::from_client(token.expose());
    if !state.db.read(move |connection| setup_links::usable(connection, &check)).await? {
        return Err(setup::link_gone());
    }
    let password_hash = state.passwords.hash(&password).await?;
    let instance = state.instance.current();
    let admin = FirstAdmin { username, display_name, email };
    let user_id = state
        .db
        .write(move |connection| setup::create_first_admin(connection, &token, admin, password_hash, &instance))
        .await?;
    start_session(&state, &request, user_id, actix_web::http::StatusCode::CREATED, None).await
}
