//! S4: search over many seeded posts (a Zipf vocabulary) for rare words,
//! common words and both together, beside the hello control, on SQLite and,
//! when given a server, on PostgreSQL.

use anyhow::Context;
use serde_json::Value;

use crate::latency::{Case, compare};
use crate::server::{Placement, Server, Store, Stores, seed_command_with};

#[derive(clap::Args)]
pub struct Options {
    /// Communities to seed.
    #[arg(long, default_value_t = 10)]
    communities: u32,
    /// Threads per community.
    #[arg(long, default_value_t = 2_000)]
    threads: u32,
    /// Replies per thread, on average (1M posts with the defaults).
    #[arg(long, default_value_t = 49)]
    replies: u32,
    /// How many communities (the last ones) are members-only: a visitor
    /// searches the rest, a member-only-readable share of every word.
    #[arg(long, default_value_t = 0)]
    members_only: u32,
    /// Sequential requests per measurement.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 5)]
    pairs: usize,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    for store in &options.stores.all() {
        run_on(&options, store).await?;
    }
    Ok(())
}

async fn run_on(options: &Options, store: &Store) -> anyhow::Result<()> {
    let seed = seed_command_with(options.communities, options.threads, options.replies, 1000, options.members_only);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let started = std::time::Instant::now();
    let server = Server::start_after(&options.placement, &[], &[&seed], store).await?;
    let seeded = server.seeded()?;
    let words = |key: &str| -> anyhow::Result<Vec<String>> {
        let list = seeded[key].as_array().context("seeded words")?;
        Ok(list.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    };
    let (rare, common) = (words("rare_words")?, words("common_words")?);
    println!(
        "S4 search, {}: {} posts in {} threads (seeded and started in {:.0} s), {} sequential requests per \
         measurement, {} pairs, server on core {}",
        store.name(),
        seeded["posts"],
        seeded["threads"],
        started.elapsed().as_secs_f64(),
        options.requests,
        options.pairs,
        options.placement.server_core
    );
    let base = format!("http://{}", server.address);
    let search = |name: String, words: String, signed_in: bool| Case {
        name,
        urls: vec![format!("{base}/api/v1/search?q={}", words.replace(' ', "+"))],
        signed_in,
    };
    let mut cases = vec![
        search(format!("rare word ({})", rare[0]), rare[0].clone(), true),
        search(format!("common word ({})", common[0]), common[0].clone(), true),
        search(format!("common and rare ({} {})", common[1], rare[1]), format!("{} {}", common[1], rare[1]), true),
        search(format!("two common ({} {})", common[1], common[2]), format!("{} {}", common[1], common[2]), true),
    ];
    if options.members_only > 0 {
        let public = options.communities.saturating_sub(options.members_only);
        let visitor = |what: &str, word: &String| {
            search(
                format!("{what} ({word}), a visitor reading {public} of {}", options.communities),
                word.clone(),
                false,
            )
        };
        cases.push(visitor("rare word", &rare[0]));
        cases.push(visitor("common word", &common[0]));
    }
    compare(&base, &server.token, &cases, options.requests, options.pairs).await
}
