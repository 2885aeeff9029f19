//! An event as a viewer sees it: the one view the event pages, the
//! community's list and the RSVP answer send, with the joining link only
//! for those going and those who organise.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::AnyConnection;
use crate::db::event_series;
use crate::db::events::{self, Counts, Event};
use crate::domain::event::{EventPlace, RsvpStatus};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::policy;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    /// The community's slug.
    pub community: String,
    pub title: String,
    /// Markdown, as written (for editing).
    pub description: String,
    /// Rendered and sanitised.
    pub description_html: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The wall-clock start in `time_zone`, e.g. `2026-03-29T10:00`.
    pub starts_local: String,
    pub ends_local: String,
    pub time_zone: String,
    pub online: bool,
    /// In person: where.
    pub place: Option<EventPlace>,
    /// Online: the joining link, only for those going and those who organise.
    pub online_url: Option<String>,
    pub accessibility: String,
    pub capacity: Option<i32>,
    pub going: i64,
    pub maybe: i64,
    pub waiting: i64,
    /// Places still free (absent when there is no limit).
    pub places_left: Option<i64>,
    /// The viewer's answer.
    pub my_answer: Option<RsvpStatus>,
    /// On the waiting list: the viewer's place in line (1 is next).
    pub waiting_position: Option<i64>,
    pub cancelled: bool,
    /// Raised on every change (the calendar's SEQUENCE).
    pub sequence: i32,
    /// Whether the viewer may edit and cancel it, see answers and record attendance.
    pub may_organise: bool,
    /// A date of a repeating event: its series.
    pub series: Option<SeriesDate>,
}

/// Where a date of a repeating event sits in its series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SeriesDate {
    /// The series' id (`/api/v1/event-series/{id}` lists its dates).
    pub id: i64,
    /// The wall-clock start the rule gave this date (the calendar's RECURRENCE-ID), kept when it is moved.
    pub occurrence: String,
    /// Whether an organiser moved it from that start.
    pub moved: bool,
}

/// Views of events in one community for a viewer (`viewer` their user id).
pub fn of(
    connection: &mut AnyConnection,
    list: Vec<Event>,
    community: &str,
    viewer: Option<i64>,
    may_organise: bool,
) -> ApiResult<Vec<EventView>> {
    let ids: Vec<i64> = list.iter().map(|event| event.row.id).collect();
    let counts = events::counts(connection, &ids)?;
    let mut links = event_series::links(connection, &ids)?;
    let answers = match viewer {
        Some(user_id) => events::answers_of(connection, user_id, &ids)?,
        None => HashMap::new(),
    };
    Ok(list
        .into_iter()
        .map(|event| {
            let counts = counts.get(&event.row.id).copied().unwrap_or_default();
            let answer = answers.get(&event.row.id).copied();
            let series = links.remove(&event.row.id).map(|(id, occurrence)| SeriesDate {
                id,
                moved: occurrence != event.row.starts_local,
                occurrence,
            });
            one(event, community, counts, answer, may_organise, series)
        })
        .collect())
}

fn one(
    event: Event,
    community: &str,
    counts: Counts,
    answer: Option<(RsvpStatus, Option<i64>)>,
    may_organise: bool,
    series: Option<SeriesDate>,
) -> EventView {
    let Event { row, details } = event;
    let going = answer.is_some_and(|(status, _)| status == RsvpStatus::Going);
    let place = details.place();
    EventView {
        id: row.id,
        community: community.to_owned(),
        title: row.title,
        description: details.description,
        description_html: details.description_html,
        starts_at: Timestamp(row.starts_at),
        ends_at: Timestamp(row.ends_at),
        starts_local: row.starts_local,
        ends_local: row.ends_local,
        time_zone: row.time_zone,
        online: details.online,
        place,
        online_url: details.online_url.filter(|_| policy::see_joining_link(going, may_organise)),
        accessibility: details.accessibility,
        capacity: row.capacity,
        going: counts.going,
        maybe: counts.maybe,
        waiting: counts.waiting,
        places_left: row.capacity.map(|capacity| (i64::from(capacity) - counts.going).max(0)),
        my_answer: answer.map(|(status, _)| status),
        waiting_position: answer.and_then(|(_, position)| position),
        cancelled: row.cancelled_at.is_some(),
        sequence: row.sequence,
        may_organise,
        series,
    }
}
