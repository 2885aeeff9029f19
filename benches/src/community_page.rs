//! A community page as the web client loads it (issue 18): the community,
//! its threads, its upcoming events (50: single events and a weekly series,
//! of which the list shows the next three dates) and its directory, each
//! call alone and all four at once, signed out and signed in, beside the
//! hello control in the same run.

use anyhow::Context;
use serde_json::{Value, json};

use crate::latency::{Case, Runs, compare};
use crate::server::{Server, Store, seed_command};

#[derive(clap::Args)]
pub struct Options {
    /// Threads in the community.
    #[arg(long, default_value_t = 50)]
    threads: u32,
    /// Upcoming events listed (single events, plus a weekly series counted by the three dates it shows).
    #[arg(long, default_value_t = 50)]
    events: u32,
    /// Entries in the community's directory.
    #[arg(long, default_value_t = 20)]
    entries: u32,
    #[command(flatten)]
    runs: Runs,
}

/// The dates of a weekly series the upcoming list shows.
const SERIES_SHOWN: u32 = 3;

pub async fn run(options: Options) -> anyhow::Result<()> {
    let seed = seed_command(1, options.threads, 2, 1);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let server = Server::start_after(&options.runs.placement, &[], &[&seed], &Store::Sqlite).await?;
    let slug = server.seeded()?["communities"][0].as_str().context("the seeded community")?.to_owned();
    let base = format!("http://{}", server.address);
    let client = reqwest::Client::new();
    let post =
        |path: String, body: Value| client.post(format!("{base}{path}")).bearer_auth(&server.token).json(&body).send();
    let events_path = format!("/api/v1/communities/{slug}/events");
    let singles = options.events.saturating_sub(SERIES_SHOWN);
    for day in 0..singles {
        let date = format!("2030-{:02}-{:02}", 1 + day / 28 % 12, 1 + day % 28);
        let event = json!({ "title": format!("Walk {day}"), "starts": format!("{date}T10:00"),
            "ends": format!("{date}T12:00"), "time_zone": "Europe/London", "place": { "name": "The park" },
            "description": "Meet at the **gate**.", "capacity": 20 });
        post(events_path.clone(), event).await?.error_for_status().context("an event")?;
    }
    let series = json!({ "title": "Weekly walk", "starts": "2030-01-05T10:00", "ends": "2030-01-05T12:00",
        "time_zone": "Europe/London", "place": { "name": "The park" }, "repeat": { "frequency": "weekly", "count": 52 } });
    post(events_path.clone(), series).await?.error_for_status().context("a weekly series")?;
    for entry in 0..options.entries {
        let body = json!({ "community": slug, "name": format!("Walking group {entry}"), "online": true });
        post("/api/v1/directory".to_owned(), body).await?.error_for_status().context("a directory entry")?;
    }
    println!(
        "Community page: {} threads, {} upcoming events listed, {} directory entries, {} sequential requests per \
         measurement, {} pairs, server on core {}",
        options.threads,
        options.events,
        options.entries,
        options.runs.requests,
        options.runs.pairs,
        options.runs.placement.server_core
    );
    let calls = [
        ("community", format!("{base}/api/v1/communities/{slug}")),
        ("threads", format!("{base}/api/v1/communities/{slug}/threads")),
        ("upcoming events", format!("{base}{events_path}")),
        ("directory", format!("{base}/api/v1/directory?community={slug}&limit=20")),
    ];
    let mut cases = Vec::new();
    for signed_in in [false, true] {
        let who = if signed_in { "signed in" } else { "signed out" };
        for (name, url) in &calls {
            cases.push(Case { name: format!("{name}, {who}"), urls: vec![url.clone()], signed_in });
        }
        let page = calls.iter().map(|(_, url)| url.clone()).collect();
        cases.push(Case { name: format!("whole page (4 calls at once), {who}"), urls: page, signed_in });
    }
    compare(&base, &server.token, &cases, options.runs.requests, options.runs.pairs).await
}
