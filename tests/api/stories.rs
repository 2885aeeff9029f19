//! Stories: a thread started as a story travels as far as its author
//! lets it (the community, the instance, the public web), on its page, in
//! the stories lists and in search; its replies never leave the community;
//! only its author changes its reach, and narrowing takes effect at once.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, Reply, TestApp, spawn_app, spawn_app_with};
use crate::safeguarding::CRISIS_TEXT;

/// A members-only community (ava the author and mia, members), a public
/// one elsewhere that olly belongs to, and the admin.
struct Cast {
    app: TestApp,
    admin: Account,
    ava: Account,
    mia: Account,
    olly: Account,
}

async fn cast() -> Cast {
    cast_on(spawn_app().await).await
}

async fn cast_on(app: TestApp) -> Cast {
    let admin = app.posting_admin("admin").await;
    app.community(&admin, "circle", "members").await;
    app.community(&admin, "elsewhere", "public").await;
    let (ava, mia, olly) = (app.register("ava").await, app.register("mia").await, app.register("olly").await);
    for member in [&ava, &mia] {
        app.join(member, "circle").await.assert_status(200);
    }
    app.join(&olly, "elsewhere").await.assert_status(200);
    Cast { app, admin, ava, mia, olly }
}

/// Starts a story in the members-only community; returns (thread id, first post id).
async fn story(app: &TestApp, who: &Account, title: &str, body: &str, reach: &str) -> (i64, i64) {
    let draft = json!({ "title": title, "body": body, "story": reach });
    let page = app.post("/api/v1/communities/circle/threads", Some(who), draft).await;
    let page = page.assert_status(201);
    assert_eq!(page["thread"]["story"]["reach"], reach);
    (page["thread"]["id"].as_i64().expect("thread id"), page["posts"][0]["id"].as_i64().expect("post id"))
}

async fn set_reach(app: &TestApp, who: Option<&Account>, thread: i64, reach: &str) -> Reply {
    app.send(Method::PUT, &format!("/api/v1/threads/{thread}/story"), who, Some(json!({ "reach": reach }))).await
}

/// The status of the story's page for `who`.
async fn page_status(app: &TestApp, who: Option<&Account>, thread: i64) -> u16 {
    app.get(&format!("/api/v1/threads/{thread}"), who).await.status
}

fn titles(list: &Value) -> Vec<String> {
    let stories = list["stories"].as_array().expect("stories");
    stories.iter().map(|story| story["title"].as_str().expect("a title").to_owned()).collect()
}

fn kinds_found(results: &Value) -> Vec<(String, String)> {
    let results = results["results"].as_array().expect("results");
    results
        .iter()
        .map(|hit| {
            (hit["kind"].as_str().expect("kind").to_owned(), hit["community"].as_str().expect("slug").to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_public_story_is_read_signed_out_without_its_replies_and_narrowing_hides_it_at_once() {
    let Cast { app, ava, mia, olly, .. } = cast().await;
    let (thread, first) = story(&app, &ava, "Learning to breathe again", "My year with **COPD**.", "public").await;
    app.reply(&mia, thread, Some(first), "Thank you for telling this").await;

    for who in [None, Some(&olly)] {
        let page = app.get(&format!("/api/v1/threads/{thread}"), who).await;
        let page = page.assert_status(200);
        let posts = page["posts"].as_array().expect("posts");
        assert_eq!(posts.len(), 1, "the story alone: {page}");
        assert!(posts[0]["body_html"].as_str().expect("html").contains("<strong>COPD</strong>"));
        assert_eq!(page["thread"]["story"], json!({ "reach": "public", "replies_hidden": true }));
        assert!(page["next_cursor"].is_null());
        let later = app.get(&format!("/api/v1/threads/{thread}?cursor={}", "0".repeat(8)), who).await;
        assert!(later.assert_status(200)["posts"].as_array().expect("posts").is_empty(), "no replies on later pages");
    }
    let whole = app.get(&format!("/api/v1/threads/{thread}"), Some(&mia)).await;
    let whole = whole.assert_status(200);
    assert_eq!(whole["posts"].as_array().expect("posts").len(), 2, "members read the replies");
    assert_eq!(whole["thread"]["story"]["replies_hidden"], false);

    // Reading the story gives nothing else in the community.
    app.get("/api/v1/communities/circle/threads", Some(&olly)).await.assert_error(404, "not_found");
    let reply = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&olly), json!({ "body": "Hi" })).await;
    reply.assert_error(404, "not_found");

    set_reach(&app, Some(&ava), thread, "instance").await.assert_status(200);
    assert_eq!(page_status(&app, None, thread).await, 404, "signed out, it is gone at once");
    assert_eq!(page_status(&app, Some(&olly), thread).await, 200);
    set_reach(&app, Some(&ava), thread, "community").await.assert_status(200);
    assert_eq!(page_status(&app, Some(&olly), thread).await, 404, "another community's member no longer reads it");
    assert_eq!(page_status(&app, Some(&mia), thread).await, 200);
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&mia)).await;
    assert_eq!(page.assert_status(200)["thread"]["story"]["reach"], "community");
}

