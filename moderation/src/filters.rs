//! Word filters: terms a community refuses, holds for review, flags to its
//! moderators or replaces.
//!
//! An instance starts with the list in `rules/filters.toml`; administrators and
//! moderators add their own, which the server passes in as [`FilterRule`]s.
//! Terms match whole words of the normalised text (see `normalise`), so they
//! catch "1d10t" and "i d i o t" but never the "idiot" inside another word.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::normalise::NormalisedText;
use crate::phrase::{Phrase, PhraseSet};

/// The longest term a rule may have, in characters.
pub const MAX_TERM_CHARS: usize = 100;
/// The longest message a `block` rule may show, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;
/// The longest replacement a `replace` rule may have, in characters.
pub const MAX_REPLACEMENT_CHARS: usize = 100;
/// What a `replace` rule puts in place of its term when it names no replacement.
pub const DEFAULT_REPLACEMENT: &str = "***";
/// What the author of a blocked text is shown when the rule names no message.
pub const DEFAULT_BLOCK_MESSAGE: &str =
    "This can't be posted because it contains words this community doesn't allow. Please reword it and try again.";

/// What happens to a text with a rule's term in it, weakest first, so the
/// strongest of several is their maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterAction {
    /// Published with the term replaced.
    Replace,
    /// Published, and shown to moderators.
    Flag,
    /// Kept back until a moderator approves it.
    Hold,
    /// Refused, with a message to the author.
    Block,
}

/// One word filter, as shipped or as configured by an administrator or moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterRule {
    /// A word or phrase, written plainly: disguised spellings are matched anyway.
    pub term: String,
    pub action: FilterAction,
    /// For `block` only: what the author is told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For `replace` only: what replaces the term, [`DEFAULT_REPLACEMENT`] if unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

impl FilterRule {
    /// Reads rules from TOML of the shape of `rules/filters.toml`: a list of
    /// `[[rules]]` tables, such as an administrator's own list.
    ///
    /// # Errors
    ///
    /// When the source is not TOML of that shape. The rules themselves are
    /// checked by [`WordFilter::new`].
    pub fn list_from_toml(source: &str) -> Result<Vec<FilterRule>, toml::de::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            rules: Vec<FilterRule>,
        }
        Ok(toml::from_str::<File>(source)?.rules)
    }
}

/// The filter rules a new instance starts with, from `rules/filters.toml`.
pub fn default_filter_rules() -> Vec<FilterRule> {
    FilterRule::list_from_toml(include_str!("../rules/filters.toml"))
        .expect("rules/filters.toml is a valid list of rules")
}

/// Why a list of rules was refused. `rule` is the rule's position in the list, from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    EmptyTerm { rule: usize },
    TermTooLong { rule: usize, term: String },
    TermWithoutWords { rule: usize, term: String },
    MessageWithoutBlock { rule: usize, term: String },
    MessageTooLong { rule: usize, term: String },
    ReplacementWithoutReplace { rule: usize, term: String },
    ReplacementTooLong { rule: usize, term: String },
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterError::EmptyTerm { .. } => write!(f, "A filter term is empty."),
            FilterError::TermTooLong { term, .. } => {
                write!(f, "The filter term {term:?} is longer than {MAX_TERM_CHARS} characters.")
            }
            FilterError::TermWithoutWords { term, .. } => {
                write!(f, "The filter term {term:?} has no letters or digits to match.")
            }
            FilterError::MessageWithoutBlock { term, .. } => {
                write!(f, "The filter for {term:?} has a message, but only a rule that blocks shows one.")
            }
            FilterError::MessageTooLong { term, .. } => {
                write!(f, "The message for {term:?} is longer than {MAX_MESSAGE_CHARS} characters.")
            }
            FilterError::ReplacementWithoutReplace { term, .. } => {
                write!(f, "The filter for {term:?} has a replacement, but only a rule that replaces uses one.")
            }
            FilterError::ReplacementTooLong { term, .. } => {
                write!(f, "The replacement for {term:?} is longer than {MAX_REPLACEMENT_CHARS} characters.")
            }
        }
    }
}

impl std::error::Error for FilterError {}

/// A list of rules, checked and compiled for matching.
#[derive(Debug)]
pub struct WordFilter {
    rules: Vec<FilterRule>,
    phrases: PhraseSet,
}

/// What a filter found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterOutcome {
    /// The strongest action of the rules that matched; `None` when none did.
    pub action: Option<FilterAction>,
    /// Every rule that matched, in the order of its first match in the text.
    pub matches: Vec<FilterMatch>,
    /// The text with every `replace` match replaced, when there was one.
    pub replaced_text: Option<String>,
    /// When the action is `block`: the message of the first blocking match.
    pub block_message: Option<String>,
}

