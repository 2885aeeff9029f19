//! Safety and moderation, black-box: reports and the urgent-first queue,
//! every action with its reversal and log row, who may do what, timed
//! sanctions lifting by themselves, appeals, filters, crisis screening,
//! new-member holds and the rate limits.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app_with};
use crate::live_client::LiveClient;

const CRISIS_TEXT: &str = "I can't go on any more, I want to end it all tonight.";

/// A public community with an admin, a moderator and two members.
struct Cast {
    app: TestApp,
    admin: Account,
    moderator: Account,
    amy: Account,
    ben: Account,
    slug: String,
}

async fn cast_with(adjust: impl FnOnce(&mut kindred::config::Settings)) -> Cast {
    let app = spawn_app_with(adjust).await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "breathe-easy", "public").await;
    let moderator = app.register("moira").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    for member in [&moderator, &amy, &ben] {
        app.join(member, &slug).await.assert_status(200);
    }
    app.put(&format!("/api/v1/communities/{slug}/moderators/moira"), Some(&admin)).await.assert_status(204);
    Cast { app, admin, moderator, amy, ben, slug }
}

async fn cast() -> Cast {
    cast_with(|_| {}).await
}

impl Cast {
    async fn act(&self, who: &Account, command: Value) -> crate::helpers::Reply {
        self.app.post("/api/v1/moderation/actions", Some(who), command).await
    }

    async fn queue(&self, who: &Account) -> Vec<Value> {
        let reply = self.app.get("/api/v1/moderation/queue", Some(who)).await;
        reply.assert_status(200)["items"].as_array().expect("items").clone()
    }

    async fn post_as_seen_by(&self, who: Option<&Account>, thread: i64, post: i64) -> Option<Value> {
        let page = self.app.get(&format!("/api/v1/threads/{thread}"), who).await;
        page.assert_status(200)["posts"].as_array().expect("posts").iter().find(|p| p["id"] == post).cloned()
    }

    async fn my_log(&self, who: &Account) -> Vec<Value> {
        let reply = self.app.get("/api/v1/me/moderation", Some(who)).await;
        reply.assert_status(200)["entries"].as_array().expect("entries").clone()
    }
}

#[tokio::test]
async fn a_report_reaches_the_queue_an_action_resolves_it_and_the_reporter_is_told() {
    let cast = cast().await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Inhaler tips", "What works for you?").await;
    let rude = cast.app.reply(&cast.ben, thread, Some(first), "Only a fool asks that.").await;

    let report = cast
        .app
        .post(
            "/api/v1/reports",
            Some(&cast.amy),
            json!({ "post_id": rude, "reason": "harassment", "details": "Unkind." }),
        )
        .await;
    report.assert_status(201);
    // One report per member per item.
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": rude, "reason": "spam" }))
        .await
        .assert_error(409, "already_reported");
    // Details are at most 2,000 characters.
    cast.app
        .post(
            "/api/v1/reports",
            Some(&cast.ben),
            json!({ "member": "amy", "reason": "other", "details": "x".repeat(2001) }),
        )
        .await
        .assert_error(422, "invalid_text");
    // Nobody reports themselves.
    cast.app
        .post("/api/v1/reports", Some(&cast.ben), json!({ "post_id": rude, "reason": "spam" }))
        .await
        .assert_error(422, "own_content");

    let items = cast.queue(&cast.moderator).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["subject"], "post");
    assert_eq!(items[0]["subject_id"], rude);
    assert_eq!(items[0]["report_count"], 1);
    assert_eq!(items[0]["author"], "ben");
    assert_eq!(items[0]["content"]["thread_id"], thread);
    let item_id = items[0]["id"].as_i64().expect("item id");

    // The item shows its reports, context, the author's history.
    let detail = cast.app.get(&format!("/api/v1/moderation/items/{item_id}"), Some(&cast.moderator)).await;
    let detail = detail.assert_status(200);
    assert_eq!(detail["reports"][0]["reason"], "harassment");
    assert_eq!(detail["context"][0]["id"], first);
    assert!(detail["history"].as_array().expect("history").iter().any(|line| line["id"] == rude));

    let mine = cast.app.get("/api/v1/me/reports", Some(&cast.amy)).await;
    assert_eq!(mine.assert_status(200)[0]["status"], "open");

    let reason = "Please be kind to each other.";
    cast.act(&cast.moderator, json!({ "action": "hide", "post_id": rude, "reason": reason })).await.assert_status(201);
    assert!(cast.queue(&cast.moderator).await.is_empty(), "the action resolves the item");
    let mine = cast.app.get("/api/v1/me/reports", Some(&cast.amy)).await;
    let mine = mine.assert_status(200);
    assert_eq!(mine[0]["status"], "resolved");
    assert!(mine[0].get("action").is_none(), "the reporter is not told what was done");
}

