//! Sessions: a random token given to the client once; only its SHA-256 is
//! stored, so a database leak reveals no usable token, every process can
//! check it, and deleting the row ends the session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{sessions, users};
use crate::db::{AnyConnection, on_each_backend};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker::{self, Note};

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

    /// The SHA-256 that is stored in place of the token (sessions and email links alike).
    pub fn hash(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for byte in Sha256::digest(self.0.as_bytes()) {
            hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        hex
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

/// Where a session was opened: the User-Agent (for the device description)
/// and the peer address (kept only for the IP retention period).
pub struct Origin {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

pub fn create(connection: &mut AnyConnection, user_id: i64, origin: Origin, ttl_seconds: u64) -> ApiResult<Token> {
    let token = Token::generate()?;
    let now = Timestamp::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::user_id.eq(user_id),
            sessions::token_hash.eq(token.hash()),
            sessions::created_at.eq(now.0),
            sessions::last_used_at.eq(now.0),
            sessions::expires_at.eq(now.plus_seconds(ttl_seconds).0),
            sessions::user_agent.eq(origin.user_agent),
            sessions::ip.eq(origin.ip),
        ))
        .execute(connection)?;
    Ok(token)
}

/// The session whose token has this hash (`Token::hash`).
pub fn find(connection: &mut AnyConnection, token_hash: &str) -> ApiResult<Lookup> {
    let row = on_each_backend!(connection, |inner| {
        sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .select((
                sessions::id,
                users::id,
                users::username,
                users::display_name,
                users::is_admin,
                users::is_safeguarding_lead,
                sessions::expires_at,
            ))
            .first::<(i64, i64, String, String, bool, bool, i64)>(inner)
            .optional()
    })?;
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

/// Slides a session's expiry forward; returns the new expiry.
pub fn refresh(connection: &mut AnyConnection, session_id: i64, ttl_seconds: u64) -> ApiResult<Timestamp> {
    let now = Timestamp::now();
    let expires_at = now.plus_seconds(ttl_seconds);
    diesel::update(sessions::table.find(session_id))
        .set((sessions::last_used_at.eq(now.0), sessions::expires_at.eq(expires_at.0)))
        .execute(connection)?;
    Ok(expires_at)
}

/// A session as its member sees it in their list.
#[derive(Debug, Clone, Queryable)]
pub struct SessionRow {
    pub id: i64,
    pub created_at: i64,
    pub last_used_at: i64,
    pub user_agent: Option<String>,
}

/// A member's unexpired sessions, most recently used first.
pub fn list(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<SessionRow>> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(Timestamp::now().0))
        .order((sessions::last_used_at.desc(), sessions::id.desc()))
        .select((sessions::id, sessions::created_at, sessions::last_used_at, sessions::user_agent))
        .load(connection)?)
}

/// Which of a member's sessions to end.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    One(i64),
    AllBut(i64),
    All,
}

/// Ends sessions of `user_id` in the caller's transaction and tells every
/// process's live layer (on commit), so their websockets close at once.
/// The caller hands the returned note to its own hub after the commit.
/// Ending one session that is not the member's is a 404.
pub fn end(connection: &mut AnyConnection, user_id: i64, which: Which, origin: u64) -> ApiResult<Note> {
    let mine = sessions::table.filter(sessions::user_id.eq(user_id));
    let ended: Vec<i64> = match which {
        Which::One(id) => diesel::delete(mine.filter(sessions::id.eq(id))).returning(sessions::id).load(connection)?,
        Which::AllBut(keep) => {
            diesel::delete(mine.filter(sessions::id.ne(keep))).returning(sessions::id).load(connection)?
        }
        Which::All => diesel::delete(mine).returning(sessions::id).load(connection)?,
    };
    if ended.is_empty() && matches!(which, Which::One(_)) {
        return Err(ApiError::not_found("We couldn't find that session."));
    }
    let note = Note::SessionsEnded { sessions: ended, origin };
    broker::notify(connection, &note)?;
    Ok(note)
}

/// Whether a session is still open (the live layer re-checks after it may have missed a note).
pub fn is_open(connection: &mut AnyConnection, session_id: i64) -> ApiResult<bool> {
    let count: i64 = sessions::table
        .filter(sessions::id.eq(session_id))
        .filter(sessions::expires_at.gt(Timestamp::now().0))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}
