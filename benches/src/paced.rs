//! Open-loop load at a fixed rate: each request is due at its own moment
//! and timed from then, so a slow server shows up as latency rather than
//! as fewer requests (no coordinated omission).

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::stats::percentile;
use crate::tally::{answered, ms_since};

/// What a paced run saw, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Paced {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: usize,
}

/// GETs `url` at `rate` a second for `seconds`.
pub async fn get(url: &str, token: Option<&str>, rate: f64, seconds: f64) -> anyhow::Result<Paced> {
    let tokens: Vec<String> = token.into_iter().map(str::to_owned).collect();
    get_each(&reqwest::Client::new(), &[url.to_owned()], &tokens, rate, seconds).await
}

/// GETs `urls` in turn through `client` at `rate` a second for `seconds`,
/// signed in with `tokens` in turn (signed out when there are none).
pub async fn get_each(
    client: &reqwest::Client,
    urls: &[String],
    tokens: &[String],
    rate: f64,
    seconds: f64,
) -> anyhow::Result<Paced> {
    send(rate, seconds, |n| {
        let request = client.get(&urls[n as usize % urls.len()]);
        match tokens.get(n as usize % tokens.len().max(1)) {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    })
    .await
}

/// Sends the `n`th request `make` builds at `rate` a second for `seconds`.
pub async fn send(rate: f64, seconds: f64, make: impl Fn(u64) -> reqwest::RequestBuilder) -> anyhow::Result<Paced> {
    let mut requests = JoinSet::new();
    pace(rate, seconds, async |n, due| {
        let request = make(n);
        requests.spawn(async move { (answered(request).await, ms_since(due)) });
        Ok(())
    })
    .await?;
    let (mut samples, mut errors) = (Vec::new(), 0);
    while let Some(done) = requests.join_next().await {
        let (answered, ms) = done?;
        if answered {
            samples.push(ms);
        } else {
            errors += 1;
        }
    }
    Ok(Paced { p50_ms: percentile(&samples, 50.0), p99_ms: percentile(&samples, 99.0), errors })
}

/// Runs `each(n, due)` at each of `rate * seconds` moments `1 / rate` apart
/// (each should hand its waiting to a task, so the next is on time).
pub async fn pace(
    rate: f64,
    seconds: f64,
    mut each: impl AsyncFnMut(u64, Instant) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let total = (rate * seconds).round().max(1.0) as u64;
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let start = Instant::now();
    for n in 0..total {
        let due = start + gap.mul_f64(n as f64);
        tokio::time::sleep_until(due).await;
        each(n, due).await?;
    }
    Ok(())
}
