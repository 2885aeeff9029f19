//! The health check's write probe: one row updated in a write of its own,
//! so `/healthz` fails when writes fail (a full disk, a read-only file),
//! not only when reads do. An outcome is reused for a second, so a flood of
//! health checks costs at most about one small write a second per process.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::Db;
use super::schema::health_probe;

/// How long one probe's outcome answers for.
const REUSE: Duration = Duration::from_secs(1);

#[derive(Clone, Default)]
pub struct WriteProbe {
    last: Arc<Mutex<Option<(Instant, bool)>>>,
}

impl WriteProbe {
    /// Whether a write commits, from a fresh probe or one under a second old.
    pub async fn writes_commit(&self, db: &Db) -> bool {
        let recent = self.last.lock().ok().and_then(|last| *last).filter(|(at, _)| at.elapsed() < REUSE);
        if let Some((_, committed)) = recent {
            return committed;
        }
        let committed = db
            .write_unseen(|connection| {
                diesel::update(health_probe::table)
                    .set(health_probe::probes.eq(health_probe::probes + 1))
                    .execute(connection)?;
                Ok(())
            })
            .await
            .is_ok();
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), committed));
        }
        committed
    }
}
