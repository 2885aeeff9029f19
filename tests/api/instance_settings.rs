//! The instance's settings in the database: only admins read and change
//! them, every change is logged, a wrong change names every wrong field and
//! stores nothing, and whatever reads a setting uses the live value, in
//! this process at once and in another within a second or so.

use std::time::{Duration, Instant};

use reqwest::header;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};
use crate::safeguarding::CRISIS_TEXT;

const SETTINGS: &str = "/api/v1/admin/settings";

/// An admin and a member of the public community "copd".
async fn admin_and_member(app: &TestApp) -> (Account, Account) {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    (admin, amy)
}

fn helpline(name: &str) -> Value {
    json!({
        "name": name,
        "phone": "0300 123 4567",
        "hours": "Every day, 8am to 8pm",
        "url": "https://example.org/help",
        "description": "Someone to talk to.",
    })
}

/// The admin log's entries about settings, newest first.
async fn setting_changes(app: &TestApp, admin: &Account) -> Vec<Value> {
    let log = app.get("/api/v1/admin/log", Some(admin)).await;
    let entries = log.assert_status(200)["entries"].as_array().expect("entries").clone();
    entries.into_iter().filter(|entry| entry["action"] == "setting_changed").collect()
}

async fn page_html(app: &TestApp) -> String {
    let page = app.client.get(app.url("/")).header(header::ACCEPT, "text/html").send().await.expect("answer");
    page.text().await.expect("text")
}

#[tokio::test]
async fn only_admins_read_and_change_the_settings() {
    let app = spawn_app().await;
    let (admin, amy) = admin_and_member(&app).await;
    app.get(SETTINGS, None).await.assert_error(401, "not_signed_in");
    app.get(SETTINGS, Some(&amy)).await.assert_error(403, "forbidden");
    app.patch(SETTINGS, Some(&amy), json!({ "name": "Taken over" })).await.assert_error(403, "forbidden");
    app.get("/api/v1/admin/log", Some(&amy)).await.assert_error(403, "forbidden");
    assert_eq!(app.get("/api/v1/instance", None).await.body["name"], "Kindred");
    let settings = app.get(SETTINGS, Some(&admin)).await;
    let settings = settings.assert_status(200);
    assert_eq!(settings["name"], "Kindred");
    assert_eq!(settings["joining"], "open");
    assert_eq!(settings["crisis_action"], "flag");
    assert!(settings["helplines"]["en"].as_array().is_some_and(|list| !list.is_empty()));
    assert!(settings["footer"]["accessibility"].as_str().is_some_and(|text| !text.is_empty()));
    assert!(setting_changes(&app, &admin).await.is_empty());
}

#[tokio::test]
async fn a_change_is_used_at_once_everywhere_and_logged() {
    let app = spawn_app().await;
    let (admin, _) = admin_and_member(&app).await;
    let before = app.get(SETTINGS, Some(&admin)).await.body;
    let change = json!({
        "name": "Walsall <Walkers>",
        "logo_text": "Walkers",
        "brand_colour": "#6a1b9a",
        "helplines": { "en": [helpline("Walsall Listening Line")] },
        "footer": {
            "operator": "Run by Walsall Walkers CIO.",
            "privacy": "We keep little.",
            "contact": "Write to **hello@example.org**.",
            "accessibility": "Tell us what gets in your way.",
            "terms": "Be kind.",
        },
    });
    let saved = app.patch(SETTINGS, Some(&admin), change).await;
    assert_eq!(saved.assert_status(200)["name"], "Walsall <Walkers>");

    let instance = app.get("/api/v1/instance", None).await.body;
    assert_eq!(instance["name"], "Walsall <Walkers>");
    assert_eq!(instance["logo_text"], "Walkers");
    assert_eq!(instance["support"]["helplines"][0]["name"], "Walsall Listening Line");
    assert_eq!(instance["support"]["helplines"].as_array().map(Vec::len), Some(1));
    let contact = instance["footer"].as_array().expect("footer texts").iter().find(|text| text["id"] == "contact");
    assert_eq!(contact.expect("a contact text")["html"], "<p>Write to <strong>hello@example.org</strong>.</p>\n");
    let html = page_html(&app).await;
    assert!(html.contains("<title>Walsall &lt;Walkers&gt;</title>"), "the title, escaped: {html}");
    assert!(html.contains("--accent:#6a1b9a"), "the brand colour: {html}");

    let entries = setting_changes(&app, &admin).await;
    let mut subjects: Vec<&str> = entries.iter().filter_map(|entry| entry["subject"].as_str()).collect();
    subjects.sort_unstable();
    assert_eq!(subjects, ["brand_colour", "footer", "helplines", "logo_text", "name"]);
    let name = entries.iter().find(|entry| entry["subject"] == "name").expect("the name's entry");
    assert_eq!(name["actor"], "admin");
    assert_eq!(name["action"], "setting_changed");
    assert_eq!(name["old_value"], json!(before["name"].to_string()));
    assert_eq!(name["new_value"], "\"Walsall <Walkers>\"");
    assert!(name["at"].as_str().is_some_and(|at| at.starts_with("20")));

    // Saving the same again changes nothing, so logs nothing.
    app.patch(SETTINGS, Some(&admin), json!({ "name": "Walsall <Walkers>" })).await.assert_status(200);
    assert_eq!(setting_changes(&app, &admin).await.len(), 5);
}

