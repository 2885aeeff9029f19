//! How people join the instance: invitation links (made, counted,
//! withdrawn, expired), invitation-only registration, and applications
//! admins decide when joining is by approval.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{Account, Api, PASSWORD, TestApp, spawn_app, spawn_app_with};
use crate::smtp::SmtpSink;

const SETTINGS: &str = "/api/v1/admin/settings";

async fn set_joining(app: &TestApp, admin: &Account, joining: &str) {
    app.patch(SETTINGS, Some(admin), json!({ "joining": joining })).await.assert_status(200);
}

/// Amy's new link's code.
async fn make_link(app: &TestApp, who: &Account, body: Value) -> (i64, String) {
    let made = app.post("/api/v1/me/invitations", Some(who), body).await;
    let made = made.assert_status(201);
    assert_eq!(made["path"], format!("/join?invitation={}", made["code"].as_str().expect("a code")));
    (made["id"].as_i64().expect("an id"), made["code"].as_str().expect("a code").to_owned())
}

/// A registration of `username`, with a link's code (and other fields) when given.
async fn register_with(app: &Api, username: &str, extra: Value) -> crate::helpers::Reply {
    let version = app.guidelines_version().await;
    let mut body = app.registration(username, &version);
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    app.post("/api/v1/accounts", None, body).await
}

#[tokio::test]
async fn invitation_only_registration_refuses_without_a_link_and_counts_the_join_for_its_inviter() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    let carol = app.register("carol").await;
    set_joining(&app, &admin, "invitation").await;
    assert_eq!(app.get("/api/v1/instance", None).await.body["joining"], "invitation");

    register_with(&app, "dan", json!({})).await.assert_error(403, "invitation_required");
    register_with(&app, "dan", json!({ "invitation": "  " })).await.assert_error(403, "invitation_required");
    register_with(&app, "dan", json!({ "invitation": "made-up" })).await.assert_error(404, "invitation_not_found");
    app.sign_in("dan", PASSWORD).await.assert_error(401, "invalid_credentials");

    let (_, code) = make_link(&app, &amy, json!({ "expires_in_days": 7 })).await;
    let checked = app.get(&format!("/api/v1/invitations/{code}"), None).await;
    let checked = checked.assert_status(200);
    assert_eq!(checked["invited_by"], "amy (they/them)");
    assert_eq!(checked["joining"], "invitation");
    assert!(checked["expires_at"].is_string());
    for name in ["dan", "erin"] {
        register_with(&app, name, json!({ "invitation": code })).await.assert_status(201);
    }

    let mine = app.get("/api/v1/me/invitations", Some(&amy)).await;
    let mine = mine.assert_status(200);
    assert_eq!(mine["brought"], 2, "{mine}");
    assert_eq!(mine["links"][0]["joined"], 2);
    assert_eq!(mine["links"][0]["state"], "usable");
    let theirs = app.get("/api/v1/me/invitations", Some(&carol)).await;
    assert_eq!(theirs.assert_status(200)["brought"], 0, "another member's links are their own");

    let totals = app.get("/api/v1/recruiting", Some(&admin)).await;
    assert_eq!(totals.assert_status(200), &json!({ "links": 1, "usable": 1, "joined": 2, "recruiters": 1 }));
    app.get("/api/v1/recruiting", Some(&carol)).await.assert_error(403, "forbidden");
}

#[tokio::test]
async fn a_revoked_or_expired_link_is_refused_with_its_own_error() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    let carol = app.register("carol").await;
    set_joining(&app, &admin, "invitation").await;
    let (revoked_id, revoked) = make_link(&app, &amy, json!({})).await;
    let (expired_id, expired) = make_link(&app, &amy, json!({ "expires_in_days": 1 })).await;

    app.delete(&format!("/api/v1/me/invitations/{revoked_id}"), Some(&carol)).await.assert_error(404, "not_found");
    app.delete(&format!("/api/v1/me/invitations/{revoked_id}"), Some(&amy)).await.assert_status(204);
    app.delete(&format!("/api/v1/me/invitations/{revoked_id}"), Some(&amy)).await.assert_status(204);
    {
        use kindred::db::schema::invitations;
        let mut connection = app.connect();
        diesel::update(invitations::table.find(expired_id))
            .set(invitations::expires_at.eq(Some(1_000_i64)))
            .execute(&mut connection)
            .expect("the link ends in the past");
    }

    app.get(&format!("/api/v1/invitations/{revoked}"), None).await.assert_error(410, "invitation_revoked");
    app.get(&format!("/api/v1/invitations/{expired}"), None).await.assert_error(410, "invitation_expired");
    register_with(&app, "dan", json!({ "invitation": revoked })).await.assert_error(410, "invitation_revoked");
    register_with(&app, "dan", json!({ "invitation": expired })).await.assert_error(410, "invitation_expired");
    app.sign_in("dan", PASSWORD).await.assert_error(401, "invalid_credentials");

    let mine = app.get("/api/v1/me/invitations", Some(&amy)).await;
    let states: Vec<&str> = mine.assert_status(200)["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["state"].as_str())
        .collect();
    assert_eq!(states, ["expired", "revoked"]);
    let totals = app.get("/api/v1/recruiting", Some(&admin)).await;
    assert_eq!(totals.assert_status(200)["usable"], 0);
}

