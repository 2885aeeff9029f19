//! A post as a member sends it, parsed and rendered before anything is
//! stored; the routes and moderators' edits share it.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::posts::NewContent;
use crate::domain::discussion::{ContentWarning, PostBody, render};
use crate::domain::moderation::ContentState;
use crate::error::{ApiResult, FormErrors};

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
        let mut form = FormErrors::default();
        let body = form.check("body", PostBody::parse(self.body));
        let content_warning =
            form.check("content_warning", self.content_warning.map(ContentWarning::parse).transpose());
        let (Some(body), Some(content_warning)) = (body, content_warning) else {
            return Err(form.into_error("invalid_post"));
        };
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
