//! Thread titles and display names pass the same word filters and crisis
//! screening as posts, and moderators can retitle a thread, logged and
//! reversible.

use serde_json::{Value, json};

use crate::helpers::{Account, Reply, TestApp, spawn_app};

const CRISIS_TITLE: &str = "I want to end it all tonight";

struct World {
    app: TestApp,
    admin: Account,
    moira: Account,
    amy: Account,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let moira = app.register("moira").await;
    let amy = app.register("amy").await;
    for member in [&moira, &amy] {
        app.join(member, "copd").await.assert_status(200);
    }
    app.put("/api/v1/communities/copd/moderators/moira", Some(&admin)).await.assert_status(204);
    World { app, admin, moira, amy }
}

async fn start(app: &TestApp, who: &Account, title: &str) -> Reply {
    app.post("/api/v1/communities/copd/threads", Some(who), json!({ "title": title, "body": "Hello all." })).await
}

async fn listed_titles(app: &TestApp, who: Option<&Account>) -> Vec<String> {
    let listed = app.get("/api/v1/communities/copd/threads", who).await;
    listed.assert_status(200)["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .map(|thread| thread["title"].as_str().expect("title").to_owned())
        .collect()
}

async fn queue(app: &TestApp, who: &Account) -> Vec<Value> {
    app.get("/api/v1/moderation/queue", Some(who)).await.assert_status(200)["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn a_thread_title_passes_the_word_filters_and_crisis_screening() {
    let World { app, admin, moira, amy } = world().await;
    start(&app, &amy, "k y s everyone").await.assert_error(422, "blocked_by_filter");

    let replace = json!({ "term": "drat", "action": "replace", "replacement": "darn" });
    app.post("/api/v1/moderation/filters", Some(&admin), replace).await.assert_status(201);
    let page = start(&app, &amy, "Oh drat, breathless again").await;
    assert_eq!(page.assert_status(201)["thread"]["title"], "Oh darn, breathless again");

    let hold = json!({ "community": "copd", "term": "crypto", "action": "hold" });
    app.post("/api/v1/moderation/filters", Some(&moira), hold).await.assert_status(201);
    start(&app, &amy, "Crypto cures COPD").await.assert_status(201);
    assert!(
        !listed_titles(&app, None).await.iter().any(|title| title.contains("Crypto")),
        "a held title is not listed"
    );
    assert!(queue(&app, &moira).await.iter().any(|item| item["held"] == true));

    let crisis = start(&app, &amy, CRISIS_TITLE).await;
    assert!(!crisis.assert_status(201)["support"]["helplines"].as_array().expect("helplines").is_empty());
    assert_eq!(queue(&app, &moira).await[0]["urgent"], true, "an urgent item tops the queue");
}

#[tokio::test]
async fn a_display_name_passes_the_word_filters_and_crisis_screening() {
    let World { app, admin, .. } = world().await;
    let version = app.guidelines_version().await;
    let register = |username: &str, display_name: &str| {
        let mut body = app.registration(username, &version);
        body["display_name"] = json!(display_name);
        app.post("/api/v1/accounts", None, body)
    };
    register("eve", "k y s").await.assert_error(422, "blocked_by_filter");

    let hold = json!({ "term": "crypto", "action": "hold" });
    app.post("/api/v1/moderation/filters", Some(&admin), hold).await.assert_status(201);
    register("eve", "Crypto King").await.assert_error(422, "display_name_refused");

    let replace = json!({ "term": "drat", "action": "replace", "replacement": "darn" });
    app.post("/api/v1/moderation/filters", Some(&admin), replace).await.assert_status(201);
    let eve = register("eve", "Drat Eve").await;
    let token = eve.assert_status(201)["token"].as_str().expect("token").to_owned();
    let me = app.get("/api/v1/me", Some(&Account { token })).await;
    assert_eq!(me.assert_status(200)["display_name"], "darn Eve");

    let crisis = register("fay", CRISIS_TITLE).await;
    assert!(!crisis.assert_status(201)["support"]["helplines"].as_array().expect("helplines").is_empty());
    let items = queue(&app, &admin).await;
    assert_eq!(items[0]["urgent"], true);
    assert_eq!(items[0]["subject"], "member", "{items:?}");
    assert_eq!(items[0]["screening"]["display_name"], true);
}

#[tokio::test]
async fn a_moderator_retitles_a_thread_logged_and_reversible() {
    let World { app, moira, amy, .. } = world().await;
    let page = start(&app, &amy, "My address is 12 Hill Road").await;
    let thread = page.assert_status(201)["thread"]["id"].as_i64().expect("thread");
    let retitle =
        |title: &str| json!({ "action": "retitle", "thread_id": thread, "title": title, "reason": "Keeping you safe" });

    app.post("/api/v1/moderation/actions", Some(&amy), retitle("Mine now")).await.assert_error(403, "forbidden");
    app.post("/api/v1/moderation/actions", Some(&moira), retitle("\u{3164}\u{3164}\u{3164}"))
        .await
        .assert_error(422, "invalid_title");
    let done = app.post("/api/v1/moderation/actions", Some(&moira), retitle("Where I live")).await;
    let log_id = done.assert_status(201)["id"].as_i64().expect("log id");
    assert_eq!(listed_titles(&app, None).await, vec!["Where I live"]);
    let shown = app.get(&format!("/api/v1/threads/{thread}"), None).await;
    assert_eq!(shown.assert_status(200)["thread"]["title"], "Where I live");
    let search = app.get("/api/v1/search?q=Hill", None).await;
    assert_eq!(search.assert_status(200)["results"].as_array().map(Vec::len), Some(0), "the old title is not found");

    let mine = app.get("/api/v1/me/moderation", Some(&amy)).await;
    let entries = mine.assert_status(200)["entries"].as_array().expect("entries").clone();
    assert!(entries.iter().any(|entry| entry["action"] == "retitle"), "{entries:?}");

    let reversal = json!({ "reason": "Asked to put it back" });
    app.post(&format!("/api/v1/moderation/log/{log_id}/reversal"), Some(&moira), reversal).await.assert_status(201);
    assert_eq!(listed_titles(&app, None).await, vec!["My address is 12 Hill Road"]);
}
