//! Search: it finds thread titles, posts and chat messages, never what the
//! reader may not see, ranks the same way on both databases, escapes its
//! snippets, and answers hostile queries with 200 or a 400 that says why.

use serde_json::json;

use crate::helpers::{Account, Reply, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};

const WORD: &str = "zebrafinch";

async fn app() -> TestApp {
    spawn_app_with(|settings| {
        settings.posts_per_hour = 1000;
        settings.new_member_posts_per_hour = 1000;
    })
    .await
}

/// `q` and the other parameters, percent-encoded.
fn search_path(params: &[(&str, &str)]) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|byte| if byte.is_ascii_alphanumeric() { (byte as char).to_string() } else { format!("%{byte:02X}") })
            .collect()
    };
    let query: Vec<String> = params.iter().map(|(name, value)| format!("{name}={}", encode(value))).collect();
    format!("/api/v1/search?{}", query.join("&"))
}

async fn search(app: &TestApp, who: Option<&Account>, params: &[(&str, &str)]) -> Reply {
    app.get(&search_path(params), who).await
}

/// (kind, id) of each result, in order.
fn found(reply: &Reply) -> Vec<(String, i64)> {
    reply.body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|hit| (hit["kind"].as_str().expect("kind").to_owned(), hit["id"].as_i64().expect("id")))
        .collect()
}

fn hit(kind: &str, id: i64) -> (String, i64) {
    (kind.to_owned(), id)
}

#[tokio::test]
async fn search_never_returns_what_the_reader_may_not_see() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    app.community(&admin, "closed", "members").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let dan = app.register("dan").await;
    for member in [&amy, &ben, &dan] {
        app.join(member, "open").await.assert_status(200);
    }
    app.join(&ben, "closed").await.assert_status(200);

    // What readers may see.
    let (thread, first) = app.thread(&amy, "open", &format!("Spotting a {WORD}"), "Birds help me breathe").await;
    let visible = app.reply(&amy, thread, Some(first), &format!("I saw a {WORD} today")).await;
    let room = default_room(&app, &amy, "open").await;
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.say(room, &format!("Anyone else seen the {WORD}?"), "c-1").await;
    let message = live.next_of("ack").await["id"].as_i64().expect("message id");

    // What they may not: a members-only community, held, removed, deleted,
    // edited-away content, and a blocked member's post.
    let (_, private) = app.thread(&ben, "closed", "Private", &format!("A private {WORD}")).await;
    let removed = app.reply(&ben, thread, Some(first), &format!("A removed {WORD}")).await;
    let remove = json!({ "action": "remove", "post_id": removed, "reason": "Off topic for this thread." });
    app.post("/api/v1/moderation/actions", Some(&admin), remove).await.assert_status(201);
    let deleted = app.reply(&ben, thread, Some(first), &format!("A deleted {WORD}")).await;
    app.delete(&format!("/api/v1/posts/{deleted}"), Some(&ben)).await.assert_status(204);
    let edited = app.reply(&ben, thread, Some(first), &format!("An edited {WORD}")).await;
    let edit = json!({ "body": "Nothing to see here" });
    app.patch(&format!("/api/v1/posts/{edited}"), Some(&ben), edit).await.assert_status(200);
    app.reply(&dan, thread, Some(first), &format!("A blocked {WORD}")).await;
    app.put("/api/v1/blocks/dan", Some(&amy)).await.assert_status(204);
    let safety = json!({ "hold_first_posts": 1 });
    app.send(reqwest::Method::PUT, "/api/v1/communities/open/safety", Some(&admin), Some(safety))
        .await
        .assert_status(200);
    let eve = app.register("eve").await;
    app.join(&eve, "open").await.assert_status(200);
    let path = format!("/api/v1/threads/{thread}/posts");
    let held = app.post(&path, Some(&eve), json!({ "body": format!("A held {WORD}") })).await;
    let held = held.assert_status(201)["id"].as_i64().expect("id");

    let expected = vec![hit("thread", thread), hit("post", visible), hit("message", message)];
    let reply = search(&app, Some(&amy), &[("q", WORD)]).await;
    reply.assert_status(200);
    let mut seen = found(&reply);
    seen.sort();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "amy sees only what she may");

    // A visitor sees the public content, the blocked post included; ben sees his community.
    let visitor = found(&search(&app, None, &[("q", WORD)]).await);
    assert_eq!(visitor.len(), 4, "{visitor:?}");
    let bens = found(&search(&app, Some(&ben), &[("q", WORD), ("community", "closed")]).await);
    assert_eq!(bens, vec![hit("post", private)]);
    search(&app, Some(&amy), &[("q", WORD), ("community", "closed")]).await.assert_error(404, "not_found");
    let by_amy = found(&search(&app, None, &[("q", WORD), ("author", "amy")]).await);
    assert_eq!(by_amy.len(), 3, "amy's thread, post and message");

    // Approved content becomes findable, in the same transaction that approves it.
    let approve = json!({ "action": "approve", "post_id": held });
    app.post("/api/v1/moderation/actions", Some(&admin), approve).await.assert_status(201);
    assert!(found(&search(&app, Some(&amy), &[("q", "held")]).await).contains(&hit("post", held)));
}

