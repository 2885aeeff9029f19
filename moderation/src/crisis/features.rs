//! What the learned model reads in a text: its words as the normaliser
//! reads them (so disguised letters and missing apostrophes still share
//! features) and their stems ("planning" and "plans" are "plan"), pairs of
//! stems and pairs one word apart within a clause ("want ... die" in "want
//! to die"), runs of three stems within a clause ("want to die", "ask for a
//! friend", "used to cut"), the words a negation governs, the crisis rules that matched,
//! and clause signals. (Letter groups were tried and left out: in
//! cross-validation they lowered recall at a 5% false-alarm rate.)
//!
//! A clause signal is a kind of word from the `[signals]` lexicon of the
//! language's rules (the author speaking of themselves, intent, means, a
//! time, finality, a preparatory act, a self-harm act, and safe contexts
//! such as a third person or the past). Signals found together in one
//! clause or sentence become a feature of their own ("self&means&time"), so
//! the model weighs their composition rather than any single word. A signal
//! of a word a negation governs ("not" ... "die") is a negated signal of its
//! own instead, and composes with nothing.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};

use super::CrisisError;
use super::model::Piece;
use crate::normalise::{NormalisedText, Word};

/// The pieces features are made of besides words, signal names and rule ids.
const RULE: Piece<'static> = Piece::new("r:");
const WORD: Piece<'static> = Piece::new("w:");
const PAIR: Piece<'static> = Piece::new("b:");
const PAIR_APART: Piece<'static> = Piece::new("g:");
const NEGATED: Piece<'static> = Piece::new("n:");
const QUOTED: Piece<'static> = Piece::new("quoted");
const NEGATED_SIGNAL: Piece<'static> = Piece::new("ns:");
const CLAUSE: Piece<'static> = Piece::new("s:");
const SENTENCE: Piece<'static> = Piece::new("t:");
const SPACE: Piece<'static> = Piece::new(" ");
const AND: Piece<'static> = Piece::new("&");
const STEM: Piece<'static> = Piece::new("st:");
const TRIPLE: Piece<'static> = Piece::new("c:");

/// A word without its commonest English endings, so "planning", "planned"
/// and "plans" share a feature (a crude stemmer: the features need words
/// that share an ending read alike, not dictionary forms). A doubled letter
/// left at the end is halved ("plann" is "plan"), except "l", "s" and "z"
/// ("killing" is "kill").
fn stem(word: &str) -> &str {
    for ending in ["ing", "ed", "es", "s", "ly", "y", "e"] {
        if let Some(stem) = word.strip_suffix(ending).filter(|stem| stem.len() >= 3) {
            let doubled = match stem.as_bytes() {
                [.., a, b] => a == b && b.is_ascii_alphabetic() && !matches!(b, b'l' | b's' | b'z'),
                _ => false,
            };
            return if doubled { &stem[..stem.len() - 1] } else { stem };
        }
    }
    word
}

/// How many words after a negation it governs, within its clause.
const NEGATION_REACH: usize = 3;

/// The most signals a lexicon may name: a set of them is the bits of a `u64`,
/// so reading a long post allocates no set per word.
const MOST_SIGNALS: usize = 64;

/// The `[signals]` lexicon of a language: signal names, and the words (or
/// word beginnings, written with a trailing `*`) of each.
#[derive(Debug, Default)]
pub(crate) struct Signals {
    names: Vec<String>,
    words: HashMap<String, Vec<usize>>,
    /// Word beginnings by their first character, so a word is compared only
    /// with the few that could begin it.
    beginnings: HashMap<char, Vec<(String, usize)>>,
}

impl Signals {
    pub(crate) fn from_table(table: &BTreeMap<String, Vec<String>>) -> Result<Signals, CrisisError> {
        if table.len() > MOST_SIGNALS {
            return Err(CrisisError::Parse { message: format!("at most {MOST_SIGNALS} signals may be named") });
        }
        let mut signals = Signals::default();
        for (index, (name, entries)) in table.iter().enumerate() {
            signals.names.push(name.clone());
            for entry in entries {
                let (word, beginning) = match entry.strip_suffix('*') {
                    Some(stem) => (stem, true),
                    None => (entry.as_str(), false),
                };
                let normalised = NormalisedText::new(word);
                let [found] = normalised.words() else {
                    return Err(CrisisError::NotOneWord { list: "signals", entry: entry.clone() });
                };
                let reading = found.readings()[0].clone();
                if beginning {
                    let first = reading.chars().next().unwrap_or_default();
                    signals.beginnings.entry(first).or_default().push((reading, index));
                } else {
                    signals.words.entry(reading).or_default().push(index);
                }
            }
        }
        Ok(signals)
    }

