//! The instance as members see it now: its name, brand, texts, helplines
//! and safety settings, built from `kindred.toml`'s defaults and what admins
//! saved in the console. Every process holds the current build and looks
//! for a newer revision in the database every `REFRESH`, so a change made
//! by another process (or the command line) is seen within that bound; the
//! process that saved a change uses it at once.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use actix_web::web::Bytes;
use moderation::helplines::{Helpline, distinct};
use moderation::render::render_markdown;

use crate::brand::Brand;
use crate::config::CrisisAction;
use crate::db::{AnyConnection, Db, instance_settings};
use crate::domain::instance::{InstanceSettings, Joining, SettingsChange};
use crate::error::{ApiError, ApiResult};
use crate::policy::Acceptance;

/// Longest another process's change goes unseen.
pub const REFRESH: Duration = Duration::from_secs(1);

/// One build of the instance's settings, ready to serve.
pub struct Instance {
    /// The saved settings' revision this was built from.
    pub revision: i64,
    pub settings: InstanceSettings,
    pub name: String,
    pub brand: Brand,
    pub guidelines: RenderedDocument,
    pub health_data_consent: RenderedDocument,
    /// The helplines members are shown, for the instance's locale, each service once.
    pub helplines: Vec<Helpline>,
    pub crisis_action: CrisisAction,
    pub hold_first_posts: u32,
    pub joining: Joining,
    /// The footer's texts as safe HTML, each with its field name.
    pub footer: Vec<(&'static str, String)>,
    /// The web client's page, titled with the name and in the instance's colours.
    pub client_page: Option<Bytes>,
}

pub struct RenderedDocument {
    pub version: String,
    pub html: String,
}

impl Instance {
    /// The versions of the guidelines and the consent text members must have accepted to take part.
    pub fn acceptance(&self) -> Acceptance<'_> {
        Acceptance { guidelines: Some(&self.guidelines.version), health_data: Some(&self.health_data_consent.version) }
    }

    fn build(revision: i64, settings: InstanceSettings) -> anyhow::Result<Self> {
        let render = |text: &str| render_markdown(text).map(|rendered| rendered.html);
        let brand = Brand::new(&settings.name, settings.logo_text.as_deref(), settings.brand_colour.as_deref())?;
        let helplines = distinct(settings.parsed_helplines()?.for_locale(&settings.helplines_locale));
        let footer = settings
            .footer
            .texts()
            .into_iter()
            .map(|(field, text)| Ok((field, render(text)?)))
            .collect::<Result<_, moderation::render::RenderError>>()?;
        Ok(Instance {
            revision,
            name: settings.name.clone(),
            client_page: crate::routes::client::page_with(&settings.name, brand.style.as_deref()),
            brand,
            guidelines: RenderedDocument {
                version: settings.guidelines.version.clone(),
                html: render(&settings.guidelines.text)?,
            },
            health_data_consent: RenderedDocument {
                version: settings.health_data_consent.version.clone(),
                html: render(&settings.health_data_consent.text)?,
            },
            helplines,
            crisis_action: settings.crisis_action,
            hold_first_posts: settings.hold_first_posts,
            joining: settings.joining,
            footer,
            settings,
        })
    }
}

/// The current build, replaced whole when the settings change.
pub struct LiveInstance {
    defaults: InstanceSettings,
    current: RwLock<Arc<Instance>>,
}

impl LiveInstance {
    /// The instance as `connection`'s database has it now, over `defaults`.
    pub fn load(defaults: InstanceSettings, connection: &mut AnyConnection) -> anyhow::Result<Self> {
        let (revision, document) = instance_settings::load(connection).map_err(|error| anyhow::anyhow!("{error}"))?;
        let settings = apply(&defaults, &document).map_err(|error| anyhow::anyhow!("the saved settings: {error}"))?;
        let current = RwLock::new(Arc::new(Instance::build(revision, settings)?));
        Ok(Self { defaults, current })
    }

    pub fn current(&self) -> Arc<Instance> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// What `kindred.toml` gives, under what admins saved.
    pub fn defaults(&self) -> &InstanceSettings {
        &self.defaults
    }

    /// Uses the saved `document` of `revision`, unless a newer one is in use already.
    pub fn update(&self, revision: i64, document: &str) -> ApiResult<()> {
        if revision <= self.current().revision {
            return Ok(());
        }
        let settings = apply(&self.defaults, document)?;
        let built = Instance::build(revision, settings).map_err(ApiError::internal)?;
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if revision > current.revision {
            *current = Arc::new(built);
        }
        Ok(())
    }
}

/// The settings `document` (the saved changes, JSON) makes of `defaults`.
pub fn apply(defaults: &InstanceSettings, document: &str) -> ApiResult<InstanceSettings> {
    Ok(defaults.merged(&saved_changes(document)?))
}

/// The changes saved in `document`.
pub fn saved_changes(document: &str) -> ApiResult<SettingsChange> {
    serde_json::from_str(document).map_err(ApiError::internal)
}

/// Loads the saved settings again whenever their revision moves on,
/// until the process ends.
pub async fn follow(db: Db, live: Arc<LiveInstance>) {
    let mut ticks = tokio::time::interval(REFRESH);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let known = live.current().revision;
        let newer = db
            .read(move |connection| {
                if instance_settings::revision(connection)? == known {
                    return Ok(None);
                }
                instance_settings::load(connection).map(Some)
            })
            .await;
        match newer {
            Ok(None) => {}
            Ok(Some((revision, document))) => {
                if let Err(error) = live.update(revision, &document) {
                    tracing::warn!(error = error.message(), "the saved instance settings could not be used");
                }
            }
            Err(error) => tracing::debug!(error = error.message(), "could not look for changed instance settings"),
        }
    }
}
