//! Consent re-asked when the guidelines change, a member's sessions (listing
//! and ending them, live connections included), changing the password, and
//! the retention job that forgets IP addresses.

use reqwest::header;
use serde_json::json;

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app};
use crate::live_client::LiveClient;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// A public community "copd" with amy as a member; returns amy.
async fn member_of_copd(app: &TestApp) -> Account {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    amy
}

#[tokio::test]
async fn new_guidelines_are_accepted_before_posting_again() {
    let app = spawn_app().await;
    let amy = member_of_copd(&app).await;
    let (thread, _) = app.thread(&amy, "copd", "Hello", "First post").await;
    assert!(app.get("/api/v1/me", Some(&amy)).await.body["needs_acceptance"].as_array().expect("list").is_empty());

    // The admin publishes a new version and restarts.
    let folder = tempfile::tempdir().expect("folder");
    let file = folder.path().join("guidelines.toml");
    std::fs::write(&file, "version = \"2027-01-01\"\ntext = \"Be kind. Also: no selling.\"\n").expect("written");
    let updated = app.beside(|settings| settings.guidelines_file = Some(file));

    let me = updated.get("/api/v1/me", Some(&amy)).await;
    assert_eq!(me.assert_status(200)["needs_acceptance"], json!(["guidelines"]));
    let body = json!({ "title": "Again", "body": "Second" });
    updated
        .post("/api/v1/communities/copd/threads", Some(&amy), body.clone())
        .await
        .assert_error(403, "guidelines_not_accepted");
    let reply = json!({ "body": "A reply" });
    updated
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), reply.clone())
        .await
        .assert_error(403, "guidelines_not_accepted");

    let stale = json!({ "kind": "guidelines", "version": "2026-11-01" });
    updated.post("/api/v1/me/consents", Some(&amy), stale).await.assert_error(422, "guidelines_outdated");
    updated
        .post("/api/v1/me/consents", Some(&amy), json!({ "kind": "cookies", "version": "1" }))
        .await
        .assert_error(422, "invalid_consent");
    let accepted =
        updated.post("/api/v1/me/consents", Some(&amy), json!({ "kind": "guidelines", "version": "2027-01-01" })).await;
    let me = accepted.assert_status(201);
    assert_eq!(me["needs_acceptance"], json!([]));
    let versions: Vec<&str> =
        me["consents"].as_array().expect("list").iter().filter_map(|c| c["version"].as_str()).collect();
    assert!(
        versions.contains(&"2026-11-01") && versions.contains(&"2027-01-01"),
        "both acceptances are kept: {versions:?}"
    );
    updated.post("/api/v1/communities/copd/threads", Some(&amy), body).await.assert_status(201);
    updated.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), reply).await.assert_status(201);
}

#[tokio::test]
async fn an_account_without_consents_is_asked_for_both_and_cannot_chat_until_then() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    // Accounts made on the command line consented to nothing yet.
    let me = app.get("/api/v1/me", Some(&admin)).await;
    assert_eq!(me.assert_status(200)["needs_acceptance"], json!(["guidelines", "health_data"]));
    let room = crate::live_client::default_room(&app, &admin, "copd").await;
    let mut live = LiveClient::connect(&app, &admin).await;
    live.subscribe(room, None).await;
    live.say(room, "hello", "c-1").await;
    assert_eq!(live.next_of("error").await["code"], "guidelines_not_accepted");

    let version = app.guidelines_version().await;
    app.post("/api/v1/me/consents", Some(&admin), json!({ "kind": "guidelines", "version": version }))
        .await
        .assert_status(201);
    live.say(room, "hello", "c-2").await;
    assert_eq!(live.next_of("error").await["code"], "consent_required");
    let consent = app.get("/api/v1/instance", None).await.body["health_data_consent"]["version"].clone();
    app.post("/api/v1/me/consents", Some(&admin), json!({ "kind": "health_data", "version": consent }))
        .await
        .assert_status(201);
    live.say(room, "hello", "c-3").await;
    assert_eq!(live.next_of("ack").await["client_id"], "c-3");
}

/// Signs in with a User-Agent and returns the session.
async fn sign_in_as(app: &TestApp, username: &str, agent: &str) -> Account {
    let reply = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header(header::USER_AGENT, agent)
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await
        .expect("answer");
    let body = crate::helpers::read(reply).await;
    Account { token: body.assert_status(200)["token"].as_str().expect("token").to_owned() }
}

