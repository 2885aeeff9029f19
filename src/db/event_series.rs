//! Repeating events: a series' rule, and its dates stored as events of their
//! own (each with its answers, waiting list, reminders and attendance),
//! tied to the series with the wall-clock start the rule gave them.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use jiff::civil::DateTime;

use super::AnyConnection;
use super::events::{self, Event};
use super::schema::{event_occurrences as occurrences, event_series as series};
use crate::domain::event::NewEvent;
use crate::domain::event_series::{Recurrence, Schedule};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = series)]
pub struct SeriesRow {
    pub id: i64,
    pub community_id: i64,
    pub frequency: String,
    pub every: i32,
    pub week_of_month: Option<i32>,
    pub occurrences: i32,
    pub time_zone: String,
    pub starts_local: String,
    pub ends_local: String,
    pub created_at: i64,
}

/// A series with its rule read, and every date in the rule's order, each
/// with the start the rule gave it.
#[derive(Debug, Clone)]
pub struct Series {
    pub row: SeriesRow,
    pub rule: Recurrence,
    /// The first date's wall-clock start, the rule's anchor.
    pub starts: DateTime,
    pub dates: Vec<(Event, String)>,
}

/// Stores a series and each of its dates; returns the first date's event.
pub fn create(
    connection: &mut AnyConnection,
    community_id: i64,
    by: i64,
    first: &NewEvent,
    schedule: &Schedule,
) -> ApiResult<Event> {
    let rule = schedule.rule;
    let series_id: i64 = diesel::insert_into(series::table)
        .values((
            series::community_id.eq(community_id),
            series::frequency.eq(rule.frequency.as_str()),
            series::every.eq(rule.interval),
            series::week_of_month.eq(rule.week_of_month.map(i32::from)),
            series::occurrences.eq(i32::try_from(schedule.dates.len()).unwrap_or(i32::MAX)),
            series::time_zone.eq(&first.time_zone),
            series::starts_local.eq(&first.starts_local),
            series::ends_local.eq(&first.ends_local),
            series::created_at.eq(Timestamp::now().0),
        ))
        .returning(series::id)
        .get_result(connection)?;
    let mut created = None;
    for date in &schedule.dates {
        let new = NewEvent {
            starts_local: date.starts_local.clone(),
            ends_local: date.ends_local.clone(),
            starts_at: date.starts_at,
            ends_at: date.ends_at,
            ..first.clone()
        };
        let event = events::create(connection, community_id, by, &new)?;
        diesel::insert_into(occurrences::table)
            .values((
                occurrences::event_id.eq(event.row.id),
                occurrences::series_id.eq(series_id),
                occurrences::occurrence_local.eq(&date.starts_local),
            ))
            .execute(connection)?;
        created.get_or_insert(event);
    }
    created.ok_or_else(|| ApiError::internal("a series without dates"))
}

/// For each of these events that is a date of a series: (series id, the start the rule gave it).
pub fn links(connection: &mut AnyConnection, event_ids: &[i64]) -> ApiResult<HashMap<i64, (i64, String)>> {
    let rows: Vec<(i64, i64, String)> = occurrences::table
        .filter(occurrences::event_id.eq_any(event_ids))
        .select((occurrences::event_id, occurrences::series_id, occurrences::occurrence_local))
        .load(connection)?;
    Ok(rows.into_iter().map(|(event, series, local)| (event, (series, local))).collect())
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<Series> {
    let mut found = whole(connection, &[id])?;
    found.pop().ok_or_else(|| ApiError::not_found("We couldn't find that series of events."))
}

/// These series whole, in the order of their ids.
pub fn whole(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<Series>> {
    let rows: Vec<SeriesRow> = series::table
        .filter(series::id.eq_any(ids))
        .order(series::id.asc())
        .select(SeriesRow::as_select())
        .load(connection)?;
    let dated: Vec<(i64, i64, String)> = occurrences::table
        .filter(occurrences::series_id.eq_any(ids))
        .order((occurrences::series_id.asc(), occurrences::occurrence_local.asc()))
        .select((occurrences::event_id, occurrences::series_id, occurrences::occurrence_local))
        .load(connection)?;
    let event_ids: Vec<i64> = dated.iter().map(|(event, _, _)| *event).collect();
    let mut events: HashMap<i64, Event> =
        events::by_ids(connection, &event_ids)?.into_iter().map(|event| (event.row.id, event)).collect();
    let mut dates: BTreeMap<i64, Vec<(Event, String)>> = BTreeMap::new();
    for (event_id, series_id, local) in dated {
        if let Some(event) = events.remove(&event_id) {
            dates.entry(series_id).or_default().push((event, local));
        }
    }
    rows.into_iter()
        .map(|row| {
            Ok(Series {
                rule: Recurrence::from_stored(&row.frequency, row.every, row.week_of_month)?,
                starts: row.starts_local.parse().map_err(|_| ApiError::internal("a series' start in the database"))?,
                dates: dates.remove(&row.id).unwrap_or_default(),
                row,
            })
        })
        .collect()
}
