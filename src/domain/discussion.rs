//! The parts of a discussion a member writes: a thread's title, a post's
//! Markdown, its content warning, and the supportive reactions on offer.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use crate::error::ApiError;

pub fn parse_title(text: &str) -> Result<String, ApiError> {
    super::checked_text(text, "invalid_title", "A title", 3, 200)
}

/// Longest post, in characters of Markdown.
pub const MAX_POST_CHARS: usize = 20_000;

/// A post's Markdown source, not blank and at most `MAX_POST_CHARS`.
#[derive(Debug, Clone)]
pub struct PostBody(String);

impl PostBody {
    pub fn parse(text: String) -> Result<Self, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::invalid("empty_post", "A post cannot be empty."));
        }
        super::refuse_nul(&text, "invalid_post", "A post")?;
        if text.chars().count() > MAX_POST_CHARS {
            return Err(ApiError::invalid(
                "post_too_long",
                format!("A post can be at most {MAX_POST_CHARS} characters long."),
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A warning that collapses a post until the reader opens it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContentWarning {
    /// One of the instance's content-warning label ids (see `GET /api/v1/instance`).
    pub label: String,
    /// Optional words of the author's own, up to 100 characters.
    pub note: Option<String>,
}

impl ContentWarning {
    pub fn parse(self) -> Result<Self, ApiError> {
        let known = moderation::rules::content_warning_labels().iter().any(|known| known.id == self.label);
        if !known {
            return Err(ApiError::invalid(
                "unknown_content_warning",
                "That content warning is not one this community uses.",
            ));
        }
        let note = self
            .note
            .filter(|note| !note.trim().is_empty())
            .map(|note| super::checked_text(&note, "invalid_content_warning", "A content warning note", 1, 100))
            .transpose()?;
        Ok(Self { label: self.label, note })
    }
}

/// The supportive reactions a member can leave on a post: one of each
/// kind per member per post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    Hug,
    MeToo,
    ThankYou,
    Strength,
}

text_enum!(ReactionKind { Hug => "hug", MeToo => "me_too", ThankYou => "thank_you", Strength => "strength" });

impl ReactionKind {
    pub const ALL: [ReactionKind; 4] = [Self::Hug, Self::MeToo, Self::ThankYou, Self::Strength];

    pub fn parse(text: &str) -> Result<Self, ApiError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| ApiError::not_found("There is no such reaction."))
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hug => "Hug",
            Self::MeToo => "Me too",
            Self::ThankYou => "Thank you",
            Self::Strength => "Sending strength",
        }
    }
}

/// Renders Markdown through the safety pipeline; text past one of its
/// limits (nesting, table shape, rendered size) is refused with the
/// pipeline's own code and sentence.
pub fn render(markdown: &str) -> Result<moderation::render::Rendered, ApiError> {
    moderation::render::render_markdown(markdown).map_err(|error| ApiError::invalid(error.code(), error.to_string()))
}
