//! The retention job: IP addresses are kept only `ip_retention_days` (for
//! abuse handling), expired sessions, email links and exports are deleted.
//! Started by `startup` on an interval; tests call `purge` directly.

use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::sessions;
use crate::db::{AnyConnection, Db, email_tokens, exports};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How many rows one run changed, by kind (for the log; no personal data).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub addresses: usize,
    pub sessions: usize,
    pub links: usize,
    pub exports: usize,
}

/// Forgets what the retention rules say is no longer needed.
pub fn purge(connection: &mut AnyConnection, ip_retention_days: u64) -> ApiResult<Purged> {
    let now = Timestamp::now().0;
    let cutoff = now.saturating_sub(i64::try_from(ip_retention_days).unwrap_or(i64::MAX).saturating_mul(DAY_MS));
    let addresses =
        diesel::update(sessions::table.filter(sessions::ip.is_not_null()).filter(sessions::created_at.le(cutoff)))
            .set(sessions::ip.eq(None::<String>))
            .execute(connection)?;
    let sessions = diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(connection)?;
    let links = email_tokens::purge_expired(connection)?;
    let exports = exports::purge_expired(connection)?;
    Ok(Purged { addresses, sessions, links, exports })
}

/// Runs `purge` every `interval` for the life of the process.
pub async fn run(db: Db, ip_retention_days: u64, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        match db.write_unseen(move |connection| purge(connection, ip_retention_days)).await {
            Ok(purged) if purged != Purged::default() => tracing::info!(?purged, "retention job forgot old data"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the retention job failed; it runs again later"),
        }
    }
}
