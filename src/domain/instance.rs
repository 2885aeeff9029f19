//! The instance's settings an admin changes in the console: what
//! `kindred.toml` gave as defaults, overridden field by field by what was
//! saved. A change is parsed whole before anything is stored, and every
//! wrong field is named at once, so a form can show all its errors together.

use std::collections::BTreeMap;

use moderation::helplines::{Helpline, Helplines};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::brand::{self, MAX_LOGO_CHARS};
use crate::config::{CrisisAction, Settings};
use crate::error::{ApiError, FieldError};

/// Longest instance name.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest version label of the guidelines or the consent text.
pub const MAX_VERSION_CHARS: usize = 40;
/// Longest guidelines, consent text or footer text (Markdown).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most of a member's first posts that can be held.
pub const MAX_HOLD_FIRST_POSTS: u32 = 20;

/// How people become members of the instance.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Joining {
    /// Anyone may register.
    Open,
    /// Registrations wait for an admin's approval.
    Approval,
    /// Only people with a member's invitation link may register.
    Invitation,
}

/// A versioned Markdown text members accept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionedText {
    /// Accepting means sending this version back; a new one asks members again.
    pub version: String,
    pub text: String,
}

/// The texts at the foot of every page, in Markdown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    /// Who runs this instance.
    pub operator: String,
    pub privacy: String,
    pub contact: String,
    pub accessibility: String,
    pub terms: String,
}

impl Footer {
    /// Each text with its field name, in the order a page shows them.
    pub fn texts(&self) -> [(&'static str, &str); 5] {
        [
            ("operator", &self.operator),
            ("privacy", &self.privacy),
            ("contact", &self.contact),
            ("accessibility", &self.accessibility),
            ("terms", &self.terms),
        ]
    }
}

/// Every setting the console shows, as in effect now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct InstanceSettings {
    /// 1 to 80 characters.
    pub name: String,
    /// The header's wordmark (at most 40 characters); the name when unset.
    pub logo_text: Option<String>,
    /// `#rrggbb`, readable on light and dark pages; the shipped colours when unset.
    pub brand_colour: Option<String>,
    pub guidelines: VersionedText,
    pub health_data_consent: VersionedText,
    /// Helplines per locale (such as `en-GB`); an `en` list is needed, shown when no other fits.
    #[schema(value_type = Object)]
    pub helplines: BTreeMap<String, Vec<Helpline>>,
    /// Which list members are shown, e.g. `en-GB`.
    pub helplines_locale: String,
    pub crisis_action: CrisisAction,
    /// How many of a member's first posts wait for approval, instance-wide (0 to 20).
    pub hold_first_posts: u32,
    pub joining: Joining,
    pub footer: Footer,
}

/// A change to the settings: only the fields sent change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub name: Option<String>,
    /// An empty text goes back to the name.
    pub logo_text: Option<String>,
    /// An empty text goes back to the shipped colours.
    pub brand_colour: Option<String>,
    pub guidelines: Option<VersionedText>,
    pub health_data_consent: Option<VersionedText>,
    #[schema(value_type = Option<Object>)]
    pub helplines: Option<BTreeMap<String, Vec<Helpline>>>,
    pub helplines_locale: Option<String>,
    pub crisis_action: Option<CrisisAction>,
    pub hold_first_posts: Option<u32>,
    pub joining: Option<Joining>,
    pub footer: Option<Footer>,
}

impl SettingsChange {
    /// The saved changes with `newer` made after them: each field sent wins.
    pub fn then(self, newer: SettingsChange) -> SettingsChange {
        SettingsChange {
            name: newer.name.or(self.name),
            logo_text: newer.logo_text.or(self.logo_text),
            brand_colour: newer.brand_colour.or(self.brand_colour),
            guidelines: newer.guidelines.or(self.guidelines),
            health_data_consent: newer.health_data_consent.or(self.health_data_consent),
            helplines: newer.helplines.or(self.helplines),
            helplines_locale: newer.helplines_locale.or(self.helplines_locale),
            crisis_action: newer.crisis_action.or(self.crisis_action),
            hold_first_posts: newer.hold_first_posts.or(self.hold_first_posts),
            joining: newer.joining.or(self.joining),
            footer: newer.footer.or(self.footer),
        }
    }
}

