//! Members' private calendar feed links: made, listed, revoked, and found
//! again from the token in a feed's address (only its SHA-256 is stored).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{calendar_links as links, communities};
use crate::auth::session::Token;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// The most links one member keeps.
pub const MAX_PER_MEMBER: i64 = 50;

/// Makes a link; returns its id and the token (shown once).
pub fn create(connection: &mut AnyConnection, user_id: i64, community_id: Option<i64>) -> ApiResult<(i64, Token)> {
    let held: i64 = links::table.filter(links::user_id.eq(user_id)).count().get_result(connection)?;
    if held >= MAX_PER_MEMBER {
        return Err(ApiError::conflict(
            "too_many_calendar_links",
            format!("You can keep at most {MAX_PER_MEMBER} calendar links: revoke one you no longer use first."),
        ));
    }
    let token = Token::generate()?;
    let id = diesel::insert_into(links::table)
        .values((
            links::user_id.eq(user_id),
            links::community_id.eq(community_id),
            links::token_hash.eq(token.hash()),
            links::created_at.eq(Timestamp::now().0),
        ))
        .returning(links::id)
        .get_result(connection)?;
    Ok((id, token))
}

/// A member's links: (id, community slug if any, created at), newest first.
pub fn of_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(i64, Option<String>, i64)>> {
    Ok(links::table
        .left_join(communities::table)
        .filter(links::user_id.eq(user_id))
        .order(links::id.desc())
        .select((links::id, communities::slug.nullable(), links::created_at))
        .load(connection)?)
}

/// Revokes one of a member's links; whether it was theirs.
pub fn revoke(connection: &mut AnyConnection, user_id: i64, id: i64) -> ApiResult<bool> {
    let removed = diesel::delete(links::table.find(id).filter(links::user_id.eq(user_id))).execute(connection)?;
    Ok(removed > 0)
}

/// Whose link a token is, and for which community (none: their own answers).
pub fn by_token(connection: &mut AnyConnection, token: &str) -> ApiResult<(i64, Option<i64>)> {
    links::table
        .filter(links::token_hash.eq(Token::from_client(token).hash()))
        .select((links::user_id, links::community_id))
        .first(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("That calendar link does not work: it may have been revoked."))
}

/// Erasure: every link of the member goes.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(links::table.filter(links::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}
