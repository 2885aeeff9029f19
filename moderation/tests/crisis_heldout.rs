//! Crisis screening (rules and learned model together) against the corpus
//! written blind to it (`corpus/crisis/`). The held-out part was never read
//! while training or tuning, so its figures are the ones to report; the
//! development part's are printed beside them. Run with `--nocapture` to
//! see the table.

use std::collections::BTreeMap;

use moderation::{CrisisScreen, RiskLevel};
use serde::Deserialize;

#[derive(Deserialize)]
struct Post {
    text: String,
    label: String,
    kind: String,
    level: String,
    source: String,
}

fn corpus(part: &str) -> Vec<Post> {
    let path = format!("{}/corpus/crisis/en/{part}.jsonl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {path}: {error}"))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("{path}: {error}: {line}")))
        .collect()
}

/// Counts one post of a writer's batch, and whether the screen flagged it.
fn count_in(batches: &mut BTreeMap<String, (usize, usize)>, source: &str, flagged: bool) {
    let batch = batches.entry(source.to_owned()).or_default();
    *batch = (batch.0 + usize::from(flagged), batch.1 + 1);
}

/// What the shipped screen made of one part of the corpus.
struct Figures {
    risk: usize,
    caught: usize,
    urgent: usize,
    urgent_high: usize,
    safe: usize,
    false_alarms: usize,
    missed_by_kind: BTreeMap<String, usize>,
    /// Per risk batch (a writer's): (caught, posts).
    caught_by_batch: BTreeMap<String, (usize, usize)>,
    false_alarms_by_batch: BTreeMap<String, (usize, usize)>,
}

impl Figures {
    fn of(posts: &[Post], screen: &CrisisScreen) -> Figures {
        let mut figures = Figures {
            risk: 0,
            caught: 0,
            urgent: 0,
            urgent_high: 0,
            safe: 0,
            false_alarms: 0,
            missed_by_kind: BTreeMap::new(),
            caught_by_batch: BTreeMap::new(),
            false_alarms_by_batch: BTreeMap::new(),
        };
        for post in posts {
            let risk = screen.screen(&post.text).risk;
            if post.label == "risk" {
                figures.risk += 1;
                figures.caught += usize::from(risk.is_some());
                count_in(&mut figures.caught_by_batch, &post.source, risk.is_some());
                if risk.is_none() {
                    *figures.missed_by_kind.entry(post.kind.clone()).or_default() += 1;
                }
                if post.level == "urgent" {
                    figures.urgent += 1;
                    figures.urgent_high += usize::from(risk == Some(RiskLevel::High));
                }
            } else {
                figures.safe += 1;
                figures.false_alarms += usize::from(risk.is_some());
                count_in(&mut figures.false_alarms_by_batch, &post.source, risk.is_some());
            }
        }
        figures
    }

    fn recall(&self) -> f64 {
        100.0 * self.caught as f64 / self.risk as f64
    }

    fn false_alarm_rate(&self) -> f64 {
        100.0 * self.false_alarms as f64 / self.safe as f64
    }

    fn print(&self, part: &str) {
        println!(
            "{part}: signposted {}/{} risk posts ({:.1}%), {}/{} safe posts ({:.1}% false alarms); \
             {}/{} urgent posts screened high",
            self.caught,
            self.risk,
            self.recall(),
            self.false_alarms,
            self.safe,
            self.false_alarm_rate(),
            self.urgent_high,
            self.urgent,
        );
        println!("{part}: missed by kind: {:?}", self.missed_by_kind);
        println!("{part}: caught by risk batch (caught, posts): {:?}", self.caught_by_batch);
        println!("{part}: false alarms by safe batch (alarms, posts): {:?}", self.false_alarms_by_batch);
    }
}

#[test]
fn held_out_posts_are_screened_with_the_recall_and_false_alarms_reported() {
    let screen = CrisisScreen::shipped("en").expect("the English rules and model load");
    let development = Figures::of(&corpus("dev"), &screen);
    let held_out = Figures::of(&corpus("heldout"), &screen);
    development.print("development");
    held_out.print("held out");
    let rules = CrisisScreen::shipped_rules("en").expect("the English rules load");
    Figures::of(&corpus("heldout"), &rules).print("held out, the rules alone");
    assert!(held_out.risk >= 200 && held_out.safe >= 200, "the held-out part is too small");
    // Issue 15's targets. Every part's recall floor is the 95% that the
    // threshold rule aims at (see `TARGET_RECALL` in `train-crisis-model`),
    // and each false-alarm floor sits just over the figure in BENCHMARKS.md,
    // so that a change that loses ground fails here.
    assert!(held_out.recall() >= 95.0, "held-out recall fell to {:.1}%", held_out.recall());
    assert!(held_out.false_alarm_rate() <= 5.0, "held-out false alarms rose to {:.1}%", held_out.false_alarm_rate());
}

