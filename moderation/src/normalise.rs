//! The canonical form that word filters and crisis screening match against.
//!
//! People slip words past filters with capitals, accents, letters from other
//! alphabets, digits for letters, invisible characters, stretched letters and
//! letters spaced apart. This module undoes all of that once, turning a text
//! into words, each of which remembers where it came from in the original, so
//! a match can be reported (and replaced) in the member's own words.
//!
//! Each character goes through Unicode compatibility decomposition (NFKD: the
//! first half of NFKC; composing again is pointless once accents are dropped),
//! loses its accents, is lower-cased and has look-alikes from other alphabets
//! replaced (`rules/look_alikes.toml`). Digits and symbols standing for letters
//! ("sp4m") and stretched letters ("spaaaam") are read every way they could be.
//!
//! Matching is by whole words only: "Scunthorpe" and "assessment" are single
//! words, so a short term can never match part of one. The only words rejoined
//! are single letters spaced apart, as in "s p a m" or "s.p.a.m".

use foldhash::{HashMap, HashMapExt, HashSet};
use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// The most readings kept for one word: each ambiguous look-alike ("1" is
/// "i" or "l") or stretched letter doubles them, so an attacker's word of
/// many such characters is read only this many ways.
const MAX_READINGS: usize = 16;

/// Single letters spaced apart are rejoined into words of at most this many letters.
const MAX_SPACED_LETTERS: usize = 32;

/// Single letters are rejoined only across at most this many characters of
/// spacing or punctuation, and never across a line break.
const MAX_SPACING: usize = 3;

/// A text as a list of words in canonical form.
#[derive(Debug)]
pub(crate) struct NormalisedText {
    words: Vec<Word>,
}

/// One word of a text, in canonical form.
#[derive(Debug)]
pub(crate) struct Word {
    /// Lower case, without accents, look-alike letters replaced, but digits
    /// and symbols still as written, since they are read only in context.
    folded: String,
    /// Every way the word may be read when there is more than one, or
    /// nothing when the word reads only as `folded` (most words: so reading
    /// them allocates nothing more); see [`Word::readings`].
    other_readings: Vec<String>,
    /// Where the word is in the original text, in bytes.
    pub(crate) span: Range<usize>,
    /// Counts sentences from the start of the text (a full stop, question or
    /// exclamation mark, or line break ends one).
    pub(crate) sentence: usize,
    /// Counts clauses from the start of the text (a sentence end, comma,
    /// semicolon, colon, bracket or dash ends one).
    pub(crate) clause: usize,
    /// Inside quotation marks, or on a Markdown block-quote line.
    pub(crate) quoted: bool,
    /// Only digits: a phrase's `<number>` matches it.
    pub(crate) is_number: bool,
    /// A single letter or digit separated from a single one before it by a
    /// little spacing or punctuation, as in "s p a m".
    spaced_from_previous: bool,
}

impl Word {
    /// Every way the word may be read, the commonest first: the phrase
    /// matcher compares these.
    pub(crate) fn readings(&self) -> &[String] {
        if self.other_readings.is_empty() { std::slice::from_ref(&self.folded) } else { &self.other_readings }
    }

    /// Whether this is a single letter spaced apart from one before it, so
    /// that it may be rejoined with it.
    pub(crate) fn is_spaced_from_previous(&self) -> bool {
        self.spaced_from_previous
    }
}

/// A way to read the text from one word onwards as one word: usually the
/// word itself, or several single letters rejoined.
pub(crate) struct Reading<'a> {
    pub(crate) readings: Cow<'a, [String]>,
    /// The index of the first word after this reading.
    pub(crate) end: usize,
    /// Whether this reading rejoins letters spaced apart.
    pub(crate) rejoined: bool,
}

/// A text's words in canonical form, one space apart: what word filters
/// and crisis screening compare (for tools and tests that need to see it).
pub fn canonical(text: &str) -> String {
    NormalisedText::new(text).words.iter().map(|word| word.folded.as_str()).collect::<Vec<_>>().join(" ")
}

