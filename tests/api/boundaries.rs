//! Who may see and do what at the edges an outside review probed (issue
//! 16): moderation views kept to what the moderator moderates, held threads
//! and chat messages that stay unfound, nobody deciding their own case,
//! moderators among themselves, blocks and reactions, and live chat that
//! stops when membership ends.

use serde_json::{Value, json};

use crate::helpers::{Account, Reply, TestApp, spawn_app, spawn_app_with};
use crate::live_client::{LiveClient, default_room};

/// An admin, a public community A with its moderator Moira, a members-only
/// community B, and Amy and Ben, members of both.
struct World {
    app: TestApp,
    admin: Account,
    moira: Account,
    amy: Account,
    ben: Account,
    a: String,
    b: String,
}

async fn world_from(app: TestApp) -> World {
    let admin = app.admin("admin").await;
    let a = app.community(&admin, "breathe-easy", "public").await;
    let b = app.community(&admin, "quiet-room", "members").await;
    let moira = app.register("moira").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    app.join(&moira, &a).await.assert_status(200);
    for member in [&amy, &ben] {
        app.join(member, &a).await.assert_status(200);
        app.join(member, &b).await.assert_status(200);
    }
    app.put(&format!("/api/v1/communities/{a}/moderators/moira"), Some(&admin)).await.assert_status(204);
    World { app, admin, moira, amy, ben, a, b }
}

async fn world() -> World {
    world_from(spawn_app().await).await
}

impl World {
    /// Sasha, a second moderator of community A.
    async fn second_moderator(&self) -> Account {
        let sasha = self.app.register("sasha").await;
        self.app.join(&sasha, &self.a).await.assert_status(200);
        let appoint = format!("/api/v1/communities/{}/moderators/sasha", self.a);
        self.app.put(&appoint, Some(&self.admin)).await.assert_status(204);
        sasha
    }

    async fn act(&self, who: &Account, command: Value) -> Reply {
        self.app.post("/api/v1/moderation/actions", Some(who), command).await
    }

    /// Files a report on a post and returns its queue item, as `moderator` finds it.
    async fn reported_item(&self, reporter: &Account, post: i64, moderator: &Account) -> i64 {
        let report = json!({ "post_id": post, "reason": "harassment" });
        self.app.post("/api/v1/reports", Some(reporter), report).await.assert_status(201);
        let queue = self.app.get("/api/v1/moderation/queue", Some(moderator)).await;
        let items = queue.assert_status(200)["items"].as_array().expect("items").clone();
        let item = items.iter().find(|item| item["subject_id"] == post).expect("the reported post is queued");
        item["id"].as_i64().expect("an item id")
    }
}

fn texts(lines: &Value) -> String {
    lines.to_string()
}

#[tokio::test]
async fn a_moderators_view_of_an_item_shows_only_the_communities_they_moderate() {
    let world = world().await;
    // Amy writes in private B; the admin edits it there (the log keeps the old text).
    let (_, private_post) = world.app.thread(&world.amy, &world.b, "Private", "My secret diagnosis details").await;
    let edit = json!({ "action": "edit", "post_id": private_post, "body": "Edited by staff.", "reason": "Privacy." });
    world.act(&world.admin, edit).await.assert_status(201);
    let (_, held_elsewhere) = world.app.thread(&world.amy, &world.b, "Another", "Elsewhere only words").await;
    world.act(&world.admin, json!({ "action": "hide", "post_id": held_elsewhere, "reason": "Checking." })).await;
    // ...and in public A, where Ben reports her.
    let (_, public_post) = world.app.thread(&world.amy, &world.a, "Hello", "A public hello").await;
    let item = world.reported_item(&world.ben, public_post, &world.moira).await;

    let seen = world.app.get(&format!("/api/v1/moderation/items/{item}"), Some(&world.moira)).await;
    let seen = seen.assert_status(200);
    assert!(texts(&seen["history"]).contains("A public hello"), "her posts here are shown: {}", seen["history"]);
    for (part, secret) in [("history", "secret diagnosis"), ("history", "Elsewhere only"), ("actions", "secret")] {
        assert!(!texts(&seen[part]).contains(secret), "{part} shows another community's content: {}", seen[part]);
    }
    assert!(seen["actions"].as_array().expect("actions").is_empty(), "no actions in A: {}", seen["actions"]);

    // The admin moderates everywhere, so sees it all.
    let all = world.app.get(&format!("/api/v1/moderation/items/{item}"), Some(&world.admin)).await;
    let all = all.assert_status(200);
    assert!(texts(&all["history"]).contains("Elsewhere only"));
    assert!(texts(&all["actions"]).contains("secret diagnosis"));
}

