//! The first-run setup link: while no admin exists, each start issues one
//! (only its hash is kept); using any of them, or an admin appearing some
//! other way, ends them all.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{setup_links, users};
use crate::auth::session::Token;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// Whether the instance has an admin (an erased one no longer counts).
pub fn admin_exists(connection: &mut AnyConnection) -> ApiResult<bool> {
    let admins: i64 = users::table
        .filter(users::is_admin.eq(true))
        .filter(users::erased_at.is_null())
        .count()
        .get_result(connection)?;
    Ok(admins > 0)
}

/// A new setup link's token, when the instance has no admin yet; with an
/// admin, any links left over are ended and there is none.
pub fn issue_if_needed(connection: &mut AnyConnection) -> ApiResult<Option<Token>> {
    if admin_exists(connection)? {
        diesel::delete(setup_links::table).execute(connection)?;
        return Ok(None);
    }
    let token = Token::generate()?;
    diesel::insert_into(setup_links::table)
        .values((setup_links::token_hash.eq(token.hash()), setup_links::created_at.eq(Timestamp::now().0)))
        .execute(connection)?;
    Ok(Some(token))
}

/// Whether `token` is a setup link that still works.
pub fn usable(connection: &mut AnyConnection, token: &Token) -> ApiResult<bool> {
    let found: i64 =
        setup_links::table.filter(setup_links::token_hash.eq(token.hash())).count().get_result(connection)?;
    Ok(found > 0 && !admin_exists(connection)?)
}

/// Uses `token`, ending every setup link: true when it was one that still
/// worked. Deleting every link first serialises two uses at once (the
/// second finds none), so only one first admin is ever made.
pub fn consume(connection: &mut AnyConnection, token: &Token) -> ApiResult<bool> {
    let ended: Vec<String> =
        diesel::delete(setup_links::table).returning(setup_links::token_hash).get_results(connection)?;
    Ok(ended.contains(&token.hash()) && !admin_exists(connection)?)
}