impl NormalisedText {
    pub(crate) fn new(text: &str) -> NormalisedText {
        let characters = fold(text);
        let found_words = find_words(&characters);
        let mut words = Vec::with_capacity(found_words.len());
        let mut context = Context::at_start_of(text);
        let mut previous_end = 0;
        let mut previous_single = false;
        for found in found_words {
            let gap = text.get(previous_end..found.span.start).unwrap_or_default();
            context.read_gap(gap, !words.is_empty());
            let single = found.folded.chars().count() == 1;
            let spaced_from_previous =
                previous_single && single && (1..=MAX_SPACING).contains(&gap.chars().count()) && !gap.contains('\n');
            previous_end = found.span.end;
            previous_single = single;
            words.push(Word {
                other_readings: other_readings_of(&found.folded),
                is_number: found.folded.chars().all(|c| c.is_ascii_digit()),
                folded: found.folded,
                span: found.span,
                sentence: context.sentence,
                clause: context.clause,
                quoted: context.is_quoting(),
                spaced_from_previous,
            });
        }
        NormalisedText { words }
    }

    pub(crate) fn words(&self) -> &[Word] {
        &self.words
    }

    /// The byte range of the original text that words `range` came from.
    pub(crate) fn span_of(&self, range: Range<usize>) -> Range<usize> {
        self.words[range.start].span.start..self.words[range.end - 1].span.end
    }

    /// Word `start` read as itself.
    pub(crate) fn own_reading(&self, start: usize) -> Reading<'_> {
        Reading { readings: Cow::Borrowed(self.words[start].readings()), end: start + 1, rejoined: false }
    }

    /// Every way of reading one word starting at word `start`: the word
    /// itself, then single letters spaced apart rejoined, shortest first.
    ///
    /// Rejoining stops as soon as the letters so far cannot begin any word a
    /// caller looks for (`rejoinable`: the [`skeleton`] prefixes of its
    /// words), and a letter that only lengthens a run of three or more adds
    /// no reading, since it reads the same. So "a a a a ..." costs little.
    pub(crate) fn readings_from<'a>(
        &'a self,
        start: usize,
        rejoinable: &'a HashSet<String>,
    ) -> impl Iterator<Item = Reading<'a>> {
        let own = self.own_reading(start);
        // The letters so far and their skeleton, made only once a spaced
        // letter follows (most words have none, and cost nothing here).
        let mut joined: Option<(String, String)> = None;
        let mut run_length = 1;
        let mut next = start + 1;
        let rejoined = std::iter::from_fn(move || {
            while let Some(word) = self.words.get(next).filter(|word| word.spaced_from_previous) {
                if next - start >= MAX_SPACED_LETTERS {
                    return None;
                }
                next += 1;
                let (letters, letters_skeleton) = joined.get_or_insert_with(|| {
                    let letters = self.words[start].folded.clone();
                    let letters_skeleton = skeleton(&letters);
                    (letters, letters_skeleton)
                });
                let letter = word.folded.chars().next()?;
                run_length = if letters.ends_with(letter) { run_length + 1 } else { 1 };
                letters.push(letter);
                if run_length > 3 {
                    continue;
                }
                push_skeleton(letters_skeleton, letter);
                if !rejoinable.contains(letters_skeleton.as_str()) {
                    return None;
                }
                return Some(Reading { readings: Cow::Owned(readings_of(letters)), end: next, rejoined: true });
            }
            None
        });
        std::iter::once(own).chain(rejoined)
    }
}

/// A lossy form of a word, to rule out rejoining letters early: each
/// character replaced by its class (a look-alike and every letter it stands
/// for share one), and runs collapsed. Every reading of a word has the
/// word's skeleton, so a reading can equal a key only if their skeletons do.
pub(crate) fn skeleton(word: &str) -> String {
    let mut skeleton = String::with_capacity(word.len());
    for character in word.chars() {
        push_skeleton(&mut skeleton, character);
    }
    skeleton
}

fn push_skeleton(skeleton: &mut String, character: char) {
    let class = LOOK_ALIKES.classes.get(&character).copied().unwrap_or(character);
    if !skeleton.ends_with(class) {
        skeleton.push(class);
    }
}

