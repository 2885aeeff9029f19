//! Sizing (issue 22): S6's mix (90% thread page reads, 5% replies, 5% chat)
//! at the rate a number of active members makes, each member with a live
//! connection listening, stepping the members up until p99 passes a bound
//! (a failing step is run twice); per step the latency of each kind, errors
//! and the server's memory.

use std::time::Duration;

use crate::chat::{CHAT, Listeners};
use crate::s6::{READ, Target, mix, unlimited_settings};
use crate::s7::{rooms, thread_ids};
use crate::server::{Placement, Server, Store, Stores, resident_kib, seed_command};
use crate::tally::Summary;

#[derive(clap::Args)]
pub struct Options {
    /// Active members at the first step.
    #[arg(long, default_value_t = 250)]
    start_members: usize,
    /// Active members at most (each holds a live connection: mind `ulimit -n`).
    #[arg(long, default_value_t = 16_000)]
    max_members: usize,
    /// The model: at the busiest hour an active member makes one operation every this many seconds.
    #[arg(long, default_value_t = 30.0)]
    seconds_per_operation: f64,
    /// Each step's members are the last step's times this.
    #[arg(long, default_value_t = 2.0)]
    factor: f64,
    /// Seconds each step runs.
    #[arg(long, default_value_t = 20.0)]
    step_seconds: f64,
    /// The step whose p99 (all operations) passes this twice in a row ends the run.
    #[arg(long, default_value_t = 100.0)]
    p99_bound_ms: f64,
    /// Rooms the members' connections are spread over (S6: one).
    #[arg(long, default_value_t = 1)]
    rooms: usize,
    /// Seeded members of the community (posts' authors).
    #[arg(long, default_value_t = 2_000)]
    members: u32,
    #[command(flatten)]
    stores: Stores,
    #[command(flatten)]
    placement: Placement,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    println!(
        "Sizing: an active member makes one operation every {} s at the busiest hour (90% thread page reads, 5% replies, \
         5% chat messages) and keeps one live connection listening in one of {} room(s); {} s per step, the members times {} \
         each step until p99 passes {} ms (a failing step is run twice); server on core {}",
        options.seconds_per_operation,
        options.rooms,
        options.step_seconds,
        options.factor,
        options.p99_bound_ms,
        options.placement.server_core
    );
    for store in &options.stores.all() {
        run_on(&options, store).await?;
    }
    Ok(())
}

async fn run_on(options: &Options, store: &Store) -> anyhow::Result<()> {
    let seed = seed_command(1, 200, 20, options.members);
    let seed: Vec<&str> = seed.iter().map(String::as_str).collect();
    let settings = unlimited_settings(options.max_members + 10);
    let server = Server::start_after(&options.placement, &settings, &[&seed], store).await?;
    let threads = thread_ids(&format!("http://{}", server.address), "seeded-1").await?;
    let rooms = rooms(&server, "seeded-1", options.rooms).await?;
    let target = Target { server: &server, rooms: &rooms, threads: &threads };
    println!();
    println!("{}:", store.name());
    println!(
        "| active members | operations/s | reads p50 / p99 ms | replies p50 / p99 ms | chat p50 / p99 ms | all p99 ms | \
         errors | deliveries | server memory MiB |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    // Two seconds of the mix first, not measured: the first page, reply and
    // chat message of a fresh server pay one-off costs a short step would count.
    mix(&target, 10.0, 2.0).await?;
    let mut listeners = Listeners::default();
    let (mut members, mut held, mut retried) = (options.start_members.max(1), None, false);
    while members <= options.max_members {
        listeners.add(&server.address, &server.token, &rooms, members - listeners.len()).await?;
        let rate = members as f64 / options.seconds_per_operation;
        let before = listeners.delivered();
        let outcome = mix(&target, rate, options.step_seconds).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let delivered = listeners.delivered() - before;
        let memory = resident_kib(server.pid())? as f64 / 1024.0;
        let summaries = outcome.tally.summaries();
        let kind = |name: &str| summaries.iter().find(|summary| summary.kind == name);
        let pair = |summary: Option<&Summary>| {
            summary.map_or("-".to_owned(), |s| format!("{:.1} / {:.1}", s.p50_ms, s.p99_ms))
        };
        let all = kind("all").map_or(0.0, |summary| summary.p99_ms);
        let errors = outcome.tally.errors() + outcome.lost_acks;
        println!(
            "| {members} | {rate:.1} | {} | {} | {} | {all:.1} | {errors} | {delivered} of {} | {memory:.0} |",
            pair(kind(READ)),
            pair(kind("reply")),
            pair(kind(CHAT)),
            outcome.chats * members / rooms.len()
        );
        let passed = all <= options.p99_bound_ms && errors == 0;
        // A step that fails is run once more before it ends the search, so
        // that one stall on a shared machine does not set the figure.
        if !passed && !retried {
            retried = true;
            continue;
        }
        if !passed {
            break;
        }
        retried = false;
        held = Some((members, memory));
        members = ((members as f64 * options.factor.max(1.01)).round() as usize).max(members + 1);
    }
    match held {
        Some((members, memory)) => println!(
            "{}: held {members} active members ({:.1} operations/s) with p99 under {} ms and no error, in {memory:.0} MiB.",
            store.name(),
            members as f64 / options.seconds_per_operation,
            options.p99_bound_ms
        ),
        None => println!("{}: the first step already passed {} ms or failed.", store.name(), options.p99_bound_ms),
    }
    Ok(())
}