#[test]
fn fresh_posts_written_after_the_model_was_frozen_are_screened_with_the_figures_reported() {
    let screen = CrisisScreen::shipped("en").expect("the English rules and model load");
    let fresh = Figures::of(&corpus("fresh"), &screen);
    fresh.print("fresh");
    assert!(fresh.risk >= 200 && fresh.safe >= 200, "the fresh part is too small");
    assert!(fresh.recall() >= 95.0, "fresh recall fell to {:.1}%", fresh.recall());
    assert!(fresh.false_alarm_rate() <= 3.1, "fresh false alarms rose to {:.1}%", fresh.false_alarm_rate());
}

/// The exam (`en/exam.jsonl`): written by a third blind writer while this
/// round's model was tuned, kept outside the repository until the model was
/// frozen, and scored before and after it once each. Nothing may be tuned on it.
#[test]
fn exam_posts_kept_apart_until_the_model_was_frozen_are_screened_with_the_figures_reported() {
    let screen = CrisisScreen::shipped("en").expect("the English rules and model load");
    let exam = Figures::of(&corpus("exam"), &screen);
    exam.print("exam");
    assert!(exam.risk >= 300 && exam.safe >= 300, "the exam is too small");
    assert!(exam.recall() >= 95.0, "exam recall fell to {:.1}%", exam.recall());
    assert!(exam.false_alarm_rate() <= 1.1, "exam false alarms rose to {:.1}%", exam.false_alarm_rate());
}

/// The second exam (`en/exam2.jsonl`): a fourth blind writer (r, session
/// 10), written while that round's model was tuned, never given to whoever
/// tuned it, and scored once with the model before the round (92.3% recall,
/// 8.0% false alarms) and once with the model after it. Nothing may be tuned on it.
#[test]
fn second_exam_posts_from_a_writer_the_tuner_never_saw_are_screened_with_the_figures_reported() {
    let screen = CrisisScreen::shipped("en").expect("the English rules and model load");
    let exam = Figures::of(&corpus("exam2"), &screen);
    exam.print("second exam");
    assert!(exam.risk >= 300 && exam.safe >= 300, "the second exam is too small");
    assert!(exam.recall() >= 95.0, "second exam recall fell to {:.1}%", exam.recall());
    assert!(exam.false_alarm_rate() <= 1.4, "second exam false alarms rose to {:.1}%", exam.false_alarm_rate());
}

/// The third exam (`en/exam3.jsonl`): a fifth blind writer (w), its posts
/// written this session and never given to whoever tuned the model, scored
/// once with the shipped model before the round (91.0% recall, 7.4% false
/// alarms) and once with branch screen11's model at the 95% rule, which was
/// shipped (95.0%, 7.0%); in session 12, once with the model retrained on
/// 24 writers with runs of three stems and the rules gate (96.3%, 5.7%), and
/// once with the same recipe on 28 writers (96.0%, 4.0%; kept whatever it
/// gave, as decided before it was scored); in session 13 with the same
/// recipe on 35 writers (97.0%, 2.7%) and on 43 (96.3%, 2.0%, shipped).
/// One of its 600 posts (a safe one) was word for word a post of the
/// development part and was removed by script, unread, so it has 300 risk
/// posts and 299 safe ones. Nothing may be tuned on it.
#[test]
fn third_exam_posts_from_a_writer_nobody_tuning_ever_saw_are_screened_with_the_figures_reported() {
    let screen = CrisisScreen::shipped("en").expect("the English rules and model load");
    let exam = Figures::of(&corpus("exam3"), &screen);
    exam.print("third exam");
    assert!(exam.risk >= 300 && exam.safe >= 299, "the third exam is too small");
    assert!(exam.recall() >= 95.0, "third exam recall fell to {:.1}%", exam.recall());
    assert!(exam.false_alarm_rate() <= 2.1, "third exam false alarms rose to {:.1}%", exam.false_alarm_rate());
}

#[test]
fn no_judging_part_of_the_corpus_shares_a_post_with_the_development_part() {
    let development: std::collections::HashSet<String> = corpus("dev").into_iter().map(|post| post.text).collect();
    for part in ["heldout", "fresh", "exam", "exam2", "exam3"] {
        let shared = corpus(part).into_iter().filter(|post| development.contains(&post.text)).count();
        assert_eq!(shared, 0, "{part} shares posts with the development part");
    }
}