impl InstanceSettings {
    /// The settings `kindred.toml` (and the shipped files it names) give.
    pub fn defaults(settings: &Settings) -> anyhow::Result<Self> {
        let document = |path: Option<&std::path::Path>, shipped: fn() -> moderation::rules::Document| {
            let document = match path {
                None => shipped(),
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", path.display()))?;
                    moderation::rules::Document::from_toml(&text)
                        .map_err(|error| anyhow::anyhow!("{} is not valid: {error}", path.display()))?
                }
            };
            anyhow::Ok(VersionedText { version: document.version, text: document.text })
        };
        let helplines_toml = match &settings.helplines_file {
            None => include_str!("../../moderation/rules/helplines.toml").to_owned(),
            Some(path) => std::fs::read_to_string(path)
                .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", path.display()))?,
        };
        let helplines: BTreeMap<String, Vec<Helpline>> =
            toml::from_str(&helplines_toml).map_err(|error| anyhow::anyhow!("the helplines are not valid: {error}"))?;
        let defaults = InstanceSettings {
            name: settings.instance_name.clone(),
            logo_text: settings.logo_text.clone(),
            brand_colour: settings.brand_colour.clone(),
            guidelines: document(settings.guidelines_file.as_deref(), moderation::rules::default_guidelines)?,
            health_data_consent: document(
                settings.health_data_consent_file.as_deref(),
                moderation::rules::default_health_data_consent,
            )?,
            helplines,
            helplines_locale: settings.helplines_locale.clone(),
            crisis_action: settings.crisis_action,
            hold_first_posts: settings.hold_first_posts,
            joining: settings.joining,
            footer: settings.footer.clone(),
        };
        let problems = defaults.problems();
        if let Some(problem) = problems.first() {
            anyhow::bail!("invalid configuration: {}: {}", problem.field, problem.message);
        }
        Ok(defaults)
    }

    /// These settings with `change` applied, unchecked (see `changed_by`).
    pub fn merged(&self, change: &SettingsChange) -> Self {
        let mut next = self.clone();
        let blank_is_none = |text: &String| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
        let trimmed = |document: &VersionedText| VersionedText {
            version: document.version.trim().to_owned(),
            text: document.text.clone(),
        };
        if let Some(name) = &change.name {
            next.name = name.trim().to_owned();
        }
        if let Some(logo_text) = &change.logo_text {
            next.logo_text = blank_is_none(logo_text);
        }
        if let Some(colour) = &change.brand_colour {
            next.brand_colour = blank_is_none(colour);
        }
        if let Some(guidelines) = &change.guidelines {
            next.guidelines = trimmed(guidelines);
        }
        if let Some(consent) = &change.health_data_consent {
            next.health_data_consent = trimmed(consent);
        }
        if let Some(helplines) = &change.helplines {
            next.helplines = helplines.clone();
        }
        if let Some(locale) = &change.helplines_locale {
            next.helplines_locale = locale.trim().to_owned();
        }
        if let Some(action) = change.crisis_action {
            next.crisis_action = action;
        }
        if let Some(count) = change.hold_first_posts {
            next.hold_first_posts = count;
        }
        if let Some(joining) = change.joining {
            next.joining = joining;
        }
        if let Some(footer) = &change.footer {
            next.footer = footer.clone();
        }
        next
    }

    /// These settings with an admin's `change` applied, or every wrong field:
    /// a changed text needs a new version.
    pub fn changed_by(&self, change: &SettingsChange) -> Result<Self, ApiError> {
        let mut problems = Vec::new();
        for (field, old, new) in [
            ("guidelines", &self.guidelines, &change.guidelines),
            ("health_data_consent", &self.health_data_consent, &change.health_data_consent),
        ] {
            if let Some(new) = new
                && new.text != old.text
                && new.version.trim() == old.version
            {
                problems.push(problem(
                    &format!("{field}.version"),
                    "The text changed: give it a new version, so members are asked to accept it again.",
                ));
            }
        }
        let next = self.merged(change);
        problems.extend(next.problems());
        if problems.is_empty() { Ok(next) } else { Err(ApiError::invalid_fields("invalid_settings", problems)) }
    }

    /// What is wrong with these settings, field by field.
    fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let chars = |text: &str| text.chars().count();
        if self.name.trim().is_empty() || chars(&self.name) > MAX_NAME_CHARS {
            problems.push(problem("name", &format!("Enter a name of 1 to {MAX_NAME_CHARS} characters.")));
        }
        if self.logo_text.as_deref().is_some_and(|logo| chars(logo) > MAX_LOGO_CHARS) {
            problems.push(problem("logo_text", &format!("The wordmark can be at most {MAX_LOGO_CHARS} characters.")));
        }
        if let Some(colour) = &self.brand_colour
            && let Err(error) = brand::style_for(colour)
        {
            problems.push(problem("brand_colour", &sentence(&error.to_string().replace("brand_colour", "colour"))));
        }
        for (field, document) in [("guidelines", &self.guidelines), ("health_data_consent", &self.health_data_consent)]
        {
            if document.version.trim().is_empty() || chars(&document.version) > MAX_VERSION_CHARS {
                problems.push(problem(
                    &format!("{field}.version"),
                    &format!("Enter a version of 1 to {MAX_VERSION_CHARS} characters, such as 2026-12."),
                ));
            }
            if document.text.trim().is_empty() || chars(&document.text) > MAX_TEXT_CHARS {
                problems.push(problem(
                    &format!("{field}.text"),
                    &format!("Enter the text, at most {MAX_TEXT_CHARS} characters."),
                ));
            }
        }
        if let Some(locale) = self.helplines.keys().find(|locale| !valid_locale(locale)) {
            problems.push(problem("helplines", &format!("{locale:?} is not a locale such as en or en-GB.")));
        } else if let Err(error) = self.parsed_helplines() {
            problems.push(problem("helplines", &error.to_string()));
        }
        if !valid_locale(&self.helplines_locale) {
            problems.push(problem("helplines_locale", "Enter a locale such as en or en-GB."));
        }
        if self.hold_first_posts > MAX_HOLD_FIRST_POSTS {
            problems.push(problem(
                "hold_first_posts",
                &format!("Hold at most {MAX_HOLD_FIRST_POSTS} first posts (0 holds none)."),
            ));
        }
        for (field, text) in self.footer.texts() {
            if text.trim().is_empty() || chars(text) > MAX_TEXT_CHARS {
                problems.push(problem(
                    &format!("footer.{field}"),
                    &format!("Enter this text, at most {MAX_TEXT_CHARS} characters."),
                ));
            }
        }
        problems
    }

    /// The helplines, checked as a helplines file is (an `en` list, no empty
    /// field, web addresses only).
    pub fn parsed_helplines(&self) -> Result<Helplines, moderation::helplines::HelplineError> {
        let toml = toml::to_string(&self.helplines)
            .map_err(|error| moderation::helplines::HelplineError::Parse { message: error.to_string() })?;
        Helplines::from_toml(&toml)
    }

    /// Each setting that differs from `other`, with its value here and there (JSON).
    pub fn differences(&self, other: &Self) -> Vec<(&'static str, String, String)> {
        let (Ok(serde_json::Value::Object(mine)), Ok(serde_json::Value::Object(theirs))) =
            (serde_json::to_value(self), serde_json::to_value(other))
        else {
            return Vec::new();
        };
        SETTING_NAMES
            .into_iter()
            .filter_map(|name| {
                let (old, new) = (mine.get(name)?, theirs.get(name)?);
                (old != new).then(|| (name, old.to_string(), new.to_string()))
            })
            .collect()
    }
}

