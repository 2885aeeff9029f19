//! Crisis screening: does a text suggest its writer is at risk of suicide
//! or self-harm?
//!
//! A match shows the author helpline information at once and puts an urgent
//! item in front of the safeguarding leads, so the screen leans towards
//! catching. Two opinions are combined:
//! - phrase rules in `rules/crisis/<language>.toml`, with a few checks
//!   around each match (negation, who the sentence is about, safe contexts
//!   such as news or clinical teaching, talk of the past), all described in
//!   that file: explainable, and sure of what they name;
//! - a learned model (`model.rs`) over the text's words, word pairs, runs
//!   of three words, negated words and clause signals (`features.rs`), trained on the
//!   development corpus in `corpus/crisis/`, which generalises to wordings
//!   no rule lists.
//!
//! A rule match is a feature of the model too, so the model learns how far
//! to trust each rule. A high rule match raises a text to high risk on its
//! own unless the model gives the text less than its `rules_gate` (0.3, a
//! line of the weights file): in cross-validation by writer (branch tune12)
//! the high rules' false alarms fell from 0.7% to 0.3% of safe texts while
//! the rules alone still catch 7.5% of risk texts (to one decimal), and the
//! screen's false alarms at 95% recall from 9.7% to 9.3%. Every result names the patterns that matched, and `learned_model`
//! when the model's score raised the level.

mod features;
pub mod model;

use std::collections::BTreeMap;

use foldhash::{HashSet, HashSetExt};
use std::fmt;

use serde::{Deserialize, Serialize};

use self::features::Signals;
use self::model::LinearModel;
use crate::normalise::{NormalisedText, Word};
use crate::phrase::{Phrase, PhraseSet};

/// How many words before a match are read for negation and for who it is about.
const WORDS_BEFORE: usize = 3;

/// The pattern id reported when the learned model raised a text's level.
pub const LEARNED_MODEL: &str = "learned_model";

/// The crisis rules and learned model shipped with the crate, by language.
const SHIPPED: [(&str, &str, &str); 1] =
    [("en", include_str!("../../rules/crisis/en.toml"), include_str!("../../rules/crisis/en.model.tsv"))];

/// How urgent a match is, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// Worth a moderator's look: indirect or ambiguous language, someone else
    /// at risk, quoted words, or a past crisis.
    Medium,
    /// Language of present intent, plans or self-harm.
    High,
}

/// What screening found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ScreeningOutcome {
    /// The highest risk among the matches; `None` when nothing matched.
    pub risk: Option<RiskLevel>,
    /// The ids of the patterns that matched, in the order first found.
    pub matched: Vec<String>,
}

/// Why crisis rules could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrisisError {
    UnknownLanguage { language: String },
    Parse { message: String },
    InvalidId { id: String },
    DuplicateId { id: String },
    NoPhrases { id: String },
    InvalidPhrase { id: String, phrase: String, reason: String },
    NotOneWord { list: &'static str, entry: String },
    Model { message: String },
}

impl fmt::Display for CrisisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrisisError::UnknownLanguage { language } => {
                write!(f, "There are no crisis rules for language {language:?}.")
            }
            CrisisError::Parse { message } => {
                write!(f, "The crisis rules are not valid TOML of the right shape: {message}")
            }
            CrisisError::InvalidId { id } => {
                write!(f, "The crisis pattern id {id:?} must be lowercase letters, digits and underscores.")
            }
            CrisisError::DuplicateId { id } => write!(f, "The crisis pattern id {id:?} is used twice."),
            CrisisError::NoPhrases { id } => write!(f, "The crisis pattern {id:?} has no phrases."),
            CrisisError::InvalidPhrase { id, phrase, reason } => {
                write!(f, "The phrase {phrase:?} of crisis pattern {id:?} is invalid: {reason}.")
            }
            CrisisError::NotOneWord { list, entry } => write!(f, "{entry:?} in `{list}` must be a single word."),
            CrisisError::Model { message } => write!(f, "The crisis model's weights file is invalid: {message}."),
        }
    }
}

impl std::error::Error for CrisisError {}

