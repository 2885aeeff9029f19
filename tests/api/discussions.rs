//! Threads and replies: who sees what, the reply tree and its pages,
//! edits with history, deletion, content warnings and reactions.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn ids(page: &Value) -> Vec<i64> {
    page["posts"].as_array().expect("posts").iter().filter_map(|post| post["id"].as_i64()).collect()
}

fn reactions_of(post: &Value) -> Vec<(String, i64, bool)> {
    post["reactions"]
        .as_array()
        .expect("reactions")
        .iter()
        .map(|r| (r["kind"].as_str().unwrap_or("").to_owned(), r["count"].as_i64().unwrap_or(0), r["mine"] == true))
        .collect()
}

#[tokio::test]
async fn members_discuss_in_a_members_only_community_that_outsiders_cannot_read() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "young-carers", "members").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let outsider = app.register("olly").await;
    app.join(&amy, &slug).await.assert_status(200);
    app.join(&ben, &slug).await.assert_status(200);

    let (thread, first) = app.thread(&amy, &slug, "Juggling school and caring", "How do you *all* manage?").await;
    let level1 = app.reply(&ben, thread, None, "Lists. So many lists.").await;
    let level2 = app.reply(&amy, thread, Some(level1), "Paper or an app?").await;
    let level3 = app.reply(&ben, thread, Some(level2), "Paper, on the fridge.").await;
    let sibling = app.reply(&amy, thread, Some(first), "Also: naps.").await;

    // Tree order: depth-first, siblings oldest first.
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&ben)).await;
    let body = page.assert_status(200);
    assert_eq!(ids(body), vec![first, level1, level2, level3, sibling]);
    let depths: Vec<i64> =
        body["posts"].as_array().expect("posts").iter().filter_map(|p| p["depth"].as_i64()).collect();
    assert_eq!(depths, vec![0, 1, 2, 3, 1]);
    assert_eq!(body["posts"][3]["parent_id"], level2);
    assert_eq!(body["posts"][1]["parent_id"], first);
    assert!(body["posts"][0]["parent_id"].is_null());
    assert_eq!(body["posts"][0]["body_html"], "<p>How do you <em>all</em> manage?</p>\n");
    assert_eq!(body["posts"][1]["author"]["username"], "ben");
    assert_eq!(body["thread"]["reply_count"], 4);
    assert_eq!(body["thread"]["community"], "young-carers");
    assert!(body["next_cursor"].is_null());
    // A page is the same for the author as for others: no Markdown source.
    // The author has it from the post's versions, which no other member
    // may read (and in answer to writing, editing or reacting).
    let posts = body["posts"].as_array().expect("posts");
    assert!(posts.iter().all(|post| post.get("body_markdown").is_none()), "{body}");
    let versions = app.get(&format!("/api/v1/posts/{level1}/revisions"), Some(&ben)).await;
    let current = versions.assert_status(200).as_array().and_then(|all| all.last()).cloned().unwrap_or_default();
    assert_eq!(current["body_markdown"], "Lists. So many lists.");
    app.get(&format!("/api/v1/posts/{level1}/revisions"), Some(&amy)).await.assert_status(403);

    // Reactions: one of each kind per member.
    for _ in 0..2 {
        app.put(&format!("/api/v1/posts/{first}/reactions/hug"), Some(&ben)).await.assert_status(200);
    }
    let reacted = app.put(&format!("/api/v1/posts/{first}/reactions/me_too"), Some(&amy)).await;
    assert_eq!(reactions_of(reacted.assert_status(200)), vec![("hug".into(), 1, false), ("me_too".into(), 1, true)]);
    // Counted with everyone's, a reader's own reactions are marked for them alone.
    app.put(&format!("/api/v1/posts/{level1}/reactions/hug"), Some(&amy)).await.assert_status(200);
    app.put(&format!("/api/v1/posts/{level1}/reactions/hug"), Some(&ben)).await.assert_status(200);
    for (reader, first_mine, level1_mine) in [(&amy, (false, true), true), (&ben, (true, false), true)] {
        let page = app.get(&format!("/api/v1/threads/{thread}"), Some(reader)).await;
        let posts = page.assert_status(200)["posts"].as_array().expect("posts").clone();
        let expected = vec![("hug".into(), 1, first_mine.0), ("me_too".into(), 1, first_mine.1)];
        assert_eq!(reactions_of(&posts[0]), expected);
        assert_eq!(reactions_of(&posts[1]), vec![("hug".into(), 2, level1_mine)]);
        assert!(posts[2..].iter().all(|post| reactions_of(post).is_empty()), "{posts:?}");
    }
    app.delete(&format!("/api/v1/posts/{level1}/reactions/hug"), Some(&amy)).await.assert_status(200);
    app.delete(&format!("/api/v1/posts/{level1}/reactions/hug"), Some(&ben)).await.assert_status(200);

    // Edit keeps the earlier version.
    let edited = app
        .patch(&format!("/api/v1/posts/{level2}"), Some(&amy), json!({ "body": "Paper or an app? Asking for me." }))
        .await;
    assert!(edited.assert_status(200)["edited_at"].is_string());

    // Deleting leaves a placeholder that keeps the tree's shape.
    app.delete(&format!("/api/v1/posts/{level1}"), Some(&ben)).await.assert_status(204);

    // What each kind of reader sees.
    let member_view = app.get(&format!("/api/v1/threads/{thread}"), Some(&amy)).await;
    let posts = member_view.assert_status(200)["posts"].as_array().expect("posts").clone();
    assert_eq!(posts.len(), 5);
    assert_eq!(posts[1]["deleted"], true);
    assert!(posts[1]["body_html"].is_null() && posts[1]["author"].is_null());
    assert_eq!(posts[2]["body_html"], "<p>Paper or an app? Asking for me.</p>\n");
    assert_eq!(reactions_of(&posts[0]), vec![("hug".into(), 1, false), ("me_too".into(), 1, true)]);

    for (who, label) in [(Some(&outsider), "a non-member"), (None, "a visitor")] {
        let thread_page = app.get(&format!("/api/v1/threads/{thread}"), who).await;
        assert_eq!(thread_page.status, 404, "{label} must not see the thread");
        let list = app.get(&format!("/api/v1/communities/{slug}/threads"), who).await;
        assert_eq!(list.status, 404, "{label} must not list the threads");
        let community = app.get(&format!("/api/v1/communities/{slug}"), who).await;
        assert_eq!(community.status, 200, "{label} can still find the community to join it");
        let revisions = app.get(&format!("/api/v1/posts/{level2}/revisions"), who).await;
        assert!(revisions.status == 404 || revisions.status == 401, "{label}: {}", revisions.status);
    }
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&outsider), json!({ "body": "hi" }))
        .await
        .assert_error(404, "not_found");
    app.put(&format!("/api/v1/posts/{first}/reactions/hug"), Some(&outsider)).await.assert_error(404, "not_found");

    let listed = app.get(&format!("/api/v1/communities/{slug}/threads"), Some(&ben)).await;
    let threads = listed.assert_status(200)["threads"].as_array().expect("threads").clone();
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0]["title"], "Juggling school and caring");
    assert_eq!(threads[0]["author"]["display_name"], "amy (they/them)");
}

