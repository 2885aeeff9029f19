//! Trains crisis screening's learned model for English from the development
//! corpus and writes its weights beside the rules:
//!
//!     cargo run -p moderation --release --bin train-crisis-model
//!
//! Thresholds are chosen from cross-validation on the development corpus
//! alone (each text scored by a model that never saw it), to reach the
//! recall asked for; the held-out corpus is never read here. Two ways of
//! folding are reported: interleaved (every fifth text), and by writer,
//! where no writer's batch is both trained on and scored, which is what an
//! unseen community's posts look like to the model. Thresholds come from
//! the folds by writer.

use std::fs;
use std::path::PathBuf;

use moderation::crisis::model::Training;
use moderation::crisis::{CrisisScreen, RiskLevel};
use serde::Deserialize;

/// The share of risk texts the combined screen must catch in cross-validation
/// by writer (see BENCHMARKS.md for the curve).
const TARGET_RECALL: f64 = 0.90;
/// The most safe texts a high-risk score may take in cross-validation.
const HIGH_FALSE_ALARMS: f64 = 0.01;
const FOLDS: usize = 5;

#[derive(Deserialize)]
struct Entry {
    text: String,
    label: String,
    source: String,
}

struct Post {
    text: String,
    at_risk: bool,
    /// The writer's batch: "risk_a" and "safe_a" are writer "a".
    writer: String,
}

/// A text's out-of-fold probability, what the rules alone said, and its label.
#[derive(Clone, Copy)]
struct Scored {
    probability: f64,
    rules: Option<RiskLevel>,
    at_risk: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus_path = crate_dir.join("corpus/crisis/en/dev.jsonl");
    let corpus: Vec<Post> = fs::read_to_string(&corpus_path)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str::<Entry>(line).map(|entry| Post {
                text: entry.text,
                at_risk: entry.label == "risk",
                writer: entry.source.rsplit('_').next().unwrap_or_default().to_owned(),
            })
        })
        .collect::<Result<_, _>>()?;
    let training = Training::default();
    let mut writers: Vec<&str> = corpus.iter().map(|post| post.writer.as_str()).collect();
    writers.sort_unstable();
    writers.dedup();

    let interleaved = out_of_fold(&corpus, training, |i, _| i % FOLDS)?;
    report("interleaved", &interleaved);
    let by_writer = out_of_fold(&corpus, training, |_, post| {
        writers.iter().position(|writer| *writer == post.writer).unwrap_or_default() % FOLDS
    })?;
    report("by writer", &by_writer);

    let rates = |threshold: f64| rates(&by_writer, threshold, true);
    let medium = (1..=990).rev().map(|t| f64::from(t) / 1000.0).find(|&t| rates(t).0 >= TARGET_RECALL).unwrap_or(0.001);
    let safe_scores = {
        let mut scores: Vec<f64> = by_writer.iter().filter(|s| !s.at_risk).map(|s| s.probability).collect();
        scores.sort_by(f64::total_cmp);
        scores
    };
    let allowed = (safe_scores.len() as f64 * HIGH_FALSE_ALARMS).floor() as usize;
    let high = safe_scores.get(safe_scores.len().saturating_sub(allowed + 1)).map_or(0.9, |p| p + 0.001).max(medium);
    let (recall, alarms) = rates(medium);
    eprintln!(
        "chosen by writer: medium {medium:.3} (recall {:.1}%, false alarms {:.1}%), high {high:.3}",
        recall * 100.0,
        alarms * 100.0
    );

    let rules = CrisisScreen::shipped_rules("en")?;
    let model = rules.train(corpus.iter().map(|post| (post.text.as_str(), post.at_risk)), training);
    let header = format!(
        "Crisis screening's learned model for English: logistic regression over the features of\n\
         moderation/src/crisis/features.rs, trained on corpus/crisis/en/dev.jsonl ({} texts) by\n\
         `cargo run -p moderation --release --bin train-crisis-model`. Do not edit by hand: train again.\n\
         Thresholds from {FOLDS}-fold cross-validation by writer on that corpus: recall {:.1}%, false alarms {:.1}%.",
        corpus.len(),
        recall * 100.0,
        alarms * 100.0
    );
    let out = crate_dir.join("rules/crisis/en.model.tsv");
    fs::write(&out, model.with_thresholds(medium, high).to_text(&header))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// Each text's probability from a model trained on the folds it is not in.
