//! `kindred-bench`: runs a benchmark scenario against a real `kindred`
//! server (built with the `bench` feature) beside its control, alternating
//! control and scenario, and prints a table of medians, spreads and ratios.
//! A benchmark reports; it asserts nothing about speed.

mod chat;
mod community_page;
mod directory;
mod goals;
mod latency;
mod mail;
mod paced;
mod queue;
mod raw;
mod s1;
mod s2;
mod s3;
mod s4;
mod s5;
mod s6;
mod s7;
mod screening;
mod server;
mod signin_memory;
mod sizing;
mod socket;
mod stats;
mod steal;
mod tally;
mod wrk;
mod zipf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Kindred's benchmarks (see BENCHMARKS.md)")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// S1: reading a thread page, signed out and signed in, against the hello control.
    S1(s1::Options),
    /// S2: creating replies over HTTP against the same transaction looped in-process.
    S2(s2::Options),
    /// S3: chat fan-out to one room against the bare broadcast hub.
    S3(s3::Options),
    /// S4: search over many seeded posts, rare and common words.
    S4(s4::Options),
    /// S5: signing in with argon2id, alone and beside thread reads.
    S5(s5::Options),
    /// S6: a mixed soak of reads, replies and chat, with memory watched.
    S6(s6::Options),
    /// S7: reads of many threads with Zipf popularity while replies and chat are written (issue 22).
    S7(s7::Options),
    /// S6's mix scaled up, stepping the active members up until p99 passes a bound (issue 22).
    Sizing(sizing::Options),
    /// Resident memory after a flood of sign-ins, against the idle server (issue 21).
    SigninMemory(signin_memory::Options),
    /// The moderation queue with many open items, against the hello control.
    Queue(queue::Options),
    /// A community page's calls (community, threads, 50 upcoming events, directory), signed out and in (issue 18).
    CommunityPage(community_page::Options),
    /// Directory search over many entries, by place, distance, word and category (issue 18).
    Directory(directory::Options),
    /// A goal's page with many contributors, against the hello control (issue 19).
    GoalPage(goals::PageOptions),
    /// Contributions logged against one goal at a steady rate, beside the hello control paced alike (issue 19).
    GoalLog(goals::LogOptions),
    /// Crisis screening per post, beside storing a reply.
    Screening(screening::Options),
    /// A reply whose thread's watchers are mailed at once, beside the same without mail (issue 20).
    MailCost(mail::CostOptions),
    /// Building and sending a daily digest to many members (issue 20).
    Digest(mail::DigestOptions),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().scenario {
        Scenario::S1(options) => s1::run(options).await,
        Scenario::S2(options) => s2::run(options).await,
        Scenario::S3(options) => s3::run(options).await,
        Scenario::S4(options) => s4::run(options).await,
        Scenario::S5(options) => s5::run(options).await,
        Scenario::S6(options) => s6::run(options).await,
        Scenario::S7(options) => s7::run(options).await,
        Scenario::Sizing(options) => sizing::run(options).await,
        Scenario::SigninMemory(options) => signin_memory::run(options).await,
        Scenario::Queue(options) => queue::run(options).await,
        Scenario::Screening(options) => screening::run(options).await,
        Scenario::Directory(options) => directory::run(options).await,
        Scenario::CommunityPage(options) => community_page::run(options).await,
        Scenario::GoalPage(options) => goals::page(options).await,
        Scenario::GoalLog(options) => goals::log(options).await,
        Scenario::MailCost(options) => mail::cost(options).await,
        Scenario::Digest(options) => mail::digest(options).await,
    }
}
