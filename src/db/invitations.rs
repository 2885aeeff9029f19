//! Invitation links and the people who joined through them: making,
//! listing with their counts, withdrawing, using one at registration, and
//! the totals moderators see.

use std::collections::HashMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{invitation_joins, invitations, users};
use crate::domain::joining::{LinkState, unknown_invitation};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct InvitationRow {
    pub id: i64,
    pub code: String,
    pub created_by: i64,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl InvitationRow {
    pub fn state(&self, now: Timestamp) -> LinkState {
        LinkState::of(self.expires_at, self.revoked_at, now)
    }
}

/// Stores a new link by `maker`, unless they have `most_live` usable ones already.
pub fn create(
    connection: &mut AnyConnection,
    maker: i64,
    code: &str,
    expires_at: Option<Timestamp>,
    most_live: i64,
) -> ApiResult<InvitationRow> {
    let now = Timestamp::now();
    let live: i64 = invitations::table
        .filter(invitations::created_by.eq(maker))
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.is_null().or(invitations::expires_at.gt(now.0)))
        .count()
        .get_result(connection)?;
    if live >= most_live {
        return Err(ApiError::conflict(
            "too_many_invitations",
            format!("You have {most_live} links that still work. Withdraw one before making another."),
        ));
    }
    Ok(diesel::insert_into(invitations::table)
        .values((
            invitations::code.eq(code),
            invitations::created_by.eq(maker),
            invitations::created_at.eq(now.0),
            invitations::expires_at.eq(expires_at.map(|at| at.0)),
        ))
        .returning(invitations::all_columns)
        .get_result(connection)?)
}

/// A member's links, newest first, each with how many joined through it.
pub fn made_by(connection: &mut AnyConnection, maker: i64) -> ApiResult<Vec<(InvitationRow, i64)>> {
    let rows: Vec<InvitationRow> =
        invitations::table.filter(invitations::created_by.eq(maker)).order(invitations::id.desc()).load(connection)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts: HashMap<i64, i64> = invitation_joins::table
        .filter(invitation_joins::invitation_id.eq_any(&ids))
        .group_by(invitation_joins::invitation_id)
        .select((invitation_joins::invitation_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(connection)?
        .into_iter()
        .collect();
    Ok(rows.into_iter().map(|row| (row.clone(), counts.get(&row.id).copied().unwrap_or(0))).collect())
}

/// Withdraws one of `maker`'s links (again is fine); another's is not found.
pub fn revoke(connection: &mut AnyConnection, maker: i64, id: i64) -> ApiResult<()> {
    let theirs = invitations::table.find(id).filter(invitations::created_by.eq(maker));
    let found: i64 = theirs.count().get_result(connection)?;
    if found == 0 {
        return Err(ApiError::not_found("You have no invitation link with that number."));
    }
    diesel::update(theirs.filter(invitations::revoked_at.is_null()))
        .set(invitations::revoked_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    Ok(())
}

/// The link with this code and the display name of who made it.
pub fn by_code(connection: &mut AnyConnection, code: &str) -> ApiResult<(InvitationRow, String)> {
    invitations::table
        .inner_join(users::table)
        .filter(invitations::code.eq(code))
        .filter(users::erased_at.is_null())
        .select((invitations::all_columns, users::display_name))
        .first(connection)
        .optional()?
        .ok_or_else(unknown_invitation)
}

/// The usable link with this code, for a registration (in its transaction).
pub fn usable(connection: &mut AnyConnection, code: &str) -> ApiResult<InvitationRow> {
    let (row, _) = by_code(connection, code)?;
    row.state(Timestamp::now()).ensure_usable()?;
    Ok(row)
}

/// Counts `user_id` as having joined through `invitation_id`.
pub fn record_join(connection: &mut AnyConnection, invitation_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::insert_into(invitation_joins::table)
        .values((
            invitation_joins::user_id.eq(user_id),
            invitation_joins::invitation_id.eq(invitation_id),
            invitation_joins::joined_at.eq(Timestamp::now().0),
        ))
        .execute(connection)?;
    Ok(())
}

/// The instance's recruiting as totals: links made, links usable now,
/// members who joined through a link, and members who brought anyone.
pub struct Totals {
    pub links: i64,
    pub usable: i64,
    pub joined: i64,
    pub recruiters: i64,
}

pub fn totals(connection: &mut AnyConnection) -> ApiResult<Totals> {
    let now = Timestamp::now().0;
    let links = invitations::table.count().get_result(connection)?;
    let usable = invitations::table
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.is_null().or(invitations::expires_at.gt(now)))
        .count()
        .get_result(connection)?;
    let joined = invitation_joins::table.count().get_result(connection)?;
    let recruiters = invitation_joins::table
        .inner_join(invitations::table)
        .select(diesel::dsl::count(invitations::created_by).aggregate_distinct())
        .get_result(connection)?;
    Ok(Totals { links, usable, joined, recruiters })
}

/// The link a member joined through, if any: (code, when).
pub fn joined_through(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<(String, i64)>> {
    Ok(invitation_joins::table
        .inner_join(invitations::table)
        .filter(invitation_joins::user_id.eq(user_id))
        .select((invitations::code, invitation_joins::joined_at))
        .first(connection)
        .optional()?)
}

/// Forgets a member (an erasure): the record of how they joined, and the
/// links they made with who joined through them (so nobody can be tied
/// to an erased member's invitation).
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let theirs = invitations::table.filter(invitations::created_by.eq(user_id)).select(invitations::id);
    diesel::delete(
        invitation_joins::table
            .filter(invitation_joins::user_id.eq(user_id).or(invitation_joins::invitation_id.eq_any(theirs))),
    )
    .execute(connection)?;
    diesel::delete(invitations::table.filter(invitations::created_by.eq(user_id))).execute(connection)?;
    Ok(())
}