#[tokio::test]
async fn a_public_community_is_readable_by_visitors_but_only_members_post() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    app.join(&amy, &slug).await;
    let (thread, _) = app.thread(&amy, &slug, "Pulmonary rehab", "Worth it?").await;
    app.get(&format!("/api/v1/threads/{thread}"), None).await.assert_status(200);
    app.get(&format!("/api/v1/communities/{slug}/threads"), None).await.assert_status(200);
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), json!({ "body": "Yes!" }))
        .await
        .assert_error(403, "forbidden");
    app.post(&format!("/api/v1/communities/{slug}/threads"), Some(&ben), json!({ "title": "Hello", "body": "Hi" }))
        .await
        .assert_error(403, "forbidden");
    app.put(&format!("/api/v1/threads/{thread}"), Some(&ben)).await.assert_error(405, "method_not_allowed");
}

/// Thread pages are served from memory between writes; every write must
/// show on the very next read, for visitors and members alike.
#[tokio::test]
async fn a_thread_page_read_again_shows_every_change_at_once() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let (amy, ben, thread, first) = setup_thread_in(&app, &admin).await;
    let page = format!("/api/v1/threads/{thread}");
    let read = |who| {
        let (app, page) = (&app, &page);
        async move { app.get(page, who).await.assert_status(200).clone() }
    };
    for who in [None, Some(&ben)] {
        assert_eq!(ids(&read(who).await), vec![first], "read twice to fill the cache");
        assert_eq!(ids(&read(who).await), vec![first]);
    }
    let reply = app.reply(&ben, thread, None, "A spacer, always.").await;
    for who in [None, Some(&ben), Some(&amy)] {
        assert_eq!(ids(&read(who).await), vec![first, reply]);
    }
    app.post(
        "/api/v1/moderation/actions",
        Some(&admin),
        json!({ "action": "hide", "post_id": reply, "reason": "Off topic." }),
    )
    .await
    .assert_status(201);
    for who in [None, Some(&amy)] {
        let shown = read(who).await;
        assert!(shown["posts"][1]["body_html"].is_null(), "hidden at once: {shown}");
    }
}

