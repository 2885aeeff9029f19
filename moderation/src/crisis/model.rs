//! The learned second opinion of crisis screening: a logistic regression
//! over the features of `features.rs`, trained on the development part of
//! the corpus by `train-crisis-model` and shipped as a plain weights file
//! (`rules/crisis/<language>.model.tsv`) beside the rules.
//!
//! Phrase rules are explainable but brittle: people in crisis rarely use the
//! words a list expects. A linear model over words, word pairs and clause
//! signals generalises to wordings nobody listed, and stays
//! small, fast and inspectable (every weight is a line of the file).
//!
//! Beside each weight the file holds a second opinion on the same feature:
//! its naive Bayes log-count ratio (how much likelier it is in a risk text
//! than in a safe one, smoothed). A text's score is the mean of the two
//! opinions' log-odds, the regression's and naive Bayes's (the sum of its
//! features' ratios over the square root of their number). The two err
//! differently: naive Bayes weighs every feature by how it splits the
//! texts on its own, so a model with both leans less on the features that
//! only one writer's texts taught it, and in cross-validation by writer the
//! mean catches more at every false-alarm rate than either alone.
//!
//! A text of three sentences or more is scored by each window of two
//! sentences in a row too, and its score leans towards its best window's
//! (by the file's `windows` share), so that one risk sentence inside a long
//! ordinary update weighs more than its share of the whole text's words.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use super::features::WHOLE_TEXT;

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
    /// How much naive Bayes's log-odds weigh in a text's score, from 0 to 1;
    /// the regression's weigh the rest.
    naive_bayes: f64,
    /// Naive Bayes's ratio of a feature seen in one training text, a risk
    /// text's and a safe one's: most features are, and the weights file
    /// lists them as `+` or `-` and the feature, with no weight of their
    /// own in the regression (to which they are unknown).
    once: [f64; 2],
    /// How much a text's best window of two sentences weighs in its score
    /// (see [`Score::probability`]), from 0 to 1.
    windows: f64,
    /// What scoring needs of each feature, by its [`key`], so that scoring
    /// a text builds no strings and each lookup touches one small entry.
    scoring: HashMap<u64, Scoring, Keyed>,
    /// At or above this probability a text is at least a medium risk.
    pub medium: f64,
    /// At or above this probability a text is a high risk.
    pub high: f64,
    /// A high phrase-rule match stands on its own only when the model gives
    /// the text at least this probability (0: always, as before branch
    /// tune12): in cross-validation by writer about half of the false alarms
    /// the high rules raised (0.7% of safe texts) were on texts the model
    /// scored below 0.3 (0.3% remain).
    pub rules_gate: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Weight {
    value: f64,
    /// Inverse document frequency: how much a feature counts in a text is
    /// this, over the length of the text's vector of them (TF-IDF).
    idf: f64,
    /// Naive Bayes's log-count ratio: the log of the feature's smoothed
    /// share of the risk texts' features over its share of the safe texts'.
    ratio: f64,
}

/// A feature's part in a text's score, worked out when the model is made.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scoring {
    /// Its weight times its idf.
    weighted: f64,
    /// Its idf squared.
    square: f64,
    /// Its naive Bayes log-count ratio.
    ratio: f64,
}

impl From<&Weight> for Scoring {
    fn from(weight: &Weight) -> Scoring {
        Scoring { weighted: weight.value * weight.idf, square: weight.idf * weight.idf, ratio: weight.ratio }
    }
}

/// A text's score under a model, built up one feature at a time: each
/// distinct feature counts once.
#[derive(Debug)]
pub struct Score<'m> {
    model: &'m LinearModel,
    /// Each distinct feature's place in `distinct`, by its key.
    seen: HashMap<u64, u32, Keyed>,
    /// The keys of the distinct features, in the order first added: they are
    /// looked up together at the end, in a loop of nothing else, so that the
    /// processor overlaps the lookups' waits for memory.
    distinct: Vec<u64>,
    /// Each feature of one sentence, as its sentence and its place in
    /// `distinct`, in the order added, when the model scores windows of
    /// sentences.
    placed: Vec<(usize, u32)>,
}

