//! Thread pages as sent, kept per reader for a moment so that a popular
//! thread is served without the database. Any write in this process makes
//! them stale at once (the database's write generation moves on), and none
//! is served after `page_cache_seconds`, which bounds how long a write made
//! by another process (or the command line) can go unseen. A page is
//! loaded by one request at a time: others asking for it meanwhile wait for
//! that load rather than all going to the database at once. A page is
//! gzipped once, when a client that accepts gzip first asks for it, rather
//! than by the compression middleware on every request.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::watch;

/// Which page, for whom: a page differs by reader (their reactions, their
/// blocks, what they may moderate).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub thread_id: i64,
    pub after: Option<String>,
    pub limit: i64,
    pub reader: Option<i64>,
}

struct Entry {
    generation: u64,
    stored_at: Instant,
    page: Arc<Page>,
}

/// A page as sent: its JSON, and the same gzipped once someone asks.
pub struct Page {
    pub body: Bytes,
    gzipped: OnceLock<Bytes>,
}

impl Page {
    pub fn new(body: Bytes) -> Arc<Self> {
        Arc::new(Page { body, gzipped: OnceLock::new() })
    }

    /// The body gzipped, made on the first call.
    pub fn gzipped(&self) -> Bytes {
        self.gzipped
            .get_or_init(|| {
                let mut encoder = GzEncoder::new(Vec::with_capacity(self.body.len() / 4), Compression::default());
                // Writing to a Vec cannot fail.
                let _ = encoder.write_all(&self.body);
                Bytes::from(encoder.finish().unwrap_or_default())
            })
            .clone()
    }
}

pub struct PageCache {
    entries: Mutex<HashMap<PageKey, Entry>>,
    /// Pages being loaded; each receiver learns when its load is over.
    loading: Mutex<HashMap<PageKey, watch::Receiver<()>>>,
    capacity: usize,
    lifetime: Duration,
}

/// What to do for a page: send the stored one, wait for the load under
/// way, or load it (and `put` it) while holding the guard.
pub enum Lookup<'a> {
    Hit(Arc<Page>),
    Wait(watch::Receiver<()>),
    Load(LoadGuard<'a>),
}

/// One request's turn to load a page; dropping it, however the load ended,
/// wakes whoever waits.
pub struct LoadGuard<'a> {
    cache: &'a PageCache,
    key: PageKey,
    _done: watch::Sender<()>,
}

impl Drop for LoadGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut loading) = self.cache.loading.lock() {
            loading.remove(&self.key);
        }
    }
}

impl PageCache {
    /// At most `capacity` pages, each served for at most `lifetime`; a zero
    /// lifetime or capacity turns the cache off.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        PageCache { entries: Mutex::default(), loading: Mutex::default(), capacity, lifetime }
    }

    /// The stored page, or the load to wait for, or this caller's turn to load.
    pub fn lookup(&self, key: &PageKey, generation: u64) -> Lookup<'_> {
        if let Some(page) = self.get(key, generation) {
            return Lookup::Hit(page);
        }
        let Ok(mut loading) = self.loading.lock() else {
            let (done, _) = watch::channel(());
            return Lookup::Load(LoadGuard { cache: self, key: key.clone(), _done: done });
        };
        if let Some(underway) = loading.get(key) {
            return Lookup::Wait(underway.clone());
        }
        let (done, waiting) = watch::channel(());
        loading.insert(key.clone(), waiting);
        Lookup::Load(LoadGuard { cache: self, key: key.clone(), _done: done })
    }

    /// The page stored for `key`, if no write has happened since
    /// (`generation` is the database's current one) and it is fresh.
    fn get(&self, key: &PageKey, generation: u64) -> Option<Arc<Page>> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.generation == generation && entry.stored_at.elapsed() < self.lifetime).then(|| entry.page.clone())
    }

    /// Keeps `page`, made from what the database held at `generation` (read
    /// before the page was loaded, so a write during loading makes it stale).
    pub fn put(&self, key: PageKey, generation: u64, page: Arc<Page>) {
        if self.capacity == 0 || self.lifetime.is_zero() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= self.capacity {
            entries.retain(|_, entry| entry.generation == generation && entry.stored_at.elapsed() < self.lifetime);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, Entry { generation, stored_at: Instant::now(), page });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(thread_id: i64, reader: Option<i64>) -> PageKey {
        PageKey { thread_id, after: None, limit: 50, reader }
    }

    #[test]
    fn a_page_is_served_until_the_next_write() {
        let cache = PageCache::new(10, Duration::from_secs(60));
        cache.put(key(1, None), 7, Page::new(Bytes::from_static(b"page")));
        assert_eq!(cache.get(&key(1, None), 7).map(|page| page.body.clone()), Some(Bytes::from_static(b"page")));
        assert!(cache.get(&key(1, Some(3)), 7).is_none(), "another reader has their own page");
        assert!(cache.get(&key(1, None), 8).is_none(), "a write made it stale");
    }

    #[tokio::test]
    async fn one_request_loads_a_page_while_the_others_wait_for_it() {
        let cache = PageCache::new(10, Duration::from_secs(60));
        let Lookup::Load(turn) = cache.lookup(&key(1, None), 1) else { panic!("the first asks the database") };
        let Lookup::Wait(mut waiting) = cache.lookup(&key(1, None), 1) else { panic!("the second waits") };
        assert!(matches!(cache.lookup(&key(2, None), 1), Lookup::Load(_)), "another page loads beside it");
        cache.put(key(1, None), 1, Page::new(Bytes::from_static(b"page")));
        drop(turn);
        let _ = waiting.changed().await;
        assert!(matches!(cache.lookup(&key(1, None), 1), Lookup::Hit(_)));
    }

    #[test]
    fn pages_expire_and_the_cache_stays_bounded() {
        let expired = PageCache::new(10, Duration::ZERO);
        expired.put(key(1, None), 1, Page::new(Bytes::from_static(b"page")));
        assert!(expired.get(&key(1, None), 1).is_none());
        let small = PageCache::new(2, Duration::from_secs(60));
        for thread in 0..5 {
            small.put(key(thread, None), 1, Page::new(Bytes::from_static(b"page")));
        }
        assert!(small.entries.lock().map(|entries| entries.len()).unwrap_or(0) <= 2);
        assert!(small.get(&key(4, None), 1).is_some(), "the newest page is kept");
    }

    #[test]
    fn a_page_is_gzipped_once_and_unzips_to_itself() {
        use std::io::Read;
        let page = Page::new(Bytes::from("{\"posts\": []}".repeat(100)));
        let gzipped = page.gzipped();
        assert!(gzipped.len() < page.body.len() / 4, "repetitive JSON shrinks");
        assert_eq!(page.gzipped().as_ptr(), gzipped.as_ptr(), "the same bytes, not made again");
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzipped[..]).read_to_string(&mut unzipped).expect("valid gzip");
        assert_eq!(unzipped.as_bytes(), &page.body[..]);
    }
}