#[tokio::test]
async fn results_rank_best_first_then_newest_with_escaped_highlighted_snippets() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "open").await.assert_status(200);
    let (thread, first) = app.thread(&amy, "open", "Spacers", "Which spacer do you use?").await;
    let older = app.reply(&amy, thread, Some(first), "My <b>nebuliser</b> & spacer").await;
    let newer = app.reply(&amy, thread, Some(first), "My <b>nebuliser</b> & spacer").await;
    let better = app.reply(&amy, thread, Some(first), "nebuliser nebuliser nebuliser").await;

    let reply = search(&app, None, &[("q", "NEBULISER")]).await;
    assert_eq!(found(&reply), vec![hit("post", better), hit("post", newer), hit("post", older)]);
    assert_eq!(reply.body["results"][1]["snippet_html"], "My &lt;b&gt;<mark>nebuliser</mark>&lt;/b&gt; &amp; spacer");
    assert_eq!(reply.body["results"][1]["thread"]["title"], "Spacers");
    assert_eq!(reply.body["results"][1]["author"]["username"], "amy");

    let phrase = search(&app, None, &[("q", "\"nebuliser spacer\"")]).await;
    assert!(found(&phrase).is_empty(), "a phrase needs its words together");
    let phrase = search(&app, None, &[("q", "\"b nebuliser b\"")]).await;
    assert_eq!(found(&phrase).len(), 2);

    let page = search(&app, None, &[("q", "nebuliser"), ("limit", "2")]).await;
    let cursor = page.body["next_cursor"].as_str().expect("a cursor").to_owned();
    let rest = search(&app, None, &[("q", "nebuliser"), ("limit", "2"), ("cursor", &cursor)]).await;
    assert_eq!(found(&rest), vec![hit("post", older)]);
    search(&app, None, &[("q", "nebuliser"), ("cursor", "x")]).await.assert_error(400, "invalid_cursor");
}

#[tokio::test]
async fn hostile_queries_get_results_or_a_clear_error_never_a_server_error() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "open").await.assert_status(200);
    app.thread(&amy, "open", "Near and far", "AND OR NOT near* \"quoted\" 頭痛 Übelkeit").await;
    let long = "x".repeat(10 * 1024);
    let many = "word ".repeat(50);
    let queries = [
        "\"",
        "\"\"",
        "*",
        "NEAR(",
        "NEAR(a b)",
        "AND OR",
        "OR",
        "NOT",
        "a AND",
        "near*",
        "-",
        "^x",
        "col:near",
        "(",
        ")",
        "'",
        "''",
        "\\",
        "%",
        "_",
        ";DROP TABLE posts;--",
        "\0",
        "{}",
        "[]",
        "a:b:c",
        "\"unclosed",
        "頭痛",
        "Übelkeit",
        "🙂",
        "🙂 near",
        "e\u{301}",
        "\u{202e}near",
        "x&y|z!w",
        "<->",
        "!",
        "''near''",
        long.as_str(),
        many.as_str(),
    ];
    for query in queries {
        let reply = search(&app, None, &[("q", query)]).await;
        let shown: String = query.chars().take(40).collect();
        match reply.status {
            200 => assert!(reply.body["results"].is_array(), "{shown:?}"),
            400 => {
                let error = &reply.body["error"];
                assert!(
                    error["code"].is_string() && error["message"].as_str().is_some_and(|m| m.len() > 10),
                    "{shown:?}"
                );
            }
            status => panic!("{shown:?} gave {status}: {:?}", reply.body),
        }
    }
    let found_near = search(&app, None, &[("q", "NEAR(")]).await;
    assert_eq!(
        found_near.assert_status(200)["results"].as_array().expect("results").len(),
        2,
        "NEAR is just a word: the title and the post"
    );
    search(&app, None, &[("q", "\"unclosed")]).await.assert_error(400, "unclosed_quote");
    search(&app, None, &[("q", &long)]).await.assert_error(400, "query_too_long");
    search(&app, None, &[("q", "*")]).await.assert_error(400, "empty_query");
    app.get("/api/v1/search", None).await.assert_status(400);
    let unicode = search(&app, None, &[("q", "頭痛")]).await;
    assert_eq!(unicode.assert_status(200)["results"].as_array().expect("results").len(), 1);
}