impl Score<'_> {
    /// Adds the feature made of these pieces run together, found in this
    /// sentence of the text (counted from 0; `usize::MAX` when it is of the
    /// whole text, such as a rule that matched).
    pub fn add(&mut self, feature: &[Piece<'_>], sentence: usize) {
        let key = key(feature);
        let next = u32::try_from(self.distinct.len()).unwrap_or(u32::MAX);
        let place = *self.seen.entry(key).or_insert(next);
        if place == next {
            self.distinct.push(key);
        }
        if self.model.windows > 0.0 && sentence != WHOLE_TEXT {
            self.placed.push((sentence, place));
        }
    }

    /// The probability that the text is at risk. Its features' vector is
    /// scaled to length one, so long posts are not judged by their length.
    ///
    /// A text of three sentences or more is also scored by each window of
    /// two sentences in a row, as if it were a text of its own, so that one
    /// risk sentence in a long ordinary update is not drowned by the rest:
    /// the text's log-odds are then the mean, weighted by the model's
    /// `windows` share, of the whole text's and the larger of the whole
    /// text's and its best window's.
    pub fn probability(self) -> f64 {
        let model = self.model;
        // Every distinct feature is looked up once, in a loop of nothing else.
        let parts: Vec<[f64; 4]> = self
            .distinct
            .iter()
            .map(|key| match model.scoring.get(key) {
                Some(scoring) => [scoring.weighted, scoring.square, scoring.ratio, 1.0],
                None => [0.0, model.unknown_idf * model.unknown_idf, 0.0, 0.0],
            })
            .collect();
        let mut sums = [0.0; 4];
        parts.iter().for_each(|part| add(&mut sums, *part, 1.0));
        let whole = model.log_odds(sums);
        let share = model.windows;
        // The features of each sentence in turn, as runs of `placed`.
        let runs: Vec<&[(usize, u32)]> = self.placed.chunk_by(|a, b| a.0 == b.0).collect();
        if share <= 0.0 || runs.len() < 3 {
            return sigmoid(whole);
        }
        // Each sentence's sums over its distinct features, and over those
        // it shares with the sentence before it (which count once in the
        // window of the two): `last` is the last sentence a feature was in.
        let mut last = vec![usize::MAX; parts.len()];
        let mut own = vec![[0.0; 4]; runs.len()];
        let mut shared = vec![[0.0; 4]; runs.len()];
        for (at, run) in runs.iter().enumerate() {
            for &(_, place) in *run {
                let place = place as usize;
                if last[place] == at {
                    continue;
                }
                if last[place] != usize::MAX && last[place] + 1 == at {
                    add(&mut shared[at], parts[place], 1.0);
                }
                last[place] = at;
                add(&mut own[at], parts[place], 1.0);
            }
        }
        let mut best = whole;
        for at in 1..runs.len() {
            let mut sums = own[at - 1];
            add(&mut sums, own[at], 1.0);
            add(&mut sums, shared[at], -1.0);
            best = best.max(model.log_odds(sums));
        }
        sigmoid((1.0 - share) * whole + share * best)
    }
}

