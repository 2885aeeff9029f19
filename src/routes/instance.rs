//! What a visitor needs before joining: the instance's name, guidelines,
//! consent text, content-warning labels and reaction kinds.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::discussion::ReactionKind;
use crate::domain::instance::Joining;
use crate::state::AppState;
use crate::views::support::Support;

#[derive(Serialize, ToSchema)]
pub struct InstanceView {
    name: String,
    /// The header's wordmark.
    logo_text: String,
    guidelines: DocumentView,
    health_data_consent: DocumentView,
    content_warnings: Vec<ContentWarningView>,
    reactions: Vec<ReactionView>,
    max_reply_depth: i32,
    /// Where to get help: shown on every page's "get help" link and to a
    /// member at once when what they write suggests they may be at risk.
    support: Support,
    /// How people join: `open` (anyone registers).
    joining: Joining,
    /// The texts at the foot of every page, as safe HTML.
    footer: Vec<FooterTextView>,
}

#[derive(Serialize, ToSchema)]
pub struct FooterTextView {
    /// `operator` (who runs this instance), `privacy`, `contact`, `accessibility` or `terms`.
    id: &'static str,
    html: String,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    /// Accepting means sending this version back.
    version: String,
    html: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContentWarningView {
    /// Send this as a post's `content_warning.label`.
    id: String,
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReactionView {
    kind: ReactionKind,
    label: &'static str,
}

#[utoipa::path(get, path = "/api/v1/instance", tag = "instance",
    responses((status = 200, body = InstanceView)))]
pub async fn get(state: web::Data<AppState>) -> HttpResponse {
    let instance = state.instance.current();
    HttpResponse::Ok().json(InstanceView {
        name: instance.name.clone(),
        logo_text: instance.brand.logo_text.clone(),
        guidelines: DocumentView {
            version: instance.guidelines.version.clone(),
            html: instance.guidelines.html.clone(),
        },
        health_data_consent: DocumentView {
            version: instance.health_data_consent.version.clone(),
            html: instance.health_data_consent.html.clone(),
        },
        content_warnings: moderation::rules::content_warning_labels()
            .iter()
            .map(|warning| ContentWarningView { id: warning.id.clone(), label: warning.label.clone() })
            .collect(),
        reactions: ReactionKind::ALL.into_iter().map(|kind| ReactionView { kind, label: kind.label() }).collect(),
        max_reply_depth: state.settings.max_reply_depth,
        support: state.safety.support(),
        joining: instance.joining,
        footer: instance.footer.iter().map(|(id, html)| FooterTextView { id, html: html.clone() }).collect(),
    })
}
