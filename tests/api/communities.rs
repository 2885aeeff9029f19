//! Communities: who creates them, who sees them, joining, requests to join
//! and moderators.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn only_an_admin_creates_a_community() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    let draft = json!({ "slug": "copd", "name": "Living with COPD", "kind": "condition", "visibility": "public" });
    app.post("/api/v1/communities", Some(&amy), draft.clone()).await.assert_error(403, "forbidden");
    app.post("/api/v1/communities", None, draft.clone()).await.assert_error(401, "not_signed_in");
    let admin = app.admin("admin").await;
    let created = app.post("/api/v1/communities", Some(&admin), draft.clone()).await;
    let body = created.assert_status(201);
    assert_eq!(body["slug"], "copd");
    assert_eq!(body["kind"], "condition");
    app.post("/api/v1/communities", Some(&admin), draft).await.assert_error(409, "slug_taken");
}

#[tokio::test]
async fn a_place_community_has_a_place_and_a_condition_one_has_none() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let walkers = json!({
        "slug": "walsall-walkers", "name": "Walsall walkers", "kind": "place", "visibility": "public",
        "place": { "name": "Walsall", "region": "West Midlands", "latitude": 52.586, "longitude": -1.982 },
        "description": "We walk on **Tuesdays**.", "banner": "Next walk: the arboretum",
    });
    let created = app.post("/api/v1/communities", Some(&admin), walkers).await;
    let body = created.assert_status(201);
    assert_eq!(body["place"]["name"], "Walsall");
    assert_eq!(body["place"]["region"], "West Midlands");
    assert_eq!(body["description_html"], "<p>We walk on <strong>Tuesdays</strong>.</p>\n");
    assert_eq!(body["banner"], "Next walk: the arboretum");

    let no_place = json!({ "slug": "leith", "name": "Leith men's shed", "kind": "place", "visibility": "public" });
    app.post("/api/v1/communities", Some(&admin), no_place).await.assert_error(422, "invalid_place");
    let half_coordinates = json!({ "slug": "leith", "name": "Leith men's shed", "kind": "place",
        "visibility": "public", "place": { "name": "Leith", "latitude": 55.97 } });
    app.post("/api/v1/communities", Some(&admin), half_coordinates).await.assert_error(422, "invalid_place");
    let placed_condition = json!({ "slug": "copd", "name": "COPD", "kind": "condition",
        "visibility": "public", "place": { "name": "Leith" } });
    app.post("/api/v1/communities", Some(&admin), placed_condition).await.assert_error(422, "invalid_place");
    let bad_slug = json!({ "slug": "Bad Slug", "name": "COPD", "kind": "condition", "visibility": "public" });
    app.post("/api/v1/communities", Some(&admin), bad_slug).await.assert_error(422, "invalid_slug");
    let long_about = json!({ "slug": "copd", "name": "COPD", "kind": "condition", "visibility": "public",
        "description": "x".repeat(10_001) });
    app.post("/api/v1/communities", Some(&admin), long_about).await.assert_error(422, "too_long");
    let long_banner = json!({ "slug": "copd", "name": "COPD", "kind": "condition", "visibility": "public",
        "banner": "b".repeat(201) });
    app.post("/api/v1/communities", Some(&admin), long_banner).await.assert_error(422, "invalid_banner");
    let bad_kind = json!({ "slug": "copd", "name": "COPD", "kind": "hobby", "visibility": "public" });
    app.post("/api/v1/communities", Some(&admin), bad_kind).await.assert_error(400, "invalid_body");
}

#[tokio::test]
async fn every_community_is_listed_to_everyone_so_people_can_find_it() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open-copd", "public").await;
    app.community(&admin, "young-carers", "members").await;
    app.community(&admin, "bereaved-parents", "approval").await;
    let listed = app.get("/api/v1/communities", None).await;
    let slugs: Vec<&str> =
        listed.assert_status(200).as_array().expect("list").iter().filter_map(|c| c["slug"].as_str()).collect();
    assert_eq!(slugs.len(), 3);
    for slug in ["open-copd", "young-carers", "bereaved-parents"] {
        assert!(slugs.contains(&slug));
        let one = app.get(&format!("/api/v1/communities/{slug}"), None).await;
        assert!(one.assert_status(200)["membership"].is_null(), "visitors have no membership");
    }
    app.get("/api/v1/communities/nowhere", None).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn joining_a_members_community_is_immediate_and_leaving_undoes_it() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "young-carers", "members").await;
    let amy = app.register("amy").await;
    let joined = app.join(&amy, &slug).await;
    assert_eq!(joined.assert_status(200)["membership"], "member");
    let seen = app.get(&format!("/api/v1/communities/{slug}"), Some(&amy)).await;
    assert_eq!(seen.body["membership"], "member");
    assert_eq!(seen.body["member_count"], 1);
    app.delete(&format!("/api/v1/communities/{slug}/membership"), Some(&amy)).await.assert_status(204);
    let after = app.get(&format!("/api/v1/communities/{slug}"), Some(&amy)).await;
    assert_eq!(after.body["membership"], "none");
    assert_eq!(after.body["member_count"], 0);
}

