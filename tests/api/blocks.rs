//! Blocking: posts and chat messages collapse to placeholders both ways
//! (thread pages, history and the live fan-out), typing is not passed on,
//! "here now" leaves the other member out,
//! replies across a block are refused, and moderators are never blocked out
//! of moderation.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};
use crate::live_client::{LiveClient, default_room};

/// An admin, a public community "copd" with members amy, ben and cara.
async fn setup(app: &TestApp) -> (Account, Account, Account, Account) {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let mut members = Vec::new();
    for name in ["amy", "ben", "cara"] {
        let account = app.register(name).await;
        app.join(&account, "copd").await.assert_status(200);
        members.push(account);
    }
    let cara = members.pop().expect("cara");
    let ben = members.pop().expect("ben");
    let amy = members.pop().expect("amy");
    (admin, amy, ben, cara)
}

/// The thread's posts as `who` sees them, by id.
async fn posts_seen(app: &TestApp, who: &Account, thread: i64) -> Vec<Value> {
    app.get(&format!("/api/v1/threads/{thread}"), Some(who)).await.assert_status(200)["posts"]
        .as_array()
        .expect("posts")
        .clone()
}

/// The message frame with sequence number `seq`, skipping earlier ones.
async fn message(live: &mut LiveClient, seq: i64) -> Value {
    loop {
        let frame = live.next_of("message").await;
        if frame["seq"] == seq {
            return frame;
        }
    }
}

fn is_placeholder(post: &Value) -> bool {
    post["blocked"] == true && post["author"].is_null() && post["body_html"].is_null()
}

#[tokio::test]
async fn a_block_hides_posts_both_ways_and_refuses_replies_across_it() {
    let app = spawn_app().await;
    let (_admin, amy, ben, cara) = setup(&app).await;
    let (thread, first) = app.thread(&amy, "copd", "Walking", "Amy's **first** post").await;
    let bens = app.reply(&ben, thread, Some(first), "Ben's reply").await;

    app.put("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    app.put("/api/v1/blocks/BEN", Some(&amy)).await.assert_status(204);
    let blocks = app.get("/api/v1/blocks", Some(&amy)).await;
    let listed = blocks.assert_status(200).as_array().expect("list").clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["member"]["username"], "ben");

    let amy_sees = posts_seen(&app, &amy, thread).await;
    assert!(!is_placeholder(&amy_sees[0]));
    assert!(is_placeholder(&amy_sees[1]) && amy_sees[1]["id"] == bens, "{}", amy_sees[1]);
    let ben_sees = posts_seen(&app, &ben, thread).await;
    assert!(is_placeholder(&ben_sees[0]), "the block works both ways: {}", ben_sees[0]);
    assert!(!is_placeholder(&ben_sees[1]));
    let cara_sees = posts_seen(&app, &cara, thread).await;
    assert!(cara_sees.iter().all(|post| !is_placeholder(post)));
    let visitor = app.get(&format!("/api/v1/threads/{thread}"), None).await.body;
    assert!(visitor["posts"].as_array().expect("posts").iter().all(|post| !is_placeholder(post)));

    let reply = json!({ "parent_id": first, "body": "Ben again" });
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), reply).await.assert_error(403, "forbidden");
    let reply = json!({ "parent_id": bens, "body": "Amy answers" });
    app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&amy), reply).await.assert_error(403, "forbidden");
    app.reply(&cara, thread, Some(bens), "Cara may").await;

    app.delete("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    assert!(posts_seen(&app, &ben, thread).await.iter().all(|post| !is_placeholder(post)));
    app.reply(&ben, thread, Some(first), "Ben again").await;
    assert_eq!(app.get("/api/v1/blocks", Some(&amy)).await.body, json!([]));
}

