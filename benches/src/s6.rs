//! S6: a mixed soak. Open-loop operations at a steady rate, 90% thread
//! page reads, 5% replies and 5% chat messages into a room that many
//! connected clients listen to; latency per kind, errors, and the server's
//! memory early in the run against its end (flat means no leak).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::server::{Placement, Server, Store, resident_kib, seed_command};
use crate::socket;
use crate::stats::percentile;

#[derive(clap::Args)]
pub struct Options {
    /// How long the soak runs.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Operations a second, all kinds together.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Clients connected to the room, listening.
    #[arg(long, default_value_t = 2_000)]
    listeners: usize,
    /// Members of the seeded community.
    #[arg(long, default_value_t = 2_000)]
    members: u32,
    #[command(flatten)]
    placement: Placement,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Read,
    Reply,
    Chat,
}

/// Latencies in milliseconds by kind, and failures.
#[derive(Default)]
struct Tally {
    samples: Mutex<HashMap<&'static str, Vec<f64>>>,
    errors: AtomicUsize,
}

impl Tally {
    fn record(&self, kind: &'static str, ms: f64) {
        if let Ok(mut samples) = self.samples.lock() {
            samples.entry(kind).or_default().push(ms);
        }
    }

    fn fail(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let seed = seed_command(1, 200, 20, options.members);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let unlimited = u32::MAX.to_string();
    let settings = [
        ("KINDRED_LIVE_CONNECTIONS_PER_MEMBER", (options.listeners + 10).to_string()),
        ("KINDRED_LIVE_MESSAGES_PER_SECOND", unlimited.clone()),
        ("KINDRED_CHAT_MESSAGES_PER_MINUTE", unlimited.clone()),
        ("KINDRED_POSTS_PER_HOUR", unlimited.clone()),
        ("KINDRED_NEW_MEMBER_POSTS_PER_HOUR", unlimited),
    ];
    let server = Server::start_after(&options.placement, &settings, &[&seed], &Store::Sqlite).await?;
    let base = format!("http://{}", server.address);
    let client = reqwest::Client::new();
    let get = |path: String| client.get(format!("{base}{path}")).bearer_auth(&server.token).send();
    let rooms: Value = get("/api/v1/communities/seeded-1/rooms".into()).await?.json().await?;
    let room = rooms[0]["id"].as_i64().context("the seeded community's room")?;
    let listed: Value = get("/api/v1/communities/seeded-1/threads?limit=100".into()).await?.json().await?;
    let threads: Vec<i64> =
        listed["threads"].as_array().context("threads")?.iter().filter_map(|thread| thread["id"].as_i64()).collect();
    anyhow::ensure!(!threads.is_empty(), "no seeded threads");

    let delivered = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(256));
    let mut listeners = JoinSet::new();
    for _ in 0..options.listeners {
        let _permit = gate.clone().acquire_owned().await?;
        let mut listener = socket::open(&server.address, "/api/v1/live", &server.token).await?;
        socket::subscribe(&mut listener, room).await?;
        let delivered = delivered.clone();
        listeners.spawn(async move {
            while let Some(Ok(frame)) = listener.next().await {
                if matches!(&frame, Message::Text(text) if text.contains(r#""type":"message""#)) {
                    delivered.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }

    let tally = Arc::new(Tally::default());
    let pending: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut sender = socket::open(&server.address, "/api/v1/live", &server.token).await?;
    socket::subscribe(&mut sender, room).await?;
    let (mut outgoing, mut answers) = sender.split();
    let acks = {
        let (tally, pending) = (tally.clone(), pending.clone());
        tokio::spawn(async move {
            while let Some(Ok(frame)) = answers.next().await {
                let Message::Text(text) = frame else { continue };
                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                let due = frame["client_id"].as_str().and_then(|id| pending.lock().ok()?.remove(id));
                match (frame["type"].as_str(), due) {
                    (Some("ack"), Some(due)) => tally.record("chat message (send to ack)", ms_since(due)),
                    (Some("error"), _) => tally.fail(),
                    _ => {}
                }
            }
        })
    };

    let memory = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let (memory, pid) = (memory.clone(), server.pid());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                if let (Ok(kib), Ok(mut samples)) = (resident_kib(pid), memory.lock()) {
                    samples.push(kib);
                }
            }
        })
    };

    println!(
        "S6 mixed soak, SQLite: {} s at {} operations/s (90% page reads, 5% replies, 5% chat), {} listeners in the room, \
         server on core {}",
        options.seconds, options.rate, options.listeners, options.placement.server_core
    );
    let gap = Duration::from_secs_f64(1.0 / options.rate);
    let total = (options.rate * options.seconds as f64) as u64;
    let start = Instant::now();
    let mut operations = JoinSet::new();
    let mut chats = 0;
    for n in 0..total {
        let due = start + gap.mul_f64(n as f64);
        tokio::time::sleep_until(due).await;
        let thread = threads[(n as usize * 7919) % threads.len()];
        let kind = match n % 20 {
            0 => Kind::Reply,
            1 => Kind::Chat,
            _ => Kind::Read,
        };
        match kind {
            Kind::Chat => {
                let client_id = format!("soak-{n}");
                pending.lock().map(|mut waiting| waiting.insert(client_id.clone(), due)).ok();
                let frame = json!({ "type": "send", "room": room, "body": format!("Soak message {n}"), "client_id": client_id });
                outgoing.send(Message::text(frame.to_string())).await?;
                chats += 1;
            }
            Kind::Read => {
                let request = client.get(format!("{base}/api/v1/threads/{thread}?limit=50"));
                operations.spawn(timed(request, due, "thread page read", tally.clone()));
            }
            Kind::Reply => {
                let body = json!({ "body": format!("A soak reply, number {n}, with **some** words.") });
                let request =
                    client.post(format!("{base}/api/v1/threads/{thread}/posts")).bearer_auth(&server.token).json(&body);
                operations.spawn(timed(request, due, "reply", tally.clone()));
            }
        }
    }
    while operations.join_next().await.is_some() {}
    let deadline = Instant::now() + Duration::from_secs(10);
    while pending.lock().map(|waiting| !waiting.is_empty()).unwrap_or(false) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lost_acks = pending.lock().map(|waiting| waiting.len()).unwrap_or(0);
    sampler.abort();
    acks.abort();
    listeners.abort_all();

    report(&tally, lost_acks, chats * options.listeners, delivered.load(Ordering::Relaxed));
    let memory = memory.lock().map(|samples| samples.clone()).unwrap_or_default();
    print_memory(&memory, options.seconds);
    Ok(())
}

/// Sends `request`, recording its latency from `due` (or a failure).
async fn timed(request: reqwest::RequestBuilder, due: Instant, kind: &'static str, tally: Arc<Tally>) {
    let answered = match request.send().await {
        Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
        Err(_) => false,
    };
    if answered {
        tally.record(kind, ms_since(due));
    } else {
        tally.fail();
    }
}

fn ms_since(due: Instant) -> f64 {
    due.elapsed().as_secs_f64() * 1000.0
}

fn report(tally: &Tally, lost_acks: usize, expected_deliveries: usize, delivered: usize) {
    let samples = tally.samples.lock().map(|samples| samples.clone()).unwrap_or_default();
    println!("| operation | count | mean ms | p99 ms |");
    println!("| --- | --- | --- | --- |");
    let mut all = Vec::new();
    let mut kinds: Vec<_> = samples.into_iter().collect();
    kinds.sort_by(|a, b| a.0.cmp(b.0));
    for (kind, ms) in kinds {
        println!("| {kind} | {} | {:.2} | {:.2} |", ms.len(), mean(&ms), percentile(&ms, 99.0));
        all.extend(ms);
    }
    println!("| all | {} | {:.2} | {:.2} |", all.len(), mean(&all), percentile(&all, 99.0));
    println!();
    println!(
        "Errors: {} (failed requests and error frames), {lost_acks} chat messages never acknowledged; \
         deliveries to listeners {delivered} of {expected_deliveries}.",
        tally.errors.load(Ordering::Relaxed)
    );
}

/// Resident memory over the second window against the last (each a minute,
/// or a tenth of a shorter run).
fn print_memory(samples: &[u64], seconds: u64) {
    let window = (seconds / 10).clamp(1, 60) as usize;
    if samples.len() < window * 3 {
        println!("Memory: too few samples ({}) to compare windows.", samples.len());
        return;
    }
    let average = |part: &[u64]| part.iter().sum::<u64>() as f64 / part.len().max(1) as f64;
    let second = average(&samples[window..window * 2]);
    let last = average(&samples[samples.len() - window..]);
    println!(
        "Memory: {:.1} MiB over the second {window} s, {:.1} MiB over the last {window} s: {:+.1}%.",
        second / 1024.0,
        last / 1024.0,
        (last / second - 1.0) * 100.0
    );
}

fn mean(samples: &[f64]) -> f64 {
    samples.iter().sum::<f64>() / samples.len().max(1) as f64
}
