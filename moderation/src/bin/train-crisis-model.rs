//! Trains crisis screening's learned model for English from the development
//! corpus and writes its weights beside the rules:
//!
//!     cargo run -p moderation --release --bin train-crisis-model
//!
//! Thresholds are chosen from five-fold cross-validation on the development
//! corpus alone (each text scored by a model that never saw it), to reach
//! the recall asked for; the held-out corpus is never read here.

use std::fs;
use std::path::PathBuf;

use moderation::crisis::model::Training;
use moderation::crisis::{CrisisScreen, RiskLevel};
use serde::Deserialize;

/// The share of risk texts the combined screen must catch in cross-validation
/// (at 0.95 the false alarms passed a quarter of the hard safe texts: see
/// BENCHMARKS.md for the curve).
const TARGET_RECALL: f64 = 0.90;
/// The most safe texts a high-risk score may take in cross-validation.
const HIGH_FALSE_ALARMS: f64 = 0.01;
const FOLDS: usize = 5;

#[derive(Deserialize)]
struct Entry {
    text: String,
    label: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus_path = crate_dir.join("corpus/crisis/en/dev.jsonl");
    let corpus: Vec<(String, bool)> = fs::read_to_string(&corpus_path)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<Entry>(line).map(|entry| (entry.text, entry.label == "risk")))
        .collect::<Result<_, _>>()?;
    let rules = CrisisScreen::shipped_rules("en")?;
    let training = Training::default();

    // Out-of-fold: each text's probability from a model trained without it,
    // beside what the rules alone say of it.
    let mut scored = vec![(0.0, None, false); corpus.len()];
    for fold in 0..FOLDS {
        let train = corpus.iter().enumerate().filter(|(i, _)| i % FOLDS != fold).map(|(_, (t, r))| (t.as_str(), *r));
        let model = rules.train(train, training);
        let screen = CrisisScreen::shipped_rules("en")?.with_model(model.with_thresholds(1.0, 1.0));
        for (i, (text, at_risk)) in corpus.iter().enumerate().filter(|(i, _)| i % FOLDS == fold) {
            let probability = screen.model_probability(text).unwrap_or_default();
            scored[i] = (probability, rules.screen(text).risk, *at_risk);
        }
        eprintln!("fold {} of {FOLDS} scored", fold + 1);
    }
    let rates_with = |threshold: f64, with_rules: bool| {
        let flagged = |(p, rule, _): &(f64, Option<RiskLevel>, bool)| {
            *p >= threshold || (with_rules && *rule == Some(RiskLevel::High))
        };
        let risk = scored.iter().filter(|s| s.2).count() as f64;
        let safe = scored.iter().filter(|s| !s.2).count() as f64;
        let caught = scored.iter().filter(|s| s.2 && flagged(s)).count() as f64;
        let alarms = scored.iter().filter(|s| !s.2 && flagged(s)).count() as f64;
        (caught / risk, alarms / safe)
    };
    let rates = |threshold: f64| rates_with(threshold, true);
    let (recall, alarms) = rates(f64::INFINITY);
    eprintln!("high rules alone: recall {:.1}%, false alarms {:.1}%", recall * 100.0, alarms * 100.0);
    eprintln!(
        "cross-validated: threshold, then recall and false alarms of the model alone, and of high rules or model"
    );
    for step in (5..=95).step_by(5) {
        let threshold = f64::from(step) / 100.0;
        let (alone, alone_alarms) = rates_with(threshold, false);
        let (recall, alarms) = rates(threshold);
        eprintln!(
            "{threshold:>5.2}  {:>5.1}% {:>5.1}%   {:>5.1}% {:>5.1}%",
            alone * 100.0,
            alone_alarms * 100.0,
            recall * 100.0,
            alarms * 100.0
        );
    }
    let medium = (1..=990).rev().map(|t| f64::from(t) / 1000.0).find(|&t| rates(t).0 >= TARGET_RECALL).unwrap_or(0.001);
    let safe_scores = {
        let mut scores: Vec<f64> = scored.iter().filter(|s| !s.2).map(|s| s.0).collect();
        scores.sort_by(f64::total_cmp);
        scores
    };
    let allowed = (safe_scores.len() as f64 * HIGH_FALSE_ALARMS).floor() as usize;
    let high = safe_scores.get(safe_scores.len().saturating_sub(allowed + 1)).map_or(0.9, |p| p + 0.001).max(medium);
    let (recall, alarms) = rates(medium);
    eprintln!(
        "chosen: medium {medium:.3} (recall {:.1}%, false alarms {:.1}%), high {high:.3}",
        recall * 100.0,
        alarms * 100.0
    );

    let model = rules.train(corpus.iter().map(|(text, at_risk)| (text.as_str(), *at_risk)), training);
    let header = format!(
        "Crisis screening's learned model for English: logistic regression over the features of\n\
         moderation/src/crisis/features.rs, trained on corpus/crisis/en/dev.jsonl ({} texts) by\n\
         `cargo run -p moderation --release --bin train-crisis-model`. Do not edit by hand: train again.\n\
         Thresholds from {FOLDS}-fold cross-validation on that corpus: recall {:.1}%, false alarms {:.1}%.",
        corpus.len(),
        recall * 100.0,
        alarms * 100.0
    );
    let out = crate_dir.join("rules/crisis/en.model.tsv");
    fs::write(&out, model.with_thresholds(medium, high).to_text(&header))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
