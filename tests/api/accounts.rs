//! Registration, signing in and out, sessions and the CSRF rule.

use std::time::Duration;

use reqwest::header;
use serde_json::json;

use crate::helpers::{Account, PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn registration_records_both_consents_with_their_versions() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let me = app.get("/api/v1/me", Some(&amy)).await;
    let body = me.assert_status(200);
    assert_eq!(body["username"], "amy");
    assert_eq!(body["display_name"], "amy (they/them)");
    assert_eq!(body["is_admin"], false);
    let kinds: Vec<(&str, &str)> = body["consents"]
        .as_array()
        .expect("consents")
        .iter()
        .map(|consent| (consent["kind"].as_str().unwrap_or(""), consent["version"].as_str().unwrap_or("")))
        .collect();
    let instance = app.get("/api/v1/instance", None).await.body;
    let guidelines = instance["guidelines"]["version"].as_str().expect("version");
    let consent = instance["health_data_consent"]["version"].as_str().expect("version");
    assert_eq!(kinds, vec![("guidelines", guidelines), ("health_data", consent)]);
}

#[tokio::test]
async fn the_instance_describes_guidelines_consent_warnings_and_reactions() {
    let app = spawn_app().await;
    let instance = app.get("/api/v1/instance", None).await;
    let body = instance.assert_status(200);
    assert_eq!(body["name"], "Kindred");
    assert!(body["guidelines"]["html"].as_str().expect("html").contains("<p>"));
    assert!(body["health_data_consent"]["html"].as_str().expect("html").contains("health"));
    let warnings: Vec<&str> =
        body["content_warnings"].as_array().expect("warnings").iter().filter_map(|w| w["id"].as_str()).collect();
    assert!(warnings.contains(&"self_harm") && warnings.contains(&"bereavement"));
    let reactions: Vec<&str> =
        body["reactions"].as_array().expect("reactions").iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(reactions, vec!["hug", "me_too", "thank_you", "strength"]);
}

#[tokio::test]
async fn a_username_is_unique_ignoring_case() {
    let app = spawn_app().await;
    app.register("Amy").await;
    let version = app.guidelines_version().await;
    let reply = app.post("/api/v1/accounts", None, app.registration("aMY", &version)).await;
    reply.assert_error(409, "username_taken");
}

#[tokio::test]
async fn registration_refuses_bad_fields_and_stores_nothing() {
    let app = spawn_app().await;
    let version = app.guidelines_version().await;
    let base = app.registration("carer_1", &version);
    let cases = [
        ("username", json!("ab"), "invalid_username"),
        ("username", json!("a".repeat(33)), "invalid_username"),
        ("username", json!("with space"), "invalid_username"),
        ("display_name", json!("é".repeat(65)), "invalid_display_name"),
        ("display_name", json!("  "), "invalid_display_name"),
        ("password", json!("123456789"), "weak_password"),
        ("password", json!("x".repeat(1025)), "invalid_password"),
        ("guidelines_version", json!("1999-01-01"), "guidelines_outdated"),
        ("health_data_consent", json!(false), "consent_required"),
    ];
    for (field, value, code) in cases {
        let mut body = base.clone();
        body[field] = value;
        app.post("/api/v1/accounts", None, body).await.assert_error(422, code);
    }
    let mut missing = base.clone();
    missing.as_object_mut().expect("object").remove("health_data_consent");
    app.post("/api/v1/accounts", None, missing).await.assert_error(400, "invalid_body");
    // None of the refused attempts left an account behind.
    app.post("/api/v1/accounts", None, base).await.assert_status(201);
}

#[tokio::test]
async fn display_names_may_be_any_script_up_to_64_graphemes() {
    let app = spawn_app().await;
    let version = app.guidelines_version().await;
    let mut body = app.registration("nadia", &version);
    body["display_name"] = json!("👩‍👩‍👧".repeat(64));
    app.post("/api/v1/accounts", None, body).await.assert_status(201);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_error() {
    let app = spawn_app().await;
    app.register("amy").await;
    let before = app.state.passwords.dummy_verifications();
    let wrong = app.sign_in("amy", "not the password").await;
    wrong.assert_error(401, "invalid_credentials");
    assert_eq!(app.state.passwords.dummy_verifications(), before, "a known user is verified against their hash");
    let unknown = app.sign_in("nobody_here", "not the password").await;
    unknown.assert_error(401, "invalid_credentials");
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(app.state.passwords.dummy_verifications(), before + 1, "the unknown user ran the dummy verification");
}

#[tokio::test]
async fn signing_in_works_with_any_case_and_signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.register("Amy").await;
    let reply = app.sign_in("amy", PASSWORD).await;
    let token = reply.assert_status(200)["token"].as_str().expect("token").to_owned();
    let amy = Account { token };
    app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
    app.delete("/api/v1/sessions/current", Some(&amy)).await.assert_status(204);
    app.get("/api/v1/me", Some(&amy)).await.assert_error(401, "session_invalid");
}