#[tokio::test]
async fn a_member_lists_their_sessions_with_a_coarse_device_and_no_address() {
    let app = spawn_app().await;
    app.register("amy").await;
    let laptop = sign_in_as(&app, "amy", FIREFOX).await;
    sign_in_as(&app, "amy", "curl/8.5.0").await;
    let reply = app.get("/api/v1/me/sessions", Some(&laptop)).await;
    let sessions = reply.assert_status(200).as_array().expect("list").clone();
    assert_eq!(sessions.len(), 3);
    let devices: Vec<&str> = sessions.iter().filter_map(|s| s["device"].as_str()).collect();
    assert!(devices.contains(&"Firefox on Linux") && devices.contains(&"curl"), "{devices:?}");
    let current: Vec<&serde_json::Value> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Firefox on Linux");
    for session in &sessions {
        let keys: Vec<&String> = session.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["created_at", "current", "device", "id", "last_used_at"], "no address, no token");
    }
}

#[tokio::test]
async fn ending_a_session_signs_that_device_out_at_once_and_closes_its_live_connection() {
    let app = spawn_app().await;
    let amy = member_of_copd(&app).await;
    let phone = sign_in_as(&app, "amy", FIREFOX).await;
    let mut phone_live = LiveClient::connect(&app, &phone).await;
    let room = crate::live_client::default_room(&app, &amy, "copd").await;
    phone_live.subscribe(room, None).await;

    let sessions = app.get("/api/v1/me/sessions", Some(&amy)).await.body;
    let phone_id = sessions.as_array().expect("list").iter().find(|s| s["current"] == false).expect("the phone")["id"]
        .as_i64()
        .expect("id");
    let ben = app.register("ben").await;
    app.delete(&format!("/api/v1/me/sessions/{phone_id}"), Some(&ben)).await.assert_error(404, "not_found");
    app.delete(&format!("/api/v1/me/sessions/{phone_id}"), Some(&amy)).await.assert_status(204);

    app.get("/api/v1/me", Some(&phone)).await.assert_error(401, "session_invalid");
    while let Some(frame) = phone_live.next().await {
        assert_ne!(frame["type"], "message", "nothing more arrives: {frame}");
    }
    app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
}

#[tokio::test]
async fn ending_all_other_sessions_keeps_only_this_one() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let others = [sign_in_as(&app, "amy", FIREFOX).await, sign_in_as(&app, "amy", "curl/8").await];
    let mut live = LiveClient::connect(&app, &others[0]).await;
    app.delete("/api/v1/me/sessions", Some(&amy)).await.assert_status(204);
    for other in &others {
        app.get("/api/v1/me", Some(other)).await.assert_error(401, "session_invalid");
    }
    assert!(live.next().await.is_none(), "the live connection closed");
    let left = app.get("/api/v1/me/sessions", Some(&amy)).await.body;
    assert_eq!(left.as_array().expect("list").len(), 1);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let other = sign_in_as(&app, "amy", FIREFOX).await;
    let mut live = LiveClient::connect(&app, &other).await;
    let change = |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
    let put = |body| app.send(reqwest::Method::PUT, "/api/v1/me/password", Some(&amy), Some(body));
    put(change("not my password", "a new long password")).await.assert_error(403, "wrong_password");
    put(change(PASSWORD, "short")).await.assert_error(422, "weak_password");
    app.get("/api/v1/me", Some(&other)).await.assert_status(200);

    put(change(PASSWORD, "a new long password")).await.assert_status(204);
    app.get("/api/v1/me", Some(&other)).await.assert_error(401, "session_invalid");
    assert!(live.next().await.is_none(), "the other device's live connection closed");
    app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
    app.sign_in("amy", PASSWORD).await.assert_error(401, "invalid_credentials");
    app.sign_in("amy", "a new long password").await.assert_status(200);
}

#[tokio::test]
async fn addresses_are_kept_for_the_retention_period_then_purged() {
    use diesel::prelude::*;
    use kindred::db::schema::sessions;
    use kindred::privacy::retention::purge;

    let app = spawn_app().await;
    app.register("amy").await;
    let mut connection = app.connect();
    let addresses = |connection: &mut _| -> Vec<Option<String>> {
        sessions::table.select(sessions::ip).load(connection).expect("addresses")
    };
    assert_eq!(addresses(&mut connection), vec![Some("127.0.0.1".to_owned())]);
    let kept = purge(&mut connection, 7).expect("purged");
    assert_eq!(kept.addresses, 0);
    assert_eq!(addresses(&mut connection), vec![Some("127.0.0.1".to_owned())]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let purged = purge(&mut connection, 0).expect("purged");
    assert_eq!(purged.addresses, 1);
    assert_eq!(addresses(&mut connection), vec![None]);
    // The session itself lives on.
    assert_eq!(sessions::table.count().get_result::<i64>(&mut connection).expect("count"), 1);
}
