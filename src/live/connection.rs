//! One websocket connection: one task that selects over the client's
//! frames, its rooms' events, the hub's account events, a heartbeat and its
//! outbox (the write in flight and a bounded queue behind it). A client too
//! slow to keep its queue from filling is disconnected (it resumes from its
//! last sequence number), so it never holds up a room; one that stops
//! answering is dropped.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use actix_web::web;
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};
use bytestring::ByteString;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::broadcast;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use super::broker::{self, Note};
use super::hub::{Control, RoomEvent};
use super::outbox::{Outbox, Outgoing, TooSlow};
use super::protocol::{ClientFrame, MessageFrame, ServerFrame};
use super::sending::{self, Sent};
use super::subscriptions::Subscriptions;
use crate::auth::Member;
use crate::auth::session;
use crate::db::blocks;
use crate::db::chat::{self, MessageListing, NewMessage, Revision, Window};
use crate::db::communities as community_store;
use crate::discussion::context::thread_in_context;
use crate::domain::chat::{ChatBody, ClientId};
use crate::domain::discussion::render;
use crate::domain::moderation::ContentState;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::state::AppState;
use crate::views::notification;

/// Messages sent on joining a room without `after`.
const HISTORY_ON_JOIN: i64 = 50;
/// The most missed messages sent over the socket; past it the client is
/// told to `resync` from the HTTP API.
const MAX_CATCH_UP: i64 = 200;
/// A client resuming with `after` is told how the messages it may hold
/// changed meanwhile (taken down, or approved or restored): the newest this
/// many among the `REVISIONS_LOOK_BACK` before `after` (with a full
/// catch-up, still within the outgoing queue).
const MAX_REVISIONS_REPLAYED: i64 = 50;
const REVISIONS_LOOK_BACK: i64 = 500;
/// How often one member's typing in one room is passed on.
const TYPING_INTERVAL: Duration = Duration::from_secs(2);

/// Why a connection ends.
enum Ending {
    ClientLeft,
    TooSlow,
    Silent,
    Violation(&'static str),
    /// The member's session ended (signed out elsewhere, a password change, erasure).
    SessionEnded,
    /// The database could not say what the connection may see.
    Unavailable,
    /// The server is stopping; the client should reconnect shortly.
    ShuttingDown,
}

pub struct Connection {
    state: web::Data<AppState>,
    member: Member,
    outbox: Outbox,
    /// The rooms followed, each with its sequence number, typing time and
    /// whether the member moderates it.
    rooms: Subscriptions,
    frames: DefaultDirectRateLimiter,
    last_heard: Instant,
    controls: broadcast::Receiver<Control>,
    /// Members a block hides from this one, either way; empty (and
    /// unallocated) for a member with no blocks.
    hidden: HashSet<i64>,
    /// The thread whose new replies the client hears of.
    thread: Option<i64>,
}

/// The task of a connection until it ends; the member's connection was
/// counted by the caller.
pub fn run(
    state: web::Data<AppState>,
    member: Member,
    session: Session,
    mut stream: AggregatedMessageStream,
) -> impl Future<Output = ()> {
    let settings = &state.settings;
    let write_timeout = Duration::from_secs(settings.live_write_timeout_seconds.max(1));
    let per_second = NonZeroU32::new(settings.live_frames_per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = per_second.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN));
    let mut connection = Connection {
        member,
        outbox: Outbox::new(session, settings.live_queue_capacity.max(8), write_timeout),
        rooms: Subscriptions::default(),
        frames: RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst)),
        last_heard: Instant::now(),
        controls: state.hub.controls(),
        hidden: HashSet::new(),
        thread: None,
        state,
    };
    // A block rather than an `async fn` taking them by value (which would
    // move them into locals): the task holds the connection and stream once.
    async move {
        let ending = connection.serve(&mut stream).await;
        drop(stream);
        connection.end(ending).await;
    }
}

