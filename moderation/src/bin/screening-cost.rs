//! How long screening one post takes, without the server: every post of the
//! crisis corpus (development and held-out parts, their texts only) through
//! word filters, crisis rules and model as the server runs them, each post's
//! fastest of several rounds, then the 50th and 99th percentiles:
//!
//!     cargo run -p moderation --release --bin screening-cost [rounds]
//!
//! It also prints a digest of every post's outcome (risk, patterns and the
//! model's probability), so a change meant only to make screening faster
//! can show that it screens every post exactly as before.

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::time::Instant;

use moderation::{CrisisScreen, WordFilter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(7), |rounds| rounds.parse())?;
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/crisis/en");
    let mut texts = Vec::new();
    for part in ["dev", "heldout"] {
        for line in fs::read_to_string(folder.join(format!("{part}.jsonl")))?.lines() {
            let post: serde_json::Value = serde_json::from_str(line)?;
            texts.push(post["text"].as_str().ok_or("a post without text")?.to_owned());
        }
    }
    let filters = WordFilter::shipped();
    let crisis = CrisisScreen::shipped("en")?;

    let mut digest = DefaultHasher::new();
    for text in &texts {
        let decision = moderation::screen(text, &filters, &crisis);
        serde_json::to_string(&decision)?.hash(&mut digest);
        format!("{:.9}", crisis.model_probability(text).unwrap_or_default()).hash(&mut digest);
    }

    let mut micros = vec![f64::MAX; texts.len()];
    for _ in 0..rounds {
        for (text, fastest) in texts.iter().zip(&mut micros) {
            let started = Instant::now();
            std::hint::black_box(moderation::screen(std::hint::black_box(text), &filters, &crisis));
            *fastest = fastest.min(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    let mut sorted = micros.clone();
    sorted.sort_by(f64::total_cmp);
    let at = |percent: f64| sorted[((sorted.len() - 1) as f64 * percent / 100.0).round() as usize];
    let longest = texts.iter().map(|text| text.chars().count()).max().unwrap_or_default();
    println!(
        "{} posts (longest {longest} characters), fastest of {rounds} rounds each: p50 {:.1} µs, p90 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        texts.len(),
        at(50.0),
        at(90.0),
        at(99.0),
        at(100.0)
    );
    println!("outcome digest {:016x}", digest.finish());
    Ok(())
}
