//! Single-use links sent by email (verifying an address, resetting a
//! password). Only a token's hash is stored; a new link replaces any
//! earlier one of the same purpose, using a link deletes it, and changing
//! the password or the email voids reset links (see `db::users`).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::email_tokens;
use crate::auth::session::Token;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// Issues a link for `user_id`, replacing any earlier one of the same purpose.
pub fn issue(connection: &mut AnyConnection, user_id: i64, purpose: Purpose, ttl_seconds: u64) -> ApiResult<Token> {
    let token = Token::generate()?;
    let now = Timestamp::now();
    void(connection, user_id, purpose)?;
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose.as_str()),
            email_tokens::token_hash.eq(token.hash()),
            email_tokens::created_at.eq(now.0),
            email_tokens::expires_at.eq(now.plus_seconds(ttl_seconds).0),
        ))
        .execute(connection)?;
    Ok(token)
}

/// Uses a link once: returns its member, or a 410 when the link is unknown,
/// used or expired (all the same to the person holding it).
pub fn consume(connection: &mut AnyConnection, token: &Token, purpose: Purpose) -> ApiResult<i64> {
    let found: Option<(i64, i64)> = diesel::delete(
        email_tokens::table
            .filter(email_tokens::token_hash.eq(token.hash()))
            .filter(email_tokens::purpose.eq(purpose.as_str())),
    )
    .returning((email_tokens::user_id, email_tokens::expires_at))
    .get_result(connection)
    .optional()?;
    match found {
        Some((user_id, expires_at)) if expires_at > Timestamp::now().0 => Ok(user_id),
        _ => Err(ApiError::new(
            actix_web::http::StatusCode::GONE,
            "link_expired",
            "This link has expired or was already used. Please ask for a new one.",
        )),
    }
}

/// Voids every outstanding link of `purpose` for `user_id`.
pub fn void(connection: &mut AnyConnection, user_id: i64, purpose: Purpose) -> ApiResult<()> {
    diesel::delete(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose.as_str())),
    )
    .execute(connection)?;
    Ok(())
}

/// Deletes links past their expiry (the retention job).
pub fn purge_expired(connection: &mut AnyConnection) -> ApiResult<usize> {
    Ok(diesel::delete(email_tokens::table.filter(email_tokens::expires_at.le(Timestamp::now().0)))
        .execute(connection)?)
}
