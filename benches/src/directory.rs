//! Directory search over many entries (issue 18 asks for p99 under 50 ms
//! on SQLite at 10,000): nearest first from a place, within a distance,
//! and by a word and a category, each beside the hello control in the same run.

use crate::latency::{Case, Runs, compare};
use crate::server::{Server, Store};

#[derive(clap::Args)]
pub struct Options {
    /// Approved entries to seed in the instance-wide directory.
    #[arg(long, default_value_t = 10_000)]
    entries: u32,
    #[command(flatten)]
    runs: Runs,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let entries = options.entries.to_string();
    let seed: &[&str] = &["admin", "seed-directory", "--author", "bench", "--entries", &entries];
    let server = Server::start_after(&options.runs.placement, &[], &[seed], &Store::Sqlite).await?;
    let base = format!("http://{}", server.address);
    println!(
        "Directory search: {} entries, {} sequential requests per measurement, {} pairs, server on core {}",
        options.entries, options.runs.requests, options.runs.pairs, options.runs.placement.server_core
    );
    let birmingham = "latitude=52.48&longitude=-1.90";
    let cases = [
        ("nearest 20 to a place", format!("{base}/api/v1/directory?{birmingham}&limit=20")),
        ("within 25 km of a place", format!("{base}/api/v1/directory?{birmingham}&within_km=25&limit=20")),
        ("a word and a category", format!("{base}/api/v1/directory?q=trust&category=walking&limit=20")),
    ]
    .map(|(name, url)| Case { name: name.to_owned(), urls: vec![url], signed_in: false });
    compare(&base, &server.token, &cases, options.runs.requests, options.runs.pairs).await
}
