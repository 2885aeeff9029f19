//! Websocket clients for the live benchmarks: opened with the bench
//! admin's bearer token, and subscribed to a chat room when asked.

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `ws://{address}{path}` signed in with `token`.
pub async fn open(address: &str, path: &str, token: &str) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{address}{path}").into_client_request()?;
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {token}"))?);
    let (socket, _) = tokio_tungstenite::connect_async(request).await.context("connecting a client")?;
    Ok(socket)
}

/// Subscribes to `room` and waits until the server says so.
pub async fn subscribe(socket: &mut Socket, room: i64) -> anyhow::Result<()> {
    socket.send(Message::text(json!({ "type": "subscribe", "room": room }).to_string())).await?;
    while let Some(frame) = socket.next().await {
        if let Message::Text(text) = frame?
            && text.contains(r#""type":"subscribed""#)
        {
            return Ok(());
        }
    }
    anyhow::bail!("the connection closed before the subscription was confirmed")
}
