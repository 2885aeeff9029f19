//! A member's own changes to their account: a new display name (checked
//! and screened as at sign-up, limited, kept for moderators and shown
//! everywhere at once), withdrawing the health-data consent short of
//! erasure (reading stays, writing stops until it is given again), and the
//! welcome after sign-up.

use reqwest::Method;
use serde_json::{Value, json};

use crate::community_admin::community_with_a_thread;
use crate::erasure::download;
use crate::helpers::{Account, PASSWORD, Reply, TestApp, spawn_app, spawn_app_with};
use crate::live_client::{LiveClient, default_room};

async fn rename(app: &TestApp, who: &Account, name: &str) -> Reply {
    app.send(Method::PUT, "/api/v1/me/display-name", Some(who), Some(json!({ "display_name": name }))).await
}

fn author_names(page: &Value) -> Vec<String> {
    let posts = page["posts"].as_array().expect("posts");
    posts.iter().map(|post| post["author"]["display_name"].as_str().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn a_new_display_name_shows_on_every_page_at_once() {
    // Pages are kept for a minute: only the change itself can make them stale.
    let app = spawn_app_with(|settings| settings.page_cache_seconds = 60).await;
    let (_, amy, thread, _) = community_with_a_thread(&app).await;
    let ben = app.register("ben").await;
    let path = format!("/api/v1/threads/{thread}");
    for who in [None, Some(&ben), Some(&amy)] {
        let page = app.get(&path, who).await;
        assert_eq!(author_names(page.assert_status(200)), ["amy (they/them)"]);
    }

    let changed = rename(&app, &amy, "  Amy in Leeds ").await;
    assert_eq!(changed.assert_status(200)["display_name"], "Amy in Leeds");
    for who in [None, Some(&ben), Some(&amy)] {
        let page = app.get(&path, who).await;
        assert_eq!(author_names(page.assert_status(200)), ["Amy in Leeds"], "as {who:?} sees it");
    }
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["display_name"], "Amy in Leeds");
    assert_eq!(app.get("/api/v1/members/amy", Some(&ben)).await.body["display_name"], "Amy in Leeds");
}

#[tokio::test]
async fn a_new_display_name_is_checked_and_screened_as_at_sign_up_and_nothing_is_kept_when_refused() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    let block = json!({ "term": "scamword", "action": "block", "message": "That word is not allowed here." });
    app.post("/api/v1/moderation/filters", Some(&admin), block).await.assert_status(201);
    app.register("kay").await;
    app.put("/api/v1/communities/copd/moderators/kay", Some(&admin)).await.assert_status(204);

    rename(&app, &amy, "   ").await.assert_error(422, "invalid_display_name");
    rename(&app, &amy, &"é".repeat(65)).await.assert_error(422, "invalid_display_name");
    rename(&app, &amy, "a\u{200B}b").await.assert_error(422, "invalid_display_name");
    rename(&app, &amy, "Buy scamword now").await.assert_error(422, "blocked_by_filter");
    // Another member's username, or a moderator's display name.
    rename(&app, &amy, "Admin").await.assert_error(409, "display_name_taken");
    rename(&app, &amy, "KAY (they/them)").await.assert_error(409, "display_name_taken");
    rename(&app, &amy, "amy (they/them)").await.assert_error(422, "display_name_unchanged");
    let malformed = app.send(Method::PUT, "/api/v1/me/display-name", Some(&amy), Some(json!({ "name": "x" }))).await;
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    // An admin's display name is theirs alone.
    rename(&app, &admin, "Amy in Leeds").await.assert_status(200);
    rename(&app, &amy, "Amy in Leeds").await.assert_error(409, "display_name_taken");

    let me = app.get("/api/v1/me", Some(&amy)).await;
    assert_eq!(me.assert_status(200)["display_name"], "amy (they/them)");
    let history = app.get("/api/v1/members/amy/names", Some(&admin)).await;
    assert_eq!(history.assert_status(200), &json!([]), "a refused name leaves no trace");
    // Looking like oneself is fine.
    rename(&app, &amy, "Amy").await.assert_status(200);
    let signed_out =
        app.send(Method::PUT, "/api/v1/me/display-name", None, Some(json!({ "display_name": "Amy" }))).await;
    signed_out.assert_error(401, "not_signed_in");
}

#[tokio::test]
async fn a_fourth_display_name_within_thirty_days_is_refused() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    for name in ["Amy one", "Amy two", "Amy three"] {
        rename(&app, &amy, name).await.assert_status(200);
    }
    rename(&app, &amy, "Amy four").await.assert_error(429, "display_name_change_limit");
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["display_name"], "Amy three");
}

#[tokio::test]
async fn a_suspended_member_keeps_their_display_name_until_the_suspension_ends() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    let suspend = json!({ "action": "suspend", "member": "amy", "minutes": 60, "reason": "Cool off." });
    app.post("/api/v1/moderation/actions", Some(&admin), suspend).await.assert_status(201);
    rename(&app, &amy, "Someone new").await.assert_error(403, "suspended");
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["display_name"], "amy (they/them)");
}

