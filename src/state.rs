//! Everything a handler needs, built once in `startup` and shared through
//! actix's app data; no global mutable state, so two servers in one
//! process never interfere.

use std::sync::Arc;

use crate::auth::password::Passwords;
use crate::config::Settings;
use crate::db::{AnyConnection, Db};
use crate::error::ApiResult;
use crate::instance::LiveInstance;
use crate::live::hub::Hub;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::notify::notifier::Notifier;
use crate::pages::PageCache;
use crate::safety::Safety;
use crate::safety::limits::LocalLimits;

pub struct AppState {
    pub db: Db,
    pub hub: Arc<Hub>,
    /// Tells readers of new posts, many at once, just after they commit.
    pub notifier: Arc<Notifier>,
    pub passwords: Passwords,
    pub mailer: Mailer,
    /// The clock digests keep (settable for tests) and when they go out.
    pub mail_clock: crate::mail::digest::Clock,
    pub mornings: crate::mail::digest::Mornings,
    /// Counts and times requests; read at `/metrics`.
    pub metrics: Metrics,
    pub settings: Settings,
    /// The instance's name, brand, texts and safety settings, as in effect now.
    pub instance: Arc<LiveInstance>,
    /// The first-run setup link this process printed, while the instance has no admin.
    pub setup_link: Option<String>,
    /// Thread pages recently sent, per reader.
    pub pages: PageCache,
    pub safety: Safety,
    /// The per-process first line of the sign-in and registration limits.
    pub local_limits: LocalLimits,
    /// `scheme://host[:port]` members reach us at; the CSRF rule compares to it.
    pub public_origin: String,
    /// Cookies are `Secure` when the public URL is https.
    pub secure_cookies: bool,
    /// The bare broadcast hub the chat benchmark is compared with.
    #[cfg(feature = "bench")]
    pub bench_hub: tokio::sync::broadcast::Sender<bytestring::ByteString>,
}

impl AppState {
    /// Runs a write whose only change a cached page shows is to one
    /// thread's content (a reply, an edit, a reaction), which `change`
    /// returns beside its result: that thread's pages go stale, the other
    /// threads' stay cached.
    pub async fn write_thread<T, F>(&self, change: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<(i64, T)> + Send + 'static,
    {
        let (thread_id, written) = self.db.write_unseen(change).await?;
        self.pages.thread_changed(thread_id);
        Ok(written)
    }

    /// Tells the safeguarding leads' live connections in this process of
    /// an urgent item, once the write that raised it has committed.
    pub fn deliver_alert(&self, raised: Option<crate::safeguarding::Raised>) {
        if let Some(note) = raised.and_then(|raised| raised.live) {
            self.hub.deliver(&note);
        }
    }
}
