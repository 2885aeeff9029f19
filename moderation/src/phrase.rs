//! Phrases found among normalised words: the one matcher behind both word
//! filters and crisis screening, so both see through the same disguises.
//!
//! A phrase matches whole words in order, never part of a word, which keeps
//! every match explainable: a moderator can see which words set it off. A
//! filter term is a phrase of plain words. A crisis pattern may also use:
//!
//! - `a|b|c`: any one of these words;
//! - `word?` or `a|b?`: the word, or nothing;
//! - `...`: up to three other words, within the same sentence;
//! - `<number>`: a number, such as "5";
//! - `<end>`: the end of a clause (a sentence end, comma, semicolon, dash, bracket).

use foldhash::{HashMap, HashMapExt, HashSet};
use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;

use crate::normalise::{NormalisedText, Reading, Word, combinations, skeleton};

/// How many words `...` may skip.
const MAX_GAP: usize = 3;

#[derive(Debug)]
pub(crate) struct Phrase {
    slots: Vec<Slot>,
}

#[derive(Debug)]
enum Slot {
    Word { readings: Vec<String>, optional: bool },
    Gap,
    Number,
    End,
}

/// Why a crisis pattern could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    NoWords,
    StartsWithoutAWord,
    GapAtAnEdge,
    EndBeforeTheEnd,
    NotOneWord { alternative: String },
    OptionalGroupOfWords { part: String },
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::NoWords => write!(f, "it has no words"),
            PatternError::StartsWithoutAWord => {
                write!(f, "it must start with a word that is not optional, or <number>")
            }
            PatternError::GapAtAnEdge => write!(f, "`...` must come between two words"),
            PatternError::EndBeforeTheEnd => write!(f, "<end> must come last"),
            PatternError::NotOneWord { alternative } => {
                write!(f, "the alternative {alternative:?} is not a single word")
            }
            PatternError::OptionalGroupOfWords { part } => {
                write!(f, "{part:?} makes several words optional; mark one word at a time")
            }
        }
    }
}

impl Phrase {
    /// A phrase of plain words, as a filter term is; `None` when it has no words.
    pub(crate) fn literal(text: &str) -> Option<Phrase> {
        let slots: Vec<Slot> = NormalisedText::new(text)
            .words()
            .iter()
            .map(|word| Slot::Word { readings: word.readings().to_vec(), optional: false })
            .collect();
        (!slots.is_empty()).then_some(Phrase { slots })
    }

    /// A crisis pattern, in the syntax described at the top of this module.
    pub(crate) fn pattern(source: &str) -> Result<Phrase, PatternError> {
        let mut slots = Vec::new();
        for part in source.split_whitespace() {
            match part {
                "..." => slots.push(Slot::Gap),
                "<number>" => slots.push(Slot::Number),
                "<end>" => slots.push(Slot::End),
                _ => slots.extend(word_slots(part)?),
            }
        }
        check_shape(&slots)?;
        Ok(Phrase { slots })
    }

    /// The readings of the phrase's words run together ("killyourself"), for
    /// matching letters spaced apart across word breaks ("k i l l y o u r s e l f").
    /// Only for phrases of several words and nothing else.
    fn run_together(&self) -> Vec<String> {
        let mut groups = Vec::new();
        for slot in &self.slots {
            let Slot::Word { readings, optional } = slot else { return Vec::new() };
            let mut group = readings.clone();
            if *optional {
                group.push(String::new());
            }
            groups.push(group);
        }
        if groups.len() < 2 { Vec::new() } else { combinations(&groups) }
    }
}

/// The slots of one space-separated part of a pattern: a word may normalise
/// to several ("self-harm" is "self harm").
fn word_slots(part: &str) -> Result<Vec<Slot>, PatternError> {
    let (body, optional) = match part.strip_suffix('?') {
        Some(body) => (body, true),
        None => (part, false),
    };
    if !body.contains('|') {
        let words = NormalisedText::new(body);
        if optional && words.words().len() > 1 {
            return Err(PatternError::OptionalGroupOfWords { part: part.to_owned() });
        }
        return Ok(words
            .words()
            .iter()
            .map(|word| Slot::Word { readings: word.readings().to_vec(), optional })
            .collect());
    }
    let mut readings = Vec::new();
    for alternative in body.split('|') {
        let words = NormalisedText::new(alternative);
        let [word] = words.words() else {
            return Err(PatternError::NotOneWord { alternative: alternative.to_owned() });
        };
        readings.extend(word.readings().iter().cloned());
    }
    Ok(vec![Slot::Word { readings, optional }])
}

fn check_shape(slots: &[Slot]) -> Result<(), PatternError> {
    if !slots.iter().any(|slot| matches!(slot, Slot::Word { .. })) {
        return Err(PatternError::NoWords);
    }
    if !matches!(slots.first(), Some(Slot::Word { optional: false, .. } | Slot::Number)) {
        return Err(PatternError::StartsWithoutAWord);
    }
    if matches!(slots.last(), Some(Slot::Gap)) {
        return Err(PatternError::GapAtAnEdge);
    }
    if slots.iter().rev().skip(1).any(|slot| matches!(slot, Slot::End)) {
        return Err(PatternError::EndBeforeTheEnd);
    }
    Ok(())
}