impl Connection {
    /// Serves the client until the connection ends, and says why.
    async fn serve(&mut self, stream: &mut AggregatedMessageStream) -> Ending {
        let heartbeat_every = Duration::from_secs(self.state.settings.live_heartbeat_seconds.max(1));
        let silence_limit = Duration::from_secs(self.state.settings.live_timeout_seconds.max(2));
        let mut heartbeat = tokio::time::interval(heartbeat_every);
        heartbeat.tick().await;
        let mut step = self.recheck().await;
        loop {
            if let Err(ending) = step {
                return ending;
            }
            step = tokio::select! {
                TooSlow = self.outbox.flush() => Err(Ending::TooSlow),
                frame = stream.recv() => match frame {
                    None | Some(Ok(AggregatedMessage::Close(_))) => Err(Ending::ClientLeft),
                    Some(Ok(frame)) => self.on_frame(frame).await,
                    Some(Err(error)) => {
                        tracing::debug!(%error, "websocket protocol error");
                        let _ = self.error(None, &too_large());
                        Err(Ending::Violation("protocol error"))
                    }
                },
                (room, event) = self.rooms.next() => self.on_room_event(room, event).await,
                control = self.controls.recv() => self.on_control(control).await,
                _ = heartbeat.tick() => {
                    if self.last_heard.elapsed() > silence_limit {
                        Err(Ending::Silent)
                    } else {
                        self.push(Outgoing::Ping)
                    }
                }
            };
        }
    }

    /// Leaves the rooms, then writes out what is queued and says goodbye,
    /// unless the client is too slow to take it (then it is just cut off).
    async fn end(&mut self, ending: Ending) {
        let hub = &self.state.hub;
        for room in self.rooms.rooms() {
            hub.leave(room, self.member.user_id);
        }
        hub.close_connection(self.member.user_id);
        let normal = || CloseReason { code: CloseCode::Normal, description: None };
        let (why, reason) = match ending {
            Ending::TooSlow => ("client too slow", None),
            Ending::ClientLeft => ("client left", Some(normal())),
            Ending::Silent => ("client silent", Some(normal())),
            Ending::Violation(why) => {
                (why, Some(CloseReason { code: CloseCode::Policy, description: Some(why.into()) }))
            }
            Ending::SessionEnded => (
                "session ended",
                Some(CloseReason { code: CloseCode::Policy, description: Some("session ended".into()) }),
            ),
            Ending::Unavailable => {
                ("database unavailable", Some(CloseReason { code: CloseCode::Again, description: None }))
            }
            Ending::ShuttingDown => (
                "server stopping",
                Some(CloseReason { code: CloseCode::Restart, description: Some("server restarting".into()) }),
            ),
        };
        tracing::debug!(user = self.member.user_id, why, "live connection ended");
        if let Some(reason) = reason {
            // Boxed: the connection's resting state need not make room for it.
            Box::pin(self.outbox.close(reason)).await;
        }
    }

    async fn on_control(&mut self, control: Result<Control, broadcast::error::RecvError>) -> Result<(), Ending> {
        match control {
            Ok(Control::SessionsEnded(sessions)) if sessions.contains(&self.member.session_id) => {
                Err(Ending::SessionEnded)
            }
            Ok(Control::BlocksChanged(users)) if users.contains(&self.member.user_id) => self.reload_blocks().await,
            Ok(Control::Notified(users)) if users.contains(&self.member.user_id) => self.notified().await,
            Ok(Control::MembershipChanged(user)) if user == self.member.user_id => {
                self.recheck_rooms().await?;
                self.recheck_thread().await
            }
            Ok(Control::Replied(posts)) => self.replied(&posts),
            Ok(Control::ShuttingDown) => Err(Ending::ShuttingDown),
            Ok(Control::Recheck) | Err(broadcast::error::RecvError::Lagged(_)) => self.recheck().await,
            Ok(_) | Err(broadcast::error::RecvError::Closed) => Ok(()),
        }
    }

    /// Checks the session is still open, loads who is hidden and checks the
    /// rooms followed: at the start, and whenever account notes may have
    /// been missed.
    async fn recheck(&mut self) -> Result<(), Ending> {
        let session_id = self.member.session_id;
        let open = self.state.db.read(move |connection| session::is_open(connection, session_id)).await;
        match open {
            Ok(true) => {
                self.reload_blocks().await?;
                self.recheck_rooms().await
            }
            Ok(false) => Err(Ending::SessionEnded),
            Err(_) => Err(Ending::Unavailable),
        }
    }