#[tokio::test]
async fn the_stories_pages_list_what_each_reader_may_read() {
    let Cast { app, ava, mia, olly, .. } = cast().await;
    for (title, reach) in [("Told to us", "community"), ("Told to all of us", "instance"), ("Told to anyone", "public")]
    {
        story(&app, &ava, title, "A story.", reach).await;
    }
    app.thread(&ava, "circle", "Just a thread", "Not a story.").await;
    let elsewhere = app.post(
        "/api/v1/communities/elsewhere/threads",
        Some(&olly),
        json!({ "title": "Olly's story", "body": "Mine.", "story": "community" }),
    );
    elsewhere.await.assert_status(201);

    let list = |who: Option<&Account>, path: &str| {
        let (app, path, who) = (&app, path.to_owned(), who.cloned());
        async move { titles(app.get(&path, who.as_ref()).await.assert_status(200)) }
    };
    let community = "/api/v1/communities/circle/stories";
    assert_eq!(list(None, community).await, ["Told to anyone"]);
    assert_eq!(list(Some(&olly), community).await, ["Told to anyone", "Told to all of us"]);
    assert_eq!(list(Some(&mia), community).await, ["Told to anyone", "Told to all of us", "Told to us"]);
    assert_eq!(list(None, "/api/v1/stories").await, ["Olly's story", "Told to anyone"], "a public community's stories");
    assert_eq!(list(Some(&olly), "/api/v1/stories").await, ["Olly's story", "Told to anyone", "Told to all of us"]);
    assert_eq!(list(Some(&mia), "/api/v1/stories").await.len(), 4);

    let paged = app.get("/api/v1/stories?limit=1", Some(&mia)).await;
    let cursor = paged.assert_status(200)["next_cursor"].as_str().expect("a cursor").to_owned();
    let next = app.get(&format!("/api/v1/stories?limit=1&cursor={cursor}"), Some(&mia)).await;
    assert_eq!(titles(next.assert_status(200)), ["Told to anyone"]);
    app.get("/api/v1/stories?cursor=nonsense", None).await.assert_error(400, "invalid_cursor");
    app.get("/api/v1/stories?limit=0", None).await.assert_error(400, "invalid_limit");
    app.get("/api/v1/communities/nowhere/stories", None).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn search_finds_a_story_only_as_far_as_its_reach_and_never_its_replies() {
    let Cast { app, ava, mia, olly, .. } = cast().await;
    let (public, first) = story(&app, &ava, "Kestrel mornings", "Watching kestrels helped.", "public").await;
    app.reply(&mia, public, Some(first), "I love kestrels and my secret").await;
    story(&app, &ava, "Kestrel evenings", "Kestrels at dusk.", "instance").await;
    story(&app, &ava, "Kestrel nights", "Kestrels asleep.", "community").await;

    let found = |who: Option<&Account>| {
        let (app, who) = (&app, who.cloned());
        async move {
            let results = app.get("/api/v1/search?q=kestrels", who.as_ref()).await;
            let results = results.assert_status(200).clone();
            let texts: Vec<String> = results["results"]
                .as_array()
                .expect("results")
                .iter()
                .map(|hit| hit["snippet_html"].as_str().expect("snippet").to_owned())
                .collect();
            (kinds_found(&results), texts)
        }
    };
    let (visitor, texts) = found(None).await;
    assert_eq!(visitor, [("post".to_owned(), "circle".to_owned())], "the public story's own text: {texts:?}");
    let (outsider, texts) = found(Some(&olly)).await;
    assert_eq!(outsider.len(), 2, "the public and instance stories: {texts:?}");
    assert!(texts.iter().all(|text| !text.contains("secret")), "never a reply");
    let (member, _) = found(Some(&mia)).await;
    assert_eq!(member.len(), 4, "every story and the reply");

    let titled = app.get("/api/v1/search?q=kestrel%20mornings", None).await;
    assert_eq!(kinds_found(titled.assert_status(200)), [("thread".to_owned(), "circle".to_owned())]);
    app.get("/api/v1/search?q=kestrels&community=circle", None).await.assert_error(404, "not_found");

    set_reach(&app, Some(&ava), public, "community").await.assert_status(200);
    assert!(found(None).await.0.is_empty(), "narrowed, it leaves search at once");
    assert_eq!(found(Some(&olly)).await.0.len(), 1);
}

#[tokio::test]
async fn only_the_author_changes_a_storys_reach_and_a_suspended_author_may_only_narrow() {
    let Cast { app, admin, ava, mia, olly } = cast().await;
    let (thread, _) = story(&app, &ava, "Mine to share", "A story.", "instance").await;
    set_reach(&app, None, thread, "community").await.assert_error(401, "not_signed_in");
    set_reach(&app, Some(&mia), thread, "community").await.assert_error(403, "forbidden");
    set_reach(&app, Some(&olly), thread, "community").await.assert_error(403, "forbidden");
    set_reach(&app, Some(&admin), thread, "community").await.assert_error(403, "forbidden");
    let (plain, _) = app.thread(&ava, "circle", "Plain", "Not a story.").await;
    set_reach(&app, Some(&ava), plain, "public").await.assert_error(409, "not_a_story");
    let everyone = set_reach(&app, Some(&ava), thread, "everyone").await;
    assert_eq!(everyone.status, 400, "an unknown reach: {:?}", everyone.body);
    let bad = json!({ "title": "Too far", "body": "A story.", "story": "everyone" });
    let refused = app.post("/api/v1/communities/circle/threads", Some(&ava), bad).await;
    assert_eq!(refused.status, 400, "an unknown reach when starting: {:?}", refused.body);
    assert_eq!(titles(app.get("/api/v1/stories", Some(&ava)).await.assert_status(200)), ["Mine to share"]);

    let suspend = json!({ "action": "suspend", "member": "ava", "minutes": 60, "reason": "Cool off." });
    app.post("/api/v1/moderation/actions", Some(&admin), suspend).await.assert_status(201);
    set_reach(&app, Some(&ava), thread, "public").await.assert_error(403, "suspended");
    set_reach(&app, Some(&ava), thread, "community").await.assert_status(200);
    assert_eq!(page_status(&app, Some(&olly), thread).await, 404);
}

#[tokio::test]
async fn a_crisis_story_is_never_shown_signed_out_and_a_hidden_one_to_no_outsider() {
    let Cast { app, admin, ava, olly, .. } = cast().await;
    let (crisis, _) = story(&app, &ava, "Tonight", CRISIS_TEXT, "public").await;
    assert_eq!(page_status(&app, None, crisis).await, 404, "crisis_post_visibility is members");
    assert_eq!(page_status(&app, Some(&olly), crisis).await, 200, "signed in, it reads as any crisis post");
    assert!(titles(app.get("/api/v1/communities/circle/stories", None).await.assert_status(200)).is_empty());
    let search = app.get("/api/v1/search?q=tonight", None).await;
    assert!(kinds_found(search.assert_status(200)).is_empty());

    let (hidden, first) = story(&app, &ava, "Taken down", "Something a moderator hides.", "public").await;
    let hide = json!({ "action": "hide", "post_id": first, "reason": "Checking it." });
    app.post("/api/v1/moderation/actions", Some(&admin), hide).await.assert_status(201);
    assert_eq!(page_status(&app, None, hidden).await, 404);
    assert_eq!(page_status(&app, Some(&olly), hidden).await, 404);
    let listed = titles(app.get("/api/v1/stories", Some(&olly)).await.assert_status(200));
    assert_eq!(listed, ["Tonight"], "the hidden story is not listed");
    assert_eq!(page_status(&app, Some(&ava), hidden).await, 200, "its author still finds it");
}

#[tokio::test]
async fn a_crisis_story_is_shown_signed_out_when_the_instance_shows_crisis_posts() {
    let app = spawn_app_with(|settings| {
        settings.crisis_post_visibility = kindred::config::CrisisPostVisibility::Public;
    })
    .await;
    let Cast { app, ava, .. } = cast_on(app).await;
    let (crisis, _) = story(&app, &ava, "Tonight", CRISIS_TEXT, "public").await;
    assert_eq!(page_status(&app, None, crisis).await, 200);
}

#[tokio::test]
async fn a_story_is_in_its_authors_export_and_erasure_keeps_it_in_its_community() {
    let Cast { app, admin, ava, mia, .. } = cast().await;
    let (thread, _) = story(&app, &ava, "For the record", "A story.", "public").await;
    app.post("/api/v1/me/export", Some(&ava), json!({})).await.assert_status(202);
    let document = crate::erasure::download(&app, &ava).await;
    let started = document["threads"].as_array().expect("threads");
    assert_eq!(started[0]["story_reach"], "public", "{document}");

    app.delete("/api/v1/admin/users/ava", Some(&admin)).await.assert_status(204);
    assert_eq!(page_status(&app, None, thread).await, 404, "an erased member's story leaves the public web");
    assert!(titles(app.get("/api/v1/stories", None).await.assert_status(200)).is_empty());
    assert_eq!(page_status(&app, Some(&mia), thread).await, 200, "the community still reads its thread");
}
