//! Events and the answers members give them: storing and changing an event
//! (each change raises its `sequence`), the places and the waiting list
//! (one answer at a time per event: taking the next answer number locks
//! the event's row), attendance, and the reminders every process sweeps.

use std::collections::HashMap;

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{communities, event_details, event_rsvps as rsvps, events, users};
use crate::domain::event::{EventPlace, NewEvent, RsvpStatus};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// What schedules an event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub community_id: i64,
    pub created_by: Option<i64>,
    pub title: String,
    pub time_zone: String,
    pub starts_local: String,
    pub ends_local: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: Option<i32>,
    pub sequence: i32,
    pub rsvp_seq: i64,
    pub cancelled_at: Option<i64>,
    pub reminders_sent: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What describes it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = event_details)]
pub struct DetailsRow {
    pub event_id: i64,
    pub description: String,
    pub description_html: String,
    pub render_version: i32,
    pub online: bool,
    pub place_name: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub online_url: Option<String>,
    pub accessibility: String,
}

/// An event whole.
#[derive(Debug, Clone)]
pub struct Event {
    pub row: EventRow,
    pub details: DetailsRow,
}

impl DetailsRow {
    pub fn place(&self) -> Option<EventPlace> {
        self.place_name.clone().map(|name| EventPlace {
            name,
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
        })
    }
}

/// The event's scheduling columns an organiser writes, as one tuple for
/// insert and update alike (a macro: diesel names the tuple's type only in full).
macro_rules! schedule {
    ($new:expr) => {{
        let new: &NewEvent = $new;
        (
            events::title.eq(new.title.clone()),
            events::time_zone.eq(new.time_zone.clone()),
            events::starts_local.eq(new.starts_local.clone()),
            events::ends_local.eq(new.ends_local.clone()),
            events::starts_at.eq(new.starts_at),
            events::ends_at.eq(new.ends_at),
            events::capacity.eq(new.capacity),
        )
    }};
}

/// The describing columns an organiser writes.
macro_rules! description {
    ($new:expr) => {{
        let new: &NewEvent = $new;
        let place = new.place.as_ref();
        (
            event_details::description.eq(new.description.clone()),
            event_details::description_html.eq(new.description_html.clone()),
            event_details::render_version.eq(new.render_version),
            event_details::online.eq(new.online),
            event_details::place_name.eq(place.map(|place| place.name.clone())),
            event_details::address.eq(place.and_then(|place| place.address.clone())),
            event_details::latitude.eq(place.and_then(|place| place.latitude)),
            event_details::longitude.eq(place.and_then(|place| place.longitude)),
            event_details::online_url.eq(new.online_url.clone()),
            event_details::accessibility.eq(new.accessibility.clone()),
        )
    }};
}

pub fn create(connection: &mut AnyConnection, community_id: i64, by: i64, new: &NewEvent) -> ApiResult<Event> {
    let now = Timestamp::now().0;
    let id: i64 = diesel::insert_into(events::table)
        .values((
            events::community_id.eq(community_id),
            events::created_by.eq(by),
            schedule!(new),
            events::created_at.eq(now),
            events::updated_at.eq(now),
        ))
        .returning(events::id)
        .get_result(connection)?;
    diesel::insert_into(event_details::table)
        .values((event_details::event_id.eq(id), description!(new)))
        .execute(connection)?;
    by_id(connection, id)
}

