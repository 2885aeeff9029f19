//! Data-export jobs: one per member at a time, `pending` while the
//! document is built in the background, then `ready` with the document
//! until it expires (or `failed`).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::data_exports;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

pub const PENDING: &str = "pending";
pub const READY: &str = "ready";
pub const FAILED: &str = "failed";

/// A member's export job.
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub id: i64,
    pub user_id: i64,
    pub status: String,
    pub document: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub expires_at: i64,
}

/// Starts a new export for the member, replacing any earlier one.
pub fn start(connection: &mut AnyConnection, user_id: i64, ttl_seconds: u64) -> ApiResult<ExportRow> {
    diesel::delete(data_exports::table.filter(data_exports::user_id.eq(user_id))).execute(connection)?;
    let now = Timestamp::now();
    Ok(diesel::insert_into(data_exports::table)
        .values((
            data_exports::user_id.eq(user_id),
            data_exports::status.eq(PENDING),
            data_exports::created_at.eq(now.0),
            data_exports::expires_at.eq(now.plus_seconds(ttl_seconds).0),
        ))
        .returning(data_exports::all_columns)
        .get_result(connection)?)
}

/// The member's current (unexpired) export, if any.
pub fn current(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Option<ExportRow>> {
    Ok(data_exports::table
        .filter(data_exports::user_id.eq(user_id))
        .filter(data_exports::expires_at.gt(Timestamp::now().0))
        .order(data_exports::id.desc())
        .first(connection)
        .optional()?)
}

/// Records the outcome; the download lasts `ttl_seconds` from now.
pub fn finish(connection: &mut AnyConnection, id: i64, document: Option<String>, ttl_seconds: u64) -> ApiResult<()> {
    let now = Timestamp::now();
    let status = if document.is_some() { READY } else { FAILED };
    diesel::update(data_exports::table.find(id))
        .set((
            data_exports::status.eq(status),
            data_exports::document.eq(document),
            data_exports::finished_at.eq(Some(now.0)),
            data_exports::expires_at.eq(now.plus_seconds(ttl_seconds).0),
        ))
        .execute(connection)?;
    Ok(())
}

/// Deletes exports past their expiry (the retention job).
pub fn purge_expired(connection: &mut AnyConnection) -> ApiResult<usize> {
    Ok(diesel::delete(data_exports::table.filter(data_exports::expires_at.le(Timestamp::now().0)))
        .execute(connection)?)
}