#[tokio::test]
async fn joining_an_approval_community_waits_for_a_moderator() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "bereaved-parents", "approval").await;
    let moderator = app.register("moira").await;
    app.put(&format!("/api/v1/communities/{slug}/moderators/moira"), Some(&admin)).await.assert_status(204);
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;

    let asked = app.join(&amy, &slug).await;
    assert_eq!(asked.status, 202);
    assert_eq!(asked.body["membership"], "pending");
    app.join(&ben, &slug).await;

    let requests = format!("/api/v1/communities/{slug}/membership-requests");
    app.get(&requests, Some(&amy)).await.assert_error(403, "forbidden");
    let pending = app.get(&requests, Some(&moderator)).await;
    let names: Vec<&str> =
        pending.assert_status(200).as_array().expect("list").iter().filter_map(|r| r["username"].as_str()).collect();
    assert_eq!(names, vec!["amy", "ben"]);

    // Not a member yet: the threads stay hidden.
    app.get(&format!("/api/v1/communities/{slug}/threads"), Some(&amy)).await.assert_error(404, "not_found");

    let accept = json!({ "decision": "accept" });
    app.post(&format!("{requests}/amy"), Some(&amy), accept.clone()).await.assert_error(403, "forbidden");
    app.post(&format!("{requests}/amy"), Some(&moderator), accept.clone()).await.assert_status(204);
    app.post(&format!("{requests}/ben"), Some(&moderator), json!({ "decision": "refuse" })).await.assert_status(204);
    app.post(&format!("{requests}/ben"), Some(&moderator), accept).await.assert_error(404, "not_found");

    let amy_view = app.get(&format!("/api/v1/communities/{slug}"), Some(&amy)).await;
    assert_eq!(amy_view.body["membership"], "member");
    let ben_view = app.get(&format!("/api/v1/communities/{slug}"), Some(&ben)).await;
    assert_eq!(ben_view.body["membership"], "refused");
    app.get(&format!("/api/v1/communities/{slug}/threads"), Some(&amy)).await.assert_status(200);
    let left = app.get(&requests, Some(&moderator)).await;
    assert_eq!(left.body.as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn moderators_appoint_moderators_and_only_admins_dismiss_others() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "copd", "public").await;
    let mo = app.register("moira").await;
    let amy = app.register("amy").await;
    app.register("ben").await;
    let path = |name: &str| format!("/api/v1/communities/{slug}/moderators/{name}");

    app.put(&path("moira"), Some(&amy)).await.assert_error(403, "forbidden");
    app.put(&path("moira"), Some(&admin)).await.assert_status(204);
    app.put(&path("amy"), Some(&mo)).await.assert_status(204);
    let amy_view = app.get(&format!("/api/v1/communities/{slug}"), Some(&amy)).await;
    assert_eq!(amy_view.body["membership"], "moderator");
    app.put(&path("nobody-here"), Some(&mo)).await.assert_error(404, "not_found");

    app.delete(&path("amy"), Some(&mo)).await.assert_error(403, "forbidden");
    app.delete(&path("ben"), Some(&admin)).await.assert_error(404, "not_found");
    app.delete(&path("amy"), Some(&amy)).await.assert_status(204);
    app.delete(&path("moira"), Some(&admin)).await.assert_status(204);
    let mo_view = app.get(&format!("/api/v1/communities/{slug}"), Some(&mo)).await;
    assert_eq!(mo_view.body["membership"], "member");
    app.put(&path("ben"), Some(&mo)).await.assert_error(403, "forbidden");
}