/// A client that takes gzip gets the page gzipped (made once, then served
/// from memory), and it unzips to exactly what others are sent.
#[tokio::test]
async fn a_thread_page_is_gzipped_for_a_client_that_takes_it() {
    use std::io::Read;

    let app = spawn_app().await;
    let (_, _, thread, _) = setup_thread(&app).await;
    let url = app.url(&format!("/api/v1/threads/{thread}"));
    let plain = app.client.get(&url).send().await.expect("a reply");
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.expect("a body");
    for _ in 0..2 {
        let zipped = app.client.get(&url).header("Accept-Encoding", "gzip, br;q=0.5").send().await.expect("a reply");
        assert_eq!(zipped.status(), 200);
        assert_eq!(zipped.headers().get("content-encoding").map(|value| value.as_bytes()), Some(&b"gzip"[..]));
        assert!(
            zipped.headers().get("vary").is_some_and(|vary| vary.as_bytes().eq_ignore_ascii_case(b"accept-encoding"))
        );
        let body = zipped.bytes().await.expect("a body");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut unzipped).expect("valid gzip");
        assert_eq!(unzipped, plain, "the same page");
    }
    let refused = app.client.get(&url).header("Accept-Encoding", "gzip;q=0, identity").send().await.expect("a reply");
    assert_eq!(refused.headers().get("content-encoding"), None, "gzip;q=0 means not gzip");
}

async fn setup_thread(app: &TestApp) -> (crate::helpers::Account, crate::helpers::Account, i64, i64) {
    let admin = app.admin("admin").await;
    setup_thread_in(app, &admin).await
}

