//! The health check: whether the server can read from and write to its
//! database (a full disk fails writes while reads still work).

use actix_web::HttpResponse;
use actix_web::web;

use crate::state::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    if !state.db.answers_now().await {
        return HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unreachable" }));
    }
    if !state.db.writes_commit().await {
        return HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database not writable" }));
    }
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}