#[tokio::test]
async fn a_thread_whose_first_post_is_not_public_is_not_found_by_those_who_may_not_see_it() {
    let world = world_from(spawn_app_with(|settings| settings.hold_first_posts = 1).await).await;
    // Ben's first post is held; the thread id is all anyone else has.
    let created = world
        .app
        .post(
            &format!("/api/v1/communities/{}/threads", world.a),
            Some(&world.ben),
            json!({ "title": "Call me on 07700 900123", "body": "Here is my number." }),
        )
        .await;
    let created = created.assert_status(201);
    assert_eq!(created["posts"][0]["moderation"]["state"], "held");
    let thread = created["thread"]["id"].as_i64().expect("thread id");
    let path = format!("/api/v1/threads/{thread}");
    let follow = format!("/api/v1/threads/{thread}/follow");

    world.app.get(&path, None).await.assert_error(404, "not_found");
    world.app.get(&path, Some(&world.amy)).await.assert_error(404, "not_found");
    world.app.get(&follow, Some(&world.amy)).await.assert_error(404, "not_found");
    world
        .app
        .send(reqwest::Method::PUT, &follow, Some(&world.amy), Some(json!({ "level": "watching" })))
        .await
        .assert_error(404, "not_found");
    // Its author and the moderators still see it.
    world.app.get(&path, Some(&world.ben)).await.assert_status(200);
    world.app.get(&path, Some(&world.moira)).await.assert_status(200);

    // A visible thread whose first post a moderator hides goes the same way, listed or not.
    let (open, first) = world.app.thread(&world.amy, &world.a, "Visible at first", "Fine words").await;
    let hide = json!({ "action": "hide", "post_id": first, "reason": "Checking." });
    world.act(&world.moira, hide).await.assert_status(201);
    world.app.get(&format!("/api/v1/threads/{open}"), Some(&world.ben)).await.assert_error(404, "not_found");
    let listed = world.app.get(&format!("/api/v1/communities/{}/threads", world.a), Some(&world.ben)).await;
    assert!(!texts(listed.assert_status(200)).contains("Visible at first"), "listed while hidden");
    world.app.get(&format!("/api/v1/threads/{open}"), Some(&world.amy)).await.assert_status(200);
}

#[tokio::test]
async fn a_held_chat_message_is_not_found_by_others_to_report_or_delete() {
    let world = world().await;
    let hold = json!({ "community": world.a, "term": "crypto", "action": "hold" });
    world.app.post("/api/v1/moderation/filters", Some(&world.moira), hold).await.assert_status(201);
    let room = default_room(&world.app, &world.amy, &world.a).await;
    let mut ben = LiveClient::connect(&world.app, &world.ben).await;
    ben.subscribe(room, None).await;
    ben.say(room, "Is crypto a good idea?", "held-1").await;
    let ack = ben.next_of("ack").await;
    assert_eq!(ack["held"], true);
    let id = ack["id"].as_i64().expect("message id");

    let report = json!({ "message_id": id, "reason": "spam" });
    world.app.post("/api/v1/reports", Some(&world.amy), report).await.assert_error(404, "not_found");
    world.app.delete(&format!("/api/v1/messages/{id}"), Some(&world.amy)).await.assert_error(404, "not_found");
    // A message id that never existed answers the same.
    world.app.delete(&format!("/api/v1/messages/{}", id + 1000), Some(&world.amy)).await.assert_error(404, "not_found");
    // The moderators find it.
    let report = json!({ "message_id": id, "reason": "spam" });
    world.app.post("/api/v1/reports", Some(&world.moira), report).await.assert_status(201);
}

#[tokio::test]
async fn a_member_blocked_by_an_author_cannot_react_to_their_posts() {
    let world = world().await;
    let (_, post) = world.app.thread(&world.amy, &world.a, "Walks", "Who is walking on Sunday?").await;
    world.app.put("/api/v1/blocks/ben", Some(&world.amy)).await.assert_status(204);
    let path = format!("/api/v1/posts/{post}/reactions/hug");
    world.app.put(&path, Some(&world.ben)).await.assert_error(403, "forbidden");
    // Nor the other way round, and moderators are not held back by blocks.
    let (_, bens) = world.app.thread(&world.ben, &world.a, "Mine", "Ben's own words").await;
    world
        .app
        .put(&format!("/api/v1/posts/{bens}/reactions/hug"), Some(&world.amy))
        .await
        .assert_error(403, "forbidden");
    world.app.put("/api/v1/blocks/moira", Some(&world.amy)).await.assert_status(204);
    world.app.put(&path, Some(&world.moira)).await.assert_status(200);
}