/// Phrases compiled for finding them all in one pass over a text: each is
/// looked up by its first word, so the cost grows with the text, not with
/// the number of phrases.
#[derive(Debug)]
pub(crate) struct PhraseSet {
    phrases: Vec<Phrase>,
    by_first_word: HashMap<String, Vec<usize>>,
    starting_with_a_number: Vec<usize>,
    by_letters_run_together: HashMap<String, Vec<usize>>,
    /// The skeleton prefixes of every word of every phrase, and of the
    /// phrases run together: letters spaced apart are rejoined only while
    /// they might still spell one of these.
    rejoinable: HashSet<String>,
}

/// Where phrase number `phrase` was found: words `words` of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhraseMatch {
    pub(crate) phrase: usize,
    pub(crate) words: Range<usize>,
}

impl PhraseSet {
    pub(crate) fn new(phrases: Vec<Phrase>) -> PhraseSet {
        let mut by_first_word: HashMap<String, Vec<usize>> = HashMap::new();
        let mut starting_with_a_number = Vec::new();
        let mut by_letters_run_together: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, phrase) in phrases.iter().enumerate() {
            match &phrase.slots[0] {
                Slot::Word { readings, .. } => {
                    for reading in readings {
                        by_first_word.entry(reading.clone()).or_default().push(index);
                    }
                }
                _ => starting_with_a_number.push(index),
            }
            for letters in phrase.run_together() {
                by_letters_run_together.entry(letters).or_default().push(index);
            }
        }
        for indices in by_first_word.values_mut().chain(by_letters_run_together.values_mut()) {
            indices.dedup();
        }
        let words = phrases.iter().flat_map(|phrase| &phrase.slots).flat_map(|slot| match slot {
            Slot::Word { readings, .. } => readings.as_slice(),
            _ => &[],
        });
        let rejoinable =
            words.chain(by_letters_run_together.keys()).flat_map(|word| prefixes(&skeleton(word))).collect();
        PhraseSet { phrases, by_first_word, starting_with_a_number, by_letters_run_together, rejoinable }
    }

    /// Every place each phrase is found, in text order; at most one match per
    /// phrase starting at any one word.
    pub(crate) fn find(&self, text: &NormalisedText) -> Vec<PhraseMatch> {
        let readings = Readings::new(text, &self.rejoinable);
        let mut found = Vec::new();
        for start in 0..text.words().len() {
            let mut here = Vec::new();
            if text.words()[start].is_number {
                for &phrase in &self.starting_with_a_number {
                    if let Some(end) = self.match_slots(&self.phrases[phrase].slots[1..], &readings, start + 1) {
                        here.push(PhraseMatch { phrase, words: start..end });
                    }
                }
            }
            for reading in readings.from(start) {
                for key in reading.readings.iter() {
                    for &phrase in self.by_first_word.get(key).into_iter().flatten() {
                        if let Some(end) = self.match_slots(&self.phrases[phrase].slots[1..], &readings, reading.end) {
                            here.push(PhraseMatch { phrase, words: start..end });
                        }
                    }
                    if reading.rejoined {
                        for &phrase in self.by_letters_run_together.get(key).into_iter().flatten() {
                            here.push(PhraseMatch { phrase, words: start..reading.end });
                        }
                    }
                }
            }
            here.sort_by_key(|found| found.phrase);
            here.dedup_by_key(|found| found.phrase);
            found.extend(here);
        }
        found
    }

    /// Matches `slots` against the text from word `at`, returning the index
    /// of the first word after the match.
    fn match_slots(&self, slots: &[Slot], text: &Readings<'_>, at: usize) -> Option<usize> {
        let Some((slot, rest)) = slots.split_first() else { return Some(at) };
        let words = text.words();
        // `at` is past the phrase's first word here, since a phrase starts with one.
        match slot {
            Slot::Word { readings: wanted, optional } => {
                let matched = text
                    .from(at)
                    .iter()
                    .filter(|reading| reading.readings.iter().any(|own| wanted.contains(own)))
                    .find_map(|reading| self.match_slots(rest, text, reading.end));
                matched.or_else(|| optional.then(|| self.match_slots(rest, text, at)).flatten())
            }
            Slot::Number => {
                words.get(at).filter(|word| word.is_number).and_then(|_| self.match_slots(rest, text, at + 1))
            }
            Slot::End => {
                let clause_ends = words.get(at).is_none_or(|next| next.clause != words[at - 1].clause);
                clause_ends.then_some(at)
            }
            Slot::Gap => {
                let sentence = words[at - 1].sentence;
                (at..words.len())
                    .take(MAX_GAP + 1)
                    .take_while(|&next| words[next].sentence == sentence)
                    .find_map(|next| self.match_slots(rest, text, next))
            }
        }
    }
}

