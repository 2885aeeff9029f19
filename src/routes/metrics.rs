//! `GET /metrics` for the instance admin's Prometheus, readable only with
//! the `metrics_token` as a bearer token; off when no token is set.
//! OpenMetrics for a scraper that asks for it (Prometheus does), the
//! classic text format otherwise (curl, `promtool check metrics`).

use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::auth::extract::bearer;
use crate::db::{outbox, queue};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::metrics::{Backlogs, classic_text};
use crate::state::AppState;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const CLASSIC: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn read(request: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let Some(token) = state.settings.metrics_token.as_deref() else {
        return Err(ApiError::not_found("Metrics are turned off on this instance (no metrics_token is set)."));
    };
    // Digests are compared, so the time taken says nothing about the token.
    if bearer(&request).map(Sha256::digest) != Some(Sha256::digest(token.trim())) {
        return Err(ApiError::unauthorized(
            "metrics_token_invalid",
            "Metrics are read with the instance's metrics token as a bearer token.",
        ));
    }
    let backlogs = state
        .db
        .read(|connection| {
            let (open_items, urgent_items, oldest_urgent) = queue::backlog(connection)?;
            let waited_ms = oldest_urgent.map_or(0, |opened| Timestamp::now().0.saturating_sub(opened).max(0));
            Ok(Backlogs {
                open_items,
                urgent_items,
                oldest_urgent_wait: std::time::Duration::from_millis(waited_ms as u64),
                untold_posts: outbox::queued_count(connection)?,
            })
        })
        .await?;
    let text = state.metrics.render(&state, &backlogs);
    let accepts = request.headers().get(actix_web::http::header::ACCEPT).and_then(|value| value.to_str().ok());
    if accepts.is_some_and(|accepts| accepts.contains("application/openmetrics-text")) {
        Ok(HttpResponse::Ok().content_type(OPENMETRICS).body(text))
    } else {
        Ok(HttpResponse::Ok().content_type(CLASSIC).body(classic_text(&text)))
    }
}