#[tokio::test]
async fn hiding_removing_and_restoring_a_post_are_logged_and_shown_to_each_reader_as_they_should_be() {
    let cast = cast().await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Flare-ups", "How long do yours last?").await;
    let post = cast.app.reply(&cast.ben, thread, Some(first), "Buy my miracle tea!").await;

    let hidden = cast
        .act(&cast.moderator, json!({ "action": "hide", "post_id": post, "reason": "Looks like advertising." }))
        .await;
    let hidden = hidden.assert_status(201).clone();
    assert_eq!(hidden["action"], "hide");
    assert_eq!(hidden["actor"], "moira");

    // Others see a placeholder; the author sees it and why.
    let seen_by_amy = cast.post_as_seen_by(Some(&cast.amy), thread, post).await.expect("placeholder listed");
    assert_eq!(seen_by_amy["body_html"], Value::Null);
    assert_eq!(seen_by_amy["moderation"]["state"], "hidden");
    assert_eq!(seen_by_amy["moderation"]["reason"], Value::Null);
    let seen_by_visitor = cast.post_as_seen_by(None, thread, post).await.expect("placeholder listed");
    assert_eq!(seen_by_visitor["body_html"], Value::Null);
    let seen_by_ben = cast.post_as_seen_by(Some(&cast.ben), thread, post).await.expect("own post");
    assert!(seen_by_ben["body_html"].as_str().expect("body").contains("miracle tea"));
    assert_eq!(seen_by_ben["moderation"]["reason"], "Looks like advertising.");
    // A hidden post can't be edited or reacted to.
    cast.app
        .patch(&format!("/api/v1/posts/{post}"), Some(&cast.ben), json!({ "body": "Sneaky edit" }))
        .await
        .assert_error(409, "post_taken_down");

    let removed =
        cast.act(&cast.moderator, json!({ "action": "remove", "post_id": post, "reason": "Advertising." })).await;
    removed.assert_status(201);
    assert_eq!(
        cast.post_as_seen_by(Some(&cast.ben), thread, post).await.expect("own")["moderation"]["state"],
        "removed"
    );

    // Reversing the removal puts it back as it was before: hidden.
    let removal_id = removed.body["id"].as_i64().expect("log id");
    let reversal = cast
        .app
        .post(
            &format!("/api/v1/moderation/log/{removal_id}/reversal"),
            Some(&cast.admin),
            json!({ "reason": "Second look." }),
        )
        .await;
    assert_eq!(reversal.assert_status(201)["reverses"], removal_id);
    assert_eq!(
        cast.post_as_seen_by(Some(&cast.amy), thread, post).await.expect("listed")["moderation"]["state"],
        "hidden"
    );
    // Nothing is reversed twice.
    cast.app
        .post(
            &format!("/api/v1/moderation/log/{removal_id}/reversal"),
            Some(&cast.admin),
            json!({ "reason": "Again." }),
        )
        .await
        .assert_error(409, "already_reversed");

    cast.act(&cast.moderator, json!({ "action": "restore", "post_id": post, "reason": "It was a joke." }))
        .await
        .assert_status(201);
    let restored = cast.post_as_seen_by(Some(&cast.amy), thread, post).await.expect("listed");
    assert!(restored["body_html"].as_str().expect("body").contains("miracle tea"));
    assert!(restored.get("moderation").is_none());

    // Ben sees every action on his post, without who took it.
    let actions: Vec<String> =
        cast.my_log(&cast.ben).await.iter().map(|entry| entry["action"].as_str().unwrap_or("").to_owned()).collect();
    assert_eq!(actions, ["restore", "hide", "remove", "hide"]);
    assert!(cast.my_log(&cast.ben).await.iter().all(|entry| entry["actor"].is_null()));
}

#[tokio::test]
async fn edits_locks_pins_and_moves_are_reversible_and_logged() {
    let cast = cast().await;
    let other = cast.app.community(&cast.admin, "walking-group", "public").await;
    cast.app.put(&format!("/api/v1/communities/{other}/moderators/moira"), Some(&cast.admin)).await.assert_status(204);
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Walks", "Call me on 07700 900123").await;

    let edit = cast
        .act(&cast.moderator, json!({ "action": "edit", "post_id": first, "body": "Call me (number removed)", "reason": "No phone numbers in public." }))
        .await;
    let edit_id = edit.assert_status(201)["id"].as_i64().expect("id");
    let shown = cast.post_as_seen_by(None, thread, first).await.expect("post");
    assert!(shown["body_html"].as_str().expect("body").contains("number removed"));
    let revisions = cast.app.get(&format!("/api/v1/posts/{first}/revisions"), Some(&cast.amy)).await;
    assert!(revisions.assert_status(200)[0]["body_markdown"].as_str().expect("original").contains("07700"));
    cast.app
        .post(
            &format!("/api/v1/moderation/log/{edit_id}/reversal"),
            Some(&cast.moderator),
            json!({ "reason": "Fine after all." }),
        )
        .await
        .assert_status(201);
    let shown = cast.post_as_seen_by(None, thread, first).await.expect("post");
    assert!(shown["body_html"].as_str().expect("body").contains("07700"));

    let lock =
        cast.act(&cast.moderator, json!({ "action": "lock", "thread_id": thread, "reason": "Cooling off." })).await;
    lock.assert_status(201);
    cast.app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "But wait" }))
        .await
        .assert_error(409, "thread_locked");
    cast.act(&cast.moderator, json!({ "action": "lock", "thread_id": thread, "reason": "Again." }))
        .await
        .assert_error(409, "no_change");
    cast.act(&cast.moderator, json!({ "action": "unlock", "thread_id": thread, "reason": "Calm now." }))
        .await
        .assert_status(201);
    cast.app.reply(&cast.ben, thread, None, "Thanks all").await;

    let (later, _) = cast.app.thread(&cast.ben, &cast.slug, "Later thread", "Newer activity").await;
    cast.act(&cast.moderator, json!({ "action": "pin", "thread_id": thread, "reason": "Useful." }))
        .await
        .assert_status(201);
    let list = cast.app.get(&format!("/api/v1/communities/{}/threads", cast.slug), None).await;
    let list = list.assert_status(200)["threads"].clone();
    assert_eq!(list[0]["id"], thread);
    assert_eq!(list[0]["pinned"], true);
    assert_eq!(list[1]["id"], later);

    let moved = cast
        .act(
            &cast.moderator,
            json!({ "action": "move", "thread_id": thread, "to_community": other, "reason": "Fits better there." }),
        )
        .await;
    let move_id = moved.assert_status(201)["id"].as_i64().expect("id");
    let page = cast.app.get(&format!("/api/v1/threads/{thread}"), None).await;
    assert_eq!(page.assert_status(200)["thread"]["community"], other);
    cast.app
        .post(
            &format!("/api/v1/moderation/log/{move_id}/reversal"),
            Some(&cast.moderator),
            json!({ "reason": "Moved back." }),
        )
        .await
        .assert_status(201);
    let page = cast.app.get(&format!("/api/v1/threads/{thread}"), None).await;
    assert_eq!(page.assert_status(200)["thread"]["community"], cast.slug);

    let log = cast.app.get("/api/v1/moderation/log", Some(&cast.admin)).await;
    let actions: Vec<String> = log.assert_status(200)["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["action"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(actions, ["move", "move", "pin", "unlock", "lock", "edit", "edit"]);
}