fn out_of_fold(
    corpus: &[Post],
    training: Training,
    fold_of: impl Fn(usize, &Post) -> usize,
) -> Result<Vec<Scored>, Box<dyn std::error::Error>> {
    let rules = CrisisScreen::shipped_rules("en")?;
    let folds: Vec<usize> = corpus.iter().enumerate().map(|(i, post)| fold_of(i, post)).collect();
    let mut scored = vec![Scored { probability: 0.0, rules: None, at_risk: false }; corpus.len()];
    for fold in 0..FOLDS {
        let train = corpus.iter().zip(&folds).filter(|(_, f)| **f != fold).map(|(p, _)| (p.text.as_str(), p.at_risk));
        let model = rules.train(train, training);
        let screen = CrisisScreen::shipped_rules("en")?.with_model(model.with_thresholds(1.0, 1.0));
        for (i, post) in corpus.iter().enumerate().filter(|(i, _)| folds[*i] == fold) {
            scored[i] = Scored {
                probability: screen.model_probability(&post.text).unwrap_or_default(),
                rules: rules.screen(&post.text).risk,
                at_risk: post.at_risk,
            };
        }
    }
    Ok(scored)
}

/// Recall and false-alarm rate at a threshold, of the model alone or of
/// the model or a high rule match.
fn rates(scored: &[Scored], threshold: f64, with_rules: bool) -> (f64, f64) {
    let flagged = |s: &Scored| s.probability >= threshold || (with_rules && s.rules == Some(RiskLevel::High));
    let risk = scored.iter().filter(|s| s.at_risk).count() as f64;
    let safe = scored.iter().filter(|s| !s.at_risk).count() as f64;
    let caught = scored.iter().filter(|s| s.at_risk && flagged(s)).count() as f64;
    let alarms = scored.iter().filter(|s| !s.at_risk && flagged(s)).count() as f64;
    (caught / risk, alarms / safe)
}

/// Prints the cross-validated curve and the figures to compare models by.
fn report(folding: &str, scored: &[Scored]) {
    let (recall, alarms) = rates(scored, f64::INFINITY, true);
    eprintln!("{folding}: high rules alone: recall {:.1}%, false alarms {:.1}%", recall * 100.0, alarms * 100.0);
    eprintln!("{folding}: threshold, then recall and false alarms of the model alone, and of high rules or model");
    for step in (5..=95).step_by(5) {
        let threshold = f64::from(step) / 100.0;
        let (alone, alone_alarms) = rates(scored, threshold, false);
        let (recall, alarms) = rates(scored, threshold, true);
        eprintln!(
            "{threshold:>5.2}  {:>5.1}% {:>5.1}%   {:>5.1}% {:>5.1}%",
            alone * 100.0,
            alone_alarms * 100.0,
            recall * 100.0,
            alarms * 100.0
        );
    }
    let thresholds = || (1..=999).rev().map(|t| f64::from(t) / 1000.0).map(|t| rates(scored, t, true));
    let recall_at = |most_alarms: f64| thresholds().filter(|r| r.1 <= most_alarms).map(|r| r.0).fold(0.0, f64::max);
    let alarms_at = |least_recall: f64| thresholds().find(|r| r.0 >= least_recall).map_or(1.0, |r| r.1);
    eprintln!(
        "{folding}: recall at 5% false alarms {:.1}%, at 10% {:.1}%; false alarms at 90% recall {:.1}%, at 95% {:.1}%",
        recall_at(0.05) * 100.0,
        recall_at(0.10) * 100.0,
        alarms_at(0.90) * 100.0,
        alarms_at(0.95) * 100.0
    );
}
