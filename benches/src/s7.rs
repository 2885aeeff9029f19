//! S7: reads of many threads with Zipf popularity while replies and chat
//! are written in the background (issue 22): throughput under `wrk` beside
//! the hello control measured without the writes, then open-loop latency at
//! half of the reads' saturation rate with the writes on.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};

use crate::chat::{self, Listeners};
use crate::paced::{self, pace};
use crate::s2::sign_in_members;
use crate::s6::unlimited_settings;
use crate::server::{Placement, Server, Store, Stores, seed_command};
use crate::stats::median;
use crate::steal;
use crate::tally::{Summary, Tally, timed};
use crate::wrk;
use crate::zipf::Zipf;

#[derive(clap::Args)]
pub struct Options {
    /// Threads in the seeded community.
    #[arg(long, default_value_t = 1_000)]
    threads: u32,
    /// Replies per thread, on average.
    #[arg(long, default_value_t = 30)]
    replies: u32,
    /// Members of the seeded community.
    #[arg(long, default_value_t = 200)]
    members: u32,
    /// The Zipf exponent of the threads' popularity.
    #[arg(long, default_value_t = 1.0)]
    zipf: f64,
    /// Thread pages drawn (seeded) for the readers to take in turn.
    #[arg(long, default_value_t = 10_000)]
    draws: usize,
    /// Chat rooms in the community, its own included.
    #[arg(long, default_value_t = 5)]
    rooms: usize,
    /// Members who write in the background.
    #[arg(long, default_value_t = 10)]
    writers: u32,
    /// Members who read signed in, in turn: others than the writers, so
    /// that, as on an instance, most signed-in reads are of threads the
    /// reader has not just written in (the seeded replies are theirs too).
    #[arg(long, default_value_t = 10)]
    readers: u32,
    /// Background replies a second, to threads as popular as the reads.
    #[arg(long, default_value_t = 20.0)]
    reply_rate: f64,
    /// Background chat messages a second, all rooms together, over websockets.
    #[arg(long, default_value_t = 10.0)]
    chat_rate: f64,
    /// Connections listening in each room.
    #[arg(long, default_value_t = 10)]
    listeners: usize,
    #[command(flatten)]
    saturation: wrk::Saturation,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    for store in &options.stores.all() {
        run_on(&options, store).await?;
        println!();
    }
    Ok(())
}

/// The background writers: who writes, where, and how fast.
struct Writers {
    address: String,
    tokens: Vec<String>,
    rooms: Vec<i64>,
    /// Threads replied to, in turn (drawn with the reads' popularity).
    targets: Vec<i64>,
    reply_rate: f64,
    chat_rate: f64,
}

/// What the background writes saw over one measurement.
struct Written {
    tally: Arc<Tally>,
    chats: usize,
    lost_acks: usize,
}

impl Written {
    /// Failed replies, refused chat messages and messages never acknowledged.
    fn errors(&self) -> u64 {
        (self.tally.errors() + self.lost_acks) as u64
    }
}

const REPLY: &str = "background reply";

impl Writers {
    /// Replies and chat messages, open loop, for `seconds`, each timed from when it was due.
    async fn write(&self, seconds: f64) -> anyhow::Result<Written> {
        let tally = Arc::new(Tally::default());
        let client = reqwest::Client::new();
        let mut sent = tokio::task::JoinSet::new();
        let replies = pace(self.reply_rate, seconds, async |n, due| {
            let n = n as usize;
            let (thread, token) = (self.targets[n % self.targets.len()], &self.tokens[n % self.tokens.len()]);
            let body = json!({ "body": format!("{}\n\nBackground reply {n}.", crate::s2::REPLY) });
            let url = format!("http://{}/api/v1/threads/{thread}/posts", self.address);
            sent.spawn(timed(client.post(url).bearer_auth(token).json(&body), due, REPLY, tally.clone()));
            Ok(())
        });
        let mut senders = Vec::new();
        for token in &self.tokens {
            senders.push(chat::Sender::open(&self.address, token, &self.rooms, tally.clone()).await?);
        }
        let chat = pace(self.chat_rate, seconds, async |n, due| {
            let n = n as usize;
            let room = self.rooms[n % self.rooms.len()];
            let sender = &mut senders[n % self.tokens.len()];
            sender.send(room, format!("Background chat message {n}"), due).await
        });
        let (replied, chatted) = tokio::join!(replies, chat);
        replied?;
        chatted?;
        while sent.join_next().await.is_some() {}
        let (mut chats, mut lost_acks) = (0, 0);
        for sender in senders {
            chats += sender.sent();
            lost_acks += sender.finish(Duration::from_secs(10)).await;
        }
        Ok(Written { tally, chats, lost_acks })
    }
}