#[tokio::test]
async fn every_wrong_setting_is_named_at_once_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (admin, _) = admin_and_member(&app).await;
    let before = app.get(SETTINGS, Some(&admin)).await.body;
    let wrong = json!({
        "name": "",
        "brand_colour": "#ffee58",
        "helplines": { "fr": [helpline("SOS Amitié")] },
        "helplines_locale": "en GB",
        "hold_first_posts": 99,
        "guidelines": { "version": before["guidelines"]["version"], "text": "Changed without a new version." },
    });
    let refused = app.patch(SETTINGS, Some(&admin), wrong).await;
    refused.assert_error(422, "invalid_settings");
    let fields: Vec<&str> = refused.body["error"]["fields"]
        .as_array()
        .expect("the wrong fields")
        .iter()
        .map(|field| {
            assert!(field["message"].as_str().is_some_and(|message| message.ends_with('.')), "{field}");
            field["field"].as_str().expect("a field")
        })
        .collect();
    for expected in ["name", "brand_colour", "helplines", "helplines_locale", "hold_first_posts", "guidelines.version"]
    {
        assert!(fields.contains(&expected), "{expected} in {fields:?}");
    }
    assert_eq!(fields.len(), 6, "{fields:?}");
    assert_eq!(app.get(SETTINGS, Some(&admin)).await.body, before, "nothing was saved");
    assert!(setting_changes(&app, &admin).await.is_empty());

    let too_long = "x".repeat(20_001);
    let footer = json!({ "operator": too_long, "privacy": "", "contact": "c", "accessibility": "a", "terms": "t" });
    let refused = app.patch(SETTINGS, Some(&admin), json!({ "footer": footer })).await;
    refused.assert_error(422, "invalid_settings");
    let fields: Vec<&str> =
        refused.body["error"]["fields"].as_array().into_iter().flatten().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!(fields, ["footer.operator", "footer.privacy"]);
}

#[tokio::test]
async fn a_new_guidelines_or_consent_version_blocks_posting_until_accepted() {
    let app = spawn_app().await;
    let (admin, amy) = admin_and_member(&app).await;
    let (thread, _) = app.thread(&amy, "copd", "Hello", "First post").await;
    let reply = json!({ "body": "A reply" });
    let replies = format!("/api/v1/threads/{thread}/posts");

    let guidelines = json!({ "version": "2027-01", "text": "Be kind. No selling." });
    app.patch(SETTINGS, Some(&admin), json!({ "guidelines": guidelines })).await.assert_status(200);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["needs_acceptance"], json!(["guidelines"]));
    app.post(&replies, Some(&amy), reply.clone()).await.assert_error(403, "guidelines_not_accepted");
    let instance = app.get("/api/v1/instance", None).await.body;
    assert_eq!(instance["guidelines"]["version"], "2027-01");
    assert_eq!(instance["guidelines"]["html"], "<p>Be kind. No selling.</p>\n");
    let accept = json!({ "kind": "guidelines", "version": "2027-01" });
    app.post("/api/v1/me/consents", Some(&amy), accept).await.assert_status(201);
    app.post(&replies, Some(&amy), reply.clone()).await.assert_status(201);

    let consent = json!({ "version": "2027-02", "text": "We keep what you write to run this community." });
    app.patch(SETTINGS, Some(&admin), json!({ "health_data_consent": consent })).await.assert_status(200);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["needs_acceptance"], json!(["health_data"]));
    app.post(&replies, Some(&amy), reply.clone()).await.assert_error(403, "consent_required");
    let accept = json!({ "kind": "health_data", "version": "2027-02" });
    app.post("/api/v1/me/consents", Some(&amy), accept).await.assert_status(201);
    app.post(&replies, Some(&amy), reply).await.assert_status(201);

    // A newcomer registers against the version in force.
    let stale = app.registration("newcomer", "2026-11-01");
    app.post("/api/v1/accounts", None, stale).await.assert_error(422, "guidelines_outdated");
    app.register("newcomer").await;
}

#[tokio::test]
async fn hold_first_posts_and_the_crisis_action_apply_at_once() {
    let app = spawn_app().await;
    let (admin, amy) = admin_and_member(&app).await;
    let (thread, _) = app.thread(&amy, "copd", "Tonight", "How is everyone?").await;
    let replies = format!("/api/v1/threads/{thread}/posts");
    let crisis = json!({ "body": CRISIS_TEXT });
    let published = app.post(&replies, Some(&amy), crisis.clone()).await;
    assert!(published.assert_status(201)["moderation"].is_null(), "flag publishes: {}", published.body);

    app.patch(SETTINGS, Some(&admin), json!({ "crisis_action": "hold" })).await.assert_status(200);
    let held = app.post(&replies, Some(&amy), crisis).await;
    assert_eq!(held.assert_status(201)["moderation"]["state"], "held", "hold keeps it back: {}", held.body);

    let bea = app.register("bea").await;
    app.join(&bea, "copd").await.assert_status(200);
    app.patch(SETTINGS, Some(&admin), json!({ "hold_first_posts": 1 })).await.assert_status(200);
    let first = app.post(&replies, Some(&bea), json!({ "body": "Hello all" })).await;
    assert_eq!(first.assert_status(201)["moderation"]["state"], "held", "{}", first.body);
}

#[tokio::test]
async fn another_process_uses_a_change_within_a_few_seconds() {
    let app = spawn_app().await;
    let (admin, _) = admin_and_member(&app).await;
    let other = app.beside(|_| {});
    assert_eq!(other.get("/api/v1/instance", None).await.body["name"], "Kindred");
    app.patch(SETTINGS, Some(&admin), json!({ "name": "Leith Men's Shed" })).await.assert_status(200);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if other.get("/api/v1/instance", None).await.body["name"] == "Leith Men's Shed" {
            break;
        }
        assert!(Instant::now() < deadline, "the other process never saw the change");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