/// The settings' names, as the admin log records them.
const SETTING_NAMES: [&str; 11] = [
    "name",
    "logo_text",
    "brand_colour",
    "guidelines",
    "health_data_consent",
    "helplines",
    "helplines_locale",
    "crisis_action",
    "hold_first_posts",
    "joining",
    "footer",
];

fn problem(field: &str, message: &str) -> FieldError {
    FieldError { field: field.to_owned(), message: message.to_owned() }
}

/// `text` as the API's sentences are: a capital first, a full stop last.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut sentence: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}

/// A language tag such as `en` or `en-GB`: letters and digits in parts of 1 to 8.
fn valid_locale(locale: &str) -> bool {
    !locale.is_empty()
        && locale
            .split('-')
            .all(|part| (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> InstanceSettings {
        InstanceSettings::defaults(&Settings::default()).expect("the shipped defaults are valid")
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let change = SettingsChange {
            name: Some(" ".into()),
            brand_colour: Some("#ffff00".into()),
            helplines_locale: Some("en GB".into()),
            hold_first_posts: Some(99),
            ..SettingsChange::default()
        };
        let error = defaults().changed_by(&change).expect_err("four wrong fields");
        let body = serde_json::to_value(error.body()).expect("json");
        let fields: Vec<&str> =
            body["error"]["fields"].as_array().into_iter().flatten().filter_map(|f| f["field"].as_str()).collect();
        assert_eq!(fields, ["name", "brand_colour", "helplines_locale", "hold_first_posts"]);
    }

    #[test]
    fn changed_text_needs_a_new_version_and_helplines_need_an_en_list() {
        let current = defaults();
        let same_version = VersionedText { version: current.guidelines.version.clone(), text: "Be kind.".into() };
        let change = SettingsChange { guidelines: Some(same_version), ..SettingsChange::default() };
        assert!(current.changed_by(&change).is_err());
        let mut helplines = BTreeMap::new();
        helplines.insert("fr".to_owned(), current.helplines["en"].clone());
        let change = SettingsChange { helplines: Some(helplines), ..SettingsChange::default() };
        assert!(current.changed_by(&change).is_err());
    }

    #[test]
    fn differences_name_only_what_changed() {
        let current = defaults();
        let change = SettingsChange { name: Some("Walsall Walkers".into()), ..SettingsChange::default() };
        let next = current.changed_by(&change).expect("valid");
        let differences = current.differences(&next);
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].0, "name");
        assert_eq!(differences[0].2, "\"Walsall Walkers\"");
    }
}
