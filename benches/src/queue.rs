//! Moderation queue: the first page of an instance-wide queue with many open
//! items (issue 4 asks for under 50 ms at 10,000), and one item's full view,
//! each measured beside the hello control in the same run.

use anyhow::Context;
use serde_json::Value;

use crate::latency::{Case, Runs, compare};
use crate::server::{Server, Store, seed_command};

#[derive(clap::Args)]
pub struct Options {
    /// Open items to seed.
    #[arg(long, default_value_t = 10_000)]
    items: u32,
    #[command(flatten)]
    runs: Runs,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let items = options.items.to_string();
    // The items are about a member's posts, not the admin's own: nobody
    // reviews items about themselves, so the admin's queue would leave those out.
    let member = seed_command(1, 1, 0, 1);
    let member: Vec<&str> = member.iter().map(String::as_str).collect();
    let seed: &[&str] = &["admin", "seed-queue", "--community", "bench", "--author", "member-1", "--items", &items];
    let server = Server::start_after(&options.runs.placement, &[], &[&member, seed], &Store::Sqlite).await?;
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
        options.items, options.runs.requests, options.runs.pairs, options.runs.placement.server_core
    );
    let cases = [
        ("queue, first 50 (admin)", format!("{base}/api/v1/moderation/queue?limit=50")),
        ("queue, community bench", format!("{base}/api/v1/moderation/queue?limit=50&community=bench")),
        ("one item, full view", format!("{base}/api/v1/moderation/items/{item}")),
    ]
    .map(|(name, url)| Case { name: name.to_owned(), urls: vec![url], signed_in: true });
    compare(&base, &server.token, &cases, options.runs.requests, options.runs.pairs).await
}
