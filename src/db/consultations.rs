//! Consultations, the supports members give answers, and the institution's
//! dated responses. The question and answers themselves are a thread and its
//! posts (`db/threads.rs`, `db/posts.rs`), so they pass the same safety
//! pipeline, moderation and search as every other post.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{
    consultation_responses as responses, consultation_supports as supports, consultations, threads, users,
};
use crate::domain::consultation::{ResponseStatus, Timetable};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};

#[derive(Debug, Clone, Queryable)]
pub struct ConsultationRow {
    pub id: i64,
    pub community_id: i64,
    pub thread_id: i64,
    pub author_id: i64,
    pub closes_at: i64,
    pub respond_by: i64,
    pub support_threshold: i32,
    pub created_at: i64,
}

impl ConsultationRow {
    pub fn is_open(&self, now: Timestamp) -> bool {
        now.0 < self.closes_at
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct ResponseRow {
    pub id: i64,
    pub consultation_id: i64,
    pub post_id: i64,
    pub author_id: i64,
    pub status: String,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
}

impl ResponseRow {
    pub fn status(&self) -> ApiResult<ResponseStatus> {
        ResponseStatus::from_stored(&self.status)
    }
}

/// A response with its author's username, display name and badges (JSON).
pub type ResponseListing = (ResponseRow, String, String, String);

pub fn create(
    connection: &mut AnyConnection,
    community_id: i64,
    thread_id: i64,
    author_id: i64,
    timetable: Timetable,
) -> ApiResult<ConsultationRow> {
    Ok(diesel::insert_into(consultations::table)
        .values((
            consultations::community_id.eq(community_id),
            consultations::thread_id.eq(thread_id),
            consultations::author_id.eq(author_id),
            consultations::closes_at.eq(timetable.closes_at),
            consultations::respond_by.eq(timetable.respond_by),
            consultations::support_threshold.eq(timetable.support_threshold),
            consultations::created_at.eq(Timestamp::now().0),
        ))
        .returning(consultations::all_columns)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<ConsultationRow> {
    consultations::table
        .find(id)
        .first(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that consultation."))
}

/// The consultation a thread carries, if it is one.
pub fn of_thread(connection: &mut AnyConnection, thread_id: i64) -> ApiResult<Option<ConsultationRow>> {
    Ok(consultations::table.filter(consultations::thread_id.eq(thread_id)).first(connection).optional()?)
}

/// Most consultations a community's list shows (newest first).
pub const LISTED: i64 = 100;

/// A community's consultations with their questions, newest first.
pub fn in_community(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<(ConsultationRow, String)>> {
    Ok(consultations::table
        .inner_join(threads::table)
        .filter(consultations::community_id.eq(community_id))
        .filter(threads::deleted_at.is_null())
        .order(consultations::created_at.desc())
        .select((consultations::all_columns, threads::title))
        .limit(LISTED)
        .load(connection)?)
}

/// How many supports each of these answers has, and which `viewer` gave.
pub fn supports_for(
    connection: &mut AnyConnection,
    post_ids: &[i64],
    viewer: Option<i64>,
) -> ApiResult<(HashMap<i64, i64>, HashSet<i64>)> {
    let counts: Vec<(i64, i64)> = supports::table
        .filter(supports::post_id.eq_any(post_ids))
        .group_by(supports::post_id)
        .select((supports::post_id, diesel::dsl::count_star()))
        .load(connection)?;
    let mine: Vec<i64> = match viewer {
        Some(viewer) => supports::table
            .filter(supports::post_id.eq_any(post_ids))
            .filter(supports::user_id.eq(viewer))
            .select(supports::post_id)
            .load(connection)?,
        None => Vec::new(),
    };
    Ok((counts.into_iter().collect(), mine.into_iter().collect()))
}

/// Records `user_id`'s support for an answer, once.
pub fn support(connection: &mut AnyConnection, consultation_id: i64, post_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::insert_into(supports::table)
        .values((
            supports::post_id.eq(post_id),
            supports::user_id.eq(user_id),
            supports::consultation_id.eq(consultation_id),
            supports::created_at.eq(Timestamp::now().0),
        ))
        .execute(connection)
        .map_err(|error| {
            if is_unique_violation(&error) {
                ApiError::conflict("already_supported", "You already support this answer.")
            } else {
                error.into()
            }
        })?;
    Ok(())
}

/// Takes back `user_id`'s support for an answer, if given.
pub fn withdraw_support(connection: &mut AnyConnection, post_id: i64, user_id: i64) -> ApiResult<()> {
    diesel::delete(supports::table.find((post_id, user_id))).execute(connection)?;
    Ok(())
}

/// Who supports an answer.
pub fn supporters_of(connection: &mut AnyConnection, post_id: i64) -> ApiResult<Vec<i64>> {
    Ok(supports::table.filter(supports::post_id.eq(post_id)).select(supports::user_id).load(connection)?)
}

pub fn respond(
    connection: &mut AnyConnection,
    consultation_id: i64,
    post_id: i64,
    author_id: i64,
    status: ResponseStatus,
    body: &str,
    body_html: &str,
) -> ApiResult<ResponseRow> {
    Ok(diesel::insert_into(responses::table)
        .values((
            responses::consultation_id.eq(consultation_id),
            responses::post_id.eq(post_id),
            responses::author_id.eq(author_id),
            responses::status.eq(status.as_str()),
            responses::body.eq(body),
            responses::body_html.eq(body_html),
            responses::created_at.eq(Timestamp::now().0),
        ))
        .returning(responses::all_columns)
        .get_result(connection)?)
}

/// Every response and update in a consultation, per answer oldest first.
pub fn responses_in(connection: &mut AnyConnection, consultation_id: i64) -> ApiResult<Vec<ResponseListing>> {
    Ok(responses::table
        .inner_join(users::table)
        .filter(responses::consultation_id.eq(consultation_id))
        .order((responses::post_id.asc(), responses::created_at.asc(), responses::id.asc()))
        .select((responses::all_columns, users::username, users::display_name, users::badges))
        .load(connection)?)
}

/// The answers a member supports, for their data export: consultation,
/// answer and when.
pub fn supports_given(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(i64, i64, i64)>> {
    Ok(supports::table
        .filter(supports::user_id.eq(user_id))
        .order(supports::created_at.asc())
        .select((supports::consultation_id, supports::post_id, supports::created_at))
        .load(connection)?)
}

/// Forgets an erased member's supports (the counts others see fall with them).
pub fn forget_supports(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(supports::table.filter(supports::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}