#[tokio::test]
async fn sanctions_refuse_what_they_should_and_lift_by_themselves_or_when_reversed() {
    let cast = cast().await;
    let (thread, _) = cast.app.thread(&cast.amy, &cast.slug, "Sleep", "Anyone else up at 3am?").await;
    let reply = |who: &Account| {
        let who = who.clone();
        let app = &cast.app;
        async move { app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&who), json!({ "body": "Me!" })).await }
    };

    let warned = cast
        .act(
            &cast.moderator,
            json!({ "action": "warn", "member": "ben", "community": cast.slug, "reason": "Keep it kind." }),
        )
        .await;
    warned.assert_status(201);
    reply(&cast.ben).await.assert_status(201);

    let muted = cast
        .act(
            &cast.moderator,
            json!({ "action": "mute", "member": "ben", "community": cast.slug, "minutes": 60, "reason": "Heated." }),
        )
        .await;
    let mute_id = muted.assert_status(201)["id"].as_i64().expect("id");
    assert!(muted.body["ends_at"].is_string());
    let refused = reply(&cast.ben).await;
    refused.assert_error(403, "muted");
    assert!(refused.body["error"]["message"].as_str().expect("message").contains("Heated."));
    // A mute ends by itself when its time is up.
    expire_sanctions(&cast.app);
    reply(&cast.ben).await.assert_status(201);

    let muted = cast
        .act(
            &cast.moderator,
            json!({ "action": "mute", "member": "ben", "community": cast.slug, "minutes": 60, "reason": "Again." }),
        )
        .await;
    let second_mute = muted.assert_status(201)["id"].as_i64().expect("id");
    assert_ne!(second_mute, mute_id);
    cast.app
        .post(
            &format!("/api/v1/moderation/log/{second_mute}/reversal"),
            Some(&cast.moderator),
            json!({ "reason": "Lifted early." }),
        )
        .await
        .assert_status(201);
    reply(&cast.ben).await.assert_status(201);

    // Suspension: instance-wide, admins only.
    cast.act(&cast.moderator, json!({ "action": "suspend", "member": "ben", "minutes": 60, "reason": "Spam." }))
        .await
        .assert_error(403, "forbidden");
    cast.act(&cast.admin, json!({ "action": "suspend", "member": "ben", "minutes": 60, "reason": "Spam." }))
        .await
        .assert_status(201);
    reply(&cast.ben).await.assert_error(403, "suspended");
    cast.app
        .post("/api/v1/reports", Some(&cast.ben), json!({ "member": "amy", "reason": "other" }))
        .await
        .assert_error(403, "suspended");
    expire_sanctions(&cast.app);
    reply(&cast.ben).await.assert_status(201);

    // A community ban removes the member and keeps them out.
    cast.act(
        &cast.moderator,
        json!({ "action": "ban", "member": "ben", "community": cast.slug, "reason": "Repeated abuse." }),
    )
    .await
    .assert_status(201);
    reply(&cast.ben).await.assert_error(403, "forbidden");
    cast.app.join(&cast.ben, &cast.slug).await.assert_error(403, "banned");

    // An instance ban ends sessions and refuses sign-in.
    cast.act(&cast.admin, json!({ "action": "ban", "member": "amy", "reason": "Threats." })).await.assert_status(201);
    cast.app.get("/api/v1/me", Some(&cast.amy)).await.assert_error(401, "session_invalid");
    cast.app.sign_in("amy", crate::helpers::PASSWORD).await.assert_error(403, "banned");

    // Nobody sanctions themselves; only admins sanction admins.
    cast.act(&cast.moderator, json!({ "action": "warn", "member": "moira", "reason": "Hmm." }))
        .await
        .assert_error(403, "forbidden");
    cast.act(
        &cast.moderator,
        json!({ "action": "mute", "member": "moira", "community": cast.slug, "minutes": 5, "reason": "Self." }),
    )
    .await
    .assert_error(422, "cannot_sanction_self");
    cast.act(
        &cast.moderator,
        json!({ "action": "mute", "member": "admin", "community": cast.slug, "minutes": 5, "reason": "Hmm." }),
    )
    .await
    .assert_error(403, "forbidden");
    cast.act(
        &cast.moderator,
        json!({ "action": "mute", "member": "ben", "community": cast.slug, "minutes": 0, "reason": "Zero." }),
    )
    .await
    .assert_error(422, "invalid_duration");
    cast.act(
        &cast.moderator,
        json!({ "action": "mute", "member": "ben", "community": cast.slug, "minutes": 525_601, "reason": "Long." }),
    )
    .await
    .assert_error(422, "invalid_duration");
}

/// Moves every sanction's end into the past, as the clock would.
fn expire_sanctions(app: &TestApp) {
    use diesel::prelude::*;
    use kindred::db::schema::sanctions;
    let mut connection = app.connect();
    diesel::update(sanctions::table.filter(sanctions::ends_at.is_not_null()))
        .set(sanctions::ends_at.eq(Some(1_i64)))
        .execute(&mut connection)
        .expect("sanctions expired");
}

