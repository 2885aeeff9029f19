//! Safeguarding: an urgent queue item reaches a person at once. When an
//! item becomes urgent (crisis screening, a risk report) every safeguarding
//! lead for its community and the instance's leads are told in the item's
//! own transaction (inbox and live); the `sweeper` then mails them, calls
//! the instance's webhook, and tells the admins if nobody claims the item
//! in time.

pub mod sweeper;
pub mod webhook;

use moderation::crisis::RiskLevel;

use crate::db::AnyConnection;
use crate::db::queue::{self, ItemSubject, Pressure};
use crate::db::safeguarding::{self as store, NewAlert};
use crate::domain::following::NotificationKind;
use crate::error::ApiResult;
use crate::live::broker::Note;
use crate::notify;
use crate::state::AppState;

/// How urgent an alert says its item is: screening's risk level, or a
/// member's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    High,
    Medium,
    Reported,
}

impl Risk {
    /// Screening's risk level, or a report when screening found none.
    pub fn of(level: Option<RiskLevel>) -> Self {
        match level {
            Some(RiskLevel::High) => Risk::High,
            Some(RiskLevel::Medium) => Risk::Medium,
            None => Risk::Reported,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::High => "high",
            Risk::Medium => "medium",
            Risk::Reported => "reported",
        }
    }
}

/// What raising an item did.
#[derive(Debug, Default)]
pub struct Raised {
    pub item_id: i64,
    /// Safeguarding leads told of it now (none when it was urgent already).
    pub leads_told: usize,
    /// Whether a safeguarding lead covers this item's community (a trained
    /// person hears of it), whether or not it was new.
    pub lead_exists: bool,
    /// For the leads' live connections, once the transaction commits.
    pub live: Option<Note>,
}

/// Opens or adds to the queue item about `subject`; when that makes it
/// urgent, tells the safeguarding leads (never its author) and records what
/// the sweeper still has to send.
pub fn raise(
    connection: &mut AnyConnection,
    state: &AppState,
    subject: ItemSubject,
    pressure: Pressure,
    risk: Risk,
) -> ApiResult<Raised> {
    let urgent = pressure.urgent;
    let raised = queue::raise(connection, subject, pressure)?;
    let mut outcome = Raised { item_id: raised.id, ..Raised::default() };
    if !urgent {
        return Ok(outcome);
    }
    let leads: Vec<i64> = store::leads_for(connection, subject.community_id)?
        .into_iter()
        .filter(|lead| *lead != subject.author_id)
        .collect();
    outcome.lead_exists = !leads.is_empty();
    if !raised.became_urgent {
        return Ok(outcome);
    }
    let alert = NewAlert {
        item_id: raised.id,
        risk: risk.as_str(),
        mail: state.mailer.is_configured() && !leads.is_empty(),
        webhook: state.settings.safeguarding_webhook().is_some(),
    };
    if !store::raise(connection, &alert)? {
        return Ok(outcome);
    }
    notify::tell_each(connection, &leads, NotificationKind::SafeguardingAlert, raised.id, None)?;
    outcome.leads_told = leads.len();
    outcome.live = notify::announce(connection, leads, state.hub.process_id)?;
    Ok(outcome)
}

/// Where a lead opens an item in the web client.
pub fn item_link(public_origin: &str, item_id: i64) -> String {
    format!("{public_origin}/moderation/items/{item_id}")
}
