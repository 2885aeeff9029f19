//! Events in a community: the upcoming list, creating, editing and
//! cancelling (organisers, moderators, admins), members' answers with the
//! waiting list, and attendance recorded afterwards with its counts.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Member, Viewer};
use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::events::{self as store, Event};
use crate::db::{AnyConnection, event_series, organisers, users};
use crate::domain::community::Place;
use crate::domain::event::{EventDraft, RsvpAnswer, RsvpStatus};
use crate::domain::event_series::Frequency;
use crate::domain::following::NotificationKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::notify;
use crate::policy;
use crate::state::AppState;
use crate::views::event::{self as view, EventView};

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/communities/{slug}/events").route(web::get().to(upcoming)).route(web::post().to(create)),
        )
        .service(web::resource("/communities/{slug}/attendance").route(web::get().to(attendance)))
        .service(web::resource("/events/{id}").route(web::get().to(get)).route(web::put().to(edit)))
        .service(web::resource("/events/{id}/cancellation").route(web::post().to(cancel)))
        .service(web::resource("/events/{id}/rsvp").route(web::put().to(answer)))
        .service(web::resource("/events/{id}/rsvps").route(web::get().to(answers)))
        .service(web::resource("/events/{id}/attendance").route(web::put().to(record_attendance)))
        .service(web::resource("/event-series/{id}").route(web::get().to(series)));
}

/// The most upcoming events a community page lists.
const UPCOMING: usize = 50;
/// The most upcoming dates of one repeating event the list shows (its series lists them all).
const NEXT_DATES: usize = 3;
/// How many upcoming events are read to fill the list (a year of weekly walks is 52).
const UPCOMING_READ: i64 = 500;
/// The most past events the attendance counts cover.
const ATTENDANCE_EVENTS: i64 = 500;

/// A community's own place, the default for its in-person events.
fn home(community: &CommunityRow) -> Option<Place> {
    community.place_name.clone().map(|name| Place {
        name,
        region: community.region.clone(),
        latitude: community.latitude,
        longitude: community.longitude,
    })
}

