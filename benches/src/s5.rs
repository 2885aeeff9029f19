//! S5: signing in with argon2id. (a) Sign-ins a second against the ideal
//! the hashing allows (hashing threads / one hash's time, measured on the
//! server's core). (b) A thread page's p99 under paced reads, with and
//! without a sign-in flood beside it: the bounded hashing must leave the
//! reads a core.

use anyhow::Context;
use serde_json::{Value, json};

use crate::server::{Placement, Server, Store, seed_command};
use crate::stats::{median, spread};
use crate::{paced, wrk};

#[derive(clap::Args)]
pub struct Options {
    /// Seconds per `wrk` sign-in measurement, and of paced reads.
    #[arg(long, default_value_t = 10)]
    seconds: u32,
    /// Connections the sign-in flood keeps open.
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Thread page reads a second during (b).
    #[arg(long, default_value_t = 200.0)]
    read_rate: f64,
    /// Measurements of each kind, alternating.
    #[arg(long, default_value_t = 3)]
    pairs: usize,
    #[command(flatten)]
    placement: Placement,
    /// The core the load generator runs on.
    #[arg(long, default_value_t = 0)]
    load_core: u32,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let seed = seed_command(1, 1, 200, 10);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let unlimited = u32::MAX.to_string();
    let settings = [("KINDRED_SIGN_INS_PER_QUARTER_HOUR", unlimited)];
    let server = Server::start_after(&options.placement, &settings, &[&seed], &Store::Sqlite).await?;
    let seeded = server.seeded()?;
    let thread = seeded["reference_threads"][0].as_i64().context("the seeded thread")?;
    let password = seeded["password"].as_str().context("the members' password")?;
    let base = format!("http://{}", server.address);
    let page = format!("{base}/api/v1/threads/{thread}?limit=50");
    let sign_in = format!("{base}/api/v1/sessions");
    let flood =
        wrk::Request::get(&sign_in).post_json(json!({ "username": "member-1", "password": password }).to_string());
    let client = reqwest::Client::new();
    let mut hash_rates = Vec::new();
    let mut rates = Vec::new();
    let (mut quiet, mut flooded) = (Vec::new(), Vec::new());
    for _ in 0..options.pairs {
        let timed: Value = client.get(format!("{base}/__bench/password-hash")).send().await?.json().await?;
        hash_rates.push(timed["hashes_per_second"].as_f64().context("the hashing rate")?);
        let load = wrk::run(&flood, options.connections, options.seconds, options.load_core)?;
        anyhow::ensure!(load.errors == 0, "{} sign-ins failed", load.errors);
        rates.push(load.requests_per_second);
        let seconds = f64::from(options.seconds);
        quiet.push(paced::get(&page, None, options.read_rate, seconds).await?);
        let (beside, connections, core) = (flood.clone(), options.connections, options.load_core);
        let flooding = tokio::task::spawn_blocking(move || wrk::run(&beside, connections, options.seconds + 1, core));
        flooded.push(paced::get(&page, None, options.read_rate, seconds).await?);
        flooding.await??;
    }
    let ideal = median(&hash_rates);
    let ratios: Vec<f64> = rates.iter().zip(&hash_rates).map(|(rate, ideal)| rate / ideal).collect();
    let (low, high) = spread(&ratios);
    println!(
        "S5 sign-in, SQLite: wrk {} connections x {} s, {} pairs, server on core {} (one hashing thread)",
        options.connections, options.seconds, options.pairs, options.placement.server_core
    );
    println!("| hashes/s, one thread (median) | sign-ins/s (median) | ratio (median, min-max) |");
    println!("| --- | --- | --- |");
    println!("| {ideal:.1} | {:.1} | {:.2}x ({low:.2}-{high:.2}) |", median(&rates), median(&ratios));
    println!();
    let p99 = |runs: &[paced::Paced]| median(&runs.iter().map(|run| run.p99_ms).collect::<Vec<_>>());
    let errors = |runs: &[paced::Paced]| runs.iter().map(|run| run.errors).sum::<usize>();
    println!("Thread page (signed out) at {} reads/s:", options.read_rate);
    println!("| reads | p99 ms alone | p99 ms beside the flood | ratio | errors |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| page | {:.2} | {:.2} | {:.2}x | {} |",
        p99(&quiet),
        p99(&flooded),
        p99(&flooded) / p99(&quiet).max(f64::EPSILON),
        errors(&quiet) + errors(&flooded)
    );
    Ok(())
}
