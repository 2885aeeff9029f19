//! The learned second opinion of crisis screening: a logistic regression
//! over the features of `features.rs`, trained on the development part of
//! the corpus by `train-crisis-model` and shipped as a plain weights file
//! (`rules/crisis/<language>.model.tsv`) beside the rules.
//!
//! Phrase rules are explainable but brittle: people in crisis rarely use the
//! words a list expects. A linear model over words, word pairs and clause
//! signals generalises to wordings nobody listed, and stays
//! small, fast and inspectable (every weight is a line of the file).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

/// A trained model: a weight per feature and the thresholds chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    bias: f64,
    /// The weight in a text's length of a feature the model does not know
    /// (the inverse document frequency of one seen once in training), so a
    /// text's known words count for less beside words the model never saw.
    unknown_idf: f64,
    /// Every feature's weight, by the feature, as the weights file lists them.
    weights: BTreeMap<String, Weight>,
    /// What scoring needs of each feature, by its [`key`], so that scoring
    /// a text builds no strings and each lookup touches one small entry.
    scoring: HashMap<u64, Scoring, Keyed>,
    /// At or above this probability a text is at least a medium risk.
    pub medium: f64,
    /// At or above this probability a text is a high risk.
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Weight {
    value: f64,
    /// Inverse document frequency: how much a feature counts in a text is
    /// this, over the length of the text's vector of them (TF-IDF).
    idf: f64,
}

/// A feature's part in a text's score, worked out when the model is made.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scoring {
    /// Its weight times its idf.
    weighted: f64,
    /// Its idf squared.
    square: f64,
}

impl From<&Weight> for Scoring {
    fn from(weight: &Weight) -> Scoring {
        Scoring { weighted: weight.value * weight.idf, square: weight.idf * weight.idf }
    }
}

/// A text's score under a model, built up one feature at a time: each
/// distinct feature counts once.
#[derive(Debug)]
pub struct Score<'m> {
    model: &'m LinearModel,
    seen: HashSet<u64, Keyed>,
    /// The keys of the distinct features, in the order first added: they are
    /// looked up together at the end, in a loop of nothing else, so that the
    /// processor overlaps the lookups' waits for memory.
    distinct: Vec<u64>,
}

impl Score<'_> {
    /// Adds the feature made of these pieces run together.
    pub fn add(&mut self, feature: &[Piece<'_>]) {
        let key = key(feature);
        if self.seen.insert(key) {
            self.distinct.push(key);
        }
    }

    /// The probability that the text is at risk. Its features' vector is
    /// scaled to length one, so long posts are not judged by their length.
    pub fn probability(&self) -> f64 {
        let (mut weighted, mut squares) = (0.0, 0.0);
        for key in &self.distinct {
            match self.model.scoring.get(key) {
                Some(scoring) => {
                    weighted += scoring.weighted;
                    squares += scoring.square;
                }
                None => squares += self.model.unknown_idf * self.model.unknown_idf,
            }
        }
        let length = f64::sqrt(squares);
        sigmoid(self.model.bias + if length > 0.0 { weighted / length } else { 0.0 })
    }
}

/// One labelled text, as its features.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<String>,
    pub at_risk: bool,
}

/// How a model is trained; the defaults are the shipped model's.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    /// Passes of full-batch gradient descent.
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 penalty on the weights, per example.
    pub l2: f64,
    /// A feature seen in fewer training texts than this is left out.
    pub min_count: usize,
}

impl Default for Training {
    fn default() -> Training {
        Training { epochs: 600, learning_rate: 0.05, l2: 1e-6, min_count: 2 }
    }
}

