//! The moderation log, appeals against its entries, and moderators' notes
//! on members. Each log row is written in the transaction of the action it
//! records, so the log never disagrees with what happened.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{appeals, member_notes, moderation_log};
use crate::domain::moderation::{AppealStatus, LogAction, Subject};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};

#[derive(Debug, Clone, Queryable)]
pub struct LogRow {
    pub id: i64,
    pub actor_id: i64,
    pub action: String,
    pub community_id: Option<i64>,
    pub subject_kind: String,
    pub subject_id: i64,
    pub target_user_id: Option<i64>,
    pub reason: String,
    /// JSON: what the action needs to be reversed (a thread's old community,
    /// a post's text before an edit, the sanction it imposed).
    pub details: String,
    pub reverses_id: Option<i64>,
    pub created_at: i64,
}

impl LogRow {
    pub fn action(&self) -> ApiResult<LogAction> {
        LogAction::from_stored(&self.action)
    }

    pub fn subject(&self) -> ApiResult<Subject> {
        Subject::from_stored(&self.subject_kind)
    }

    pub fn details(&self) -> ApiResult<serde_json::Value> {
        serde_json::from_str(&self.details).map_err(ApiError::internal)
    }
}

/// One action, about to be logged.
pub struct Entry<'a> {
    pub actor_id: i64,
    pub action: LogAction,
    pub community_id: Option<i64>,
    pub subject: Subject,
    pub subject_id: i64,
    pub target_user_id: Option<i64>,
    pub reason: &'a str,
    pub details: serde_json::Value,
    pub reverses_id: Option<i64>,
}

pub fn record(connection: &mut AnyConnection, entry: Entry<'_>) -> ApiResult<LogRow> {
    Ok(diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::actor_id.eq(entry.actor_id),
            moderation_log::action.eq(entry.action.as_str()),
            moderation_log::community_id.eq(entry.community_id),
            moderation_log::subject_kind.eq(entry.subject.as_str()),
            moderation_log::subject_id.eq(entry.subject_id),
            moderation_log::target_user_id.eq(entry.target_user_id),
            moderation_log::reason.eq(entry.reason),
            moderation_log::details.eq(entry.details.to_string()),
            moderation_log::reverses_id.eq(entry.reverses_id),
            moderation_log::created_at.eq(Timestamp::now().0),
        ))
        .returning(moderation_log::all_columns)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<LogRow> {
    moderation_log::table
        .find(id)
        .first::<LogRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that log entry."))
}

/// Whether a later entry reversed this one.
pub fn is_reversed(connection: &mut AnyConnection, id: i64) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(moderation_log::table.filter(moderation_log::reverses_id.eq(id))))
        .get_result(connection)?)
}

/// Which log entries a reader sees.
#[derive(Debug, Clone)]
pub enum LogScope {
    Everything,
    Communities(Vec<i64>),
    /// Actions on one member's content and account.
    Target(i64),
    /// Actions on one member's content and account in these communities.
    TargetIn(i64, Vec<i64>),
}