/// Amy's thread in a public community the admin made, with Amy and Ben members.
async fn setup_thread_in(
    app: &TestApp,
    admin: &crate::helpers::Account,
) -> (crate::helpers::Account, crate::helpers::Account, i64, i64) {
    let slug = app.community(admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    app.join(&amy, &slug).await;
    app.join(&ben, &slug).await;
    let (thread, first) = app.thread(&amy, &slug, "Inhaler technique", "Spacer or not?").await;
    (amy, ben, thread, first)
}

#[tokio::test]
async fn a_member_cannot_change_another_members_post() {
    let app = spawn_app().await;
    let (_amy, ben, _thread, first) = setup_thread(&app).await;
    app.patch(&format!("/api/v1/posts/{first}"), Some(&ben), json!({ "body": "mine now" }))
        .await
        .assert_error(403, "forbidden");
    app.delete(&format!("/api/v1/posts/{first}"), Some(&ben)).await.assert_error(403, "forbidden");
    app.get(&format!("/api/v1/posts/{first}/revisions"), Some(&ben)).await.assert_error(403, "forbidden");
}

#[tokio::test]
async fn every_revision_is_kept_for_the_author_and_moderators() {
    let app = spawn_app().await;
    let (amy, _ben, _thread, first) = setup_thread(&app).await;
    let warning = json!({ "label": "medical_detail", "note": "talks about dosages" });
    app.patch(
        &format!("/api/v1/posts/{first}"),
        Some(&amy),
        json!({ "body": "Spacer, always.", "content_warning": warning }),
    )
    .await
    .assert_status(200);
    app.patch(&format!("/api/v1/posts/{first}"), Some(&amy), json!({ "body": "Spacer, always!" }))
        .await
        .assert_status(200);
    let mo = app.register("moira").await;
    let signed_in = app.sign_in("admin", crate::helpers::PASSWORD).await;
    let admin = crate::helpers::Account { token: signed_in.body["token"].as_str().expect("token").into() };
    app.put("/api/v1/communities/copd/moderators/moira", Some(&admin)).await.assert_status(204);
    for reader in [&amy, &mo] {
        let revisions = app.get(&format!("/api/v1/posts/{first}/revisions"), Some(reader)).await;
        let versions = revisions.assert_status(200).as_array().expect("versions").clone();
        let bodies: Vec<&str> = versions.iter().filter_map(|v| v["body_markdown"].as_str()).collect();
        assert_eq!(bodies, vec!["Spacer or not?", "Spacer, always.", "Spacer, always!"]);
        assert_eq!(versions[1]["content_warning"]["label"], "medical_detail");
        assert!(versions[2]["replaced_at"].is_null() && versions[0]["replaced_at"].is_string());
    }
}

#[tokio::test]
async fn content_warnings_come_from_the_instance_list() {
    let app = spawn_app().await;
    let (amy, _ben, thread, _first) = setup_thread(&app).await;
    let bad = json!({ "body": "text", "content_warning": { "label": "spoilers" } });
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), bad)
        .await
        .assert_error(422, "unknown_content_warning");
    let long_note = json!({ "body": "text", "content_warning": { "label": "bereavement", "note": "x".repeat(101) } });
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), long_note)
        .await
        .assert_error(422, "invalid_content_warning");
    let good = json!({ "body": "We lost Dad in May.", "content_warning": { "label": "bereavement", "note": "" } });
    let created = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), good).await;
    assert_eq!(created.assert_status(201)["content_warning"], json!({ "label": "bereavement", "note": null }));
}

#[tokio::test]
async fn reactions_are_a_fixed_set_and_can_be_taken_back() {
    let app = spawn_app().await;
    let (_amy, ben, _thread, first) = setup_thread(&app).await;
    app.put(&format!("/api/v1/posts/{first}/reactions/downvote"), Some(&ben)).await.assert_error(404, "not_found");
    app.put(&format!("/api/v1/posts/{first}/reactions/strength"), Some(&ben)).await.assert_status(200);
    app.put(&format!("/api/v1/posts/{first}/reactions/thank_you"), Some(&ben)).await.assert_status(200);
    let removed = app.delete(&format!("/api/v1/posts/{first}/reactions/strength"), Some(&ben)).await;
    assert_eq!(reactions_of(removed.assert_status(200)), vec![("thank_you".into(), 1, true)]);
    app.put(&format!("/api/v1/posts/{first}/reactions/hug"), None).await.assert_error(401, "not_signed_in");
}

