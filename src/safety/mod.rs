//! Safety where members write: who may take part (sanctions), how far a
//! member is trusted, how fast they may go, and the screening every post and
//! chat message passes before it is stored.

pub mod limits;
pub mod names;
pub mod participation;
pub mod screening;
pub mod trust;
pub mod writing;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use moderation::crisis::CrisisScreen;
use moderation::decision::{Decision, screen};
use moderation::filters::{FilterRule, WordFilter, default_filter_rules};

use crate::config::CrisisAction;
use crate::instance::LiveInstance;

/// The instance's screening rules, loaded once at start; its helplines and
/// crisis action as the instance's settings have them now.
pub struct Safety {
    pub crisis: CrisisScreen,
    instance: Arc<LiveInstance>,
    shipped_rules: Vec<FilterRule>,
    shipped_filter: Arc<WordFilter>,
    /// Each community's filter, compiled once for the rules added through
    /// the API it was built from: compiling is the costly part of screening.
    compiled: Mutex<HashMap<i64, CompiledFilter>>,
}

/// A filter compiled from the shipped rules and the added rules it keeps.
type CompiledFilter = (Vec<FilterRule>, Arc<WordFilter>);

impl Safety {
    pub fn load(instance: Arc<LiveInstance>) -> anyhow::Result<Self> {
        let crisis = CrisisScreen::shipped("en").map_err(|error| anyhow::anyhow!("crisis rules: {error}"))?;
        let shipped_rules = default_filter_rules();
        let shipped_filter = Arc::new(WordFilter::new(shipped_rules.clone())?);
        Ok(Self { crisis, instance, shipped_rules, shipped_filter, compiled: Mutex::default() })
    }

    /// What happens to a post or message that screens as a crisis, now.
    pub fn crisis_action(&self) -> CrisisAction {
        self.instance.current().crisis_action
    }

    /// Screens `text` written in a community with the shipped filters plus
    /// `added` (the instance's and the community's, as stored now), and the
    /// crisis rules.
    pub fn decide(&self, community_id: i64, added: Vec<FilterRule>, text: &str) -> anyhow::Result<Decision> {
        let filter = self.filter_for(community_id, added)?;
        Ok(screen(text, &filter, &self.crisis))
    }

    /// The compiled filter for `added`, reused while a community's added
    /// rules stay the same; whichever process changed them, the rules read
    /// with the text decide.
    fn filter_for(&self, community_id: i64, added: Vec<FilterRule>) -> anyhow::Result<Arc<WordFilter>> {
        if added.is_empty() {
            return Ok(self.shipped_filter.clone());
        }
        let compiled = || self.compiled.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((rules, filter)) = compiled().get(&community_id)
            && *rules == added
        {
            return Ok(filter.clone());
        }
        let filter = Arc::new(WordFilter::new(self.shipped_rules.iter().cloned().chain(added.iter().cloned()))?);
        compiled().insert(community_id, (added, filter.clone()));
        Ok(filter)
    }
}