/// Entries newest first, before the entry `before` when given.
pub fn entries(
    connection: &mut AnyConnection,
    scope: &LogScope,
    before: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<LogRow>> {
    let mut query = moderation_log::table.order(moderation_log::id.desc()).limit(limit).into_boxed();
    query = match scope {
        LogScope::Everything => query,
        LogScope::Communities(ids) => query.filter(moderation_log::community_id.eq_any(ids.clone())),
        LogScope::Target(user_id) => query.filter(moderation_log::target_user_id.eq(*user_id)),
        LogScope::TargetIn(user_id, ids) => query
            .filter(moderation_log::target_user_id.eq(*user_id))
            .filter(moderation_log::community_id.eq_any(ids.clone())),
    };
    if let Some(before) = before {
        query = query.filter(moderation_log::id.lt(before));
    }
    Ok(query.load(connection)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct AppealRow {
    pub id: i64,
    pub log_id: i64,
    pub appellant_id: i64,
    pub body: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_reason: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// Files the one appeal an entry may have.
pub fn appeal(connection: &mut AnyConnection, log_id: i64, appellant_id: i64, body: &str) -> ApiResult<AppealRow> {
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(appeals::table)
            .values((
                appeals::log_id.eq(log_id),
                appeals::appellant_id.eq(appellant_id),
                appeals::body.eq(body),
                appeals::status.eq(AppealStatus::Open.as_str()),
                appeals::created_at.eq(Timestamp::now().0),
            ))
            .returning(appeals::all_columns)
            .get_result::<AppealRow>(connection)
    });
    match inserted {
        Ok(row) => Ok(row),
        Err(error) if is_unique_violation(&error) => Err(ApiError::conflict(
            "already_appealed",
            "This action has already been appealed; it can be appealed once.",
        )),
        Err(error) => Err(error.into()),
    }
}

pub fn appeal_by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<AppealRow> {
    appeals::table
        .find(id)
        .first::<AppealRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that appeal."))
}

pub fn decide_appeal(
    connection: &mut AnyConnection,
    id: i64,
    status: AppealStatus,
    decided_by: i64,
    reason: &str,
) -> ApiResult<()> {
    let changed = diesel::update(appeals::table.find(id).filter(appeals::status.eq(AppealStatus::Open.as_str())))
        .set((
            appeals::status.eq(status.as_str()),
            appeals::decided_by.eq(Some(decided_by)),
            appeals::decision_reason.eq(Some(reason)),
            appeals::decided_at.eq(Some(Timestamp::now().0)),
        ))
        .execute(connection)?;
    if changed == 0 {
        return Err(ApiError::conflict("already_decided", "That appeal has already been decided."));
    }
    Ok(())
}

/// Appeals with their log entries: open ones when `open_only`, newest first.
pub fn appeals_with_entries(
    connection: &mut AnyConnection,
    scope: &LogScope,
    open_only: bool,
    limit: i64,
) -> ApiResult<Vec<(AppealRow, LogRow)>> {
    let mut query = appeals::table
        .inner_join(moderation_log::table)
        .select((appeals::all_columns, moderation_log::all_columns))
        .order(appeals::id.desc())
        .limit(limit)
        .into_boxed();
    query = match scope {
        LogScope::Everything => query,
        LogScope::Communities(ids) => query.filter(moderation_log::community_id.eq_any(ids.clone())),
        LogScope::Target(user_id) => query.filter(appeals::appellant_id.eq(*user_id)),
        LogScope::TargetIn(user_id, ids) => {
            query.filter(appeals::appellant_id.eq(*user_id)).filter(moderation_log::community_id.eq_any(ids.clone()))
        }
    };
    if open_only {
        query = query.filter(appeals::status.eq(AppealStatus::Open.as_str()));
    }
    Ok(query.load(connection)?)
}

#[derive(Debug, Clone, Queryable)]
pub struct NoteRow {
    pub id: i64,
    pub user_id: i64,
    pub community_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub created_at: i64,
}

pub fn add_note(
    connection: &mut AnyConnection,
    user_id: i64,
    community_id: Option<i64>,
    author_id: i64,
    body: &str,
) -> ApiResult<NoteRow> {
    Ok(diesel::insert_into(member_notes::table)
        .values((
            member_notes::user_id.eq(user_id),
            member_notes::community_id.eq(community_id),
            member_notes::author_id.eq(author_id),
            member_notes::body.eq(body),
            member_notes::created_at.eq(Timestamp::now().0),
        ))
        .returning(member_notes::all_columns)
        .get_result(connection)?)
}

/// Notes on a member that a reader may see: instance-wide notes and those
/// of the given communities (all of them when `communities` is `None`).
pub fn notes_on(connection: &mut AnyConnection, user_id: i64, communities: Option<&[i64]>) -> ApiResult<Vec<NoteRow>> {
    let mut query = member_notes::table
        .filter(member_notes::user_id.eq(user_id))
        .order(member_notes::id.desc())
        .limit(50)
        .into_boxed();
    if let Some(ids) = communities {
        query = query.filter(member_notes::community_id.is_null().or(member_notes::community_id.eq_any(ids.to_vec())));
    }
    Ok(query.load(connection)?)
}