#[tokio::test]
async fn nobody_lifts_their_own_sanction_or_decides_their_own_appeal() {
    let world = world().await;
    let sasha = world.second_moderator().await;

    // The admin mutes Moira in A; she may not lift it, appeal or no appeal.
    let mute =
        json!({ "action": "mute", "member": "moira", "community": world.a, "minutes": 60, "reason": "Cool off." });
    let muted = world.act(&world.admin, mute).await;
    let log_id = muted.assert_status(201)["id"].as_i64().expect("log id");
    let reversal = format!("/api/v1/moderation/log/{log_id}/reversal");
    world.app.post(&reversal, Some(&world.moira), json!({ "reason": "Not fair." })).await.assert_error(403, "own_case");
    let appeal = json!({ "log_id": log_id, "body": "I was only quoting someone." });
    let appeal = world.app.post("/api/v1/appeals", Some(&world.moira), appeal).await;
    let appeal_id = appeal.assert_status(201)["id"].as_i64().expect("appeal id");
    let decision = json!({ "outcome": "overturn", "reason": "I agree with me." });
    let decide = format!("/api/v1/appeals/{appeal_id}/decision");
    world.app.post(&decide, Some(&world.moira), decision.clone()).await.assert_error(403, "own_case");
    // Another moderator decides it.
    world.app.post(&decide, Some(&sasha), decision).await.assert_status(200);

    // Nor does a moderator approve or restore their own post, or dismiss reports about it.
    let (_, post) = world.app.thread(&world.moira, &world.a, "Notice", "Meeting moved to Friday").await;
    world.act(&sasha, json!({ "action": "hide", "post_id": post, "reason": "Checking." })).await.assert_status(201);
    let restore = json!({ "action": "restore", "post_id": post, "reason": "Mine." });
    world.act(&world.moira, restore).await.assert_error(403, "own_case");
}

#[tokio::test]
async fn moderators_do_not_sanction_each_other_and_lifting_a_ban_restores_the_role() {
    let world = world().await;
    let sasha = world.second_moderator().await;

    for command in [
        json!({ "action": "ban", "member": "moira", "community": world.a, "reason": "Rival." }),
        json!({ "action": "mute", "member": "moira", "community": world.a, "minutes": 5, "reason": "Rival." }),
        json!({ "action": "warn", "member": "moira", "community": world.a, "reason": "Rival." }),
    ] {
        world.act(&sasha, command).await.assert_error(403, "forbidden");
    }
    // Only an admin removes a moderator, by ban or by dismissal.
    world
        .app
        .delete(&format!("/api/v1/communities/{}/moderators/moira", world.a), Some(&sasha))
        .await
        .assert_error(403, "forbidden");
    let ban = json!({ "action": "ban", "member": "moira", "community": world.a, "reason": "Needs a break." });
    let banned = world.act(&world.admin, ban).await;
    let log_id = banned.assert_status(201)["id"].as_i64().expect("log id");
    let community = world.app.get(&format!("/api/v1/communities/{}", world.a), Some(&world.moira)).await;
    assert_eq!(community.assert_status(200)["membership"], "none");

    let reversal = format!("/api/v1/moderation/log/{log_id}/reversal");
    world.app.post(&reversal, Some(&world.admin), json!({ "reason": "Back again." })).await.assert_status(201);
    let community = world.app.get(&format!("/api/v1/communities/{}", world.a), Some(&world.moira)).await;
    assert_eq!(community.assert_status(200)["membership"], "moderator", "lifting the ban restores the role");
    world.app.get("/api/v1/moderation/queue", Some(&world.moira)).await.assert_status(200);

    // Nor does appointing a banned member bring them back in.
    let ban = json!({ "action": "ban", "member": "amy", "community": world.a, "reason": "Abuse." });
    world.act(&world.admin, ban).await.assert_status(201);
    let appoint = format!("/api/v1/communities/{}/moderators/amy", world.a);
    world.app.put(&appoint, Some(&sasha)).await.assert_error(403, "banned");
    let community = world.app.get(&format!("/api/v1/communities/{}", world.a), Some(&world.amy)).await;
    assert_eq!(community.assert_status(200)["membership"], "none");

    // A member's lifted ban makes them a member again.
    let ban = json!({ "action": "ban", "member": "ben", "community": world.a, "reason": "Abuse." });
    let log_id = world.act(&sasha, ban).await.assert_status(201)["id"].as_i64().expect("log id");
    let reversal = format!("/api/v1/moderation/log/{log_id}/reversal");
    world.app.post(&reversal, Some(&world.moira), json!({ "reason": "Mistaken." })).await.assert_status(201);
    let community = world.app.get(&format!("/api/v1/communities/{}", world.a), Some(&world.ben)).await;
    assert_eq!(community.assert_status(200)["membership"], "member");
}

