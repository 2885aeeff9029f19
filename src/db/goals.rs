//! Goals, pledges and the entries members log: storing and changing a goal,
//! keeping its total exact (each entry and each undo moves `goals.total` in
//! the entry's own transaction, under the goal row's lock), counting the
//! recruits a goal of that kind counts, the daily series its chart draws,
//! and raising its milestone one quarter at a time, so each is told once.

use std::collections::HashMap;

use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::schema::{goal_entries as entries, goal_pledges as pledges, goals, invitation_joins, invitations};
use super::{AnyConnection, on_each_backend};
use crate::domain::goal::{Amount, NewGoal, day_of};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = goals)]
pub struct GoalRow {
    pub id: i64,
    pub community_id: i64,
    pub created_by: Option<i64>,
    pub title: String,
    pub unit: String,
    pub counts_recruits: bool,
    pub target: i64,
    pub ends_on: String,
    pub ends_at: i64,
    pub total: i64,
    pub milestone: i32,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl GoalRow {
    /// When the goal stops counting: its end, or its closing if earlier.
    fn counts_until(&self) -> i64 {
        self.closed_at.map_or(self.ends_at, |closed| closed.min(self.ends_at))
    }
}

/// One amount a member logged.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entries)]
pub struct EntryRow {
    pub id: i64,
    pub goal_id: i64,
    pub user_id: i64,
    pub amount: i64,
    pub day: i64,
    pub logged_at: i64,
}

fn missing() -> ApiError {
    ApiError::not_found("We couldn't find that goal.")
}

pub fn create(connection: &mut AnyConnection, community_id: i64, by: i64, new: &NewGoal) -> ApiResult<GoalRow> {
    let now = Timestamp::now().0;
    Ok(diesel::insert_into(goals::table)
        .values((
            goals::community_id.eq(community_id),
            goals::created_by.eq(by),
            goals::title.eq(&new.title),
            goals::unit.eq(&new.unit),
            goals::counts_recruits.eq(new.counts_recruits),
            goals::target.eq(new.target),
            goals::ends_on.eq(&new.ends_on),
            goals::ends_at.eq(new.ends_at),
            goals::created_at.eq(now),
            goals::updated_at.eq(now),
        ))
        .returning(goals::all_columns)
        .get_result(connection)?)
}

/// Replaces what an organiser wrote (a goal's kind stays as it was set).
pub fn update(connection: &mut AnyConnection, id: i64, new: &NewGoal) -> ApiResult<GoalRow> {
    Ok(diesel::update(goals::table.find(id))
        .set((
            goals::title.eq(&new.title),
            goals::unit.eq(&new.unit),
            goals::target.eq(new.target),
            goals::ends_on.eq(&new.ends_on),
            goals::ends_at.eq(new.ends_at),
            goals::updated_at.eq(Timestamp::now().0),
        ))
        .returning(goals::all_columns)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<GoalRow> {
    goals::table.find(id).first(connection).optional()?.ok_or_else(missing)
}

/// A community's goals, newest first, at most `limit`.
pub fn of_community(connection: &mut AnyConnection, community_id: i64, limit: i64) -> ApiResult<Vec<GoalRow>> {
    Ok(goals::table
        .filter(goals::community_id.eq(community_id))
        .order(goals::id.desc())
        .limit(limit)
        .load(connection)?)
}

/// Closes a goal early; whether it was still open.
pub fn close(connection: &mut AnyConnection, id: i64) -> ApiResult<bool> {
    let now = Timestamp::now().0;
    let changed = diesel::update(goals::table.find(id).filter(goals::closed_at.is_null()))
        .set((goals::closed_at.eq(now), goals::updated_at.eq(now)))
        .execute(connection)?;
    Ok(changed > 0)
}

/// Pledges `user_id` to a goal; pledging again changes nothing.
pub fn pledge(connection: &mut AnyConnection, goal_id: i64, user_id: i64) -> ApiResult<()> {
    let row = (pledges::goal_id.eq(goal_id), pledges::user_id.eq(user_id), pledges::pledged_at.eq(Timestamp::now().0));
    on_each_backend!(connection, |inner| {
        diesel::insert_into(pledges::table).values(row).on_conflict_do_nothing().execute(inner)
    })?;
    Ok(())
}

/// Which of these goals `user_id` pledged to.
pub fn pledged_to(connection: &mut AnyConnection, user_id: i64, ids: &[i64]) -> ApiResult<Vec<i64>> {
    Ok(pledges::table
        .filter(pledges::user_id.eq(user_id))
        .filter(pledges::goal_id.eq_any(ids))
        .select(pledges::goal_id)
        .load(connection)?)
}

pub fn pledgers(connection: &mut AnyConnection, goal_id: i64) -> ApiResult<Vec<i64>> {
    Ok(pledges::table.filter(pledges::goal_id.eq(goal_id)).select(pledges::user_id).load(connection)?)
}

/// Logs an amount and raises the goal's total in the same transaction (the
/// update takes the goal row's lock, so concurrent entries add up exactly);
/// the entry and the new total.
pub fn log(connection: &mut AnyConnection, goal_id: i64, user_id: i64, amount: Amount) -> ApiResult<(EntryRow, i64)> {
    let now = Timestamp::now();
    let total: i64 = diesel::update(goals::table.find(goal_id))
        .set(goals::total.eq(goals::total + amount.get()))
        .returning(goals::total)
        .get_result(connection)?;
    let entry = diesel::insert_into(entries::table)
        .values((
            entries::goal_id.eq(goal_id),
            entries::user_id.eq(user_id),
            entries::amount.eq(amount.get()),
            entries::day.eq(day_of(now)),
            entries::logged_at.eq(now.0),
        ))
        .returning(entries::all_columns)
        .get_result(connection)?;
    Ok((entry, total))
}

/// Removes one of `user_id`'s entries and lowers the total by its amount;
/// another's entry (or none) is not found, as entries are private.
pub fn undo(connection: &mut AnyConnection, goal_id: i64, user_id: i64, entry_id: i64) -> ApiResult<()> {
    let amount: i64 = diesel::delete(
        entries::table.find(entry_id).filter(entries::goal_id.eq(goal_id)).filter(entries::user_id.eq(user_id)),
    )
    .returning(entries::amount)
    .get_result(connection)
    .optional()?
    .ok_or_else(|| ApiError::not_found("You have no entry with that number in this goal."))?;
    diesel::update(goals::table.find(goal_id)).set(goals::total.eq(goals::total - amount)).execute(connection)?;
    Ok(())
}

/// A member's own entries in a goal, newest first, at most `limit`.
pub fn entries_of(connection: &mut AnyConnection, goal_id: i64, user_id: i64, limit: i64) -> ApiResult<Vec<EntryRow>> {
    Ok(entries::table
        .filter(entries::goal_id.eq(goal_id))
        .filter(entries::user_id.eq(user_id))
        .order(entries::id.desc())
        .limit(limit)
        .load(connection)?)
}

/// The sum of a member's own entries in a goal.
pub fn total_of(connection: &mut AnyConnection, goal_id: i64, user_id: i64) -> ApiResult<i64> {
    let amounts: Vec<i64> = entries::table
        .filter(entries::goal_id.eq(goal_id))
        .filter(entries::user_id.eq(user_id))
        .select(entries::amount)
        .load(connection)?;
    Ok(amounts.iter().sum())
}

/// How many pledged to each goal, and how many logged anything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub pledgers: i64,
    pub contributors: i64,
}

pub fn counts(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<HashMap<i64, Counts>> {
    let mut counts: HashMap<i64, Counts> = HashMap::new();
    let pledged: Vec<(i64, i64)> = pledges::table
        .filter(pledges::goal_id.eq_any(ids))
        .group_by(pledges::goal_id)
        .select((pledges::goal_id, count_star()))
        .load(connection)?;
    for (id, count) in pledged {
        counts.entry(id).or_default().pledgers = count;
    }
    let contributed: Vec<(i64, i64)> = entries::table
        .filter(entries::goal_id.eq_any(ids))
        .group_by(entries::goal_id)
        .select((entries::goal_id, diesel::dsl::count(entries::user_id).aggregate_distinct()))
        .load(connection)?;
    for (id, count) in contributed {
        counts.entry(id).or_default().contributors = count;
    }
    Ok(counts)
}

/// The goal's total: what members logged, or, for a goal counting
/// recruits, the members who joined through a pledger's link while it ran.
pub fn total(connection: &mut AnyConnection, goal: &GoalRow) -> ApiResult<i64> {
    if !goal.counts_recruits {
        return Ok(goal.total);
    }
    Ok(recruits(goal).count().get_result(connection)?)
}

/// The joins a goal counting recruits counts: through a link of one of its
/// pledgers, from its start until it stops counting.
#[diesel::dsl::auto_type]
fn joins_for(goal_id: i64, from: i64, until: i64) -> _ {
    invitation_joins::table
        .inner_join(invitations::table)
        .filter(
            invitations::created_by
                .eq_any(pledges::table.filter(pledges::goal_id.eq(goal_id)).select(pledges::user_id)),
        )
        .filter(invitation_joins::joined_at.ge(from))
        .filter(invitation_joins::joined_at.lt(until))
}

fn recruits(goal: &GoalRow) -> joins_for {
    joins_for(goal.id, goal.created_at, goal.counts_until())
}

/// What was added each day (days since 1970-01-01, UTC), oldest first.
pub fn daily(connection: &mut AnyConnection, goal: &GoalRow) -> ApiResult<Vec<(i64, i64)>> {
    if goal.counts_recruits {
        let joined: Vec<i64> = recruits(goal).select(invitation_joins::joined_at).load(connection)?;
        let mut days: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
        for at in joined {
            *days.entry(day_of(Timestamp(at))).or_default() += 1;
        }
        return Ok(days.into_iter().collect());
    }
    Ok(entries::table
        .filter(entries::goal_id.eq(goal.id))
        .group_by(entries::day)
        .select((entries::day, sql::<BigInt>("CAST(SUM(amount) AS BIGINT)")))
        .order(entries::day.asc())
        .load(connection)?)
}

/// Raises the goal's milestone towards `reached` one quarter at a time; the
/// quarters this call raised it past (each raise is a conditional update of
/// the goal row, so two concurrent calls never both raise the same quarter).
pub fn raise_milestone(connection: &mut AnyConnection, goal_id: i64, reached: i32) -> ApiResult<Vec<i32>> {
    let mut raised = Vec::new();
    for quarter in 1..=reached {
        let changed = diesel::update(goals::table.find(goal_id).filter(goals::milestone.eq(quarter - 1)))
            .set(goals::milestone.eq(quarter))
            .execute(connection)?;
        if changed > 0 {
            raised.push(quarter);
        }
    }
    Ok(raised)
}

/// The open goals counting recruits that the maker of this invitation link pledged to.
pub fn recruiting_for(connection: &mut AnyConnection, invitation_id: i64) -> ApiResult<Vec<GoalRow>> {
    let now = Timestamp::now().0;
    let inviter = invitations::table.find(invitation_id).select(invitations::created_by);
    Ok(goals::table
        .inner_join(pledges::table)
        .filter(pledges::user_id.eq_any(inviter))
        .filter(goals::counts_recruits.eq(true))
        .filter(goals::closed_at.is_null())
        .filter(goals::ends_at.gt(now))
        .select(GoalRow::as_select())
        .load(connection)?)
}

/// The member's pledges and entries, for their export: (goal, when they
/// pledged, their entries oldest first).
pub fn kept_for(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(GoalRow, i64, Vec<EntryRow>)>> {
    let pledged: Vec<(GoalRow, i64)> = goals::table
        .inner_join(pledges::table)
        .filter(pledges::user_id.eq(user_id))
        .order(goals::id.asc())
        .select((GoalRow::as_select(), pledges::pledged_at))
        .load(connection)?;
    let mine: Vec<EntryRow> =
        entries::table.filter(entries::user_id.eq(user_id)).order(entries::id.asc()).load(connection)?;
    Ok(pledged
        .into_iter()
        .map(|(goal, pledged_at)| {
            let theirs = mine.iter().filter(|entry| entry.goal_id == goal.id).cloned().collect();
            (goal, pledged_at, theirs)
        })
        .collect())
}

/// Erasure: the member's entries leave the totals with them, their pledges
/// go, and goals they set stay without their name.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let mine: Vec<(i64, i64)> = entries::table
        .filter(entries::user_id.eq(user_id))
        .select((entries::goal_id, entries::amount))
        .load(connection)?;
    let mut by_goal: HashMap<i64, i64> = HashMap::new();
    for (goal_id, amount) in mine {
        *by_goal.entry(goal_id).or_default() += amount;
    }
    for (goal_id, amount) in by_goal {
        diesel::update(goals::table.find(goal_id)).set(goals::total.eq(goals::total - amount)).execute(connection)?;
    }
    diesel::delete(entries::table.filter(entries::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(pledges::table.filter(pledges::user_id.eq(user_id))).execute(connection)?;
    diesel::update(goals::table.filter(goals::created_by.eq(user_id)))
        .set(goals::created_by.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}
