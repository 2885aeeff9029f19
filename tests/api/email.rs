//! A verified email and password resets: the links arrive over real SMTP
//! (a sink started by the test), work once and expire, and asking for a
//! reset never tells whether an address has an account.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app, spawn_app_with};
use crate::live_client::LiveClient;
use crate::smtp::SmtpSink;

async fn app_with_mail(adjust: impl FnOnce(&mut kindred::config::Settings)) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.smtp_url = Some(url);
        adjust(settings);
    })
    .await;
    (app, sink)
}

/// Sets and verifies `email` for `who` through the link the sink receives.
async fn verified(app: &TestApp, sink: &SmtpSink, who: &Account, email: &str) {
    app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(who), Some(json!({ "email": email })))
        .await
        .assert_status(202);
    let letter = sink.letter_to(&email.to_lowercase(), 1).await;
    assert!(letter.data.contains("Subject: Confirm your email address for Kindred"), "{}", letter.data);
    let token = letter.token();
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_status(204);
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_error(410, "link_expired");
}

#[tokio::test]
async fn an_email_is_verified_by_the_link_mailed_to_it() {
    let (app, sink) = app_with_mail(|_| {}).await;
    let amy = app.register("amy").await;
    let me = app.get("/api/v1/me", Some(&amy)).await.body;
    assert!(me["email"].is_null() && me["email_verified"] == false);
    let put = |body| app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(&amy), Some(body));
    put(json!({ "email": "not an address" })).await.assert_error(422, "invalid_email");
    put(json!({ "email": format!("{}@example.org", "a".repeat(250)) })).await.assert_error(422, "invalid_email");
    verified(&app, &sink, &amy, "Amy@Example.org").await;
    let me = app.get("/api/v1/me", Some(&amy)).await.body;
    assert_eq!(me["email"], "amy@example.org");
    assert_eq!(me["email_verified"], true);

    // Another account cannot verify an address already verified elsewhere.
    let ben = app.register("ben").await;
    app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(&ben), Some(json!({ "email": "amy@example.org" })))
        .await
        .assert_status(202);
    let token = sink.letter_to("amy@example.org", 2).await.token();
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_error(409, "email_taken");
}

#[tokio::test]
async fn a_reset_link_arrives_works_once_and_ends_every_session() {
    let (app, sink) = app_with_mail(|_| {}).await;
    let amy = app.register("amy").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    let mut live = LiveClient::connect(&app, &amy).await;

    app.post("/api/v1/password-resets", None, json!({ "email": "AMY@example.org" })).await.assert_status(202);
    let letter = sink.letter_to("amy@example.org", 2).await;
    assert!(letter.data.contains("Subject: Reset your Kindred password"), "{}", letter.data);
    assert!(letter.data.contains(&format!("{}/reset-password#token=", app.address)), "{}", letter.data);
    let token = letter.token();

    let path = format!("/api/v1/password-resets/{token}");
    app.post(&path, None, json!({ "password": "short" })).await.assert_error(422, "weak_password");
    app.post(&path, None, json!({ "password": "a brand new password" })).await.assert_status(204);
    app.get("/api/v1/me", Some(&amy)).await.assert_error(401, "session_invalid");
    assert!(live.next().await.is_none(), "the live connection closed");
    app.sign_in("amy", PASSWORD).await.assert_error(401, "invalid_credentials");
    app.sign_in("amy", "a brand new password").await.assert_status(200);
    app.post(&path, None, json!({ "password": "yet another password" })).await.assert_error(410, "link_expired");
    app.post("/api/v1/password-resets/made-up", None, json!({ "password": "yet another password" }))
        .await
        .assert_error(410, "link_expired");
}

#[tokio::test]
async fn a_reset_link_expires() {
    let (app, sink) = app_with_mail(|settings| settings.password_reset_ttl_seconds = 1).await;
    let amy = app.register("amy").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    app.post("/api/v1/password-resets", None, json!({ "email": "amy@example.org" })).await.assert_status(202);
    let token = sink.letter_to("amy@example.org", 2).await.token();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let path = format!("/api/v1/password-resets/{token}");
    app.post(&path, None, json!({ "password": "a brand new password" })).await.assert_error(410, "link_expired");
    app.sign_in("amy", PASSWORD).await.assert_status(200);
}

