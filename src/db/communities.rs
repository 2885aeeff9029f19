//! Communities, who belongs to them, and requests to join.

use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{communities, community_members, community_policies, membership_requests, users};
use super::{AnyConnection, on_each_backend};
use crate::auth::Member;
use crate::domain::community::{CommunityKind, CommunityRole, Place, Visibility};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};
use crate::policy::Standing;

#[derive(Debug, Clone, Queryable)]
pub struct CommunityRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub place_name: Option<String>,
    pub region: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: String,
    pub description_html: String,
    pub rules: String,
    pub rules_html: String,
    pub banner: String,
    pub render_version: i32,
    pub visibility: String,
    pub created_at: i64,
}

impl CommunityRow {
    pub fn visibility(&self) -> ApiResult<Visibility> {
        Visibility::from_stored(&self.visibility)
    }
}

/// Every community has a chat room from the start.
pub const DEFAULT_ROOM_NAME: &str = "General";

pub struct NewCommunity {
    pub slug: String,
    pub name: String,
    pub kind: CommunityKind,
    pub place: Option<Place>,
    pub description: String,
    pub description_html: String,
    pub rules: String,
    pub rules_html: String,
    pub banner: String,
    pub render_version: i32,
    pub visibility: Visibility,
}

/// Creates the community and its default chat room.
pub fn create(connection: &mut AnyConnection, new: NewCommunity) -> ApiResult<CommunityRow> {
    let place = new.place.unwrap_or(Place { name: String::new(), region: None, latitude: None, longitude: None });
    let inserted = diesel::insert_into(communities::table)
        .values((
            communities::slug.eq(new.slug),
            communities::name.eq(new.name),
            communities::kind.eq(new.kind.as_str()),
            communities::place_name.eq(Some(place.name).filter(|name| !name.is_empty())),
            communities::region.eq(place.region),
            communities::latitude.eq(place.latitude),
            communities::longitude.eq(place.longitude),
            communities::description.eq(new.description),
            communities::description_html.eq(new.description_html),
            communities::rules.eq(new.rules),
            communities::rules_html.eq(new.rules_html),
            communities::banner.eq(new.banner),
            communities::render_version.eq(new.render_version),
            communities::visibility.eq(new.visibility.as_str()),
            communities::created_at.eq(Timestamp::now().0),
        ))
        .returning(communities::all_columns)
        .get_result::<CommunityRow>(connection);
    let community = match inserted {
        Err(error) if is_unique_violation(&error) => {
            return Err(ApiError::conflict("slug_taken", "A community already uses that address."));
        }
        other => other?,
    };
    super::chat::create_room(connection, community.id, DEFAULT_ROOM_NAME, true)?;
    Ok(community)
}

pub fn by_slug(connection: &mut AnyConnection, slug: &str) -> ApiResult<CommunityRow> {
    communities::table
        .filter(communities::slug.eq(slug))
        .first::<CommunityRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("There is no community at that address."))
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<CommunityRow> {
    Ok(communities::table.find(id).first::<CommunityRow>(connection)?)
}

pub fn all(connection: &mut AnyConnection) -> ApiResult<Vec<CommunityRow>> {
    Ok(communities::table.order(communities::name.asc()).load::<CommunityRow>(connection)?)
}

/// Member counts for the given communities.
pub fn member_counts(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = community_members::table
        .filter(community_members::community_id.eq_any(ids))
        .group_by(community_members::community_id)
        .select((community_members::community_id, count_star()))
        .load(connection)?;
    Ok(rows.into_iter().collect())
}

/// A member's role in each community they belong to.
pub fn roles_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<HashMap<i64, CommunityRole>> {
    let rows: Vec<(i64, String)> = community_members::table
        .filter(community_members::user_id.eq(user_id))
        .select((community_members::community_id, community_members::role))
        .load(connection)?;
    rows.into_iter().map(|(id, role)| Ok((id, CommunityRole::from_stored(&role)?))).collect()
}

/// A member's open or refused join requests, by community.
pub fn requests_of(connection: &mut AnyConnection, user_id: i64) -> ApiResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = membership_requests::table
        .filter(membership_requests::user_id.eq(user_id))
        .select((membership_requests::community_id, membership_requests::status))
        .load(connection)?;
    Ok(rows.into_iter().collect())
}

/// Each of `user_ids`'s standing in the community (admin, and role if a
/// member), read in one query; ids that name nobody are left out.
pub fn standings_in(
    connection: &mut AnyConnection,
    community_id: i64,
    user_ids: &[i64],
) -> ApiResult<HashMap<i64, Standing>> {
    let membership = community_members::user_id.eq(users::id).and(community_members::community_id.eq(community_id));
    let rows: Vec<(i64, bool, Option<String>)> = users::table
        .left_join(community_members::table.on(membership))
        .filter(users::id.eq_any(user_ids))
        .select((users::id, users::is_admin, community_members::role.nullable()))
        .load(connection)?;
    rows.into_iter()
        .map(|(user_id, is_admin, role)| {
            let role = role.as_deref().map(CommunityRole::from_stored).transpose()?;
            Ok((user_id, Standing { is_admin, role }))
        })
        .collect()
}

