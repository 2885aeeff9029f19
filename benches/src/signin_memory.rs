//! Sign-in memory: resident memory under a sign-in flood. Each argon2id hash needs 19 MiB; the
//! server's resident memory is read idle, after a few sign-ins, and after a
//! flood of them (wrong passwords and unknown names cost the same as right
//! ones), and compared with the idle figure: the target is within 2x.

use serde_json::json;

use crate::server::{Placement, Server, resident_kib};

#[derive(clap::Args)]
pub struct Options {
    /// Sign-ins in the flood.
    #[arg(long, default_value_t = 1000)]
    sign_ins: usize,
    /// Sign-ins in flight at once.
    #[arg(long, default_value_t = 40)]
    concurrency: usize,
    #[command(flatten)]
    placement: Placement,
}

pub async fn run(options: Options) -> anyhow::Result<()> {
    let unlimited = u32::MAX.to_string();
    let server = Server::start(&options.placement, &[("KINDRED_SIGN_INS_PER_QUARTER_HOUR", unlimited)]).await?;
    let client = reqwest::Client::new();
    let url = format!("http://{}/api/v1/sessions", server.address);
    let idle = resident_kib(server.pid())?;
    let warm_up = options.concurrency.min(options.sign_ins).max(1);
    let refused_warm = flood(&client, &url, warm_up, warm_up).await?;
    let warm = resident_kib(server.pid())?;
    let refused = flood(&client, &url, options.sign_ins, options.concurrency.max(1)).await?;
    let flooded = resident_kib(server.pid())?;
    anyhow::ensure!(refused + refused_warm == options.sign_ins + warm_up, "every sign-in was answered with a refusal");
    let mib = |kib: u64| kib as f64 / 1024.0;
    let ratio = flooded as f64 / idle.max(1) as f64;
    println!(
        "Sign-in flood, SQLite: {} sign-ins, {} at a time, server on core {}",
        options.sign_ins, options.concurrency, options.placement.server_core
    );
    println!("| RSS idle MiB | after {warm_up} sign-ins MiB | after the flood MiB | flood / idle | within 2x |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| {:.1} | {:.1} | {:.1} | {ratio:.2}x | {} |",
        mib(idle),
        mib(warm),
        mib(flooded),
        if ratio <= 2.0 { "yes" } else { "no" }
    );
    Ok(())
}

/// Sends `count` sign-ins with wrong passwords (every fourth for a name that
/// does not exist), `concurrency` at a time; returns how many were refused.
async fn flood(client: &reqwest::Client, url: &str, count: usize, concurrency: usize) -> anyhow::Result<usize> {
    let mut refused = 0;
    let numbers: Vec<usize> = (0..count).collect();
    for round in numbers.chunks(concurrency) {
        let requests = round.iter().map(|n| {
            let username = if n % 4 == 0 { "nobody".to_owned() } else { "bench".to_owned() };
            let body = json!({ "username": username, "password": format!("a wrong password {n}") });
            client.post(url).json(&body).send()
        });
        for answer in futures_util::future::join_all(requests).await {
            refused += usize::from(answer?.status() == 401);
        }
    }
    Ok(refused)
}
