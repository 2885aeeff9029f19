//! Thread pages as sent, kept per reader for a moment so that a popular
//! thread is served without the database. Any write in this process makes
//! them stale at once (the database's write generation moves on), and none
//! is served after `page_cache_seconds`, which bounds how long a write made
//! by another process (or the command line) can go unseen.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;

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
    body: Bytes,
}

pub struct PageCache {
    entries: Mutex<HashMap<PageKey, Entry>>,
    capacity: usize,
    lifetime: Duration,
}

impl PageCache {
    /// At most `capacity` pages, each served for at most `lifetime`; a zero
    /// lifetime or capacity turns the cache off.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        PageCache { entries: Mutex::new(HashMap::new()), capacity, lifetime }
    }

    /// The page stored for `key`, if no write has happened since
    /// (`generation` is the database's current one) and it is fresh.
    pub fn get(&self, key: &PageKey, generation: u64) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.generation == generation && entry.stored_at.elapsed() < self.lifetime).then(|| entry.body.clone())
    }

    /// Keeps `body`, made from what the database held at `generation` (read
    /// before the page was loaded, so a write during loading makes it stale).
    pub fn put(&self, key: PageKey, generation: u64, body: Bytes) {
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
        entries.insert(key, Entry { generation, stored_at: Instant::now(), body });
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
        cache.put(key(1, None), 7, Bytes::from_static(b"page"));
        assert_eq!(cache.get(&key(1, None), 7), Some(Bytes::from_static(b"page")));
        assert_eq!(cache.get(&key(1, Some(3)), 7), None, "another reader has their own page");
        assert_eq!(cache.get(&key(1, None), 8), None, "a write made it stale");
    }

    #[test]
    fn pages_expire_and_the_cache_stays_bounded() {
        let expired = PageCache::new(10, Duration::ZERO);
        expired.put(key(1, None), 1, Bytes::from_static(b"page"));
        assert_eq!(expired.get(&key(1, None), 1), None);
        let small = PageCache::new(2, Duration::from_secs(60));
        for thread in 0..5 {
            small.put(key(thread, None), 1, Bytes::from_static(b"page"));
        }
        assert!(small.entries.lock().map(|entries| entries.len()).unwrap_or(0) <= 2);
        assert!(small.get(&key(4, None), 1).is_some(), "the newest page is kept");
    }
}
