//! Display names pass the instance's word filters and the crisis rules, as
//! posts do (through `Safety::decide`), since a name is shown beside every
//! post and in every list. A name cannot wait in a queue like a post, so
//! what a filter would hold is refused; what it would flag, and crisis
//! words, raise an item about the member (crisis ones urgent, with
//! helplines shown to them at once).

use moderation::decision::Action;
use serde_json::json;

use super::Safety;
use crate::db::queue::{self, FLAGGED_WEIGHT, ItemSubject, Pressure};
use crate::db::{AnyConnection, word_filters};
use crate::domain::account::DisplayName;
use crate::domain::moderation::Subject;
use crate::error::{ApiError, ApiResult};

/// No community: the key the instance-wide filter is kept under.
const INSTANCE_WIDE: i64 = 0;

/// A display name that passed screening, and what it asks of moderators.
pub struct ScreenedName {
    pub name: DisplayName,
    queue: Option<Pressure>,
    pub show_helplines: bool,
}

/// Screens a display name with the instance's filters and the crisis rules.
pub fn screen(connection: &mut AnyConnection, safety: &Safety, name: DisplayName) -> ApiResult<ScreenedName> {
    let rules = word_filters::list(connection, None)?.iter().map(|row| row.rule()).collect::<ApiResult<Vec<_>>>()?;
    let decision = safety.decide(INSTANCE_WIDE, rules, name.as_str()).map_err(ApiError::internal)?;
    match &decision.action {
        Action::Block { message } => return Err(ApiError::invalid("blocked_by_filter", message.clone())),
        Action::Hold => {
            return Err(ApiError::invalid(
                "display_name_refused",
                "That display name would need a moderator's review. Please choose another.",
            ));
        }
        _ => {}
    }
    let name = match decision.text_to_publish {
        Some(replaced) => DisplayName::parse(&replaced)?,
        None => name,
    };
    let flagged = decision.action == Action::Flag;
    let urgent = decision.crisis.is_some();
    let queue = (flagged || urgent).then(|| Pressure {
        urgent,
        held: false,
        screening: Some(
            json!({
                "filters": decision.matched_filters.iter().map(|found| &found.term).collect::<Vec<_>>(),
                "crisis": decision.crisis,
                "crisis_patterns": decision.crisis_patterns,
                "display_name": true,
            })
            .to_string(),
        ),
        reports: 0,
        weight: FLAGGED_WEIGHT,
    });
    Ok(ScreenedName { name, queue, show_helplines: urgent })
}

impl ScreenedName {
    /// Raises the item screening asked for, once the member exists.
    pub fn queue_if_asked(&self, connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
        if let Some(pressure) = self.queue.clone() {
            let subject = ItemSubject { kind: Subject::Member, id: user_id, community_id: None, author_id: user_id };
            queue::raise(connection, subject, pressure)?;
        }
        Ok(())
    }
}