#[tokio::test]
async fn blocking_oneself_or_nobody_is_refused() {
    let app = spawn_app().await;
    let amy = app.register("amy").await;
    app.put("/api/v1/blocks/amy", Some(&amy)).await.assert_error(422, "cannot_block_self");
    app.put("/api/v1/blocks/nobody", Some(&amy)).await.assert_error(404, "not_found");
    app.put("/api/v1/blocks/amy", None).await.assert_error(401, "not_signed_in");
}

#[tokio::test]
async fn blocking_a_moderator_hides_their_posts_but_not_the_member_from_moderation() {
    let app = spawn_app().await;
    let (admin, amy, _ben, _cara) = setup(&app).await;
    let version = app.guidelines_version().await;
    app.post("/api/v1/me/consents", Some(&admin), json!({ "kind": "guidelines", "version": version })).await;
    let consent = app.get("/api/v1/instance", None).await.body["health_data_consent"]["version"].clone();
    app.post("/api/v1/me/consents", Some(&admin), json!({ "kind": "health_data", "version": consent })).await;
    let (thread, first) = app.thread(&amy, "copd", "Walking", "Amy's post").await;
    let admins = app.reply(&admin, thread, Some(first), "A note from the admin").await;

    app.put("/api/v1/blocks/admin", Some(&amy)).await.assert_status(204);
    let amy_sees = posts_seen(&app, &amy, thread).await;
    assert!(is_placeholder(&amy_sees[1]) && amy_sees[1]["id"] == admins);
    // The admin still sees, and can answer, everything Amy posts.
    let admin_sees = posts_seen(&app, &admin, thread).await;
    assert!(admin_sees.iter().all(|post| !is_placeholder(post)));
    app.reply(&admin, thread, Some(first), "Still here to help").await;
    // And moderation still reaches Amy's content.
    let deleted = app.delete(&format!("/api/v1/posts/{first}"), Some(&amy)).await;
    deleted.assert_status(204);
}

#[tokio::test]
async fn a_block_collapses_chat_messages_in_history_and_live_both_ways() {
    let app = spawn_app().await;
    let (_admin, amy, ben, cara) = setup(&app).await;
    let room = default_room(&app, &amy, "copd").await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    let mut cara_live = LiveClient::connect(&app, &cara).await;
    for live in [&mut amy_live, &mut ben_live, &mut cara_live] {
        live.subscribe(room, None).await;
    }
    ben_live.say(room, "before the block", "b-1").await;
    assert_eq!(message(&mut amy_live, 1).await["blocked"], false);
    message(&mut cara_live, 1).await;

    // The block reaches connections that are already open.
    app.put("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    ben_live.say(room, "after the block", "b-2").await;
    let hidden = message(&mut amy_live, 2).await;
    assert!(hidden["blocked"] == true && hidden["body_html"].is_null() && hidden["author"].is_null(), "{hidden}");
    let shown = message(&mut cara_live, 2).await;
    assert_eq!(shown["body_html"], "<p>after the block</p>\n");

    amy_live.say(room, "amy talks", "a-1").await;
    let from_amy = message(&mut ben_live, 3).await;
    assert_eq!(from_amy["blocked"], true, "both ways: {from_amy}");

    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&amy)).await;
    let seen: Vec<bool> =
        history.assert_status(200).as_array().expect("list").iter().map(|m| m["blocked"] == true).collect();
    assert_eq!(seen, vec![true, true, false]);
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&cara)).await;
    assert!(history.body.as_array().expect("list").iter().all(|m| m["blocked"] == false && m["body_html"].is_string()));

    // A late joiner's backlog is filtered the same way.
    let mut ben_again = LiveClient::connect(&app, &ben).await;
    ben_again.send(json!({ "type": "subscribe", "room": room })).await;
    let backlog = ben_again.messages(3).await;
    let blocked: Vec<bool> = backlog.iter().map(|m| m["blocked"] == true).collect();
    assert_eq!(blocked, vec![false, false, true]);
}

/// The frames up to `live`'s next chat message: none may say someone is typing.
async fn no_typing_before_the_next_message(live: &mut LiveClient) {
    loop {
        let frame = live.next().await.expect("a frame");
        assert_ne!(frame["type"], "typing", "typing crossed a block: {frame}");
        if frame["type"] == "message" {
            return;
        }
    }
}