#[tokio::test]
async fn a_request_without_a_session_is_asked_to_sign_in() {
    let app = spawn_app().await;
    app.get("/api/v1/me", None).await.assert_error(401, "not_signed_in");
    let stranger = Account { token: "made-up-token".into() };
    app.get("/api/v1/me", Some(&stranger)).await.assert_error(401, "session_invalid");
}

#[tokio::test]
async fn an_unused_session_expires() {
    let app = spawn_app_with(|settings| settings.session_ttl_seconds = 1).await;
    let amy = app.register("amy").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    app.get("/api/v1/me", Some(&amy)).await.assert_error(401, "session_expired");
    // An expired session reads public pages as a visitor.
    app.get("/api/v1/communities", Some(&amy)).await.assert_status(200);
}

#[tokio::test]
async fn a_session_in_use_slides_past_its_first_expiry() {
    let app = spawn_app_with(|settings| settings.session_ttl_seconds = 3).await;
    let amy = app.register("amy").await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
    }
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    let version = app.guidelines_version().await;
    let response = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(&app.registration("amy", &version))
        .send()
        .await
        .expect("answer");
    let cookie = response.headers().get(header::SET_COOKIE).expect("a cookie").to_str().expect("text").to_owned();
    assert!(cookie.starts_with("kindred_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http instances cannot use Secure cookies: {cookie}");
}

/// A browser-like client: it keeps cookies and sends no bearer token.
async fn browser_with_session(app: &crate::helpers::TestApp) -> reqwest::Client {
    let browser = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let version = app.guidelines_version().await;
    let reply = browser
        .post(app.url("/api/v1/accounts"))
        .header(header::ORIGIN, &app.address)
        .json(&app.registration("amy", &version))
        .send()
        .await
        .expect("answer");
    assert_eq!(reply.status(), 201);
    browser
}

#[tokio::test]
async fn a_cookie_request_that_changes_state_must_come_from_our_origin() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let browser = browser_with_session(&app).await;
    let join = app.url("/api/v1/communities/copd/membership");

    let no_origin = crate::helpers::read(browser.post(&join).json(&json!({})).send().await.expect("answer")).await;
    no_origin.assert_error(403, "csrf_refused");

    let cross_site = browser.post(&join).header(header::ORIGIN, "https://evil.example").json(&json!({}));
    crate::helpers::read(cross_site.send().await.expect("answer")).await.assert_error(403, "csrf_refused");

    let fetch_cross = browser.post(&join).header("sec-fetch-site", "cross-site").json(&json!({}));
    crate::helpers::read(fetch_cross.send().await.expect("answer")).await.assert_error(403, "csrf_refused");

    // An empty bearer header is no bearer token: the cookie it rides on is checked as ever.
    let empty_bearer = browser.post(&join).header(header::AUTHORIZATION, "Bearer ").json(&json!({}));
    crate::helpers::read(empty_bearer.send().await.expect("answer")).await.assert_error(403, "csrf_refused");

    let same_origin = browser.post(&join).header(header::ORIGIN, &app.address).json(&json!({}));
    crate::helpers::read(same_origin.send().await.expect("answer")).await.assert_status(200);

    let same_site_fetch = browser.delete(&join).header("sec-fetch-site", "same-origin");
    assert_eq!(same_site_fetch.send().await.expect("answer").status(), 204);

    // Reading needs no origin.
    let me = browser.get(app.url("/api/v1/me")).send().await.expect("answer");
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn a_cross_origin_form_post_is_refused() {
    let app = spawn_app().await;
    app.register("amy").await;
    let form = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("username=amy&password={PASSWORD}"))
        .send()
        .await
        .expect("answer");
    crate::helpers::read(form).await.assert_error(403, "csrf_refused");
}

#[tokio::test]
async fn a_bearer_token_needs_no_origin() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
}