#[tokio::test]
async fn each_role_may_do_what_the_table_says_and_no_more() {
    let cast = cast().await;
    let elsewhere = cast.app.community(&cast.admin, "other-place", "public").await;
    let other_moderator = cast.app.register("omar").await;
    cast.app.join(&other_moderator, &elsewhere).await.assert_status(200);
    cast.app
        .put(&format!("/api/v1/communities/{elsewhere}/moderators/omar"), Some(&cast.admin))
        .await
        .assert_status(204);
    let lead = cast.app.register("lee").await;
    cast.app.put("/api/v1/admin/safeguarding-leads/lee", Some(&cast.moderator)).await.assert_error(403, "forbidden");
    cast.app.put("/api/v1/admin/safeguarding-leads/lee", Some(&cast.admin)).await.assert_status(204);
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Hello", "Hi all").await;

    let hide = json!({ "action": "hide", "post_id": first, "reason": "Checking." });
    let remove = json!({ "action": "remove", "post_id": first, "reason": "Checking." });
    let lock = json!({ "action": "lock", "thread_id": thread, "reason": "Checking." });
    let mute =
        json!({ "action": "mute", "member": "ben", "community": cast.slug, "minutes": 5, "reason": "Checking." });
    let suspend = json!({ "action": "suspend", "member": "ben", "minutes": 5, "reason": "Checking." });
    // (who, action, allowed): members and other communities' moderators never;
    // the safeguarding lead reviews; moderators all but instance-wide; admins all.
    let table = [
        (&cast.ben, &hide, false),
        (&other_moderator, &hide, false),
        (&other_moderator, &lock, false),
        (&lead, &remove, false),
        (&lead, &lock, false),
        (&lead, &mute, false),
        (&cast.moderator, &suspend, false),
        (&lead, &hide, true),
        (&cast.moderator, &remove, true),
        (&cast.moderator, &lock, true),
        (&cast.moderator, &mute, true),
        (&cast.admin, &suspend, true),
    ];
    for (who, command, allowed) in table {
        let reply = cast.act(who, command.clone()).await;
        if allowed {
            reply.assert_status(201);
        } else {
            reply.assert_error(403, "forbidden");
        }
    }
    cast.app.get("/api/v1/moderation/queue", Some(&cast.ben)).await.assert_error(403, "forbidden");
    cast.app.get("/api/v1/moderation/log", Some(&cast.ben)).await.assert_error(403, "forbidden");
    // Other communities' moderators don't see this community's log.
    let theirs = cast.app.get("/api/v1/moderation/log", Some(&other_moderator)).await;
    assert!(theirs.assert_status(200)["entries"].as_array().expect("entries").is_empty());
    let ours = cast.app.get("/api/v1/moderation/log", Some(&cast.moderator)).await;
    assert_eq!(ours.assert_status(200)["entries"].as_array().expect("entries").len(), 4);
    let export = cast.app.get("/api/v1/moderation/log/export", Some(&cast.admin)).await;
    assert_eq!(export.assert_status(200).as_array().expect("entries").len(), 5);
}

#[tokio::test]
async fn an_appeal_is_decided_by_a_second_moderator_and_the_member_is_told() {
    let cast = cast().await;
    let second = cast.app.register("sasha").await;
    cast.app.join(&second, &cast.slug).await.assert_status(200);
    cast.app
        .put(&format!("/api/v1/communities/{}/moderators/sasha", cast.slug), Some(&cast.admin))
        .await
        .assert_status(204);
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Diet", "Low salt recipes?").await;
    let post = cast.app.reply(&cast.ben, thread, Some(first), "Try this blog: it cured me").await;
    let removed =
        cast.act(&cast.moderator, json!({ "action": "remove", "post_id": post, "reason": "Cure claims." })).await;
    let log_id = removed.assert_status(201)["id"].as_i64().expect("id");

    cast.app
        .post("/api/v1/appeals", Some(&cast.amy), json!({ "log_id": log_id, "body": "This was not my post at all." }))
        .await
        .assert_error(404, "not_found");
    cast.app
        .post("/api/v1/appeals", Some(&cast.ben), json!({ "log_id": log_id, "body": "short" }))
        .await
        .assert_error(422, "invalid_text");
    let appeal = cast
        .app
        .post(
            "/api/v1/appeals",
            Some(&cast.ben),
            json!({ "log_id": log_id, "body": "It was a recipe blog, not a cure claim." }),
        )
        .await;
    let appeal_id = appeal.assert_status(201)["id"].as_i64().expect("id");
    cast.app
        .post(
            "/api/v1/appeals",
            Some(&cast.ben),
            json!({ "log_id": log_id, "body": "Please look again, it was a recipe." }),
        )
        .await
        .assert_error(409, "already_appealed");

    let open = cast.app.get("/api/v1/moderation/appeals", Some(&second)).await;
    assert_eq!(open.assert_status(200)[0]["appeal"]["id"], appeal_id);
    let decision = json!({ "outcome": "overturn", "reason": "It is a recipe blog." });
    cast.app
        .post(&format!("/api/v1/appeals/{appeal_id}/decision"), Some(&cast.moderator), decision.clone())
        .await
        .assert_error(403, "forbidden");
    let decided =
        cast.app.post(&format!("/api/v1/appeals/{appeal_id}/decision"), Some(&second), decision.clone()).await;
    assert_eq!(decided.assert_status(200)["status"], "overturned");
    cast.app
        .post(&format!("/api/v1/appeals/{appeal_id}/decision"), Some(&cast.admin), decision)
        .await
        .assert_error(409, "already_decided");

    let shown = cast.post_as_seen_by(Some(&cast.amy), thread, post).await.expect("post");
    assert!(
        shown["body_html"].as_str().expect("restored").contains("recipe")
            || shown["body_html"].as_str().expect("restored").contains("blog")
    );
    let mine = cast.app.get("/api/v1/me/moderation", Some(&cast.ben)).await;
    let mine = mine.assert_status(200);
    assert_eq!(mine["appeals"][0]["status"], "overturned");
    assert_eq!(mine["appeals"][0]["decision_reason"], "It is a recipe blog.");
    assert_eq!(mine["entries"][0]["action"], "restore");
    assert_eq!(mine["entries"][0]["reverses"], log_id);
}

