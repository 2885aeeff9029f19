//! A post as a member sends it, parsed and rendered before anything is
//! stored; the routes and moderators' edits share it.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::posts::NewContent;
use crate::domain::discussion::{ContentWarning, PostBody, render};
use crate::domain::moderation::ContentState;
use crate::error::ApiResult;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostDraft {
    /// Markdown, at most 20,000 characters.
    pub body: String,
    pub content_warning: Option<ContentWarning>,
}

impl PostDraft {
    /// Checks and renders the draft through the safety pipeline.
    pub fn parse(self) -> ApiResult<NewContent> {
        let body = PostBody::parse(self.body)?;
        let content_warning = self.content_warning.map(ContentWarning::parse).transpose()?;
        let rendered = render(body.as_str())?;
        Ok(NewContent {
            body,
            html: rendered.html,
            render_version: rendered.policy_version,
            content_warning,
            state: ContentState::Visible,
        })
    }
}