/// Why a weights file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl LinearModel {
    /// Starts scoring a text of about this many distinct features.
    pub fn score(&self, features: usize) -> Score<'_> {
        let seen = HashSet::with_capacity_and_hasher(features, Keyed::default());
        Score { model: self, seen, distinct: Vec::with_capacity(features) }
    }

    /// The probability that a text with these features is at risk.
    pub fn probability<'a>(&self, features: impl IntoIterator<Item = &'a str>) -> f64 {
        let mut score = self.score(0);
        features.into_iter().for_each(|feature| score.add(&[Piece::new(feature)]));
        score.probability()
    }

    fn new(bias: f64, unknown_idf: f64, weights: BTreeMap<String, Weight>) -> LinearModel {
        let scoring =
            weights.iter().map(|(feature, weight)| (key(&[Piece::new(feature)]), Scoring::from(weight))).collect();
        LinearModel { bias, unknown_idf, weights, scoring, medium: 0.5, high: 0.5 }
    }

    /// Trains a model by gradient descent on the regularised log loss over
    /// TF-IDF vectors of length one, with both classes weighted equally
    /// whatever their sizes. Deterministic: the same examples give the same
    /// weights.
    pub fn train(examples: &[Example], training: Training) -> LinearModel {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for example in examples {
            for feature in distinct(&example.features) {
                *counts.entry(feature).or_default() += 1;
            }
        }
        let texts = examples.len() as f64;
        let unknown_idf = ((1.0 + texts) / 2.0).ln() + 1.0;
        let vocabulary: Vec<(&str, f64)> = counts
            .into_iter()
            .filter(|(_, count)| *count >= training.min_count)
            .map(|(feature, count)| (feature, ((1.0 + texts) / (1.0 + count as f64)).ln() + 1.0))
            .collect();
        let index: HashMap<&str, usize> =
            vocabulary.iter().enumerate().map(|(i, (feature, _))| (*feature, i)).collect();
        let rows: Vec<(Vec<(usize, f64)>, f64)> = examples
            .iter()
            .map(|example| {
                let columns: Vec<usize> =
                    distinct(&example.features).iter().filter_map(|feature| index.get(*feature).copied()).collect();
                let length =
                    columns.iter().map(|&c| vocabulary[c].1.powi(2)).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
                let values = columns.into_iter().map(|c| (c, vocabulary[c].1 / length)).collect();
                (values, if example.at_risk { 1.0 } else { 0.0 })
            })
            .collect();
        let positives = rows.iter().filter(|row| row.1 > 0.5).count().max(1) as f64;
        let negatives = (rows.len() as f64 - positives).max(1.0);
        let class_weight = |label: f64| if label > 0.5 { 0.5 / positives } else { 0.5 / negatives };

        let mut weights = vec![0.0; vocabulary.len()];
        let mut bias = 0.0;
        // Adam, whose step sizes suit sparse features of very different frequencies.
        let (beta1, beta2, epsilon) = (0.9, 0.999, 1e-8);
        let mut moment = vec![0.0; vocabulary.len() + 1];
        let mut velocity = vec![0.0; vocabulary.len() + 1];
        for epoch in 1..=training.epochs {
            let mut gradient: Vec<f64> = weights.iter().map(|w| training.l2 * w).collect();
            let mut bias_gradient = 0.0;
            for (values, label) in &rows {
                let sum: f64 = values.iter().map(|&(column, value)| weights[column] * value).sum();
                let error = (sigmoid(bias + sum) - label) * class_weight(*label);
                for &(column, value) in values {
                    gradient[column] += error * value;
                }
                bias_gradient += error;
            }
            gradient.push(bias_gradient);
            let correction1 = 1.0 - power(beta1, epoch);
            let correction2 = 1.0 - power(beta2, epoch);
            for (i, g) in gradient.iter().enumerate() {
                moment[i] = beta1 * moment[i] + (1.0 - beta1) * g;
                velocity[i] = beta2 * velocity[i] + (1.0 - beta2) * g * g;
                let step =
                    training.learning_rate * (moment[i] / correction1) / ((velocity[i] / correction2).sqrt() + epsilon);
                if i < weights.len() {
                    weights[i] -= step;
                } else {
                    bias -= step;
                }
            }
        }
        let weights = vocabulary
            .into_iter()
            .zip(weights)
            .map(|((feature, idf), value)| (feature.to_owned(), Weight { value, idf }));
        LinearModel::new(bias, unknown_idf, weights.collect())
    }

    /// The model as its weights file: a header, the bias and thresholds,
    /// then one `weight<TAB>idf<TAB>feature` line per feature, sorted by feature.
    pub fn to_text(&self, header: &str) -> String {
        let mut text = String::new();
        for line in header.lines() {
            let _ = writeln!(text, "# {line}");
        }
        let _ = writeln!(text, "bias\t{:.6}", self.bias);
        let _ = writeln!(text, "unknown\t{:.4}", self.unknown_idf);
        let _ = writeln!(text, "medium\t{:.4}", self.medium);
        let _ = writeln!(text, "high\t{:.4}", self.high);
        for (feature, weight) in &self.weights {
            let _ = writeln!(text, "{:.4}\t{:.4}\t{feature}", weight.value, weight.idf);
        }
        text
    }

    /// Reads a weights file written by [`LinearModel::to_text`].
    ///
    /// # Errors
    ///
    /// A [`ModelError`] naming the first line that is not of that shape.
    pub fn from_text(text: &str) -> Result<LinearModel, ModelError> {
        let (mut bias, mut unknown_idf, mut medium, mut high) = (0.0, f64::NAN, f64::NAN, f64::NAN);
        let mut weights = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let error = |reason: &str| ModelError { line: number + 1, reason: reason.to_owned() };
            let (first, second) =
                line.split_once('\t').ok_or_else(|| error("expected two fields separated by a tab"))?;
            let number_in = |field: &str| field.parse::<f64>().ok().filter(|value| value.is_finite());
            match first {
                "bias" => bias = number_in(second).ok_or_else(|| error("the bias is not a number"))?,
                "unknown" => {
                    unknown_idf = number_in(second)
                        .filter(|idf| *idf > 0.0)
                        .ok_or_else(|| error("the unknown features' idf is not a positive number"))?;
                }
                "medium" | "high" => {
                    let threshold = number_in(second)
                        .filter(|value| (0.0..=1.0).contains(value))
                        .ok_or_else(|| error("a threshold must be a number from 0 to 1"))?;
                    if first == "medium" { medium = threshold } else { high = threshold }
                }
                weight => {
                    let value = number_in(weight).ok_or_else(|| error("the weight is not a number"))?;
                    let (idf, feature) =
                        second.split_once('\t').ok_or_else(|| error("expected weight, idf and feature"))?;
                    let idf = number_in(idf)
                        .filter(|idf| *idf > 0.0)
                        .ok_or_else(|| error("the idf is not a positive number"))?;
                    weights.insert(feature.to_owned(), Weight { value, idf });
                }
            }
        }
        if medium.is_nan() || high.is_nan() || medium > high {
            return Err(ModelError {
                line: 0,
                reason: "the file needs medium and high thresholds, medium <= high".into(),
            });
        }
        if unknown_idf.is_nan() {
            return Err(ModelError { line: 0, reason: "the file needs the unknown features' idf".into() });
        }
        Ok(LinearModel { medium, high, ..LinearModel::new(bias, unknown_idf, weights) })
    }

    /// Sets the thresholds: `medium` <= `high`, both probabilities.
    pub fn with_thresholds(mut self, medium: f64, high: f64) -> LinearModel {
        self.medium = medium.min(high);
        self.high = high;
        self
    }
}