    /// The signals of a word's reading, as bits by signal index.
    fn of(&self, reading: &str) -> u64 {
        let mut found = 0;
        if let Some(indices) = self.words.get(reading) {
            found |= indices.iter().fold(0, |bits, index| bits | 1 << index);
        }
        let first = reading.chars().next().unwrap_or_default();
        for (beginning, index) in self.beginnings.get(&first).into_iter().flatten() {
            if reading.starts_with(beginning.as_str()) {
                found |= 1 << index;
            }
        }
        found
    }
}

/// A feature's place for [`each_feature`] when it is of the whole text (a
/// rule that matched), not of one sentence.
pub(crate) const WHOLE_TEXT: usize = usize::MAX;

/// Calls `emit` once for each feature of `text` (a feature may come more
/// than once), as the pieces it is made of, with the sentence it is in
/// ([`WHOLE_TEXT`] for a rule): the feature is the pieces run together, and
/// is never built when the caller needs only its key. `rules` are the ids
/// of the crisis patterns that matched.
pub(crate) fn each_feature(
    text: &NormalisedText,
    signals: &Signals,
    negations: &HashSet<String>,
    rules: &[String],
    mut emit: impl FnMut(&[Piece<'_>], usize),
) {
    let sentence = std::cell::Cell::new(WHOLE_TEXT);
    let mut feature = |pieces: &[Piece<'_>]| emit(pieces, sentence.get());
    for rule in rules {
        feature(&[RULE, Piece::new(rule)]);
    }
    let words = text.words();
    let mut negated_until = None;
    let mut clause_signals = 0;
    let mut sentence_signals = 0;
    // The pieces of the two words before this one.
    let (mut before, mut previous) = (Piece::new(""), Piece::new(""));
    for (position, word) in words.iter().enumerate() {
        sentence.set(word.sentence);
        let exact = Piece::new(primary(word));
        feature(&[WORD, exact]);
        let reading = Piece::new(stem(primary(word)));
        feature(&[STEM, reading]);
        if position.checked_sub(1).is_some_and(|p| words[p].sentence == word.sentence) {
            feature(&[PAIR, previous, SPACE, reading]);
        }
        if position.checked_sub(2).is_some_and(|p| words[p].clause == word.clause) {
            feature(&[PAIR_APART, before, SPACE, reading]);
            feature(&[TRIPLE, before, SPACE, previous, SPACE, reading]);
        }
        (before, previous) = (previous, reading);
        let negated = negated_until.is_some_and(|(clause, until)| clause == word.clause && position <= until);
        if negated {
            feature(&[NEGATED, exact]);
        }
        if word.readings().iter().any(|reading| negations.contains(reading)) {
            negated_until = Some((word.clause, position + NEGATION_REACH));
        }
        if word.quoted {
            feature(&[QUOTED]);
        }
        let mut found = word.readings().iter().fold(0, |bits, reading| bits | signals.of(reading));
        if negated && found != 0 {
            for index in bits(found) {
                feature(&[NEGATED_SIGNAL, Piece::new(&signals.names[index as usize])]);
            }
            found = 0;
        }
        clause_signals |= found;
        sentence_signals |= found;
        let next = words.get(position + 1);
        if next.is_none_or(|next| next.clause != word.clause) {
            compose(signals, clause_signals, CLAUSE, &mut feature);
            clause_signals = 0;
        }
        if next.is_none_or(|next| next.sentence != word.sentence) {
            compose(signals, sentence_signals, SENTENCE, &mut feature);
            sentence_signals = 0;
        }
    }
}

/// The features of signals found together: each alone, and each pair.
/// `scope` is [`CLAUSE`] or [`SENTENCE`].
fn compose(signals: &Signals, found: u64, scope: Piece<'_>, feature: &mut impl FnMut(&[Piece<'_>])) {
    let name = |index: u32| Piece::new(&signals.names[index as usize]);
    for first in bits(found) {
        feature(&[scope, name(first)]);
        for second in bits(found & !(u64::MAX >> (63 - first))) {
            feature(&[scope, name(first), AND, name(second)]);
        }
    }
}

/// The indices of the bits set in `set`, lowest first.
fn bits(mut set: u64) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        let index = set.trailing_zeros();
        set &= set.wrapping_sub(1);
        (index < 64).then_some(index)
    })
}

