//! The page cache drops only what a write changes: a reply, an edit or a
//! reaction makes its own thread's pages stale; chat, follows, rooms,
//! events, goals and sessions make none stale; writes pages may show
//! anywhere (names, blocks, moderation) all of them; and no reader ever gets
//! a page older than their own last write. Members with no part of their
//! own in a page share it, and never see another member's part.

use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};
use crate::metrics::{TOKEN, scrape, value_of};

/// Pages kept for a minute, so only a write can make one stale.
async fn app() -> TestApp {
    spawn_app_with(|settings| {
        settings.page_cache_seconds = 60;
        settings.metrics_token = Some(TOKEN.into());
        settings.posts_per_hour = 1000;
        settings.new_member_posts_per_hour = 1000;
    })
    .await
}

/// (hits, loads) of the page cache so far.
async fn counts(app: &TestApp) -> (f64, f64) {
    let text = scrape(app, TOKEN).await;
    let count = |series: &str| value_of(&text, series).unwrap_or_else(|| panic!("{series} in\n{text}"));
    (count("kindred_page_cache_hits_total"), count("kindred_page_cache_loads_total"))
}

async fn page(app: &TestApp, thread: i64, who: &Account) -> Value {
    app.get(&format!("/api/v1/threads/{thread}"), Some(who)).await.assert_status(200).clone()
}

fn bodies(page: &Value) -> Vec<String> {
    let posts = page["posts"].as_array().expect("posts");
    posts.iter().map(|post| post["body_html"].as_str().unwrap_or("(none)").to_owned()).collect()
}

#[tokio::test]
async fn a_write_makes_stale_only_the_pages_it_changes_and_never_hides_the_writers_own_write() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    for member in [&amy, &ben] {
        app.join(member, "copd").await.assert_status(200);
    }
    let (walks, first) = app.thread(&amy, "copd", "Walks", "Where do you walk?").await;
    let (other, _) = app.thread(&amy, "copd", "Inhalers", "Which one suits you?").await;

    // Ben's view of the other thread is loaded once, then served from the cache.
    page(&app, other, &ben).await;
    let before = counts(&app).await;
    page(&app, other, &ben).await;
    let after = counts(&app).await;
    assert_eq!((after.0 - before.0, after.1 - before.1), (1.0, 0.0), "the second read is a hit");

    // Writes to one thread: each writer, and every other reader, sees them at once.
    page(&app, walks, &amy).await;
    page(&app, walks, &ben).await;
    let reply = app.reply(&ben, walks, Some(first), "By the canal").await;
    assert!(bodies(&page(&app, walks, &ben).await).iter().any(|body| body.contains("By the canal")), "ben's own reply");
    assert!(bodies(&page(&app, walks, &amy).await).iter().any(|body| body.contains("By the canal")), "amy sees it too");
    app.send(reqwest::Method::PUT, &format!("/api/v1/posts/{reply}/reactions/hug"), Some(&amy), None)
        .await
        .assert_status(200);
    let seen = page(&app, walks, &amy).await;
    let reacted = seen["posts"].as_array().expect("posts").iter().find(|post| post["id"] == reply).expect("reply");
    assert_eq!(reacted["reactions"][0]["mine"], true, "amy's own reaction: {reacted}");
    app.patch(&format!("/api/v1/posts/{reply}"), Some(&ben), json!({ "body": "By the river" }))
        .await
        .assert_status(200);
    assert!(bodies(&page(&app, walks, &ben).await).iter().any(|body| body.contains("By the river")), "ben's edit");
    app.delete(&format!("/api/v1/posts/{reply}"), Some(&ben)).await.assert_status(204);
    let seen = page(&app, walks, &amy).await;
    assert!(!bodies(&seen).iter().any(|body| body.contains("river")), "the deletion: {seen}");

    // ... and chat, which no page shows, leave the other thread's page cached.
    let room = default_room(&app, &amy, "copd").await;
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.say(room, "Anyone about?", "c-1").await;
    live.next_of("ack").await;
    // Nor do writes no thread page shows: following a thread, a new room,
    // a walk on the calendar, a goal, signing in again.
    let follow = json!({ "level": "watching" });
    app.send(reqwest::Method::PUT, &format!("/api/v1/threads/{walks}/follow"), Some(&ben), Some(follow))
        .await
        .assert_status(204);
    app.post("/api/v1/communities/copd/rooms", Some(&admin), json!({ "name": "Evening chat" }))
        .await
        .assert_status(201);
    let walk = json!({
        "title": "Canal walk",
        "starts": "2027-06-01T10:00",
        "ends": "2027-06-01T12:00",
        "time_zone": "Europe/London",
        "place": { "name": "Gas Street Basin" },
    });
    app.post("/api/v1/communities/copd/events", Some(&admin), walk).await.assert_status(201);
    let goal = json!({ "title": "Miles walked", "unit": "miles", "target": 100, "ends_on": "2027-06-30" });
    app.post("/api/v1/communities/copd/goals", Some(&admin), goal).await.assert_status(201);
    app.sign_in("ben", PASSWORD).await.assert_status(200);
    let before = counts(&app).await;
    page(&app, other, &ben).await;
    let after = counts(&app).await;
    assert_eq!((after.0 - before.0, after.1 - before.1), (1.0, 0.0), "still a hit after writes elsewhere");

    // A new display name shows on every page at once, to the member and to others.
    let renamed = json!({ "display_name": "Amy from Leeds" });
    app.send(reqwest::Method::PUT, "/api/v1/me/display-name", Some(&amy), Some(renamed)).await.assert_status(200);
    for reader in [&amy, &ben] {
        let seen = page(&app, other, reader).await;
        assert_eq!(seen["posts"][0]["author"]["display_name"], "Amy from Leeds", "{seen}");
    }

    // A write pages may show anywhere (a block) makes every page stale, so
    // the blocker's next read of any thread already hides the blocked member.
    app.put("/api/v1/blocks/amy", Some(&ben)).await.assert_status(204);
    let seen = page(&app, other, &ben).await;
    assert_eq!(seen["posts"][0]["blocked"], true, "{seen}");
}

