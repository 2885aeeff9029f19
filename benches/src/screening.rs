//! Crisis screening's cost: every post of the crisis corpus screened
//! in-process (word filters, rules and the learned model, as the server
//! runs them), per post, beside the time the server takes to store a reply
//! through its whole pipeline (which includes screening), on SQLite.

use std::time::Instant;

use anyhow::Context;
use moderation::{CrisisScreen, WordFilter};

use crate::s2::{REPLY, start_for_replies, store_in_process};
use crate::server::{Placement, Store};
use crate::stats::{median, percentile};

#[derive(clap::Args)]
pub struct Options {
    /// Times each corpus post is screened (its fastest time is kept).
    #[arg(long, default_value_t = 5)]
    rounds: u32,
    /// Replies the in-process loop stores per measurement.
    #[arg(long, default_value_t = 2_000)]
    loop_replies: u32,
    /// Measurements of the reply loop.
    #[arg(long, default_value_t = 5)]
    pairs: usize,
    #[command(flatten)]
    placement: Placement,
}

/// The crisis corpus's posts (both parts: only their texts matter here).
fn corpus() -> anyhow::Result<Vec<String>> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../moderation/corpus/crisis/en");
    let mut texts = Vec::new();
    for part in ["dev", "heldout"] {
        let path = format!("{folder}/{part}.jsonl");
        for line in std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?.lines() {
            let post: serde_json::Value = serde_json::from_str(line)?;
            texts.push(post["text"].as_str().context("a post's text")?.to_owned());
        }
    }
    Ok(texts)
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let texts = corpus()?;
    let filters = WordFilter::shipped();
    let crisis = CrisisScreen::shipped("en")?;
    // Each post's fastest round: screening is deterministic, so slower
    // rounds measure only the scheduler of a shared machine.
    let mut micros = vec![f64::MAX; texts.len()];
    for _ in 0..options.rounds {
        for (text, fastest) in texts.iter().zip(&mut micros) {
            let started = Instant::now();
            std::hint::black_box(moderation::screen(text, &filters, &crisis));
            *fastest = fastest.min(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    let (server, thread, authors) = start_for_replies(&options.placement, &Store::Sqlite, 1, &[]).await?;
    let (p50, p99) = (percentile(&micros, 50.0), percentile(&micros, 99.0));
    // A post that takes long to screen is a long post, and a long post takes
    // longer to store too: its share is measured against itself.
    let slow = slowest_ordinary_post_from(&texts, &micros, p99, &filters, &crisis).context("no post at p99")?;
    let (mut reply_micros, mut slow_micros) = (Vec::new(), Vec::new());
    for _ in 0..options.pairs {
        for (body, measured) in [(REPLY, &mut reply_micros), (slow.0, &mut slow_micros)] {
            let seconds = store_in_process(&server, thread, &authors, body, options.loop_replies).await?;
            measured.push(seconds * 1e6 / f64::from(options.loop_replies));
        }
    }
    let (reply, slow_reply) = (median(&reply_micros), median(&slow_micros));
    println!(
        "Screening {} corpus posts (fastest of {} rounds each) in-process, beside storing a reply in-process on SQLite ({} x {})",
        texts.len(),
        options.rounds,
        options.pairs,
        options.loop_replies
    );
    println!("| screening p50 µs | screening p99 µs | store a reply µs (median) | p50 share | p99 share |");
    println!("| --- | --- | --- | --- | --- |");
    println!("| {p50:.1} | {p99:.1} | {reply:.1} | {:.1}% | {:.1}% |", 100.0 * p50 / reply, 100.0 * p99 / reply);
    println!();
    println!(
        "The ordinary post screened nearest p99 ({} characters), stored as the reply: screened in {:.1} µs, stored in {slow_reply:.1} µs (median): {:.1}%",
        slow.0.chars().count(),
        slow.1,
        100.0 * slow.1 / slow_reply
    );
    Ok(())
}

/// Of the posts that screen as neither a crisis nor filtered (so that
/// storing them takes the ordinary path), the one whose screening time is
/// nearest `p99`, with that time.
fn slowest_ordinary_post_from<'a>(
    texts: &'a [String],
    micros: &[f64],
    p99: f64,
    filters: &WordFilter,
    crisis: &CrisisScreen,
) -> Option<(&'a str, f64)> {
    texts
        .iter()
        .zip(micros)
        .filter(|(text, _)| {
            let decision = moderation::screen(text, filters, crisis);
            decision.crisis.is_none() && decision.matched_filters.is_empty()
        })
        .min_by(|a, b| (a.1 - p99).abs().total_cmp(&(b.1 - p99).abs()))
        .map(|(text, time)| (text.as_str(), *time))
}
