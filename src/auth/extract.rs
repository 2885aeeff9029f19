//! Extractors that say who is asking: `Member` requires a live session,
//! `Viewer` accepts visitors too. A token comes from `Authorization: Bearer`
//! or the session cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::session::{self, Lookup, SessionUser, Token};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A signed-in member.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Receives crisis items from every community (appointed by an admin).
    pub is_safeguarding_lead: bool,
    pub session_id: i64,
}

/// Whoever is asking: a member, or a visitor (`None`). A stale session
/// reads as a visitor, so an old cookie never blocks public pages.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<Member>);

impl Viewer {
    pub fn user_id(&self) -> Option<i64> {
        self.0.as_ref().map(|member| member.user_id)
    }
}

/// The token of the request's `Authorization: Bearer` header, if it carries one.
pub fn bearer(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// The token a request carries, if any: a bearer token wins over a cookie.
pub fn request_token(request: &HttpRequest) -> Option<Token> {
    match bearer(request) {
        Some(token) => Some(Token::from_client(token)),
        None => request.cookie(session::COOKIE_NAME).map(|cookie| Token::from_client(cookie.value())),
    }
}

/// Resolves the request's session, sliding its expiry forward when due.
async fn authenticate(request: HttpRequest) -> ApiResult<Member> {
    let state = request
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?
        .clone();
    let token =
        request_token(&request).ok_or_else(|| ApiError::unauthorized("not_signed_in", "Please sign in to do that."))?;
    member_of(&state, token).await
}

/// The member whose live session `token` is, sliding its expiry forward
/// when due. A session read a moment ago is taken from memory
/// (`SessionCache`), which every ended session and changed account leaves at once.
pub async fn member_of(state: &AppState, token: Token) -> ApiResult<Member> {
    let ttl = state.settings.session_ttl_seconds;
    let token_hash = token.hash();
    let sessions = &state.hub.sessions;
    let user = match sessions.get(&token_hash) {
        Ok(user) => user,
        Err(ticket) => {
            let lookup_hash = token_hash.clone();
            let user = live(state.db.read_quick(move |connection| session::find(connection, &lookup_hash)).await?)?;
            sessions.remember(token_hash.clone(), user.clone(), ticket);
            user
        }
    };
    if session::needs_refresh(user.expires_at, ttl) {
        let session_id = user.session_id;
        let expires_at = state.db.write_unseen(move |connection| session::refresh(connection, session_id, ttl)).await?;
        sessions.slid(&token_hash, expires_at);
    }
    Ok(Member {
        user_id: user.user_id,
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        is_safeguarding_lead: user.is_safeguarding_lead,
        session_id: user.session_id,
    })
}

/// The session a lookup found, or why there is none.
fn live(lookup: Lookup) -> ApiResult<SessionUser> {
    match lookup {
        Lookup::Live(user) => Ok(user),
        Lookup::Expired => {
            Err(ApiError::unauthorized("session_expired", "Your session has expired. Please sign in again."))
        }
        Lookup::Unknown => {
            Err(ApiError::unauthorized("session_invalid", "Your session has ended. Please sign in again."))
        }
    }
}

impl FromRequest for Member {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(request.clone()))
    }
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            if request_token(&request).is_none() {
                return Ok(Viewer(None));
            }
            match authenticate(request).await {
                Ok(member) => Ok(Viewer(Some(member))),
                Err(error) if error.code().starts_with("session_") => Ok(Viewer(None)),
                Err(error) => Err(error),
            }
        })
    }
}
