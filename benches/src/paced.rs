//! Open-loop load at a fixed rate: each request is due at its own moment
//! and timed from then, so a slow server shows up as latency rather than
//! as fewer requests (no coordinated omission).

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::stats::percentile;

/// What a paced run saw, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Paced {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: usize,
}

/// GETs `url` at `rate` a second for `seconds`.
pub async fn get(url: &str, token: Option<&str>, rate: f64, seconds: f64) -> anyhow::Result<Paced> {
    let client = reqwest::Client::new();
    send(rate, seconds, |_| {
        let request = client.get(url);
        match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    })
    .await
}

/// Sends the `n`th request `make` builds at `rate` a second for `seconds`.
pub async fn send(rate: f64, seconds: f64, make: impl Fn(u64) -> reqwest::RequestBuilder) -> anyhow::Result<Paced> {
    let total = (rate * seconds).round().max(1.0) as u64;
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let start = Instant::now();
    let mut requests = JoinSet::new();
    for n in 0..total {
        let due = start + gap.mul_f64(n as f64);
        tokio::time::sleep_until(due).await;
        let request = make(n);
        requests.spawn(async move {
            let answered = match request.send().await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            (answered, due.elapsed().as_secs_f64() * 1000.0)
        });
    }
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
