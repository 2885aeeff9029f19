//! The rooms one connection follows, in one small vector (a connection
//! follows few rooms): each room's events, the last sequence number sent
//! from it, when the member's typing there was last passed on, and whether
//! blocks apply there.

use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;
use std::time::Instant;

use futures_util::Stream;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::hub::RoomEvent;

pub struct Subscription {
    room: i64,
    /// The last sequence number sent to the client.
    pub last_seq: i64,
    /// When the member's typing here was last passed on.
    pub typed_at: Option<Instant>,
    /// The member moderates this room's community: blocks hide nothing here.
    pub moderated: bool,
    events: BroadcastStream<RoomEvent>,
}

#[derive(Default)]
pub struct Subscriptions {
    rooms: Vec<Subscription>,
    /// Where the next look for events starts, so a busy room cannot starve the others.
    start: usize,
}

impl Subscriptions {
    pub fn count(&self) -> usize {
        self.rooms.len()
    }

    pub fn rooms(&self) -> impl Iterator<Item = i64> + '_ {
        self.rooms.iter().map(|subscription| subscription.room)
    }

    pub fn contains(&self, room: i64) -> bool {
        self.rooms.iter().any(|subscription| subscription.room == room)
    }

    pub fn get(&self, room: i64) -> Option<&Subscription> {
        self.rooms.iter().find(|subscription| subscription.room == room)
    }

    pub fn get_mut(&mut self, room: i64) -> Option<&mut Subscription> {
        self.rooms.iter_mut().find(|subscription| subscription.room == room)
    }

    /// Follows a room's events from now on.
    pub fn insert(&mut self, room: i64, moderated: bool, events: broadcast::Receiver<RoomEvent>) {
        self.rooms.reserve_exact(1);
        let events = BroadcastStream::new(events);
        self.rooms.push(Subscription { room, last_seq: 0, typed_at: None, moderated, events });
    }

    /// Stops following a room; false when it was not followed.
    pub fn remove(&mut self, room: i64) -> bool {
        let Some(index) = self.rooms.iter().position(|subscription| subscription.room == room) else {
            return false;
        };
        self.rooms.swap_remove(index);
        self.rooms.shrink_to_fit();
        true
    }

    /// The next event from any room; pending while there is none.
    pub async fn next(&mut self) -> (i64, Result<RoomEvent, BroadcastStreamRecvError>) {
        poll_fn(|cx| {
            let count = self.rooms.len();
            for offset in 0..count {
                let index = (self.start + offset) % count;
                let subscription = &mut self.rooms[index];
                // A room's stream ends only once nobody here follows it: never while this one does.
                if let Poll::Ready(Some(event)) = Pin::new(&mut subscription.events).poll_next(cx) {
                    self.start = index + 1;
                    return Poll::Ready((subscription.room, event));
                }
            }
            Poll::Pending
        })
        .await
    }
}