/// Crisis rules for one language, compiled for screening.
#[derive(Debug)]
pub struct CrisisScreen {
    language: String,
    patterns: Vec<Pattern>,
    /// Every phrase of the rules, found in one pass; `roles[i]` says what
    /// phrase `i` is for.
    phrases: PhraseSet,
    roles: Vec<Role>,
    negations: HashSet<String>,
    clause_words: HashSet<String>,
    writer: HashSet<String>,
    reader: HashSet<String>,
    others: HashSet<String>,
    signals: Signals,
    model: Option<LinearModel>,
}

#[derive(Debug, Clone, Copy)]
enum Role {
    /// A phrase of pattern number `0`.
    Risk(usize),
    /// An `except` phrase of pattern number `0`.
    Exception(usize),
    SafeContext,
    RecoveryContext,
}

#[derive(Debug)]
struct Pattern {
    id: String,
    risk: RiskLevel,
    speaker: Speaker,
    lowered_in_recovery: bool,
}

/// Whose feelings a match is taken to be about: see `rules/crisis/en.toml`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Speaker {
    #[default]
    Writer,
    NamedWriter,
    SomeoneElse,
    Any,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    language: String,
    negations: Vec<String>,
    clause_words: Vec<String>,
    writer: Vec<String>,
    reader: Vec<String>,
    others: Vec<String>,
    safe_contexts: Vec<String>,
    recovery_contexts: Vec<String>,
    #[serde(default)]
    signals: BTreeMap<String, Vec<String>>,
    patterns: Vec<PatternEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternEntry {
    id: String,
    risk: RiskLevel,
    #[serde(default)]
    speaker: Speaker,
    #[serde(default = "lowered_in_recovery_by_default")]
    lowered_in_recovery: bool,
    phrases: Vec<String>,
    #[serde(default)]
    except: Vec<String>,
}

fn lowered_in_recovery_by_default() -> bool {
    true
}

impl CrisisScreen {
    /// The shipped rules for a language, such as "en"; a tag with a region,
    /// such as "en-GB", uses its language's rules.
    ///
    /// # Errors
    ///
    /// [`CrisisError::UnknownLanguage`] when none are shipped for it.
    pub fn shipped(language: &str) -> Result<CrisisScreen, CrisisError> {
        let (rules, model) = shipped_sources(language)?;
        let model = LinearModel::for_scoring_from_text(model)
            .map_err(|error| CrisisError::Model { message: error.to_string() })?;
        Ok(CrisisScreen::from_toml(rules)?.with_model(model))
    }

    /// The shipped rules for a language without their learned model: what
    /// a model for them is trained on top of.
    ///
    /// # Errors
    ///
    /// As [`CrisisScreen::shipped`].
    pub fn shipped_rules(language: &str) -> Result<CrisisScreen, CrisisError> {
        CrisisScreen::from_toml(shipped_sources(language)?.0)
    }

    /// These rules with a learned model as their second opinion.
    pub fn with_model(mut self, model: LinearModel) -> CrisisScreen {
        self.model = Some(model);
        self
    }

    /// What the learned model reads in a text: what a model for these
    /// rules is trained on ([`LinearModel::train`]).
    pub fn features(&self, text: &str) -> Vec<String> {
        self.features_by_sentence(text).into_iter().map(|(feature, _)| feature).collect()
    }

    /// What the learned model reads in a text, each feature with the
    /// sentence it is in (counted from 0; `usize::MAX` for a rule that
    /// matched, which is of the whole text): what a model's windows of
    /// sentences are scored by ([`LinearModel::probability_by_sentence`]).
    pub fn features_by_sentence(&self, text: &str) -> Vec<(String, usize)> {
        let normalised = NormalisedText::new(text);
        let rules = self.screen_by_rules(&normalised).matched;
        let mut found = Vec::new();
        features::each_feature(&normalised, &self.signals, &self.negations, &rules, |feature, sentence| {
            found.push((feature.iter().map(|piece| piece.text()).collect(), sentence));
        });
        found
    }

    /// The learned model's probability that a text is at risk, when there is a model.
    pub fn model_probability(&self, text: &str) -> Option<f64> {
        let normalised = NormalisedText::new(text);
        let rules = self.screen_by_rules(&normalised);
        self.model.as_ref().map(|model| self.probability(model, &normalised, &rules))
    }