    /// Checks again that the member may read each room followed, as on
    /// subscribing: a room they may no longer read (they left the community
    /// or were banned from it) is left at once and the client is told
    /// `unsubscribed`; where they came to moderate, or stopped, blocks apply
    /// accordingly.
    async fn recheck_rooms(&mut self) -> Result<(), Ending> {
        if self.rooms.count() == 0 {
            return Ok(());
        }
        let rooms: Vec<i64> = self.rooms.rooms().collect();
        let member = self.member.clone();
        let standings = self
            .state
            .db
            .read(move |connection| {
                let mut standings = Vec::with_capacity(rooms.len());
                for room in rooms {
                    let standing = match readable_room(connection, room, Some(&member)) {
                        Ok((_, standing)) => Some(standing),
                        Err(error) if error.code() == "not_found" => None,
                        Err(error) => return Err(error),
                    };
                    standings.push((room, standing));
                }
                Ok(standings)
            })
            .await
            .map_err(|_| Ending::Unavailable)?;
        for (room, standing) in standings {
            match standing {
                Some(standing) => {
                    if let Some(subscription) = self.rooms.get_mut(room) {
                        subscription.moderated = !policy::block_hides(standing);
                    }
                }
                None => {
                    self.rooms.remove(room);
                    self.state.hub.leave(room, self.member.user_id);
                    self.send(&ServerFrame::Unsubscribed { room })?;
                }
            }
        }
        Ok(())
    }

    /// Loads who is hidden; when that changed, "here now" in each room is sent again to match.
    async fn reload_blocks(&mut self) -> Result<(), Ending> {
        let user_id = self.member.user_id;
        let hidden = self.state.db.read(move |connection| blocks::hidden_from(connection, user_id)).await;
        let hidden = hidden.map_err(|_| Ending::Unavailable)?;
        if hidden == self.hidden {
            return Ok(());
        }
        self.hidden = hidden;
        let rooms: Vec<i64> = self.rooms.rooms().collect();
        for room in rooms {
            if let Some(presence) = self.state.hub.presence(room, self.hidden_in(room)) {
                self.push(Outgoing::Text(presence))?;
            }
        }
        Ok(())
    }

    /// Sends the member's newest notification and unread count.
    async fn notified(&mut self) -> Result<(), Ending> {
        let user_id = self.member.user_id;
        let latest = self.state.db.read(move |connection| notification::latest(connection, user_id)).await;
        match latest {
            Ok(Some((notification, unread_count))) => {
                self.send(&ServerFrame::Notification { notification: &notification, unread_count })
            }
            Ok(None) => Ok(()),
            Err(_) => Err(Ending::Unavailable),
        }
    }

    /// Who a block hides from this member in `room`: no one where they moderate.
    fn hidden_in(&self, room: i64) -> Option<&HashSet<i64>> {
        let moderated = self.rooms.get(room).is_some_and(|subscription| subscription.moderated);
        (!moderated && !self.hidden.is_empty()).then_some(&self.hidden)
    }

    /// Whether a block collapses `author`'s messages in `room` for this member.
    fn hides(&self, room: i64, author: i64) -> bool {
        self.hidden_in(room).is_some_and(|hidden| hidden.contains(&author))
    }

    /// "Here now" for this member: the frame everyone gets, unless someone
    /// in the room is hidden from them.
    fn presence_as_seen(&self, room: i64, everyone: ByteString) -> ByteString {
        self.hidden_in(room).and_then(|hidden| self.state.hub.presence_hiding(room, hidden)).unwrap_or(everyone)
    }

    fn message(&mut self, listing: &MessageListing) -> Result<(), Ending> {
        let blocked = self.hides(listing.message.room_id, listing.message.author_id);
        self.send(&ServerFrame::Message(MessageFrame::of(listing, blocked)))
    }