#[tokio::test]
async fn filters_block_with_a_message_hold_for_review_and_replace() {
    let cast = cast().await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Support", "Hard week.").await;

    // A shipped block rule: refused with its message, nothing stored.
    let blocked =
        cast.app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "k y s" })).await;
    blocked.assert_error(422, "blocked_by_filter");
    assert!(blocked.body["error"]["message"].as_str().expect("message").contains("never OK"));
    let page = cast.app.get(&format!("/api/v1/threads/{thread}"), Some(&cast.admin)).await;
    assert_eq!(page.assert_status(200)["posts"].as_array().expect("posts").len(), 1);

    // Moderators add community filters; members can't.
    let hold = json!({ "community": cast.slug, "term": "crypto", "action": "hold" });
    cast.app.post("/api/v1/moderation/filters", Some(&cast.ben), hold.clone()).await.assert_error(403, "forbidden");
    cast.app.post("/api/v1/moderation/filters", Some(&cast.moderator), hold).await.assert_status(201);
    cast.app
        .post("/api/v1/moderation/filters", Some(&cast.moderator), json!({ "term": "x", "action": "flag" }))
        .await
        .assert_error(403, "forbidden");
    cast.app
        .post("/api/v1/moderation/filters", Some(&cast.admin), json!({ "term": "!!!", "action": "flag" }))
        .await
        .assert_error(422, "invalid_filter");
    cast.app
        .post(
            "/api/v1/moderation/filters",
            Some(&cast.admin),
            json!({ "term": "drat", "action": "replace", "replacement": "darn" }),
        )
        .await
        .assert_status(201);

    let held = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "Invest in CRYPT0 now" }))
        .await;
    let held = held.assert_status(201).clone();
    assert_eq!(held["moderation"]["state"], "held");
    let held_id = held["id"].as_i64().expect("id");
    assert!(
        cast.post_as_seen_by(Some(&cast.amy), thread, held_id).await.is_none(),
        "held posts are invisible to others"
    );
    assert!(cast.post_as_seen_by(None, thread, held_id).await.is_none());
    assert!(cast.post_as_seen_by(Some(&cast.ben), thread, held_id).await.is_some());
    let items = cast.queue(&cast.moderator).await;
    assert_eq!(items[0]["held"], true);
    assert_eq!(items[0]["screening"]["filters"][0], "crypto");
    cast.app
        .post(
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&cast.amy),
            json!({ "parent_id": held_id, "body": "Hmm" }),
        )
        .await
        .assert_error(404, "not_found");
    cast.act(&cast.moderator, json!({ "action": "approve", "post_id": held_id })).await.assert_status(201);
    assert!(cast.post_as_seen_by(Some(&cast.amy), thread, held_id).await.is_some());

    let replaced = cast.app.reply(&cast.ben, thread, Some(first), "Oh drat, again").await;
    let shown = cast.post_as_seen_by(Some(&cast.amy), thread, replaced).await.expect("post");
    assert!(shown["body_html"].as_str().expect("body").contains("Oh darn, again"));

    let filters =
        cast.app.get(&format!("/api/v1/moderation/filters?community={}", cast.slug), Some(&cast.moderator)).await;
    let filter_id = filters.assert_status(200)[0]["id"].as_i64().expect("id");
    cast.app.delete(&format!("/api/v1/moderation/filters/{filter_id}"), Some(&cast.moderator)).await.assert_status(204);
    let free = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "crypto again" }))
        .await;
    assert!(free.assert_status(201).get("moderation").is_none());
}

#[tokio::test]
async fn a_crisis_post_shows_its_author_helplines_and_tops_the_safeguarding_queue() {
    let cast = cast().await;
    let lead = cast.app.register("lee").await;
    cast.app.put("/api/v1/admin/safeguarding-leads/lee", Some(&cast.admin)).await.assert_status(204);
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Evenings", "How are evenings for you?").await;
    // Older, non-urgent items first.
    let spammy = cast.app.reply(&cast.amy, thread, Some(first), "Visit my shop").await;
    cast.app
        .post("/api/v1/reports", Some(&cast.ben), json!({ "post_id": spammy, "reason": "spam" }))
        .await
        .assert_status(201);
    cast.app
        .post("/api/v1/reports", Some(&cast.moderator), json!({ "post_id": spammy, "reason": "spam" }))
        .await
        .assert_status(201);

    let reply = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": CRISIS_TEXT }))
        .await;
    let reply = reply.assert_status(201).clone();
    let helplines = reply["support"]["helplines"].as_array().expect("helplines shown at once");
    assert!(!helplines.is_empty());
    assert!(helplines[0]["name"].is_string() && helplines[0]["url"].is_string());
    // Published (the default policy flags), so others still see it.
    assert!(cast.post_as_seen_by(Some(&cast.amy), thread, reply["id"].as_i64().expect("id")).await.is_some());

    let items = cast.queue(&lead).await;
    assert_eq!(items.len(), 1, "the lead sees urgent items only: {items:?}");
    assert_eq!(items[0]["urgent"], true);
    assert_eq!(items[0]["subject_id"], reply["id"]);
    assert_eq!(items[0]["screening"]["crisis"], "high");
    let moderators_view = cast.queue(&cast.moderator).await;
    assert_eq!(moderators_view[0]["subject_id"], reply["id"], "urgent first, before heavier reports");
    assert_eq!(moderators_view[1]["subject_id"], spammy);
    for item in &moderators_view[..2] {
        assert_eq!(item["content"]["thread_title"], "Evenings", "each item of a thread shows its title: {item}");
        assert!(item["content"]["body_html"].is_string());
    }

    // The lead claims it; another moderator sees who has it.
    let item_id = items[0]["id"].as_i64().expect("id");
    cast.app.put(&format!("/api/v1/moderation/items/{item_id}/claim"), Some(&lead)).await.assert_status(204);
    assert_eq!(cast.queue(&cast.moderator).await[0]["claimed_by"], "lee");
    cast.app
        .put(&format!("/api/v1/moderation/items/{item_id}/claim"), Some(&cast.moderator))
        .await
        .assert_error(409, "already_claimed");
    // Members never see an item.
    cast.app.get(&format!("/api/v1/moderation/items/{item_id}"), Some(&cast.amy)).await.assert_error(403, "forbidden");

    // The instance's helplines are public too.
    let instance = cast.app.get("/api/v1/instance", None).await;
    assert!(!instance.assert_status(200)["support"]["helplines"].as_array().expect("helplines").is_empty());
}

