//! The page cache drops only what a write changes: a reply, an edit or a
//! reaction makes its own thread's pages stale; chat, follows, rooms,
//! events, goals and sessions make none stale; writes pages may show
//! anywhere (names, blocks, moderation) all of them; and no reader ever gets
//! a page older than their own last write.

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
