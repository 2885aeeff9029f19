//! S3: fan-out of chat messages to one room with many clients, against the
//! bare broadcast hub at the same count: p99 send-to-receive latency and
//! server memory per connection. Each run starts a fresh server, connects
//! the clients, sends one message per interval from one more client, and
//! times each delivery in this process (one clock for send and receive).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::Semaphore;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{Placement, Server, resident_kib};
use crate::socket::{self, Socket};
use crate::stats::{median, percentile, spread};

#[derive(clap::Args)]
pub struct Options {
    /// Client counts to measure.
    #[arg(long, value_delimiter = ',', default_value = "1000,5000,10000")]
    clients: Vec<usize>,
    /// Messages per run, one per interval; the first warms up and is not timed.
    #[arg(long, default_value_t = 11)]
    messages: usize,
    /// Control and scenario runs per client count, alternating.
    #[arg(long, default_value_t = 3)]
    pairs: usize,
    /// Milliseconds between messages.
    #[arg(long, default_value_t = 1000)]
    interval_ms: u64,
    #[command(flatten)]
    placement: Placement,
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    Hub,
    Chat,
}

struct RunResult {
    p50_ms: f64,
    p99_ms: f64,
    kib_per_connection: f64,
    delivered: usize,
    expected: usize,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    anyhow::ensure!(options.messages >= 2, "at least two messages: the first only warms up");
    println!(
        "S3 chat fan-out: {} messages every {} ms per run (first untimed), {} pairs, server on core {}",
        options.messages, options.interval_ms, options.pairs, options.placement.server_core
    );
    println!(
        "| clients | hub p50 ms | hub p99 ms | chat p50 ms | chat p99 ms | p99 ratio (median, min-max) | hub KiB/conn | chat KiB/conn | memory ratio | delivered |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for &clients in &options.clients {
        let mut hub = Vec::new();
        let mut chat = Vec::new();
        for _ in 0..options.pairs {
            hub.push(run_once(&options, Target::Hub, clients).await?);
            chat.push(run_once(&options, Target::Chat, clients).await?);
        }
        print_row(clients, &hub, &chat);
    }
    Ok(())
}

fn print_row(clients: usize, hub: &[RunResult], chat: &[RunResult]) {
    let of = |runs: &[RunResult], pick: fn(&RunResult) -> f64| runs.iter().map(pick).collect::<Vec<f64>>();
    let ratios: Vec<f64> = hub.iter().zip(chat).map(|(h, c)| c.p99_ms / h.p99_ms.max(0.001)).collect();
    let memory_ratios: Vec<f64> =
        hub.iter().zip(chat).map(|(h, c)| c.kib_per_connection / h.kib_per_connection.max(0.001)).collect();
    let (low, high) = spread(&ratios);
    let delivered: usize =
        chat.iter().map(|r| r.delivered).sum::<usize>() + hub.iter().map(|r| r.delivered).sum::<usize>();
    let expected: usize =
        chat.iter().map(|r| r.expected).sum::<usize>() + hub.iter().map(|r| r.expected).sum::<usize>();
    println!(
        "| {clients} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} ({low:.2}-{high:.2}) | {:.1} | {:.1} | {:.2} | {delivered}/{expected} |",
        median(&of(hub, |r| r.p50_ms)),
        median(&of(hub, |r| r.p99_ms)),
        median(&of(chat, |r| r.p50_ms)),
        median(&of(chat, |r| r.p99_ms)),
        median(&ratios),
        median(&of(hub, |r| r.kib_per_connection)),
        median(&of(chat, |r| r.kib_per_connection)),
        median(&memory_ratios),
    );
}

