//! The community's default rules (guidelines, health-data consent and
//! content-warning labels), kept as TOML files in `rules/` so their wording
//! can be reviewed and changed without touching code.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A versioned text members are asked to read or agree to, in Markdown.
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    /// Changes whenever the text does, so members can be asked again.
    pub version: String,
    pub text: String,
}

impl Document {
    /// Parses a document from TOML, such as an administrator's replacement
    /// for one of the defaults: `version = "..."` and `text = """..."""`.
    ///
    /// # Errors
    ///
    /// When the source is not TOML, or lacks either string.
    pub fn from_toml(source: &str) -> Result<Document, toml::de::Error> {
        toml::from_str(source)
    }
}

/// A label a member can put on a post to warn about its content.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ContentWarningLabel {
    /// A stable machine code, such as `self_harm`.
    pub id: String,
    /// What members see, such as "Self-harm".
    pub label: String,
}

// The shipped files are checked by unit tests, so failing to parse one is a
// bug in this crate, not something a caller could handle.

/// The community guidelines a new instance starts with.
pub fn default_guidelines() -> Document {
    Document::from_toml(include_str!("../rules/guidelines.toml")).expect("rules/guidelines.toml is a valid document")
}

/// The health-data consent text a new instance starts with.
pub fn default_health_data_consent() -> Document {
    Document::from_toml(include_str!("../rules/health_data_consent.toml"))
        .expect("rules/health_data_consent.toml is a valid document")
}

/// The content-warning labels members can choose from, in display order.
pub fn content_warning_labels() -> &'static [ContentWarningLabel] {
    &CONTENT_WARNING_LABELS
}

static CONTENT_WARNING_LABELS: LazyLock<Vec<ContentWarningLabel>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct File {
        labels: Vec<ContentWarningLabel>,
    }
    toml::from_str::<File>(include_str!("../rules/content_warnings.toml"))
        .expect("rules/content_warnings.toml is a valid list of labels")
        .labels
});

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_shipped_guidelines_parse_and_are_dated() {
        let guidelines = default_guidelines();
        assert_eq!(guidelines.version, "2026-11-01");
        assert!(guidelines.text.contains("emergency services"));
    }

    #[test]
    fn the_shipped_health_data_consent_parses_and_is_dated() {
        let consent = default_health_data_consent();
        assert_eq!(consent.version, "2026-11-01");
        assert!(consent.text.contains("explicit consent"));
    }

    #[test]
    fn the_shipped_content_warnings_include_every_required_id() {
        let ids: Vec<&str> = content_warning_labels().iter().map(|l| l.id.as_str()).collect();
        for required in [
            "self_harm",
            "suicide",
            "eating_disorders",
            "bereavement",
            "abuse",
            "medical_detail",
            "pregnancy_loss",
            "substance_use",
            "violence",
            "other",
        ] {
            assert!(ids.contains(&required), "missing content warning {required}");
        }
    }

    #[test]
    fn content_warning_ids_are_lowercase_words_joined_by_underscores() {
        for label in content_warning_labels() {
            let valid = !label.id.is_empty() && label.id.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            assert!(valid, "invalid content warning id {:?}", label.id);
        }
    }

    #[test]
    fn content_warning_ids_are_unique() {
        let mut seen = HashSet::new();
        for label in content_warning_labels() {
            assert!(seen.insert(label.id.as_str()), "duplicate content warning id {}", label.id);
        }
    }

    #[test]
    fn every_content_warning_has_a_label_to_show() {
        assert!(content_warning_labels().iter().all(|l| !l.label.trim().is_empty()));
    }

    #[test]
    fn the_shipped_documents_render_as_markdown() {
        for document in [default_guidelines(), default_health_data_consent()] {
            let rendered = crate::render_markdown(&document.text).expect("renders");
            assert!(rendered.html.starts_with("<h4>"), "{}", rendered.html);
        }
    }

    #[test]
    fn an_administrator_can_supply_their_own_document() {
        let document = Document::from_toml("version = \"v2\"\ntext = \"Be excellent.\"\n").expect("parses");
        assert_eq!((document.version.as_str(), document.text.as_str()), ("v2", "Be excellent."));
    }

    #[test]
    fn a_document_without_text_is_rejected() {
        assert!(Document::from_toml("version = \"v2\"\n").is_err());
    }
}