fn primary(word: &Word) -> &str {
    word.readings().first().map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features_of(text: &str) -> Vec<String> {
        let table: BTreeMap<String, Vec<String>> = [
            ("self".to_owned(), vec!["i".to_owned(), "my".to_owned()]),
            ("means".to_owned(), vec!["tablet*".to_owned()]),
            ("time".to_owned(), vec!["tonight".to_owned()]),
        ]
        .into();
        let signals = Signals::from_table(&table).expect("valid lexicon");
        let negations: HashSet<String> = ["not".to_owned()].into_iter().collect();
        let mut features = Vec::new();
        each_feature(&NormalisedText::new(text), &signals, &negations, &["a_rule".to_owned()], |feature, _| {
            features.push(feature.iter().map(Piece::text).collect());
        });
        features
    }

    #[test]
    fn words_pairs_signals_and_rules_are_features() {
        let features = features_of("Saved my TABLETS");
        for expected in
            ["r:a_rule", "w:saved", "st:sav", "b:sav my", "b:my tablet", "g:sav tablet", "s:self", "s:means&self"]
        {
            assert!(features.iter().any(|f| f == expected), "{expected} missing from {features:?}");
        }
    }

    #[test]
    fn runs_of_three_stems_stay_within_a_clause() {
        let features = features_of("i want to die");
        assert!(features.iter().any(|f| f == "c:i want to"), "{features:?}");
        assert!(features.iter().any(|f| f == "c:want to die"), "{features:?}");
        assert!(!features_of("i want, to die").iter().any(|f| f.starts_with("c:")));
    }

    #[test]
    fn inflections_share_a_stem() {
        for (words, stem) in [
            (["planning", "planned", "plans"], "plan"),
            (["killing", "kills", "killed"], "kill"),
            (["tablets", "tablet", "tablets"], "tablet"),
        ] {
            assert!(words.iter().all(|word| super::stem(word) == stem), "{words:?}");
        }
        assert_eq!(super::stem("me"), "me");
    }

    #[test]
    fn signals_together_in_a_clause_compose() {
        let features = features_of("my tablets tonight");
        assert!(features.iter().any(|f| f == "s:means&self"), "{features:?}");
        assert!(features.iter().any(|f| f == "s:means&time"), "{features:?}");
        let split = features_of("my tablets, tonight");
        assert!(!split.iter().any(|f| f == "s:means&time"), "a comma ends the clause: {split:?}");
        assert!(split.iter().any(|f| f == "t:means&time"), "but not the sentence: {split:?}");
    }

    #[test]
    fn pairs_one_word_apart_stay_within_a_clause() {
        assert!(features_of("my tablets tonight").iter().any(|f| f == "g:my tonight"));
        assert!(!features_of("my tablets, tonight").iter().any(|f| f == "g:my tonight"));
    }

    #[test]
    fn a_negated_signal_is_its_own_feature_and_composes_with_nothing() {
        let features = features_of("i will not take any tablets tonight");
        assert!(features.iter().any(|f| f == "ns:means"), "{features:?}");
        assert!(!features.iter().any(|f| f.contains("means&")), "{features:?}");
        assert!(features.iter().any(|f| f == "s:self&time"), "{features:?}");
    }

    #[test]
    fn a_negation_marks_the_words_it_governs_in_its_clause() {
        let features = features_of("not going to do it, honestly");
        assert!(features.iter().any(|f| f == "n:going"));
        assert!(features.iter().any(|f| f == "n:do"));
        assert!(!features.iter().any(|f| f == "n:honestly"));
    }

    #[test]
    fn a_lexicon_of_more_signals_than_a_set_holds_is_refused() {
        // Signal i is named "s00".."s63" (so names sort as numbers) and has the word "aa".."cl".
        let lexicon = |count: u8| -> BTreeMap<String, Vec<String>> {
            (0..count)
                .map(|i| {
                    (format!("s{i:02}"), vec![format!("{}{}", char::from(b'a' + i / 26), char::from(b'a' + i % 26))])
                })
                .collect()
        };
        let signals = Signals::from_table(&lexicon(64)).expect("64 signals fit");
        assert_eq!(signals.of("cl"), 1 << 63);
        assert!(matches!(Signals::from_table(&lexicon(65)), Err(CrisisError::Parse { .. })));
    }

    #[test]
    fn a_lexicon_entry_of_two_words_is_refused() {
        let table: BTreeMap<String, Vec<String>> = [("x".to_owned(), vec!["two words".to_owned()])].into();
        assert!(matches!(Signals::from_table(&table), Err(CrisisError::NotOneWord { .. })));
    }
}