async fn run_once(options: &Options, target: Target, clients: usize) -> anyhow::Result<RunResult> {
    let settings = [("KINDRED_LIVE_CONNECTIONS_PER_MEMBER", (clients + 10).to_string())];
    let server = Server::start(&options.placement, &settings).await?;
    let room = server.room().await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base_kib = resident_kib(server.pid())?;

    let origin = Instant::now();
    let samples = Arc::new(Mutex::new(Vec::with_capacity(clients * options.messages)));
    let delivered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(256));
    let mut readers = Vec::with_capacity(clients);
    for _ in 0..clients {
        let permit = gate.clone().acquire_owned().await?;
        let socket = connect(&server, target, room).await?;
        drop(permit);
        let (samples, delivered) = (samples.clone(), delivered.clone());
        readers.push(tokio::spawn(async move {
            let (_, mut incoming) = socket.split();
            while let Some(Ok(frame)) = incoming.next().await {
                if let Message::Text(text) = frame
                    && let Some((index, sent_micros)) = marker(&text)
                {
                    delivered.fetch_add(1, Ordering::Relaxed);
                    if index > 0 {
                        let latency = origin.elapsed().as_micros() as f64 - sent_micros;
                        samples.lock().map(|mut s| s.push(latency / 1000.0)).ok();
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let connected_kib = resident_kib(server.pid())?;

    let (mut sender, mut replies) = connect(&server, target, room).await?.split();
    // A refused message would only show as nothing delivered: stop on the first.
    let refusal = tokio::spawn(async move {
        while let Some(Ok(frame)) = replies.next().await {
            if let Message::Text(text) = frame
                && text.contains(r#""type":"error""#)
            {
                return Some(text.to_string());
            }
        }
        None
    });
    for index in 0..options.messages {
        let text = format!("i={index} t={}", origin.elapsed().as_micros());
        let frame = match target {
            Target::Hub => text,
            Target::Chat => {
                json!({ "type": "send", "room": room, "body": text, "client_id": format!("c{index}") }).to_string()
            }
        };
        sender.send(Message::text(frame)).await?;
        tokio::time::sleep(Duration::from_millis(options.interval_ms)).await;
        if refusal.is_finished() {
            let error = refusal.await?.unwrap_or_else(|| "the connection closed".into());
            anyhow::bail!("the server refused message {index}: {error}");
        }
    }
    refusal.abort();
    let expected = clients * options.messages;
    let deadline = Instant::now() + Duration::from_secs(10);
    while delivered.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for reader in readers {
        reader.abort();
    }
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    Ok(RunResult {
        p50_ms: percentile(&samples, 50.0),
        p99_ms: percentile(&samples, 99.0),
        kib_per_connection: connected_kib.saturating_sub(base_kib) as f64 / clients as f64,
        delivered: delivered.load(Ordering::Relaxed),
        expected,
    })
}

/// A connected client: on the bare hub, or subscribed to the chat room.
async fn connect(server: &Server, target: Target, room: i64) -> anyhow::Result<Socket> {
    let path = match target {
        Target::Hub => "/__bench/hub",
        Target::Chat => "/api/v1/live",
    };
    let mut socket = socket::open(&server.address, path, &server.token).await?;
    if target == Target::Chat {
        socket::subscribe(&mut socket, room).await?;
    }
    Ok(socket)
}

/// The message number and send time a frame carries (`i=N t=MICROS`).
fn marker(text: &str) -> Option<(usize, f64)> {
    let start = text.find("i=")?;
    let mut words = text[start..].split([' ', '<', '"']);
    let index = words.next()?.strip_prefix("i=")?.parse().ok()?;
    let sent = words.next()?.strip_prefix("t=")?.parse().ok()?;
    Some((index, sent))
}

#[cfg(test)]
mod tests {
    use super::marker;

    #[test]
    fn markers_are_read_from_raw_text_and_chat_frames() {
        assert_eq!(marker("i=3 t=1200"), Some((3, 1200.0)));
        assert_eq!(marker(r#"{"body_html":"<p>i=4 t=99</p>\n","type":"message"}"#), Some((4, 99.0)));
        assert_eq!(marker(r#"{"type":"presence"}"#), None);
    }
}