#[tokio::test]
async fn typing_is_not_passed_on_across_a_block() {
    let app = spawn_app().await;
    let (_admin, amy, ben, cara) = setup(&app).await;
    let room = default_room(&app, &amy, "copd").await;
    app.put("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    let mut cara_live = LiveClient::connect(&app, &cara).await;
    for live in [&mut amy_live, &mut ben_live, &mut cara_live] {
        live.subscribe(room, None).await;
    }

    ben_live.send(json!({ "type": "typing", "room": room })).await;
    assert_eq!(cara_live.next_of("typing").await["username"], "ben", "others still see it");
    ben_live.say(room, "hello all", "b-1").await;
    no_typing_before_the_next_message(&mut amy_live).await;

    // Both ways (ben's stream holds his own typing and message first).
    message(&mut ben_live, 1).await;
    amy_live.send(json!({ "type": "typing", "room": room })).await;
    assert_eq!(cara_live.next_of("typing").await["username"], "amy");
    amy_live.say(room, "morning", "a-1").await;
    no_typing_before_the_next_message(&mut ben_live).await;
}

/// The usernames a presence frame lists.
fn present(frame: &Value) -> Vec<&str> {
    frame["members"].as_array().expect("members").iter().filter_map(|member| member["username"].as_str()).collect()
}

#[tokio::test]
async fn here_now_leaves_out_a_member_hidden_by_a_block_both_ways() {
    let app = spawn_app().await;
    let (admin, amy, ben, cara) = setup(&app).await;
    let room = default_room(&app, &amy, "copd").await;
    app.put("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    let mut cara_live = LiveClient::connect(&app, &cara).await;
    cara_live.subscribe(room, None).await;
    assert_eq!(present(&cara_live.next_of("presence").await), ["cara"]);

    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    assert_eq!(present(&amy_live.next_of("presence").await), ["amy", "cara"]);
    assert_eq!(present(&cara_live.next_of("presence").await), ["amy", "cara"]);

    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.subscribe(room, None).await;
    assert_eq!(present(&ben_live.next_of("presence").await), ["ben", "cara"], "the blocker is hidden from ben");
    assert_eq!(present(&amy_live.next_of("presence").await), ["amy", "cara"], "ben is hidden from amy");
    assert_eq!(present(&cara_live.next_of("presence").await), ["amy", "ben", "cara"], "others see both");

    // A moderator sees everyone present, as they see every message.
    let mut admin_live = LiveClient::connect(&app, &admin).await;
    admin_live.subscribe(room, None).await;
    assert_eq!(present(&admin_live.next_of("presence").await), ["admin", "amy", "ben", "cara"]);
    assert_eq!(present(&amy_live.next_of("presence").await), ["admin", "amy", "cara"]);
    assert_eq!(present(&ben_live.next_of("presence").await), ["admin", "ben", "cara"]);
    assert_eq!(present(&cara_live.next_of("presence").await), ["admin", "amy", "ben", "cara"]);

    // Lifting the block shows each to the other at once; blocking again hides them again.
    app.delete("/api/v1/blocks/ben", Some(&amy)).await.assert_status(204);
    assert_eq!(present(&amy_live.next_of("presence").await), ["admin", "amy", "ben", "cara"]);
    assert_eq!(present(&ben_live.next_of("presence").await), ["admin", "amy", "ben", "cara"]);
    app.put("/api/v1/blocks/amy", Some(&ben)).await.assert_status(204);
    assert_eq!(present(&amy_live.next_of("presence").await), ["admin", "amy", "cara"]);
    assert_eq!(present(&ben_live.next_of("presence").await), ["admin", "ben", "cara"]);

    ben_live.close().await;
    assert_eq!(present(&cara_live.next_of("presence").await), ["admin", "amy", "cara"], "ben left");
}