    /// Queues a frame; a full queue means the client is not reading, and
    /// the connection ends rather than grow or wait.
    fn push(&mut self, outgoing: Outgoing) -> Result<(), Ending> {
        self.outbox.push(outgoing).map_err(|TooSlow| Ending::TooSlow)
    }

    fn send(&mut self, frame: &ServerFrame<'_>) -> Result<(), Ending> {
        self.push(Outgoing::Text(frame.encode().into()))
    }

    fn error(&mut self, client_id: Option<&str>, error: &ApiError) -> Result<(), Ending> {
        self.send(&ServerFrame::Error { client_id, code: error.code(), message: error.message() })
    }

    async fn on_frame(&mut self, frame: AggregatedMessage) -> Result<(), Ending> {
        self.last_heard = Instant::now();
        match frame {
            AggregatedMessage::Ping(bytes) => self.push(Outgoing::Pong(bytes)),
            AggregatedMessage::Pong(_) | AggregatedMessage::Close(_) => Ok(()),
            AggregatedMessage::Binary(_) => {
                self.error(None, &ApiError::bad_request("unsupported_frame", "Send frames as JSON text."))
            }
            AggregatedMessage::Text(text) => {
                if self.frames.check().is_err() {
                    return self.error(
                        None,
                        &ApiError::new(
                            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                            "too_many_frames",
                            "Too many frames at once. Please slow down.",
                        ),
                    );
                }
                if text.len() > self.state.settings.live_max_text_bytes {
                    return self.error(None, &too_large());
                }
                match serde_json::from_str::<ClientFrame>(&text) {
                    // Boxed so the connection's resting state stays small: the
                    // database work of a frame lives on the heap only while it runs.
                    Ok(frame) => Box::pin(self.on_client_frame(frame)).await,
                    Err(error) => self.error(
                        None,
                        &ApiError::bad_request("invalid_frame", format!("That frame is not valid: {error}.")),
                    ),
                }
            }
        }
    }

    async fn on_client_frame(&mut self, frame: ClientFrame) -> Result<(), Ending> {
        match frame {
            ClientFrame::Subscribe { room, after } => match self.subscribe(room, after).await {
                Ok(()) => Ok(()),
                Err(Failure::Api(error)) => self.error(None, &error),
                Err(Failure::End(ending)) => Err(ending),
            },
            ClientFrame::Unsubscribe { room } => {
                if self.rooms.remove(room) {
                    self.state.hub.leave(room, self.member.user_id);
                }
                self.send(&ServerFrame::Unsubscribed { room })
            }
            ClientFrame::Send { room, body, client_id } => self.send_message(room, body, client_id).await,
            ClientFrame::Typing { room } => self.typing(room).await,
            ClientFrame::WatchThread { thread } => {
                self.thread = None;
                match self.may_read_thread(thread).await {
                    Ok(()) => {
                        self.thread = Some(thread);
                        self.send(&ServerFrame::Watching { thread: Some(thread) })
                    }
                    Err(Failure::Api(error)) => self.error(None, &error),
                    Err(Failure::End(ending)) => Err(ending),
                }
            }
            ClientFrame::UnwatchThread => {
                self.thread = None;
                self.send(&ServerFrame::Watching { thread: None })
            }
        }
    }

    async fn may_read_thread(&self, thread: i64) -> Result<(), Failure> {
        let member = self.member.clone();
        self.state.db.read(move |connection| thread_in_context(connection, thread, Some(&member)).map(|_| ())).await?;
        Ok(())
    }

    /// Stops hearing of a watched thread the member may no longer read.
    async fn recheck_thread(&mut self) -> Result<(), Ending> {
        let Some(thread) = self.thread else { return Ok(()) };
        match self.may_read_thread(thread).await {
            Ok(()) => Ok(()),
            Err(Failure::Api(_)) => {
                self.thread = None;
                Ok(())
            }
            Err(Failure::End(ending)) => Err(ending),
        }
    }

    /// Tells the client of new replies to the thread it watches.
    fn replied(&mut self, posts: &[[i64; 2]]) -> Result<(), Ending> {
        let Some(watched) = self.thread else { return Ok(()) };
        for [thread, post_id] in posts.iter().copied().filter(|[thread, _]| *thread == watched) {
            self.send(&ServerFrame::ThreadReply { thread, post_id })?;
        }
        Ok(())
    }

