//! A community's organisers: members its moderators (or an admin) appointed
//! to organise there (events, and what later work builds on the role).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{communities, community_organisers as organisers, users};
use crate::auth::Member;
use crate::domain::time::Timestamp;
use crate::error::{ApiResult, is_unique_violation};
use crate::policy::Standing;

/// Appoints an organiser; appointing one twice changes nothing. Whether it
/// was new, so only a real change is logged.
pub fn appoint(connection: &mut AnyConnection, community_id: i64, user_id: i64, by: i64) -> ApiResult<bool> {
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(organisers::table)
            .values((
                organisers::community_id.eq(community_id),
                organisers::user_id.eq(user_id),
                organisers::appointed_by.eq(by),
                organisers::appointed_at.eq(Timestamp::now().0),
            ))
            .execute(connection)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Removes an organiser; whether they were one.
pub fn remove(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<bool> {
    let removed = diesel::delete(organisers::table.find((community_id, user_id))).execute(connection)?;
    Ok(removed > 0)
}

/// Whether a member organises in this community.
pub fn organises(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<bool> {
    let found: i64 = organisers::table.find((community_id, user_id)).count().get_result(connection)?;
    Ok(found > 0)
}

/// A member's standing in a community and whether they organise there:
/// what `policy::organise` decides on.
pub fn standing_to_organise(
    connection: &mut AnyConnection,
    community_id: i64,
    member: Option<&Member>,
) -> ApiResult<(Standing, bool)> {
    let standing = super::communities::standing(connection, community_id, member)?;
    Ok((standing, organises_if_signed_in(connection, community_id, member)?))
}

/// Whether a viewer (signed in or not) organises in this community.
pub fn organises_if_signed_in(
    connection: &mut AnyConnection,
    community_id: i64,
    viewer: Option<&Member>,
) -> ApiResult<bool> {
    match viewer {
        Some(member) => organises(connection, community_id, member.user_id),
        None => Ok(false),
    }
}

/// One organiser as listed.
#[derive(Queryable)]
pub struct OrganiserRow {
    pub username: String,
    pub display_name: String,
    pub appointed_at: i64,
}

/// A community's organisers, longest-serving first.
pub fn of_community(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<OrganiserRow>> {
    Ok(organisers::table
        .inner_join(users::table)
        .filter(organisers::community_id.eq(community_id))
        .order((organisers::appointed_at.asc(), users::username_key.asc()))
        .select((users::username, users::display_name, organisers::appointed_at))
        .load(connection)?)
}

/// The communities (slugs) a member organises in, with when they were appointed.
pub fn roles_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(String, i64)>> {
    Ok(organisers::table
        .inner_join(communities::table)
        .filter(organisers::user_id.eq(user_id))
        .order(communities::slug.asc())
        .select((communities::slug, organisers::appointed_at))
        .load(connection)?)
}

/// What the admin log calls an appointment and a removal (its value is the username).
pub const LOGGED: [&str; 2] = ["organiser_appointed", "organiser_removed"];

/// Ends every appointment of a member (erasure), forgets them as the one
/// who appointed others, and takes their name out of the log of appointments.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let username: String = users::table.find(user_id).select(users::username).first(connection)?;
    super::admin_log::forget_value(connection, &LOGGED, &username)?;
    diesel::delete(organisers::table.filter(organisers::user_id.eq(user_id))).execute(connection)?;
    diesel::update(organisers::table.filter(organisers::appointed_by.eq(user_id)))
        .set(organisers::appointed_by.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}
