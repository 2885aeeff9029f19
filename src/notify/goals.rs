//! Milestones of a goal (a quarter, half, three quarters and all of its
//! target) told to those who pledged, each once: the goal's milestone only
//! rises, one conditional step at a time, in the transaction that moved
//! the total.

use super::tell_each;
use crate::db::AnyConnection;
use crate::db::goals::{self as store, GoalRow};
use crate::domain::following::NotificationKind;
use crate::domain::goal::quarters;
use crate::error::ApiResult;

/// Tells the goal's pledgers of each milestone `total` passed that nobody
/// was told of yet; who was told (for `announce`).
pub fn reached(connection: &mut AnyConnection, goal: &GoalRow, total: i64) -> ApiResult<Vec<i64>> {
    let raised = store::raise_milestone(connection, goal.id, quarters(total, goal.target))?;
    if raised.is_empty() {
        return Ok(Vec::new());
    }
    let pledgers = store::pledgers(connection, goal.id)?;
    for _ in &raised {
        tell_each(connection, &pledgers, NotificationKind::GoalMilestone, goal.id, None)?;
    }
    Ok(pledgers)
}

/// After someone joined through an invitation link: the milestones of the
/// open goals counting recruits that the link's maker pledged to.
pub fn recruited(connection: &mut AnyConnection, invitation_id: i64) -> ApiResult<Vec<i64>> {
    let mut told = Vec::new();
    for goal in store::recruiting_for(connection, invitation_id)? {
        let total = store::total(connection, &goal)?;
        told.extend(reached(connection, &goal, total)?);
    }
    Ok(told)
}