#[tokio::test]
async fn a_link_lasts_one_to_ninety_days_and_a_member_keeps_at_most_twenty_working() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    for days in [0, 91] {
        let refused = app.post("/api/v1/me/invitations", Some(&amy), json!({ "expires_in_days": days })).await;
        refused.assert_error(422, "invalid_lifetime");
    }
    make_link(&app, &amy, json!({ "expires_in_days": 90 })).await;
    let mut last = 0;
    for _ in 1..20 {
        last = make_link(&app, &amy, json!({})).await.0;
    }
    let refused = app.post("/api/v1/me/invitations", Some(&amy), json!({})).await;
    refused.assert_error(409, "too_many_invitations");
    app.delete(&format!("/api/v1/me/invitations/{last}"), Some(&amy)).await.assert_status(204);
    make_link(&app, &amy, json!({})).await;
}

#[tokio::test]
async fn an_open_instance_counts_a_link_but_refuses_a_dead_one() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let (id, code) = make_link(&app, &amy, json!({})).await;
    register_with(&app, "dan", json!({ "invitation": code })).await.assert_status(201);
    app.register("erin").await;
    app.delete(&format!("/api/v1/me/invitations/{id}"), Some(&amy)).await.assert_status(204);
    register_with(&app, "fay", json!({ "invitation": code })).await.assert_error(410, "invitation_revoked");
    let mine = app.get("/api/v1/me/invitations", Some(&amy)).await;
    assert_eq!(mine.assert_status(200)["brought"], 1);
}

#[tokio::test]
async fn approval_mode_applications_reach_admins_and_the_decision_reaches_the_applicant() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url)).await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    set_joining(&app, &admin, "approval").await;
    let (_, code) = make_link(&app, &amy, json!({})).await;

    let applied = register_with(&app, "dan", json!({ "email": "dan@example.org", "note": "My GP sent me." })).await;
    let applied = applied.assert_status(202);
    assert_eq!(applied["status"], "pending");
    assert!(applied.get("token").is_none(), "no session before acceptance");
    register_with(&app, "erin", json!({ "invitation": code })).await.assert_status(202);
    register_with(&app, "fay", json!({ "email": "fay@example.org" })).await.assert_status(202);
    let long = "x".repeat(1001);
    register_with(&app, "gus", json!({ "note": long })).await.assert_error(422, "invalid_note");
    app.sign_in("dan", PASSWORD).await.assert_error(403, "application_pending");

    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.body["applications"], 3);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["applications"], 0);
    app.get("/api/v1/admin/applications", Some(&amy)).await.assert_error(403, "forbidden");
    let decide = |who: &'static str, body: Value| {
        let (app, admin) = (&app, &admin);
        async move { app.post(&format!("/api/v1/admin/applications/{who}"), Some(admin), body).await }
    };
    app.post("/api/v1/admin/applications/dan", Some(&amy), json!({ "decision": "accept" }))
        .await
        .assert_error(403, "forbidden");
    let waiting = app.get("/api/v1/admin/applications", Some(&admin)).await;
    let waiting = waiting.assert_status(200)["applications"].as_array().expect("applications").clone();
    let names: Vec<&str> = waiting.iter().filter_map(|a| a["username"].as_str()).collect();
    assert_eq!(names, ["dan", "erin", "fay"]);
    assert_eq!((&waiting[0]["note"], &waiting[0]["has_email"]), (&json!("My GP sent me."), &json!(true)));

    decide("dan", json!({ "decision": "accept", "message": "Welcome, Dan." })).await.assert_status(204);
    decide("dan", json!({ "decision": "refuse" })).await.assert_error(409, "already_decided");
    decide("amy", json!({ "decision": "accept" })).await.assert_error(404, "not_found");
    decide("fay", json!({ "decision": "refuse", "message": "This group is for carers." })).await.assert_status(204);
    decide("erin", json!({ "decision": "accept" })).await.assert_status(204);

    let welcome = sink.letter_to("dan@example.org", 1).await;
    assert!(welcome.subject().contains("Welcome"), "{}", welcome.subject());
    assert!(welcome.text().contains("Welcome, Dan."));
    let declined = sink.letter_to("fay@example.org", 1).await;
    assert!(declined.text().contains("not accepted") && declined.text().contains("This group is for carers."));
    app.sign_in("dan", PASSWORD).await.assert_status(200);
    let refused = app.sign_in("fay", PASSWORD).await;
    refused.assert_error(403, "application_declined");
    assert!(refused.body["error"]["message"].as_str().is_some_and(|m| m.contains("This group is for carers.")));

    let mine = app.get("/api/v1/me/invitations", Some(&amy)).await;
    assert_eq!(mine.assert_status(200)["brought"], 1, "erin counts once accepted");
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.body["applications"], 0);
    let log = app.get("/api/v1/admin/log", Some(&admin)).await;
    let actions: Vec<(String, String)> = log.assert_status(200)["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            (entry["action"].as_str().unwrap_or("").to_owned(), entry["subject"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    for decided in [("application_accepted", "dan"), ("application_declined", "fay"), ("application_accepted", "erin")]
    {
        assert!(actions.contains(&(decided.0.to_owned(), decided.1.to_owned())), "{decided:?} in {actions:?}");
    }
}
