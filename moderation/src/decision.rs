//! The one decision the server asks for about anything a member writes
//! (posts, chat messages, profile text): word filters and crisis screening
//! run together on a single normalisation of the text.
//!
//! The action comes from the word filters alone. Crisis risk is reported
//! beside it, for the server to combine with the instance's own policy
//! (publish, hold or flag crisis content) and to show the author helplines.

use serde::Serialize;

use crate::crisis::{CrisisScreen, RiskLevel};
use crate::filters::{DEFAULT_BLOCK_MESSAGE, FilterAction, FilterMatch, WordFilter};
use crate::normalise::NormalisedText;

/// What to do with a text, as the word filters decide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Publish it (as `text_to_publish`, when that is set).
    Publish,
    /// Publish it, and show it to moderators.
    Flag,
    /// Keep it back until a moderator approves it.
    Hold,
    /// Refuse it, telling the author `message`.
    Block { message: String },
}

/// The outcome of screening one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: Action,
    /// The text with `replace` filters applied, when they changed it and the
    /// text is not blocked: publish (or hold) this instead of the original.
    pub text_to_publish: Option<String>,
    /// The risk of suicide or self-harm the text suggests, if any.
    pub crisis: Option<RiskLevel>,
    /// The ids of the crisis patterns that matched, to show moderators why.
    pub crisis_patterns: Vec<String>,
    /// Every filter rule that matched, in text order.
    pub matched_filters: Vec<FilterMatch>,
}

/// Screens a member's text with the instance's word filters and crisis rules.
pub fn screen(text: &str, filters: &WordFilter, crisis: &CrisisScreen) -> Decision {
    let normalised = NormalisedText::new(text);
    let filtered = filters.check_normalised(text, &normalised);
    let screened = crisis.screen_normalised(&normalised);
    let action = match (filtered.action, filtered.block_message) {
        (Some(FilterAction::Block), message) => {
            Action::Block { message: message.unwrap_or_else(|| DEFAULT_BLOCK_MESSAGE.to_owned()) }
        }
        (Some(FilterAction::Hold), _) => Action::Hold,
        (Some(FilterAction::Flag), _) => Action::Flag,
        (Some(FilterAction::Replace) | None, _) => Action::Publish,
    };
    let text_to_publish = match action {
        Action::Block { .. } => None,
        _ => filtered.replaced_text,
    };
    Decision {
        action,
        text_to_publish,
        crisis: screened.risk,
        crisis_patterns: screened.matched,
        matched_filters: filtered.matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::FilterRule;

    fn decide(text: &str) -> Decision {
        screen(text, &WordFilter::shipped(), &CrisisScreen::shipped("en").expect("English rules"))
    }

    #[test]
    fn an_ordinary_text_is_published_unchanged() {
        let decision = decide("Had a good walk by the canal today, breathing much easier.");
        assert_eq!(
            decision,
            Decision {
                action: Action::Publish,
                text_to_publish: None,
                crisis: None,
                crisis_patterns: vec![],
                matched_filters: vec![],
            }
        );
    }

    #[test]
    fn a_replaced_insult_is_published_with_the_replacement() {
        let decision = decide("My ex was an idiot about it.");
        assert_eq!(decision.action, Action::Publish);
        assert_eq!(decision.text_to_publish.as_deref(), Some("My ex was an *** about it."));
        assert_eq!(decision.matched_filters[0].term, "idiot");
    }

    #[test]
    fn a_held_text_keeps_its_replacements_for_when_it_is_approved() {
        let decision = decide("You're pathetic, you idiot.");
        assert_eq!(decision.action, Action::Hold);
        assert_eq!(decision.text_to_publish.as_deref(), Some("You're pathetic, you ***."));
    }

    #[test]
    fn misinformation_is_flagged() {
        assert_eq!(decide("This miracle cure fixed my COPD!").action, Action::Flag);
    }

    #[test]
    fn a_blocked_text_carries_the_rules_message_and_nothing_to_publish() {
        let decision = decide("I hope you die, you idiot!");
        let Action::Block { message } = &decision.action else { panic!("expected a block, got {decision:?}") };
        assert!(message.contains("never OK"));
        assert_eq!(decision.text_to_publish, None);
    }

    #[test]
    fn a_block_without_a_message_uses_the_default() {
        let filters = WordFilter::new([FilterRule {
            term: "forbidden".into(),
            action: FilterAction::Block,
            message: None,
            replacement: None,
        }])
        .expect("a valid rule");
        let crisis = CrisisScreen::shipped("en").expect("English rules");
        let decision = screen("forbidden", &filters, &crisis);
        assert_eq!(decision.action, Action::Block { message: DEFAULT_BLOCK_MESSAGE.into() });
    }

    #[test]
    fn crisis_risk_is_reported_beside_the_filter_action() {
        let decision = decide("I can't go on, I want to end it all.");
        assert_eq!(decision.action, Action::Publish);
        assert_eq!(decision.crisis, Some(RiskLevel::High));
        assert_eq!(decision.crisis_patterns, ["cant_go_on", "end_it_all"]);
    }

    #[test]
    fn crisis_risk_is_reported_even_when_the_text_is_blocked() {
        let decision = decide("kys, I'm going to kill myself anyway");
        assert!(matches!(decision.action, Action::Block { .. }));
        assert_eq!(decision.crisis, Some(RiskLevel::High));
    }

    #[test]
    fn an_action_serialises_with_its_kind() {
        let block = Action::Block { message: "No.".into() };
        assert_eq!(toml::to_string(&block).expect("an action serialises"), "kind = \"block\"\nmessage = \"No.\"\n");
    }
}
