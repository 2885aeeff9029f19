//! The checks a member's post or chat message passes, in the transaction
//! that stores it, in one order for both: sanctions, rate limits, then
//! screening; and, once it is stored, the queue item screening asked for.

use super::participation::{self, Place};
use super::screening::{self, Screened, Writer};
use super::{Safety, limits};
use crate::auth::Member;
use crate::db::communities as community_store;
use crate::db::queue::ItemSubject;
use crate::db::{AnyConnection, chat, posts, users};
use crate::domain::moderation::Subject;
use crate::error::ApiResult;
use crate::policy::{Authority, Standing};
use crate::safeguarding::{self, Raised, Risk};
use crate::state::AppState;
use crate::views::support::{HelplineView, Support};
use moderation::crisis::RiskLevel;

/// What a member is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writing {
    Post,
    Chat { room_id: i64 },
}

/// Checks that `member` may write `text` in a community now (current
/// guidelines accepted, no sanction in the way, within the rate limits) and
/// screens it.
pub fn check(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    writing: Writing,
    text: &str,
) -> ApiResult<Screened> {
    let (safety, settings) = (&state.safety, &state.settings);
    let room_id = match writing {
        Writing::Post => None,
        Writing::Chat { room_id } => Some(room_id),
    };
    let instance = state.instance.current();
    users::require_acceptance(connection, member.user_id, &instance.acceptance())?;
    participation::ensure_may_write(connection, member.user_id, Place { community_id, room_id })?;
    let moderates_here = matches!(Authority::of(member, Some(standing)), Authority::Admin | Authority::Moderator);
    // Chat is conversation: holding a new member's first lines would stall it.
    let holds_first = match writing {
        Writing::Post => (instance.hold_first_posts, community_store::hold_first_posts(connection, community_id)?),
        Writing::Chat { .. } => (0, 0),
    };
    let writer = Writer { user_id: member.user_id, community_id, moderates_here, holds_first };
    let screened = screening::screen(connection, safety, settings, writer, text)?;
    match writing {
        Writing::Post => limits::posting(connection, settings, member.user_id)?,
        Writing::Chat { .. } => limits::chatting(connection, settings, member.user_id)?,
    }
    Ok(screened)
}

/// Once the content is stored: marks a post or message whose words screened as a
/// high-risk crisis (medium risk is signposting on words that are often
/// ordinary, so it does not hide a post; an edit that no longer screens
/// keeps the mark: it stays withheld from visitors), and raises the queue item screening asked for; an urgent
/// one is told to the safeguarding leads (see `safeguarding`).
pub fn queue_if_asked(
    connection: &mut AnyConnection,
    state: &AppState,
    screened: &Screened,
    subject: ItemSubject,
) -> ApiResult<Option<Raised>> {
    if screened.crisis == Some(RiskLevel::High) {
        match subject.kind {
            Subject::Post => posts::mark_crisis(connection, subject.id)?,
            Subject::Message => chat::mark_crisis(connection, subject.id)?,
            Subject::Thread | Subject::Member | Subject::DirectoryEntry => {}
        }
    }
    let Some(pressure) = screened.queue.clone() else { return Ok(None) };
    safeguarding::raise(connection, state, subject, pressure, Risk::of(screened.crisis)).map(Some)
}

pub const SUPPORT_MESSAGE: &str = "It sounds like things may be really hard right now. You don't have to face this \
alone: these services are free, confidential and there to listen.";

/// What happens next when a safeguarding lead was told.
pub const LEAD_ALERTED: &str = "A trained safeguarding lead has been told and will look at what you wrote as soon as \
they can. They may reach out to you here, in a private conversation only you and they can see. If you might act \
on these feelings now, please call one of the services below or your local emergency number.";

/// What happens next when the moderators were told but no lead is appointed.
pub const MODERATORS_TOLD: &str = "The moderators will see what you wrote. They are volunteers, not a crisis service: \
if you might act on these feelings now, please call one of the services below or your local emergency number.";

/// What happens next when nobody was told (the instance publishes medium-risk words unqueued).
pub const NOBODY_TOLD: &str = "These services are free, confidential and there for you. If you might act on these \
feelings now, please call one of them or your local emergency number.";

impl Safety {
    /// The helplines to show an author now, if screening asked for them,
    /// with whether a safeguarding lead was told (`raised`: the queue item
    /// the text raised, if any) and what happens next.
    pub fn support_for(&self, screened: &Screened, raised: Option<&Raised>) -> Option<Support> {
        if !screened.show_helplines {
            return None;
        }
        let urgent = raised.filter(|_| screened.queue.as_ref().is_some_and(|pressure| pressure.urgent));
        Some(match urgent {
            Some(raised) => self.support_after(raised),
            None => Support { alerted: Some(false), what_happens_next: Some(NOBODY_TOLD), ..self.support() },
        })
    }

    /// What a member is told once an urgent item was raised about what they wrote.
    pub fn support_after(&self, raised: &Raised) -> Support {
        let next = if raised.lead_exists { LEAD_ALERTED } else { MODERATORS_TOLD };
        Support { alerted: Some(raised.lead_exists), what_happens_next: Some(next), ..self.support() }
    }

    pub fn support(&self) -> Support {
        Support {
            message: SUPPORT_MESSAGE,
            helplines: self
                .instance
                .current()
                .helplines
                .iter()
                .map(|helpline| HelplineView {
                    name: helpline.name.clone(),
                    phone: helpline.phone.clone(),
                    text: helpline.text.clone(),
                    hours: helpline.hours.clone(),
                    url: helpline.url.clone(),
                    description: helpline.description.clone(),
                    phone_link: helpline.call_link(),
                    text_link: helpline.text_link(),
                })
                .collect(),
            alerted: None,
            what_happens_next: None,
        }
    }
}
