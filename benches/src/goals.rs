//! Goals (issue 19): a goal's page with many contributors (its totals and
//! counts, signed out and signed in) against the hello control, and
//! contributions logged against one goal at a steady rate, each request
//! timed from when it was due, beside the hello control paced alike.

use anyhow::Context;
use serde_json::{Value, json};

use crate::latency::{Case, compare};
use crate::paced;
use crate::server::{Placement, Server, Store, seed_command};

/// The seeded members' password (see `kindred admin seed`).
const MEMBER_PASSWORD: &str = "seeded member password";

#[derive(clap::Args)]
pub struct PageOptions {
    /// Members who pledged and logged to the goal.
    #[arg(long, default_value_t = 10_000)]
    contributors: u32,
    /// Sequential requests per measurement.
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 5)]
    pairs: usize,
    #[command(flatten)]
    placement: Placement,
}

#[derive(clap::Args)]
pub struct LogOptions {
    /// Contributions a second.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Seconds of paced load per measurement.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Members taking turns to log.
    #[arg(long, default_value_t = 20)]
    members: u32,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 3)]
    pairs: usize,
    #[command(flatten)]
    placement: Placement,
}

/// A server with a goal in `bench` that `contributors` members logged to; the goal's id.
async fn start(placement: &Placement, contributors: u32) -> anyhow::Result<(Server, i64)> {
    let members = seed_command(1, 1, 0, contributors);
    let members: Vec<&str> = members.iter().map(String::as_str).collect();
    let count = contributors.to_string();
    let goal: &[&str] = &["admin", "seed-goal", "--community", "bench", "--author", "bench", "--contributors", &count];
    let server = Server::start_after(placement, &[], &[&members, goal], &Store::Sqlite).await?;
    let seeded: Value = serde_json::from_str(server.setup_output.get(1).context("the goal was seeded")?)?;
    let goal = seeded["goal"].as_i64().context("the goal's id")?;
    Ok((server, goal))
}

pub async fn page(options: PageOptions) -> anyhow::Result<()> {
    let (server, goal) = start(&options.placement, options.contributors).await?;
    let base = format!("http://{}", server.address);
    let shown: Value = reqwest::get(format!("{base}/api/v1/goals/{goal}")).await?.json().await?;
    anyhow::ensure!(
        shown["contributors"].as_u64() == Some(u64::from(options.contributors)),
        "the goal shows {} contributors",
        shown["contributors"]
    );
    println!(
        "Goal page: {} contributors, {} sequential requests per measurement, {} pairs, server on core {}",
        options.contributors, options.requests, options.pairs, options.placement.server_core
    );
    let cases = [
        ("goal, signed out", format!("{base}/api/v1/goals/{goal}"), false),
        ("goal, signed in", format!("{base}/api/v1/goals/{goal}"), true),
        ("goal's daily series", format!("{base}/api/v1/goals/{goal}/progress"), false),
        ("community's goals", format!("{base}/api/v1/communities/bench/goals"), false),
    ]
    .map(|(name, url, signed_in)| Case { name: name.to_owned(), urls: vec![url], signed_in });
    compare(&base, &server.token, &cases, options.requests, options.pairs).await
}

pub async fn log(options: LogOptions) -> anyhow::Result<()> {
    let (server, goal) = start(&options.placement, options.members).await?;
    let base = format!("http://{}", server.address);
    let mut tokens = Vec::new();
    for number in 1..=options.members {
        tokens.push(server.sign_in(&format!("member-{number}"), MEMBER_PASSWORD).await?);
    }
    let total = |client: reqwest::Client| {
        let url = format!("{base}/api/v1/goals/{goal}");
        async move { anyhow::Ok(client.get(url).send().await?.json::<Value>().await?["total"].as_i64().unwrap_or(-1)) }
    };
    let client = reqwest::Client::new();
    let before = total(client.clone()).await?;
    println!(
        "Goal log: {} contributions a second for {} s, {} members taking turns, {} pairs, server on core {}",
        options.rate, options.seconds, options.members, options.pairs, options.placement.server_core
    );
    println!("| request | requests/s | p50 ms | p99 ms | errors |");
    println!("| --- | --- | --- | --- | --- |");
    let (hello, entries) = (format!("{base}/__bench/hello"), format!("{base}/api/v1/goals/{goal}/entries"));
    let mut logged = 0;
    for _ in 0..options.pairs {
        let control = paced::get(&hello, None, options.rate, options.seconds).await?;
        let contributions = paced::send(options.rate, options.seconds, |n| {
            let token = &tokens[n as usize % tokens.len()];
            client.post(&entries).bearer_auth(token).json(&json!({ "amount": 1 }))
        })
        .await?;
        logged += (options.rate * options.seconds).round() as i64 - contributions.errors as i64;
        for (name, run) in [("hello control", control), ("log a contribution", contributions)] {
            println!("| {name} | {:.0} | {:.2} | {:.2} | {} |", options.rate, run.p50_ms, run.p99_ms, run.errors);
        }
    }
    let after = total(client).await?;
    println!();
    println!("The goal's total rose by {} for {logged} contributions answered 201.", after - before);
    Ok(())
}
