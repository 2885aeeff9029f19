//! The room hub of one process: a broadcast channel per active room, fed
//! in sequence order by that room's sequencer, plus presence and the
//! per-member limits. Connections read from it; nothing here writes to a
//! socket, so a slow client can only ever hurt itself.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, Weak};

use bytestring::ByteString;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::broker::Note;
use super::presence::{self, Write};
use super::protocol::{Present, ServerFrame};
use crate::auth::Member;
use crate::auth::session_cache::SessionCache;
use crate::db::chat::{self, MessageListing, Window};
use crate::db::{Db, presence as presence_rows};
use crate::live::protocol::MessageFrame;

/// Messages a sequencer loads from the database at a time.
const SEQUENCER_BATCH: i64 = 200;
/// Account events buffered for connections; one that lags re-checks instead.
const CONTROL_CAPACITY: usize = 256;

/// An event in a room, encoded once for every connection.
#[derive(Debug, Clone)]
pub enum RoomEvent {
    /// A stored message, with its place in the room's sequence, its author,
    /// and the collapsed placeholder shown where a block hides it.
    Message { seq: i64, author: i64, frame: ByteString, hidden: ByteString },
    /// A member is typing; not passed on across a block, like their messages.
    Typing { author: i64, frame: ByteString },
    /// Who is here now, everyone named; a reader with a block in the room
    /// asks the hub for the list without the member hidden from them.
    Presence(ByteString),
    /// Anything else without a place in the sequence (deletions, approvals).
    Signal(ByteString),
}

/// What a room's sequencer hears of: how far the room's sequence has
/// reached, or a message this process stored, in hand so that it need not
/// be read back when it is the next in sequence.
enum Announcement {
    Reached(i64),
    Stored(Box<MessageListing>),
}

struct ActiveRoom {
    events: broadcast::Sender<RoomEvent>,
    /// The sequencer broadcasts up to what the room has reached.
    announcements: mpsc::UnboundedSender<Announcement>,
    /// Who is here: member id -> (names, open subscriptions).
    present: HashMap<i64, (Present, usize)>,
    /// Who is here through other processes (PostgreSQL): member id -> names.
    elsewhere: HashMap<i64, Present>,
}

/// An account event every connection of this process hears.
#[derive(Debug, Clone)]
pub enum Control {
    /// These sessions ended: their connections close.
    SessionsEnded(Arc<[i64]>),
    /// A block between these two members changed.
    BlocksChanged([i64; 2]),
    /// These members have new notifications.
    Notified(Arc<[i64]>),
    /// This member's membership of a community changed.
    MembershipChanged(i64),
    /// New visible posts, as `[thread, post]`.
    Replied(Arc<[[i64; 2]]>),
    /// Notes may have been missed: every connection checks its session and blocks again.
    Recheck,
    /// The server is stopping: every connection closes, telling its client to reconnect.
    ShuttingDown,
}

pub struct Hub {
    db: Db,
    controls: broadcast::Sender<Control>,
    room_capacity: usize,
    rooms: Mutex<HashMap<i64, ActiveRoom>>,
    connections: Mutex<HashMap<i64, usize>>,
    max_connections_per_member: usize,
    senders: DefaultKeyedRateLimiter<i64>,
    /// Tells this process's notes from other processes' in the broker.
    pub process_id: u64,
    /// Sessions read a moment ago; every note this hub hears reaches them first.
    pub sessions: SessionCache,
    /// Where presence goes for the other processes (PostgreSQL); none when
    /// this process is the only one (SQLite).
    shared_presence: Option<mpsc::UnboundedSender<Write>>,
    /// This hub, for the tasks it starts.
    me: Weak<Hub>,
}

