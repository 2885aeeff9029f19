//! Bad input and limits: each gets a clear error in the API's shape, and
//! nothing is stored half-way.

use reqwest::header;
use serde_json::json;

use crate::helpers::{read, spawn_app};

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_in_json() {
    let app = spawn_app().await;
    app.get("/api/v1/nothing-here", None).await.assert_error(404, "not_found");
    app.get("/no/such/page", None).await.assert_error(404, "not_found");
    app.delete("/api/v1/instance", None).await.assert_error(405, "method_not_allowed");
    app.get("/api/v1/threads/not-a-number", None).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let post = |body: Vec<u8>| {
        app.client.post(app.url("/api/v1/sessions")).header(header::CONTENT_TYPE, "application/json").body(body).send()
    };
    read(post(b"{\"username\": ".to_vec()).await.expect("answer")).await.assert_error(400, "invalid_json");
    read(post(b"[1, 2]".to_vec()).await.expect("answer")).await.assert_error(400, "invalid_body");
    let invalid_utf8 = [b"{\"username\": \"".as_slice(), &[0xff, 0xfe], b"\", \"password\": \"x\"}"].concat();
    read(post(invalid_utf8).await.expect("answer")).await.assert_error(400, "invalid_json");
    let unknown_field = br#"{"username": "amy", "password": "secret pass", "remember": true}"#.to_vec();
    let reply = read(post(unknown_field).await.expect("answer")).await;
    reply.assert_error(400, "invalid_body");
    assert!(reply.body["error"]["message"].as_str().unwrap_or("").contains("remember"));
    let text = app.client.post(app.url("/api/v1/sessions")).header(header::CONTENT_TYPE, "text/plain").body("hi");
    read(text.send().await.expect("answer")).await.assert_error(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await;
    let huge = json!({ "title": "Too big", "body": "x".repeat(70 * 1024) });
    app.post("/api/v1/communities/copd/threads", Some(&amy), huge).await.assert_error(413, "body_too_large");
    let listed = app.get("/api/v1/communities/copd/threads", None).await;
    assert_eq!(listed.body["threads"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn posts_titles_and_markdown_have_limits() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await;
    let threads = "/api/v1/communities/copd/threads";
    let start = |title: String, body: String| json!({ "title": title, "body": body });

    app.post(threads, Some(&amy), start("ab".into(), "body".into())).await.assert_error(422, "invalid_title");
    app.post(threads, Some(&amy), start("t".repeat(201), "body".into())).await.assert_error(422, "invalid_title");
    app.post(threads, Some(&amy), start("A title".into(), "   ".into())).await.assert_error(422, "empty_post");
    app.post(threads, Some(&amy), start("A title".into(), "é".repeat(20_001))).await.assert_error(422, "post_too_long");
    let nested = format!("{} deep", ">".repeat(40));
    app.post(threads, Some(&amy), start("A title".into(), nested)).await.assert_error(422, "too_deeply_nested");
    let listed = app.get(threads, None).await;
    assert_eq!(listed.body["threads"].as_array().map(Vec::len), Some(0), "no refused thread was stored");

    app.post(threads, Some(&amy), start("t".repeat(200), "é".repeat(20_000))).await.assert_status(201);
}

#[tokio::test]
async fn page_sizes_and_cursors_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let threads = "/api/v1/communities/copd/threads";
    app.get(&format!("{threads}?limit=0"), None).await.assert_error(400, "invalid_limit");
    app.get(&format!("{threads}?limit=201"), None).await.assert_error(400, "invalid_limit");
    app.get(&format!("{threads}?limit=200"), None).await.assert_status(200);
    app.get(&format!("{threads}?limit=lots"), None).await.assert_error(400, "invalid_query");
    app.get(&format!("{threads}?cursor=yesterday"), None).await.assert_error(400, "invalid_cursor");
    app.get(&format!("{threads}?page=2"), None).await.assert_error(400, "invalid_query");
    app.get("/api/v1/threads/1?cursor=zz", None).await.assert_error(400, "invalid_cursor");
}

#[tokio::test]
async fn the_front_page_names_the_api_and_health_is_reported() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/")).send().await.expect("answer");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("text");
    assert!(html.contains("/api/v1/openapi.json"));
    let health = app.get("/healthz", None).await;
    assert_eq!(health.assert_status(200)["status"], "ok");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json", None).await;
    let paths = document.assert_status(200)["paths"].as_object().expect("paths").clone();
    for (path, method) in [
        ("/api/v1/instance", "get"),
        ("/api/v1/accounts", "post"),
        ("/api/v1/sessions", "post"),
        ("/api/v1/sessions/current", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/communities", "post"),
        ("/api/v1/communities/{slug}/membership", "delete"),
        ("/api/v1/communities/{slug}/membership-requests/{username}", "post"),
        ("/api/v1/communities/{slug}/moderators/{username}", "put"),
        ("/api/v1/communities/{slug}/threads", "post"),
        ("/api/v1/threads/{id}", "get"),
        ("/api/v1/threads/{id}/posts", "post"),
        ("/api/v1/posts/{id}", "patch"),
        ("/api/v1/posts/{id}/revisions", "get"),
        ("/api/v1/posts/{id}/reactions/{kind}", "put"),
        ("/api/v1/members/{username}", "get"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} is documented");
    }
}