/// Runs `wrk` with the background writes on; their failures count as the load's errors.
async fn under_writes(
    writers: &Writers,
    request: &wrk::Request,
    options: &wrk::Saturation,
) -> anyhow::Result<(wrk::Load, Written)> {
    let (load, written) = tokio::join!(options.measure(request), writers.write(f64::from(options.seconds)));
    let (mut load, written) = (load?, written?);
    load.errors += written.errors();
    Ok((load, written))
}

/// The ids of every thread in community `slug`, most recently active first, page by page.
pub async fn thread_ids(base: &str, slug: &str) -> anyhow::Result<Vec<i64>> {
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/api/v1/communities/{slug}/threads?limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = client.get(url).send().await?.error_for_status()?.json().await?;
        ids.extend(page["threads"].as_array().context("threads")?.iter().filter_map(|thread| thread["id"].as_i64()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    ids.dedup();
    Ok(ids)
}

/// The community's rooms, after the admin makes more until there are `count`.
pub async fn rooms(server: &Server, slug: &str, count: usize) -> anyhow::Result<Vec<i64>> {
    let client = reqwest::Client::new();
    let url = format!("http://{}/api/v1/communities/{slug}/rooms", server.address);
    let list = async || -> anyhow::Result<Vec<i64>> {
        let rooms: Value = client.get(&url).bearer_auth(&server.token).send().await?.json().await?;
        Ok(rooms.as_array().context("rooms")?.iter().filter_map(|room| room["id"].as_i64()).collect())
    };
    for number in list().await?.len()..count {
        client
            .post(&url)
            .bearer_auth(&server.token)
            .json(&json!({ "name": format!("Room {}", number + 1) }))
            .send()
            .await?
            .error_for_status()
            .context("creating a room")?;
    }
    let rooms = list().await?;
    anyhow::ensure!(rooms.len() >= count, "the community has {} rooms, not {count}", rooms.len());
    Ok(rooms)
}

async fn run_on(options: &Options, store: &Store) -> anyhow::Result<()> {
    let seed = seed_command(1, options.threads, options.replies, options.members);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let settings = unlimited_settings(options.listeners * options.rooms + 10);
    let server = Server::start_after(&options.placement, &settings, &[&seed], store).await?;
    let base = format!("http://{}", server.address);
    let threads = thread_ids(&base, "seeded-1").await?;
    anyhow::ensure!(
        threads.len() == options.threads as usize,
        "{} threads listed, not {}",
        threads.len(),
        options.threads
    );
    let rooms = rooms(&server, "seeded-1", options.rooms).await?;
    let mut tokens = sign_in_members(&server, options.writers + options.readers).await?;
    let readers = tokens.split_off(options.writers as usize);
    let zipf = Zipf::new(threads.len(), options.zipf);
    let paths: Vec<String> =
        zipf.pick(&threads, options.draws, 22).into_iter().map(|id| format!("/api/v1/threads/{id}?limit=50")).collect();
    let mut listeners = Listeners::default();
    listeners.add(&server.address, &server.token, &rooms, options.listeners * rooms.len()).await?;
    let writers = Writers {
        address: server.address.clone(),
        tokens: tokens.clone(),
        rooms: rooms.clone(),
        targets: zipf.pick(&threads, options.draws, 7),
        reply_rate: options.reply_rate,
        chat_rate: options.chat_rate,
    };

    let hello = wrk::Request::get(&format!("{base}/__bench/hello"));
    let signed_out = wrk::Request::get(&base).path_each(paths.clone());
    let signed_in = signed_out.clone().bearer_each(readers.clone());
    let (mut control, mut out_runs, mut in_runs, mut written) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..options.saturation.pairs {
        control.push(options.saturation.measure(&hello).await?);
        for (request, runs) in [(&signed_out, &mut out_runs), (&signed_in, &mut in_runs)] {
            let (load, wrote) = under_writes(&writers, request, &options.saturation).await?;
            runs.push(load);
            written.push(wrote);
        }
    }
    println!(
        "S7 mixed load, {}: {} threads of about {} replies, reads with Zipf popularity (s = {}) over {} drawn pages; \
         signed in as {} other members in turn; \
         background {} replies/s by {} members and {} chat messages/s into {} rooms ({} listeners each); \
         wrk {} connections x {} s, {} rounds, server on core {}",
        store.name(),
        options.threads,
        options.replies,
        options.zipf,
        options.draws,
        options.readers,
        options.reply_rate,
        options.writers,
        options.chat_rate,
        rooms.len(),
        options.listeners,
        options.saturation.connections,
        options.saturation.seconds,
        options.saturation.pairs,
        options.placement.server_core
    );
    let rates = wrk::print_against_control(
        &control,
        &[
            ("hello control (no writes)", control.as_slice()),
            ("thread pages, signed out, with writes", out_runs.as_slice()),
            ("thread pages, signed in, with writes", in_runs.as_slice()),
        ],
    );
    let chats = print_written(&written, 0, options.listeners, &listeners);

    println!();
    println!(
        "Paced at {} of the reads' saturation rate, {} s after 1 s unmeasured, writes on (hello: none):",
        options.saturation.paced_fraction, options.saturation.paced_seconds
    );
    println!("| request | requests/s | p50 ms | p99 ms | errors | CPU time stolen, ms |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let urls: Vec<String> = paths.iter().map(|path| format!("{base}{path}")).collect();
    let hello = [format!("{base}/__bench/hello")];
    let mut paced_written = Vec::new();
    for (name, rate, urls, signers, writes) in [
        ("hello control (no writes)", rates[1], &hello[..], &[][..], false),
        ("thread pages, signed out", rates[1], &urls[..], &[][..], true),
        ("hello control (no writes)", rates[2], &hello[..], &[][..], false),
        ("thread pages, signed in", rates[2], &urls[..], readers.as_slice(), true),
    ] {
        let (rate, seconds) = (rate * options.saturation.paced_fraction, options.saturation.paced_seconds);
        // A second first, not measured, to warm the server.
        paced::get_each(urls, signers, rate, 1.0).await?;
        let stolen_before = steal::stolen();
        let reads = paced::get_each(urls, signers, rate, seconds);
        let (paced, errors) = if writes {
            let (paced, wrote) = tokio::join!(reads, writers.write(seconds));
            let wrote = wrote?;
            let errors = wrote.errors();
            paced_written.push(wrote);
            (paced?, errors)
        } else {
            (reads.await?, 0)
        };
        println!(
            "| {name} | {rate:.0} | {:.2} | {:.2} | {} | {} |",
            paced.p50_ms,
            paced.p99_ms,
            paced.errors as u64 + errors,
            steal::since(stolen_before)
        );
    }
    print_written(&paced_written, chats, options.listeners, &listeners);
    Ok(())
}

/// The background writes' own figures over `written`; deliveries to the
/// listeners so far against every chat message sent so far (`earlier` before these).
fn print_written(written: &[Written], earlier: usize, listeners_per_room: usize, listeners: &Listeners) -> usize {
    let summaries: Vec<Summary> = written.iter().flat_map(|wrote| wrote.tally.summaries()).collect();
    let of = |kind: &str| summaries.iter().filter(|summary| summary.kind == kind).cloned().collect::<Vec<_>>();
    let count = |kind: &str| of(kind).iter().map(|summary| summary.count).sum::<usize>();
    let p99 = |kind: &str| median(&of(kind).iter().map(|summary| summary.p99_ms).collect::<Vec<_>>());
    let chats = earlier + written.iter().map(|wrote| wrote.chats).sum::<usize>();
    println!(
        "Background writes: {} replies stored (p99 {:.2} ms, the rounds' median), {} chat messages acknowledged \
         (p99 send to ack {:.2} ms); {} failed (counted in the errors above); deliveries to listeners {} of {}.",
        count(REPLY),
        p99(REPLY),
        count(chat::CHAT),
        p99(chat::CHAT),
        written.iter().map(Written::errors).sum::<u64>(),
        listeners.delivered(),
        chats * listeners_per_room
    );
    chats
}