impl Hub {
    /// A hub; `shared` when other processes serve the same database, whose
    /// members present in a room this one shows too.
    pub fn new(
        db: Db,
        room_capacity: usize,
        max_connections_per_member: usize,
        messages_per_second: u32,
        shared: bool,
        sessions: SessionCache,
    ) -> Arc<Self> {
        let per_second = NonZeroU32::new(messages_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = per_second.saturating_mul(NonZeroU32::new(3).unwrap_or(NonZeroU32::MIN));
        let mut id = [0u8; 8];
        let _ = getrandom::fill(&mut id);
        let process_id = u64::from_le_bytes(id);
        let shared_presence = shared.then(|| {
            let (writes, in_order) = mpsc::unbounded_channel();
            tokio::spawn(presence::write_in_order(db.clone(), process_id, in_order));
            writes
        });
        let hub = Arc::new_cyclic(|me| Self {
            db,
            controls: broadcast::channel(CONTROL_CAPACITY).0,
            room_capacity: room_capacity.max(16),
            rooms: Mutex::default(),
            connections: Mutex::default(),
            max_connections_per_member,
            senders: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
            process_id,
            sessions,
            shared_presence,
            me: me.clone(),
        });
        if shared {
            tokio::spawn(presence::keep_fresh(hub.clone()));
        }
        hub
    }

    fn rooms(&self) -> std::sync::MutexGuard<'_, HashMap<i64, ActiveRoom>> {
        self.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Counts a new connection for `user_id`; false when they have too many.
    pub fn open_connection(&self, user_id: i64) -> bool {
        let mut connections = self.connections.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = connections.entry(user_id).or_default();
        if *count >= self.max_connections_per_member {
            return false;
        }
        *count += 1;
        true
    }

    pub fn close_connection(&self, user_id: i64) {
        let mut connections = self.connections.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = connections.get_mut(&user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                connections.remove(&user_id);
            }
        }
    }

    /// Open connections in this process.
    pub fn connection_count(&self) -> usize {
        self.connections.lock().unwrap_or_else(std::sync::PoisonError::into_inner).values().sum()
    }

    /// Whether `user_id` may send another chat message now.
    pub fn may_send(&self, user_id: i64) -> bool {
        self.senders.check_key(&user_id).is_ok()
    }

    /// Subscribes a member to a room's events and marks them present. The
    /// others hear of it only when the member was not already there; the new
    /// subscription gets the current presence frame to send itself.
    pub fn join(&self, room: i64, member: &Member) -> (broadcast::Receiver<RoomEvent>, ByteString) {
        let mut rooms = self.rooms();
        let active = rooms.entry(room).or_insert_with(|| {
            self.look_elsewhere(vec![room]);
            self.activate(room)
        });
        let names = Present { username: member.username.clone(), display_name: member.display_name.clone() };
        let connections = &mut active.present.entry(member.user_id).or_insert((names, 0)).1;
        *connections += 1;
        let arrived = *connections == 1;
        let frame = presence_frame(room, active, None);
        if arrived {
            let _ = active.events.send(RoomEvent::Presence(frame.clone()));
            self.share_presence(Write::Arrive { room, user: member.user_id });
        }
        (active.events.subscribe(), frame)
    }

    /// Undoes one `join`; the room hears of it when the member's last
    /// subscription goes, and a room nobody here follows is let go.
    pub fn leave(&self, room: i64, user_id: i64) {
        let mut rooms = self.rooms();
        let Some(active) = rooms.get_mut(&room) else { return };
        let Some((_, connections)) = active.present.get_mut(&user_id) else { return };
        *connections -= 1;
        if *connections > 0 {
            return;
        }
        active.present.remove(&user_id);
        self.share_presence(Write::Leave { room, user: user_id });
        if active.present.is_empty() {
            rooms.remove(&room);
        } else {
            let _ = active.events.send(RoomEvent::Presence(presence_frame(room, active, None)));
        }
    }

    /// Hands a change of this process's presence to the other processes.
    pub fn share_presence(&self, write: Write) {
        if let Some(writes) = &self.shared_presence {
            let _ = writes.send(write);
        }
    }

    /// Takes this process's members out of every room for the other
    /// processes (it is stopping); returns once that is written.
    pub async fn forget_presence(&self) {
        let (done, written) = oneshot::channel();
        self.share_presence(Write::Forget(done));
        let _ = written.await;
    }