    /// Reads crisis rules of the shape of `rules/crisis/en.toml`, such as an
    /// administrator's own or a new language's.
    ///
    /// # Errors
    ///
    /// A [`CrisisError`] when the source is not TOML of that shape, a pattern
    /// id is invalid or repeated, a pattern has no phrases or an invalid one,
    /// or an entry of a word list is not a single word.
    pub fn from_toml(source: &str) -> Result<CrisisScreen, CrisisError> {
        let file: File = toml::from_str(source).map_err(|error| CrisisError::Parse { message: error.to_string() })?;
        let mut patterns = Vec::new();
        let mut phrases = Vec::new();
        let mut roles = Vec::new();
        let mut add = |id: &str, sources: &[String], role: Role| -> Result<(), CrisisError> {
            for source in sources {
                phrases.push(compile(id, source)?);
                roles.push(role);
            }
            Ok(())
        };
        add("(safe_contexts)", &file.safe_contexts, Role::SafeContext)?;
        add("(recovery_contexts)", &file.recovery_contexts, Role::RecoveryContext)?;
        for (index, entry) in file.patterns.into_iter().enumerate() {
            check_id(&entry.id, &patterns)?;
            if entry.phrases.is_empty() {
                return Err(CrisisError::NoPhrases { id: entry.id });
            }
            add(&entry.id, &entry.phrases, Role::Risk(index))?;
            add(&entry.id, &entry.except, Role::Exception(index))?;
            patterns.push(Pattern {
                id: entry.id,
                risk: entry.risk,
                speaker: entry.speaker,
                lowered_in_recovery: entry.lowered_in_recovery,
            });
        }
        Ok(CrisisScreen {
            language: file.language,
            patterns,
            phrases: PhraseSet::new(phrases),
            roles,
            negations: word_list("negations", &file.negations)?,
            clause_words: word_list("clause_words", &file.clause_words)?,
            writer: word_list("writer", &file.writer)?,
            reader: word_list("reader", &file.reader)?,
            others: word_list("others", &file.others)?,
            signals: Signals::from_table(&file.signals)?,
            model: None,
        })
    }

    /// The language these rules are for, as their file names it.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// Screens a text for crisis language.
    pub fn screen(&self, text: &str) -> ScreeningOutcome {
        self.screen_normalised(&NormalisedText::new(text))
    }

    pub(crate) fn screen_normalised(&self, text: &NormalisedText) -> ScreeningOutcome {
        let mut outcome = self.screen_by_rules(text);
        let Some(model) = &self.model else {
            return outcome;
        };
        let probability = self.probability(model, text, &outcome);
        let learned = if probability >= model.high {
            Some(RiskLevel::High)
        } else if probability >= model.medium {
            Some(RiskLevel::Medium)
        } else {
            None
        };
        // A high rule match stands on its own unless the model is all but
        // sure the text is safe (below its `rules_gate`); a medium one
        // (someone else, the past, quoted words) is only a feature, which
        // the model weighs.
        let by_rules = outcome.risk.filter(|risk| *risk == RiskLevel::High && probability >= model.rules_gate);
        outcome.risk = by_rules.max(learned);
        if learned > by_rules {
            outcome.matched.push(LEARNED_MODEL.to_owned());
        }
        if outcome.risk.is_none() {
            outcome.matched.clear();
        }
        outcome
    }

    fn probability(&self, model: &LinearModel, text: &NormalisedText, rules: &ScreeningOutcome) -> f64 {
        // About five features a word: its own, its stem, its pairs, its run of three.
        let mut score = model.score(5 * text.words().len());
        features::each_feature(text, &self.signals, &self.negations, &rules.matched, |feature, sentence| {
            score.add(feature, sentence);
        });
        score.probability()
    }