#[tokio::test]
async fn a_page_shows_reactions_as_they_come_and_go_beside_posts_that_have_none() {
    let app = spawn_app().await;
    let (amy, ben, thread, first) = setup_thread(&app).await;
    let reply = app.reply(&ben, thread, Some(first), "Same here.").await;
    let last = app.reply(&amy, thread, None, "Thanks both.").await;
    let page_reactions = |who| {
        let app = &app;
        async move {
            let page = app.get(&format!("/api/v1/threads/{thread}"), who).await;
            let posts = page.assert_status(200)["posts"].as_array().expect("posts").clone();
            posts.iter().map(|post| (post["id"].as_i64().unwrap_or(0), reactions_of(post))).collect::<Vec<_>>()
        }
    };
    let none = vec![(first, vec![]), (reply, vec![]), (last, vec![])];
    assert_eq!(page_reactions(None).await, none);

    for who in [&amy, &ben] {
        app.put(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(who)).await.assert_status(200);
    }
    app.put(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(&ben)).await.assert_status(200);
    let hugged = |count, mine| vec![(first, vec![]), (reply, vec![("hug".to_owned(), count, mine)]), (last, vec![])];
    assert_eq!(page_reactions(None).await, hugged(2, false), "a second hug from one member counts once");
    assert_eq!(page_reactions(Some(&ben)).await, hugged(2, true));

    app.delete(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(&ben)).await.assert_status(200);
    assert_eq!(page_reactions(Some(&ben)).await, hugged(1, false));
    app.delete(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(&amy)).await.assert_status(200);
    app.delete(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(&amy)).await.assert_status(200);
    assert_eq!(page_reactions(Some(&amy)).await, none, "taking back a reaction twice counts once");

    app.put(&format!("/api/v1/posts/{reply}/reactions/hug"), Some(&amy)).await.assert_status(200);
    assert_eq!(page_reactions(Some(&amy)).await, hugged(1, true), "the count came back to nothing, not below");
}

#[tokio::test]
async fn a_first_post_with_replies_leaves_the_thread_standing_and_without_replies_takes_it() {
    let app = spawn_app().await;
    let (amy, ben, thread, first) = setup_thread(&app).await;
    let reply = app.reply(&ben, thread, None, "Spacer.").await;
    app.delete(&format!("/api/v1/posts/{first}"), Some(&amy)).await.assert_status(204);
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&ben)).await;
    assert_eq!(ids(page.assert_status(200)), vec![first, reply]);
    assert_eq!(page.body["posts"][0]["deleted"], true);
    app.delete(&format!("/api/v1/posts/{first}"), Some(&amy)).await.assert_error(409, "post_deleted");
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), json!({ "parent_id": first, "body": "?" }))
        .await
        .assert_error(409, "post_deleted");

    let (lonely, lonely_first) = app.thread(&amy, "copd", "Short-lived", "Never mind").await;
    app.delete(&format!("/api/v1/posts/{lonely_first}"), Some(&amy)).await.assert_status(204);
    app.get(&format!("/api/v1/threads/{lonely}"), Some(&amy)).await.assert_error(404, "not_found");
    let listed = app.get("/api/v1/communities/copd/threads", Some(&amy)).await;
    let titles: Vec<&str> =
        listed.body["threads"].as_array().expect("threads").iter().filter_map(|t| t["title"].as_str()).collect();
    assert_eq!(titles, vec!["Inhaler technique"]);
}

/// Replies `depth` levels deep under the first post, then checks one more is refused.
async fn assert_depth_limit(app: &TestApp, depth: usize) {
    let (amy, _ben, thread, first) = setup_thread(app).await;
    let mut parent = first;
    for _ in 0..depth {
        parent = app.reply(&amy, thread, Some(parent), "deeper").await;
    }
    let too_deep = app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), json!({ "parent_id": parent, "body": "x" }))
        .await;
    too_deep.assert_error(422, "reply_too_deep");
}

