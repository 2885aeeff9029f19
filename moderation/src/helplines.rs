//! Where to get help: the helplines shown at once to a member whose text
//! screened as a crisis, per locale, from `rules/helplines.toml` or an
//! administrator's file of the same shape.
//!
//! A member must always be shown something, so every list has a generic `en`
//! fallback and a locale without its own list falls back to it.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The locale every set of helplines must have, used when no other fits.
pub const FALLBACK_LOCALE: &str = "en";

/// One service a member in crisis can contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helpline {
    pub name: String,
    /// A number to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// How to reach the service by text message, such as "Text SHOUT to 85258".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The number to text (what `text` says in words), such as "85258".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<String>,
    /// The words to start the text message with, such as "SHOUT".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_body: Option<String>,
    /// When it is open, in words.
    pub hours: String,
    /// An `https://` (or `http://`) address.
    pub url: String,
    pub description: String,
}

impl Helpline {
    /// A `tel:` link that calls `phone` (its digits and a leading `+`).
    pub fn call_link(&self) -> Option<String> {
        self.phone.as_deref().map(dialled).filter(|number| !number.is_empty()).map(|number| format!("tel:{number}"))
    }

    /// An `sms:` link (RFC 5724) that opens a text to `sms`, starting with `sms_body`.
    pub fn text_link(&self) -> Option<String> {
        let number = self.sms.as_deref().map(dialled).filter(|number| !number.is_empty())?;
        Some(match self.sms_body.as_deref().map(str::trim).filter(|body| !body.is_empty()) {
            Some(body) => format!("sms:{number}?body={}", percent_encoded(body)),
            None => format!("sms:{number}"),
        })
    }

    /// What makes two entries the same service: the name, the number
    /// called or the number texted.
    fn same_service(&self, other: &Helpline) -> bool {
        let same = |a: Option<String>, b: Option<String>| a.is_some() && a == b;
        self.name.trim().eq_ignore_ascii_case(other.name.trim())
            || same(self.call_link(), other.call_link())
            || same(self.sms.as_deref().map(dialled), other.sms.as_deref().map(dialled))
    }
}

/// A phone number as dialled: digits, and a `+` only at the start.
fn dialled(number: &str) -> String {
    let trimmed = number.trim();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if trimmed.starts_with('+') { format!("+{digits}") } else { digits }
}

/// `text` with everything but unreserved characters percent-encoded.
fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The helplines in order, each service once: a later entry with the same
/// name, number to call or number to text as an earlier one is left out.
pub fn distinct(helplines: &[Helpline]) -> Vec<Helpline> {
    let mut kept: Vec<Helpline> = Vec::with_capacity(helplines.len());
    for helpline in helplines {
        if !kept.iter().any(|earlier| earlier.same_service(helpline)) {
            kept.push(helpline.clone());
        }
    }
    kept
}

/// Helplines for every configured locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Helplines {
    /// Keyed by lower-case locale, such as "en-gb".
    by_locale: HashMap<String, Vec<Helpline>>,
}

/// Why a helplines file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelplineError {
    Parse { message: String },
    MissingFallback,
    EmptyList { locale: String },
    EmptyField { locale: String, name: String, field: &'static str },
    UnsafeUrl { locale: String, name: String },
}

impl fmt::Display for HelplineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HelplineError::Parse { message } => {
                write!(f, "The helplines are not valid TOML of the right shape: {message}")
            }
            HelplineError::MissingFallback => {
                write!(f, "The helplines must include a [[{FALLBACK_LOCALE}]] list, shown when no other locale fits.")
            }
            HelplineError::EmptyList { locale } => write!(f, "The helplines for {locale:?} are an empty list."),
            HelplineError::EmptyField { locale, name, field } => {
                write!(f, "The helpline {name:?} for {locale:?} has an empty `{field}`.")
            }
            HelplineError::UnsafeUrl { locale, name } => {
                write!(f, "The helpline {name:?} for {locale:?} needs a url starting with https:// or http://.")
            }
        }
    }
}

impl std::error::Error for HelplineError {}

