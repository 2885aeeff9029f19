//! The screening every post and chat message passes inside the transaction
//! that stores it: word filters (the shipped list, the instance's and the
//! community's), crisis screening, new-member limits and holds. It decides
//! the state the content is stored in, what goes to the moderation queue,
//! and whether its author is shown helplines at once.

use moderation::crisis::RiskLevel;
use moderation::decision::Action;
use serde_json::json;

use super::Safety;
use super::trust::{self, TrustLevel};
use crate::config::{CrisisAction, Settings};
use crate::db::queue::{FLAGGED_WEIGHT, HELD_WEIGHT, Pressure};
use crate::db::{AnyConnection, word_filters};
use crate::domain::moderation::ContentState;
use crate::error::{ApiError, ApiResult};

/// Who is writing, and where.
#[derive(Debug, Clone, Copy)]
pub struct Writer {
    pub user_id: i64,
    pub community_id: i64,
    /// Moderators and admins are not held as new members.
    pub moderates_here: bool,
    /// How many first posts the instance and the community hold (0: none).
    pub holds_first: (u32, i32),
}

/// What screening decided.
#[derive(Debug, Clone)]
pub struct Screened {
    /// The text to store, when replace filters changed it.
    pub replaced_text: Option<String>,
    pub state: ContentState,
    /// A queue item to raise once the content is stored.
    pub queue: Option<Pressure>,
    /// Whether to show the author the instance's helplines now.
    pub show_helplines: bool,
    /// The risk crisis screening found, if any.
    pub crisis: Option<RiskLevel>,
}

/// Screens `text` written by `writer`; a blocked text is refused with the
/// filter's message, and too many links or mentions from a new member too.
pub fn screen(
    connection: &mut AnyConnection,
    safety: &Safety,
    settings: &Settings,
    writer: Writer,
    text: &str,
) -> ApiResult<Screened> {
    let added = word_filters::applying_to(connection, writer.community_id)?
        .iter()
        .map(|row| row.rule())
        .collect::<ApiResult<Vec<_>>>()?;
    let decision = safety.decide(writer.community_id, added, text).map_err(ApiError::internal)?;
    if let Action::Block { message } = &decision.action {
        return Err(ApiError::invalid("blocked_by_filter", message.clone()));
    }
    // Trust is worked out only for a text past a new member's allowance.
    if !writer.moderates_here
        && let Some(refusal) = past_new_member_allowance(text, settings)
        && trust::of_member(connection, writer.user_id, settings)? == TrustLevel::NEW
    {
        return Err(refusal);
    }
    let new_member_hold = !writer.moderates_here && holds_first_posts(connection, writer)?;
    let crisis = decision.crisis;
    let crisis_action = safety.crisis_action();
    let crisis_holds = crisis.is_some() && crisis_action == CrisisAction::Hold;
    let crisis_urgent = match crisis_action {
        CrisisAction::Publish => crisis == Some(RiskLevel::High),
        CrisisAction::Flag | CrisisAction::Hold => crisis.is_some(),
    };
    let held = decision.action == Action::Hold || crisis_holds || new_member_hold;
    let flagged = decision.action == Action::Flag;
    let queue = (held || flagged || crisis_urgent).then(|| Pressure {
        urgent: crisis_urgent,
        held,
        screening: Some(
            json!({
                "filters": decision.matched_filters.iter().map(|found| &found.term).collect::<Vec<_>>(),
                "crisis": crisis,
                "crisis_patterns": decision.crisis_patterns,
                "new_member_hold": new_member_hold,
            })
            .to_string(),
        ),
        reports: 0,
        weight: if held { HELD_WEIGHT } else { FLAGGED_WEIGHT },
    });
    Ok(Screened {
        replaced_text: decision.text_to_publish,
        state: if held { ContentState::Held } else { ContentState::Visible },
        queue,
        show_helplines: crisis.is_some(),
        crisis,
    })
}

/// Whether this is one of the first posts the instance or community holds.
fn holds_first_posts(connection: &mut AnyConnection, writer: Writer) -> ApiResult<bool> {
    let (instance_hold, community_hold) = (i64::from(writer.holds_first.0), i64::from(writer.holds_first.1));
    if instance_hold > 0 && trust::visible_posts(connection, writer.user_id, None, instance_hold)? < instance_hold {
        return Ok(true);
    }
    Ok(community_hold > 0
        && trust::visible_posts(connection, writer.user_id, Some(writer.community_id), community_hold)?
            < community_hold)
}

/// The refusal a new member gets for `text`, if it has more links or
/// mentions than a new member may write.
fn past_new_member_allowance(text: &str, settings: &Settings) -> Option<ApiError> {
    let limits = [
        ("too_many_links", "include up to {} links", count_links(text), settings.new_member_max_links),
        (
            "too_many_mentions",
            "mention up to {} people",
            crate::domain::following::mentions(text).len(),
            settings.new_member_max_mentions,
        ),
    ];
    limits.into_iter().find(|(_, _, found, limit)| found > limit).map(|(code, allowance, _, limit)| {
        let allowance = allowance.replace("{}", &limit.to_string());
        ApiError::invalid(
            code,
            format!("New members can {allowance} in one post or message. The limit lifts as you take part."),
        )
    })
}

/// Links a reader could follow: web addresses, with or without a scheme.
fn count_links(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace() || c == '(' || c == '<' || c == '[')
        .filter(|word| {
            let lower = word.to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_counted_with_and_without_a_scheme() {
        assert_eq!(count_links("see https://a.example and (www.b.example) or [x](http://c.example)"), 3);
        assert_eq!(count_links("no links, just a.b"), 0);
    }
}