/// The readings of a text from each word, worked out once each as the
/// matcher first asks, since it asks again for every phrase it tries there.
struct Readings<'a> {
    text: &'a NormalisedText,
    rejoinable: &'a HashSet<String>,
    /// Each word read as itself: all there is to read from most words.
    own: Vec<Reading<'a>>,
    /// From a word that a spaced letter follows, its own reading and the
    /// rejoined ones.
    with_rejoined: Vec<OnceCell<Vec<Reading<'a>>>>,
}

impl<'a> Readings<'a> {
    fn new(text: &'a NormalisedText, rejoinable: &'a HashSet<String>) -> Readings<'a> {
        let own = (0..text.words().len()).map(|start| text.own_reading(start)).collect();
        Readings { text, rejoinable, own, with_rejoined: (0..text.words().len()).map(|_| OnceCell::new()).collect() }
    }

    fn words(&self) -> &'a [Word] {
        self.text.words()
    }

    /// The readings from word `start`; none past the last word.
    fn from(&self, start: usize) -> &[Reading<'a>] {
        let Some(own) = self.own.get(start) else { return &[] };
        if !self.words().get(start + 1).is_some_and(Word::is_spaced_from_previous) {
            return std::slice::from_ref(own);
        }
        self.with_rejoined[start].get_or_init(|| self.text.readings_from(start, self.rejoinable).collect())
    }
}

/// "abc", "ab" and "a".
fn prefixes(word: &str) -> Vec<String> {
    word.char_indices().map(|(at, c)| word[..at + c.len_utf8()].to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(patterns: &[&str], text: &str) -> Vec<(usize, String)> {
        let phrases = patterns.iter().map(|pattern| Phrase::pattern(pattern).expect("a valid pattern")).collect();
        let normalised = NormalisedText::new(text);
        PhraseSet::new(phrases)
            .find(&normalised)
            .into_iter()
            .map(|found| (found.phrase, text[normalised.span_of(found.words)].to_owned()))
            .collect()
    }

    #[test]
    fn a_phrase_matches_whole_words_only() {
        assert_eq!(found(&["spam"], "spammer spam antispam"), [(0, "spam".to_owned())]);
    }

    #[test]
    fn a_phrase_of_several_words_matches_them_in_order() {
        assert_eq!(found(&["buy followers"], "followers buy, buy  Followers"), [(0, "buy  Followers".to_owned())]);
    }

    #[test]
    fn alternatives_and_optional_words_match() {
        let patterns = ["saving up? my? pills|tablets"];
        assert_eq!(found(&patterns, "saving pills")[0].1, "saving pills");
        assert_eq!(found(&patterns, "saving up my tablets")[0].1, "saving up my tablets");
        assert!(found(&patterns, "saving money").is_empty());
    }

    #[test]
    fn a_gap_skips_up_to_three_words_within_a_sentence() {
        let patterns = ["goodbye ... letters"];
        assert_eq!(found(&patterns, "goodbye letters").len(), 1);
        assert_eq!(found(&patterns, "goodbye to you all letters").len(), 1);
        assert!(found(&patterns, "goodbye to you all my letters").is_empty());
        assert!(found(&patterns, "goodbye. letters").is_empty());
    }

    #[test]
    fn a_number_and_a_clause_end_match() {
        assert_eq!(found(&["<number> kms"], "ran 5 kms")[0].1, "5 kms");
        assert_eq!(found(&["cant go on <end>"], "I can't go on.")[0].1, "can't go on");
        assert_eq!(found(&["cant go on <end>"], "I can't go on")[0].1, "can't go on");
        assert!(found(&["cant go on <end>"], "I can't go on holiday").is_empty());
    }

    #[test]
    fn letters_spaced_apart_match_a_phrase_of_several_words() {
        assert_eq!(found(&["kill yourself"], "k i l l y o u r s e l f")[0].1, "k i l l y o u r s e l f");
        assert_eq!(found(&["kill yourself"], "k i l l yourself")[0].1, "k i l l yourself");
    }

    #[test]
    fn words_run_together_do_not_match_a_phrase_of_several_words() {
        assert!(found(&["the rapist"], "my therapist").is_empty());
    }

    #[test]
    fn malformed_patterns_are_refused() {
        let cases = [
            ("", PatternError::NoWords),
            ("...", PatternError::NoWords),
            ("my? pills", PatternError::StartsWithoutAWord),
            ("... pills", PatternError::StartsWithoutAWord),
            ("pills ...", PatternError::GapAtAnEdge),
            ("pills <end> now", PatternError::EndBeforeTheEnd),
            ("pills|self-harm", PatternError::NotOneWord { alternative: "self-harm".to_owned() }),
            ("pills self-harm?", PatternError::OptionalGroupOfWords { part: "self-harm?".to_owned() }),
        ];
        for (source, error) in cases {
            assert_eq!(Phrase::pattern(source).map(|_| ()), Err(error), "{source:?}");
        }
    }
}
