//! Moderation queue: the first page of an instance-wide queue with many open
//! items (issue 4 asks for under 50 ms at 10,000), and one item's full view,
//! each measured beside the hello control in the same run.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use serde_json::Value;

use crate::server::{Server, default_binary};
use crate::stats::{median, percentile, spread};

#[derive(clap::Args)]
pub struct Options {
    /// Open items to seed.
    #[arg(long, default_value_t = 10_000)]
    items: u32,
    /// Sequential requests per measurement.
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 5)]
    pairs: usize,
    /// The server binary, built with `--features bench`.
    #[arg(long, default_value_os_t = default_binary())]
    server: PathBuf,
    /// The core the server is pinned to.
    #[arg(long, default_value_t = 1)]
    server_core: u32,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let items = options.items.to_string();
    let seed: &[&str] = &["admin", "seed-queue", "--community", "bench", "--author", "bench", "--items", &items];
    let server = Server::start_after(&options.server, Some(options.server_core), &[], &[seed]).await?;
    let client = reqwest::Client::new();
    let base = format!("http://{}", server.address);
    let first_page: Value = client
        .get(format!("{base}/api/v1/moderation/queue?limit=50"))
        .bearer_auth(&server.token)
        .send()
        .await?
        .json()
        .await?;
    let item = first_page["items"][0]["id"].as_i64().context("a queue item")?;
    println!(
        "Moderation queue: {} open items, {} sequential requests per measurement, {} pairs, server on core {}",
        options.items, options.requests, options.pairs, options.server_core
    );
    println!("| request | control p50 ms | control p99 ms | p50 ms | p99 ms (median, min-max) | p99 ratio |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let cases = [
        ("queue, first 50 (admin)", format!("{base}/api/v1/moderation/queue?limit=50")),
        ("queue, community bench", format!("{base}/api/v1/moderation/queue?limit=50&community=bench")),
        ("one item, full view", format!("{base}/api/v1/moderation/items/{item}")),
    ];
    let hello = format!("{base}/__bench/hello");
    for (name, url) in cases {
        let (mut control, mut scenario) = (Vec::new(), Vec::new());
        for _ in 0..options.pairs {
            control.push(measure(&client, &hello, None, options.requests).await?);
            scenario.push(measure(&client, &url, Some(&server.token), options.requests).await?);
        }
        let p99s: Vec<f64> = scenario.iter().map(|run| run.1).collect();
        let (low, high) = spread(&p99s);
        let control_p99 = median(&control.iter().map(|run| run.1).collect::<Vec<_>>());
        println!(
            "| {name} | {:.2} | {control_p99:.2} | {:.2} | {:.2} ({low:.2}-{high:.2}) | {:.1}x |",
            median(&control.iter().map(|run| run.0).collect::<Vec<_>>()),
            median(&scenario.iter().map(|run| run.0).collect::<Vec<_>>()),
            median(&p99s),
            median(&p99s) / control_p99.max(f64::EPSILON),
        );
    }
    Ok(())
}

/// (p50, p99) in milliseconds of `requests` sequential GETs of `url`.
async fn measure(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    requests: usize,
) -> anyhow::Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let mut request = client.get(url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let started = Instant::now();
        let response = request.send().await?;
        anyhow::ensure!(response.status().is_success(), "{url} answered {}", response.status());
        response.bytes().await?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((percentile(&samples, 50.0), percentile(&samples, 99.0)))
}