    /// What the phrase rules alone find.
    fn screen_by_rules(&self, text: &NormalisedText) -> ScreeningOutcome {
        let words = text.words();
        let mut risks = Vec::new();
        let mut safe_sentences = HashSet::new();
        let mut recovery_sentences = HashSet::new();
        let mut excepted = HashSet::new();
        for found in self.phrases.find(text) {
            let sentence = words[found.words.start].sentence;
            match self.roles[found.phrase] {
                Role::Risk(pattern) => risks.push((pattern, found.words)),
                Role::Exception(pattern) => {
                    excepted.insert((pattern, sentence));
                }
                Role::SafeContext => {
                    safe_sentences.insert(sentence);
                }
                Role::RecoveryContext => {
                    recovery_sentences.insert(sentence);
                }
            }
        }
        let mut outcome = ScreeningOutcome::default();
        for (index, matched) in risks {
            let pattern = &self.patterns[index];
            let sentence = words[matched.start].sentence;
            if safe_sentences.contains(&sentence) || excepted.contains(&(index, sentence)) {
                continue;
            }
            let before = self.words_before(words, matched.start);
            if before.iter().any(|word| is_in(word, &self.negations))
                || !self.is_about_the_right_person(pattern, &before)
            {
                continue;
            }
            let quoted = words[matched].iter().any(|word| word.quoted);
            let recovering = pattern.lowered_in_recovery && recovery_sentences.contains(&sentence);
            let risk = if quoted || recovering { RiskLevel::Medium } else { pattern.risk };
            outcome.risk = outcome.risk.max(Some(risk));
            if !outcome.matched.contains(&pattern.id) {
                outcome.matched.push(pattern.id.clone());
            }
        }
        outcome
    }

    /// Up to [`WORDS_BEFORE`] words before word `start`, nearest first, in its
    /// clause, stopping at a word that starts a clause ("and", "but").
    fn words_before<'a>(&self, words: &'a [Word], start: usize) -> Vec<&'a Word> {
        let clause = words[start].clause;
        let mut before = Vec::new();
        for word in words[..start].iter().rev().take(WORDS_BEFORE) {
            if word.clause != clause || is_in(word, &self.clause_words) {
                break;
            }
            before.push(word);
        }
        before
    }

    fn is_about_the_right_person(&self, pattern: &Pattern, before: &[&Word]) -> bool {
        let nearest_person = before
            .iter()
            .find(|word| is_in(word, &self.writer) || is_in(word, &self.reader) || is_in(word, &self.others));
        match pattern.speaker {
            Speaker::Any => true,
            Speaker::Writer => nearest_person.is_none_or(|word| is_in(word, &self.writer)),
            Speaker::NamedWriter => nearest_person.is_some_and(|word| is_in(word, &self.writer)),
            Speaker::SomeoneElse => nearest_person.is_some_and(|word| is_in(word, &self.others)),
        }
    }
}

/// The shipped rules and model weights of a language ("en-GB" is "en").
fn shipped_sources(language: &str) -> Result<(&'static str, &'static str), CrisisError> {
    let primary = language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    SHIPPED
        .iter()
        .find(|(shipped, ..)| *shipped == primary)
        .map(|(_, rules, model)| (*rules, *model))
        .ok_or_else(|| CrisisError::UnknownLanguage { language: language.to_owned() })
}

fn is_in(word: &Word, list: &HashSet<String>) -> bool {
    word.readings().iter().any(|reading| list.contains(reading))
}

fn check_id(id: &str, earlier: &[Pattern]) -> Result<(), CrisisError> {
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(CrisisError::InvalidId { id: id.to_owned() });
    }
    if earlier.iter().any(|pattern| pattern.id == id) {
        return Err(CrisisError::DuplicateId { id: id.to_owned() });
    }
    Ok(())
}

fn compile(id: &str, source: &str) -> Result<Phrase, CrisisError> {
    Phrase::pattern(source).map_err(|error| CrisisError::InvalidPhrase {
        id: id.to_owned(),
        phrase: source.to_owned(),
        reason: error.to_string(),
    })
}