/// Replaces what an organiser wrote; the sequence rises, and reminders
/// are due again for a new start.
pub fn update(connection: &mut AnyConnection, id: i64, new: &NewEvent) -> ApiResult<Event> {
    let before = by_id(connection, id)?;
    diesel::update(events::table.find(id))
        .set((schedule!(new), events::sequence.eq(events::sequence + 1), events::updated_at.eq(Timestamp::now().0)))
        .execute(connection)?;
    diesel::update(event_details::table.find(id)).set(description!(new)).execute(connection)?;
    if before.row.starts_at != new.starts_at {
        diesel::update(events::table.find(id)).set(events::reminders_sent.eq(0)).execute(connection)?;
    }
    by_id(connection, id)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<Event> {
    events::table
        .inner_join(event_details::table)
        .filter(events::id.eq(id))
        .select((EventRow::as_select(), DetailsRow::as_select()))
        .first(connection)
        .optional()?
        .map(|(row, details)| Event { row, details })
        .ok_or_else(|| ApiError::not_found("We couldn't find that event."))
}

/// These events, in the order of their starts.
pub fn by_ids(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<Event>> {
    let rows: Vec<(EventRow, DetailsRow)> = events::table
        .inner_join(event_details::table)
        .filter(events::id.eq_any(ids))
        .order((events::starts_at.asc(), events::id.asc()))
        .select((EventRow::as_select(), DetailsRow::as_select()))
        .load(connection)?;
    Ok(rows.into_iter().map(|(row, details)| Event { row, details }).collect())
}

/// Cancels an event (its sequence rises); whether it was still on.
pub fn cancel(connection: &mut AnyConnection, id: i64) -> ApiResult<bool> {
    let now = Timestamp::now().0;
    let changed = diesel::update(events::table.find(id).filter(events::cancelled_at.is_null()))
        .set((events::cancelled_at.eq(now), events::sequence.eq(events::sequence + 1), events::updated_at.eq(now)))
        .execute(connection)?;
    Ok(changed > 0)
}

/// A community's events ending after `after`, soonest first (cancelled ones too: they say so).
pub fn upcoming(connection: &mut AnyConnection, community_id: i64, after: i64, limit: i64) -> ApiResult<Vec<Event>> {
    let rows: Vec<(EventRow, DetailsRow)> = events::table
        .inner_join(event_details::table)
        .filter(events::community_id.eq(community_id))
        .filter(events::ends_at.gt(after))
        .order((events::starts_at.asc(), events::id.asc()))
        .limit(limit)
        .select((EventRow::as_select(), DetailsRow::as_select()))
        .load(connection)?;
    Ok(rows.into_iter().map(|(row, details)| Event { row, details }).collect())
}

/// Every event of a community (for its calendar), newest first, at most `limit`.
pub fn of_community(connection: &mut AnyConnection, community_id: i64, limit: i64) -> ApiResult<Vec<Event>> {
    let rows: Vec<(EventRow, DetailsRow)> = events::table
        .inner_join(event_details::table)
        .filter(events::community_id.eq(community_id))
        .order(events::starts_at.desc())
        .limit(limit)
        .select((EventRow::as_select(), DetailsRow::as_select()))
        .load(connection)?;
    Ok(rows.into_iter().map(|(row, details)| Event { row, details }).collect())
}

/// How many are going, maybe going and waiting, per event.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub going: i64,
    pub maybe: i64,
    pub waiting: i64,
}

pub fn counts(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<HashMap<i64, Counts>> {
    let rows: Vec<(i64, String, i64)> = rsvps::table
        .filter(rsvps::event_id.eq_any(ids))
        .group_by((rsvps::event_id, rsvps::status))
        .select((rsvps::event_id, rsvps::status, diesel::dsl::count_star()))
        .load(connection)?;
    let mut counts: HashMap<i64, Counts> = HashMap::new();
    for (id, status, count) in rows {
        let entry = counts.entry(id).or_default();
        match RsvpStatus::from_stored(&status)? {
            RsvpStatus::Going => entry.going = count,
            RsvpStatus::Maybe => entry.maybe = count,
            RsvpStatus::Waiting => entry.waiting = count,
            RsvpStatus::NotGoing => {}
        }
    }
    Ok(counts)
}

/// A member's answers to these events, with their place in the waiting list (1 = next).
pub fn answers_of(
    connection: &mut AnyConnection,
    user_id: i64,
    ids: &[i64],
) -> ApiResult<HashMap<i64, (RsvpStatus, Option<i64>)>> {
    let rows: Vec<(i64, String, i64)> = rsvps::table
        .filter(rsvps::user_id.eq(user_id))
        .filter(rsvps::event_id.eq_any(ids))
        .select((rsvps::event_id, rsvps::status, rsvps::arrival))
        .load(connection)?;
    let mut answers = HashMap::new();
    for (event_id, status, arrival) in rows {
        let status = RsvpStatus::from_stored(&status)?;
        let position = if status == RsvpStatus::Waiting {
            let ahead: i64 = rsvps::table
                .filter(rsvps::event_id.eq(event_id))
                .filter(rsvps::status.eq(RsvpStatus::Waiting.as_str()))
                .filter(rsvps::arrival.lt(arrival))
                .count()
                .get_result(connection)?;
            Some(ahead + 1)
        } else {
            None
        };
        answers.insert(event_id, (status, position));
    }
    Ok(answers)
}

/// What an answer did: where the member stands now, and who (if anyone)
/// took the place they gave up.
pub struct Answered {
    pub status: RsvpStatus,
    pub promoted: Option<i64>,
}

/// Records a member's answer. "Going" past capacity joins the waiting list;
/// giving up a place promotes the first in line. Answers to one event are
/// taken one at a time (the event's row is locked by taking the answer's
/// number), so the places are never over-filled and the line keeps arrival order.
pub fn answer(connection: &mut AnyConnection, event_id: i64, user_id: i64, wanted: RsvpStatus) -> ApiResult<Answered> {
    let (arrival, capacity): (i64, Option<i32>) = diesel::update(events::table.find(event_id))
        .set(events::rsvp_seq.eq(events::rsvp_seq + 1))
        .returning((events::rsvp_seq, events::capacity))
        .get_result(connection)?;
    let before: Option<(String, i64)> =
        rsvps::table.find((event_id, user_id)).select((rsvps::status, rsvps::arrival)).first(connection).optional()?;
    let before =
        before.map(|(status, arrival)| RsvpStatus::from_stored(&status).map(|status| (status, arrival))).transpose()?;
    let status = match (wanted, before) {
        (RsvpStatus::Going, Some((kept @ (RsvpStatus::Going | RsvpStatus::Waiting), _))) => kept,
        (RsvpStatus::Going, _) => {
            let going = going_count(connection, event_id)?;
            if capacity.is_some_and(|capacity| going >= i64::from(capacity)) {
                RsvpStatus::Waiting
            } else {
                RsvpStatus::Going
            }
        }
        (other, _) => other,
    };
    let now = Timestamp::now().0;
    match before {
        Some((previous, _)) if previous == status => {}
        Some(_) => {
            diesel::update(rsvps::table.find((event_id, user_id)))
                .set((rsvps::status.eq(status.as_str()), rsvps::arrival.eq(arrival), rsvps::responded_at.eq(now)))
                .execute(connection)?;
        }
        None => {
            diesel::insert_into(rsvps::table)
                .values((
                    rsvps::event_id.eq(event_id),
                    rsvps::user_id.eq(user_id),
                    rsvps::status.eq(status.as_str()),
                    rsvps::arrival.eq(arrival),
                    rsvps::responded_at.eq(now),
                ))
                .execute(connection)?;
        }
    }
    let gave_up_a_place =
        before.is_some_and(|(previous, _)| previous == RsvpStatus::Going) && status != RsvpStatus::Going;
    let promoted = if gave_up_a_place { promote_first(connection, event_id)? } else { None };
    Ok(Answered { status, promoted })
}

fn going_count(connection: &mut AnyConnection, event_id: i64) -> ApiResult<i64> {
    Ok(rsvps::table
        .filter(rsvps::event_id.eq(event_id))
        .filter(rsvps::status.eq(RsvpStatus::Going.as_str()))
        .count()
        .get_result(connection)?)
}

/// Gives a freed place to the first in line, if anyone waits.
fn promote_first(connection: &mut AnyConnection, event_id: i64) -> ApiResult<Option<i64>> {
    let first: Option<i64> = rsvps::table
        .filter(rsvps::event_id.eq(event_id))
        .filter(rsvps::status.eq(RsvpStatus::Waiting.as_str()))
        .order(rsvps::arrival.asc())
        .select(rsvps::user_id)
        .first(connection)
        .optional()?;
    if let Some(user_id) = first {
        diesel::update(rsvps::table.find((event_id, user_id)))
            .set(rsvps::status.eq(RsvpStatus::Going.as_str()))
            .execute(connection)?;
    }
    Ok(first)
}

/// Everyone going or waiting (told of a cancellation).
pub fn going_or_waiting(connection: &mut AnyConnection, event_id: i64) -> ApiResult<Vec<i64>> {
    Ok(rsvps::table
        .filter(rsvps::event_id.eq(event_id))
        .filter(rsvps::status.eq_any([RsvpStatus::Going.as_str(), RsvpStatus::Waiting.as_str()]))
        .select(rsvps::user_id)
        .load(connection)?)
}

/// One answer as organisers see it.
#[derive(Queryable)]
pub struct AnswerRow {
    pub username: String,
    pub display_name: String,
    pub status: String,
    pub arrival: i64,
    pub attended: Option<bool>,
}

/// Every answer to an event, in arrival order.
pub fn answers(connection: &mut AnyConnection, event_id: i64) -> ApiResult<Vec<AnswerRow>> {
    Ok(rsvps::table
        .inner_join(users::table)
        .filter(rsvps::event_id.eq(event_id))
        .order(rsvps::arrival.asc())
        .select((users::username, users::display_name, rsvps::status, rsvps::arrival, rsvps::attended))
        .load(connection)?)
}

/// Records who came: `came` attended, every other member who answered going did not.
pub fn record_attendance(connection: &mut AnyConnection, event_id: i64, came: &[i64]) -> ApiResult<()> {
    diesel::update(rsvps::table.filter(rsvps::event_id.eq(event_id)).filter(rsvps::user_id.ne_all(came)))
        .set(rsvps::attended.eq(None::<bool>))
        .execute(connection)?;
    diesel::update(
        rsvps::table
            .filter(rsvps::event_id.eq(event_id))
            .filter(rsvps::user_id.ne_all(came))
            .filter(rsvps::status.eq(RsvpStatus::Going.as_str())),
    )
    .set(rsvps::attended.eq(false))
    .execute(connection)?;
    let now = Timestamp::now().0;
    for user_id in came {
        let updated =
            diesel::update(rsvps::table.find((event_id, user_id))).set(rsvps::attended.eq(true)).execute(connection)?;
        if updated == 0 {
            // Came without answering: recorded as an answer too, so they count.
            let arrival: i64 = diesel::update(events::table.find(event_id))
                .set(events::rsvp_seq.eq(events::rsvp_seq + 1))
                .returning(events::rsvp_seq)
                .get_result(connection)?;
            diesel::insert_into(rsvps::table)
                .values((
                    rsvps::event_id.eq(event_id),
                    rsvps::user_id.eq(user_id),
                    rsvps::status.eq(RsvpStatus::Going.as_str()),
                    rsvps::arrival.eq(arrival),
                    rsvps::responded_at.eq(now),
                    rsvps::attended.eq(true),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}

/// Per event of a community that has begun (newest first, at most `limit`):
/// the event, how many were going, and how many came.
pub fn attendance(
    connection: &mut AnyConnection,
    community_id: i64,
    before: i64,
    limit: i64,
) -> ApiResult<Vec<(EventRow, i64, i64)>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::community_id.eq(community_id))
        .filter(events::starts_at.le(before))
        .filter(events::cancelled_at.is_null())
        .order(events::starts_at.desc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(connection)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let came: HashMap<i64, i64> = rsvps::table
        .filter(rsvps::event_id.eq_any(&ids))
        .filter(rsvps::attended.eq(true))
        .group_by(rsvps::event_id)
        .select((rsvps::event_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(connection)?
        .into_iter()
        .collect();
    let counts = counts(connection, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let going = counts.get(&row.id).map_or(0, |counts| counts.going);
            let came = came.get(&row.id).copied().unwrap_or(0);
            (row, going, came)
        })
        .collect())
}

/// Whether any reminder is due (a read, so an idle sweep writes nothing).
pub fn any_reminder_due(connection: &mut AnyConnection, now: i64) -> ApiResult<bool> {
    let due = events::table.filter(events::cancelled_at.is_null()).filter(events::starts_at.gt(now)).filter(
        events::starts_at
            .le(now + 24 * 3_600_000)
            .and(events::reminders_sent.lt(1))
            .or(events::starts_at.le(now + 3_600_000).and(events::reminders_sent.lt(2))),
    );
    Ok(diesel::select(diesel::dsl::exists(due)).get_result(connection)?)
}

/// Reminders due: events starting within a day (`day`) or an hour of
/// `now` that were not yet reminded at that lead, each taken by marking it
/// in the statement that picks it (so two processes never remind twice).
/// Returns (event id, members going).
pub fn take_reminders(connection: &mut AnyConnection, now: i64, day: bool) -> ApiResult<Vec<(i64, Vec<i64>)>> {
    let (lead, stage) = if day { (24 * 3_600_000, 1) } else { (3_600_000, 2) };
    let ids: Vec<i64> = diesel::update(
        events::table
            .filter(events::cancelled_at.is_null())
            .filter(events::starts_at.gt(now))
            .filter(events::starts_at.le(now + lead))
            .filter(events::reminders_sent.lt(stage)),
    )
    .set(events::reminders_sent.eq(stage))
    .returning(events::id)
    .get_results(connection)?;
    let mut due = Vec::new();
    for id in ids {
        let going: Vec<i64> = rsvps::table
            .filter(rsvps::event_id.eq(id))
            .filter(rsvps::status.eq(RsvpStatus::Going.as_str()))
            .select(rsvps::user_id)
            .load(connection)?;
        due.push((id, going));
    }
    Ok(due)
}

/// The events a member answered (their calendar and their export), soonest first.
pub fn answered_by(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(Event, MemberAnswer)>> {
    let rows: Vec<(EventRow, DetailsRow, String, Option<bool>, String)> = events::table
        .inner_join(event_details::table)
        .inner_join(rsvps::table)
        .inner_join(communities::table)
        .filter(rsvps::user_id.eq(user_id))
        .order(events::starts_at.asc())
        .select((EventRow::as_select(), DetailsRow::as_select(), rsvps::status, rsvps::attended, communities::slug))
        .load(connection)?;
    rows.into_iter()
        .map(|(row, details, status, attended, community)| {
            let answer = MemberAnswer { status: RsvpStatus::from_stored(&status)?, attended, community };
            Ok((Event { row, details }, answer))
        })
        .collect()
}

/// A member's own answer to one event, with the community's slug.
pub struct MemberAnswer {
    pub status: RsvpStatus,
    pub attended: Option<bool>,
    pub community: String,
}

/// Erasure: the member's answers go, and events they created are no longer theirs.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(rsvps::table.filter(rsvps::user_id.eq(user_id))).execute(connection)?;
    diesel::update(events::table.filter(events::created_by.eq(user_id)))
        .set(events::created_by.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}
