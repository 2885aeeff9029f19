//! Sessions: a random token given to the client once; only its SHA-256 is
//! stored, so a database leak reveals no usable token, every process can
//! check it, and deleting the row ends the session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::AnyConnection;
use crate::db::schema::{sessions, users};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

pub const COOKIE_NAME: &str = "kindred_session";

/// A session token as the client holds it.
pub struct Token(String);

impl Token {
    pub fn generate() -> ApiResult<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn from_client(text: &str) -> Self {
        Self(text.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        digest.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// The member behind a live session.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    pub is_safeguarding_lead: bool,
    pub expires_at: Timestamp,
}

pub enum Lookup {
    Live(SessionUser),
    Expired,
    Unknown,
}

pub fn create(
    connection: &mut AnyConnection,
    user_id: i64,
    user_agent: Option<String>,
    ttl_seconds: u64,
) -> ApiResult<Token> {
    let token = Token::generate()?;
    let now = Timestamp::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_hash.eq(token.hash()),
            sessions::created_at.eq(now.0),
            sessions::last_used_at.eq(now.0),
            sessions::expires_at.eq(now.plus_seconds(ttl_seconds).0),
            sessions::user_agent.eq(user_agent),
        ))
        .execute(connection)?;
    Ok(token)
}

pub fn find(connection: &mut AnyConnection, token: &Token) -> ApiResult<Lookup> {
    let row = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token.hash()))
        .select((
            sessions::id,
            users::id,
            users::username,
            users::display_name,
            users::is_admin,
            users::is_safeguarding_lead,
            sessions::expires_at,
        ))
        .first::<(i64, i64, String, String, bool, bool, i64)>(connection)
        .optional()?;
    Ok(match row {
        None => Lookup::Unknown,
        Some((.., expires_at)) if expires_at <= Timestamp::now().0 => Lookup::Expired,
        Some((session_id, user_id, username, display_name, is_admin, is_safeguarding_lead, expires_at)) => {
            Lookup::Live(SessionUser {
                session_id,
                user_id,
                username,
                display_name,
                is_admin,
                is_safeguarding_lead,
                expires_at: Timestamp(expires_at),
            })
        }
    })
}

/// Whether a session's expiry is due to slide forward: after a tenth of its
/// lifetime (at most five minutes), so a busy member doesn't write on every
/// request.
pub fn needs_refresh(expires_at: Timestamp, ttl_seconds: u64) -> bool {
    let step = (ttl_seconds / 10).clamp(1, 300);
    let full = Timestamp::now().plus_seconds(ttl_seconds);
    full.0 - expires_at.0 >= (step as i64) * 1000
}

pub fn refresh(connection: &mut AnyConnection, session_id: i64, ttl_seconds: u64) -> ApiResult<()> {
    let now = Timestamp::now();
    diesel::update(sessions::table.find(session_id))
        .set((sessions::last_used_at.eq(now.0), sessions::expires_at.eq(now.plus_seconds(ttl_seconds).0)))
        .execute(connection)?;
    Ok(())
}

pub fn end(connection: &mut AnyConnection, session_id: i64) -> ApiResult<()> {
    diesel::delete(sessions::table.find(session_id)).execute(connection)?;
    Ok(())
}

/// Ends every session of a member (after a password reset).
pub fn end_all(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}