    /// Reads again who is present in `rooms` through other processes, and
    /// tells each room whose list changed (in the background).
    pub fn look_elsewhere(&self, rooms: Vec<i64>) {
        let Some(hub) = self.me.upgrade().filter(|_| self.shared_presence.is_some() && !rooms.is_empty()) else {
            return;
        };
        tokio::spawn(async move {
            let process = hub.process_id as i64;
            let found = hub
                .db
                .read(move |connection| {
                    let found = presence_rows::elsewhere(connection, &rooms, process, presence::lease_start())?;
                    Ok((rooms, found))
                })
                .await;
            let Ok((rooms, found)) = found else { return };
            let mut by_room: HashMap<i64, HashMap<i64, Present>> =
                rooms.iter().map(|room| (*room, HashMap::new())).collect();
            for row in found {
                let names = Present { username: row.username, display_name: row.display_name };
                by_room.entry(row.room_id).or_default().insert(row.user_id, names);
            }
            let mut active_rooms = hub.rooms();
            for (room, elsewhere) in by_room {
                let Some(active) = active_rooms.get_mut(&room) else { continue };
                if active.elsewhere != elsewhere {
                    active.elsewhere = elsewhere;
                    let _ = active.events.send(RoomEvent::Presence(presence_frame(room, active, None)));
                }
            }
        });
    }

    /// Who is in `room` now, leaving out `hidden`, if anyone here follows it.
    pub fn presence(&self, room: i64, hidden: Option<&HashSet<i64>>) -> Option<ByteString> {
        self.rooms().get(&room).map(|active| presence_frame(room, active, hidden))
    }

    /// Who is in `room` now without `hidden`, when one of them is there;
    /// otherwise the frame everyone is sent serves.
    pub fn presence_hiding(&self, room: i64, hidden: &HashSet<i64>) -> Option<ByteString> {
        let rooms = self.rooms();
        let active = rooms.get(&room)?;
        hidden
            .iter()
            .any(|user_id| active.present.contains_key(user_id) || active.elsewhere.contains_key(user_id))
            .then(|| presence_frame(room, active, Some(hidden)))
    }

    /// Rooms with subscribers in this process.
    pub fn active_rooms(&self) -> Vec<i64> {
        self.rooms().keys().copied().collect()
    }

    /// Account events, for a connection to follow.
    pub fn controls(&self) -> broadcast::Receiver<Control> {
        self.controls.subscribe()
    }

    /// Asks every connection to check its session and blocks again.
    pub fn recheck_connections(&self) {
        let _ = self.controls.send(Control::Recheck);
    }

    /// Closes every connection of this process, telling clients to come back
    /// (the server is stopping for a restart or an upgrade).
    pub fn shut_down(&self) {
        let _ = self.controls.send(Control::ShuttingDown);
    }

    /// Hands a note to this process's connections: account notes (sessions,
    /// blocks, notifications; each connection picks out its member's) to all
    /// of them, room notes to the room's subscribers.
    pub fn deliver(&self, note: &Note) {
        self.sessions.hear(note);
        let control = match note {
            Note::SessionsEnded { sessions, .. } => Some(Control::SessionsEnded(sessions.as_slice().into())),
            Note::BlocksChanged { users, .. } => Some(Control::BlocksChanged(*users)),
            Note::Notified { users, .. } => Some(Control::Notified(users.as_slice().into())),
            Note::MembershipChanged { user, .. } => Some(Control::MembershipChanged(*user)),
            Note::Replied { posts, .. } => Some(Control::Replied(posts.as_slice().into())),
            _ => None,
        };
        if let Some(control) = control {
            let _ = self.controls.send(control);
            return;
        }
        let rooms = self.rooms();
        let Some(active) = note.room().and_then(|room| rooms.get(&room)) else { return };
        match note {
            Note::Message { seq, .. } => {
                let _ = active.announcements.send(Announcement::Reached(*seq));
            }
            Note::Deleted { room, id, seq, .. } => {
                let frame = ServerFrame::Deleted { room: *room, id: *id, seq: *seq }.encode();
                let _ = active.events.send(RoomEvent::Signal(frame.into()));
            }
            Note::Shown { room, id, seq, .. } => {
                let frame = ServerFrame::Shown { room: *room, id: *id, seq: *seq }.encode();
                let _ = active.events.send(RoomEvent::Signal(frame.into()));
            }
            Note::PresenceChanged { room, .. } => self.look_elsewhere(vec![*room]),
            Note::Typing { room, user_id, username, display_name, .. } => {
                let frame = ServerFrame::Typing { room: *room, username, display_name }.encode();
                let _ = active.events.send(RoomEvent::Typing { author: *user_id, frame: frame.into() });
            }
            Note::SessionsEnded { .. }
            | Note::AccountChanged { .. }
            | Note::BlocksChanged { .. }
            | Note::Notified { .. }
            | Note::MembershipChanged { .. }
            | Note::Replied { .. } => {}
        }
    }