#[tokio::test]
async fn an_instance_can_hold_crisis_posts_until_they_are_reviewed() {
    let cast = cast_with(|settings| settings.crisis_action = kindred::config::CrisisAction::Hold).await;
    let (thread, _) = cast.app.thread(&cast.amy, &cast.slug, "Nights", "Long nights.").await;
    let reply = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": CRISIS_TEXT }))
        .await;
    let reply = reply.assert_status(201).clone();
    assert_eq!(reply["moderation"]["state"], "held");
    assert!(reply["support"]["helplines"].is_array());
    assert!(cast.post_as_seen_by(Some(&cast.amy), thread, reply["id"].as_i64().expect("id")).await.is_none());
    assert_eq!(cast.queue(&cast.admin).await[0]["urgent"], true);
}

#[tokio::test]
async fn new_members_first_posts_wait_for_approval_where_the_community_asks() {
    let cast = cast().await;
    cast.app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/communities/{}/safety", cast.slug),
            Some(&cast.ben),
            Some(json!({ "hold_first_posts": 1 })),
        )
        .await
        .assert_error(403, "forbidden");
    cast.app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/communities/{}/safety", cast.slug),
            Some(&cast.moderator),
            Some(json!({ "hold_first_posts": 21 })),
        )
        .await
        .assert_error(422, "invalid_hold");
    cast.app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/communities/{}/safety", cast.slug),
            Some(&cast.moderator),
            Some(json!({ "hold_first_posts": 1 })),
        )
        .await
        .assert_status(200);
    let created = cast
        .app
        .post(
            &format!("/api/v1/communities/{}/threads", cast.slug),
            Some(&cast.amy),
            json!({ "title": "Hello all", "body": "New here!" }),
        )
        .await;
    let thread = created.assert_status(201)["thread"]["id"].as_i64().expect("id");
    assert_eq!(created.body["posts"][0]["moderation"]["state"], "held");
    let listed = cast.app.get(&format!("/api/v1/communities/{}/threads", cast.slug), Some(&cast.ben)).await;
    assert!(
        listed.assert_status(200)["threads"].as_array().expect("threads").is_empty(),
        "a held thread is not listed"
    );
    let first = created.body["posts"][0]["id"].as_i64().expect("id");
    cast.act(&cast.moderator, json!({ "action": "approve", "post_id": first })).await.assert_status(201);
    let listed = cast.app.get(&format!("/api/v1/communities/{}/threads", cast.slug), Some(&cast.ben)).await;
    assert_eq!(listed.assert_status(200)["threads"][0]["id"], thread);
    // Her next post is not held, and moderators are never held.
    let next =
        cast.app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.amy), json!({ "body": "Thanks!" })).await;
    assert!(next.assert_status(201).get("moderation").is_none());
    let from_moderator = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.moderator), json!({ "body": "Welcome" }))
        .await;
    assert!(from_moderator.assert_status(201).get("moderation").is_none());
}

#[tokio::test]
async fn new_members_are_limited_in_links_and_everyone_in_pace() {
    let cast = cast_with(|settings| {
        settings.new_member_posts_per_hour = 3;
        settings.reports_per_day = 1;
        settings.new_member_max_links = 1;
    })
    .await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Links", "Share resources").await;
    cast.app
        .post(
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&cast.ben),
            json!({ "body": "https://a.example and www.b.example" }),
        )
        .await
        .assert_error(422, "too_many_links");
    cast.app
        .post(
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&cast.ben),
            json!({ "body": "@amy @moira @admin @lee hello" }),
        )
        .await
        .assert_error(422, "too_many_mentions");
    cast.app.reply(&cast.ben, thread, Some(first), "One link: https://nhs.uk").await;
    cast.app.reply(&cast.ben, thread, Some(first), "Second").await;
    cast.app.reply(&cast.ben, thread, Some(first), "Third").await;
    cast.app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "Fourth" }))
        .await
        .assert_error(429, "posting_too_fast");

    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "member": "ben", "reason": "spam" }))
        .await
        .assert_status(201);
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": first, "reason": "spam" }))
        .await
        .assert_error(429, "too_many_reports");
}

#[tokio::test]
async fn a_member_past_the_new_member_level_has_the_wider_allowances() {
    let cast = cast_with(|settings| {
        // Everyone is a member (level 1) from the start.
        (settings.trust_member_days, settings.trust_member_posts) = (0, 0);
        (settings.new_member_posts_per_hour, settings.posts_per_hour) = (1, 3);
        settings.new_member_max_links = 0;
    })
    .await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Links", "Share resources").await;
    cast.app.reply(&cast.ben, thread, Some(first), "One link: https://nhs.uk").await;
    cast.app.reply(&cast.ben, thread, Some(first), "Past a new member's one an hour").await;
    cast.app.reply(&cast.ben, thread, Some(first), "And a third").await;
    cast.app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "A fourth" }))
        .await
        .assert_error(429, "posting_too_fast");
}

