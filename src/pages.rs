//! Thread pages as sent, kept for a moment so that a popular thread is
//! served without the database: one page for visitors, one shared by the
//! members with no part of their own in it, and one for each other reader. A write in this process makes
//! stale what it changes, at once: a reply, an edit or a reaction only its
//! thread's pages (`thread_changed`); chat, sessions and notifications no
//! page; anything else every page (the database's write generation moves
//! on). None is served after `page_cache_seconds`, which bounds how long a
//! write made by another process (or the command line) can go unseen. A page is
//! loaded by one request at a time: others asking for it meanwhile wait for
//! that load rather than all going to the database at once. A page is
//! gzipped once, when a client that accepts gzip first asks for it, rather
//! than by the compression middleware on every request, and mostly not
//! compressed at all: each post's text was deflated when it was written,
//! and only what lies between the texts is compressed (`stitch`), since a
//! page is often made stale before a second reader asks for it.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use prometheus_client::metrics::counter::Counter;
use tokio::sync::watch;

use crate::domain::community::Visibility;
use crate::stitch::{self, Placed};

/// Which page, for whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub thread_id: i64,
    pub after: Option<String>,
    pub limit: i64,
    pub audience: Audience,
}

/// Whose page it is. A page differs between members only by their own part
/// in it (their posts, reactions and blocks) and by what they may
/// moderate, so members with neither share one page rather than keeping a
/// copy each (`discussion::audience`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    Visitors,
    /// Members with no part of their own in the page, who do not moderate it.
    Members,
    /// One member's own page.
    Reader(i64),
}

/// Where a page sits, for checking a member against it before the
/// members' shared page is served to them: its community (their standing
/// there) and the ids of the posts it shows (their reactions to them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub community_id: i64,
    pub visibility: Visibility,
    pub post_ids: RangeInclusive<i64>,
}

/// Threads' writes are counted in this many slots (a thread's is its id
/// modulo the count): two threads sharing one only make each other's
/// pages stale a little more often.
const THREAD_SLOTS: usize = 4096;

/// What a page was made from: the database's write generation and its
/// thread's count of writes, both read before the page was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    generation: u64,
    thread_writes: u64,
}

struct Entry {
    stamp: Stamp,
    stored_at: Instant,
    page: Arc<Page>,
}

/// A page as sent: its JSON, and the same gzipped once someone asks.
pub struct Page {
    pub body: Bytes,
    pub shown: Shown,
    /// The pieces of its kept heads and where they stand, until `gzipped`
    /// has used them.
    placed: Mutex<Vec<Placed>>,
    gzipped: OnceLock<Bytes>,
    /// For the members' shared page: members already checked against it,
    /// and whether they read it. Every write that could change the answer
    /// (their posts, reactions, blocks, standing) makes the page stale
    /// first, so an answer holds for as long as the page is served.
    readers: Mutex<HashMap<i64, bool>>,
}

/// Members whose answers one page remembers, at most.
const REMEMBERED_READERS: usize = 4096;

impl Page {
    /// A page whose `body` holds, where `placed` says, what each piece was made from.
    pub fn new(body: Bytes, shown: Shown, placed: Vec<Placed>) -> Arc<Self> {
        Arc::new(Page { body, shown, placed: Mutex::new(placed), gzipped: OnceLock::new(), readers: Mutex::default() })
    }

    /// Whether `member` reads this page, if they were checked against it.
    pub fn read_by(&self, member: i64) -> Option<bool> {
        self.readers.lock().ok()?.get(&member).copied()
    }

    /// Remembers whether `member` reads this page.
    pub fn remember_reader(&self, member: i64, reads: bool) {
        if let Ok(mut readers) = self.readers.lock()
            && readers.len() < REMEMBERED_READERS
        {
            readers.insert(member, reads);
        }
    }

    /// The body gzipped, made on the first call from the heads' pieces
    /// and what lies between them.
    pub fn gzipped(&self) -> Bytes {
        self.gzipped
            .get_or_init(|| {
                let placed = self.placed.lock().map(|mut placed| std::mem::take(&mut *placed)).unwrap_or_default();
                Bytes::from(stitch::gzip(&self.body, &placed))
            })
            .clone()
    }
}

