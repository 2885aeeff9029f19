//! The safety headers: every answer keeps its referrer to itself, gives the
//! page no camera, microphone or location, and is never sniffed or framed;
//! API answers, personal data included, are never stored by a cache.

use reqwest::header::{self, HeaderMap};

use crate::helpers::spawn_app;

fn assert_safe(headers: &HeaderMap, what: &str) {
    let value = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(value("referrer-policy"), "no-referrer", "{what}");
    let permissions = value("permissions-policy");
    for feature in ["camera=()", "microphone=()", "geolocation=()"] {
        assert!(permissions.contains(feature), "{what}: {permissions:?} lacks {feature}");
    }
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("x-frame-options"), "DENY", "{what}");
}

#[tokio::test]
async fn the_page_keeps_its_referrer_and_denies_powerful_features() {
    let app = spawn_app().await;
    for path in ["/", "/communities/copd"] {
        let page = app.client.get(app.url(path)).header(header::ACCEPT, "text/html").send().await.expect("answer");
        assert_eq!(page.status(), 200);
        assert_safe(page.headers(), path);
        assert_eq!(
            page.headers()[header::CACHE_CONTROL],
            "no-cache",
            "the page is revalidated, not forbidden to cache"
        );
    }
}

#[tokio::test]
async fn api_answers_with_personal_data_are_never_stored_or_sniffed() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let me = app.client.get(app.url("/api/v1/me")).bearer_auth(&amy.token).send().await.expect("answer");
    assert_eq!(me.status(), 200);
    assert_safe(me.headers(), "/api/v1/me");
    assert_eq!(me.headers()[header::CACHE_CONTROL], "no-store");

    // Errors too, whether a handler or the routing answered them.
    for (path, status) in [("/api/v1/me", 401), ("/api/v1/nothing-here", 404), ("/api/v1/threads/x", 404)] {
        let answer = app.client.get(app.url(path)).send().await.expect("answer");
        assert_eq!(answer.status(), status, "{path}");
        assert_safe(answer.headers(), path);
        assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store", "{path}");
    }
    // A state change refused as cross-site is an error raised before any handler.
    let refused = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, "kindred_session=x")
        .json(&serde_json::json!({ "username": "amy", "password": "whatever it is" }))
        .send()
        .await
        .expect("answer");
    assert_eq!(refused.status(), 403);
    assert_safe(refused.headers(), "a refused cross-site write");
    assert_eq!(refused.headers()[header::CACHE_CONTROL], "no-store");
}
