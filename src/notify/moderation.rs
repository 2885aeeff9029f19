//! Notifications from moderation: the member an action concerns hears of
//! it (with its reason, as their own moderation log shows it), and members
//! whose reports an action dealt with are told so.

use crate::db::AnyConnection;
use crate::db::moderation_log::LogRow;
use crate::db::notifications::{self, NewNotification};
use crate::domain::following::NotificationKind;
use crate::domain::moderation::LogAction;
use crate::error::ApiResult;

/// Tells the member a logged action concerns, unless they took it
/// themselves or it was about reports rather than them (a dismissal, a
/// reopened item); returns who was told.
pub fn action_logged(connection: &mut AnyConnection, log: &LogRow) -> ApiResult<Vec<i64>> {
    let Some(user_id) = log.target_user_id.filter(|target| *target != log.actor_id) else {
        return Ok(Vec::new());
    };
    if matches!(log.action()?, LogAction::Dismiss | LogAction::Reopen) {
        return Ok(Vec::new());
    }
    let new = NewNotification {
        user_id,
        kind: NotificationKind::Moderation,
        group_key: format!("moderation:{}", log.id),
        thread_id: None,
        subject_id: log.id,
        actor_id: None,
    };
    notifications::add(connection, &new)?;
    Ok(vec![user_id])
}

/// Tells each reporter (other than the moderator who acted) that their
/// report was dealt with; `reports` are (report id, reporter id).
pub fn reports_resolved(connection: &mut AnyConnection, reports: &[(i64, i64)], by: i64) -> ApiResult<Vec<i64>> {
    let mut told = Vec::new();
    for &(report_id, reporter_id) in reports.iter().filter(|(_, reporter)| *reporter != by) {
        let new = NewNotification {
            user_id: reporter_id,
            kind: NotificationKind::ReportResolved,
            group_key: format!("report:{report_id}"),
            thread_id: None,
            subject_id: report_id,
            actor_id: None,
        };
        notifications::add(connection, &new)?;
        told.push(reporter_id);
    }
    Ok(told)
}
