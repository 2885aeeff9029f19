//! The moderation queue: one open item per reported or screened thing,
//! gathering its reports, ordered urgent first, then by the weight of what
//! was said about it, then oldest first.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{moderation_items, reports};
use crate::domain::moderation::{ReportReason, Subject};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, is_unique_violation};

#[derive(Debug, Clone, Queryable)]
pub struct ItemRow {
    pub id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub community_id: Option<i64>,
    pub subject_author_id: i64,
    pub urgent: bool,
    pub held: bool,
    /// JSON: what screening found (filter terms, crisis patterns, why held).
    pub screening: String,
    pub report_count: i32,
    pub report_weight: i32,
    pub opened_at: i64,
    pub claimed_by: Option<i64>,
    pub claim_expires_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
}

impl ItemRow {
    pub fn subject(&self) -> ApiResult<Subject> {
        Subject::from_stored(&self.subject_kind)
    }

    /// Who holds the claim now, if anyone.
    pub fn claimant(&self, now: Timestamp) -> Option<i64> {
        self.claimed_by.filter(|_| self.claim_expires_at.is_some_and(|until| until > now.0))
    }
}

/// What is known about the thing an item is about.
#[derive(Debug, Clone, Copy)]
pub struct ItemSubject {
    pub kind: Subject,
    pub id: i64,
    pub community_id: Option<i64>,
    pub author_id: i64,
}

impl ItemSubject {
    pub fn post(id: i64, community_id: i64, author_id: i64) -> Self {
        Self { kind: Subject::Post, id, community_id: Some(community_id), author_id }
    }

    pub fn message(id: i64, community_id: i64, author_id: i64) -> Self {
        Self { kind: Subject::Message, id, community_id: Some(community_id), author_id }
    }
}

/// What makes an item more pressing.
#[derive(Debug, Clone, Default)]
pub struct Pressure {
    pub urgent: bool,
    pub held: bool,
    /// JSON for `screening`, when screening raised the item.
    pub screening: Option<String>,
    pub reports: i32,
    pub weight: i32,
}

/// Weight of an item that screening held or flagged, before any report.
pub const HELD_WEIGHT: i32 = 2;
pub const FLAGGED_WEIGHT: i32 = 1;

/// The item `raise` opened or added to.
#[derive(Debug, Clone, Copy)]
pub struct Raised {
    pub id: i64,
    /// The item was not urgent before (or did not exist) and is now.
    pub became_urgent: bool,
}

/// Opens an item for `subject`, or adds `pressure` to its open one.
pub fn raise(connection: &mut AnyConnection, subject: ItemSubject, pressure: Pressure) -> ApiResult<Raised> {
    if let Some(raised) = bump(connection, subject, &pressure)? {
        return Ok(raised);
    }
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(moderation_items::table)
            .values((
                moderation_items::subject_kind.eq(subject.kind.as_str()),
                moderation_items::subject_id.eq(subject.id),
                moderation_items::community_id.eq(subject.community_id),
                moderation_items::subject_author_id.eq(subject.author_id),
                moderation_items::urgent.eq(pressure.urgent),
                moderation_items::held.eq(pressure.held),
                moderation_items::screening.eq(pressure.screening.as_deref().unwrap_or("{}")),
                moderation_items::report_count.eq(pressure.reports),
                moderation_items::report_weight.eq(pressure.weight),
                moderation_items::opened_at.eq(Timestamp::now().0),
            ))
            .returning(moderation_items::id)
            .get_result::<i64>(connection)
    });
    match inserted {
        Ok(id) => Ok(Raised { id, became_urgent: pressure.urgent }),
        // Another process opened it first: add to theirs.
        Err(error) if is_unique_violation(&error) => {
            bump(connection, subject, &pressure)?.ok_or_else(|| ApiError::internal("queue item vanished"))
        }
        Err(error) => Err(error.into()),
    }
}