#[tokio::test]
async fn sign_ins_and_registrations_are_limited_across_the_database() {
    let app = spawn_app_with(|settings| {
        settings.sign_ins_per_quarter_hour = 3;
        settings.registrations_per_hour = 2;
    })
    .await;
    app.register("first").await;
    app.register("second").await;
    let version = app.guidelines_version().await;
    app.post("/api/v1/accounts", None, app.registration("third", &version))
        .await
        .assert_error(429, "too_many_registrations");
    for _ in 0..3 {
        app.sign_in("first", "wrong password!!").await.assert_error(401, "invalid_credentials");
    }
    app.sign_in("first", crate::helpers::PASSWORD).await.assert_error(429, "too_many_sign_ins");
    // The counters live in the database, where every process sees them.
    use diesel::prelude::*;
    let mut connection = app.connect();
    let counted: i64 = kindred::db::schema::rate_limits::table.count().get_result(&mut connection).expect("counters");
    assert!(counted >= 3, "sign-in and registration counters are stored: {counted}");
    let keys: Vec<String> = kindred::db::schema::rate_limits::table
        .select(kindred::db::schema::rate_limits::key)
        .load(&mut connection)
        .expect("keys");
    assert!(
        keys.iter().all(|key| !key.contains("127.0.0.1") && !key.contains("first")),
        "no address or name stored: {keys:?}"
    );
}

#[tokio::test]
async fn a_moderator_removing_a_chat_message_is_logged_and_muting_in_a_room_is_a_sanction() {
    let cast = cast().await;
    let rooms = cast.app.get(&format!("/api/v1/communities/{}/rooms", cast.slug), None).await;
    let room = rooms.assert_status(200)[0]["id"].as_i64().expect("room");
    let mut ben = LiveClient::connect(&cast.app, &cast.ben).await;
    ben.subscribe(room, None).await;
    ben.say(room, "you are all so rude", "m1").await;
    let ack = ben.next_of("ack").await;
    let message = ack["id"].as_i64().expect("id");

    cast.app.delete(&format!("/api/v1/messages/{message}"), Some(&cast.moderator)).await.assert_status(204);
    let log = cast.app.get("/api/v1/moderation/log", Some(&cast.moderator)).await;
    let entry = &log.assert_status(200)["entries"][0];
    assert_eq!(entry["action"], "remove");
    assert_eq!(entry["subject"], "message");

    cast.app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/rooms/{room}/mutes/ben"),
            Some(&cast.moderator),
            Some(json!({ "minutes": 10 })),
        )
        .await
        .assert_status(204);
    assert_eq!(cast.my_log(&cast.ben).await[0]["action"], "mute");
    cast.app.delete(&format!("/api/v1/rooms/{room}/mutes/ben"), Some(&cast.moderator)).await.assert_status(204);
    assert_eq!(cast.my_log(&cast.ben).await[0]["action"], "lift");

    // A crisis message gets helplines in its ack.
    ben.say(room, CRISIS_TEXT, "m2").await;
    let ack = ben.next_of("ack").await;
    assert!(!ack["support"]["helplines"].as_array().expect("helplines").is_empty());
    assert_eq!(cast.queue(&cast.moderator).await[0]["subject"], "message");
}

#[tokio::test]
async fn an_item_offers_suspend_and_ban_only_to_those_the_policy_lets_impose_them() {
    let cast = cast().await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Walking pace", "How far do you get?").await;
    let rude = cast.app.reply(&cast.ben, thread, Some(first), "Nobody cares how far you walk.").await;
    let calm = cast.app.reply(&cast.moderator, thread, Some(first), "Please keep it kind.").await;
    let mut items = Vec::new();
    for post in [rude, calm] {
        let report = json!({ "post_id": post, "reason": "harassment" });
        cast.app.post("/api/v1/reports", Some(&cast.amy), report).await.assert_status(201);
        let queued = cast.queue(&cast.admin).await.into_iter().find(|item| item["subject_id"] == post);
        items.push(queued.expect("the report is queued")["id"].as_i64().expect("item id"));
    }
    let offered = async |who: &Account, item: i64| -> Vec<Value> {
        let detail = cast.app.get(&format!("/api/v1/moderation/items/{item}"), Some(who)).await;
        detail.assert_status(200)["item"]["offered"].as_array().expect("offered").clone()
    };
    let (ban, suspend) = (json!("ban"), json!("suspend"));

    // The community's moderator may ban from the community, not suspend.
    let moderator = offered(&cast.moderator, items[0]).await;
    assert!(moderator.contains(&ban) && !moderator.contains(&suspend), "{moderator:?}");
    // An admin may do both, and what is offered goes through.
    let admin = offered(&cast.admin, items[0]).await;
    assert!(admin.contains(&ban) && admin.contains(&suspend), "{admin:?}");
    let suspension = json!({ "action": "suspend", "member": "ben", "minutes": 60, "reason": "Time to cool off." });
    cast.act(&cast.admin, suspension).await.assert_status(201);

    // On a fellow moderator's post, another moderator is offered neither.
    cast.app
        .put(&format!("/api/v1/communities/{}/moderators/amy", cast.slug), Some(&cast.admin))
        .await
        .assert_status(204);
    let fellow = offered(&cast.amy, items[1]).await;
    assert!(!fellow.contains(&ban) && !fellow.contains(&suspend), "{fellow:?}");
}

