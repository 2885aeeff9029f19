//! Signing in and out, and a member's list of their sessions. A session's
//! token is returned once, in the body (for apps, as a bearer token) and as
//! an HttpOnly cookie (for browsers). Ending a session also closes its live
//! websocket, in every process.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::auth::session::{self, COOKIE_NAME, Origin, Which};
use crate::db::users;
use crate::domain::account::Username;
use crate::domain::device;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::safety::limits::{Counted, count_attempt, count_failed_sign_in, slow_down_guessed_account};
use crate::safety::participation;
use crate::state::AppState;
use crate::views::support::Support;

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
    /// Helplines, when the display name given at registration suggests the member may be at risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<Support>,
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SignIn,
    description = "Sign in. A banned account, or one whose application to join is waiting (`application_pending`) \
    or was declined (`application_declined`), is refused with 403.",
    responses((status = 200, body = SignedIn), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn sign_in(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Json<SignIn>,
) -> ApiResult<HttpResponse> {
    let SignIn { username, password } = body.into_inner();
    let account = username.to_lowercase();
    count_attempt(&state, &request, Counted::SignInFromAddress, None).await?;
    count_attempt(&state, &request, Counted::SignInToAccountFromAddress, Some(&account)).await?;
    slow_down_guessed_account(&state, &account).await?;
    // A name no account could have (PostgreSQL refuses a NUL in text) is
    // looked up nowhere and answered like any unknown user.
    let found = match Username::parse(&username) {
        Ok(username) => state.db.read(move |connection| users::credentials(connection, username.as_str())).await?,
        Err(_) => None,
    };
    let (user_id, stored_hash) = match found {
        Some((id, hash)) => (Some(id), Some(hash)),
        None => (None, None),
    };
    let matched = state.passwords.verify(&password, stored_hash).await?;
    match user_id {
        Some(user_id) if matched => {
            state.db.read(move |connection| participation::ensure_may_sign_in(connection, user_id)).await?;
            start_session(&state, &request, user_id, StatusCode::OK, None).await
        }
        _ => {
            count_failed_sign_in(&state, &account).await?;
            Err(ApiError::unauthorized("invalid_credentials", "That username and password don't match an account."))
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "sessions",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn sign_out(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    end_sessions(&state, member.user_id, Which::One(member.session_id)).await?;
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
    support: Option<Support>,
) -> ApiResult<HttpResponse> {
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .map(|agent| agent.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
    // The peer's address, not a forwarded-for header anyone could write;
    // the retention job forgets it after `ip_retention_days`.
    let ip = request.peer_addr().map(|address| address.ip().to_string());
    let ttl = state.settings.session_ttl_seconds;
    let (token, username) = state
        .db
        .write_unseen(move |connection| {
            let token = session::create(connection, user_id, Origin { user_agent, ip }, ttl)?;
            let (username, _) = users::names_of(connection, user_id)?;
            Ok((token.expose().to_owned(), username))
        })
        .await?;
    Ok(HttpResponse::build(status).cookie(session_cookie(token.clone(), state)).json(SignedIn {
        token,
        username,
        support,
    }))
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

/// Ends sessions of a member and closes their live connections here and
/// (through the broker) in every other process.
pub async fn end_sessions(state: &AppState, user_id: i64, which: Which) -> ApiResult<()> {
    let origin = state.hub.process_id;
    let note = state.db.write_unseen(move |connection| session::end(connection, user_id, which, origin)).await?;
    state.hub.deliver(&note);
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    id: i64,
    created_at: Timestamp,
    last_used_at: Timestamp,
    /// A coarse description from the User-Agent, e.g. "Firefox on Linux"; never the address.
    device: String,
    /// The session this request was made with.
    current: bool,
}

#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "sessions",
    description = "The member's open sessions, most recently used first.",
    responses((status = 200, body = Vec<SessionView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<SessionView>>> {
    let user_id = member.user_id;
    let rows = state.db.read(move |connection| session::list(connection, user_id)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|row| SessionView {
                id: row.id,
                created_at: Timestamp(row.created_at),
                last_used_at: Timestamp(row.last_used_at),
                device: device::describe(row.user_agent.as_deref()),
                current: row.id == member.session_id,
            })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}",
    params(("id" = i64, Path, description = "The session's id.")), tag = "sessions",
    description = "End one of the member's sessions; its device is signed out at once, live connection included.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn end_one(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    end_sessions(&state, member.user_id, Which::One(id.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "sessions",
    description = "End every session of the member except the one making this request.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn end_others(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    end_sessions(&state, member.user_id, Which::AllBut(member.session_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
