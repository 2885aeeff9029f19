//! Calendar feeds (iCalendar): one event's `.ics`, a public community's
//! feed, and the private links a member makes for a community they read
//! or for the events they answered, each revocable.

use std::collections::BTreeSet;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Member, Viewer};
use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::{AnyConnection, calendar_links, event_series, events, users};
use crate::domain::event::RsvpStatus;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy::{self, Standing};
use crate::state::AppState;
use crate::views::calendar::{self, Feed};

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/communities/{slug}/calendar.ics").route(web::get().to(community_feed)))
        .service(web::resource("/events/{id}/calendar.ics").route(web::get().to(one_event)))
        .service(web::resource("/me/calendar-links").route(web::get().to(links)).route(web::post().to(make_link)))
        .service(web::resource("/me/calendar-links/{id}").route(web::delete().to(revoke_link)))
        .service(web::resource("/calendars/{token}.ics").route(web::get().to(private_feed)));
}

/// The most events a feed holds (the newest).
const FEED_EVENTS: i64 = 500;

/// A community's calendar: its single events, and each repeating event once, as its series.
fn community_calendar(connection: &mut AnyConnection, community: &CommunityRow, origin: &str) -> ApiResult<String> {
    let list = events::of_community(connection, community.id, FEED_EVENTS)?;
    let ids: Vec<i64> = list.iter().map(|event| event.row.id).collect();
    let links = event_series::links(connection, &ids)?;
    let series_ids: BTreeSet<i64> = links.values().map(|(series, _)| *series).collect();
    let series = event_series::whole(connection, &series_ids.into_iter().collect::<Vec<_>>())?;
    let single: Vec<_> = list.into_iter().filter(|event| !links.contains_key(&event.row.id)).collect();
    Ok(calendar::write(&Feed { name: &community.name, origin }, &single, &series))
}

fn ics(body: String, filename: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type("text/calendar; charset=utf-8");
    if let Some(filename) = filename {
        response.insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")));
    }
    response.body(body)
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/calendar.ics", tag = "events",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "A public community's events as an iCalendar feed to subscribe to. Other communities' feeds are \
    reached through a member's private link (404 here).",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = crate::error::ErrorBody)))]
pub async fn community_feed(state: web::Data<AppState>, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    let origin = state.public_origin.clone();
    let body = state
        .db
        .read(move |connection| {
            let community = community_store::by_slug(connection, &slug)?;
            policy::public_calendar(community.visibility()?)?;
            community_calendar(connection, &community, &origin)
        })
        .await?;
    Ok(ics(body, None))
}

#[utoipa::path(get, path = "/api/v1/events/{id}/calendar.ics", tag = "events",
    params(("id" = i64, Path, description = "The event's id.")),
    description = "One event as an `.ics` file to add to a calendar, for whoever may read it (404 otherwise).",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = crate::error::ErrorBody)))]
pub async fn one_event(state: web::Data<AppState>, viewer: Viewer, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let origin = state.public_origin.clone();
    let body = state
        .db
        .read(move |connection| {
            let event = events::by_id(connection, id)?;
            let (community, _) = community_store::readable_by_id(connection, event.row.community_id, viewer.0.as_ref())
                .map_err(|_| ApiError::not_found("We couldn't find that event."))?;
            Ok(calendar::write(&Feed { name: &community.name, origin: &origin }, &[event], &[]))
        })
        .await?;
    Ok(ics(body, Some(&format!("event-{id}.ics"))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// A community's slug for its events; left out for the events the member answered.
    #[serde(default)]
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LinkView {
    id: i64,
    /// The community whose events it shows; absent: the member's own answers.
    community: Option<String>,
    created_at: Timestamp,
    /// The feed's address: shown only when the link is made. Anyone holding it can read the feed.
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/me/calendar-links", tag = "events", request_body = LinkRequest,
    description = "Makes a private calendar feed link: for a community the member may read, or for the events they \
    answered. The address is shown this once; revoking the link stops it working.",
    responses((status = 201, body = LinkView), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn make_link(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<LinkRequest>,
) -> ApiResult<HttpResponse> {
    let origin = state.public_origin.clone();
    let community = body.into_inner().community;
    let made = state
        .db
        .write_unseen(move |connection| {
            let community_id = match &community {
                Some(slug) => Some(community_store::readable_by_slug(connection, slug, Some(&member))?.0.id),
                None => None,
            };
            let (id, token) = calendar_links::create(connection, member.user_id, community_id)?;
            Ok(LinkView {
                id,
                community,
                created_at: Timestamp::now(),
                url: Some(format!("{}/api/v1/calendars/{}.ics", origin.trim_end_matches('/'), token.expose())),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(made))
}

#[utoipa::path(get, path = "/api/v1/me/calendar-links", tag = "events",
    description = "The member's private calendar links (without their addresses).",
    responses((status = 200, body = Vec<LinkView>)))]
pub async fn links(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<LinkView>>> {
    let rows = state.db.read(move |connection| calendar_links::of_member(connection, member.user_id)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(id, community, created)| LinkView { id, community, created_at: Timestamp(created), url: None })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/me/calendar-links/{id}", tag = "events",
    params(("id" = i64, Path, description = "The link's id.")),
    description = "Revokes one of the member's calendar links: its address stops working at once.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revoke_link(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let revoked =
        state.db.write_unseen(move |connection| calendar_links::revoke(connection, member.user_id, id)).await?;
    if !revoked {
        return Err(ApiError::not_found("You have no calendar link with that id."));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// A link holder's standing in a community, as if they were signed in.
fn standing_of(connection: &mut AnyConnection, user_id: i64, community_id: i64) -> ApiResult<Standing> {
    Ok(Standing {
        is_admin: users::is_admin(connection, user_id)?,
        role: community_store::role_of(connection, community_id, user_id)?,
    })
}

#[utoipa::path(get, path = "/api/v1/calendars/{token}.ics", tag = "events",
    params(("token" = String, Path, description = "The private link's token.")),
    description = "A private calendar feed: a community's events while the link's member may still read it, or the \
    events the member is going to, might go to or waits for. A revoked or unknown link answers 404.",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = crate::error::ErrorBody)))]
pub async fn private_feed(state: web::Data<AppState>, token: web::Path<String>) -> ApiResult<HttpResponse> {
    let origin = state.public_origin.clone();
    let body = state
        .db
        .read(move |connection| {
            let (user_id, community_id) = calendar_links::by_token(connection, &token)?;
            match community_id {
                Some(community_id) => {
                    let community = community_store::by_id(connection, community_id)?;
                    policy::read_threads(community.visibility()?, standing_of(connection, user_id, community_id)?)?;
                    community_calendar(connection, &community, &origin)
                }
                None => {
                    let list: Vec<_> = events::answered_by(connection, user_id)?
                        .into_iter()
                        .filter(|(_, answer)| answer.status != RsvpStatus::NotGoing)
                        .map(|(event, _)| event)
                        .collect();
                    let name = format!("My events on {}", host(&origin));
                    Ok(calendar::write(&Feed { name: &name, origin: &origin }, &list, &[]))
                }
            }
        })
        .await?;
    Ok(ics(body, None))
}

/// The instance as a calendar's name says it: its host.
fn host(origin: &str) -> &str {
    origin.split("://").nth(1).unwrap_or(origin).trim_end_matches('/')
}
