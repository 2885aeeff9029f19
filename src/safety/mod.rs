//! Safety where members write: who may take part (sanctions), how far a
//! member is trusted, how fast they may go, and the screening every post and
//! chat message passes before it is stored.

pub mod limits;
pub mod participation;
pub mod screening;
pub mod trust;
pub mod writing;

use moderation::crisis::CrisisScreen;
use moderation::decision::{Decision, screen};
use moderation::filters::{FilterRule, WordFilter, default_filter_rules};
use moderation::helplines::{Helpline, Helplines};

use crate::config::{CrisisAction, Settings};

/// The instance's screening rules and helplines, loaded once at start.
pub struct Safety {
    pub crisis: CrisisScreen,
    pub crisis_action: CrisisAction,
    /// The helplines members in crisis are shown, for the instance's locale.
    pub helplines: Vec<Helpline>,
    shipped_rules: Vec<FilterRule>,
    shipped_filter: WordFilter,
}

impl Safety {
    pub fn load(settings: &Settings) -> anyhow::Result<Self> {
        let crisis = CrisisScreen::shipped("en").map_err(|error| anyhow::anyhow!("crisis rules: {error}"))?;
        let helplines = match &settings.helplines_file {
            None => moderation::helplines::helplines(&settings.helplines_locale).to_vec(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", path.display()))?;
                Helplines::from_toml(&text)
                    .map_err(|error| anyhow::anyhow!("{} is not valid: {error}", path.display()))?
                    .for_locale(&settings.helplines_locale)
                    .to_vec()
            }
        };
        let shipped_rules = default_filter_rules();
        let shipped_filter = WordFilter::new(shipped_rules.clone())?;
        Ok(Self { crisis, crisis_action: settings.crisis_action, helplines, shipped_rules, shipped_filter })
    }

    /// Screens `text` with the shipped filters plus those added through the
    /// API, and the crisis rules.
    pub fn decide(&self, added: Vec<FilterRule>, text: &str) -> anyhow::Result<Decision> {
        if added.is_empty() {
            return Ok(screen(text, &self.shipped_filter, &self.crisis));
        }
        let filter = WordFilter::new(self.shipped_rules.iter().cloned().chain(added))?;
        Ok(screen(text, &filter, &self.crisis))
    }
}
