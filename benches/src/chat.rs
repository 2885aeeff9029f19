//! Chat load over websockets: listeners that count what reaches them, and
//! senders whose messages are timed from when they were due to their ack.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::socket::{self, Socket};
use crate::tally::{Tally, ms_since};

/// The next chat message's client id, unique in the process.
static NEXT_CLIENT_ID: AtomicUsize = AtomicUsize::new(0);

/// The kind a chat message's latency is recorded under.
pub const CHAT: &str = "chat message (send to ack)";

/// Connections subscribed to rooms, counting the chat messages delivered to them.
#[derive(Default)]
pub struct Listeners {
    tasks: JoinSet<()>,
    pub delivered: Arc<AtomicUsize>,
}

impl Listeners {
    /// Opens `count` more connections signed in with `token`, the `n`th
    /// subscribed to `rooms[n % rooms.len()]`, 256 opening at a time.
    pub async fn add(&mut self, address: &str, token: &str, rooms: &[i64], count: usize) -> anyhow::Result<()> {
        let gate = Arc::new(Semaphore::new(256));
        let start = self.tasks.len();
        for n in start..start + count {
            let _permit = gate.clone().acquire_owned().await?;
            let mut listener = socket::open(address, "/api/v1/live", token).await?;
            socket::subscribe(&mut listener, rooms[n % rooms.len()]).await?;
            let delivered = self.delivered.clone();
            self.tasks.spawn(async move {
                while let Some(Ok(frame)) = listener.next().await {
                    if matches!(&frame, Message::Text(text) if text.contains(r#""type":"message""#)) {
                        delivered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn delivered(&self) -> usize {
        self.delivered.load(Ordering::Relaxed)
    }
}

/// One connection sending chat messages and reading their acks; an error
/// frame is a failure in the tally, and so is an ack that never comes.
pub struct Sender {
    outgoing: SplitSink<Socket, Message>,
    pending: Arc<Mutex<HashMap<String, Instant>>>,
    acks: JoinHandle<()>,
    sent: usize,
}

impl Sender {
    /// Opens a connection with `token` subscribed to `rooms`, recording into `tally`.
    pub async fn open(address: &str, token: &str, rooms: &[i64], tally: Arc<Tally>) -> anyhow::Result<Sender> {
        let mut socket = socket::open(address, "/api/v1/live", token).await?;
        for &room in rooms {
            socket::subscribe(&mut socket, room).await?;
        }
        let (outgoing, mut answers) = socket.split();
        let pending: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
        let acks = {
            let pending = pending.clone();
            tokio::spawn(async move {
                while let Some(Ok(frame)) = answers.next().await {
                    let Message::Text(text) = frame else { continue };
                    let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                    let due = frame["client_id"].as_str().and_then(|id| pending.lock().ok()?.remove(id));
                    match (frame["type"].as_str(), due) {
                        (Some("ack"), Some(due)) => tally.record(CHAT, ms_since(due)),
                        (Some("error"), _) => tally.fail(),
                        _ => {}
                    }
                }
            })
        };
        Ok(Sender { outgoing, pending, acks, sent: 0 })
    }

    /// Sends `body` into `room`, due at `due`, with a client id no other
    /// message of this process has (the server takes a repeated one as a retry).
    pub async fn send(&mut self, room: i64, body: String, due: Instant) -> anyhow::Result<()> {
        let client_id = format!("bench-{}", NEXT_CLIENT_ID.fetch_add(1, Ordering::Relaxed));
        if let Ok(mut waiting) = self.pending.lock() {
            waiting.insert(client_id.clone(), due);
        }
        let frame = json!({ "type": "send", "room": room, "body": body, "client_id": client_id });
        self.outgoing.send(Message::text(frame.to_string())).await?;
        self.sent += 1;
        Ok(())
    }

    /// Messages sent so far.
    pub fn sent(&self) -> usize {
        self.sent
    }

    /// Waits up to `patience` for the last acks, then stops reading; returns
    /// how many messages were never acknowledged (nor refused).
    pub async fn finish(self, patience: Duration) -> usize {
        let deadline = Instant::now() + patience;
        let waiting = || self.pending.lock().map(|waiting| waiting.len()).unwrap_or(0);
        while waiting() > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.acks.abort();
        waiting()
    }
}
