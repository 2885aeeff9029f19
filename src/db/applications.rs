//! Applications to join the instance (joining by approval): stored with
//! the account they would admit, listed for admins while pending, and
//! decided once.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{join_applications, users};
use crate::domain::joining::ApplicationStatus;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// Stores `user_id`'s application, pending, with the link they came by.
pub fn create(
    connection: &mut AnyConnection,
    user_id: i64,
    note: Option<&str>,
    invitation_id: Option<i64>,
) -> ApiResult<()> {
    diesel::insert_into(join_applications::table)
        .values((
            join_applications::user_id.eq(user_id),
            join_applications::note.eq(note),
            join_applications::invitation_id.eq(invitation_id),
            join_applications::status.eq(ApplicationStatus::Pending.as_str()),
            join_applications::applied_at.eq(Timestamp::now().0),
        ))
        .execute(connection)?;
    Ok(())
}

/// An account's application, if it applied: its status and the admin's message.
pub fn of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<(ApplicationStatus, Option<String>)>> {
    let row: Option<(String, Option<String>)> = join_applications::table
        .find(user_id)
        .select((join_applications::status, join_applications::message))
        .first(connection)
        .optional()?;
    row.map(|(status, message)| Ok((ApplicationStatus::parse(&status)?, message))).transpose()
}

/// A pending application as admins see it.
#[derive(Queryable)]
pub struct Pending {
    pub username: String,
    pub display_name: String,
    pub note: Option<String>,
    pub applied_at: i64,
    pub has_email: bool,
}

/// Most pending applications one page lists.
pub const PAGE: i64 = 100;

/// An application as read: username, display name, note, when, email.
type ApplicationRow = (String, String, Option<String>, i64, Option<String>);

/// The oldest pending applications first.
pub fn pending(connection: &mut AnyConnection) -> ApiResult<Vec<Pending>> {
    let rows: Vec<ApplicationRow> = join_applications::table
        .inner_join(users::table)
        .filter(join_applications::status.eq(ApplicationStatus::Pending.as_str()))
        .order((join_applications::applied_at.asc(), join_applications::user_id.asc()))
        .limit(PAGE)
        .select((
            users::username,
            users::display_name,
            join_applications::note,
            join_applications::applied_at,
            users::email,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(username, display_name, note, applied_at, email)| Pending {
            username,
            display_name,
            note,
            applied_at,
            has_email: email.is_some(),
        })
        .collect())
}

/// How many applications wait.
pub fn pending_count(connection: &mut AnyConnection) -> ApiResult<i64> {
    Ok(join_applications::table
        .filter(join_applications::status.eq(ApplicationStatus::Pending.as_str()))
        .count()
        .get_result(connection)?)
}

/// Decides `user_id`'s pending application (none is a 404, one decided
/// already a 409); returns the link they came by.
pub fn decide(
    connection: &mut AnyConnection,
    user_id: i64,
    decision: ApplicationStatus,
    decided_by: i64,
    message: Option<&str>,
) -> ApiResult<Option<i64>> {
    match of(connection, user_id)? {
        None => return Err(ApiError::not_found("That member has no application to decide.")),
        Some((ApplicationStatus::Pending, _)) => {}
        Some(_) => return Err(ApiError::conflict("already_decided", "That application was decided already.")),
    }
    let changed = diesel::update(
        join_applications::table
            .find(user_id)
            .filter(join_applications::status.eq(ApplicationStatus::Pending.as_str())),
    )
    .set((
        join_applications::status.eq(decision.as_str()),
        join_applications::decided_by.eq(Some(decided_by)),
        join_applications::decided_at.eq(Some(Timestamp::now().0)),
        join_applications::message.eq(message),
    ))
    .execute(connection)?;
    if changed == 0 {
        return Err(ApiError::conflict("already_decided", "That application was decided already."));
    }
    Ok(join_applications::table.find(user_id).select(join_applications::invitation_id).first(connection)?)
}

/// The member's application for their export: (status, note, applied, decided, message).
pub type Record = (String, Option<String>, i64, Option<i64>, Option<String>);

pub fn record_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<Record>> {
    Ok(join_applications::table
        .find(user_id)
        .select((
            join_applications::status,
            join_applications::note,
            join_applications::applied_at,
            join_applications::decided_at,
            join_applications::message,
        ))
        .first(connection)
        .optional()?)
}

/// Forgets a member's application (an erasure), and that anyone applied
/// through the links they made.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    use super::schema::invitations;
    diesel::delete(join_applications::table.find(user_id)).execute(connection)?;
    let their_links = invitations::table.filter(invitations::created_by.eq(user_id)).select(invitations::id.nullable());
    diesel::update(join_applications::table.filter(join_applications::invitation_id.eq_any(their_links)))
        .set(join_applications::invitation_id.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}
