//! Requests to join an approval-only community: the community's moderators
//! are told when one arrives and see a count in their header (`/me`), and
//! the member is told of the decision, with the moderator's message.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

/// An approval-only community "carers" moderated by moss; (admin, mo).
async fn approval_community(app: &TestApp) -> (Account, Account) {
    let admin = app.admin("admin").await;
    app.community(&admin, "carers", "approval").await;
    let mo = app.register("moss").await;
    app.put("/api/v1/communities/carers/moderators/moss", Some(&admin)).await.assert_status(204);
    (admin, mo)
}

async fn waiting(app: &TestApp, who: &Account) -> i64 {
    app.get("/api/v1/me", Some(who)).await.assert_status(200)["join_requests"].as_i64().expect("a count")
}

async fn inbox(app: &TestApp, who: &Account) -> Vec<Value> {
    let page = app.get("/api/v1/notifications", Some(who)).await;
    page.assert_status(200)["notifications"].as_array().expect("notifications").clone()
}

#[tokio::test]
async fn a_request_to_join_tells_the_moderators_and_counts_in_their_header() {
    let app = spawn_app().await;
    let (admin, mo) = approval_community(&app).await;
    let amy = app.register("amy").await;
    assert_eq!(waiting(&app, &mo).await, 0);
    app.join(&amy, "carers").await.assert_status(202);

    assert_eq!(waiting(&app, &mo).await, 1);
    assert_eq!(waiting(&app, &admin).await, 1, "admins see every community's requests");
    assert_eq!(waiting(&app, &amy).await, 0);
    let told = inbox(&app, &mo).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "join_request");
    assert_eq!(told[0]["community"], "carers");
    assert_eq!(told[0]["summary"], "amy (they/them) asked to join Community carers.");
    assert!(inbox(&app, &admin).await.is_empty(), "the community's moderators are told, not its admins");

    let bea = app.register("bea").await;
    app.join(&bea, "carers").await.assert_status(202);
    assert_eq!(waiting(&app, &mo).await, 2);
    let told = inbox(&app, &mo).await;
    assert_eq!(told.len(), 1, "one line per community: {told:?}");
    assert_eq!(told[0]["summary"], "2 people asked to join Community carers.");
}

#[tokio::test]
async fn a_community_without_moderators_tells_its_admins() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "quiet", "approval").await;
    let amy = app.register("amy").await;
    app.join(&amy, "quiet").await.assert_status(202);
    let told = inbox(&app, &admin).await;
    assert_eq!(told[0]["kind"], "join_request", "{told:?}");
}

async fn decide(app: &TestApp, moderator: &Account, username: &str, body: Value) -> crate::helpers::Reply {
    app.post(&format!("/api/v1/communities/carers/membership-requests/{username}"), Some(moderator), body).await
}

#[tokio::test]
async fn the_member_is_told_of_the_decision_with_the_message() {
    let app = spawn_app().await;
    let (_, mo) = approval_community(&app).await;
    let amy = app.register("amy").await;
    let bea = app.register("bea").await;
    app.join(&amy, "carers").await.assert_status(202);
    app.join(&bea, "carers").await.assert_status(202);

    let long = "x".repeat(1001);
    decide(&app, &mo, "amy", json!({ "decision": "accept", "message": long })).await.assert_error(422, "too_long");
    assert_eq!(waiting(&app, &mo).await, 2, "nothing was decided");
    let welcome = json!({ "decision": "accept", "message": "Welcome! Say hello in the introductions thread." });
    decide(&app, &mo, "amy", welcome).await.assert_status(204);
    decide(&app, &mo, "bea", json!({ "decision": "refuse" })).await.assert_status(204);
    assert_eq!(waiting(&app, &mo).await, 0);

    let told = inbox(&app, &amy).await;
    assert_eq!(told[0]["kind"], "join_decided");
    assert_eq!(told[0]["community"], "carers");
    assert_eq!(
        told[0]["summary"],
        "Your request to join Community carers was accepted: welcome. The moderator wrote: Welcome! Say hello in the \
         introductions thread."
    );
    assert_eq!(app.get("/api/v1/communities/carers", Some(&amy)).await.body["membership"], "member");
    let told = inbox(&app, &bea).await;
    assert_eq!(told[0]["summary"], "Your request to join Community carers was not accepted.");
    assert_eq!(app.get("/api/v1/communities/carers", Some(&bea)).await.body["membership"], "refused");
    decide(&app, &mo, "bea", json!({ "decision": "accept" })).await.assert_error(404, "not_found");

    // The member's export holds the decision and its message.
    app.post("/api/v1/me/export", Some(&amy), json!({})).await.assert_status(202);
    let document = crate::erasure::download(&app, &amy).await;
    let decision = &document["communities"]["join_decisions"][0];
    assert_eq!((&decision["community"], &decision["accepted"]), (&json!("carers"), &json!(true)), "{document}");
    assert!(decision["message"].as_str().is_some_and(|message| message.starts_with("Welcome!")));
}