/// A word in more posts than a search ranks (`RANKED_MATCHES`) is ranked
/// among its newest uses: the oldest post, though the best match, is left
/// out, and what is shown starts with the newest.
#[tokio::test]
async fn a_very_common_word_is_ranked_among_its_newest_matches() {
    use kindred::db::search::RANKED_MATCHES;

    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "open").await.assert_status(200);
    let (thread, _) = app.thread(&amy, "open", "Daily check-in", "How is everyone today?").await;
    let mut connection = app.connect();
    let mut store = |text: String| app.store_reply(&mut connection, thread, "amy", &text);
    let oldest_and_best = store(format!("{WORD} {WORD} {WORD} {WORD}"));
    let mut newest = oldest_and_best;
    for n in 0..RANKED_MATCHES {
        newest = store(format!("A {WORD} day, number {n}."));
    }
    let first_page = search(&app, None, &[("q", WORD), ("limit", "50")]).await;
    let shown = found(&first_page);
    assert_eq!(shown.first(), Some(&hit("post", newest)), "equal matches, newest first");
    assert!(!shown.contains(&hit("post", oldest_and_best)));
    let rare = search(&app, None, &[("q", "everyone")]).await;
    assert_eq!(found(&rare).len(), 1, "a word with few uses is found wherever it is");
}

#[tokio::test]
async fn an_unknown_author_is_answered_like_an_author_with_no_visible_posts() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "open").await.assert_status(200);
    app.thread(&amy, "open", "Breathing", &format!("A {WORD} at the window")).await;
    app.register("quiet").await;

    let quiet = search(&app, None, &[("q", WORD), ("author", "quiet")]).await;
    let nobody = search(&app, None, &[("q", WORD), ("author", "nobody_here")]).await;
    quiet.assert_status(200);
    nobody.assert_status(200);
    assert_eq!(quiet.body, nobody.body, "the answer does not tell whether the username exists");
    assert_eq!(found(&nobody), Vec::new());
    assert_eq!(found(&search(&app, None, &[("q", WORD), ("author", "amy")]).await).len(), 1, "her first post");
}

#[tokio::test]
async fn a_moved_thread_is_found_where_it_now_lives_and_not_where_it_was() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    app.community(&admin, "closed", "members").await;
    let amy = app.register("amy").await;
    app.join(&amy, "closed").await.assert_status(200);
    let (thread, first) = app.thread(&amy, "closed", &format!("A {WORD} nest"), "Seen by the pond").await;
    let reply = app.reply(&amy, thread, Some(first), &format!("The {WORD} came back")).await;
    let everything = vec![("post".to_owned(), reply), ("thread".to_owned(), thread)];
    assert!(found(&search(&app, None, &[("q", WORD)]).await).is_empty(), "not while members-only");

    let move_it = json!({ "action": "move", "thread_id": thread, "to_community": "open", "reason": "For everyone." });
    app.post("/api/v1/moderation/actions", Some(&admin), move_it).await.assert_status(201);
    let mut seen = found(&search(&app, None, &[("q", WORD)]).await);
    seen.sort();
    assert_eq!(seen, everything, "a visitor finds the title and the reply in the public community");

    let back = json!({ "action": "move", "thread_id": thread, "to_community": "closed", "reason": "Back again." });
    app.post("/api/v1/moderation/actions", Some(&admin), back).await.assert_status(201);
    assert!(found(&search(&app, None, &[("q", WORD)]).await).is_empty(), "members-only again");
    let mut seen = found(&search(&app, Some(&amy), &[("q", WORD)]).await);
    seen.sort();
    assert_eq!(seen, everything, "a member still finds it");
}

#[tokio::test]
async fn replies_in_a_thread_whose_first_post_is_not_public_are_neither_found_nor_told() {
    let app = app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "open", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let carl = app.register("carl").await;
    for member in [&amy, &ben, &carl] {
        app.join(member, "open").await.assert_status(200);
    }
    let (thread, first) = app.thread(&amy, "open", "Walks", "Where do you walk?").await;
    let reply = app.reply(&ben, thread, Some(first), &format!("By the {WORD} reserve")).await;
    let watch = json!({ "level": "watching" });
    app.send(reqwest::Method::PUT, "/api/v1/communities/open/follow", Some(&carl), Some(watch))
        .await
        .assert_status(204);
    assert_eq!(found(&search(&app, Some(&carl), &[("q", WORD)]).await).len(), 1, "found while the thread is public");

    let hide = json!({ "action": "hide", "post_id": first, "reason": "Checking it." });
    app.post("/api/v1/moderation/actions", Some(&admin), hide).await.assert_status(201);
    assert!(found(&search(&app, Some(&carl), &[("q", WORD)]).await).is_empty(), "its replies are not found");

    app.reply(&amy, thread, Some(reply), &format!("The author's {WORD} note")).await;
    let (later, _) = app.thread(&amy, "open", "Sunday", "Anyone walking?").await;
    let inbox = app.get("/api/v1/notifications", Some(&carl)).await;
    let threads: Vec<i64> = inbox.assert_status(200)["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|line| line["thread"]["id"].as_i64())
        .collect();
    assert_eq!(threads, [later], "carl hears of the later thread, not of the reply he may not see: {}", inbox.body);
}