#[tokio::test]
async fn the_names_a_member_went_by_are_kept_for_their_moderators_exported_and_erased() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    let moss = app.register("moss").await;
    app.put("/api/v1/communities/copd/moderators/moss", Some(&admin)).await.assert_status(204);
    let ben = app.register("ben").await;
    rename(&app, &amy, "Amy in Leeds").await.assert_status(200);
    rename(&app, &amy, "Amy again").await.assert_status(200);

    for who in [&moss, &admin, &amy] {
        let history = app.get("/api/v1/members/amy/names", Some(who)).await;
        let changes = history.assert_status(200).as_array().expect("changes").clone();
        let names: Vec<(&str, &str)> = changes
            .iter()
            .map(|change| (change["previous_name"].as_str().unwrap_or(""), change["new_name"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(names, [("Amy in Leeds", "Amy again"), ("amy (they/them)", "Amy in Leeds")]);
        assert!(changes.iter().all(|change| change["changed_at"].is_string()));
    }
    app.get("/api/v1/members/amy/names", Some(&ben)).await.assert_error(403, "forbidden");
    app.get("/api/v1/members/amy/names", None).await.assert_error(401, "not_signed_in");
    app.get("/api/v1/members/nobody/names", Some(&admin)).await.assert_error(404, "not_found");

    app.post("/api/v1/me/export", Some(&amy), json!({})).await.assert_status(202);
    let document = download(&app, &amy).await;
    assert_eq!(document["display_names"][0]["previous_name"], "Amy in Leeds");
    assert_eq!(document["display_names"][1]["new_name"], "Amy in Leeds");

    let amy_id = kindred::db::users::id_by_username(&mut app.connect(), "amy").expect("amy's id");
    let erase = json!({ "password": PASSWORD });
    app.send(Method::DELETE, "/api/v1/me", Some(&amy), Some(erase)).await.assert_status(204);
    let left = kindred::db::display_names::history(&mut app.connect(), amy_id).expect("history");
    assert!(left.is_empty(), "erasure removes the names a member went by");
}

#[tokio::test]
async fn withdrawing_the_health_data_consent_stops_writing_but_not_reading_until_it_is_given_again() {
    let app = spawn_app().await;
    let (_, amy, thread, first) = community_with_a_thread(&app).await;
    let ben = app.register("ben").await;
    app.join(&ben, "copd").await.assert_status(200);
    let bens = app.reply(&ben, thread, Some(first), "Slow walks help me.").await;
    let room = default_room(&app, &amy, "copd").await;

    let me = app.delete("/api/v1/me/consents/health_data", Some(&amy)).await;
    let me = me.assert_status(200);
    assert!(me["consent_withdrawn_at"].is_string(), "{me}");
    assert_eq!(me["needs_acceptance"], json!(["health_data"]));
    app.delete("/api/v1/me/consents/health_data", Some(&amy)).await.assert_error(409, "consent_not_given");

    let new_thread = json!({ "title": "Again", "body": "A second thread" });
    app.post("/api/v1/communities/copd/threads", Some(&amy), new_thread.clone())
        .await
        .assert_error(403, "consent_withdrawn");
    let reply = json!({ "parent_id": bens, "body": "Mine too" });
    let replies = format!("/api/v1/threads/{thread}/posts");
    app.post(&replies, Some(&amy), reply.clone()).await.assert_error(403, "consent_withdrawn");
    let hug = format!("/api/v1/posts/{bens}/reactions/hug");
    app.put(&hug, Some(&amy)).await.assert_error(403, "consent_withdrawn");
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.say(room, "hello", "c-1").await;
    assert_eq!(live.next_of("error").await["code"], "consent_withdrawn");

    // Reading goes on, and her post stays.
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&amy)).await;
    assert_eq!(page.assert_status(200)["posts"].as_array().expect("posts").len(), 2);
    assert_eq!(app.get(&format!("/api/v1/threads/{thread}"), None).await.body["posts"][0]["id"], first);

    let version = app.get("/api/v1/instance", None).await.body["health_data_consent"]["version"].clone();
    let given = app.post("/api/v1/me/consents", Some(&amy), json!({ "kind": "health_data", "version": version })).await;
    let given = given.assert_status(201);
    assert!(given["consent_withdrawn_at"].is_null());
    assert_eq!(given["needs_acceptance"], json!([]));
    let kinds: Vec<(&str, bool)> = given["consents"]
        .as_array()
        .expect("consents")
        .iter()
        .filter(|consent| consent["kind"] == "health_data")
        .map(|consent| (consent["version"].as_str().unwrap_or(""), consent["withdrawn"] == true))
        .collect();
    assert_eq!(kinds.iter().map(|(_, withdrawn)| *withdrawn).collect::<Vec<_>>(), [false, true, false], "{kinds:?}");
    app.post(&replies, Some(&amy), reply).await.assert_status(201);
    app.put(&hug, Some(&amy)).await.assert_status(200);
    app.post("/api/v1/communities/copd/threads", Some(&amy), new_thread).await.assert_status(201);
    live.say(room, "hello again", "c-2").await;
    live.next_of("ack").await;

    app.post("/api/v1/me/export", Some(&amy), json!({})).await.assert_status(202);
    let document = download(&app, &amy).await;
    let withdrawn: Vec<&Value> =
        document["consents"].as_array().expect("consents").iter().filter(|c| c["withdrawn"] == true).collect();
    assert_eq!(withdrawn.len(), 1, "the export shows the withdrawal");
    assert!(withdrawn[0]["accepted_at"].is_string());
}

#[tokio::test]
async fn the_welcome_shows_after_sign_up_until_put_away_or_an_email_is_added() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    for who in [&amy, &ben] {
        assert_eq!(app.get("/api/v1/me", Some(who)).await.body["welcome"], true);
    }
    app.delete("/api/v1/me/welcome", Some(&amy)).await.assert_status(204);
    app.delete("/api/v1/me/welcome", Some(&amy)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.body["welcome"], false);
    let email = json!({ "email": "ben@example.org" });
    app.send(Method::PUT, "/api/v1/me/email", Some(&ben), Some(email)).await.assert_status(202);
    assert_eq!(app.get("/api/v1/me", Some(&ben)).await.body["welcome"], false);
    app.delete("/api/v1/me/welcome", None).await.assert_error(401, "not_signed_in");
}