    /// Hands a visible message this process just stored to the room's
    /// subscribers here (other processes hear of it through the broker).
    pub fn deliver_stored(&self, listing: MessageListing) {
        let rooms = self.rooms();
        if let Some(active) = rooms.get(&listing.message.room_id) {
            let _ = active.announcements.send(Announcement::Stored(Box::new(listing)));
        }
    }

    fn activate(&self, room: i64) -> ActiveRoom {
        let (events, _) = broadcast::channel(self.room_capacity);
        let (announcements, pending) = mpsc::unbounded_channel();
        tokio::spawn(sequence(self.db.clone(), room, pending, events.clone()));
        ActiveRoom { events, announcements, present: HashMap::new(), elsewhere: HashMap::new() }
    }
}

/// Who is in the room (through any process) but `hidden`, sorted by name,
/// as one encoded frame.
fn presence_frame(room: i64, active: &ActiveRoom, hidden: Option<&HashSet<i64>>) -> ByteString {
    let here = active.present.iter().map(|(user_id, (present, _))| (user_id, present));
    let elsewhere = active.elsewhere.iter().filter(|(user_id, _)| !active.present.contains_key(user_id));
    let mut members: Vec<&Present> = here
        .chain(elsewhere)
        .filter(|(user_id, _)| !hidden.is_some_and(|hidden| hidden.contains(user_id)))
        .map(|(_, present)| present)
        .collect();
    members.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.username.cmp(&b.username)));
    ServerFrame::Presence { room, members: &members }.encode().into()
}

/// Broadcasts a room's messages in sequence order as they are announced:
/// the next one from hand when this process stored it, the rest loaded
/// from the database once. Ends when the room is let go.
async fn sequence(
    db: Db,
    room: i64,
    mut announcements: mpsc::UnboundedReceiver<Announcement>,
    events: broadcast::Sender<RoomEvent>,
) {
    let mut delivered = db.read(move |connection| Ok(chat::room(connection, room)?.last_seq)).await.unwrap_or(0);
    let mut in_hand: BTreeMap<i64, MessageListing> = BTreeMap::new();
    while let Some(first) = announcements.recv().await {
        let mut reached = delivered;
        let mut heard = Some(first);
        while let Some(announcement) = heard {
            match announcement {
                Announcement::Reached(seq) => reached = reached.max(seq),
                Announcement::Stored(listing) => {
                    reached = reached.max(listing.message.seq);
                    in_hand.insert(listing.message.seq, *listing);
                }
            }
            heard = announcements.try_recv().ok();
        }
        while delivered < reached {
            if let Some(listing) = in_hand.remove(&(delivered + 1)) {
                broadcast(&events, &listing);
                delivered += 1;
                continue;
            }
            let window = Window::After { after: delivered, upto: Some(reached) };
            let batch = db.read(move |connection| chat::messages(connection, room, window, SEQUENCER_BATCH)).await;
            let Ok(listings) = batch else { break };
            let Some(last) = listings.last() else { break };
            delivered = last.message.seq;
            listings.iter().for_each(|listing| broadcast(&events, listing));
        }
        in_hand = in_hand.split_off(&(delivered + 1));
    }
}

/// Sends a message to the room's subscribers, encoded once as shown and
/// once as collapsed by a block.
fn broadcast(events: &broadcast::Sender<RoomEvent>, listing: &MessageListing) {
    let frame = ServerFrame::Message(MessageFrame::of(listing, false)).encode();
    let hidden = ServerFrame::Message(MessageFrame::of(listing, true)).encode();
    let (seq, author) = (listing.message.seq, listing.message.author_id);
    let _ = events.send(RoomEvent::Message { seq, author, frame: frame.into(), hidden: hidden.into() });
}
