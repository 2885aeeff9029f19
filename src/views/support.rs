//! What an author at risk is shown (the helplines and what happens next),
//! sent both in API answers and in live chat frames.

use serde::Serialize;
use utoipa::ToSchema;

/// Shown to an author whose text suggests they may be at risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Support {
    pub message: &'static str,
    pub helplines: Vec<HelplineView>,
    /// On a crisis post or message: whether a trained person (a safeguarding
    /// lead for the community or the instance) has been told of it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerted: Option<bool>,
    /// On a crisis post or message: what happens next, in words for its author.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_happens_next: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelplineView {
    pub name: String,
    pub phone: Option<String>,
    /// How to reach it by text message.
    pub text: Option<String>,
    pub hours: String,
    pub url: String,
    pub description: String,
    /// A `tel:` link that calls `phone`.
    pub phone_link: Option<String>,
    /// An `sms:` link that starts the text message `text` describes.
    pub text_link: Option<String>,
}
