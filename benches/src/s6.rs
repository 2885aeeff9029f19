//! S6: a mixed soak. Open-loop operations at a steady rate, 90% thread
//! page reads, 5% replies and 5% chat messages into a room that many
//! connected clients listen to; latency per kind, errors, and the server's
//! memory early in the run against its end (flat means no leak).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::chat::{self, Listeners};
use crate::paced::pace;
use crate::server::{Placement, Server, Store, resident_kib, seed_command};
use crate::tally::{Tally, timed};

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

pub async fn run(options: Options) -> anyhow::Result<()> {
    let seed = seed_command(1, 200, 20, options.members);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let settings = unlimited_settings(options.listeners + 10);
    let server = Server::start_after(&options.placement, &settings, &[&seed], &Store::Sqlite).await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", server.address);
    let rooms: Value = client
        .get(format!("{base}/api/v1/communities/seeded-1/rooms"))
        .bearer_auth(&server.token)
        .send()
        .await?
        .json()
        .await?;
    let room = rooms[0]["id"].as_i64().context("the seeded community's room")?;
    let listed: Value =
        client.get(format!("{base}/api/v1/communities/seeded-1/threads?limit=100")).send().await?.json().await?;
    let threads: Vec<i64> =
        listed["threads"].as_array().context("threads")?.iter().filter_map(|thread| thread["id"].as_i64()).collect();
    anyhow::ensure!(!threads.is_empty(), "no seeded threads");

    let mut listeners = Listeners::default();
    listeners.add(&server.address, &server.token, &[room], options.listeners).await?;
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
    let target = Target { server: &server, rooms: &[room], threads: &threads };
    let outcome = mix(&target, options.rate, options.seconds as f64).await?;
    sampler.abort();
    report(&outcome, outcome.chats * options.listeners, listeners.delivered());
    let memory = memory.lock().map(|samples| samples.clone()).unwrap_or_default();
    print_memory(&memory, options.seconds);
    Ok(())
}

/// Settings that let one bench account hold `connections` live connections
/// and post and chat as fast as a benchmark asks.
pub fn unlimited_settings(connections: usize) -> Vec<(&'static str, String)> {
    let unlimited = u32::MAX.to_string();
    vec![
        ("KINDRED_LIVE_CONNECTIONS_PER_MEMBER", connections.to_string()),
        ("KINDRED_LIVE_MESSAGES_PER_SECOND", unlimited.clone()),
        ("KINDRED_CHAT_MESSAGES_PER_MINUTE", unlimited.clone()),
        ("KINDRED_POSTS_PER_HOUR", unlimited.clone()),
        ("KINDRED_NEW_MEMBER_POSTS_PER_HOUR", unlimited.clone()),
        ("KINDRED_SIGN_INS_PER_QUARTER_HOUR", unlimited),
    ]
}

/// What S6's mix runs against: a server, the rooms its chat goes to in
/// turn, and the threads it reads and replies to.
pub struct Target<'a> {
    pub server: &'a Server,
    pub rooms: &'a [i64],
    pub threads: &'a [i64],
}

/// What one run of the mix saw.
pub struct Outcome {
    pub tally: Arc<Tally>,
    /// Chat messages sent, and those never acknowledged.
    pub chats: usize,
    pub lost_acks: usize,
}

/// The kind a thread page read is recorded under.
pub const READ: &str = "thread page read";

/// S6's mix, open loop, at `rate` operations a second for `seconds`: 90%
/// thread page reads signed out, 5% replies and 5% chat messages by the
/// bench admin, each timed from when it was due.
pub async fn mix(target: &Target<'_>, rate: f64, seconds: f64) -> anyhow::Result<Outcome> {
    let server = target.server;
    let base = format!("http://{}", server.address);
    let client = reqwest::Client::new();
    let tally = Arc::new(Tally::default());
    let mut sender = chat::Sender::open(&server.address, &server.token, target.rooms, tally.clone()).await?;
    let mut operations = JoinSet::new();
    pace(rate, seconds, async |n, due| {
        let thread = target.threads[(n as usize * 7919) % target.threads.len()];
        match n % 20 {
            0 => {
                let body = json!({ "body": format!("A soak reply, number {n}, with **some** words.") });
                let request =
                    client.post(format!("{base}/api/v1/threads/{thread}/posts")).bearer_auth(&server.token).json(&body);
                operations.spawn(timed(request, due, "reply", tally.clone()));
            }
            1 => {
                let room = target.rooms[(n / 20) as usize % target.rooms.len()];
                sender.send(room, format!("Soak message {n}"), due).await?;
            }
            _ => {
                let request = client.get(format!("{base}/api/v1/threads/{thread}?limit=50"));
                operations.spawn(timed(request, due, READ, tally.clone()));
            }
        }
        Ok(())
    })
    .await?;
    while operations.join_next().await.is_some() {}
    let chats = sender.sent();
    let lost_acks = sender.finish(Duration::from_secs(10)).await;
    Ok(Outcome { tally, chats, lost_acks })
}

fn report(outcome: &Outcome, expected_deliveries: usize, delivered: usize) {
    println!("| operation | count | mean ms | p99 ms |");
    println!("| --- | --- | --- | --- |");
    for summary in outcome.tally.summaries() {
        println!("| {} | {} | {:.2} | {:.2} |", summary.kind, summary.count, summary.mean_ms, summary.p99_ms);
    }
    println!();
    println!(
        "Errors: {} (failed requests and error frames), {} chat messages never acknowledged; \
         deliveries to listeners {delivered} of {expected_deliveries}.",
        outcome.tally.errors(),
        outcome.lost_acks
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
