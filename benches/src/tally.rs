//! Latencies of a mixed load, by kind of operation, and its failures:
//! each operation timed from the moment it was due.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::time::Instant;

use crate::stats::percentile;

/// Latencies in milliseconds by kind, and failures.
#[derive(Default)]
pub struct Tally {
    samples: Mutex<HashMap<&'static str, Vec<f64>>>,
    errors: AtomicUsize,
}

/// One kind's figures: count, mean, p50 and p99 in milliseconds.
#[derive(Debug, Clone)]
pub struct Summary {
    pub kind: String,
    pub count: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Tally {
    pub fn record(&self, kind: &'static str, ms: f64) {
        if let Ok(mut samples) = self.samples.lock() {
            samples.entry(kind).or_default().push(ms);
        }
    }

    pub fn fail(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn errors(&self) -> usize {
        self.errors.load(Ordering::Relaxed)
    }

    /// Each kind by name, then all kinds together (named `all`).
    pub fn summaries(&self) -> Vec<Summary> {
        let samples = self.samples.lock().map(|samples| samples.clone()).unwrap_or_default();
        let mut kinds: Vec<_> = samples.into_iter().collect();
        kinds.sort_by(|a, b| a.0.cmp(b.0));
        let mut all = Vec::new();
        let mut summaries: Vec<Summary> = kinds
            .into_iter()
            .map(|(kind, ms)| {
                let summary = summarise(kind, &ms);
                all.extend(ms);
                summary
            })
            .collect();
        summaries.push(summarise("all", &all));
        summaries
    }
}

fn summarise(kind: &str, ms: &[f64]) -> Summary {
    Summary {
        kind: kind.to_owned(),
        count: ms.len(),
        mean_ms: ms.iter().sum::<f64>() / ms.len().max(1) as f64,
        p50_ms: percentile(ms, 50.0),
        p99_ms: percentile(ms, 99.0),
    }
}

/// Sends `request`, recording its latency from `due` under `kind` (or a failure).
pub async fn timed(request: reqwest::RequestBuilder, due: Instant, kind: &'static str, tally: std::sync::Arc<Tally>) {
    if answered(request).await {
        tally.record(kind, ms_since(due));
    } else {
        tally.fail();
    }
}

/// Sends `request` and reads its answer to the end: whether it succeeded.
pub async fn answered(request: reqwest::RequestBuilder) -> bool {
    match request.send().await {
        Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
        Err(_) => false,
    }
}

pub fn ms_since(due: Instant) -> f64 {
    due.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_each_kind_and_all() {
        let tally = Tally::default();
        for ms in [1.0, 2.0, 3.0] {
            tally.record("read", ms);
        }
        tally.record("reply", 10.0);
        tally.fail();
        let summaries = tally.summaries();
        let kinds: Vec<&str> = summaries.iter().map(|summary| summary.kind.as_str()).collect();
        assert_eq!(kinds, ["read", "reply", "all"]);
        assert_eq!(summaries[0].mean_ms, 2.0);
        assert_eq!(summaries[0].p50_ms, 2.0);
        assert_eq!(summaries[2].count, 4);
        assert_eq!(summaries[2].p99_ms, 10.0);
        assert_eq!(tally.errors(), 1);
    }
}
