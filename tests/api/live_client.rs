//! A websocket client for the live protocol, as an app would use it.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{Account, Api};

/// How long a test waits for a frame before failing: generous, since the
/// test is about what arrives, not how fast.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub struct LiveClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl LiveClient {
    pub async fn connect(app: &Api, who: &Account) -> LiveClient {
        Self::try_connect(app, who).await.expect("the live connection opens")
    }

    pub async fn try_connect(app: &Api, who: &Account) -> Result<LiveClient, Error> {
        let url = format!("{}/api/v1/live", app.address.replace("http://", "ws://"));
        let mut request = url.into_client_request()?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", who.token)).expect("a header value");
        request.headers_mut().insert("authorization", bearer);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(LiveClient { socket })
    }

    pub async fn send(&mut self, frame: Value) {
        self.socket.send(Message::text(frame.to_string())).await.expect("the frame is sent");
    }

    pub async fn send_raw(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.expect("the frame is sent");
    }

    pub async fn subscribe(&mut self, room: i64, after: Option<i64>) -> Value {
        self.send(json!({ "type": "subscribe", "room": room, "after": after })).await;
        self.next_of("subscribed").await
    }

    pub async fn say(&mut self, room: i64, body: &str, client_id: &str) {
        self.send(json!({ "type": "send", "room": room, "body": body, "client_id": client_id })).await;
    }

    /// The next text frame, parsed; None when the server closed the connection.
    pub async fn next(&mut self) -> Option<Value> {
        self.next_within(PATIENCE).await
    }

    /// The next text frame, waiting up to `patience` for it.
    pub async fn next_within(&mut self, patience: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let frame =
                tokio::time::timeout_at(deadline, self.socket.next()).await.expect("a text frame arrives in time");
            match frame {
                Some(Ok(Message::Text(text))) => return Some(serde_json::from_str(&text).expect("JSON")),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// The next frame of `kind`, skipping others (presence, typing...).
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let frame = self.next().await.unwrap_or_else(|| panic!("closed while waiting for {kind}"));
            if frame["type"] == kind {
                return frame;
            }
        }
    }

    /// The next `count` message frames.
    pub async fn messages(&mut self, count: usize) -> Vec<Value> {
        let mut messages = Vec::with_capacity(count);
        while messages.len() < count {
            messages.push(self.next_of("message").await);
        }
        messages
    }

    /// The code of the close frame the server sends, skipping any other
    /// frames before it; None when the connection ends without one.
    pub async fn close_code(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let frame =
                tokio::time::timeout_at(deadline, self.socket.next()).await.expect("the connection ends in time");
            match frame {
                Some(Ok(Message::Close(close))) => return close.map(|close| u16::from(close.code)),
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

pub fn seqs(messages: &[Value]) -> Vec<i64> {
    messages.iter().filter_map(|message| message["seq"].as_i64()).collect()
}

/// The community's default room.
pub async fn default_room(app: &Api, who: &Account, slug: &str) -> i64 {
    let rooms = app.get(&format!("/api/v1/communities/{slug}/rooms"), Some(who)).await;
    rooms.assert_status(200)[0]["id"].as_i64().expect("a room id")
}

/// Waits, with a generous bound, until `condition` holds.
pub async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