fn word_list(list: &'static str, entries: &[String]) -> Result<HashSet<String>, CrisisError> {
    let mut readings = HashSet::new();
    for entry in entries {
        let normalised = NormalisedText::new(entry);
        let [word] = normalised.words() else {
            return Err(CrisisError::NotOneWord { list, entry: entry.clone() });
        };
        readings.extend(word.readings().iter().cloned());
    }
    Ok(readings)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules alone: these tests are about what the rules say.
    fn screen(text: &str) -> ScreeningOutcome {
        CrisisScreen::shipped_rules("en").expect("the English rules load").screen(text)
    }

    fn risk(text: &str) -> Option<RiskLevel> {
        screen(text).risk
    }

    const MINIMAL: &str = r#"
language = "xx"
negations = ["not"]
clause_words = ["and"]
writer = ["i"]
reader = ["you"]
others = ["she"]
safe_contexts = ["the news"]
recovery_contexts = ["years ago"]

[[patterns]]
id = "want_to_die"
risk = "high"
phrases = ["want to die"]
"#;

    #[test]
    fn every_shipped_language_loads_and_names_itself() {
        for (language, ..) in SHIPPED {
            assert_eq!(CrisisScreen::shipped(language).expect("shipped rules load").language(), language);
        }
    }

    #[test]
    fn a_high_rule_match_stands_on_its_own_only_above_the_models_gate() {
        let shipped = CrisisScreen::shipped("en").expect("English rules");
        let model = shipped.model.clone().expect("a shipped model");
        assert!(model.rules_gate > 0.0 && model.rules_gate < model.medium, "{}", model.rules_gate);
        let text = "I want to kill myself";
        let probability = shipped.model_probability(text).expect("a model");
        let with_gate = |gate: f64| {
            let rules = CrisisScreen::shipped_rules("en").expect("English rules");
            rules.with_model(model.clone().with_thresholds(1.0, 1.0).with_rules_gate(gate)).screen(text).risk
        };
        // With thresholds no text reaches, only the rule can flag the text.
        assert_eq!(with_gate(0.0), Some(RiskLevel::High));
        assert_eq!(with_gate(probability), Some(RiskLevel::High));
        assert_eq!(with_gate((probability + 1.0) / 2.0), None, "below the gate the rule does not stand alone");
        assert_eq!(shipped.screen(text).risk, Some(RiskLevel::High));
    }

    #[test]
    fn the_model_scores_a_text_exactly_as_it_scores_the_features_it_is_trained_on() {
        let screen = CrisisScreen::shipped("en").expect("English rules");
        let model = screen.model.as_ref().expect("a shipped model");
        for text in [
            "I've been saving my tablets for tonight, said goodbye to my sister",
            "Not going to do it, honestly. My nan's garden needs weeding",
            "k i l l myself \"I W4NT T0 D1E\" spaaaam",
        ] {
            let features = screen.features_by_sentence(text);
            let by_sentence = features.iter().map(|(feature, sentence)| (feature.as_str(), *sentence));
            assert_eq!(screen.model_probability(text), Some(model.probability_by_sentence(by_sentence)));
        }
    }

    #[test]
    fn a_regional_tag_uses_its_languages_rules() {
        assert_eq!(CrisisScreen::shipped("en-GB").expect("English rules").language(), "en");
    }

    #[test]
    fn an_unknown_language_is_an_error() {
        let error = CrisisScreen::shipped("tlh").map(|_| ()).expect_err("no Klingon rules");
        assert_eq!(error, CrisisError::UnknownLanguage { language: "tlh".to_owned() });
        assert!(CrisisScreen::shipped("").is_err());
    }

    #[test]
    fn the_lists_of_people_do_not_overlap() {
        let screen = CrisisScreen::shipped("en").expect("English rules");
        assert!(screen.writer.is_disjoint(&screen.reader));
        assert!(screen.writer.is_disjoint(&screen.others));
        assert!(screen.reader.is_disjoint(&screen.others));
    }

    #[test]
    fn a_direct_statement_is_high_risk_and_names_its_pattern() {
        assert_eq!(
            screen("I want to die."),
            ScreeningOutcome { risk: Some(RiskLevel::High), matched: vec!["want_to_die".to_owned()] }
        );
    }

    #[test]
    fn several_patterns_are_reported_once_each_in_order() {
        let outcome = screen("I can't do this anymore. I want to die, I really want to die.");
        assert_eq!(outcome.matched, ["cant_go_on", "want_to_die"]);
        assert_eq!(outcome.risk, Some(RiskLevel::High));
    }

    #[test]
    fn a_negated_statement_does_not_count() {
        assert_eq!(risk("I don't want to die"), None);
        assert_eq!(risk("I'm not going to kill myself, don't worry"), None);
    }

    #[test]
    fn negation_does_not_reach_across_a_clause() {
        assert_eq!(risk("I'm not ok. I want to die"), Some(RiskLevel::High));
        assert_eq!(risk("I have no friends and want to die"), Some(RiskLevel::High));
    }

    #[test]
    fn words_about_the_reader_or_someone_else_do_not_count_as_the_writers() {
        assert_eq!(risk("Do you ever feel like you want to die?"), None);
        assert_eq!(screen("My son says he wants to end it all").matched, Vec::<String>::new());
        assert_eq!(risk("You know, I want to die"), Some(RiskLevel::High));
    }

    #[test]
    fn someone_else_at_risk_is_medium() {
        assert_eq!(screen("My son says he wants to die").matched, ["someone_else_at_risk"]);
        assert_eq!(risk("My son says he wants to die"), Some(RiskLevel::Medium));
    }

    #[test]
    fn a_safe_context_in_the_sentence_rules_a_match_out() {
        assert_eq!(risk("Patients often say 'I want to die' and we ask directly about plans."), None);
        assert_eq!(risk("Patients often say it. I want to die."), Some(RiskLevel::High));
    }

    #[test]
    fn talk_of_the_past_lowers_a_high_match_to_medium() {
        assert_eq!(risk("Years ago I tried to kill myself."), Some(RiskLevel::Medium));
    }

    #[test]
    fn a_relapse_is_not_lowered_by_talk_of_the_past() {
        assert_eq!(risk("I used to self harm and now I've started cutting again"), Some(RiskLevel::High));
    }

    #[test]
    fn quoted_words_are_medium() {
        assert_eq!(risk("She texted me \"I want to end it all\""), Some(RiskLevel::Medium));
        assert_eq!(risk("> I want to end it all\n\nSending you love."), Some(RiskLevel::Medium));
    }

    #[test]
    fn an_exception_applies_only_to_its_own_pattern() {
        assert_eq!(risk("I wanted to die of embarrassment"), None);
        assert_eq!(risk("I'm cutting again, I wanted to die of embarrassment"), Some(RiskLevel::High));
    }

    #[test]
    fn disguised_spellings_are_screened_too() {
        assert_eq!(risk("I W4NT T0 D1E"), Some(RiskLevel::High));
        assert_eq!(risk("k m s"), Some(RiskLevel::Medium));
    }

    #[test]
    fn rules_for_another_language_can_be_loaded() {
        let screen = CrisisScreen::from_toml(MINIMAL).expect("valid rules");
        assert_eq!(screen.language(), "xx");
        assert_eq!(screen.screen("I want to die").risk, Some(RiskLevel::High));
        assert_eq!(screen.screen("you want to die").risk, None);
        assert_eq!(screen.screen("Years ago I want to die").risk, Some(RiskLevel::Medium));
    }

    #[test]
    fn invalid_rules_are_refused() {
        let with_pattern = |pattern: &str| format!("{MINIMAL}\n[[patterns]]\n{pattern}\n");
        let cases = [
            ("id = \"Bad-Id\"\nrisk = \"high\"\nphrases = [\"x\"]", CrisisError::InvalidId { id: "Bad-Id".into() }),
            (
                "id = \"want_to_die\"\nrisk = \"high\"\nphrases = [\"x\"]",
                CrisisError::DuplicateId { id: "want_to_die".into() },
            ),
            ("id = \"empty\"\nrisk = \"high\"\nphrases = []", CrisisError::NoPhrases { id: "empty".into() }),
            (
                "id = \"gap\"\nrisk = \"high\"\nphrases = [\"... die\"]",
                CrisisError::InvalidPhrase {
                    id: "gap".into(),
                    phrase: "... die".into(),
                    reason: "it must start with a word that is not optional, or <number>".into(),
                },
            ),
        ];
        for (pattern, error) in cases {
            assert_eq!(CrisisScreen::from_toml(&with_pattern(pattern)).map(|_| ()), Err(error));
        }
        let unknown_risk = with_pattern("id = \"x\"\nrisk = \"extreme\"\nphrases = [\"x\"]");
        assert!(matches!(CrisisScreen::from_toml(&unknown_risk), Err(CrisisError::Parse { .. })));
        let two_words = MINIMAL.replace("negations = [\"not\"]", "negations = [\"not at all\"]");
        assert_eq!(
            CrisisScreen::from_toml(&two_words).map(|_| ()),
            Err(CrisisError::NotOneWord { list: "negations", entry: "not at all".into() })
        );
    }
}