impl Helplines {
    /// Reads helplines from TOML of the shape of `rules/helplines.toml`: one
    /// array of tables per locale, such as `[[en-GB]]`.
    ///
    /// # Errors
    ///
    /// A [`HelplineError`] when the source is not TOML of that shape, has no
    /// `en` list, has an empty list, an empty required field, or a url that
    /// is not `https://` or `http://`.
    pub fn from_toml(source: &str) -> Result<Helplines, HelplineError> {
        let lists: HashMap<String, Vec<Helpline>> =
            toml::from_str(source).map_err(|error| HelplineError::Parse { message: error.to_string() })?;
        for (locale, helplines) in &lists {
            check_list(locale, helplines)?;
        }
        let by_locale: HashMap<String, Vec<Helpline>> =
            lists.into_iter().map(|(locale, helplines)| (locale.to_ascii_lowercase(), helplines)).collect();
        if !by_locale.contains_key(FALLBACK_LOCALE) {
            return Err(HelplineError::MissingFallback);
        }
        Ok(Helplines { by_locale })
    }

    /// The helplines for a locale such as "en-GB": its own list, else its
    /// language's ("en"), else the [`FALLBACK_LOCALE`] list.
    pub fn for_locale(&self, locale: &str) -> &[Helpline] {
        let mut candidate = locale.trim().replace('_', "-").to_ascii_lowercase();
        loop {
            if let Some(helplines) = self.by_locale.get(&candidate) {
                return helplines;
            }
            match candidate.rfind('-') {
                Some(cut) => candidate.truncate(cut),
                None => break,
            }
        }
        self.by_locale.get(FALLBACK_LOCALE).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The shipped helplines for a locale, falling back as [`Helplines::for_locale`] does.
pub fn helplines(locale: &str) -> &'static [Helpline] {
    SHIPPED.for_locale(locale)
}

static SHIPPED: LazyLock<Helplines> = LazyLock::new(|| {
    Helplines::from_toml(include_str!("../rules/helplines.toml"))
        .expect("rules/helplines.toml is a valid helplines file")
});

fn check_list(locale: &str, helplines: &[Helpline]) -> Result<(), HelplineError> {
    if helplines.is_empty() {
        return Err(HelplineError::EmptyList { locale: locale.to_owned() });
    }
    for helpline in helplines {
        let required = [
            ("name", &helpline.name),
            ("hours", &helpline.hours),
            ("url", &helpline.url),
            ("description", &helpline.description),
        ];
        let optional = [
            ("phone", &helpline.phone),
            ("text", &helpline.text),
            ("sms", &helpline.sms),
            ("sms_body", &helpline.sms_body),
        ];
        let empty = required
            .into_iter()
            .chain(optional.into_iter().filter_map(|(field, value)| Some(field).zip(value.as_ref())))
            .find(|(_, value)| value.trim().is_empty());
        if let Some((field, _)) = empty {
            return Err(HelplineError::EmptyField { locale: locale.to_owned(), name: helpline.name.clone(), field });
        }
        if !(helpline.url.starts_with("https://") || helpline.url.starts_with("http://")) {
            return Err(HelplineError::UnsafeUrl { locale: locale.to_owned(), name: helpline.name.clone() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(helplines: &[Helpline]) -> Vec<&str> {
        helplines.iter().map(|helpline| helpline.name.as_str()).collect()
    }

    #[test]
    fn the_uk_list_has_the_main_crisis_services() {
        let uk = helplines("en-GB");
        assert_eq!(names(uk), ["Emergency services", "Samaritans", "Shout", "NHS 111"]);
        assert_eq!(uk[1].phone.as_deref(), Some("116 123"));
        assert_eq!(uk[2].text.as_deref(), Some("Text SHOUT to 85258"));
        assert!(uk[3].description.contains("option 2"));
    }

    #[test]
    fn numbers_become_call_and_text_links() {
        let uk = helplines("en-GB");
        assert_eq!(uk[0].call_link().as_deref(), Some("tel:999"));
        assert_eq!(uk[1].call_link().as_deref(), Some("tel:116123"));
        assert_eq!(uk[2].text_link().as_deref(), Some("sms:85258?body=SHOUT"));
        assert_eq!(uk[2].call_link(), None);
        let abroad = Helpline {
            phone: Some("+44 (0)20 7946 0000".into()),
            sms: Some("+1 741-741".into()),
            sms_body: Some("HOME & safe".into()),
            ..uk[1].clone()
        };
        assert_eq!(abroad.call_link().as_deref(), Some("tel:+4402079460000"));
        assert_eq!(abroad.text_link().as_deref(), Some("sms:+1741741?body=HOME%20%26%20safe"));
    }

    #[test]
    fn a_service_listed_twice_is_shown_once() {
        let uk = helplines("en-GB");
        let renamed = Helpline { name: "Samaritans (free)".into(), ..uk[1].clone() };
        let shouting = Helpline { name: "Shout 85258".into(), text: None, ..uk[2].clone() };
        let doubled: Vec<Helpline> =
            uk.iter().cloned().chain([uk[0].clone(), renamed, shouting, uk[3].clone()]).collect();
        assert_eq!(distinct(&doubled), uk.to_vec());
        assert_eq!(distinct(uk), uk.to_vec(), "a list without repeats is kept as it is");
    }

    #[test]
    fn locales_are_matched_whatever_their_case_or_separator() {
        assert_eq!(helplines("en_gb"), helplines("en-GB"));
        assert_eq!(helplines(" EN-gb "), helplines("en-GB"));
    }

    #[test]
    fn a_region_without_its_own_list_falls_back_to_its_language() {
        assert_eq!(helplines("en-AU"), helplines("en"));
        assert_eq!(helplines("en-GB-scotland"), helplines("en-GB"));
    }

    #[test]
    fn an_unknown_locale_falls_back_to_the_generic_list() {
        assert_eq!(helplines("fr-FR"), helplines("en"));
        assert_eq!(helplines(""), helplines("en"));
        assert!(helplines("en").iter().any(|helpline| helpline.url == "https://findahelpline.com"));
        assert!(helplines("en")[0].description.contains("emergency"));
    }

    #[test]
    fn every_shipped_url_is_https() {
        for helpline in SHIPPED.by_locale.values().flatten() {
            assert!(helpline.url.starts_with("https://"), "{}", helpline.url);
        }
    }

    #[test]
    fn an_administrator_can_supply_their_own_helplines() {
        let source = r#"
[[en]]
name = "Local crisis team"
phone = "0123 456789"
hours = "9am to 5pm"
url = "https://example.org/crisis"
description = "Our local crisis team."
"#;
        let own = Helplines::from_toml(source).expect("valid helplines");
        assert_eq!(names(own.for_locale("en-GB")), ["Local crisis team"]);
    }

    #[test]
    fn invalid_helplines_are_refused() {
        let entry = |locale: &str, url: &str, hours: &str| {
            format!("[[{locale}]]\nname = \"X\"\nhours = \"{hours}\"\nurl = \"{url}\"\ndescription = \"Help.\"\n")
        };
        let fallback = entry("en", "https://x.test", "always");
        let cases = [
            (entry("fr", "https://x.test", "always"), HelplineError::MissingFallback),
            (
                format!("{fallback}{}", entry("de", "javascript:alert(1)", "always")),
                HelplineError::UnsafeUrl { locale: "de".into(), name: "X".into() },
            ),
            (
                format!("{fallback}{}", entry("de", "https://x.test", " ")),
                HelplineError::EmptyField { locale: "de".into(), name: "X".into(), field: "hours" },
            ),
            (format!("de = []\n{fallback}"), HelplineError::EmptyList { locale: "de".into() }),
        ];
        for (source, error) in cases {
            assert_eq!(Helplines::from_toml(&source), Err(error), "{source}");
        }
        assert!(matches!(
            Helplines::from_toml(&fallback.replace("description", "summary")),
            Err(HelplineError::Parse { .. })
        ));
    }
}