pub fn role_of(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<Option<CommunityRole>> {
    let role: Option<String> = community_members::table
        .find((community_id, user_id))
        .select(community_members::role)
        .first(connection)
        .optional()?;
    role.map(|role| CommunityRole::from_stored(&role)).transpose()
}

/// How the viewer stands in a community.
pub fn standing(connection: &mut AnyConnection, community_id: i64, viewer: Option<&Member>) -> ApiResult<Standing> {
    let Some(member) = viewer else {
        return Ok(Standing::VISITOR);
    };
    Ok(Standing { is_admin: member.is_admin, role: role_of(connection, community_id, member.user_id)? })
}

/// The community at `slug`, if the viewer may read its threads, posts and
/// rooms, with their standing there; anyone else gets a 404.
pub fn readable_by_slug(
    connection: &mut AnyConnection,
    slug: &str,
    viewer: Option<&Member>,
) -> ApiResult<(CommunityRow, Standing)> {
    let community = by_slug(connection, slug)?;
    readable(connection, community, viewer)
}

/// As `readable_by_slug`, for a community known by id (from a thread or room).
pub fn readable_by_id(
    connection: &mut AnyConnection,
    id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(CommunityRow, Standing)> {
    let community = by_id(connection, id)?;
    readable(connection, community, viewer)
}

fn readable(
    connection: &mut AnyConnection,
    community: CommunityRow,
    viewer: Option<&Member>,
) -> ApiResult<(CommunityRow, Standing)> {
    let standing = standing(connection, community.id, viewer)?;
    crate::policy::read_threads(community.visibility()?, standing)?;
    Ok((community, standing))
}

/// Makes `user_id` a member with `role`, or changes the role of one who is.
pub fn set_role(connection: &mut AnyConnection, community_id: i64, user_id: i64, role: CommunityRole) -> ApiResult<()> {
    let updated = diesel::update(community_members::table.find((community_id, user_id)))
        .set(community_members::role.eq(role.as_str()))
        .execute(connection)?;
    if updated == 0 {
        diesel::insert_into(community_members::table)
            .values((
                community_members::community_id.eq(community_id),
                community_members::user_id.eq(user_id),
                community_members::role.eq(role.as_str()),
                community_members::joined_at.eq(Timestamp::now().0),
            ))
            .execute(connection)?;
    }
    diesel::delete(membership_requests::table.find((community_id, user_id))).execute(connection)?;
    Ok(())
}

/// Leaves a community (and withdraws any request to join it).
pub fn leave(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::delete(community_members::table.find((community_id, user_id))).execute(connection)?;
    diesel::delete(membership_requests::table.find((community_id, user_id))).execute(connection)?;
    Ok(())
}

/// Opens (or reopens, after a refusal) a request to join.
pub fn request_to_join(connection: &mut AnyConnection, community_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::delete(membership_requests::table.find((community_id, user_id))).execute(connection)?;
    diesel::insert_into(membership_requests::table)
        .values((
            membership_requests::community_id.eq(community_id),
            membership_requests::user_id.eq(user_id),
            membership_requests::status.eq("pending"),
            membership_requests::requested_at.eq(Timestamp::now().0),
        ))
        .execute(connection)?;
    Ok(())
}

/// A pending request: (username, display name, requested at).
pub fn pending_requests(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<(String, String, i64)>> {
    Ok(membership_requests::table
        .inner_join(users::table.on(users::id.eq(membership_requests::user_id)))
        .filter(membership_requests::community_id.eq(community_id))
        .filter(membership_requests::status.eq("pending"))
        .order(membership_requests::requested_at.asc())
        .select((users::username, users::display_name, membership_requests::requested_at))
        .load(connection)?)
}

/// Accepts or refuses a pending request; a missing one is a 404.
pub fn decide(
    connection: &mut AnyConnection,
    community_id: i64,
    user_id: i64,
    accept: bool,
    decided_by: i64,
) -> ApiResult<()> {
    let pending = membership_requests::table
        .find((community_id, user_id))
        .filter(membership_requests::status.eq("pending"))
        .count()
        .get_result::<i64>(connection)?;
    if pending == 0 {
        return Err(ApiError::not_found("There is no open request from that member."));
    }
    if accept {
        return set_role(connection, community_id, user_id, CommunityRole::Member);
    }
    diesel::update(membership_requests::table.find((community_id, user_id)))
        .set((
            membership_requests::status.eq("refused"),
            membership_requests::decided_by.eq(Some(decided_by)),
            membership_requests::decided_at.eq(Some(Timestamp::now().0)),
        ))
        .execute(connection)?;
    Ok(())
}

/// How many of a member's first posts the community holds for approval.
pub fn hold_first_posts(connection: &mut AnyConnection, community_id: i64) -> ApiResult<i32> {
    Ok(community_policies::table
        .find(community_id)
        .select(community_policies::hold_first_posts)
        .first::<i32>(connection)
        .optional()?
        .unwrap_or(0))
}

pub fn set_hold_first_posts(connection: &mut AnyConnection, community_id: i64, count: i32) -> ApiResult<()> {
    let row = (community_policies::community_id.eq(community_id), community_policies::hold_first_posts.eq(count));
    on_each_backend!(connection, |inner| {
        diesel::insert_into(community_policies::table)
            .values(row)
            .on_conflict(community_policies::community_id)
            .do_update()
            .set(community_policies::hold_first_posts.eq(count))
            .execute(inner)
    })?;
    Ok(())
}