/// Maps and sets by a feature's [`key`], which is a hash already: hashing
/// it again (as the standard hasher would, for every feature of every post)
/// is needless work.
type Keyed = BuildHasherDefault<KeyHasher>;

/// Passes a [`key`] through as its own hash.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |hash, byte| hash.wrapping_mul(BASE).wrapping_add(u64::from(*byte)));
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

/// A piece of a feature (a word, a prefix such as "w:") with its hash, so
/// that a feature's key is made from the hashes of its pieces, each word's
/// worked out once however many features it is part of.
///
/// The hash is a polynomial one over the bytes, so that the hash of pieces
/// run together is made from theirs: the key of "b:" "my" " " "tablets" is
/// the key of "b:my tablets", as the weights file names it. Keys live only
/// as long as the process, so the constants can change freely.
#[derive(Debug, Clone, Copy)]
pub struct Piece<'a> {
    text: &'a str,
    hash: u64,
    /// [`BASE`] to the power of the piece's length.
    shift: u64,
}

/// The base of the polynomial hash: odd, with well-mixed bits.
const BASE: u64 = 0x9e37_79b9_7f4a_7c15;

impl<'a> Piece<'a> {
    pub const fn new(text: &'a str) -> Piece<'a> {
        let bytes = text.as_bytes();
        let (mut hash, mut shift, mut at) = (0_u64, 1_u64, 0);
        while at < bytes.len() {
            hash = hash.wrapping_mul(BASE).wrapping_add(bytes[at] as u64);
            shift = shift.wrapping_mul(BASE);
            at += 1;
        }
        Piece { text, hash, shift }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

/// The key of the feature made of these pieces run together.
fn key(feature: &[Piece<'_>]) -> u64 {
    let hash = feature.iter().fold(0_u64, |hash, piece| hash.wrapping_mul(piece.shift).wrapping_add(piece.hash));
    // The finaliser of MurmurHash3: a one-to-one map that spreads every bit
    // of the polynomial over the low bits a hash table picks buckets by.
    let mut key = hash ^ (hash >> 33);
    key = key.wrapping_mul(0xff51_afd7_ed55_8ccd);
    key ^= key >> 33;
    key = key.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    key ^ (key >> 33)
}

fn distinct(features: &[String]) -> Vec<&str> {
    let mut distinct: Vec<&str> = features.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn power(beta: f64, epoch: usize) -> f64 {
    beta.powi(i32::try_from(epoch).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(words: &str, at_risk: bool) -> Example {
        Example { features: words.split(' ').map(str::to_owned).collect(), at_risk }
    }

    fn toy() -> Vec<Example> {
        vec![
            example("alarm red loud", true),
            example("alarm red quiet", true),
            example("alarm blue loud", true),
            example("calm blue quiet", false),
            example("calm green quiet", false),
            example("calm red loud", false),
        ]
    }

    #[test]
    fn training_separates_what_it_was_shown() {
        let model = LinearModel::train(&toy(), Training { min_count: 1, ..Training::default() });
        let at = |words: &str| model.probability(words.split(' '));
        assert!(at("alarm green") > 0.7, "{}", at("alarm green"));
        assert!(at("calm green") < 0.3, "{}", at("calm green"));
        assert!(model.weights["alarm"].value > 0.0 && model.weights["calm"].value < 0.0);
    }

    #[test]
    fn training_is_deterministic_and_the_weights_file_round_trips() {
        let training = Training { min_count: 1, ..Training::default() };
        let model = LinearModel::train(&toy(), training).with_thresholds(0.3, 0.7);
        assert_eq!(model, LinearModel::train(&toy(), training).with_thresholds(0.3, 0.7));
        let read = LinearModel::from_text(&model.to_text("a toy\nmodel")).expect("reads back");
        assert_eq!((read.medium, read.high), (0.3, 0.7));
        let features = ["alarm", "red", "red"];
        assert!((read.probability(features) - model.probability(features)).abs() < 1e-3);
    }

    #[test]
    fn words_the_model_never_saw_weaken_the_ones_it_knows() {
        let model = LinearModel::train(&toy(), Training { min_count: 1, ..Training::default() });
        assert!(model.probability(["alarm", "crypto", "banana"]) < model.probability(["alarm"]));
        assert!(model.probability(["alarm", "crypto", "banana"]) > 0.5);
    }

    #[test]
    fn a_features_key_is_the_key_of_its_pieces_run_together() {
        let pieces = |texts: &[&'static str]| texts.iter().map(|text| Piece::new(text)).collect::<Vec<_>>();
        assert_eq!(key(&pieces(&["b:", "my", " ", "tablets"])), key(&pieces(&["b:my tablets"])));
        assert_eq!(key(&pieces(&["", "w:", "x"])), key(&pieces(&["w:x"])));
        assert_ne!(key(&pieces(&["b:my tablets"])), key(&pieces(&["b:mytablets"])));
        assert_ne!(key(&pieces(&["w:ab"])), key(&pieces(&["w:ba"])));
    }

    #[test]
    fn rare_features_are_left_out() {
        let model = LinearModel::train(&toy(), Training { min_count: 2, ..Training::default() });
        assert!(!model.weights.contains_key("green"));
        assert!(model.weights.contains_key("alarm"));
    }

    #[test]
    fn a_malformed_weights_file_names_its_line() {
        let error = |text: &str| LinearModel::from_text(text).expect_err("malformed");
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\nx\t1\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\t-1\tfeature").line, 4);
        assert_eq!(error("bias\t0\nunknown\t0\nmedium\t0.2\nhigh\t0.9").line, 2);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9").line, 0);
        assert_eq!(error("bias 0").line, 1);
        assert_eq!(error("bias\t0\nmedium\t1.5\nhigh\t0.9").line, 2);
        assert_eq!(error("bias\t0\nmedium\t0.9\nhigh\t0.2").line, 0);
        assert_eq!(error("bias\t0").line, 0);
    }
}
