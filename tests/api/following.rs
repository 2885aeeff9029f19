//! Following, mentions and notifications: exactly who hears of what, grouped
//! per thread, never across a block or from held content, and delivered live.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};

async fn app() -> TestApp {
    spawn_app_with(|settings| {
        settings.posts_per_hour = 1000;
        settings.new_member_posts_per_hour = 1000;
    })
    .await
}

/// A public community with an admin and members who joined it.
async fn community(app: &TestApp, names: &[&str]) -> (Account, Vec<Account>) {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let mut members = Vec::new();
    for name in names {
        let member = app.register(name).await;
        app.join(&member, "copd").await.assert_status(200);
        members.push(member);
    }
    (admin, members)
}

async fn inbox(app: &TestApp, who: &Account) -> Value {
    app.get("/api/v1/notifications", Some(who)).await.assert_status(200).clone()
}

/// (kind, count) of each line, latest first.
async fn lines(app: &TestApp, who: &Account) -> Vec<(String, i64)> {
    let inbox = inbox(app, who).await;
    inbox["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .map(|line| (line["kind"].as_str().expect("kind").to_owned(), line["count"].as_i64().expect("count")))
        .collect()
}

fn line(kind: &str, count: i64) -> (String, i64) {
    (kind.to_owned(), count)
}

async fn follow(app: &TestApp, who: &Account, path: &str, level: &str) {
    let reply = app.send(reqwest::Method::PUT, path, Some(who), Some(json!({ "level": level }))).await;
    reply.assert_status(204);
}

#[tokio::test]
async fn follow_levels_produce_exactly_the_right_notifications() {
    let app = app().await;
    let (_, people) = community(&app, &["amy", "ben", "cat", "dan"]).await;
    let [amy, ben, cat, dan] = &people[..] else { unreachable!() };
    let (thread, first) = app.thread(amy, "copd", "Breathing exercises", "What helps you?").await;
    follow(&app, ben, "/api/v1/communities/copd/follow", "watching").await;
    follow(&app, dan, &format!("/api/v1/threads/{thread}/follow"), "muted").await;
    let level = app.get(&format!("/api/v1/threads/{thread}/follow"), Some(amy)).await;
    assert_eq!(level.assert_status(200)["level"], "watching", "starting a thread watches it");

    let cats = app.reply(cat, thread, Some(first), "Pursed-lip breathing").await;
    app.reply(cat, thread, Some(first), "And walking").await;
    assert_eq!(lines(&app, amy).await, vec![line("reply", 2)], "two replies are one line");
    let amys = inbox(&app, amy).await;
    assert_eq!(amys["unread_count"], 1);
    let summary = amys["notifications"][0]["summary"].as_str().expect("summary");
    assert_eq!(summary, "2 new replies to you in “Breathing exercises”.");
    assert_eq!(amys["notifications"][0]["post_id"], cats, "the line starts at the first reply");
    assert_eq!(lines(&app, ben).await, vec![line("new_post", 2)], "watching the community");
    assert_eq!(lines(&app, dan).await, vec![], "muted");
    assert_eq!(lines(&app, cat).await, vec![], "nobody hears of their own posts");

    // Read lines stay; the next reply starts a new one.
    app.post("/api/v1/notifications/read-all", Some(amy), json!({})).await.assert_status(204);
    app.reply(ben, thread, Some(cats), "Thanks, I'll try it").await;
    assert_eq!(lines(&app, cat).await, vec![line("reply", 1)], "a reply to cat");
    assert_eq!(lines(&app, amy).await, vec![line("new_post", 1), line("reply", 2)], "amy watches her thread");
    assert_eq!(inbox(&app, amy).await["unread_count"], 1);

    // Stopping following goes back to normal, and replying does not undo it.
    app.delete(&format!("/api/v1/threads/{thread}/follow"), Some(cat)).await.assert_status(204);
    app.reply(dan, thread, Some(first), "Singing helps me").await;
    app.reply(cat, thread, Some(first), "Me too").await;
    assert_eq!(lines(&app, cat).await, vec![line("reply", 1)], "cat no longer watches");
    assert_eq!(lines(&app, dan).await, vec![], "dan's mute holds after his own reply");
    assert_eq!(lines(&app, amy).await, vec![line("reply", 2), line("new_post", 1), line("reply", 2)]);
    let id = inbox(&app, amy).await["notifications"][0]["id"].as_i64().expect("id");
    app.post(&format!("/api/v1/notifications/{id}/read"), Some(amy), json!({})).await.assert_status(204);
    assert_eq!(inbox(&app, amy).await["unread_count"], 1);
    app.post(&format!("/api/v1/notifications/{id}/read"), Some(ben), json!({})).await.assert_error(404, "not_found");
    let path = format!("/api/v1/threads/{thread}/follow");
    let loud = app.send(reqwest::Method::PUT, &path, Some(amy), Some(json!({ "level": "loud" }))).await;
    assert_eq!(loud.status, 400, "an unknown level is refused");
}

#[tokio::test]
async fn mentions_notify_and_respect_blocks_holds_and_who_may_read() {
    let app = app().await;
    let (admin, people) = community(&app, &["amy", "ben", "cat", "dan"]).await;
    let [amy, ben, cat, dan] = &people[..] else { unreachable!() };
    app.community(&admin, "private", "members").await;
    app.join(ben, "private").await.assert_status(200);
    let (thread, first) = app.thread(cat, "copd", "Inhalers", "Which spacer?").await;

    let mut amy_live = LiveClient::connect(&app, amy).await;
    let bens = app.reply(ben, thread, Some(first), "Ask @amy, she knows").await;
    let frame = amy_live.next_of("notification").await;
    assert_eq!(frame["unread_count"], 1);
    assert_eq!(frame["notification"]["kind"], "mention");
    assert_eq!(frame["notification"]["summary"], "ben (they/them) mentioned you in “Inhalers”.");
    assert_eq!(frame["notification"]["actor"]["username"], "ben");

    // Nothing across a block, either way.
    app.put("/api/v1/blocks/dan", Some(amy)).await.assert_status(204);
    app.reply(dan, thread, Some(first), "@amy what do you think?").await;
    app.put("/api/v1/blocks/amy", Some(cat)).await.assert_status(204);
    app.reply(amy, thread, Some(bens), "@cat try a spacer").await;
    assert_eq!(lines(&app, cat).await, vec![line("reply", 2)], "ben's and dan's replies; amy's is blocked");
    assert_eq!(lines(&app, amy).await, vec![line("mention", 1)]);

    // Nothing from a community the member may not read.
    let (private, _) = app.thread(ben, "private", "Members only", "Hello @amy").await;
    assert!(private > 0);
    assert_eq!(lines(&app, amy).await, vec![line("mention", 1)]);

    // Held content tells nobody until a moderator approves it.
    let safety = json!({ "hold_first_posts": 1 });
    app.send(reqwest::Method::PUT, "/api/v1/communities/copd/safety", Some(&admin), Some(safety))
        .await
        .assert_status(200);
    let eve = app.register("eve").await;
    app.join(&eve, "copd").await.assert_status(200);
    let held = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&eve), json!({ "body": "Hi @amy!" })).await;
    let held = held.assert_status(201)["id"].as_i64().expect("id");
    assert_eq!(lines(&app, amy).await, vec![line("mention", 1)], "held");
    let approve = json!({ "action": "approve", "post_id": held });
    app.post("/api/v1/moderation/actions", Some(&admin), approve).await.assert_status(201);
    assert_eq!(lines(&app, amy).await, vec![line("mention", 2)], "approved: now amy hears of it");
    let frame = amy_live.next_of("notification").await;
    assert_eq!(frame["notification"]["count"], 2);
    assert_eq!(lines(&app, &eve).await, vec![line("moderation", 1)], "eve hears her post was approved");

    // Chat mentions too, grouped per room.
    let room = default_room(&app, ben, "copd").await;
    let mut ben_live = LiveClient::connect(&app, ben).await;
    ben_live.subscribe(room, None).await;
    ben_live.say(room, "@amy are you coming on Friday?", "m-1").await;
    let frame = amy_live.next_of("notification").await;
    assert_eq!(frame["notification"]["room"]["id"], room);
    assert_eq!(frame["notification"]["summary"], "ben (they/them) mentioned you in the chat room “General”.");
    assert_eq!(frame["unread_count"], 2);
}

