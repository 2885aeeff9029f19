//! The admin log: every change an admin makes in the console (settings,
//! communities), with who, when, what, and the value before and after.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{admin_log, users};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// One change to record.
pub struct Entry<'a> {
    pub actor_id: i64,
    /// What was done, e.g. `setting_changed`.
    pub action: &'a str,
    /// What it was done to, e.g. the setting's name or a community's slug.
    pub subject: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

pub fn record(connection: &mut AnyConnection, entry: Entry<'_>) -> ApiResult<()> {
    diesel::insert_into(admin_log::table)
        .values((
            admin_log::actor_id.eq(entry.actor_id),
            admin_log::at.eq(Timestamp::now().0),
            admin_log::action.eq(entry.action),
            admin_log::subject.eq(entry.subject),
            admin_log::old_value.eq(entry.old_value),
            admin_log::new_value.eq(entry.new_value),
        ))
        .execute(connection)?;
    Ok(())
}

/// Records an action with no value to keep (`community_archived` on a slug, `sessions_ended` on a username).
pub fn record_action(connection: &mut AnyConnection, actor_id: i64, action: &str, subject: &str) -> ApiResult<()> {
    record(connection, Entry { actor_id, action, subject, old_value: None, new_value: None })
}

/// Replaces a member's username where entries of `actions` hold it as their
/// value (erasure), so the log keeps what was done but not to whom.
pub fn forget_value(connection: &mut AnyConnection, actions: &[&str], username: &str) -> ApiResult<()> {
    diesel::update(
        admin_log::table.filter(admin_log::action.eq_any(actions)).filter(admin_log::new_value.eq(username)),
    )
    .set(admin_log::new_value.eq("a former member"))
    .execute(connection)?;
    Ok(())
}

/// A recorded change, with its admin's username.
#[derive(Queryable)]
pub struct Row {
    pub id: i64,
    pub actor: String,
    pub at: i64,
    pub action: String,
    pub subject: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// The newest `limit` changes before the entry `before` (all when `None`).
pub fn page(connection: &mut AnyConnection, before: Option<i64>, limit: i64) -> ApiResult<Vec<Row>> {
    let mut query = admin_log::table
        .inner_join(users::table)
        .select((
            admin_log::id,
            users::username,
            admin_log::at,
            admin_log::action,
            admin_log::subject,
            admin_log::old_value,
            admin_log::new_value,
        ))
        .order(admin_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(admin_log::id.lt(before));
    }
    Ok(query.load(connection)?)
}