    async fn subscribe(&mut self, room: i64, after: Option<i64>) -> Result<(), Failure> {
        if self.rooms.contains(room) {
            return Err(ApiError::conflict("already_subscribed", "You are already in that room.").into());
        }
        if self.rooms.count() >= self.state.settings.live_rooms_per_connection {
            return Err(ApiError::new(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                "too_many_rooms",
                "You are in too many rooms on this connection. Leave one first.",
            )
            .into());
        }
        let member = self.member.clone();
        let (_, standing) =
            self.state.db.read(move |connection| readable_room(connection, room, Some(&member))).await?;
        let (receiver, presence) = self.state.hub.join(room, &self.member);
        self.rooms.insert(room, !policy::block_hides(standing), receiver);
        let window = match after {
            Some(after) => Window::After { after, upto: None },
            None => Window::Before { before: None },
        };
        let limit = if after.is_some() { MAX_CATCH_UP + 1 } else { HISTORY_ON_JOIN };
        let (backlog, revised) = self
            .state
            .db
            .read(move |connection| {
                let revised = match after {
                    Some(after) if after > 0 => {
                        chat::revised(connection, room, after - REVISIONS_LOOK_BACK, after, MAX_REVISIONS_REPLAYED)?
                    }
                    _ => Vec::new(),
                };
                Ok((chat::messages(connection, room, window, limit)?, revised))
            })
            .await?;
        for (id, seq, revision) in revised {
            self.send(&match revision {
                Revision::Withdrawn => ServerFrame::Deleted { room, id, seq },
                Revision::Shown => ServerFrame::Shown { room, id, seq },
            })?;
        }
        let mut last = after.unwrap_or(0);
        if backlog.len() as i64 > MAX_CATCH_UP {
            self.send(&ServerFrame::Resync { room, after: last })?;
            last = self.room_last_seq(room).await?;
        } else if backlog.is_empty() && last > 0 {
            // An `after` the room has not reached (a client remembering
            // another database) would hide new messages: start from the room.
            last = last.min(self.room_last_seq(room).await?);
        } else {
            for listing in &backlog {
                self.message(listing)?;
                last = listing.message.seq;
            }
        }
        if let Some(subscription) = self.rooms.get_mut(room) {
            subscription.last_seq = last;
        }
        self.send(&ServerFrame::Subscribed { room, last_seq: last })?;
        let presence = self.presence_as_seen(room, presence);
        self.push(Outgoing::Text(presence))?;
        Ok(())
    }

    /// The room's latest sequence number.
    async fn room_last_seq(&self, room: i64) -> ApiResult<i64> {
        self.state.db.read(move |connection| Ok(chat::room(connection, room)?.last_seq)).await
    }

    async fn on_room_event(
        &mut self,
        room: i64,
        event: Result<RoomEvent, BroadcastStreamRecvError>,
    ) -> Result<(), Ending> {
        match event {
            Ok(RoomEvent::Signal(frame)) => self.push(Outgoing::Text(frame)),
            Ok(RoomEvent::Presence(everyone)) => {
                let frame = self.presence_as_seen(room, everyone);
                self.push(Outgoing::Text(frame))
            }
            Ok(RoomEvent::Typing { author, frame }) => {
                if self.hides(room, author) {
                    return Ok(());
                }
                self.push(Outgoing::Text(frame))
            }
            Ok(RoomEvent::Message { seq, author, frame, hidden }) => {
                let Some(last) = self.rooms.get(room).map(|subscription| subscription.last_seq) else {
                    return Ok(());
                };
                if seq <= last {
                    return Ok(());
                }
                if seq > last + 1 {
                    // Boxed: rare, and the resting state need not make room for it.
                    Box::pin(self.fill_gap(room, last, seq - 1)).await?;
                }
                if let Some(subscription) = self.rooms.get_mut(room) {
                    subscription.last_seq = seq;
                }
                self.push(Outgoing::Text(if self.hides(room, author) { hidden } else { frame }))
            }
            // Missed events are found by the sequence gap the next message leaves.
            Err(BroadcastStreamRecvError::Lagged(_)) => Ok(()),
        }
    }