/// Adds `part` times `sign` to `sums`: a text's weighted sum, sum of idf
/// squares, sum of naive Bayes ratios and count of known features.
fn add(sums: &mut [f64; 4], part: [f64; 4], sign: f64) {
    for (sum, part) in sums.iter_mut().zip(part) {
        *sum += sign * part;
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
    /// Naive Bayes's smoothing: added to each feature's count in each class.
    pub naive_bayes_alpha: f64,
    /// A feature seen in fewer training texts than this is left out of
    /// naive Bayes (it may read features too rare for the regression).
    pub naive_bayes_min_count: usize,
    /// How much naive Bayes's log-odds weigh in a text's score, from 0 to 1.
    pub naive_bayes_share: f64,
}

impl Default for Training {
    fn default() -> Training {
        Training {
            epochs: 600,
            learning_rate: 0.05,
            l2: 1e-6,
            min_count: 2,
            naive_bayes_alpha: 0.1,
            naive_bayes_min_count: 1,
            naive_bayes_share: 0.5,
        }
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
        let seen = HashMap::with_capacity_and_hasher(features, Keyed::default());
        let placed = if self.windows > 0.0 { Vec::with_capacity(features) } else { Vec::new() };
        Score { model: self, seen, distinct: Vec::with_capacity(features), placed }
    }

    /// The probability that a text with these features, all of the whole
    /// text (so no windows of sentences are scored), is at risk.
    pub fn probability<'a>(&self, features: impl IntoIterator<Item = &'a str>) -> f64 {
        self.probability_by_sentence(features.into_iter().map(|feature| (feature, WHOLE_TEXT)))
    }

    /// The probability that a text with these features, each with its
    /// sentence (`usize::MAX`: of the whole text), is at risk.
    pub fn probability_by_sentence<'a>(&self, features: impl IntoIterator<Item = (&'a str, usize)>) -> f64 {
        let mut score = self.score(0);
        features.into_iter().for_each(|(feature, sentence)| score.add(&[Piece::new(feature)], sentence));
        score.probability()
    }

    /// The log-odds of a text from its sums (see [`add`]): the mean of the
    /// regression's and naive Bayes's, weighted by naive Bayes's share.
    fn log_odds(&self, [weighted, squares, ratios, known]: [f64; 4]) -> f64 {
        let length = f64::sqrt(squares);
        let regression = self.bias + if length > 0.0 { weighted / length } else { 0.0 };
        let naive_bayes = if known > 0.0 { ratios / known.sqrt() } else { 0.0 };
        (1.0 - self.naive_bayes) * regression + self.naive_bayes * naive_bayes
    }

    /// Sets how much a text's best window of two sentences weighs in its
    /// score, from 0 (windows are not scored) to 1.
    pub fn with_windows(mut self, share: f64) -> LinearModel {
        self.windows = share.clamp(0.0, 1.0);
        self
    }

    fn new(
        bias: f64,
        unknown_idf: f64,
        (naive_bayes, once): (f64, [f64; 2]),
        weights: BTreeMap<String, Weight>,
    ) -> LinearModel {
        let scoring = scoring_table(&weights);
        LinearModel {
            bias,
            unknown_idf,
            weights,
            naive_bayes,
            once,
            windows: 0.0,
            scoring,
            medium: 0.5,
            high: 0.5,
            rules_gate: 0.0,
        }
    }

    /// Whether a feature is one seen once, which the weights file lists as
    /// `+` (in a risk text) or `-` (in a safe one).
    fn seen_once(&self, weight: &Weight) -> Option<char> {
        let unknown = weight.value == 0.0 && weight.idf == self.unknown_idf;
        ['+', '-'].into_iter().zip(self.once).find(|(_, ratio)| unknown && weight.ratio == *ratio).map(|(sign, _)| sign)
    }

    /// Trains a model by gradient descent on the regularised log loss over
    /// TF-IDF vectors of length one, with both classes weighted equally
    /// whatever their sizes, and each kept feature's naive Bayes log-count
    /// ratio over the texts' distinct features. Deterministic: the same
    /// examples give the same weights.
    pub fn train(examples: &[Example], training: Training) -> LinearModel {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        // Texts with the feature, at risk and safe; then each class's features in all.
        let mut by_class: HashMap<&str, (f64, f64)> = HashMap::new();
        let (mut risk_features, mut safe_features) = (0.0, 0.0);
        for example in examples {
            for feature in distinct(&example.features) {
                *counts.entry(feature).or_default() += 1;
                let in_class = by_class.entry(feature).or_default();
                if example.at_risk {
                    in_class.0 += 1.0;
                    risk_features += 1.0;
                } else {
                    in_class.1 += 1.0;
                    safe_features += 1.0;
                }
            }
        }
        let alpha = training.naive_bayes_alpha;
        let ratio_of = |risk: f64, safe: f64| {
            ((risk + alpha) / f64::max(risk_features, 1.0)).ln() - ((safe + alpha) / f64::max(safe_features, 1.0)).ln()
        };
        let ratio = |feature: &str| {
            let (risk, safe) = by_class[feature];
            ratio_of(risk, safe)
        };
        let texts = examples.len() as f64;
        let unknown_idf = ((1.0 + texts) / 2.0).ln() + 1.0;
        let vocabulary: Vec<(&str, f64)> = counts
            .iter()
            .filter(|(_, count)| **count >= training.min_count)
            .map(|(feature, count)| (*feature, ((1.0 + texts) / (1.0 + *count as f64)).ln() + 1.0))
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
        let mut weights: BTreeMap<String, Weight> = vocabulary
            .into_iter()
            .zip(weights)
            .map(|((feature, idf), value)| (feature.to_owned(), Weight { value, idf, ratio: ratio(feature) }))
            .collect();
        // Features too rare for the regression still speak to naive Bayes;
        // to the regression they are unknown (no weight, the unknown idf).
        for (feature, _) in
            counts.iter().filter(|(_, count)| (training.naive_bayes_min_count..training.min_count).contains(*count))
        {
            weights.insert((*feature).to_owned(), Weight { value: 0.0, idf: unknown_idf, ratio: ratio(feature) });
        }
        let once = [ratio_of(1.0, 0.0), ratio_of(0.0, 1.0)];
        LinearModel::new(bias, unknown_idf, (training.naive_bayes_share, once), weights)
    }

    /// The model as its weights file: a header, the bias and thresholds,
    /// naive Bayes's share and its ratios of a feature seen once, then one
    /// `weight<TAB>idf<TAB>ratio<TAB>feature` line per feature, sorted by
    /// feature; a feature seen once is `+<TAB>feature` or `-<TAB>feature`.
    pub fn to_text(&self, header: &str) -> String {
        let mut text = String::new();
        for line in header.lines() {
            let _ = writeln!(text, "# {line}");
        }
        let _ = writeln!(text, "bias\t{:.6}", self.bias);
        let _ = writeln!(text, "unknown\t{:.4}", self.unknown_idf);
        let _ = writeln!(text, "medium\t{:.4}", self.medium);
        let _ = writeln!(text, "high\t{:.4}", self.high);
        if self.rules_gate > 0.0 {
            let _ = writeln!(text, "rules_gate\t{:.4}", self.rules_gate);
        }
        let _ = writeln!(text, "naive_bayes\t{:.4}", self.naive_bayes);
        let _ = writeln!(text, "once\t{:.4}\t{:.4}", self.once[0], self.once[1]);
        let _ = writeln!(text, "windows\t{:.4}", self.windows);
        for (feature, weight) in &self.weights {
            match self.seen_once(weight) {
                Some(sign) => {
                    let _ = writeln!(text, "{sign}\t{feature}");
                }
                None => {
                    let _ = writeln!(text, "{:.4}\t{:.4}\t{:.4}\t{feature}", weight.value, weight.idf, weight.ratio);
                }
            }
        }
        text
    }

    /// Reads a weights file written by [`LinearModel::to_text`].
    ///
    /// # Errors
    ///
    /// A [`ModelError`] naming the first line that is not of that shape.
    pub fn from_text(text: &str) -> Result<LinearModel, ModelError> {
        let mut weights = BTreeMap::new();
        let mut model = LinearModel::read(text, |feature, weight| {
            weights.insert(feature.to_owned(), weight);
        })?;
        model.scoring = scoring_table(&weights);
        model.weights = weights;
        Ok(model)
    }

    /// Reads a weights file as [`LinearModel::from_text`] does, keeping only
    /// what scoring needs: the table by feature name, there to write the
    /// file again, would take about as much memory again in every server
    /// process, and a screen's model is never written out.
    pub(crate) fn for_scoring_from_text(text: &str) -> Result<LinearModel, ModelError> {
        // A line a feature, nearly: sized once, the table is never copied to grow.
        let mut scoring = HashMap::with_capacity_and_hasher(text.lines().count(), Keyed::default());
        let mut model = LinearModel::read(text, |feature, weight| {
            scoring.insert(key(&[Piece::new(feature)]), Scoring::from(&weight));
        })?;
        model.scoring = scoring;
        Ok(model)
    }

    /// Reads a weights file's settings, handing each feature's weight to
    /// `feature` (those seen once last).
    fn read(text: &str, mut feature: impl FnMut(&str, Weight)) -> Result<LinearModel, ModelError> {
        let (mut bias, mut unknown_idf, mut medium, mut high) = (0.0, f64::NAN, f64::NAN, f64::NAN);
        let mut rules_gate = 0.0;
        let (mut naive_bayes, mut once, mut windows) = (0.0, [f64::NAN; 2], 0.0);
        // Features seen once, by whether in a risk text: their ratio is read last.
        let mut seen_once: Vec<(&str, bool)> = Vec::new();
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
                "medium" | "high" | "rules_gate" => {
                    let threshold = number_in(second)
                        .filter(|value| (0.0..=1.0).contains(value))
                        .ok_or_else(|| error("a threshold must be a number from 0 to 1"))?;
                    match first {
                        "medium" => medium = threshold,
                        "high" => high = threshold,
                        _ => rules_gate = threshold,
                    }
                }
                "once" => {
                    let (risk, safe) = second.split_once('\t').ok_or_else(|| error("expected two ratios"))?;
                    for (at, field) in [risk, safe].into_iter().enumerate() {
                        once[at] =
                            number_in(field).ok_or_else(|| error("a ratio of a feature seen once is not a number"))?;
                    }
                }
                "+" | "-" => seen_once.push((second, first == "+")),
                "naive_bayes" | "windows" => {
                    let share = number_in(second)
                        .filter(|share| (0.0..=1.0).contains(share))
                        .ok_or_else(|| error("a share must be a number from 0 to 1"))?;
                    if first == "windows" { windows = share } else { naive_bayes = share }
                }
                weight => {
                    let value = number_in(weight).ok_or_else(|| error("the weight is not a number"))?;
                    let expected = || error("expected weight, idf, naive Bayes ratio and feature");
                    let (idf, rest) = second.split_once('\t').ok_or_else(expected)?;
                    let (ratio, name) = rest.split_once('\t').ok_or_else(expected)?;
                    let idf = number_in(idf)
                        .filter(|idf| *idf > 0.0)
                        .ok_or_else(|| error("the idf is not a positive number"))?;
                    let ratio = number_in(ratio).ok_or_else(|| error("the naive Bayes ratio is not a number"))?;
                    feature(name, Weight { value, idf, ratio });
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
        if !seen_once.is_empty() && once.iter().any(|ratio| ratio.is_nan()) {
            return Err(ModelError { line: 0, reason: "features seen once need the `once` ratios".into() });
        }
        for (name, at_risk) in seen_once {
            let ratio = once[usize::from(!at_risk)];
            feature(name, Weight { value: 0.0, idf: unknown_idf, ratio });
        }
        let once = once.map(|ratio| if ratio.is_nan() { 0.0 } else { ratio });
        Ok(LinearModel {
            medium,
            high,
            windows,
            rules_gate,
            ..LinearModel::new(bias, unknown_idf, (naive_bayes, once), BTreeMap::new())
        })
    }

    /// Sets the least probability at which a high phrase-rule match stands
    /// on its own (see [`LinearModel::rules_gate`]).
    pub fn with_rules_gate(mut self, gate: f64) -> LinearModel {
        self.rules_gate = gate.clamp(0.0, 1.0);
        self
    }

    /// Sets the thresholds: `medium` <= `high`, both probabilities.
    pub fn with_thresholds(mut self, medium: f64, high: f64) -> LinearModel {
        self.medium = medium.min(high);
        self.high = high;
        self
    }
}

