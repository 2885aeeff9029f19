//! Communities, who belongs to them, and requests to join.

use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{
    communities, community_archives, community_members, community_policies, join_decisions, membership_requests, users,
};
use super::{AnyConnection, on_each_backend};
use crate::auth::Member;
use crate::domain::community::{CommunityKind, CommunityRole, Place, Visibility};
use crate::domain::following::NotificationKind;
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

    /// Where the community is, for what a thread in it needs to know.
    pub fn place(self) -> CommunityPlace {
        CommunityPlace { id: self.id, slug: self.slug, visibility: self.visibility }
    }
}

/// What a thread needs to know of its community: which it is, its address
/// and who may read it.
#[derive(Debug, Clone, Queryable)]
pub struct CommunityPlace {
    pub id: i64,
    pub slug: String,
    visibility: String,
}

impl CommunityPlace {
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

/// How many communities the instance has.
pub fn count(connection: &mut AnyConnection) -> ApiResult<usize> {
    let count: i64 = communities::table.count().get_result(connection)?;
    Ok(usize::try_from(count).unwrap_or(0))
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
    let role: Option<String> = on_each_backend!(connection, |inner| {
        community_members::table.find((community_id, user_id)).select(community_members::role).first(inner).optional()
    })?;
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

/// The ids of the communities the viewer may read (and search).
pub fn readable_ids(connection: &mut AnyConnection, viewer: Option<&Member>) -> ApiResult<Vec<i64>> {
    let roles = match viewer {
        Some(member) => roles_of(connection, member.user_id)?,
        None => Default::default(),
    };
    let is_admin = viewer.is_some_and(|member| member.is_admin);
    let mut readable = Vec::new();
    for row in all(connection)? {
        let standing = Standing { is_admin, role: roles.get(&row.id).copied() };
        if crate::policy::search_in(row.visibility()?, standing) {
            readable.push(row.id);
        }
    }
    Ok(readable)
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

/// A community's moderators: (username, display name), by username.
pub fn moderators_of(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<(String, String)>> {
    Ok(community_members::table
        .inner_join(users::table.on(users::id.eq(community_members::user_id)))
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
        .order(users::username_key.asc())
        .select((users::username, users::display_name))
        .load(connection)?)
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

/// Accepts or refuses a pending request, keeping the decision and its
/// message for the member; returns the decision's id. A missing request is a 404.
pub fn decide(
    connection: &mut AnyConnection,
    community_id: i64,
    user_id: i64,
    accept: bool,
    decided_by: i64,
    message: Option<&str>,
) -> ApiResult<i64> {
    let pending = membership_requests::table
        .find((community_id, user_id))
        .filter(membership_requests::status.eq("pending"))
        .count()
        .get_result::<i64>(connection)?;
    if pending == 0 {
        return Err(ApiError::not_found("There is no open request from that member."));
    }
    let now = Timestamp::now().0;
    if accept {
        set_role(connection, community_id, user_id, CommunityRole::Member)?;
    } else {
        diesel::update(membership_requests::table.find((community_id, user_id)))
            .set((
                membership_requests::status.eq("refused"),
                membership_requests::decided_by.eq(Some(decided_by)),
                membership_requests::decided_at.eq(Some(now)),
            ))
            .execute(connection)?;
    }
    Ok(diesel::insert_into(join_decisions::table)
        .values((
            join_decisions::community_id.eq(community_id),
            join_decisions::user_id.eq(user_id),
            join_decisions::accepted.eq(accept),
            join_decisions::message.eq(message),
            join_decisions::decided_by.eq(decided_by),
            join_decisions::decided_at.eq(now),
        ))
        .returning(join_decisions::id)
        .get_result(connection)?)
}

/// A decision on a request to join, as its member is told: the community's
/// slug and name, whether it was accepted, and the moderator's message.
pub fn join_decision(connection: &mut AnyConnection, id: i64) -> ApiResult<(String, String, bool, Option<String>)> {
    Ok(join_decisions::table
        .inner_join(communities::table)
        .filter(join_decisions::id.eq(id))
        .select((communities::slug, communities::name, join_decisions::accepted, join_decisions::message))
        .first(connection)?)
}

/// Who hears of a request to join: the community's moderators, or the
/// instance's admins when it has none.
pub fn request_deciders(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<i64>> {
    let moderators: Vec<i64> = community_members::table
        .filter(community_members::community_id.eq(community_id))
        .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
        .select(community_members::user_id)
        .load(connection)?;
    if !moderators.is_empty() {
        return Ok(moderators);
    }
    Ok(users::table
        .filter(users::is_admin.eq(true))
        .filter(users::erased_at.is_null())
        .select(users::id)
        .load(connection)?)
}

/// Requests to join waiting in the communities `member` decides them in
/// (every community for an admin).
pub fn pending_request_count(connection: &mut AnyConnection, member: &Member) -> ApiResult<i64> {
    let mut query = membership_requests::table.filter(membership_requests::status.eq("pending")).into_boxed();
    if !member.is_admin {
        let moderated = community_members::table
            .filter(community_members::user_id.eq(member.user_id))
            .filter(community_members::role.eq(CommunityRole::Moderator.as_str()))
            .select(community_members::community_id);
        query = query.filter(membership_requests::community_id.eq_any(moderated));
    }
    Ok(query.count().get_result(connection)?)
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

/// What an admin changes about a community after creating it; `None` leaves a column as it is.
#[derive(AsChangeset, Default)]
#[diesel(table_name = communities)]
pub struct CommunityChange {
    pub name: Option<String>,
    pub description: Option<String>,
    pub description_html: Option<String>,
    pub rules: Option<String>,
    pub rules_html: Option<String>,
    pub banner: Option<String>,
    pub visibility: Option<String>,
    pub render_version: Option<i32>,
    pub place_name: Option<String>,
    pub region: Option<Option<String>>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
}

/// Applies `change` and returns the community as it is now.
pub fn update(connection: &mut AnyConnection, id: i64, change: CommunityChange) -> ApiResult<CommunityRow> {
    let unchanged = change.name.is_none()
        && change.description.is_none()
        && change.rules.is_none()
        && change.banner.is_none()
        && change.visibility.is_none()
        && change.place_name.is_none();
    if !unchanged {
        diesel::update(communities::table.find(id)).set(change).execute(connection)?;
    }
    by_id(connection, id)
}

/// Archives a community (read-only from now) or opens it again.
pub fn set_archived(connection: &mut AnyConnection, id: i64, archived: bool, by: i64) -> ApiResult<()> {
    diesel::delete(community_archives::table.find(id)).execute(connection)?;
    if archived {
        diesel::insert_into(community_archives::table)
            .values((
                community_archives::community_id.eq(id),
                community_archives::archived_at.eq(Timestamp::now().0),
                community_archives::archived_by.eq(by),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// Which of the communities `ids` are archived.
pub fn archived_among(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<i64>> {
    Ok(community_archives::table
        .filter(community_archives::community_id.eq_any(ids))
        .select(community_archives::community_id)
        .load(connection)?)
}

/// Refuses writing in an archived community (see `policy::take_part`).
pub fn ensure_open(connection: &mut AnyConnection, id: i64) -> ApiResult<()> {
    crate::policy::take_part(!archived_among(connection, &[id])?.is_empty())
}

/// Deletes a community with everything in it: its threads and posts (and,
/// through the database's cascades, their reactions, revisions, follows
/// and search entries), rooms and messages, members, requests, policies
/// and queue items. The moderation log keeps its entries, without the community.
pub fn delete(connection: &mut AnyConnection, id: i64) -> ApiResult<()> {
    use super::schema::{notifications, posts, threads};
    let thread_ids = threads::table.filter(threads::community_id.eq(id)).select(threads::id.nullable());
    diesel::delete(notifications::table.filter(notifications::thread_id.eq_any(thread_ids))).execute(connection)?;
    let requests = notifications::kind.eq(NotificationKind::JoinRequest.as_str()).and(notifications::subject_id.eq(id));
    diesel::delete(notifications::table.filter(requests)).execute(connection)?;
    let decisions: Vec<i64> = join_decisions::table
        .filter(join_decisions::community_id.eq(id))
        .select(join_decisions::id)
        .load(connection)?;
    let decided =
        notifications::kind.eq(NotificationKind::JoinDecided.as_str()).and(notifications::subject_id.eq_any(decisions));
    diesel::delete(notifications::table.filter(decided)).execute(connection)?;
    let events = super::schema::events::table
        .filter(super::schema::events::community_id.eq(id))
        .select(super::schema::events::id);
    let kinds = NotificationKind::OF_EVENTS.map(NotificationKind::as_str);
    diesel::delete(
        notifications::table.filter(notifications::kind.eq_any(kinds)).filter(notifications::subject_id.eq_any(events)),
    )
    .execute(connection)?;
    let goals =
        super::schema::goals::table.filter(super::schema::goals::community_id.eq(id)).select(super::schema::goals::id);
    diesel::delete(
        notifications::table
            .filter(notifications::kind.eq(NotificationKind::GoalMilestone.as_str()))
            .filter(notifications::subject_id.eq_any(goals)),
    )
    .execute(connection)?;
    let thread_ids = threads::table.filter(threads::community_id.eq(id)).select(threads::id);
    diesel::update(posts::table.filter(posts::thread_id.eq_any(thread_ids)))
        .set(posts::parent_id.eq(None::<i64>))
        .execute(connection)?;
    let thread_ids = threads::table.filter(threads::community_id.eq(id)).select(threads::id);
    diesel::delete(posts::table.filter(posts::thread_id.eq_any(thread_ids))).execute(connection)?;
    diesel::delete(threads::table.filter(threads::community_id.eq(id))).execute(connection)?;
    diesel::delete(communities::table.find(id)).execute(connection)?;
    Ok(())
}