    /// Sends the messages between `last` and `upto` from the database, or
    /// asks the client to resync when there are too many.
    async fn fill_gap(&mut self, room: i64, last: i64, upto: i64) -> Result<(), Ending> {
        if upto - last > MAX_CATCH_UP {
            return self.send(&ServerFrame::Resync { room, after: last });
        }
        let window = Window::After { after: last, upto: Some(upto) };
        let missed = self.state.db.read(move |connection| chat::messages(connection, room, window, MAX_CATCH_UP)).await;
        match missed {
            Ok(missed) => missed.iter().try_for_each(|listing| self.message(listing)),
            Err(_) => self.send(&ServerFrame::Resync { room, after: last }),
        }
    }

    async fn send_message(&mut self, room: i64, body: String, client_id: String) -> Result<(), Ending> {
        let stored = self.store_message(room, body, &client_id).await;
        match stored {
            Ok(Sent { listing, held, support, told, raised }) => {
                let (id, seq) = (listing.message.id, listing.message.seq);
                if !held {
                    self.state.hub.deliver_stored(listing);
                }
                if let Some(note) = &told {
                    self.state.hub.deliver(note);
                }
                self.state.deliver_alert(raised);
                let ack = ServerFrame::Ack { room, client_id: &client_id, id, seq, held, support: support.as_ref() };
                self.send(&ack)
            }
            Err(error) => self.error(Some(&client_id), &error),
        }
    }

    async fn store_message(&self, room: i64, body: String, client_id: &str) -> ApiResult<Sent> {
        if !self.state.hub.may_send(self.member.user_id) {
            return Err(ApiError::new(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "You are sending messages too quickly. Please wait a moment.",
            ));
        }
        let client_id = ClientId::parse(client_id)?;
        let body = ChatBody::parse(body)?;
        let rendered = render(body.as_str())?;
        let member = self.member.clone();
        let new = NewMessage {
            body,
            html: rendered.html,
            render_version: rendered.policy_version,
            client_id,
            state: ContentState::Visible,
        };
        let state = self.state.clone();
        self.state.db.write_unseen(move |connection| sending::store(connection, &state, &member, room, new)).await
    }

    async fn typing(&mut self, room: i64) -> Result<(), Ending> {
        let Some(subscription) = self.rooms.get_mut(room) else {
            return self.error(None, &ApiError::bad_request("not_subscribed", "Join the room first."));
        };
        if subscription.typed_at.is_some_and(|at| at.elapsed() < TYPING_INTERVAL) {
            return Ok(());
        }
        subscription.typed_at = Some(Instant::now());
        let note = Note::Typing {
            room,
            user_id: self.member.user_id,
            username: self.member.username.clone(),
            display_name: self.member.display_name.clone(),
            origin: self.state.hub.process_id,
        };
        self.state.hub.deliver(&note);
        let _ = self.state.db.read(move |connection| broker::notify(connection, &note)).await;
        Ok(())
    }
}

/// A subscription either fails with an error the client is told about, or
/// ends the connection.
enum Failure {
    Api(ApiError),
    End(Ending),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::Api(error)
    }
}

impl From<Ending> for Failure {
    fn from(ending: Ending) -> Self {
        Failure::End(ending)
    }
}

/// A room the member may read, with its community's visibility and their standing there.
/// Anyone else is told the room does not exist.
pub fn readable_room(
    connection: &mut crate::db::AnyConnection,
    room: i64,
    viewer: Option<&Member>,
) -> ApiResult<(crate::domain::community::Visibility, policy::Standing)> {
    let room = chat::room(connection, room)?;
    let (community, standing) = community_store::readable_by_id(connection, room.community_id, viewer)
        .map_err(|_| ApiError::not_found("We couldn't find that chat room."))?;
    Ok((community.visibility()?, standing))
}

fn too_large() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        "frame_too_large",
        "That frame is too large to accept.",
    )
}
