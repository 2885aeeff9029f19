//! S1: reading a thread page (the first 50 posts of a 200-reply thread, in
//! tree order, rendered) signed out and signed in: throughput beside the
//! hello control under `wrk`, then tail latency at half of the page's own
//! saturation rate. With `--page-cache off` every page comes from the
//! database (S1u), as on a busy instance whose writes keep the cache cold.

use anyhow::Context;
use serde_json::Value;

use crate::server::{Placement, Server, Store, Stores, seed_command};
use crate::{paced, wrk};

#[derive(clap::Args)]
pub struct Options {
    /// Replies in the thread read.
    #[arg(long, default_value_t = 200)]
    replies: u32,
    /// Whether the server keeps pages it has sent (`off`: every page is loaded).
    #[arg(long, value_enum, default_value_t = PageCache::On)]
    page_cache: PageCache,
    #[command(flatten)]
    saturation: wrk::Saturation,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PageCache {
    On,
    Off,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    for store in options.stores.all() {
        run_on(&options, &store).await?;
    }
    Ok(())
}

async fn run_on(options: &Options, store: &Store) -> anyhow::Result<()> {
    let seed = seed_command(1, 1, options.replies, 50);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let settings = match options.page_cache {
        PageCache::On => vec![],
        PageCache::Off => vec![("KINDRED_PAGE_CACHE_SECONDS", "0".to_owned())],
    };
    let server = Server::start_after(&options.placement, &settings, &[&seed], store).await?;
    let thread = server.seeded()?["reference_threads"][0].as_i64().context("the seeded thread")?;
    let base = format!("http://{}", server.address);
    let page = format!("{base}/api/v1/threads/{thread}?limit=50");
    let shown: Value = reqwest::get(&page).await?.json().await?;
    let posts = shown["posts"].as_array().map_or(0, Vec::len);
    anyhow::ensure!(posts == 50, "the page shows {posts} posts, not 50");
    let hello = format!("{base}/__bench/hello");
    let requests = [
        wrk::Request::get(&hello),
        wrk::Request::get(&page),
        wrk::Request::get(&page).bearer(&server.token),
        wrk::Request::get(&page).header("Accept-Encoding", "gzip"),
    ];
    let mut loads: [Vec<wrk::Load>; 4] = Default::default();
    for _ in 0..options.saturation.pairs {
        for (request, runs) in requests.iter().zip(loads.iter_mut()) {
            runs.push(options.saturation.measure(request).await?);
        }
    }
    println!(
        "S1{} thread page, {}: 50 of {} posts, wrk {} connections x {} s, {} rounds, server on core {}",
        if options.page_cache == PageCache::Off { "u (page cache off)" } else { "" },
        store.name(),
        options.replies + 1,
        options.saturation.connections,
        options.saturation.seconds,
        options.saturation.pairs,
        options.placement.server_core
    );
    let [control, signed_out, signed_in, gzipped] = &loads;
    let rates = wrk::print_against_control(
        control,
        &[
            ("hello control", control),
            ("page, signed out", signed_out),
            ("page, signed in", signed_in),
            ("page, signed out, gzip", gzipped),
        ],
    );
    println!();
    println!(
        "Paced at {} of each one's saturation rate, {} s after 1 s unmeasured:",
        options.saturation.paced_fraction, options.saturation.paced_seconds
    );
    println!("| request | requests/s | p50 ms | p99 ms | errors |");
    println!("| --- | --- | --- | --- | --- |");
    // The hello control at the same rates shows the load generator's own floor.
    for (name, url, token, rate) in [
        ("hello control", &hello, None, rates[1]),
        ("page, signed out", &page, None, rates[1]),
        ("hello control", &hello, None, rates[2]),
        ("page, signed in", &page, Some(server.token.as_str()), rates[2]),
    ] {
        let rate = rate * options.saturation.paced_fraction;
        // A second first, not measured, to warm the server at this rate.
        paced::get(url, token, rate, 1.0).await?;
        let paced = paced::get(url, token, rate, options.saturation.paced_seconds).await?;
        println!("| {name} | {rate:.0} | {:.2} | {:.2} | {} |", paced.p50_ms, paced.p99_ms, paced.errors);
    }
    Ok(())
}
