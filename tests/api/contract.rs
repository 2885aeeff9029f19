//! The OpenAPI document is a contract a generated client or a fuzzer can
//! rely on: every `{name}` in a path is declared as a path parameter, every
//! declared path parameter is in its path, and query strings are declared
//! as query parameters, never as path ones.

use serde_json::Value;

use crate::helpers::spawn_app;

/// The `{names}` in a path template.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name.to_owned()).collect()
}

#[tokio::test]
async fn every_path_and_query_parameter_is_declared_where_it_is() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json", None).await;
    let paths = document.assert_status(200)["paths"].as_object().expect("paths").clone();
    let mut problems = Vec::new();
    for (path, operations) in &paths {
        let wanted = placeholders(path);
        for (method, operation) in operations.as_object().expect("operations") {
            let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
            let declared = |place: &str| -> Vec<String> {
                parameters
                    .iter()
                    .filter(|parameter| parameter["in"] == place)
                    .filter_map(|parameter| parameter["name"].as_str().map(str::to_owned))
                    .collect()
            };
            let in_path = declared("path");
            for name in &wanted {
                if !in_path.contains(name) {
                    problems.push(format!("{method} {path}: path parameter {name} is not declared"));
                }
            }
            for name in &in_path {
                if !wanted.contains(name) {
                    problems.push(format!("{method} {path}: {name} is declared in the path but is not in it"));
                }
            }
            for parameter in parameters.iter().filter(|parameter| parameter["in"] == "path") {
                if parameter["required"] != Value::Bool(true) {
                    problems.push(format!("{method} {path}: path parameter {} is not required", parameter["name"]));
                }
            }
        }
    }
    let search = &paths["/api/v1/search"]["get"]["parameters"];
    let query: Vec<&str> = search
        .as_array()
        .expect("search parameters")
        .iter()
        .filter(|parameter| parameter["in"] == "query")
        .filter_map(|parameter| parameter["name"].as_str())
        .collect();
    assert_eq!(query, ["q", "community", "author", "cursor", "limit"], "search takes a query string");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn a_nul_anywhere_in_the_address_or_a_text_is_a_clear_error_on_both_databases() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    for path in [
        "/api/v1/moderation/members/amy/notes?community=%00x",
        "/api/v1/communities/co%00pd/threads",
        "/api/v1/search?q=a%00b",
        "/api/v1/members/a%00my",
    ] {
        app.get(path, Some(&admin)).await.assert_error(400, "invalid_address");
    }
    let thread = serde_json::json!({ "title": "A\u{0}title", "body": "Hello" });
    app.post("/api/v1/communities/copd/threads", Some(&amy), thread).await.assert_error(422, "invalid_title");
    let body = serde_json::json!({ "title": "A title", "body": "Hel\u{0}lo" });
    app.post("/api/v1/communities/copd/threads", Some(&amy), body).await.assert_error(422, "invalid_post");
}