/// What scoring needs of each feature of `weights`, by its [`key`].
fn scoring_table(weights: &BTreeMap<String, Weight>) -> HashMap<u64, Scoring, Keyed> {
    weights.iter().map(|(feature, weight)| (key(&[Piece::new(feature)]), Scoring::from(weight))).collect()
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
        // The regression alone: naive Bayes has its own test below.
        let training = Training { min_count: 1, naive_bayes_share: 0.0, ..Training::default() };
        let model = LinearModel::train(&toy(), training);
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
        assert_eq!((read.medium, read.high, read.rules_gate), (0.3, 0.7, 0.0));
        let gated = LinearModel::from_text(&model.clone().with_rules_gate(0.25).to_text("toy")).expect("reads back");
        assert_eq!(gated.rules_gate, 0.25);
        let features = ["alarm", "red", "red"];
        assert!((read.probability(features) - model.probability(features)).abs() < 1e-3);
    }

    #[test]
    fn a_model_read_for_scoring_alone_scores_as_the_whole_model_does() {
        let model = LinearModel::train(&toy(), Training { min_count: 2, ..Training::default() });
        let text = model.to_text("toy");
        let whole = LinearModel::from_text(&text).expect("reads back");
        let scoring = LinearModel::for_scoring_from_text(&text).expect("reads back");
        assert!(scoring.weights.is_empty(), "no table by name is built");
        for features in [&["alarm", "red"][..], &["calm", "green", "crypto"], &["green"]] {
            assert_eq!(scoring.probability(features.iter().copied()), whole.probability(features.iter().copied()));
        }
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
    fn naive_bayes_weighs_a_feature_by_how_it_splits_the_classes() {
        let model = LinearModel::train(&toy(), Training { min_count: 1, ..Training::default() });
        assert!(model.weights["alarm"].ratio > 0.0 && model.weights["calm"].ratio < 0.0);
        assert!(model.weights["red"].ratio > 0.0, "red is in two risk texts and one safe one");
        let alone = |naive_bayes: f64| LinearModel { naive_bayes, ..model.clone() }.probability(["alarm", "blue"]);
        assert!(alone(1.0) > 0.5 && alone(0.0) > 0.5);
        assert!((alone(0.5) - alone(0.0)).abs() > 1e-6, "the share changes the score");
    }

    #[test]
    fn a_risk_sentence_in_a_long_text_is_scored_by_its_window_too() {
        let model = LinearModel::train(&toy(), Training { min_count: 1, ..Training::default() });
        let text = [("calm", 0), ("quiet", 0), ("calm", 1), ("blue", 1), ("alarm", 2), ("calm", 3), ("green", 3)];
        let without = model.probability_by_sentence(text);
        let with = model.clone().with_windows(0.5);
        assert!(with.probability_by_sentence(text) > without, "the window of sentences 2 and 3 raises it");
        let short = [("calm", 0), ("alarm", 1)];
        assert_eq!(
            with.probability_by_sentence(short),
            model.probability_by_sentence(short),
            "two sentences: no windows"
        );
        let read = LinearModel::from_text(&with.to_text("toy")).expect("reads back");
        assert_eq!(read.windows, 0.5);
    }

    #[test]
    fn rare_features_are_left_out() {
        let training = Training { min_count: 2, naive_bayes_min_count: 2, ..Training::default() };
        let model = LinearModel::train(&toy(), training);
        assert!(!model.weights.contains_key("green"));
        assert!(model.weights.contains_key("alarm"));
    }

    #[test]
    fn features_seen_once_speak_only_to_naive_bayes_and_are_listed_by_sign() {
        let model = LinearModel::train(&toy(), Training { min_count: 2, ..Training::default() });
        let green = &model.weights["green"];
        assert_eq!((green.value, green.idf, green.ratio), (0.0, model.unknown_idf, model.once[1]));
        let text = model.to_text("toy");
        assert!(text.lines().any(|line| line == "-\tgreen"), "{text}");
        let read = LinearModel::from_text(&text).expect("reads back");
        assert_eq!(read.seen_once(&read.weights["green"]), Some('-'));
        assert_eq!(read.to_text("toy"), text);
        let features = ["alarm", "green", "crypto"];
        assert!((read.probability(features) - model.probability(features)).abs() < 1e-3);
        assert!(LinearModel::from_text("bias\t0\nunknown\t1\nmedium\t0.2\nhigh\t0.9\n+\tx").is_err());
    }

    #[test]
    fn a_malformed_weights_file_names_its_line() {
        let error = |text: &str| LinearModel::from_text(text).expect_err("malformed");
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\nx\t1\t0\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\t1\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\t1\tx\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\n0.5\t-1\t0\tfeature").line, 4);
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9\nnaive_bayes\t1.5").line, 4);
        assert_eq!(error("bias\t0\nunknown\t0\nmedium\t0.2\nhigh\t0.9").line, 2);
        assert_eq!(
            error("bias\t0\nunknown\t1\nmedium\t0.2\nhigh\t0.9\nrules_gate\t1.5").line,
            5,
            "a gate is a probability"
        );
        assert_eq!(error("bias\t0\nmedium\t0.2\nhigh\t0.9").line, 0);
        assert_eq!(error("bias 0").line, 1);
        assert_eq!(error("bias\t0\nmedium\t1.5\nhigh\t0.9").line, 2);
        assert_eq!(error("bias\t0\nmedium\t0.9\nhigh\t0.2").line, 0);
        assert_eq!(error("bias\t0").line, 0);
    }
}
