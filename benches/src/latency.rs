//! Sequential request latencies, and the table that sets each request
//! beside the hello control measured in the same run, alternating A B A B.

use std::time::Instant;

use crate::server::Placement;
use crate::stats::{median, percentile, spread};

/// How a latency scenario measures: its flags, shared by every such scenario.
#[derive(clap::Args)]
pub struct Runs {
    /// Sequential requests per measurement.
    #[arg(long, default_value_t = 300)]
    pub requests: usize,
    /// Control and scenario measurements, alternating.
    #[arg(long, default_value_t = 5)]
    pub pairs: usize,
    #[command(flatten)]
    pub placement: Placement,
}

/// A request to time: its row name, its URLs (sent at once, as a page's
/// calls are, and timed until the last answers), and whether it is signed in.
pub struct Case {
    pub name: String,
    pub urls: Vec<String>,
    pub signed_in: bool,
}

/// (p50, p99) in milliseconds of `requests` sequential rounds of GETs of `urls`, each round's GETs at once.
pub async fn measure(
    client: &reqwest::Client,
    urls: &[String],
    token: Option<&str>,
    requests: usize,
) -> anyhow::Result<(f64, f64)> {
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        futures_util::future::try_join_all(urls.iter().map(|url| get(client, url, token))).await?;
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((percentile(&samples, 50.0), percentile(&samples, 99.0)))
}

/// One GET read to its end; an answer that is not a success is an error.
async fn get(client: &reqwest::Client, url: &str, token: Option<&str>) -> anyhow::Result<()> {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    anyhow::ensure!(response.status().is_success(), "{url} answered {}", response.status());
    response.bytes().await?;
    Ok(())
}

/// Prints one row per case: the control's and the case's p50 and p99 over
/// `pairs` alternating measurements, with the p99s' spread and ratio.
pub async fn compare(base: &str, token: &str, cases: &[Case], requests: usize, pairs: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let hello = [format!("{base}/__bench/hello")];
    println!("| request | control p50 ms | control p99 ms | p50 ms | p99 ms (median, min-max) | p99 ratio |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for case in cases {
        let (mut control, mut scenario) = (Vec::new(), Vec::new());
        for _ in 0..pairs {
            control.push(measure(&client, &hello, None, requests).await?);
            let token = case.signed_in.then_some(token);
            scenario.push(measure(&client, &case.urls, token, requests).await?);
        }
        let p50s = |runs: &[(f64, f64)]| median(&runs.iter().map(|run| run.0).collect::<Vec<_>>());
        let p99s: Vec<f64> = scenario.iter().map(|run| run.1).collect();
        let (low, high) = spread(&p99s);
        let control_p99 = median(&control.iter().map(|run| run.1).collect::<Vec<_>>());
        println!(
            "| {} | {:.2} | {control_p99:.2} | {:.2} | {:.2} ({low:.2}-{high:.2}) | {:.1}x |",
            case.name,
            p50s(&control),
            p50s(&scenario),
            median(&p99s),
            median(&p99s) / control_p99.max(f64::EPSILON),
        );
    }
    Ok(())
}