/// The post `id` on `page`, as that reader was sent it.
fn post_on(page: &Value, id: i64) -> Value {
    let posts = page["posts"].as_array().expect("posts");
    posts.iter().find(|post| post["id"] == id).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn members_share_a_page_but_never_see_one_anothers_reactions_held_posts_or_blocks() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "members").await;
    let hold = json!({ "community": "copd", "term": "zebra", "action": "hold" });
    app.post("/api/v1/moderation/filters", Some(&admin), hold).await.assert_status(201);
    let mut members = Vec::new();
    for name in ["amy", "ben", "cat", "dan", "eve"] {
        let member = app.register(name).await;
        app.join(&member, "copd").await.assert_status(200);
        members.push(member);
    }
    let [amy, ben, cat, dan, eve] = <[Account; 5]>::try_from(members).expect("five members");
    let outsider = app.register("olly").await;
    let (walks, first) = app.thread(&amy, "copd", "Walks", "Where do you *walk*?").await;

    // Ben's page is loaded once and served to Eve from the cache ...
    page(&app, walks, &ben).await;
    let before = counts(&app).await;
    let seen_by_eve = page(&app, walks, &eve).await;
    let after = counts(&app).await;
    assert_eq!((after.0 - before.0, after.1 - before.1), (1.0, 0.0), "eve shares ben's page");
    assert_eq!(post_on(&seen_by_eve, first)["author"]["username"], "amy");
    // Amy's own post does not make the page hers: it is the same for her.
    let before = counts(&app).await;
    assert!(post_on(&page(&app, walks, &amy).await, first).get("body_markdown").is_none());
    let after = counts(&app).await;
    assert_eq!((after.0 - before.0, after.1 - before.1), (1.0, 0.0), "amy shares it too");
    // ... but not to anyone outside this members-only community.
    app.get(&format!("/api/v1/threads/{walks}"), Some(&outsider)).await.assert_status(404);
    app.get(&format!("/api/v1/threads/{walks}"), None).await.assert_status(404);

    // Cat's reaction is hers: the others see it counted, not as theirs.
    app.send(reqwest::Method::PUT, &format!("/api/v1/posts/{first}/reactions/hug"), Some(&cat), None)
        .await
        .assert_status(200);
    for (reader, mine) in [(&ben, false), (&cat, true), (&eve, false), (&cat, true), (&dan, false)] {
        let seen = post_on(&page(&app, walks, reader).await, first);
        assert_eq!(seen["reactions"], json!([{ "kind": "hug", "count": 1, "mine": mine }]), "{seen}");
    }

    // Dan's held reply shows to him and to moderators, to no other member.
    let reply = json!({ "parent_id": first, "body": "A zebra crossing" });
    let posted = app.post(&format!("/api/v1/threads/{walks}/posts"), Some(&dan), reply).await;
    let held = posted.assert_status(201)["id"].as_i64().expect("id");
    for _ in 0..2 {
        assert!(post_on(&page(&app, walks, &ben).await, held).is_null(), "ben does not see it");
        assert_eq!(post_on(&page(&app, walks, &dan).await, held)["moderation"]["state"], "held");
        assert_eq!(post_on(&page(&app, walks, &admin).await, held)["moderation"]["state"], "held");
        assert!(post_on(&page(&app, walks, &eve).await, held).is_null(), "eve does not see it");
    }

    // Ben blocks Amy: her post collapses for him alone.
    app.put("/api/v1/blocks/amy", Some(&ben)).await.assert_status(204);
    for _ in 0..2 {
        for reader in [&eve, &ben, &amy] {
            let seen = post_on(&page(&app, walks, reader).await, first);
            let blocked = reader.token == ben.token;
            assert_eq!(seen.get("blocked").is_some(), blocked, "{seen}");
            assert_eq!(seen["body_html"].as_str().is_some_and(|html| html.contains("walk")), !blocked, "{seen}");
        }
    }
}