/// A rule that matched, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterMatch {
    /// The rule's position in the list the filter was built from, from 0.
    pub rule: usize,
    pub term: String,
    pub action: FilterAction,
    /// Where in the original text, in bytes, in order.
    pub spans: Vec<Range<usize>>,
}

impl WordFilter {
    /// Checks and compiles a list of rules.
    ///
    /// # Errors
    ///
    /// A [`FilterError`] for the first rule that has an empty term, a term
    /// longer than [`MAX_TERM_CHARS`] or without any letter or digit, a
    /// message when it does not block or a replacement when it does not
    /// replace, or a message or replacement that is too long.
    pub fn new(rules: impl IntoIterator<Item = FilterRule>) -> Result<WordFilter, FilterError> {
        let rules: Vec<FilterRule> = rules.into_iter().collect();
        let phrases =
            rules.iter().enumerate().map(|(index, rule)| check_rule(index, rule)).collect::<Result<_, _>>()?;
        Ok(WordFilter { rules, phrases: PhraseSet::new(phrases) })
    }

    /// The filter of the shipped rules, [`default_filter_rules`].
    pub fn shipped() -> WordFilter {
        WordFilter::new(default_filter_rules()).expect("rules/filters.toml holds valid rules")
    }

    /// Finds every rule whose term is in `text`.
    pub fn check(&self, text: &str) -> FilterOutcome {
        self.check_normalised(text, &NormalisedText::new(text))
    }

    pub(crate) fn check_normalised(&self, text: &str, normalised: &NormalisedText) -> FilterOutcome {
        let mut spans: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        for found in self.phrases.find(normalised) {
            spans[found.phrase].push(normalised.span_of(found.words));
        }
        let mut matches: Vec<FilterMatch> = spans
            .into_iter()
            .enumerate()
            .filter(|(_, spans)| !spans.is_empty())
            .map(|(rule, spans)| FilterMatch {
                rule,
                term: self.rules[rule].term.clone(),
                action: self.rules[rule].action,
                spans,
            })
            .collect();
        matches.sort_by_key(|found| found.spans[0].start);
        FilterOutcome {
            action: matches.iter().map(|found| found.action).max(),
            replaced_text: self.replaced(text, &matches),
            block_message: self.block_message(&matches),
            matches,
        }
    }

    fn replaced(&self, text: &str, matches: &[FilterMatch]) -> Option<String> {
        let replacements: Vec<(Range<usize>, &str)> = matches
            .iter()
            .filter(|found| found.action == FilterAction::Replace)
            .flat_map(|found| {
                let replacement = self.rules[found.rule].replacement.as_deref().unwrap_or(DEFAULT_REPLACEMENT);
                found.spans.iter().map(move |span| (span.clone(), replacement))
            })
            .collect();
        (!replacements.is_empty()).then(|| replace_spans(text, replacements))
    }

    fn block_message(&self, matches: &[FilterMatch]) -> Option<String> {
        let blocking = matches
            .iter()
            .filter(|found| found.action == FilterAction::Block)
            .min_by_key(|found| found.spans[0].start)?;
        Some(self.rules[blocking.rule].message.clone().unwrap_or_else(|| DEFAULT_BLOCK_MESSAGE.to_owned()))
    }
}

fn check_rule(index: usize, rule: &FilterRule) -> Result<Phrase, FilterError> {
    let term = || rule.term.clone();
    if rule.term.trim().is_empty() {
        return Err(FilterError::EmptyTerm { rule: index });
    }
    if rule.term.chars().count() > MAX_TERM_CHARS {
        return Err(FilterError::TermTooLong { rule: index, term: term() });
    }
    if let Some(message) = &rule.message {
        if rule.action != FilterAction::Block {
            return Err(FilterError::MessageWithoutBlock { rule: index, term: term() });
        }
        if message.chars().count() > MAX_MESSAGE_CHARS {
            return Err(FilterError::MessageTooLong { rule: index, term: term() });
        }
    }
    if let Some(replacement) = &rule.replacement {
        if rule.action != FilterAction::Replace {
            return Err(FilterError::ReplacementWithoutReplace { rule: index, term: term() });
        }
        if replacement.chars().count() > MAX_REPLACEMENT_CHARS {
            return Err(FilterError::ReplacementTooLong { rule: index, term: term() });
        }
    }
    Phrase::literal(&rule.term).ok_or_else(|| FilterError::TermWithoutWords { rule: index, term: term() })
}

