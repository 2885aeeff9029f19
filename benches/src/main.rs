//! `kindred-bench`: runs a benchmark scenario against a real `kindred`
//! server (built with the `bench` feature) beside its control, alternating
//! control and scenario, and prints a table of medians, spreads and ratios.
//! A benchmark reports; it asserts nothing about speed.

mod queue;
mod s3;
mod server;
mod stats;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Kindred's benchmarks (see BENCHMARKS.md)")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// S3: chat fan-out to one room against the bare broadcast hub.
    S3(s3::Options),
    /// The moderation queue with many open items, against the hello control.
    Queue(queue::Options),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().scenario {
        Scenario::S3(options) => s3::run(options).await,
        Scenario::Queue(options) => queue::run(options).await,
    }
}
