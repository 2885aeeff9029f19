//! Signing in and out. A session's token is returned once, in the body
//! (for apps, as a bearer token) and as an HttpOnly cookie (for browsers).

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::auth::session::{self, COOKIE_NAME};
use crate::db::users;
use crate::error::{ApiError, ApiResult};
use crate::safety::limits::{Counted, count_attempt};
use crate::safety::participation;
use crate::state::AppState;

/// How long the browser keeps the cookie; the server's sliding expiry is
/// what actually ends a session.
const COOKIE_MAX_AGE_DAYS: i64 = 400;
const MAX_USER_AGENT_CHARS: usize = 120;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SignedIn {
    /// The session token, for `Authorization: Bearer`; browsers can rely on the cookie.
    token: String,
    username: String,
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignIn,
    responses((status = 200, body = SignedIn), (status = 401, body = crate::error::ErrorBody)))]
pub async fn sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<SignIn>,
) -> ApiResult<HttpResponse> {
    let SignIn { username, password } = body.into_inner();
    count_attempt(&state, &request, Counted::SignInFromAddress, None).await?;
    count_attempt(&state, &request, Counted::SignInToAccount, Some(&username.to_lowercase())).await?;
    let found = state.db.read(move |connection| users::credentials(connection, &username)).await?;
    let (user_id, stored_hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = state.passwords.verify(&password, stored_hash).await?;
    match user_id {
        Some(user_id) if matched => {
            state.db.read(move |connection| participation::ensure_may_sign_in(connection, user_id)).await?;
            start_session(&state, &request, user_id, StatusCode::OK).await
        }
        _ => Err(ApiError::unauthorized("invalid_credentials", "That username and password don't match an account.")),
    }
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn sign_out(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let session_id = member.session_id;
    state.db.write(move |connection| session::end(connection, session_id)).await?;
    let mut gone = session_cookie(String::new(), &state);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Opens a session for `user_id` and answers with its token and cookie.
pub async fn start_session(
    state: &AppState,
    request: &HttpRequest,
    user_id: i64,
    status: StatusCode,
) -> ApiResult<HttpResponse> {
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
    let ttl = state.settings.session_ttl_seconds;
    let (token, username) = state
        .db
        .write(move |connection| {
            let token = session::create(connection, user_id, user_agent, ttl)?;
            let (username, _) = users::names_of(connection, user_id)?;
            Ok((token.expose().to_owned(), username))
        })
        .await?;
    Ok(HttpResponse::build(status).cookie(session_cookie(token.clone(), state)).json(SignedIn { token, username }))
}

fn session_cookie(token: String, state: &AppState) -> Cookie<'static> {
    Cookie::build(COOKIE_NAME, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .max_age(Duration::days(COOKIE_MAX_AGE_DAYS))
        .finish()
}
