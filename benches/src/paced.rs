//! Open-loop load at a fixed rate: each request is due at its own moment
//! and timed from then, so a slow server shows up as latency rather than
//! as fewer requests (no coordinated omission).

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::raw;
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
    get_each(&[url.to_owned()], &tokens, rate, seconds).await
}

/// GETs `urls` in turn at `rate` a second for `seconds`, signed in with
/// `tokens` in turn (signed out when there are none).
///
/// Requests go over [`CONNECTIONS`] kept-alive connections, the `n`th on
/// connection `n % CONNECTIONS`, each connection keeping its share of the
/// schedule and timing each request from when it was due (wrk2's model). A
/// request costs this client a few microseconds of plain socket work, so it
/// keeps pace with a server sending 20,000 pages of 28 KB a second from one
/// core, which a general HTTP client there does not.
pub async fn get_each(urls: &[String], tokens: &[String], rate: f64, seconds: f64) -> anyhow::Result<Paced> {
    let total = (rate * seconds).round().max(1.0) as u64;
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..urls.len() * tokens.len().max(1))
            .map(|n| raw::request(&urls[n % urls.len()], tokens.get(n % tokens.len().max(1))))
            .collect::<anyhow::Result<_>>()?,
    );
    let address = raw::address(&urls[0])?;
    let mut connections = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        connections.push(raw::Connection::open(&address).await?);
    }
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for (first, mut connection) in connections.into_iter().enumerate() {
        let requests = Arc::clone(&requests);
        tasks.spawn(async move {
            let (mut samples, mut errors) = (Vec::new(), 0);
            for n in (first as u64..total).step_by(CONNECTIONS) {
                let due = start + gap.mul_f64(n as f64);
                tokio::time::sleep_until(due).await;
                match connection.get(&requests[n as usize % requests.len()]).await {
                    Ok(()) => samples.push(ms_since(due)),
                    Err(_) => errors += 1,
                }
            }
            (samples, errors)
        });
    }
    let (mut samples, mut errors) = (Vec::new(), 0);
    while let Some(done) = tasks.join_next().await {
        let (seen, failed) = done?;
        samples.extend(seen);
        errors += failed;
    }
    Ok(Paced { p50_ms: percentile(&samples, 50.0), p99_ms: percentile(&samples, 99.0), errors })
}

/// Connections a paced GET run keeps open: enough that at 20,000 a second
/// a connection's next request is rarely due before its last is answered.
const CONNECTIONS: usize = 64;

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