/// Reads frames until `marker` arrives in `room`, failing on any message from `gone` meanwhile.
async fn nothing_from_until(client: &mut LiveClient, gone: i64, room: i64, marker: &str) {
    loop {
        let frame = client.next().await.expect("the connection stays open");
        if frame["type"] != "message" {
            continue;
        }
        assert_ne!(frame["room"], gone, "a message from a room the member may no longer read: {frame}");
        if frame["room"] == room && frame["body_html"].as_str().is_some_and(|html| html.contains(marker)) {
            return;
        }
    }
}

/// The speaker says something in `gone`, then `marker` in `open`: the
/// listener hears the marker and nothing from `gone` before it.
async fn nothing_more_from(speaker: &mut LiveClient, listener: &mut LiveClient, gone: i64, open: i64, marker: &str) {
    for (room, text, id) in [(gone, "Said afterwards", format!("{marker}-gone")), (open, marker, marker.to_owned())] {
        speaker.say(room, text, &id).await;
        speaker.next_of("ack").await;
    }
    nothing_from_until(listener, gone, open, marker).await;
}

#[tokio::test]
async fn live_chat_stops_at_once_for_a_member_banned_from_the_community_or_leaving_it() {
    let world = world().await;
    // On PostgreSQL Ben and Amy listen on a second server, so the change crosses processes.
    let second = crate::helpers::postgres_admin_url().map(|_| world.app.beside(|_| {}));
    let listening = second.as_ref().unwrap_or(&world.app.api);
    let private = default_room(&world.app, &world.amy, &world.b).await;
    let public = default_room(&world.app, &world.amy, &world.a).await;
    let mut ben = LiveClient::connect(listening, &world.ben).await;
    let mut amy = LiveClient::connect(listening, &world.amy).await;
    for client in [&mut ben, &mut amy] {
        client.subscribe(private, None).await;
        client.subscribe(public, None).await;
    }
    let sam = world.app.register("sam").await;
    world.app.join(&sam, &world.a).await.assert_status(200);
    world.app.join(&sam, &world.b).await.assert_status(200);
    let mut speaker = LiveClient::connect(&world.app, &sam).await;
    speaker.subscribe(private, None).await;
    speaker.subscribe(public, None).await;
    speaker.say(private, "Before anything changed", "before").await;
    speaker.next_of("ack").await;
    nothing_from_until(&mut ben, -1, private, "Before anything").await;

    // A community ban takes Ben out of the members-only room at once.
    let ban = json!({ "action": "ban", "member": "ben", "community": world.b, "reason": "Abuse." });
    world.act(&world.admin, ban).await.assert_status(201);
    assert_eq!(ben.next_of("unsubscribed").await["room"], private);
    nothing_more_from(&mut speaker, &mut ben, private, public, "marker-1").await;

    // Leaving does the same for Amy.
    world.app.delete(&format!("/api/v1/communities/{}/membership", world.b), Some(&world.amy)).await.assert_status(204);
    assert_eq!(amy.next_of("unsubscribed").await["room"], private);
    nothing_more_from(&mut speaker, &mut amy, private, public, "marker-2").await;
    // Nor can she follow it again.
    amy.send(json!({ "type": "subscribe", "room": private })).await;
    assert_eq!(amy.next_of("error").await["code"], "not_found");
}

#[tokio::test]
async fn a_moderation_action_tells_someone_who_may_not_take_it_nothing_about_the_content() {
    let world = world().await;
    let (_, private_post) = world.app.thread(&world.amy, &world.b, "Private", "Only for members").await;
    // Ben may not moderate: approving or restoring a post says no, not what state it is in.
    for action in ["approve", "restore"] {
        let command = json!({ "action": action, "post_id": private_post, "reason": "Checking." });
        world.act(&world.ben, command.clone()).await.assert_error(403, "forbidden");
        world.act(&world.moira, command).await.assert_error(403, "forbidden");
    }
    let approve = json!({ "action": "approve", "post_id": private_post });
    world.act(&world.admin, approve).await.assert_error(409, "not_held");
}
