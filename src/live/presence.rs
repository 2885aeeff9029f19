//! Presence across processes on PostgreSQL: each process writes who is
//! present through it (in order, by one task), tells the others through
//! the broker that a room's presence changed, and renews a lease on its
//! rows, so members shown by a process that died fade within the lease.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::broker::{self, Note};
use super::hub::Hub;
use crate::db::{Db, presence};
use crate::domain::time::Timestamp;

/// How often a process renews its rows and looks again at the others'.
pub const RENEW_EVERY: Duration = Duration::from_secs(10);
/// How long a row counts without being renewed.
pub const LEASE: Duration = Duration::from_secs(30);

/// A change to this process's presence rows.
pub enum Write {
    Arrive {
        room: i64,
        user: i64,
    },
    Leave {
        room: i64,
        user: i64,
    },
    Renew,
    /// The process is stopping: its rows go, and it answers when they have.
    Forget(oneshot::Sender<()>),
}

/// When rows renewed before this moment stop counting.
pub fn lease_start() -> Timestamp {
    Timestamp(Timestamp::now().0 - LEASE.as_millis() as i64)
}

/// Applies this process's presence changes in the order they happened,
/// telling the other processes which rooms changed.
pub async fn write_in_order(db: Db, process: u64, mut writes: mpsc::UnboundedReceiver<Write>) {
    let origin = process;
    let process = process as i64;
    while let Some(write) = writes.recv().await {
        let written = match write {
            Write::Arrive { room, user } => {
                db.write_unseen(move |connection| {
                    presence::arrive(connection, room, user, process)?;
                    broker::notify(connection, &Note::PresenceChanged { room, origin })
                })
                .await
            }
            Write::Leave { room, user } => {
                db.write_unseen(move |connection| {
                    presence::leave(connection, room, user, process)?;
                    broker::notify(connection, &Note::PresenceChanged { room, origin })
                })
                .await
            }
            Write::Renew => {
                db.write_unseen(move |connection| presence::renew(connection, process, lease_start())).await
            }
            Write::Forget(done) => {
                let forgotten = db
                    .write_unseen(move |connection| {
                        for room in presence::forget(connection, process)? {
                            broker::notify(connection, &Note::PresenceChanged { room, origin })?;
                        }
                        Ok(())
                    })
                    .await;
                let _ = done.send(());
                forgotten
            }
        };
        if let Err(error) = written {
            tracing::warn!(error = error.message(), "presence was not shared with the other processes");
        }
    }
}

/// Renews this process's lease and lets members of processes that went
/// away fade, for the life of the process.
pub async fn keep_fresh(hub: Arc<Hub>) {
    let mut ticks = tokio::time::interval(RENEW_EVERY);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        hub.share_presence(Write::Renew);
        hub.look_elsewhere(hub.active_rooms());
    }
}
