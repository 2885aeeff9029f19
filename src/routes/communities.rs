//! Communities: listing and finding them, creating them (admins), joining,
//! leaving, requests to join, and appointing moderators.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::db::communities::{self as store, CommunityRow, NewCommunity};
use crate::db::{AnyConnection, admin_log, users};
use crate::domain::community::{
    CommunityKind, CommunityRole, CommunitySlug, Place, Visibility, check_about, parse_banner, parse_name,
    place_refused,
};
use crate::domain::directory::{distance_km, place_and_reach};
use crate::domain::discussion::render;
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker;
use crate::notify;
use crate::policy::{self, Standing};
use crate::safety::participation;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/communities").route(web::get().to(list)).route(web::post().to(create)))
        .service(web::resource("/communities/{slug}").route(web::get().to(get)))
        .service(
            web::resource("/communities/{slug}/membership").route(web::post().to(join)).route(web::delete().to(leave)),
        )
        .service(web::resource("/communities/{slug}/membership-requests").route(web::get().to(requests)))
        .service(web::resource("/communities/{slug}/membership-requests/{username}").route(web::post().to(decide)))
        .service(
            web::resource("/communities/{slug}/moderators/{username}")
                .route(web::put().to(appoint))
                .route(web::delete().to(dismiss)),
        )
        .service(web::resource("/communities/{slug}/moderators").route(web::get().to(moderators)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityDraft {
    /// The address: 3-48 lower-case letters, digits and single dashes.
    pub slug: String,
    pub name: String,
    pub kind: CommunityKind,
    /// Required for a `place` community, absent for a `condition` one.
    pub place: Option<Place>,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// Markdown.
    #[serde(default)]
    pub rules: String,
    #[serde(default)]
    pub banner: String,
    pub visibility: Visibility,
}

impl CommunityDraft {
    /// Checks and renders a draft into what the store keeps.
    pub fn parse(self) -> ApiResult<NewCommunity> {
        let slug = CommunitySlug::parse(&self.slug)?.into_inner();
        let name = parse_name(&self.name)?;
        let place = match (self.kind, self.place) {
            (CommunityKind::Place, Some(place)) => Some(place.parse()?),
            (CommunityKind::Place, None) => {
                return Err(ApiError::invalid("invalid_place", "A place-based community needs a place."));
            }
            (CommunityKind::Condition, Some(_)) => {
                return Err(place_refused());
            }
            (CommunityKind::Condition, None) => None,
        };
        check_about(&self.description, "A description")?;
        check_about(&self.rules, "Community rules")?;
        let description = render(&self.description)?;
        let rules = render(&self.rules)?;
        Ok(NewCommunity {
            slug,
            name,
            kind: self.kind,
            place,
            description: self.description,
            description_html: description.html,
            rules: self.rules,
            rules_html: rules.html,
            banner: parse_banner(&self.banner)?,
            render_version: description.policy_version,
            visibility: self.visibility,
        })
    }
}

/// The viewer's relation to a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    None,
    Pending,
    Refused,
    Member,
    Moderator,
}

#[derive(Serialize, ToSchema)]
pub struct CommunityView {
    slug: String,
    name: String,
    kind: CommunityKind,
    place: Option<Place>,
    description_html: String,
    rules_html: String,
    banner: String,
    visibility: Visibility,
    member_count: i64,
    created_at: Timestamp,
    /// The viewer's membership; absent for visitors.
    membership: Option<Membership>,
    /// Archived by an admin: readable, but it takes no posts, replies, chat or reactions.
    archived: bool,
    /// From the place given to the community finder, in kilometres.
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_km: Option<f64>,
}

pub fn view(
    row: CommunityRow,
    member_count: i64,
    membership: Option<Membership>,
    archived: bool,
) -> ApiResult<CommunityView> {
    let place = row.place_name.clone().map(|name| Place {
        name,
        region: row.region.clone(),
        latitude: row.latitude,
        longitude: row.longitude,
    });
    Ok(CommunityView {
        kind: CommunityKind::from_stored(&row.kind)?,
        visibility: row.visibility()?,
        slug: row.slug,
        name: row.name,
        place,
        description_html: row.description_html,
        rules_html: row.rules_html,
        banner: row.banner,
        member_count,
        created_at: Timestamp(row.created_at),
        membership,
        archived,
        distance_km: None,
    })
}

fn membership_of(
    community_id: i64,
    roles: &HashMap<i64, CommunityRole>,
    requests: &HashMap<i64, String>,
) -> Membership {
    match (roles.get(&community_id), requests.get(&community_id).map(String::as_str)) {
        (Some(CommunityRole::Moderator), _) => Membership::Moderator,
        (Some(CommunityRole::Member), _) => Membership::Member,
        (None, Some("pending")) => Membership::Pending,
        (None, Some(_)) => Membership::Refused,
        (None, None) => Membership::None,
    }
}

/// Every community with the viewer's membership of each.
fn views_for(
    connection: &mut AnyConnection,
    rows: Vec<CommunityRow>,
    viewer: Option<i64>,
) -> ApiResult<Vec<CommunityView>> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts = store::member_counts(connection, &ids)?;
    let archived = store::archived_among(connection, &ids)?;
    let (roles, requests) = match viewer {
        Some(user_id) => (store::roles_of(connection, user_id)?, store::requests_of(connection, user_id)?),
        None => Default::default(),
    };
    rows.into_iter()
        .map(|row| {
            let membership = viewer.map(|_| membership_of(row.id, &roles, &requests));
            let count = counts.get(&row.id).copied().unwrap_or(0);
            let is_archived = archived.contains(&row.id);
            view(row, count, membership, is_archived)
        })
        .collect()
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FindQuery {
    /// Only communities of this kind.
    kind: Option<CommunityKind>,
    /// Only place communities in this region (ignoring case).
    region: Option<String>,
    /// Where the reader is: with `longitude`, place communities come nearest
    /// first with their distance (those with no place on the map last).
    latitude: Option<f64>,
    longitude: Option<f64>,
    /// Only communities within this many kilometres of the place (0 to 20,000).
    within_km: Option<f64>,
}

impl FindQuery {
    /// The rows that pass, with their distance, nearest first when a place is given.
    fn find(&self, rows: Vec<CommunityRow>) -> ApiResult<Vec<(CommunityRow, Option<f64>)>> {
        let (near, within_km) = place_and_reach(self.latitude, self.longitude, self.within_km)?;
        let region = self.region.as_deref().map(|region| region.trim().to_lowercase());
        let mut found = Vec::new();
        for row in rows {
            if self.kind.is_some_and(|kind| kind.as_str() != row.kind) {
                continue;
            }
            if region
                .as_ref()
                .is_some_and(|region| row.region.as_deref().map(str::to_lowercase).as_ref() != Some(region))
            {
                continue;
            }
            let distance = near.zip(row.latitude.zip(row.longitude)).map(|(from, to)| distance_km(from, to));
            if within_km.is_some_and(|km| distance.is_none_or(|distance| distance > km)) {
                continue;
            }
            found.push((row, distance));
        }
        if near.is_some() {
            // Stable: communities with no place keep their order (by name) after the rest.
            found.sort_by(|a, b| match (a.1, b.1) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        Ok(found)
    }
}

#[utoipa::path(get, path = "/api/v1/communities", tag = "communities", params(FindQuery),
    description = "Every community, by name; filtered by kind, region and distance from a place, and nearest \
    first when a place is given.",
    responses((status = 200, body = Vec<CommunityView>), (status = 400, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<FindQuery>,
) -> ApiResult<web::Json<Vec<CommunityView>>> {
    let viewer_id = viewer.user_id();
    let views = state
        .db
        .read(move |connection| {
            let found = query.find(store::all(connection)?)?;
            let distances: Vec<Option<f64>> = found.iter().map(|(_, distance)| *distance).collect();
            let rows = found.into_iter().map(|(row, _)| row).collect();
            let mut views = views_for(connection, rows, viewer_id)?;
            for (view, distance) in views.iter_mut().zip(distances) {
                view.distance_km = distance;
            }
            Ok(views)
        })
        .await?;
    Ok(web::Json(views))
}

#[utoipa::path(post, path = "/api/v1/communities", tag = "communities", request_body = CommunityDraft,
    responses((status = 201, body = CommunityView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<CommunityDraft>,
) -> ApiResult<HttpResponse> {
    policy::create_community(&member)?;
    let new = body.into_inner().parse()?;
    let row = state
        .db
        .write(move |connection| {
            let row = store::create(connection, new)?;
            admin_log::record_action(connection, member.user_id, "community_created", &row.slug)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(view(row, 0, Some(Membership::None), false)?))
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "communities",
    responses((status = 200, body = CommunityView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<CommunityView>> {
    let viewer_id = viewer.user_id();
    let mut views = state
        .db
        .read(move |connection| {
            let row = store::by_slug(connection, &slug)?;
            views_for(connection, vec![row], viewer_id)
        })
        .await?;
    views.pop().map(web::Json).ok_or_else(|| ApiError::internal("community view missing"))
}

#[derive(Serialize, ToSchema)]
pub struct MembershipView {
    membership: Membership,
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/membership",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "communities",
    description = "Join (public and members-only communities) or ask to join (approval communities): a request \
    is told to the community's moderators (its admins when it has none).",
    responses((status = 200, body = MembershipView), (status = 202, body = MembershipView),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn join(state: web::Data<AppState>, member: Member, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let user_id = member.user_id;
    let origin = state.hub.process_id;
    let (membership, note) = state
        .db
        .write(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            participation::ensure_may_join(connection, user_id, community.id)?;
            match store::role_of(connection, community.id, user_id)? {
                Some(CommunityRole::Moderator) => Ok((Membership::Moderator, None)),
                Some(CommunityRole::Member) => Ok((Membership::Member, None)),
                None if community.visibility()? == Visibility::Approval => {
                    store::request_to_join(connection, community.id, user_id)?;
                    let deciders = store::request_deciders(connection, community.id)?;
                    notify::tell_each(
                        connection,
                        &deciders,
                        NotificationKind::JoinRequest,
                        community.id,
                        Some(user_id),
                    )?;
                    Ok((Membership::Pending, notify::announce(connection, deciders, origin)?))
                }
                None => {
                    store::set_role(connection, community.id, user_id, CommunityRole::Member)?;
                    Ok((Membership::Member, None))
                }
            }
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    let status = if membership == Membership::Pending { StatusCode::ACCEPTED } else { StatusCode::OK };
    Ok(HttpResponse::build(status).json(MembershipView { membership }))
}

#[utoipa::path(delete, path = "/api/v1/communities/{slug}/membership",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "communities",
    description = "Leave a community, or withdraw a request to join it.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn leave(state: web::Data<AppState>, member: Member, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let user_id = member.user_id;
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            store::leave(connection, community.id, user_id)?;
            broker::membership_changed(connection, user_id, origin)
        })
        .await?;
    state.hub.deliver(&note);
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct JoinRequestView {
    username: String,
    display_name: String,
    requested_at: Timestamp,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/membership-requests",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "communities",
    responses((status = 200, body = Vec<JoinRequestView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn requests(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Vec<JoinRequestView>>> {
    let rows = state
        .db
        .read(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            policy::moderate(store::standing(connection, community.id, Some(&member))?)?;
            store::pending_requests(connection, community.id)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(username, display_name, at)| JoinRequestView { username, display_name, requested_at: Timestamp(at) })
            .collect(),
    ))
}

/// The community at `slug`, the acting member's standing in it, and the
/// id of the member the action is about.
fn community_and_member(
    connection: &mut AnyConnection,
    slug: &str,
    acting: &Member,
    username: &str,
) -> ApiResult<(CommunityRow, Standing, i64)> {
    let community = store::by_slug(connection, slug)?;
    let standing = store::standing(connection, community.id, Some(acting))?;
    let user_id = users::id_by_username(connection, username)?;
    Ok((community, standing, user_id))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub decision: DecisionKind,
    /// Told to the member with the decision (at most 1,000 characters).
    #[serde(default)]
    pub message: Option<String>,
}

/// Longest message sent with a decision on a request to join.
const MAX_DECISION_MESSAGE_CHARS: usize = 1000;

#[derive(Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Accept,
    Refuse,
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/membership-requests/{username}",
    params(("slug" = String, Path, description = "The community's slug."), ("username" = String, Path, description = "The member's username.")), tag = "communities",
    request_body = Decision,
    description = "Accept or refuse a request to join; the member is told, with the message if there is one.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn decide(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
    body: web::Json<Decision>,
) -> ApiResult<HttpResponse> {
    let (slug, username) = path.into_inner();
    let Decision { decision, message } = body.into_inner();
    let message = message.map(|message| message.trim().to_owned()).filter(|message| !message.is_empty());
    if message.as_ref().is_some_and(|message| message.chars().count() > MAX_DECISION_MESSAGE_CHARS) {
        return Err(ApiError::invalid(
            "too_long",
            format!("A message with a decision can be at most {MAX_DECISION_MESSAGE_CHARS} characters long."),
        ));
    }
    let accept = decision == DecisionKind::Accept;
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let (community, standing, user_id) = community_and_member(connection, &slug, &member, &username)?;
            policy::moderate(standing)?;
            let decided = store::decide(connection, community.id, user_id, accept, member.user_id, message.as_deref())?;
            notify::tell_each(connection, &[user_id], NotificationKind::JoinDecided, decided, Some(member.user_id))?;
            notify::announce(connection, vec![user_id], origin)
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// One of a community's moderators.
#[derive(Serialize, ToSchema)]
pub struct ModeratorView {
    username: String,
    display_name: String,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/moderators",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "communities",
    description = "The community's moderators, for whoever may read it (404 for a private community's outsiders).",
    responses((status = 200, body = Vec<ModeratorView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn moderators(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Vec<ModeratorView>>> {
    let rows = state
        .db
        .read(move |connection| {
            let (community, _) = store::readable_by_slug(connection, &slug, viewer.0.as_ref())?;
            store::moderators_of(connection, community.id)
        })
        .await?;
    Ok(web::Json(rows.into_iter().map(|(username, display_name)| ModeratorView { username, display_name }).collect()))
}

#[utoipa::path(put, path = "/api/v1/communities/{slug}/moderators/{username}",
    params(("slug" = String, Path, description = "The community's slug."), ("username" = String, Path, description = "The member's username.")), tag = "communities",
    description = "Appoint a moderator (making them a member if they are not one).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn appoint(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, username) = path.into_inner();
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let (community, standing, user_id) = community_and_member(connection, &slug, &member, &username)?;
            policy::moderate(standing)?;
            // Appointing makes a member of someone who is not one: never past a ban.
            participation::ensure_may_join(connection, user_id, community.id)?;
            store::set_role(connection, community.id, user_id, CommunityRole::Moderator)?;
            broker::membership_changed(connection, user_id, origin)
        })
        .await?;
    state.hub.deliver(&note);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/communities/{slug}/moderators/{username}",
    params(("slug" = String, Path, description = "The community's slug."), ("username" = String, Path, description = "The member's username.")), tag = "communities",
    description = "Return a moderator to ordinary membership: admins, or a moderator stepping down.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn dismiss(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (slug, username) = path.into_inner();
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            let (community, standing, user_id) = community_and_member(connection, &slug, &member, &username)?;
            policy::remove_moderator(standing, &member, user_id)?;
            if store::role_of(connection, community.id, user_id)? != Some(CommunityRole::Moderator) {
                return Err(ApiError::not_found("That member is not a moderator here."));
            }
            store::set_role(connection, community.id, user_id, CommunityRole::Member)?;
            broker::membership_changed(connection, user_id, origin)
        })
        .await?;
    state.hub.deliver(&note);
    Ok(HttpResponse::NoContent().finish())
}