fn bump(connection: &mut AnyConnection, subject: ItemSubject, pressure: &Pressure) -> ApiResult<Option<Raised>> {
    let open = moderation_items::table
        .filter(moderation_items::subject_kind.eq(subject.kind.as_str()))
        .filter(moderation_items::subject_id.eq(subject.id))
        .filter(moderation_items::resolved_at.is_null());
    let Some((id, was_urgent)) =
        open.select((moderation_items::id, moderation_items::urgent)).first::<(i64, bool)>(connection).optional()?
    else {
        return Ok(None);
    };
    diesel::update(moderation_items::table.find(id))
        .set((
            moderation_items::report_count.eq(moderation_items::report_count + pressure.reports),
            moderation_items::report_weight.eq(moderation_items::report_weight + pressure.weight),
        ))
        .execute(connection)?;
    if pressure.urgent {
        diesel::update(moderation_items::table.find(id)).set(moderation_items::urgent.eq(true)).execute(connection)?;
    }
    if pressure.held {
        diesel::update(moderation_items::table.find(id)).set(moderation_items::held.eq(true)).execute(connection)?;
    }
    if let Some(screening) = &pressure.screening {
        diesel::update(moderation_items::table.find(id))
            .set(moderation_items::screening.eq(screening))
            .execute(connection)?;
    }
    Ok(Some(Raised { id, became_urgent: pressure.urgent && !was_urgent }))
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<ItemRow> {
    moderation_items::table
        .find(id)
        .first::<ItemRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that queue item."))
}

/// The open item about a subject, if there is one.
pub fn open_for(connection: &mut AnyConnection, kind: Subject, id: i64) -> ApiResult<Option<ItemRow>> {
    Ok(moderation_items::table
        .filter(moderation_items::subject_kind.eq(kind.as_str()))
        .filter(moderation_items::subject_id.eq(id))
        .filter(moderation_items::resolved_at.is_null())
        .first::<ItemRow>(connection)
        .optional()?)
}

/// Which open items a queue shows.
#[derive(Debug, Clone)]
pub enum QueueScope {
    /// Every open item (instance admins).
    Everything,
    /// Items in these communities, and urgent ones anywhere when
    /// `urgent_everywhere` (the instance's safeguarding leads' view) or in
    /// `urgent_in` (the communities a member is safeguarding lead of).
    Communities { ids: Vec<i64>, urgent_everywhere: bool, urgent_in: Vec<i64> },
}

/// Unresolved items, instance-wide: how many, how many urgent, and when the
/// oldest urgent one opened.
pub fn backlog(connection: &mut AnyConnection) -> ApiResult<(i64, i64, Option<i64>)> {
    use diesel::dsl::{count_star, min};
    let open = moderation_items::table.filter(moderation_items::resolved_at.is_null());
    let all: i64 = open.count().get_result(connection)?;
    let (urgent, oldest_urgent): (i64, Option<i64>) = open
        .filter(moderation_items::urgent.eq(true))
        .select((count_star(), min(moderation_items::opened_at)))
        .first(connection)?;
    Ok((all, urgent, oldest_urgent))
}

/// A page of the open queue, most pressing first, leaving out items about
/// the member `not_about` (the reader).
pub fn open_items(
    connection: &mut AnyConnection,
    scope: &QueueScope,
    not_about: i64,
    offset: i64,
    limit: i64,
) -> ApiResult<Vec<ItemRow>> {
    let mut query = moderation_items::table
        .filter(moderation_items::resolved_at.is_null())
        .filter(moderation_items::subject_author_id.ne(not_about))
        .order((
            moderation_items::urgent.desc(),
            moderation_items::report_weight.desc(),
            moderation_items::opened_at.asc(),
            moderation_items::id.asc(),
        ))
        .offset(offset)
        .limit(limit)
        .into_boxed();
    if let QueueScope::Communities { ids, urgent_everywhere, urgent_in } = scope {
        let in_theirs = moderation_items::community_id.eq_any(ids.clone());
        query = if *urgent_everywhere {
            query.filter(in_theirs.or(moderation_items::urgent.eq(true)))
        } else {
            let urgent_there =
                moderation_items::urgent.eq(true).and(moderation_items::community_id.eq_any(urgent_in.clone()));
            query.filter(in_theirs.or(urgent_there))
        };
    }
    Ok(query.load::<ItemRow>(connection)?)
}

/// Claims an item for `claim_seconds`; someone else's live claim is a conflict.
pub fn claim(connection: &mut AnyConnection, item: &ItemRow, user_id: i64, claim_seconds: u64) -> ApiResult<()> {
    let now = Timestamp::now();
    if item.claimant(now).is_some_and(|holder| holder != user_id) {
        return Err(ApiError::conflict("already_claimed", "Another moderator is working on this item."));
    }
    diesel::update(moderation_items::table.find(item.id))
        .set((
            moderation_items::claimed_by.eq(Some(user_id)),
            moderation_items::claim_expires_at.eq(Some(now.plus_seconds(claim_seconds).0)),
        ))
        .execute(connection)?;
    Ok(())
}

pub fn release(connection: &mut AnyConnection, item_id: i64) -> ApiResult<()> {
    diesel::update(moderation_items::table.find(item_id))
        .set((moderation_items::claimed_by.eq(None::<i64>), moderation_items::claim_expires_at.eq(None::<i64>)))
        .execute(connection)?;
    Ok(())
}

/// Closes the open item about a subject (if any), and with it its reports,
/// so their reporters learn the report was dealt with; returns those
/// reports as (report id, reporter id).
pub fn resolve_open(
    connection: &mut AnyConnection,
    kind: Subject,
    subject_id: i64,
    resolved_by: i64,
    resolution: &str,
) -> ApiResult<Vec<(i64, i64)>> {
    match open_for(connection, kind, subject_id)? {
        Some(item) => resolve(connection, item.id, resolved_by, resolution),
        None => Ok(Vec::new()),
    }
}

/// Closes an item and its reports; returns the reports it closed as
/// (report id, reporter id).
pub fn resolve(
    connection: &mut AnyConnection,
    item_id: i64,
    resolved_by: i64,
    resolution: &str,
) -> ApiResult<Vec<(i64, i64)>> {
    let now = Timestamp::now().0;
    let changed = diesel::update(moderation_items::table.find(item_id).filter(moderation_items::resolved_at.is_null()))
        .set((
            moderation_items::resolved_at.eq(Some(now)),
            moderation_items::resolved_by.eq(Some(resolved_by)),
            moderation_items::resolution.eq(Some(resolution)),
            moderation_items::claimed_by.eq(None::<i64>),
            moderation_items::claim_expires_at.eq(None::<i64>),
        ))
        .execute(connection)?;
    if changed == 0 {
        return Err(ApiError::conflict("already_resolved", "That item was already dealt with."));
    }
    let open_reports = reports::table.filter(reports::item_id.eq(item_id)).filter(reports::resolved_at.is_null());
    let closed = open_reports.select((reports::id, reports::reporter_id)).load(connection)?;
    diesel::update(open_reports).set(reports::resolved_at.eq(Some(now))).execute(connection)?;
    Ok(closed)
}

/// Reopens a dismissed item, unless a newer item about its subject is open.
pub fn reopen(connection: &mut AnyConnection, item_id: i64) -> ApiResult<()> {
    let item = by_id(connection, item_id)?;
    if open_for(connection, item.subject()?, item.subject_id)?.is_some() {
        return Err(ApiError::conflict("already_open", "A newer item about this is already in the queue."));
    }
    diesel::update(moderation_items::table.find(item_id))
        .set((
            moderation_items::resolved_at.eq(None::<i64>),
            moderation_items::resolved_by.eq(None::<i64>),
            moderation_items::resolution.eq(None::<String>),
        ))
        .execute(connection)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct ReportRow {
    pub id: i64,
    pub item_id: i64,
    pub reporter_id: i64,
    pub subject_kind: String,
    pub subject_id: i64,
    pub reason: String,
    pub details: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
}

/// Files a member's report under its item; a second report of the same
/// thing by the same member is a conflict.
pub fn file_report(
    connection: &mut AnyConnection,
    item_id: i64,
    reporter_id: i64,
    subject: Subject,
    subject_id: i64,
    reason: ReportReason,
    details: &str,
) -> ApiResult<ReportRow> {
    let inserted = super::recoverable(connection, |connection| {
        diesel::insert_into(reports::table)
            .values((
                reports::item_id.eq(item_id),
                reports::reporter_id.eq(reporter_id),
                reports::subject_kind.eq(subject.as_str()),
                reports::subject_id.eq(subject_id),
                reports::reason.eq(reason.as_str()),
                reports::details.eq(details),
                reports::created_at.eq(Timestamp::now().0),
            ))
            .returning(reports::all_columns)
            .get_result::<ReportRow>(connection)
    });
    match inserted {
        Ok(row) => Ok(row),
        Err(error) if is_unique_violation(&error) => {
            Err(ApiError::conflict("already_reported", "You have already reported this. Thank you."))
        }
        Err(error) => Err(error.into()),
    }
}

/// How many members reported an item since `since` (one report each at most).
pub fn reporters_since(connection: &mut AnyConnection, item_id: i64, since: i64) -> ApiResult<i64> {
    Ok(reports::table
        .filter(reports::item_id.eq(item_id))
        .filter(reports::created_at.ge(since))
        .count()
        .get_result(connection)?)
}

/// How many reports a member filed since `since`.
pub fn reports_since(connection: &mut AnyConnection, reporter_id: i64, since: i64) -> ApiResult<i64> {
    Ok(reports::table
        .filter(reports::reporter_id.eq(reporter_id))
        .filter(reports::created_at.ge(since))
        .count()
        .get_result(connection)?)
}

pub fn reports_of_item(connection: &mut AnyConnection, item_id: i64) -> ApiResult<Vec<ReportRow>> {
    Ok(reports::table.filter(reports::item_id.eq(item_id)).order(reports::id.asc()).load(connection)?)
}

/// A member's own reports, newest first.
pub fn reports_by(connection: &mut AnyConnection, reporter_id: i64, limit: i64) -> ApiResult<Vec<ReportRow>> {
    Ok(reports::table
        .filter(reports::reporter_id.eq(reporter_id))
        .order(reports::id.desc())
        .limit(limit)
        .load(connection)?)
}

/// Open items and how many of them are urgent, in `communities` or (none)
/// everywhere: what a moderator's daily digest counts.
pub fn open_counts(connection: &mut AnyConnection, communities: Option<&[i64]>) -> ApiResult<(i64, i64)> {
    let mut open = moderation_items::table.filter(moderation_items::resolved_at.is_null()).into_boxed();
    if let Some(ids) = communities {
        open = open.filter(moderation_items::community_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<bool> = open.select(moderation_items::urgent).load(connection)?;
    let urgent = rows.iter().filter(|urgent| **urgent).count();
    Ok((rows.len() as i64, urgent as i64))
}