pub struct PageCache {
    entries: Mutex<HashMap<PageKey, Entry>>,
    /// Writes to each slot's threads (see `THREAD_SLOTS`).
    thread_writes: Box<[AtomicU64]>,
    /// Pages being loaded; each receiver learns when its load is over.
    loading: Mutex<HashMap<PageKey, watch::Receiver<()>>>,
    capacity: usize,
    lifetime: Duration,
    /// Pages served from the cache, and loaded from the database (metrics).
    pub hits: Counter,
    pub loads: Counter,
}

/// What to do for a page: send the stored one, wait for the load under
/// way, or load it (and `put` it) while holding the guard.
pub enum Lookup<'a> {
    Hit(Arc<Page>),
    Wait(watch::Receiver<()>),
    Load(LoadGuard<'a>),
}

/// One request's turn to load a page; dropping it, however the load ended,
/// wakes whoever waits (none when the cache is off: each request loads).
pub struct LoadGuard<'a> {
    cache: &'a PageCache,
    key: PageKey,
    waited_for: bool,
    _done: watch::Sender<()>,
}

impl Drop for LoadGuard<'_> {
    fn drop(&mut self) {
        if !self.waited_for {
            return;
        }
        if let Ok(mut loading) = self.cache.loading.lock() {
            loading.remove(&self.key);
        }
    }
}

impl PageCache {
    /// At most `capacity` pages, each served for at most `lifetime`; a zero
    /// lifetime or capacity turns the cache off.
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        let thread_writes = (0..THREAD_SLOTS).map(|_| AtomicU64::new(0)).collect();
        PageCache {
            entries: Mutex::default(),
            thread_writes,
            loading: Mutex::default(),
            capacity,
            lifetime,
            hits: Counter::default(),
            loads: Counter::default(),
        }
    }

    fn slot(&self, thread_id: i64) -> &AtomicU64 {
        &self.thread_writes[thread_id.rem_euclid(THREAD_SLOTS as i64) as usize]
    }

    /// What a page of `thread_id` loaded now is made from, given the
    /// database's current write `generation`.
    pub fn stamp(&self, thread_id: i64, generation: u64) -> Stamp {
        Stamp { generation, thread_writes: self.slot(thread_id).load(Ordering::Acquire) }
    }

    /// A write to `thread_id` committed: its pages are stale (call it after
    /// the commit and before answering, so the writer never reads its page
    /// as it was).
    pub fn thread_changed(&self, thread_id: i64) {
        self.slot(thread_id).fetch_add(1, Ordering::Release);
    }

    /// The stored page, or the load to wait for, or this caller's turn to
    /// load. With the cache off nobody waits: a load would be kept for no
    /// one, and waiting would load a popular page one request at a time.
    pub fn lookup(&self, key: &PageKey, stamp: Stamp) -> Lookup<'_> {
        if let Some(page) = self.get(key, stamp) {
            self.hits.inc();
            return Lookup::Hit(page);
        }
        let (done, waiting) = watch::channel(());
        let mut loading = match self.loading.lock() {
            Ok(loading) if self.keeps_pages() => loading,
            _ => {
                self.loads.inc();
                return Lookup::Load(LoadGuard { cache: self, key: key.clone(), waited_for: false, _done: done });
            }
        };
        if let Some(underway) = loading.get(key) {
            return Lookup::Wait(underway.clone());
        }
        loading.insert(key.clone(), waiting);
        self.loads.inc();
        Lookup::Load(LoadGuard { cache: self, key: key.clone(), waited_for: true, _done: done })
    }

    /// Whether pages are kept at all (`page_cache_seconds` and `page_cache_entries` are not 0).
    pub fn keeps_pages(&self) -> bool {
        self.capacity > 0 && !self.lifetime.is_zero()
    }

    /// The page stored for `key`, if no write it shows has happened since
    /// (`stamp` is the current one) and it is fresh.
    pub fn get(&self, key: &PageKey, stamp: Stamp) -> Option<Arc<Page>> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        (entry.stamp == stamp && entry.stored_at.elapsed() < self.lifetime).then(|| entry.page.clone())
    }

    /// Keeps `page`, made from what the database held at `stamp` (read
    /// before the page was loaded, so a write during loading makes it stale).
    pub fn put(&self, key: PageKey, stamp: Stamp, page: Arc<Page>) {
        if !self.keeps_pages() {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= self.capacity {
            entries.retain(|_, entry| {
                entry.stamp.generation == stamp.generation && entry.stored_at.elapsed() < self.lifetime
            });
            if entries.len() >= self.capacity {
                drop_the_oldest(&mut entries, self.capacity.div_ceil(EVICTED_SHARE));
            }
        }
        entries.insert(key, Entry { stamp, stored_at: Instant::now(), page });
    }
}