#[tokio::test]
async fn asking_for_a_reset_answers_the_same_for_any_address_and_mails_only_verified_ones() {
    let (app, sink) = app_with_mail(|_| {}).await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(&ben), Some(json!({ "email": "ben@example.org" })))
        .await
        .assert_status(202);
    sink.letter_to("ben@example.org", 1).await;

    let mut answers = Vec::new();
    for email in ["nobody@example.org", "ben@example.org", "amy@example.org"] {
        let reply = app.post("/api/v1/password-resets", None, json!({ "email": email })).await;
        answers.push((reply.status, reply.body));
    }
    assert!(answers.iter().all(|answer| *answer == (202, serde_json::Value::Null)), "{answers:?}");
    sink.letter_to("amy@example.org", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.letters_to("ben@example.org").len(), 1, "an unverified address gets no reset link");
    assert!(sink.letters_to("nobody@example.org").is_empty());
    app.post("/api/v1/password-resets", None, json!({ "email": "nope" })).await.assert_error(422, "invalid_email");
}

#[tokio::test]
async fn without_smtp_a_reset_request_is_still_accepted() {
    let app = spawn_app().await;
    app.register("amy").await;
    app.post("/api/v1/password-resets", None, json!({ "email": "amy@example.org" })).await.assert_status(202);
}

#[tokio::test]
async fn reset_links_for_one_address_are_limited_whether_or_not_it_has_an_account() {
    let (app, sink) = app_with_mail(|settings| settings.password_resets_per_hour = 2).await;
    let amy = app.register("amy").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    for email in ["amy@example.org", "nobody@example.org"] {
        for _ in 0..2 {
            app.post("/api/v1/password-resets", None, json!({ "email": email })).await.assert_status(202);
        }
        // Case and spaces do not make another address.
        let again = format!(" {} ", email.to_uppercase());
        let refused = app.post("/api/v1/password-resets", None, json!({ "email": again })).await;
        refused.assert_error(429, "too_many_password_resets");
        assert!(refused.body["error"]["message"].as_str().is_some_and(|text| text.contains("check your inbox")));
    }
    sink.letter_to("amy@example.org", 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let resets = sink.letters_to("amy@example.org").iter().filter(|letter| letter.data.contains("Reset your")).count();
    assert_eq!(resets, 2, "only the allowed requests sent a link");
    app.post("/api/v1/password-resets", None, json!({ "email": "ben@example.org" })).await.assert_status(202);
}

/// Asks for a reset link for `email` and returns its token, the `nth` letter to that address.
async fn reset_token(app: &TestApp, sink: &SmtpSink, email: &str, nth: usize) -> String {
    app.post("/api/v1/password-resets", None, json!({ "email": email })).await.assert_status(202);
    let letter = sink.letter_to(email, nth).await;
    assert!(letter.data.contains("Subject: Reset your Kindred password"), "{}", letter.data);
    letter.token()
}

async fn use_reset(app: &TestApp, token: &str) -> crate::helpers::Reply {
    app.post(&format!("/api/v1/password-resets/{token}"), None, json!({ "password": "a brand new password" })).await
}

#[tokio::test]
async fn a_password_change_voids_outstanding_reset_links() {
    let (app, sink) = app_with_mail(|_| {}).await;
    let amy = app.register("amy").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    let token = reset_token(&app, &sink, "amy@example.org", 2).await;
    let change = json!({ "current_password": PASSWORD, "new_password": "a changed long password" });
    app.send(reqwest::Method::PUT, "/api/v1/me/password", Some(&amy), Some(change)).await.assert_status(204);
    use_reset(&app, &token).await.assert_error(410, "link_expired");
    app.sign_in("amy", "a changed long password").await.assert_status(200);

    // A password set from the command line voids them too.
    let token = reset_token(&app, &sink, "amy@example.org", 3).await;
    let password = kindred::domain::account::Password::parse("set by the admin".into()).expect("a password");
    kindred::admin::reset_password(&mut app.connect(), "amy", &password).expect("reset");
    use_reset(&app, &token).await.assert_error(410, "link_expired");
}

#[tokio::test]
async fn an_email_change_or_removal_voids_outstanding_reset_links() {
    let (app, sink) = app_with_mail(|_| {}).await;
    let amy = app.register("amy").await;
    verified(&app, &sink, &amy, "amy@example.org").await;
    let token = reset_token(&app, &sink, "amy@example.org", 2).await;
    verified(&app, &sink, &amy, "amy@elsewhere.org").await;
    use_reset(&app, &token).await.assert_error(410, "link_expired");

    let token = reset_token(&app, &sink, "amy@elsewhere.org", 2).await;
    app.delete("/api/v1/me/email", Some(&amy)).await.assert_status(204);
    use_reset(&app, &token).await.assert_error(410, "link_expired");
    app.sign_in("amy", PASSWORD).await.assert_status(200);
}