#[tokio::test]
async fn replies_nest_to_the_depth_limit_and_no_further() {
    let app = spawn_app_with(|settings| settings.max_reply_depth = 3).await;
    assert_depth_limit(&app, 3).await;
}

#[tokio::test]
async fn the_default_depth_limit_is_ten() {
    assert_depth_limit(&spawn_app().await, 10).await;
}

#[tokio::test]
async fn a_reply_names_a_parent_in_the_same_thread() {
    let app = spawn_app().await;
    let (amy, _ben, thread, _first) = setup_thread(&app).await;
    let (_other, other_first) = app.thread(&amy, "copd", "Another thread", "Elsewhere").await;
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), json!({ "parent_id": other_first, "body": "x" }))
        .await
        .assert_error(404, "not_found");
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), json!({ "parent_id": 999_999, "body": "x" }))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_long_thread_pages_in_tree_order_with_a_cursor() {
    let app = spawn_app().await;
    let (amy, ben, thread, first) = setup_thread(&app).await;
    let mut expected = vec![first];
    for branch in 0..4 {
        let top = app.reply(&ben, thread, None, &format!("branch {branch}")).await;
        expected.push(top);
        let child = app.reply(&amy, thread, Some(top), "child").await;
        expected.push(child);
        expected.push(app.reply(&ben, thread, Some(child), "grandchild").await);
    }
    // Reactions on each side of a page's edges: the last post of the first
    // page (the cursor), the first of the second, and the last of all.
    let reacted = [expected[4], expected[5], expected[12]];
    for post in reacted {
        app.put(&format!("/api/v1/posts/{post}/reactions/hug"), Some(&amy)).await.assert_status(200);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/threads/{thread}?limit=5&cursor={cursor}"),
            None => format!("/api/v1/threads/{thread}?limit=5"),
        };
        let page = app.get(&path, Some(&amy)).await;
        for post in page.assert_status(200)["posts"].as_array().expect("posts") {
            let id = post["id"].as_i64().expect("an id");
            let hugs = if reacted.contains(&id) { vec![("hug".into(), 1, true)] } else { vec![] };
            assert_eq!(reactions_of(post), hugs, "post {id}");
            seen.push(id);
        }
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_thread_list_pages_by_latest_activity() {
    let app = spawn_app().await;
    let (amy, ben, first_thread, _) = setup_thread(&app).await;
    let mut threads = vec![first_thread];
    for n in 0..4 {
        threads.push(app.thread(&amy, "copd", &format!("Thread number {n}"), "body").await.0);
    }
    // A reply brings the oldest thread back to the top.
    app.reply(&ben, first_thread, None, "bump").await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/communities/copd/threads?limit=2".to_owned();
    loop {
        let page = app.get(&path, None).await;
        let body = page.assert_status(200);
        seen.extend(body["threads"].as_array().expect("threads").iter().filter_map(|t| t["id"].as_i64()));
        match body["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/communities/copd/threads?limit=2&cursor={next}"),
            None => break,
        }
    }
    let expected: Vec<i64> = std::iter::once(first_thread).chain(threads[1..].iter().rev().copied()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn hostile_markdown_is_stored_as_written_and_shown_sanitised() {
    let app = spawn_app().await;
    let (amy, ben, thread, _first) = setup_thread(&app).await;
    let source =
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://nhs.uk)";
    let post = app.reply(&amy, thread, None, source).await;
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&ben)).await;
    let shown =
        page.body["posts"].as_array().expect("posts").iter().find(|p| p["id"] == post).expect("the post").clone();
    let html = shown["body_html"].as_str().expect("html");
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("javascript:"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "raw HTML is shown as text: {html}");
    assert!(html.contains(r#"<a href="https://nhs.uk" rel="nofollow noopener noreferrer ugc">ok</a>"#), "{html}");
    let revisions = app.get(&format!("/api/v1/posts/{post}/revisions"), Some(&amy)).await;
    assert_eq!(revisions.body[0]["body_markdown"], source, "the source is stored as written");
}
