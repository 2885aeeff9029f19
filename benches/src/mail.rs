//! Mail (issue 20): the cost of a reply (S2) when the thread's 50 watchers
//! get mail at once, beside the same replies when they have no address,
//! alternating on one server; and the time to build and send a daily
//! digest to 10,000 members through a local SMTP sink.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::s2::{REPLY, start_for_replies};
use crate::server::{Placement, Server, Store, Stores, seed_command};
use crate::stats::{median, spread};
use crate::wrk;

#[derive(clap::Args)]
pub struct CostOptions {
    /// Seconds per `wrk` measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u32,
    /// Connections `wrk` keeps open.
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Members who reply in turn, and so watch the thread.
    #[arg(long, default_value_t = 50)]
    watchers: u32,
    /// Without and with mail, alternating.
    #[arg(long, default_value_t = 5)]
    pairs: usize,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
    /// The core the load generator runs on.
    #[arg(long, default_value_t = 0)]
    load_core: u32,
}

pub async fn cost(options: CostOptions) -> anyhow::Result<()> {
    println!(
        "Mail cost: S2 replies by {} members who watch the thread, wrk {} connections x {} s, {} pairs",
        options.watchers, options.connections, options.seconds, options.pairs
    );
    println!(
        "| database | replies/s, no address | replies/s, all mailed at once | ratio (median, min-max) | p99 ms without / with | errors |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for store in &options.stores.all() {
        cost_on(&options, store).await?;
    }
    Ok(())
}

async fn cost_on(options: &CostOptions, store: &Store) -> anyhow::Result<()> {
    // Mail waits an hour, so the measurement is the reply's own cost
    // (queueing in its transaction); sending happens off the request path.
    let settings = [
        ("KINDRED_SMTP_URL", format!("smtp://127.0.0.1:{}", closed_port()?)),
        ("KINDRED_EMAIL_DELAY_SECONDS", "3600".to_owned()),
    ];
    let (server, thread, authors) = start_for_replies(&options.placement, store, options.watchers, &settings).await?;
    let url = format!("http://{}/api/v1/threads/{thread}/posts", server.address);
    let request = wrk::Request::get(&url).bearer_each(authors).post_json(json!({ "body": REPLY }).to_string());
    // Every author replies once, and so watches the thread.
    wrk::run(&request, options.connections, 1, options.load_core)?;
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..options.pairs {
        switch_mail(&server, false, false).await?;
        without.push(wrk::run(&request, options.connections, options.seconds, options.load_core)?);
        switch_mail(&server, true, false).await?;
        with.push(wrk::run(&request, options.connections, options.seconds, options.load_core)?);
    }
    let rate = |runs: &[wrk::Load]| runs.iter().map(|run| run.requests_per_second).collect::<Vec<_>>();
    let p99 = |runs: &[wrk::Load]| median(&runs.iter().map(|run| run.p99_ms).collect::<Vec<_>>());
    let ratios: Vec<f64> = rate(&with).iter().zip(rate(&without)).map(|(with, without)| with / without).collect();
    let (low, high) = spread(&ratios);
    println!(
        "| {} | {:.0} | {:.0} | {:.2}x ({low:.2}-{high:.2}) | {:.2} / {:.2} | {} |",
        store.name(),
        median(&rate(&without)),
        median(&rate(&with)),
        median(&ratios),
        p99(&without),
        p99(&with),
        without.iter().chain(&with).map(|run| run.errors).sum::<u64>()
    );
    Ok(())
}

/// Gives the seeded members verified addresses or takes them away (and
/// with `digest_due`, an unread reply and their daily digest due now).
async fn switch_mail(server: &Server, verified: bool, digest_due: bool) -> anyhow::Result<u64> {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/__bench/mail", server.address))
        .json(&json!({ "verified": verified, "digest_due": digest_due }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    answer["members"].as_u64().context("how many members")
}

fn closed_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

#[derive(clap::Args)]
pub struct DigestOptions {
    /// Members with an unread reply and a daily digest due.
    #[arg(long, default_value_t = 10_000)]
    members: u32,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
}

pub async fn digest(options: DigestOptions) -> anyhow::Result<()> {
    println!(
        "Daily digest: {} members, each with an unread reply, built and sent to a local SMTP sink",
        options.members
    );
    println!("| database | members | built and sent in s | digests/s |");
    println!("| --- | --- | --- | --- |");
    for store in &options.stores.all() {
        let sink = Sink::start().await?;
        let seed = seed_command(1, 1, 0, options.members);
        let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
        let settings = [("KINDRED_SMTP_URL", format!("smtp://127.0.0.1:{}", sink.port))];
        let server = Server::start_after(&options.placement, &settings, &[&seed], store).await?;
        // Due from the moment the switch commits; the sweep looks every second.
        let members = switch_mail(&server, true, true).await?;
        let started = Instant::now();
        let expected = usize::try_from(members)?;
        while sink.letters() < expected {
            anyhow::ensure!(started.elapsed() < Duration::from_secs(1800), "the digests did not all arrive");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("| {} | {members} | {seconds:.2} | {:.0} |", store.name(), members as f64 / seconds);
    }
    Ok(())
}

/// The smallest SMTP server that takes letters and counts them.
struct Sink {
    port: u16,
    letters: Arc<AtomicUsize>,
}

impl Sink {
    async fn start() -> anyhow::Result<Sink> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let letters = Arc::new(AtomicUsize::new(0));
        let counted = letters.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counted = counted.clone();
                tokio::spawn(async move {
                    let (reader, mut writer) = stream.into_split();
                    let mut lines = BufReader::new(reader).lines();
                    let _ = writer.write_all(b"220 sink\r\n").await;
                    let mut in_data = false;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let reply: &[u8] = if in_data {
                            if line != "." {
                                continue;
                            }
                            in_data = false;
                            counted.fetch_add(1, Ordering::Relaxed);
                            b"250 queued\r\n"
                        } else if line.eq_ignore_ascii_case("DATA") {
                            in_data = true;
                            b"354 go on\r\n"
                        } else if line.eq_ignore_ascii_case("QUIT") {
                            let _ = writer.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                        if writer.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        Ok(Sink { port, letters })
    }

    fn letters(&self) -> usize {
        self.letters.load(Ordering::Relaxed)
    }
}
