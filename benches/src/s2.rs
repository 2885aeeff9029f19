//! S2: creating replies through the whole pipeline (parse, render,
//! sanitise, screen, store, notify) over HTTP under `wrk`, beside the same
//! transaction looped inside the server, on SQLite and PostgreSQL.

use anyhow::Context;
use serde_json::{Value, json};

use crate::server::{Placement, Server, Store, Stores, seed_command};
use crate::stats::{median, spread};
use crate::wrk;

/// A reply of ordinary length and shape: a paragraph, some emphasis, a list.
pub const REPLY: &str = "Thank you for sharing this. I had the same **tiredness** after the change of dose, \
and it eased after about three weeks.\n\nWhat helped me:\n\n- writing down when it was worst\n\
- a short walk after lunch\n- asking the nurse about timing\n\nI hope the next appointment goes well.";

#[derive(clap::Args)]
pub struct Options {
    /// Seconds per `wrk` measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u32,
    /// Connections `wrk` keeps open.
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Members who reply, taking turns (each has an hourly allowance, as on a real instance).
    #[arg(long, default_value_t = 50)]
    authors: u32,
    /// Replies the in-process loop stores per measurement.
    #[arg(long, default_value_t = 2_000)]
    loop_replies: u32,
    /// Control and scenario measurements, alternating.
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

pub async fn run(options: Options) -> anyhow::Result<()> {
    println!(
        "S2 replies: wrk {} connections x {} s against {} replies stored in-process, {} pairs, server on core {}",
        options.connections, options.seconds, options.loop_replies, options.pairs, options.placement.server_core
    );
    println!("| database | in-process replies/s | HTTP replies/s | ratio (median, min-max) | HTTP p99 ms | errors |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for store in &options.stores.all() {
        run_on(&options, store).await?;
    }
    Ok(())
}

/// A server with one seeded thread and `authors` members of its community,
/// signed in (their tokens), allowed to post as often as a benchmark asks;
/// `extra` settings besides.
pub async fn start_for_replies(
    placement: &Placement,
    store: &Store,
    authors: u32,
    extra: &[(&str, String)],
) -> anyhow::Result<(Server, i64, Vec<String>)> {
    let seed = seed_command(1, 1, 0, authors);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let many = 1_000_000.to_string();
    let mut settings = vec![
        ("KINDRED_POSTS_PER_HOUR", many.clone()),
        ("KINDRED_NEW_MEMBER_POSTS_PER_HOUR", many.clone()),
        ("KINDRED_SIGN_INS_PER_QUARTER_HOUR", many),
    ];
    settings.extend(extra.iter().cloned());
    let server = Server::start_after(placement, &settings, &[&seed], store).await?;
    let thread = server.seeded()?["reference_threads"][0].as_i64().context("the seeded thread")?;
    let tokens = sign_in_members(&server, authors).await?;
    Ok((server, thread, tokens))
}

/// Signs seeded members `member-1` to `member-{count}` in and has each join
/// the first seeded community (so they may post and chat there); their tokens.
pub async fn sign_in_members(server: &Server, count: u32) -> anyhow::Result<Vec<String>> {
    let password = server.seeded()?["password"].as_str().context("the members' password")?.to_owned();
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for number in 1..=count {
        let token = server.sign_in(&format!("member-{number}"), &password).await?;
        client
            .post(format!("http://{}/api/v1/communities/seeded-1/membership", server.address))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?;
        tokens.push(token);
    }
    Ok(tokens)
}

/// Seconds the server takes to store `count` replies of `body` in one loop
/// inside it (the whole pipeline, without HTTP).
pub async fn store_in_process(
    server: &Server,
    thread: i64,
    authors: &[String],
    body: &str,
    count: u32,
) -> anyhow::Result<f64> {
    let looped: Value = reqwest::Client::new()
        .post(format!("http://{}/__bench/replies", server.address))
        .json(&json!({ "thread_id": thread, "body": body, "count": count, "authors": authors }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    looped["seconds"].as_f64().context("the loop's time")
}

async fn run_on(options: &Options, store: &Store) -> anyhow::Result<()> {
    let (server, thread, authors) = start_for_replies(&options.placement, store, options.authors, &[]).await?;
    let base = format!("http://{}", server.address);
    let reply = format!("{base}/api/v1/threads/{thread}/posts");
    let request =
        wrk::Request::get(&reply).bearer_each(authors.clone()).post_json(json!({ "body": REPLY }).to_string());
    let (mut in_process, mut over_http) = (Vec::new(), Vec::new());
    for _ in 0..options.pairs {
        let seconds = store_in_process(&server, thread, &authors, REPLY, options.loop_replies).await?;
        in_process.push(f64::from(options.loop_replies) / seconds);
        over_http.push(wrk::run(&request, options.connections, options.seconds, options.load_core)?);
    }
    let ratios: Vec<f64> =
        over_http.iter().zip(&in_process).map(|(http, looped)| http.requests_per_second / looped).collect();
    let (low, high) = spread(&ratios);
    println!(
        "| {} | {:.0} | {:.0} | {:.2}x ({low:.2}-{high:.2}) | {:.2} | {} |",
        store.name(),
        median(&in_process),
        median(&over_http.iter().map(|run| run.requests_per_second).collect::<Vec<_>>()),
        median(&ratios),
        median(&over_http.iter().map(|run| run.p99_ms).collect::<Vec<_>>()),
        over_http.iter().map(|run| run.errors).sum::<u64>()
    );
    Ok(())
}
