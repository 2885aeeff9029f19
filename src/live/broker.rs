//! Carries "room R has news" between processes. On SQLite everything is in
//! one process and the hub is told directly. On PostgreSQL the note is
//! sent with `pg_notify` inside the writing transaction (so it fires on
//! commit), and one LISTEN connection per process feeds its hub; when that
//! connection drops, the process reconnects and resyncs its rooms.

use std::sync::Arc;
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio_postgres::AsyncMessage;

use super::hub::Hub;
use crate::db::AnyConnection;
use crate::db::chat;
use crate::error::ApiResult;

const CHANNEL: &str = "kindred_live";
/// Shown in `pg_stat_activity`, so an operator can find the listener.
pub const LISTENER_NAME: &str = "kindred-live";

/// What one process tells the others.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    Message {
        room: i64,
        seq: i64,
    },
    Deleted {
        room: i64,
        id: i64,
        seq: i64,
        origin: u64,
    },
    /// A held or removed message became visible (approved, or a removal reversed).
    Shown {
        room: i64,
        id: i64,
        seq: i64,
        origin: u64,
    },
    /// Who is present in a room through the origin process changed: the
    /// others read the room's presence again.
    PresenceChanged {
        room: i64,
        origin: u64,
    },
    Typing {
        room: i64,
        user_id: i64,
        username: String,
        display_name: String,
        origin: u64,
    },
    /// Sessions that ended (signed out elsewhere, a password change, erasure): their websockets close.
    SessionsEnded {
        sessions: Vec<i64>,
        origin: u64,
    },
    /// A member's display name, or whether they are a safeguarding lead,
    /// changed: sessions remembered for them are read again.
    AccountChanged {
        user: i64,
        origin: u64,
    },
    /// A block between two members was made or lifted: their connections reload who is hidden.
    BlocksChanged {
        users: [i64; 2],
        origin: u64,
    },
    /// These members have new notifications: their connections send the latest.
    Notified {
        users: Vec<i64>,
        origin: u64,
    },
    /// A member's place in a community changed (left, banned, a role given,
    /// taken or restored): their connections check again which rooms they
    /// may follow, and how blocks apply there.
    MembershipChanged {
        user: i64,
        origin: u64,
    },
    /// New visible posts, each with its thread: connections watching a thread hear of its.
    Replied {
        posts: Vec<[i64; 2]>,
        origin: u64,
    },
}

impl Note {
    /// The room a note is about; account notes are about none.
    pub fn room(&self) -> Option<i64> {
        match self {
            Note::Message { room, .. }
            | Note::Deleted { room, .. }
            | Note::Shown { room, .. }
            | Note::PresenceChanged { room, .. }
            | Note::Typing { room, .. } => Some(*room),
            Note::SessionsEnded { .. }
            | Note::AccountChanged { .. }
            | Note::BlocksChanged { .. }
            | Note::Notified { .. }
            | Note::MembershipChanged { .. }
            | Note::Replied { .. } => None,
        }
    }

    fn origin(&self) -> Option<u64> {
        match self {
            Note::Message { .. } => None,
            Note::Deleted { origin, .. }
            | Note::Shown { origin, .. }
            | Note::PresenceChanged { origin, .. }
            | Note::Typing { origin, .. }
            | Note::SessionsEnded { origin, .. }
            | Note::AccountChanged { origin, .. }
            | Note::BlocksChanged { origin, .. }
            | Note::Notified { origin, .. }
            | Note::MembershipChanged { origin, .. }
            | Note::Replied { origin, .. } => Some(*origin),
        }
    }
}

/// The origin of notes written outside a server process (the command line),
/// which every process must act on.
pub const NO_PROCESS: u64 = 0;

/// Tells other processes, when there are any (PostgreSQL); inside a
/// transaction the note goes out only if it commits.
pub fn notify(connection: &mut AnyConnection, note: &Note) -> ApiResult<()> {
    if let AnyConnection::Postgres(connection) = connection {
        let payload = serde_json::to_string(note).map_err(crate::error::ApiError::internal)?;
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(connection)?;
    }
    Ok(())
}

/// Tells every process, once the transaction commits, that `user`'s
/// membership changed; returns the note for this process's hub.
pub fn membership_changed(connection: &mut AnyConnection, user: i64, origin: u64) -> ApiResult<Note> {
    let note = Note::MembershipChanged { user, origin };
    notify(connection, &note)?;
    Ok(note)
}

/// Tells every process, once the transaction commits, that `user`'s name
/// or standing changed; returns the note for this process's hub.
pub fn account_changed(connection: &mut AnyConnection, user: i64, origin: u64) -> ApiResult<Note> {
    let note = Note::AccountChanged { user, origin };
    notify(connection, &note)?;
    Ok(note)
}

/// Keeps a LISTEN connection open for the life of the process; while it is
/// not open, the process remembers no session (`SessionCache::miss_notes`).
pub async fn listen(url: String, hub: Arc<Hub>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let ended = listen_once(&url, &hub).await;
        hub.sessions.miss_notes();
        match ended {
            Ok(()) => tracing::warn!("the live LISTEN connection closed; reconnecting"),
            Err(error) => tracing::warn!(%error, "the live LISTEN connection failed; reconnecting"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn listen_once(url: &str, hub: &Hub) -> Result<(), tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.application_name(LISTENER_NAME);
    let (client, mut connection) = config.connect(tokio_postgres::NoTls).await?;
    let (notes_in, mut notes) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(notification)) => {
                    let _ = notes_in.send(notification.payload().to_owned());
                }
                Ok(_) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    tracing::info!("listening for live notes from other processes");
    hub.sessions.hear_all();
    resync_rooms(hub).await;
    hub.look_elsewhere(hub.active_rooms());
    hub.recheck_connections();
    while let Some(payload) = notes.recv().await {
        match serde_json::from_str::<Note>(&payload) {
            Ok(note) if note.origin() != Some(hub.process_id) => hub.deliver(&note),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "an unreadable live note"),
        }
    }
    match driver.await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

/// Announces each active room's latest message, so anything sent while no
/// LISTEN connection was open reaches this process's clients. (Account notes
/// missed meanwhile are covered by `Hub::recheck_connections`.)
async fn resync_rooms(hub: &Hub) {
    for room in hub.active_rooms() {
        let latest = hub.db().read(move |connection| Ok(chat::room(connection, room)?.last_seq)).await;
        if let Ok(seq) = latest {
            hub.deliver(&Note::Message { room, seq });
        }
    }
}