/// The event with its community, if the viewer may read it (404 otherwise),
/// and whether they may organise there.
fn readable(
    connection: &mut AnyConnection,
    id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(Event, CommunityRow, bool)> {
    let event = store::by_id(connection, id)?;
    let (community, may_organise) =
        readable_community(connection, event.row.community_id, viewer, "We couldn't find that event.")?;
    Ok((event, community, may_organise))
}

/// The community with this id, if the viewer may read it (404 saying
/// `missing` otherwise), and whether they may organise there.
fn readable_community(
    connection: &mut AnyConnection,
    community_id: i64,
    viewer: Option<&Member>,
    missing: &'static str,
) -> ApiResult<(CommunityRow, bool)> {
    let (community, standing) =
        community_store::readable_by_id(connection, community_id, viewer).map_err(|_| ApiError::not_found(missing))?;
    let here = organisers::organises_if_signed_in(connection, community.id, viewer)?;
    Ok((community, policy::organise(standing, here).is_ok()))
}

/// The readable community at `slug`, and whether the viewer may organise
/// there (the policy's answer), from the one standing lookup.
fn organising_in(
    connection: &mut AnyConnection,
    slug: &str,
    viewer: Option<&Member>,
) -> ApiResult<(CommunityRow, Result<(), ApiError>)> {
    let (community, standing) = community_store::readable_by_slug(connection, slug, viewer)?;
    let here = organisers::organises_if_signed_in(connection, community.id, viewer)?;
    Ok((community, policy::organise(standing, here)))
}

/// As `readable`, for an organiser about to change it.
fn organising(connection: &mut AnyConnection, id: i64, member: &Member) -> ApiResult<(Event, CommunityRow)> {
    let (event, community, may_organise) = readable(connection, id, Some(member))?;
    if !may_organise {
        let (standing, here) = organisers::standing_to_organise(connection, community.id, Some(member))?;
        policy::organise(standing, here)?;
    }
    Ok((event, community))
}

fn one_view(
    connection: &mut AnyConnection,
    event: Event,
    slug: &str,
    viewer: i64,
    may_organise: bool,
) -> ApiResult<EventView> {
    let mut views = view::of(connection, vec![event], slug, Some(viewer), may_organise)?;
    views.pop().ok_or_else(|| ApiError::internal("an event's view went missing"))
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    events: Vec<EventView>,
    /// Whether the viewer may create events here.
    may_organise: bool,
    /// The community's public calendar feed (public communities only).
    calendar: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/events", tag = "events",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "The community's events that have not ended yet, soonest first (at most 50, and at most the next 3 \
    dates of a repeating event; cancelled ones say so). A private community's events answer 404 to outsiders.",
    responses((status = 200, body = EventList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn upcoming(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<EventList>> {
    let list = state
        .db
        .read(move |connection| {
            let member = viewer.0.as_ref();
            let (community, organise) = organising_in(connection, &slug, member)?;
            let may_organise = organise.is_ok();
            let rows = store::upcoming(connection, community.id, Timestamp::now().0, UPCOMING_READ)?;
            let rows = next_dates(connection, rows)?;
            let events = view::of(connection, rows, &community.slug, viewer.user_id(), may_organise)?;
            let calendar = policy::public_calendar(community.visibility()?)
                .ok()
                .map(|()| format!("/api/v1/communities/{}/calendar.ics", community.slug));
            Ok(EventList { events, may_organise, calendar })
        })
        .await?;
    Ok(web::Json(list))
}

/// The first `UPCOMING` of `rows` (soonest first), keeping only the next
/// `NEXT_DATES` dates of each repeating event.
fn next_dates(connection: &mut AnyConnection, rows: Vec<Event>) -> ApiResult<Vec<Event>> {
    let ids: Vec<i64> = rows.iter().map(|event| event.row.id).collect();
    let links = event_series::links(connection, &ids)?;
    let mut shown: HashMap<i64, usize> = HashMap::new();
    Ok(rows
        .into_iter()
        .filter(|event| match links.get(&event.row.id) {
            Some((series, _)) => {
                let count = shown.entry(*series).or_default();
                *count += 1;
                *count <= NEXT_DATES
            }
            None => true,
        })
        .take(UPCOMING)
        .collect())
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/events", tag = "events", request_body = EventDraft,
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Creates an event (the community's organisers, moderators and admins). Every wrong field is listed \
    in the 422's `fields`. With `repeat`, every date of the series (at most 52) is created as an event of its own, \
    answered, reminded and attended on its own; the answer is the first date.",
    responses((status = 201, body = EventView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<EventDraft>,
) -> ApiResult<HttpResponse> {
    let created = state
        .db
        .write_unseen(move |connection| {
            let (community, organise) = organising_in(connection, &slug, Some(&member))?;
            organise?;
            let mut draft = body.into_inner();
            let repeat = draft.repeat.take();
            let new = draft.parse(home(&community).as_ref())?;
            let event = match repeat {
                Some(repeat) => {
                    let schedule = repeat.parse(&new)?;
                    event_series::create(connection, community.id, member.user_id, &new, &schedule)?
                }
                None => store::create(connection, community.id, member.user_id, &new)?,
            };
            one_view(connection, event, &community.slug, member.user_id, true)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = i64, Path, description = "The event's id.")),
    description = "An event, for whoever may read its community (404 otherwise). The joining link of an online event \
    is shown only to those going and to those who organise.",
    responses((status = 200, body = EventView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(state: web::Data<AppState>, viewer: Viewer, id: web::Path<i64>) -> ApiResult<web::Json<EventView>> {
    let id = id.into_inner();
    let found = state
        .db
        .read(move |connection| {
            let (event, community, may_organise) = readable(connection, id, viewer.0.as_ref())?;
            let mut views = view::of(connection, vec![event], &community.slug, viewer.user_id(), may_organise)?;
            views.pop().ok_or_else(|| ApiError::internal("an event's view went missing"))
        })
        .await?;
    Ok(web::Json(found))
}

#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "events", request_body = EventDraft,
    params(("id" = i64, Path, description = "The event's id.")),
    description = "Replaces an event's details (organisers, moderators, admins); its calendar SEQUENCE rises. For a \
    date of a repeating event this changes (or moves) that date only; `repeat` is refused (a series is set when created).",
    responses((status = 200, body = EventView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn edit(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<EventDraft>,
) -> ApiResult<web::Json<EventView>> {
    let id = id.into_inner();
    let edited = state
        .db
        .write_unseen(move |connection| {
            let (event, community) = organising(connection, id, &member)?;
            still_on(&event)?;
            let draft = body.into_inner();
            if draft.repeat.is_some() {
                return Err(ApiError::invalid(
                    "invalid_event",
                    "An event's repeat is set when it is created; create a new repeating event instead.",
                ));
            }
            let new = draft.parse(home(&community).as_ref())?;
            let event = store::update(connection, id, &new)?;
            one_view(connection, event, &community.slug, member.user_id, true)
        })
        .await?;
    Ok(web::Json(edited))
}

fn still_on(event: &Event) -> ApiResult<()> {
    if event.row.cancelled_at.is_some() {
        return Err(ApiError::conflict("event_cancelled", "This event is cancelled."));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/events/{id}/cancellation", tag = "events",
    params(("id" = i64, Path, description = "The event's id.")),
    description = "Cancels an event (organisers, moderators, admins): everyone going or waiting is told. For a date of \
    a repeating event, that date only (the calendar's EXDATE).",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn cancel(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let origin = state.hub.process_id;
    let note = state
        .db
        .write_unseen(move |connection| {
            let (event, _) = organising(connection, id, &member)?;
            still_on(&event)?;
            store::cancel(connection, id)?;
            let told: Vec<i64> = store::going_or_waiting(connection, id)?
                .into_iter()
                .filter(|user_id| *user_id != member.user_id)
                .collect();
            notify::tell_each(connection, &told, NotificationKind::EventCancelled, id, Some(member.user_id))?;
            notify::announce(connection, told, origin)
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rsvp {
    answer: RsvpAnswer,
}

#[utoipa::path(put, path = "/api/v1/events/{id}/rsvp", tag = "events", request_body = Rsvp,
    params(("id" = i64, Path, description = "The event's id.")),
    description = "The viewer's answer (members of the community): going, maybe or can't go. Going when every place is \
    taken joins the waiting list (`my_answer` is `waiting`); giving up a place gives it to the first in line, who is told.",
    responses((status = 200, body = EventView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn answer(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<Rsvp>,
) -> ApiResult<web::Json<EventView>> {
    let id = id.into_inner();
    let wanted = match body.answer {
        RsvpAnswer::Going => RsvpStatus::Going,
        RsvpAnswer::Maybe => RsvpStatus::Maybe,
        RsvpAnswer::NotGoing => RsvpStatus::NotGoing,
    };
    let origin = state.hub.process_id;
    let (answered, note) = state
        .db
        .write_unseen(move |connection| {
            let (event, community, may_organise) = readable(connection, id, Some(&member))?;
            let standing = community_store::standing(connection, community.id, Some(&member))?;
            policy::answer_event(community.visibility()?, standing)?;
            still_on(&event)?;
            if event.row.ends_at <= Timestamp::now().0 {
                return Err(ApiError::conflict("event_over", "This event has ended."));
            }
            let answered = store::answer(connection, id, member.user_id, wanted)?;
            let promoted: Vec<i64> = answered.promoted.into_iter().collect();
            notify::tell_each(connection, &promoted, NotificationKind::EventPlaceOffered, id, None)?;
            let note = notify::announce(connection, promoted, origin)?;
            let event = store::by_id(connection, id)?;
            Ok((one_view(connection, event, &community.slug, member.user_id, may_organise)?, note))
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(web::Json(answered))
}

#[derive(Serialize, ToSchema)]
pub struct AnswerView {
    username: String,
    display_name: String,
    answer: RsvpStatus,
    /// Recorded after the event: whether they came.
    attended: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/events/{id}/rsvps", tag = "events",
    params(("id" = i64, Path, description = "The event's id.")),
    description = "Everyone's answers in the order given, the waiting list in line order (organisers, moderators, admins).",
    responses((status = 200, body = Vec<AnswerView>), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn answers(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<AnswerView>>> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |connection| {
            organising(connection, id, &member)?;
            store::answers(connection, id)
        })
        .await?;
    let views = rows
        .into_iter()
        .map(|row| {
            Ok(AnswerView {
                username: row.username,
                display_name: row.display_name,
                answer: RsvpStatus::from_stored(&row.status)?,
                attended: row.attended,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(web::Json(views))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// The usernames of everyone who came (members of the community).
    came: Vec<String>,
}

/// The most people one attendance record names.
const MAX_ATTENDEES: usize = 5_000;

#[utoipa::path(put, path = "/api/v1/events/{id}/attendance", tag = "events", request_body = Attendance,
    params(("id" = i64, Path, description = "The event's id.")),
    description = "Records who came, once the event has begun (organisers, moderators, admins): those named came, \
    everyone else who was going did not.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_attendance(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<Attendance>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let came = body.into_inner().came;
    if came.len() > MAX_ATTENDEES {
        return Err(ApiError::invalid(
            "too_many",
            format!("An attendance record can name at most {MAX_ATTENDEES} people."),
        ));
    }
    state
        .db
        .write_unseen(move |connection| {
            let (event, community) = organising(connection, id, &member)?;
            still_on(&event)?;
            if event.row.starts_at > Timestamp::now().0 {
                return Err(ApiError::conflict("event_not_started", "Record who came once the event has begun."));
            }
            let mut ids = Vec::new();
            for username in &came {
                let user_id = users::id_by_username(connection, username)?;
                if community_store::role_of(connection, community.id, user_id)?.is_none() {
                    return Err(ApiError::invalid(
                        "not_a_member",
                        format!("{username} is not a member of this community."),
                    ));
                }
                ids.push(user_id);
            }
            store::record_attendance(connection, id, &ids)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct EventAttendance {
    id: i64,
    title: String,
    starts_at: Timestamp,
    going: i64,
    came: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MonthAttendance {
    /// `YYYY-MM`, in each event's own time zone.
    month: String,
    events: i64,
    came: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceReport {
    /// Events that have begun, newest first (at most 500).
    events: Vec<EventAttendance>,
    /// The same events by month, newest first.
    months: Vec<MonthAttendance>,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/attendance", tag = "events",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Attendance counts per event and per month (organisers, moderators, admins).",
    responses((status = 200, body = AttendanceReport), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn attendance(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<web::Json<AttendanceReport>> {
    let rows = state
        .db
        .read(move |connection| {
            let (community, organise) = organising_in(connection, &slug, Some(&member))?;
            organise?;
            store::attendance(connection, community.id, Timestamp::now().0, ATTENDANCE_EVENTS)
        })
        .await?;
    let mut months: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let events = rows
        .into_iter()
        .map(|(row, going, came)| {
            let month = months.entry(row.starts_local.chars().take(7).collect()).or_default();
            month.0 += 1;
            month.1 += came;
            EventAttendance { id: row.id, title: row.title, starts_at: Timestamp(row.starts_at), going, came }
        })
        .collect();
    let months =
        months.into_iter().rev().map(|(month, (events, came))| MonthAttendance { month, events, came }).collect();
    Ok(web::Json(AttendanceReport { events, months }))
}

#[derive(Serialize, ToSchema)]
pub struct SeriesView {
    id: i64,
    frequency: Frequency,
    /// Every this many weeks or months.
    interval: i32,
    /// Monthly: the weekday's place in the month (1 to 4, or -1 for the last).
    week_of_month: Option<i32>,
    time_zone: String,
    /// Every date in the rule's order, cancelled and moved ones included.
    dates: Vec<EventView>,
    /// Whether the viewer may cancel and move dates.
    may_organise: bool,
}

#[utoipa::path(get, path = "/api/v1/event-series/{id}", tag = "events",
    params(("id" = i64, Path, description = "The series' id (an event's `series.id`).")),
    description = "A repeating event's rule and every one of its dates (at most 52), for whoever may read its \
    community (404 otherwise). Organisers cancel or move one date through that date's own event.",
    responses((status = 200, body = SeriesView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn series(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> ApiResult<web::Json<SeriesView>> {
    let id = id.into_inner();
    let found = state
        .db
        .read(move |connection| {
            let member = viewer.0.as_ref();
            let series = event_series::by_id(connection, id)?;
            let (community, may_organise) = readable_community(
                connection,
                series.row.community_id,
                member,
                "We couldn't find that series of events.",
            )?;
            let dates = series.dates.into_iter().map(|(event, _)| event).collect();
            let row = series.row;
            Ok(SeriesView {
                id: row.id,
                frequency: series.rule.frequency,
                interval: series.rule.interval,
                week_of_month: series.rule.week_of_month.map(i32::from),
                time_zone: row.time_zone,
                dates: view::of(connection, dates, &community.slug, viewer.user_id(), may_organise)?,
                may_organise,
            })
        })
        .await?;
    Ok(web::Json(found))
}