#[tokio::test]
async fn every_kind_of_action_reverses_with_its_own_logged_reversal() {
    let cast = cast().await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Reversals", "Every action undone.").await;
    let reported = cast.app.reply(&cast.ben, thread, Some(first), "A fine reply").await;
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": reported, "reason": "other" }))
        .await
        .assert_status(201);
    let item = cast.queue(&cast.moderator).await[0]["id"].as_i64().expect("item");
    cast.app
        .post(
            "/api/v1/moderation/filters",
            Some(&cast.moderator),
            json!({ "community": cast.slug, "term": "zebra", "action": "hold" }),
        )
        .await
        .assert_status(201);
    let held = cast
        .app
        .post(&format!("/api/v1/threads/{thread}/posts"), Some(&cast.ben), json!({ "body": "zebra crossing" }))
        .await;
    let held = held.assert_status(201)["id"].as_i64().expect("held post");

    // (action, its reversal's action)
    let cases = [
        (json!({ "action": "dismiss", "item_id": item, "reason": "Nothing wrong." }), "reopen"),
        (json!({ "action": "approve", "post_id": held }), "hold"),
        (json!({ "action": "pin", "thread_id": thread, "reason": "Useful." }), "unpin"),
        (json!({ "action": "warn", "member": "ben", "reason": "Be kind." }), "lift"),
        (
            json!({ "action": "ban", "member": "ben", "community": cast.slug, "minutes": 60, "reason": "Abuse." }),
            "lift",
        ),
        (json!({ "action": "suspend", "member": "ben", "minutes": 60, "reason": "Spam." }), "lift"),
        (json!({ "action": "ban", "member": "ben", "reason": "Threats." }), "lift"),
    ];
    for (command, undo) in cases {
        let acted = cast.act(&cast.admin, command.clone()).await;
        let id = acted.assert_status(201)["id"].as_i64().expect("log id");
        let reversal = cast
            .app
            .post(&format!("/api/v1/moderation/log/{id}/reversal"), Some(&cast.admin), json!({ "reason": "Undone." }))
            .await;
        let reversal = reversal.assert_status(201);
        assert_eq!(reversal["action"], undo, "{command}");
        assert_eq!(reversal["reverses"], id);
        // A reversal is not itself reversed.
        let again = reversal["id"].as_i64().expect("id");
        cast.app
            .post(&format!("/api/v1/moderation/log/{again}/reversal"), Some(&cast.admin), json!({ "reason": "Again." }))
            .await
            .assert_error(409, "is_a_reversal");
    }
    // The dismissed item is open again; the approved post is held again; Ben may sign in and post.
    assert!(cast.queue(&cast.moderator).await.iter().any(|open| open["id"] == item));
    assert!(cast.post_as_seen_by(Some(&cast.amy), thread, held).await.is_none());
    let signed_in = cast.app.sign_in("ben", crate::helpers::PASSWORD).await;
    let ben = Account { token: signed_in.assert_status(200)["token"].as_str().expect("token").to_owned() };
    cast.app.join(&ben, &cast.slug).await.assert_status(200);
    cast.app.reply(&ben, thread, Some(first), "Back again").await;
}

/// Amy and Ben in the community's room, and Ben's message held by a word
/// filter: the room, both connections, and the held message's `ack`.
async fn a_held_chat_message(cast: &Cast) -> (i64, LiveClient, LiveClient, Value) {
    let hold = json!({ "community": cast.slug, "term": "crypto", "action": "hold" });
    cast.app.post("/api/v1/moderation/filters", Some(&cast.moderator), hold).await.assert_status(201);
    let rooms = cast.app.get(&format!("/api/v1/communities/{}/rooms", cast.slug), None).await;
    let room = rooms.assert_status(200)[0]["id"].as_i64().expect("room");
    let mut amy = LiveClient::connect(&cast.app, &cast.amy).await;
    amy.subscribe(room, None).await;
    let mut ben = LiveClient::connect(&cast.app, &cast.ben).await;
    ben.subscribe(room, None).await;
    ben.say(room, "Is crypto a good idea when money is tight?", "h1").await;
    let ack = ben.next_of("ack").await;
    assert_eq!(ack["held"], true);
    (room, amy, ben, ack)
}

#[tokio::test]
async fn an_approved_chat_message_appears_in_the_room_live() {
    let cast = cast().await;
    let (room, mut amy, _ben, ack) = a_held_chat_message(&cast).await;
    let (id, seq) = (ack["id"].as_i64().expect("id"), ack["seq"].as_i64().expect("seq"));

    cast.act(&cast.moderator, json!({ "action": "approve", "message_id": id })).await.assert_status(201);
    let shown = amy.next_of("shown").await;
    assert_eq!(
        (shown["room"].as_i64(), shown["id"].as_i64(), shown["seq"].as_i64()),
        (Some(room), Some(id), Some(seq))
    );
    let path = format!("/api/v1/rooms/{room}/messages?after={}&limit=1", seq - 1);
    let fetched = cast.app.get(&path, Some(&cast.amy)).await;
    let message = &fetched.assert_status(200)[0];
    assert_eq!(message["id"], id);
    assert_eq!(message["deleted"], false);
    assert!(message["body_html"].as_str().expect("the text").contains("a good idea"));
}

#[tokio::test]
async fn a_chat_message_approved_while_a_client_was_away_is_shown_when_it_resumes() {
    let cast = cast().await;
    let (room, mut amy, mut ben, held) = a_held_chat_message(&cast).await;
    ben.say(room, "Sorry, just wondering.", "h2").await;
    let last = amy.next_of("message").await["seq"].as_i64().expect("seq");
    assert_eq!(Some(last), held["seq"].as_i64().map(|seq| seq + 1), "amy sees the next message, not the held one");
    amy.close().await;

    let id = held["id"].as_i64().expect("id");
    cast.act(&cast.moderator, json!({ "action": "approve", "message_id": id })).await.assert_status(201);
    let mut again = LiveClient::connect(&cast.app, &cast.amy).await;
    again.send(json!({ "type": "subscribe", "room": room, "after": last })).await;
    let shown = again.next_of("shown").await;
    assert_eq!((shown["id"].as_i64(), shown["seq"].as_i64()), (Some(id), held["seq"].as_i64()));
    assert_eq!(again.next_of("subscribed").await["last_seq"], last, "shown before the resume completes");
}
