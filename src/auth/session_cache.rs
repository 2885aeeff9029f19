//! Live sessions this process checked a moment ago, so most signed-in
//! requests need not read the database. Ending a session or changing an
//! account sends a note (`live::broker`), which drops what it changes here at
//! once and, through LISTEN, in every other process; while this process
//! cannot hear other processes' notes, it remembers nothing.
//! `session_cache_seconds` bounds only changes that send no note: `kindred
//! admin` on SQLite, or an edit by hand in the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use prometheus_client::metrics::counter::Counter;

use super::session::SessionUser;
use crate::domain::time::Timestamp;
use crate::live::broker::Note;

/// A session as last read, and when.
struct Remembered {
    user: SessionUser,
    read_at: Instant,
}

struct Memory {
    /// By the token's hash: the token itself is never kept.
    sessions: HashMap<String, Remembered>,
    /// Moves on at every change heard, so a read that raced a change is not remembered.
    generation: u64,
    /// Whether every note that could change a remembered session reaches this process.
    hears_all: bool,
}

pub struct SessionCache {
    memory: Mutex<Memory>,
    max_age: Duration,
    capacity: usize,
    /// Signed-in requests answered from memory, and from the database.
    pub hits: Counter,
    pub loads: Counter,
}

/// What a reader holds between asking the database and handing the answer back.
#[derive(Clone, Copy)]
pub struct Ticket(u64);

impl SessionCache {
    /// A cache of at most `capacity` sessions, each served for `max_age`
    /// (either 0: none kept); `hears_all` when no note can be missed from
    /// the start (one process, SQLite).
    pub fn new(capacity: usize, max_age: Duration, hears_all: bool) -> Self {
        Self {
            memory: Mutex::new(Memory { sessions: HashMap::new(), generation: 0, hears_all }),
            max_age,
            capacity,
            hits: Counter::default(),
            loads: Counter::default(),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The unexpired session of `token_hash`, if it was read recently enough;
    /// otherwise a ticket to hand back with what the database says.
    pub fn get(&self, token_hash: &str) -> Result<SessionUser, Ticket> {
        let memory = self.memory();
        let fresh = memory.sessions.get(token_hash).filter(|remembered| {
            remembered.read_at.elapsed() < self.max_age && remembered.user.expires_at.0 > Timestamp::now().0
        });
        match fresh {
            Some(remembered) if memory.hears_all => {
                self.hits.inc();
                Ok(remembered.user.clone())
            }
            _ => {
                self.loads.inc();
                Err(Ticket(memory.generation))
            }
        }
    }

    /// Keeps a live session read from the database, unless a change was heard
    /// since the read began (`ticket`) or the cache is full of fresh sessions.
    pub fn remember(&self, token_hash: String, user: SessionUser, ticket: Ticket) {
        let mut memory = self.memory();
        if !memory.hears_all || memory.generation != ticket.0 || self.max_age.is_zero() {
            return;
        }
        if memory.sessions.len() >= self.capacity && !memory.sessions.contains_key(&token_hash) {
            let max_age = self.max_age;
            memory.sessions.retain(|_, remembered| remembered.read_at.elapsed() < max_age);
            if memory.sessions.len() >= self.capacity {
                return;
            }
        }
        memory.sessions.insert(token_hash, Remembered { user, read_at: Instant::now() });
    }

    /// This process slid the session's expiry forward.
    pub fn slid(&self, token_hash: &str, expires_at: Timestamp) {
        if let Some(remembered) = self.memory().sessions.get_mut(token_hash) {
            remembered.user.expires_at = expires_at;
        }
    }

    /// Forgets what a note changes: ended sessions, or a changed account's
    /// sessions. Other notes (chat's, most of them) never take the lock.
    pub fn hear(&self, note: &Note) {
        let forgets: &dyn Fn(&SessionUser) -> bool = match note {
            Note::SessionsEnded { sessions, .. } => &|user| sessions.contains(&user.session_id),
            Note::AccountChanged { user, .. } => &|remembered| remembered.user_id == *user,
            _ => return,
        };
        let mut memory = self.memory();
        memory.sessions.retain(|_, remembered| !forgets(&remembered.user));
        memory.generation += 1;
    }

    /// Notes from other processes may have been missed (or start to be): forget
    /// everything, and keep nothing until `hear_all`.
    pub fn miss_notes(&self) {
        self.forget_all(false);
    }

    /// Every note reaches this process from now on.
    pub fn hear_all(&self) {
        self.forget_all(true);
    }

    fn forget_all(&self, hears_all: bool) {
        let mut memory = self.memory();
        memory.sessions.clear();
        memory.generation += 1;
        memory.hears_all = hears_all;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.memory().sessions.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(session_id: i64, user_id: i64) -> SessionUser {
        SessionUser {
            session_id,
            user_id,
            username: format!("member{user_id}"),
            display_name: format!("Member {user_id}"),
            is_admin: false,
            is_safeguarding_lead: false,
            expires_at: Timestamp::now().plus_seconds(3600),
        }
    }

    fn read(cache: &SessionCache, hash: &str, session_id: i64, user_id: i64) {
        let ticket = cache.get(hash).expect_err("not remembered yet");
        cache.remember(hash.to_owned(), user(session_id, user_id), ticket);
    }

    #[test]
    fn keeps_at_most_its_capacity_and_never_a_read_that_raced_a_change() {
        let cache = SessionCache::new(3, Duration::from_secs(60), true);
        for id in 1..=5 {
            read(&cache, &format!("hash{id}"), id, id);
        }
        assert_eq!(cache.len(), 3, "the cache is bounded");
        assert!(cache.get("hash1").is_ok() && cache.get("hash4").is_err());

        let ticket = cache.get("hash9").expect_err("not remembered");
        cache.hear(&Note::SessionsEnded { sessions: vec![2], origin: 0 });
        cache.remember("hash9".into(), user(9, 9), ticket);
        assert!(cache.get("hash9").is_err(), "a read begun before a session ended is not kept");
        assert!(cache.get("hash2").is_err(), "the ended session is forgotten");
        assert!(cache.get("hash3").is_ok(), "other sessions stay");

        cache.hear(&Note::AccountChanged { user: 3, origin: 0 });
        assert!(cache.get("hash3").is_err(), "a changed account is read again");
    }

    #[test]
    fn remembers_nothing_while_notes_may_be_missed() {
        let cache = SessionCache::new(10, Duration::from_secs(60), false);
        read(&cache, "hash1", 1, 1);
        assert!(cache.get("hash1").is_err(), "nothing kept before every note is heard");
        cache.hear_all();
        read(&cache, "hash1", 1, 1);
        assert!(cache.get("hash1").is_ok());
        cache.miss_notes();
        assert!(cache.get("hash1").is_err(), "forgotten when notes may be missed");
    }

    #[test]
    fn serves_a_session_no_longer_than_its_age_allows() {
        let cache = SessionCache::new(10, Duration::ZERO, true);
        read(&cache, "hash1", 1, 1);
        assert!(cache.get("hash1").is_err(), "0 seconds keeps nothing");
    }
}