/// Every way of picking one alternative from each group, joined in order:
/// at most [`MAX_READINGS`] of them, the first alternatives first.
pub(crate) fn combinations(groups: &[Vec<String>]) -> Vec<String> {
    let mut joined = vec![String::new()];
    for group in groups {
        if let [only] = group.as_slice() {
            joined.iter_mut().for_each(|start| start.push_str(only));
        } else {
            joined = joined
                .iter()
                .flat_map(|start| group.iter().map(move |alternative| [start.as_str(), alternative].concat()))
                .take(MAX_READINGS)
                .collect();
        }
    }
    joined
}

/// The ways a folded word may be read: each look-alike as each letter it
/// stands for (only in a word that has a real letter, so numbers stay
/// numbers), and each letter repeated three or more times as one or two of it
/// (so "spaaaam" is "spam", while "good" is never read as "god").
fn readings_of(folded: &str) -> Vec<String> {
    let others = other_readings_of(folded);
    if others.is_empty() { vec![folded.to_owned()] } else { others }
}

/// As [`readings_of`], but nothing (and no allocation) when the word reads
/// only as itself, as most words do.
fn other_readings_of(folded: &str) -> Vec<String> {
    let look_alikes = &*LOOK_ALIKES;
    let has_look_alike = folded.chars().any(|c| look_alikes.is_look_alike(c));
    if !has_look_alike && !has_run_of_three(folded) {
        return Vec::new();
    }
    let has_letter = folded.chars().any(char::is_alphabetic);
    let spellings = if has_letter && has_look_alike {
        let characters: Vec<Vec<String>> = folded
            .chars()
            .map(|c| match LOOK_ALIKES.letters.get(&c) {
                Some(letters) => letters.iter().map(char::to_string).collect(),
                None => vec![c.to_string()],
            })
            .collect();
        combinations(&characters)
    } else {
        vec![folded.to_owned()]
    };
    let mut readings: Vec<String> = Vec::new();
    for spelling in spellings {
        let shortened =
            if has_run_of_three(&spelling) { combinations(&shortened_repeats(&spelling)) } else { vec![spelling] };
        for reading in shortened {
            if readings.len() == MAX_READINGS {
                return readings;
            }
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
    }
    readings
}

fn has_run_of_three(spelling: &str) -> bool {
    let mut characters = spelling.chars();
    let (Some(mut before_last), Some(mut last)) = (characters.next(), characters.next()) else { return false };
    for c in characters {
        if c == last && last == before_last {
            return true;
        }
        (before_last, last) = (last, c);
    }
    false
}

/// A word cut into runs of one letter, where a run of three or more may be
/// read as one or two of the letter.
fn shortened_repeats(spelling: &str) -> Vec<Vec<String>> {
    let mut runs: Vec<(char, usize)> = Vec::new();
    for c in spelling.chars() {
        match runs.last_mut() {
            Some((letter, count)) if *letter == c => *count += 1,
            _ => runs.push((c, 1)),
        }
    }
    runs.into_iter()
        .map(|(letter, count)| match count {
            1 | 2 => vec![letter.to_string().repeat(count)],
            _ => vec![letter.to_string(), letter.to_string().repeat(2)],
        })
        .collect()
}

/// One character of the folded text: `None` when the original character
/// folds to nothing (an accent written separately, an invisible character).
struct Folded {
    character: Option<char>,
    span: Range<usize>,
}

/// Folds each character: compatibility decomposition (fullwidth, ligatures,
/// "fancy" letters become plain ones), accents and invisible characters
/// dropped, look-alike letters replaced, lower case.
fn fold(text: &str) -> Vec<Folded> {
    let mut folded = Vec::with_capacity(text.len());
    let mut output = Vec::new();
    for (start, c) in text.char_indices() {
        let span = start..start + c.len_utf8();
        output.clear();
        fold_character(c, &mut output);
        if output.is_empty() {
            folded.push(Folded { character: None, span });
        } else {
            folded.extend(output.iter().map(|&character| Folded { character: Some(character), span: span.clone() }));
        }
    }
    folded
}

fn fold_character(c: char, output: &mut Vec<char>) {
    if c.is_ascii() {
        output.push(c.to_ascii_lowercase());
        return;
    }
    if is_invisible(c) {
        return;
    }
    decompose_compatible(c, |part| {
        if is_combining_mark(part) || is_invisible(part) {
            return;
        }
        if let Some(latin) = LOOK_ALIKES.homoglyphs.get(&part) {
            output.extend(latin.chars());
            return;
        }
        for lower in part.to_lowercase().filter(|&lower| !is_combining_mark(lower)) {
            match LOOK_ALIKES.homoglyphs.get(&lower) {
                Some(latin) => output.extend(latin.chars()),
                None => output.push(lower),
            }
        }
    });
}

/// Characters that show nothing, and so can be slipped inside a word: zero
/// widths and joiners, direction marks, the soft hyphen, variation selectors,
/// Hangul fillers and tags.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A word found in the folded characters.
struct Found {
    folded: String,
    span: Range<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A letter or digit.
    Letter,
    /// A symbol that can stand for a letter, such as "@".
    LookAlike,
    /// A look-alike that is also punctuation, such as "!": part of a word only
    /// between its letters.
    InnerOnly,
    /// Dropped inside a word, so "don't" is "dont".
    Apostrophe,
    /// Nothing to see: part of whichever word it is in.
    Invisible,
    Separator,
}

fn kind_of(character: Option<char>) -> Kind {
    match character {
        None => Kind::Invisible,
        Some(c) => match LOOK_ALIKES.ascii_kinds.get(c as usize) {
            Some(kind) => *kind,
            None => kind_in(c, &LOOK_ALIKES.punctuation, &LOOK_ALIKES.letters),
        },
    }
}

/// The kind of a character, given the look-alike tables.
fn kind_in(c: char, punctuation: &[char], letters: &HashMap<char, Vec<char>>) -> Kind {
    match c {
        '\'' | '\u{2019}' | '\u{02BC}' => Kind::Apostrophe,
        c if c.is_alphanumeric() => Kind::Letter,
        c if punctuation.contains(&c) => Kind::InnerOnly,
        c if letters.contains_key(&c) => Kind::LookAlike,
        _ => Kind::Separator,
    }
}

/// Words are runs of letters, look-alikes, apostrophes and invisible
/// characters, trimmed to start and end with a letter or look-alike symbol,
/// and holding at least one letter or digit.
fn find_words(characters: &[Folded]) -> Vec<Found> {
    let kinds: Vec<Kind> = characters.iter().map(|folded| kind_of(folded.character)).collect();
    // About one word in five or six characters, in English.
    let mut found = Vec::with_capacity(characters.len() / 4);
    let mut start = 0;
    while start < characters.len() {
        let run_end = (start..characters.len()).find(|&i| kinds[i] == Kind::Separator).unwrap_or(characters.len());
        if let Some(word) = word_in(&characters[start..run_end], &kinds[start..run_end]) {
            found.push(word);
        }
        start = run_end + 1;
    }
    found
}

fn word_in(characters: &[Folded], kinds: &[Kind]) -> Option<Found> {
    let is_edge = |kind: &Kind| matches!(kind, Kind::Letter | Kind::LookAlike);
    let first = kinds.iter().position(is_edge)?;
    let last = kinds.iter().rposition(is_edge)?;
    let trailing_invisible = kinds[last + 1..].iter().take_while(|&&kind| kind == Kind::Invisible).count();
    let mut folded = String::with_capacity(last + 1 - first);
    folded.extend(
        (first..=last)
            .filter(|&i| matches!(kinds[i], Kind::Letter | Kind::LookAlike | Kind::InnerOnly))
            .filter_map(|i| characters[i].character),
    );
    if !folded.chars().any(char::is_alphanumeric) {
        return None;
    }
    let span = characters[first].span.start..characters[last + trailing_invisible].span.end;
    Some(Found { folded, span })
}

/// Where the words are: which sentence and clause, and whether quoted. Read
/// from the spacing and punctuation between words, in the original text.
struct Context {
    sentence: usize,
    clause: usize,
    in_double_quotes: bool,
    in_single_quotes: bool,
    on_block_quote_line: bool,
}

impl Context {
    fn at_start_of(text: &str) -> Context {
        Context {
            sentence: 0,
            clause: 0,
            in_double_quotes: false,
            in_single_quotes: false,
            on_block_quote_line: starts_block_quote(text),
        }
    }

    fn is_quoting(&self) -> bool {
        self.in_double_quotes || self.in_single_quotes || self.on_block_quote_line
    }

    /// Reads the characters between two words (or before the first one).
    fn read_gap(&mut self, gap: &str, after_a_word: bool) {
        let mut characters = gap.char_indices().peekable();
        while let Some((at, c)) = characters.next() {
            let next = characters.peek().map(|&(_, next)| next);
            let at_gap_start = at == 0 && after_a_word;
            let at_gap_end = next.is_none();
            match c {
                '\n' => {
                    self.end_sentence();
                    self.in_double_quotes = false;
                    self.in_single_quotes = false;
                    self.on_block_quote_line = starts_block_quote(&gap[at + 1..]);
                }
                '.' if next.is_some_and(char::is_whitespace) => self.end_sentence(),
                '!' | '?' | '\u{2026}' => self.end_sentence(),
                ',' | ';' | ':' | '(' | ')' | '\u{2013}' | '\u{2014}' => self.clause += 1,
                '-' if next.is_some_and(char::is_whitespace) => self.clause += 1,
                '"' => self.in_double_quotes = !self.in_double_quotes,
                '\u{201C}' | '\u{201E}' | '\u{00AB}' => self.in_double_quotes = true,
                '\u{201D}' | '\u{00BB}' => self.in_double_quotes = false,
                '\u{2018}' => self.in_single_quotes = true,
                '\'' | '\u{2019}' if at_gap_start => self.in_single_quotes = false,
                '\'' | '\u{2019}' if at_gap_end => self.in_single_quotes = true,
                _ => {}
            }
        }
    }

    fn end_sentence(&mut self) {
        self.sentence += 1;
        self.clause += 1;
    }
}

/// A Markdown block quote: a line starting with ">".
fn starts_block_quote(line: &str) -> bool {
    line.trim_start_matches([' ', '\t']).starts_with('>')
}

/// The look-alike tables of `rules/look_alikes.toml`.
struct LookAlikes {
    homoglyphs: HashMap<char, String>,
    letters: HashMap<char, Vec<char>>,
    punctuation: Vec<char>,
    /// For [`skeleton`]: each look-alike, and each letter one stands for, to
    /// one character for all those that can be read the same ("1", "i", "l",
    /// "!" and "|" share one).
    classes: HashMap<char, char>,
    /// The kind of each ASCII character, and whether it is a key of
    /// `letters`, looked up without hashing: most text is ASCII.
    ascii_kinds: [Kind; 128],
    ascii_look_alikes: [bool; 128],
}

impl LookAlikes {
    fn is_look_alike(&self, c: char) -> bool {
        match self.ascii_look_alikes.get(c as usize) {
            Some(look_alike) => *look_alike,
            None => self.letters.contains_key(&c),
        }
    }
}

static LOOK_ALIKES: LazyLock<LookAlikes> = LazyLock::new(|| {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        homoglyphs: HashMap<String, String>,
        look_alikes: HashMap<String, String>,
        punctuation: Vec<String>,
    }
    // A unit test loads this file, so a mistake in it fails the tests rather than a server.
    let file: File = toml::from_str(include_str!("../rules/look_alikes.toml"))
        .expect("rules/look_alikes.toml is a valid table of look-alikes");
    let character = |key: &String| {
        let mut characters = key.chars();
        match (characters.next(), characters.next()) {
            (Some(c), None) => c,
            _ => panic!("rules/look_alikes.toml: {key:?} is not a single character"),
        }
    };
    let letters: HashMap<char, Vec<char>> =
        file.look_alikes.iter().map(|(key, letters)| (character(key), letters.chars().collect())).collect();
    let punctuation: Vec<char> = file.punctuation.iter().map(character).collect();
    let ascii = |byte: usize| char::from(u8::try_from(byte).unwrap_or_default());
    let ascii_kinds = std::array::from_fn(|byte| kind_in(ascii(byte), &punctuation, &letters));
    let ascii_look_alikes = std::array::from_fn(|byte| letters.contains_key(&ascii(byte)));
    LookAlikes {
        homoglyphs: file.homoglyphs.iter().map(|(key, latin)| (character(key), latin.clone())).collect(),
        classes: classes(&letters),
        punctuation,
        ascii_kinds,
        ascii_look_alikes,
        letters,
    }
});