/// When the cache is full of fresh pages, the share of them (one in this
/// many) that make room. Emptying it instead made every reader of every
/// popular page miss at once, a burst of loads that stalled the reads of a
/// busy instance for tens of milliseconds (S7's p99).
const EVICTED_SHARE: usize = 8;

/// Drops at least `count` of the longest-kept pages.
fn drop_the_oldest(entries: &mut HashMap<PageKey, Entry>, count: usize) {
    let mut stored: Vec<Instant> = entries.values().map(|entry| entry.stored_at).collect();
    if stored.is_empty() {
        return;
    }
    let last = count.clamp(1, stored.len()) - 1;
    let (_, newest_dropped, _) = stored.select_nth_unstable(last);
    let newest_dropped = *newest_dropped;
    entries.retain(|_, entry| entry.stored_at > newest_dropped);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(thread_id: i64, reader: Option<i64>) -> PageKey {
        let audience = reader.map_or(Audience::Visitors, Audience::Reader);
        PageKey { thread_id, after: None, limit: 50, audience }
    }

    fn page(body: &'static str) -> Arc<Page> {
        Page::new(
            Bytes::from_static(body.as_bytes()),
            Shown { community_id: 1, visibility: Visibility::Public, post_ids: 1..=50 },
            Vec::new(),
        )
    }

    #[test]
    fn a_page_is_served_until_the_next_write_it_shows() {
        let cache = PageCache::new(10, Duration::from_secs(60));
        cache.put(key(1, None), cache.stamp(1, 7), page("page"));
        cache.put(key(2, None), cache.stamp(2, 7), page("other"));
        let page = cache.get(&key(1, None), cache.stamp(1, 7)).map(|page| page.body.clone());
        assert_eq!(page, Some(Bytes::from_static(b"page")));
        assert!(cache.get(&key(1, Some(3)), cache.stamp(1, 7)).is_none(), "another reader has their own page");
        assert!(cache.get(&key(1, None), cache.stamp(1, 8)).is_none(), "a write pages show made it stale");

        cache.thread_changed(2);
        assert!(cache.get(&key(2, None), cache.stamp(2, 7)).is_none(), "a write to its thread made it stale");
        assert!(cache.get(&key(1, None), cache.stamp(1, 7)).is_some(), "another thread's page is still served");
        cache.thread_changed(1 + THREAD_SLOTS as i64);
        assert!(cache.get(&key(1, None), cache.stamp(1, 7)).is_none(), "a thread sharing its slot made it stale too");
    }

    #[test]
    fn a_full_cache_makes_room_by_dropping_its_oldest_pages_not_all_of_them() {
        let cache = PageCache::new(16, Duration::from_secs(60));
        for thread in 0..17 {
            cache.put(key(thread, None), cache.stamp(thread, 7), page("page"));
            std::thread::sleep(Duration::from_millis(1));
        }
        let kept: Vec<i64> =
            (0..17).filter(|thread| cache.get(&key(*thread, None), cache.stamp(*thread, 7)).is_some()).collect();
        assert_eq!(kept, (2..17).collect::<Vec<_>>(), "the two oldest made room for the seventeenth");
    }

    #[tokio::test]
    async fn one_request_loads_a_page_while_the_others_wait_for_it() {
        let cache = PageCache::new(10, Duration::from_secs(60));
        let stamp = cache.stamp(1, 1);
        let Lookup::Load(turn) = cache.lookup(&key(1, None), stamp) else { panic!("the first asks the database") };
        let Lookup::Wait(mut waiting) = cache.lookup(&key(1, None), stamp) else { panic!("the second waits") };
        let beside = cache.lookup(&key(2, None), cache.stamp(2, 1));
        assert!(matches!(beside, Lookup::Load(_)), "another page loads beside it");
        cache.put(key(1, None), stamp, page("page"));
        drop(turn);
        let _ = waiting.changed().await;
        assert!(matches!(cache.lookup(&key(1, None), stamp), Lookup::Hit(_)));
    }

    #[test]
    fn with_the_cache_off_every_request_loads_its_page_at_once() {
        let cache = PageCache::new(10, Duration::ZERO);
        let stamp = cache.stamp(1, 1);
        let first = cache.lookup(&key(1, None), stamp);
        let second = cache.lookup(&key(1, None), stamp);
        assert!(
            matches!((&first, &second), (Lookup::Load(_), Lookup::Load(_))),
            "nobody waits for a page kept for no one"
        );
    }

    #[test]
    fn pages_expire_and_the_cache_stays_bounded() {
        let expired = PageCache::new(10, Duration::ZERO);
        expired.put(key(1, None), expired.stamp(1, 1), page("page"));
        assert!(expired.get(&key(1, None), expired.stamp(1, 1)).is_none());
        let small = PageCache::new(2, Duration::from_secs(60));
        for thread in 0..5 {
            small.put(key(thread, None), small.stamp(thread, 1), page("page"));
        }
        assert!(small.entries.lock().map(|entries| entries.len()).unwrap_or(0) <= 2);
        assert!(small.get(&key(4, None), small.stamp(4, 1)).is_some(), "the newest page is kept");
    }

    #[test]
    fn a_page_remembers_which_members_read_it_up_to_a_bound() {
        let shared = page("page");
        shared.remember_reader(1, true);
        shared.remember_reader(2, false);
        assert_eq!((shared.read_by(1), shared.read_by(2), shared.read_by(3)), (Some(true), Some(false), None));
        for member in 10..10 + REMEMBERED_READERS as i64 {
            shared.remember_reader(member, true);
        }
        assert_eq!(shared.readers.lock().map(|readers| readers.len()).unwrap_or(0), REMEMBERED_READERS);
        assert_eq!(shared.read_by(1), Some(true), "earlier answers are kept");
    }

    #[test]
    fn a_page_is_gzipped_once_from_its_pieces_and_unzips_to_itself() {
        use std::io::Read;
        let post = serde_json::json!({"id": 1, "body_html": "<p>Slept better this week.</p>".repeat(20)}).to_string();
        let body = format!("{{\"posts\": [{}]}}", [post.as_str(); 3].join(","));
        let shown = Shown { community_id: 1, visibility: Visibility::Public, post_ids: 1..=50 };
        let piece = crate::stitch::Piece::of_json(post.as_bytes()).expect("piece");
        let at = |index: usize| "{\"posts\": [".len() + index * (post.len() + 1);
        let placed = [0, 2].map(|index| Placed { at: at(index), piece: piece.clone() });
        let page = Page::new(Bytes::from(body), shown, placed.to_vec());
        let gzipped = page.gzipped();
        assert!(gzipped.len() < page.body.len() / 4, "repetitive JSON shrinks");
        let copies = gzipped.windows(piece.deflated.len()).filter(|window| *window == &piece.deflated[..]).count();
        assert_eq!(copies, 2, "the two pieces are copied in");
        assert_eq!(page.gzipped().as_ptr(), gzipped.as_ptr(), "the same bytes, not made again");
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzipped[..]).read_to_string(&mut unzipped).expect("valid gzip");
        assert_eq!(unzipped.as_bytes(), &page.body[..]);
    }
}
