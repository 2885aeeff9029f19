//! `/api/v1/admin/settings` and `/api/v1/admin/log`: the instance's
//! settings as the admin console reads and changes them, and the log of
//! every change admins made.

use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::threads::page_limit;
use crate::auth::Member;
use crate::db::{admin_log, instance_settings};
use crate::domain::instance::{InstanceSettings, SettingsChange};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::instance;
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/settings").route(web::get().to(read)).route(web::patch().to(change)))
        .service(web::resource("/admin/log").route(web::get().to(log_page)));
}

/// What the admin log records for a changed setting.
const SETTING_CHANGED: &str = "setting_changed";

#[utoipa::path(get, path = "/api/v1/admin/settings", tag = "admin",
    description = "The instance's settings as in effect now: `kindred.toml`'s, with what admins saved over them.",
    responses((status = 200, body = InstanceSettings), (status = 403, body = crate::error::ErrorBody)))]
pub async fn read(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<InstanceSettings>> {
    policy::administer(&member)?;
    let (revision, document) = state.db.read(instance_settings::load).await?;
    state.instance.update(revision, &document)?;
    Ok(web::Json(state.instance.current().settings.clone()))
}

#[utoipa::path(patch, path = "/api/v1/admin/settings", tag = "admin", request_body = SettingsChange,
    description = "Changes the settings sent, all or none: a 422 names every wrong field at once. Each changed \
    setting is recorded in the admin log with its old and new value, and every process uses it within a second. \
    A new version of the guidelines or of the consent text asks every member to accept it again before they post.",
    responses((status = 200, body = InstanceSettings), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn change(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<SettingsChange>,
) -> ApiResult<web::Json<InstanceSettings>> {
    policy::administer(&member)?;
    let change = body.into_inner();
    let defaults = state.instance.defaults().clone();
    let actor_id = member.user_id;
    let (revision, document, settings) = state
        .db
        .write(move |connection| {
            let (revision, document) = instance_settings::begin_change(connection)?;
            let saved = instance::saved_changes(&document)?;
            let before = defaults.merged(&saved);
            let after = before.changed_by(&change)?;
            let document = serde_json::to_string(&saved.then(change)).map_err(ApiError::internal)?;
            instance_settings::save(connection, &document)?;
            for (setting, old, new) in before.differences(&after) {
                admin_log::record(
                    connection,
                    admin_log::Entry {
                        actor_id,
                        action: SETTING_CHANGED,
                        subject: setting,
                        old_value: Some(&old),
                        new_value: Some(&new),
                    },
                )?;
            }
            Ok((revision, document, after))
        })
        .await?;
    state.instance.update(revision, &document)?;
    Ok(web::Json(settings))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AdminLogQuery {
    /// Entries older than this id (from the previous page's `next_before`).
    before: Option<i64>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminLogPage {
    entries: Vec<AdminLogEntry>,
    next_before: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AdminLogEntry {
    id: i64,
    /// The admin's username.
    actor: String,
    at: Timestamp,
    /// `setting_changed`.
    action: String,
    /// The setting's name.
    subject: String,
    /// The value before and after, as JSON.
    old_value: Option<String>,
    new_value: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/admin/log", tag = "admin", params(AdminLogQuery),
    description = "What admins changed, newest first: who, when, what, and the value before and after.",
    responses((status = 200, body = AdminLogPage), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn log_page(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<AdminLogQuery>,
) -> ApiResult<web::Json<AdminLogPage>> {
    policy::administer(&member)?;
    let AdminLogQuery { before, limit } = query.into_inner();
    let limit = page_limit(limit)?;
    let rows = state.db.read(move |connection| admin_log::page(connection, before, limit)).await?;
    let next_before = (rows.len() as i64 == limit).then(|| rows.last().map(|row| row.id)).flatten();
    let entries = rows
        .into_iter()
        .map(|row| AdminLogEntry {
            id: row.id,
            actor: row.actor,
            at: Timestamp(row.at),
            action: row.action,
            subject: row.subject,
            old_value: row.old_value,
            new_value: row.new_value,
        })
        .collect();
    Ok(web::Json(AdminLogPage { entries, next_before }))
}
