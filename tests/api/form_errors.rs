//! Forms answer with every wrong field at once, each named, so the web
//! client can list them all in its error summary; a form with one wrong
//! field keeps that field's own code. Nothing of a refused form is stored.

use serde_json::{Value, json};

use crate::helpers::{Reply, spawn_app};

/// The fields a 422 names, in order, each with a sentence.
fn wrong_fields(reply: &Reply) -> Vec<String> {
    let fields = reply.body["error"]["fields"].as_array().cloned().unwrap_or_default();
    fields
        .iter()
        .map(|field| {
            let message = field["message"].as_str().unwrap_or_default();
            assert!(message.ends_with('.'), "each field's message is a sentence: {field}");
            field["field"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn sign_up_names_every_wrong_field_at_once_and_stores_nothing() {
    let app = spawn_app().await;
    let version = app.guidelines_version().await;
    let everything_wrong = json!({
        "username": "ab",
        "display_name": "  ",
        "password": "123456789",
        "guidelines_version": "1999-01-01",
        "health_data_consent": false,
    });
    let reply = app.post("/api/v1/accounts", None, everything_wrong).await;
    reply.assert_error(422, "invalid_registration");
    assert_eq!(
        wrong_fields(&reply),
        ["username", "display_name", "password", "guidelines_version", "health_data_consent"]
    );
    assert!(reply.body["error"]["message"].as_str().is_some_and(|message| message.starts_with("5 answers")));

    let mut two_wrong = app.registration("carer_1", &version);
    two_wrong["password"] = json!("short");
    two_wrong["health_data_consent"] = json!(false);
    let reply = app.post("/api/v1/accounts", None, two_wrong).await;
    reply.assert_error(422, "invalid_registration");
    assert_eq!(wrong_fields(&reply), ["password", "health_data_consent"]);

    // Nothing was stored: the same username is still free.
    app.post("/api/v1/accounts", None, app.registration("carer_1", &version)).await.assert_status(201);
}

#[tokio::test]
async fn one_wrong_field_keeps_its_own_code_and_names_its_field() {
    let app = spawn_app().await;
    let version = app.guidelines_version().await;
    let cases: [(&str, Value, &str); 3] = [
        ("username", json!("with space"), "invalid_username"),
        ("password", json!("123456789"), "weak_password"),
        ("health_data_consent", json!(false), "consent_required"),
    ];
    for (field, value, code) in cases {
        let mut body = app.registration("carer_2", &version);
        body[field] = value;
        let reply = app.post("/api/v1/accounts", None, body).await;
        reply.assert_error(422, code);
        assert_eq!(wrong_fields(&reply), [field]);
    }
}

#[tokio::test]
async fn a_new_thread_names_every_wrong_field_at_once_and_stores_nothing() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await;
    let threads = "/api/v1/communities/copd/threads";

    let reply = app.post(threads, Some(&amy), json!({ "title": "ab", "body": "   " })).await;
    reply.assert_error(422, "invalid_thread");
    assert_eq!(wrong_fields(&reply), ["title", "body"]);

    let warned = json!({
        "title": "t".repeat(201),
        "body": "é".repeat(20_001),
        "content_warning": { "label": "no-such-warning" },
    });
    let reply = app.post(threads, Some(&amy), warned).await;
    reply.assert_error(422, "invalid_thread");
    assert_eq!(wrong_fields(&reply), ["title", "body", "content_warning"]);

    let reply = app.post(threads, Some(&amy), json!({ "title": "A fine title", "body": "" })).await;
    reply.assert_error(422, "empty_post");
    assert_eq!(wrong_fields(&reply), ["body"]);

    let listed = app.get(threads, None).await;
    assert_eq!(listed.body["threads"].as_array().map(Vec::len), Some(0), "no refused thread was stored");
}