/// Replaces byte ranges of `text`, leaving every other byte as it was. Where
/// ranges overlap, the earlier one's replacement covers both.
fn replace_spans(text: &str, mut replacements: Vec<(Range<usize>, &str)>) -> String {
    replacements.sort_by_key(|(span, _)| span.start);
    let mut replaced = String::with_capacity(text.len());
    let mut copied_up_to = 0;
    for (span, replacement) in replacements {
        if span.start < copied_up_to {
            copied_up_to = copied_up_to.max(span.end);
            continue;
        }
        replaced.push_str(&text[copied_up_to..span.start]);
        replaced.push_str(replacement);
        copied_up_to = span.end;
    }
    replaced.push_str(&text[copied_up_to..]);
    replaced
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(term: &str, action: FilterAction) -> FilterRule {
        FilterRule { term: term.to_owned(), action, message: None, replacement: None }
    }

    fn filter(rules: &[(&str, FilterAction)]) -> WordFilter {
        WordFilter::new(rules.iter().map(|&(term, action)| rule(term, action))).expect("valid rules")
    }

    #[test]
    fn the_shipped_rules_compile() {
        assert!(default_filter_rules().len() >= 20);
        assert_eq!(WordFilter::shipped().rules.len(), default_filter_rules().len());
    }

    #[test]
    fn the_shipped_rules_use_every_action() {
        let rules = default_filter_rules();
        for action in [FilterAction::Block, FilterAction::Hold, FilterAction::Flag, FilterAction::Replace] {
            assert!(rules.iter().any(|rule| rule.action == action), "no {action:?} rule");
        }
    }

    #[test]
    fn the_shipped_blocking_rules_each_explain_themselves() {
        for rule in default_filter_rules().iter().filter(|rule| rule.action == FilterAction::Block) {
            assert!(rule.message.as_deref().is_some_and(|message| message.len() > 20), "{}", rule.term);
        }
    }

    #[test]
    fn actions_are_ordered_from_replace_to_block() {
        use FilterAction::*;
        assert!(Replace < Flag && Flag < Hold && Hold < Block);
    }

    #[test]
    fn the_strongest_matched_action_wins() {
        use FilterAction::*;
        let filter =
            filter(&[("idiot", Replace), ("miracle cure", Flag), ("pathetic", Hold), ("crypto giveaway", Block)]);
        let cases = [
            ("an idiot", Some(Replace)),
            ("an idiot selling a miracle cure", Some(Flag)),
            ("pathetic idiot, miracle cure", Some(Hold)),
            ("idiot: crypto giveaway, pathetic miracle cure", Some(Block)),
            ("a kind word", None),
        ];
        for (text, action) in cases {
            assert_eq!(filter.check(text).action, action, "{text}");
        }
    }

    #[test]
    fn every_matched_rule_is_reported_in_text_order_with_its_spans() {
        let filter = filter(&[("idiot", FilterAction::Replace), ("miracle cure", FilterAction::Flag)]);
        let text = "A Miracle  Cure, said the idiot, the 1d10t!";
        let outcome = filter.check(text);
        let reported: Vec<(usize, &str, Vec<&str>)> = outcome
            .matches
            .iter()
            .map(|found| {
                (found.rule, found.term.as_str(), found.spans.iter().map(|span| &text[span.clone()]).collect())
            })
            .collect();
        assert_eq!(reported, [(1, "miracle cure", vec!["Miracle  Cure"]), (0, "idiot", vec!["idiot", "1d10t"])]);
    }

    #[test]
    fn replacements_change_only_the_matched_words() {
        let filter = filter(&[("idiot", FilterAction::Replace)]);
        let text = "Café 😀 — you ÏDIOT, naïve i.d.i.o.t\u{200B}! Ĩdiot’s 👍🏽 idiot";
        let outcome = filter.check(text);
        assert_eq!(outcome.replaced_text.as_deref(), Some("Café 😀 — you ***, naïve ***! Ĩdiot’s 👍🏽 ***"));
    }

    #[test]
    fn a_rule_can_name_its_replacement() {
        let mut rule = rule("moron", FilterAction::Replace);
        rule.replacement = Some("[removed]".to_owned());
        let filter = WordFilter::new([rule]).expect("a valid rule");
        assert_eq!(filter.check("what a MORON.").replaced_text.as_deref(), Some("what a [removed]."));
    }

    #[test]
    fn overlapping_replacements_are_merged() {
        let filter = filter(&[("silly idiot", FilterAction::Replace), ("idiot face", FilterAction::Replace)]);
        assert_eq!(filter.check("a silly idiot face here").replaced_text.as_deref(), Some("a *** here"));
    }

    #[test]
    fn a_text_without_replace_matches_has_no_replaced_text() {
        let filter = filter(&[("pathetic", FilterAction::Hold)]);
        assert_eq!(filter.check("so pathetic").replaced_text, None);
    }

    #[test]
    fn a_block_reports_the_first_blocking_rules_message() {
        let mut first = rule("crypto giveaway", FilterAction::Block);
        first.message = Some("No scams here.".to_owned());
        let second = rule("buy followers", FilterAction::Block);
        let filter = WordFilter::new([second, first]).expect("valid rules");
        assert_eq!(filter.check("crypto giveaway! buy followers").block_message.as_deref(), Some("No scams here."));
        assert_eq!(
            filter.check("buy followers, crypto giveaway").block_message.as_deref(),
            Some(DEFAULT_BLOCK_MESSAGE)
        );
        assert_eq!(filter.check("hello").block_message, None);
    }

    #[test]
    fn invalid_rules_are_refused_with_their_position() {
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        let with = |term: &str, action, message: Option<&str>, replacement: Option<&str>| FilterRule {
            term: term.to_owned(),
            action,
            message: message.map(str::to_owned),
            replacement: replacement.map(str::to_owned),
        };
        let long_message = "m".repeat(MAX_MESSAGE_CHARS + 1);
        let long_replacement = "r".repeat(MAX_REPLACEMENT_CHARS + 1);
        let cases = [
            (with("  ", FilterAction::Flag, None, None), FilterError::EmptyTerm { rule: 1 }),
            (with(&long, FilterAction::Flag, None, None), FilterError::TermTooLong { rule: 1, term: long.clone() }),
            (with("?!", FilterAction::Flag, None, None), FilterError::TermWithoutWords { rule: 1, term: "?!".into() }),
            (
                with("x", FilterAction::Hold, Some("no"), None),
                FilterError::MessageWithoutBlock { rule: 1, term: "x".into() },
            ),
            (
                with("x", FilterAction::Block, Some(&long_message), None),
                FilterError::MessageTooLong { rule: 1, term: "x".into() },
            ),
            (
                with("x", FilterAction::Flag, None, Some("y")),
                FilterError::ReplacementWithoutReplace { rule: 1, term: "x".into() },
            ),
            (
                with("x", FilterAction::Replace, None, Some(&long_replacement)),
                FilterError::ReplacementTooLong { rule: 1, term: "x".into() },
            ),
        ];
        for (invalid, error) in cases {
            let result = WordFilter::new([rule("fine", FilterAction::Flag), invalid]);
            assert_eq!(result.map(|_| ()), Err(error));
        }
    }

    #[test]
    fn a_term_of_exactly_the_longest_length_is_accepted() {
        assert!(WordFilter::new([rule(&"a".repeat(MAX_TERM_CHARS), FilterAction::Flag)]).is_ok());
    }

    #[test]
    fn an_administrators_list_is_read_from_toml() {
        let rules = FilterRule::list_from_toml(
            "[[rules]]\nterm = \"buy now\"\naction = \"hold\"\n\n[[rules]]\nterm = \"darn\"\naction = \"replace\"\nreplacement = \"d**n\"\n",
        )
        .expect("valid TOML");
        assert_eq!(rules[1].replacement.as_deref(), Some("d**n"));
        assert!(FilterRule::list_from_toml("[[rules]]\nterm = \"x\"\naction = \"delete\"\n").is_err());
        assert!(FilterRule::list_from_toml("[[rules]]\nterm = \"x\"\naction = \"flag\"\ncolour = \"red\"\n").is_err());
    }

    #[test]
    fn a_thousand_rules_are_checked_in_one_pass() {
        let mut rules: Vec<FilterRule> =
            (0..999).map(|n| rule(&format!("spamword{n} offer{n}"), FilterAction::Flag)).collect();
        rules.push(rule("needle phrase", FilterAction::Hold));
        let filter = WordFilter::new(rules).expect("valid rules");
        let mut text = "Some ordinary words about walking, pacing and breathing. ".repeat(350);
        text.push_str("spamword500 offer500 and a n e e d l e phrase and spamword7 offer8");
        assert!(text.chars().count() > 20_000);
        let outcome = filter.check(&text);
        let matched: Vec<usize> = outcome.matches.iter().map(|found| found.rule).collect();
        assert_eq!(matched, [500, 999]);
        assert_eq!(outcome.action, Some(FilterAction::Hold));
    }
}
