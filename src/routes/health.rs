//! The front door until the web client exists, and the health check.

use actix_web::HttpResponse;
use actix_web::web;

use crate::state::AppState;

pub async fn index(state: web::Data<AppState>) -> HttpResponse {
    let name = html_escape(&state.instance.name);
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{name}</title></head><body><main><h1>{name}</h1>\
         <p>This is a Kindred peer-support community server. Its web client is on the way; \
         until then, the JSON API is at <a href=\"/api/v1/instance\">/api/v1</a>, described by \
         <a href=\"/api/v1/openapi.json\">its OpenAPI document</a>.</p></main></body></html>\n"
    ))
}

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let reachable = state
        .db
        .read(|connection| {
            use diesel::connection::SimpleConnection;
            connection.batch_execute("SELECT 1").map_err(Into::into)
        })
        .await;
    match reachable {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unreachable" })),
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