/// Groups each look-alike with the letters it stands for, joining groups that
/// share a letter, and names each group by its smallest character.
fn classes(letters: &HashMap<char, Vec<char>>) -> HashMap<char, char> {
    let mut classes: HashMap<char, char> = HashMap::new();
    let mut changed = true;
    while changed {
        changed = false;
        for (&look_alike, stands_for) in letters {
            let members: Vec<char> = stands_for.iter().copied().chain([look_alike]).collect();
            let Some(class) = members.iter().map(|member| classes.get(member).copied().unwrap_or(*member)).min() else {
                continue;
            };
            for member in members {
                if classes.get(&member) != Some(&class) {
                    classes.insert(member, class);
                    changed = true;
                }
            }
        }
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        NormalisedText::new(text).words.iter().map(|word| word.readings()[0].clone()).collect()
    }

    fn all_readings(text: &str) -> Vec<Vec<String>> {
        NormalisedText::new(text).words.iter().map(|word| word.readings().to_vec()).collect()
    }

    #[test]
    fn the_look_alike_tables_parse_and_map_to_lower_case_latin() {
        assert!(LOOK_ALIKES.homoglyphs.values().all(|latin| latin.chars().all(|c| c.is_ascii_lowercase())));
        assert!(LOOK_ALIKES.letters.values().flatten().all(char::is_ascii_lowercase));
        assert!(LOOK_ALIKES.punctuation.iter().all(|c| LOOK_ALIKES.letters.contains_key(c)));
    }

    #[test]
    fn words_are_lower_case_without_accents() {
        assert_eq!(words("Spàm CAFÉ naïve Ångström"), ["spam", "cafe", "naive", "angstrom"]);
    }

    #[test]
    fn fullwidth_and_fancy_letters_become_plain_ones() {
        assert_eq!(words("ｓｐａｍ 𝐬𝐩𝐚𝐦 ⓢⓟⓐⓜ 𝓈𝓅𝒶𝓂"), ["spam", "spam", "spam", "spam"]);
    }

    #[test]
    fn cyrillic_and_greek_look_alikes_become_latin_letters() {
        assert_eq!(words("ѕрам ЅРАМ ѕρаm"), ["spam", "spam", "spam"]);
    }

    #[test]
    fn invisible_characters_inside_a_word_are_dropped() {
        assert_eq!(words("sp\u{200B}am s\u{200D}p\u{2060}a\u{00AD}m sp\u{FEFF}am"), ["spam", "spam", "spam"]);
    }

    #[test]
    fn digits_and_symbols_are_read_as_letters_inside_words() {
        assert_eq!(words("sp4m $pam sp@m 1d10t"), ["spam", "spam", "spam", "idiot"]);
    }

    #[test]
    fn an_ambiguous_look_alike_is_read_every_way() {
        assert_eq!(all_readings("k1ll"), [["kill", "kl", "kll"]]);
    }

    #[test]
    fn numbers_stay_numbers() {
        assert_eq!(words("24/7 on 116 123, £5"), ["24", "7", "on", "116", "123", "5"]);
    }

    #[test]
    fn punctuation_look_alikes_count_only_between_letters() {
        assert_eq!(words("idiot! k!ll !!! wow!!"), ["idiot", "kill", "wow"]);
    }

    #[test]
    fn apostrophes_inside_words_are_dropped() {
        assert_eq!(words("you're can’t donʼt 'quoted'"), ["youre", "cant", "dont", "quoted"]);
    }

    #[test]
    fn letters_repeated_three_times_or_more_read_as_one_or_two() {
        assert_eq!(all_readings("spaaaam good"), [vec!["spam", "spaam"], vec!["good"]]);
    }

    #[test]
    fn a_long_word_of_ambiguous_characters_has_a_bounded_number_of_readings() {
        assert_eq!(all_readings(&"a1".repeat(40))[0].len(), MAX_READINGS);
    }

    fn rejoinable(words: &[&str]) -> HashSet<String> {
        words.iter().flat_map(|word| (1..=word.len()).map(|end| skeleton(&word[..end]))).collect()
    }

    fn rejoined(text: &str, looking_for: &[&str]) -> Vec<(Vec<String>, usize)> {
        let normalised = NormalisedText::new(text);
        let rejoinable = rejoinable(looking_for);
        let readings = normalised.readings_from(0, &rejoinable).filter(|reading| reading.rejoined);
        readings.map(|reading| (reading.readings.to_vec(), reading.end)).collect()
    }

    #[test]
    fn single_letters_spaced_apart_can_be_rejoined() {
        for text in ["s p a m", "s.p.a.m", "s-p-a-m", "s _ p _ a _ m", "S P 4 M"] {
            let last = rejoined(text, &["spam"]).pop().expect("a rejoined reading");
            assert_eq!(last, (vec!["spam".to_owned()], 4), "{text}");
        }
    }

    #[test]
    fn letters_far_apart_or_on_separate_lines_are_not_rejoined() {
        for text in ["s    p", "s\np", "sp a"] {
            assert_eq!(rejoined(text, &["sp", "spa"]), [], "{text}");
        }
    }

    #[test]
    fn rejoining_stops_when_no_word_looked_for_can_start_so() {
        let ends: Vec<usize> = rejoined("s p a m x y z", &["spam"]).into_iter().map(|(_, end)| end).collect();
        assert_eq!(ends, [2, 3, 4]);
        assert_eq!(rejoined("x y z", &["spam"]), []);
    }

    #[test]
    fn rejoining_skips_letters_that_only_stretch_a_long_run() {
        let readings = rejoined("s p a a a a a m", &["spam"]);
        let ends: Vec<usize> = readings.iter().map(|(_, end)| *end).collect();
        assert_eq!(ends, [2, 3, 4, 5, 8]);
        assert_eq!(readings.last().map(|(readings, _)| readings[0].as_str()), Some("spam"));
    }

    #[test]
    fn a_skeleton_joins_look_alikes_with_their_letters_and_collapses_runs() {
        assert_eq!(skeleton("k1lll"), skeleton("ki"));
        assert_eq!(skeleton("k1lll").chars().count(), 2);
        assert_eq!(skeleton("sp4aaam"), skeleton("spam"));
        assert_eq!(skeleton("|d!0t"), skeleton("idiot"));
    }

    #[test]
    fn spans_point_at_the_original_text() {
        let text = "Hé, 😀 ｓｐａｍ\u{200B}!";
        let normalised = NormalisedText::new(text);
        let spans: Vec<&str> = normalised.words.iter().map(|word| &text[word.span.clone()]).collect();
        assert_eq!(spans, ["Hé", "ｓｐａｍ\u{200B}"]);
    }

    #[test]
    fn sentences_and_clauses_are_counted() {
        let normalised = NormalisedText::new("One, two. Three\nfour s.p.a.m");
        let places: Vec<(usize, usize)> = normalised.words.iter().map(|w| (w.sentence, w.clause)).collect();
        assert_eq!(places, [(0, 0), (0, 1), (1, 2), (2, 3), (2, 3), (2, 3), (2, 3), (2, 3)]);
    }

    #[test]
    fn quoted_words_are_marked() {
        let text = "He said \"stop now\" and 'go away' then ‘left’.\n> a quote\nnot";
        let quoted: Vec<bool> = NormalisedText::new(text).words.iter().map(|word| word.quoted).collect();
        assert_eq!(quoted, [false, false, true, true, false, true, true, false, true, true, true, false]);
    }

    #[test]
    fn a_possessive_apostrophe_does_not_open_a_quote() {
        let quoted: Vec<bool> = NormalisedText::new("the kids' toys are here").words.iter().map(|w| w.quoted).collect();
        assert_eq!(quoted, [false; 5]);
    }
}
