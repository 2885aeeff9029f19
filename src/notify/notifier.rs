//! Tells readers of new posts after the posts' own transactions commit,
//! many posts at once. A busy thread's fifty watchers would otherwise be
//! updated for every reply inside the reply's transaction; taken from the
//! outbox together, a burst of replies to a thread updates each watcher's
//! line once. A writer waits (`flush`) until its post has been told, so a
//! member who was mentioned sees it as soon as the author's request ends.
//! Readers with the thread open hear of each new reply the same way.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, watch};

use crate::db::{Db, outbox};
use crate::error::ApiResult;
use crate::live::hub::Hub;
use crate::notify;

/// Posts told in one transaction at most.
const POSTS_PER_ROUND: i64 = 256;

pub struct Notifier {
    wake: Notify,
    /// Flushes asked for so far.
    asked: AtomicU64,
    /// Every flush up to this one has been answered.
    answered: watch::Sender<u64>,
}

impl Notifier {
    pub fn new() -> Arc<Self> {
        Arc::new(Self { wake: Notify::new(), asked: AtomicU64::new(0), answered: watch::Sender::new(0) })
    }

    /// Returns once every post queued (and committed) before the call has
    /// been told, or telling failed and was logged (the posts stay queued
    /// and are told on a later round).
    pub async fn flush(&self) {
        let ticket = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut answered = self.answered.subscribe();
        self.wake.notify_one();
        let _ = answered.wait_for(|answered| *answered >= ticket).await;
    }

    /// Tells queued posts whenever a flush asks, and every `every` besides,
    /// for posts queued by other processes or left when a process stopped.
    pub async fn run(self: Arc<Self>, db: Db, hub: Arc<Hub>, every: Duration) {
        loop {
            let _ = tokio::time::timeout(every, self.wake.notified()).await;
            let ticket = self.asked.load(Ordering::SeqCst);
            if let Err(error) = tell_queued(&db, &hub).await {
                tracing::error!(code = error.code(), "queued posts could not be told yet; they stay queued");
            }
            self.answered.send_replace(ticket);
        }
    }
}

/// Tells every queued post, a round at a time (writing nothing when none
/// is queued), and hands the news to the
/// members' live connections once each round commits.
async fn tell_queued(db: &Db, hub: &Arc<Hub>) -> ApiResult<()> {
    let origin = hub.process_id;
    while db.read(outbox::any_queued).await? {
        let (notes, full) = db
            .write_unseen(move |connection| {
                let posts = outbox::take(connection, POSTS_PER_ROUND)?;
                let full = posts.len() as i64 == POSTS_PER_ROUND;
                let told = notify::content::posts_published(connection, &posts)?;
                let replied = notify::replied(connection, &posts, origin)?;
                Ok(([notify::announce(connection, told, origin)?, replied], full))
            })
            .await?;
        for note in notes.iter().flatten() {
            hub.deliver(note);
        }
        if !full {
            break;
        }
    }
    Ok(())
}
