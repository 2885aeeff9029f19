//! An admin's changes to a community: editing it, archiving it (readable,
//! but no posts, replies, chat or reactions) and deleting it with its slug
//! typed again; each one in the admin log.

use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app};
use crate::live_client::{LiveClient, default_room};

/// An admin, and amy, a member of the public community "copd" who started a thread; (admin, amy, thread, first post).
pub async fn community_with_a_thread(app: &TestApp) -> (Account, Account, i64, i64) {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    let (thread, first) = app.thread(&amy, "copd", "Breathing", "What helps you?").await;
    (admin, amy, thread, first)
}

async fn logged_actions(app: &TestApp, admin: &Account) -> Vec<(String, String)> {
    let log = app.get("/api/v1/admin/log", Some(admin)).await;
    let entries = log.assert_status(200)["entries"].as_array().expect("entries").clone();
    entries
        .iter()
        .map(|entry| {
            (entry["action"].as_str().unwrap_or_default().into(), entry["subject"].as_str().unwrap_or_default().into())
        })
        .collect()
}

#[tokio::test]
async fn an_archived_community_can_be_read_but_takes_no_posts_replies_chat_or_reactions() {
    let app = spawn_app().await;
    let (admin, amy, thread, first) = community_with_a_thread(&app).await;
    let room = default_room(&app, &amy, "copd").await;
    let bea = app.register("bea").await;
    app.join(&bea, "copd").await.assert_status(200);
    app.put("/api/v1/admin/communities/copd/archive", Some(&amy)).await.assert_error(403, "forbidden");
    app.put("/api/v1/admin/communities/copd/archive", Some(&admin)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/communities/copd", None).await.body["archived"], true);

    let new_thread = json!({ "title": "Again", "body": "Anyone?" });
    let threads = "/api/v1/communities/copd/threads";
    app.post(threads, Some(&amy), new_thread.clone()).await.assert_error(409, "community_archived");
    let replies = format!("/api/v1/threads/{thread}/posts");
    app.post(&replies, Some(&amy), json!({ "body": "Me too" })).await.assert_error(409, "community_archived");
    let hug = format!("/api/v1/posts/{first}/reactions/hug");
    app.put(&hug, Some(&bea)).await.assert_error(409, "community_archived");
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.say(room, "hello", "c-1").await;
    assert_eq!(live.next_of("error").await["code"], "community_archived");
    let page = app.get(&format!("/api/v1/threads/{thread}"), None).await;
    assert_eq!(page.assert_status(200)["posts"][0]["id"], first, "still readable");

    app.delete("/api/v1/admin/communities/copd/archive", Some(&admin)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/communities/copd", None).await.body["archived"], false);
    app.post(threads, Some(&amy), new_thread).await.assert_status(201);
    let actions = logged_actions(&app, &admin).await;
    assert_eq!(actions[0], ("community_reopened".into(), "copd".into()));
    assert_eq!(actions[1], ("community_archived".into(), "copd".into()));
    assert_eq!(actions[2], ("community_created".into(), "copd".into()));
}

async fn delete_copd(app: &TestApp, who: &Account, confirm: &str) -> crate::helpers::Reply {
    let body = json!({ "confirm": confirm });
    app.send(reqwest::Method::DELETE, "/api/v1/admin/communities/copd", Some(who), Some(body)).await
}

#[tokio::test]
async fn a_community_is_deleted_only_with_its_slug_typed_again() {
    let app = spawn_app().await;
    let (admin, amy, thread, _) = community_with_a_thread(&app).await;
    app.reply(&amy, thread, None, "A reply under the first post").await;
    delete_copd(&app, &amy, "copd").await.assert_error(403, "forbidden");
    delete_copd(&app, &admin, "COPD").await.assert_error(422, "confirmation_mismatch");
    delete_copd(&app, &admin, "").await.assert_error(422, "confirmation_mismatch");
    app.get("/api/v1/communities/copd", None).await.assert_status(200);

    delete_copd(&app, &admin, "copd").await.assert_status(204);
    app.get("/api/v1/communities/copd", None).await.assert_error(404, "not_found");
    app.get(&format!("/api/v1/threads/{thread}"), Some(&amy)).await.assert_error(404, "not_found");
    app.get("/api/v1/notifications", Some(&amy)).await.assert_status(200);
    let found = app.get("/api/v1/search?q=helps", Some(&amy)).await;
    assert_eq!(found.assert_status(200)["results"], json!([]), "{}", found.body);
    assert_eq!(logged_actions(&app, &admin).await[0], ("community_deleted".into(), "copd".into()));
    // The address is free again.
    app.community(&admin, "copd", "public").await;
}

#[tokio::test]
async fn an_admin_edits_a_community() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    let path = "/api/v1/admin/communities/copd";
    let change = json!({ "name": "Breathe easy", "description": "For **everyone**.", "visibility": "members" });
    app.patch(path, Some(&amy), change.clone()).await.assert_error(403, "forbidden");
    let edited = app.patch(path, Some(&admin), change).await;
    let edited = edited.assert_status(200);
    assert_eq!(edited["name"], "Breathe easy");
    assert_eq!(edited["description_html"], "<p>For <strong>everyone</strong>.</p>\n");
    assert_eq!(edited["visibility"], "members");
    assert_eq!(app.get("/api/v1/communities/copd", None).await.body["name"], "Breathe easy");
    app.patch(path, Some(&admin), json!({ "name": "x" })).await.assert_error(422, "invalid_name");
    assert_eq!(logged_actions(&app, &admin).await[0], ("community_edited".into(), "copd".into()));
}

#[tokio::test]
async fn an_admin_sets_a_place_based_communitys_place_as_the_api_validates_it() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    let walkers = json!({
        "slug": "walkers", "name": "Walsall walkers", "kind": "place", "visibility": "public",
        "place": { "name": "Walsall" },
    });
    app.post("/api/v1/communities", Some(&admin), walkers).await.assert_status(201);
    let path = "/api/v1/admin/communities/walkers";
    let place =
        json!({ "name": "Walsall Arboretum", "region": "West Midlands", "latitude": 52.59, "longitude": -1.97 });
    app.patch(path, Some(&amy), json!({ "place": place })).await.assert_error(403, "forbidden");
    let edited = app.patch(path, Some(&admin), json!({ "place": place })).await;
    assert_eq!(edited.assert_status(200)["place"], place);

    for bad in [
        json!({ "name": "W" }),
        json!({ "name": "Walsall", "latitude": 91.0, "longitude": 0.0 }),
        json!({ "name": "Walsall", "latitude": 52.0 }),
        json!({ "name": "Walsall", "region": "" }),
    ] {
        app.patch(path, Some(&admin), json!({ "place": bad })).await.assert_error(422, "invalid_place");
    }
    app.patch("/api/v1/admin/communities/copd", Some(&admin), json!({ "place": { "name": "Leeds" } }))
        .await
        .assert_error(422, "invalid_place");
    let stored = app.get("/api/v1/communities/walkers", None).await;
    assert_eq!(stored.assert_status(200)["place"], place, "a refused place changes nothing");
    let near = app.get("/api/v1/communities?region=west%20midlands", None).await;
    assert_eq!(near.assert_status(200)[0]["slug"], "walkers", "the finder uses the new place");

    // Without coordinates or region, the place is only its name.
    let plain = app.patch(path, Some(&admin), json!({ "place": { "name": "Walsall" } })).await;
    assert_eq!(
        plain.assert_status(200)["place"],
        json!({ "name": "Walsall", "region": null, "latitude": null, "longitude": null })
    );
}

#[tokio::test]
async fn a_communitys_moderators_are_listed_for_whoever_may_read_it_until_removed() {
    let app = spawn_app().await;
    let (admin, amy, _, _) = community_with_a_thread(&app).await;
    app.put("/api/v1/communities/copd/moderators/amy", Some(&admin)).await.assert_status(204);
    let listed = app.get("/api/v1/communities/copd/moderators", None).await;
    assert_eq!(listed.assert_status(200), &json!([{ "username": "amy", "display_name": "amy (they/them)" }]));
    app.delete("/api/v1/communities/copd/moderators/amy", Some(&admin)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/communities/copd/moderators", Some(&amy)).await.assert_status(200), &json!([]));
    app.get("/api/v1/communities/nowhere/moderators", None).await.assert_error(404, "not_found");
}