#[tokio::test]
async fn a_mention_in_a_post_or_chat_message_links_to_the_members_page() {
    let app = app().await;
    let (_, people) = community(&app, &["amy", "ben"]).await;
    let [amy, ben] = &people[..] else { unreachable!() };
    let (thread, first) = app.thread(amy, "copd", "Spacers", "Which one do you use?").await;
    let body = "Ask @Amy, or write to ben@example.org. In code: `@amy`";
    let path = format!("/api/v1/threads/{thread}/posts");
    let reply = app.post(&path, Some(ben), json!({ "parent_id": first, "body": body })).await;
    let html = reply.assert_status(201)["body_html"].as_str().expect("html");
    assert!(html.contains(r#"<a href="/members/amy" class="mention""#) && html.contains(">@Amy</a>"), "{html}");
    assert_eq!(html.matches("href=").count(), 1, "neither the address nor the code is a link: {html}");

    let room = default_room(&app, ben, "copd").await;
    let mut ben_live = LiveClient::connect(&app, ben).await;
    ben_live.subscribe(room, None).await;
    ben_live.say(room, "Morning @amy", "m-1").await;
    ben_live.next_of("ack").await;
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(amy)).await;
    let html = history.assert_status(200)[0]["body_html"].as_str().expect("html");
    assert!(html.contains(r#"href="/members/amy""#), "{html}");
}

#[tokio::test]
async fn a_members_page_shows_signed_in_members_who_someone_is() {
    let app = app().await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let page = app.get("/api/v1/members/AMY", Some(&ben)).await;
    let page = page.assert_status(200);
    assert_eq!((&page["username"], &page["display_name"]), (&json!("amy"), &json!("amy (they/them)")));
    assert!(page["joined_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{page}");
    assert!(app.get("/api/v1/members/amy", Some(&amy)).await.status == 200, "a member sees their own page");
    app.get("/api/v1/members/amy", None).await.assert_error(401, "not_signed_in");
    app.get("/api/v1/members/nobody", Some(&ben)).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn moderation_actions_and_resolved_reports_are_notifications() {
    let app = app().await;
    let (admin, people) = community(&app, &["amy", "ben"]).await;
    let [amy, ben] = &people[..] else { unreachable!() };
    let (_, first) = app.thread(amy, "copd", "Buy cheap pills", "Spam spam spam").await;
    let report = json!({ "post_id": first, "reason": "spam" });
    app.post("/api/v1/reports", Some(ben), report).await.assert_status(201);
    let remove = json!({ "action": "remove", "post_id": first, "reason": "Advertising is not allowed." });
    app.post("/api/v1/moderation/actions", Some(&admin), remove).await.assert_status(201);

    let amys = inbox(&app, amy).await;
    assert_eq!(amys["notifications"][0]["kind"], "moderation");
    assert_eq!(
        amys["notifications"][0]["summary"],
        "A moderator removed your post. Reason: Advertising is not allowed."
    );
    assert!(amys["notifications"][0]["log_id"].is_i64());
    let bens = inbox(&app, ben).await;
    assert_eq!(bens["notifications"][0]["kind"], "report_resolved");
    assert_eq!(bens["unread_count"], 1);
    assert_eq!(lines(&app, &admin).await, vec![], "the moderator is not told of their own action");
}

#[tokio::test]
async fn the_inbox_pages_with_a_cursor_and_refuses_a_bad_one() {
    let app = app().await;
    let (_, people) = community(&app, &["amy", "ben"]).await;
    let [amy, ben] = &people[..] else { unreachable!() };
    for n in 0..3 {
        let (thread, first) = app.thread(amy, "copd", &format!("Thread number {n}"), "Hello").await;
        app.reply(ben, thread, Some(first), "Hi").await;
    }
    let page = app.get("/api/v1/notifications?limit=2", Some(amy)).await;
    let page = page.assert_status(200);
    assert_eq!(page["notifications"].as_array().expect("page").len(), 2);
    let cursor = page["next_cursor"].as_str().expect("a cursor");
    let rest = app.get(&format!("/api/v1/notifications?limit=2&cursor={cursor}"), Some(amy)).await;
    assert_eq!(rest.assert_status(200)["notifications"].as_array().expect("rest").len(), 1);
    app.get("/api/v1/notifications?cursor=nonsense", Some(amy)).await.assert_error(400, "invalid_cursor");
    app.get("/api/v1/notifications", None).await.assert_status(401);
}

#[tokio::test]
async fn replies_arriving_together_are_each_told_once() {
    let app = app().await;
    let names: Vec<String> = (1..=12).map(|n| format!("member{n}")).collect();
    let mut everyone = vec!["amy", "ben"];
    everyone.extend(names.iter().map(String::as_str));
    let (_, people) = community(&app, &everyone).await;
    let (amy, ben, repliers) = (&people[0], &people[1], &people[2..]);
    let (thread, first) = app.thread(amy, "copd", "Pacing", "How do you pace your day?").await;
    follow(&app, ben, &format!("/api/v1/threads/{thread}/follow"), "watching").await;

    let replies = repliers.iter().map(|replier| app.reply(replier, thread, Some(first), "Little and often"));
    let stored = futures_util::future::join_all(replies).await;
    assert_eq!(stored.len(), 12);
    assert_eq!(lines(&app, amy).await, vec![line("reply", 12)], "every reply to amy, once");
    assert_eq!(lines(&app, ben).await, vec![line("new_post", 12)], "every new post in the watched thread, once");
}

#[tokio::test]
async fn posts_left_queued_are_told_together_without_anyone_asking() {
    use diesel::Connection;
    use kindred::db::outbox;

    let app = app().await;
    let (_, people) = community(&app, &["amy", "ben"]).await;
    let [amy, ben] = &people[..] else { unreachable!() };
    let (thread, _) = app.thread(amy, "copd", "Sleep", "Anyone else awake?").await;
    // As a process that stopped before telling anyone would leave them:
    // more than one round of the notifier takes (256), all queued at once.
    let mut connection = app.connect();
    connection
        .transaction::<_, diesel::result::Error, _>(|connection| {
            for n in 0..300 {
                let post = app.store_reply(connection, thread, "ben", &format!("Still awake, hour {n}"));
                outbox::queue(connection, post).expect("queued");
            }
            Ok(())
        })
        .expect("stored and queued");

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while lines(&app, amy).await != vec![line("reply", 300)] {
        assert!(std::time::Instant::now() < deadline, "not every queued post was told: {:?}", lines(&app, amy).await);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(lines(&app, ben).await, vec![], "nobody hears of their own posts");
}
