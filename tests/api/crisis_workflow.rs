//! The supportive crisis workflow, black-box: an urgent item offers
//! supportive outcomes (each logged and closing it) instead of warnings and
//! mutes, and a safeguarding lead opens a private support conversation
//! that only the member and the leads see, live, exported with the member's
//! data and gone with their erasure.

use serde_json::{Value, json};

use crate::erasure::download;
use crate::helpers::{Account, PASSWORD};
use crate::live_client::LiveClient;
use crate::safeguarding::{Cast, cast_with};

impl Cast {
    async fn act(&self, who: &Account, command: Value) -> crate::helpers::Reply {
        self.app.post("/api/v1/moderation/actions", Some(who), command).await
    }

    /// Ben writes in crisis; returns the urgent item's id.
    async fn urgent_item(&self) -> i64 {
        let (_, post_id, _) = self.crisis_reply().await;
        self.item_about(post_id).await["id"].as_i64().expect("item id")
    }
}

#[tokio::test]
async fn an_urgent_item_offers_supportive_outcomes_each_logged_and_closing_it() {
    let cast = cast_with(|_| {}).await;
    let item_id = cast.urgent_item().await;
    let detail = cast.app.get(&format!("/api/v1/moderation/items/{item_id}"), Some(&cast.cara)).await;
    let offered = detail.assert_status(200)["item"]["offered"].clone();
    for outcome in ["reached_out", "escalated_to_emergency_services", "no_risk_on_review", "support_conversation"] {
        assert!(offered.as_array().expect("offered").contains(&json!(outcome)), "{outcome} offered: {offered}");
    }
    for sanction in ["warn", "mute", "dismiss"] {
        assert!(!offered.as_array().expect("offered").contains(&json!(sanction)), "{sanction} not offered: {offered}");
    }

    let mut items = [item_id, cast.urgent_item().await, cast.urgent_item().await];
    items.sort_unstable();
    let outcomes = ["reached_out", "escalated_to_emergency_services", "no_risk_on_review"];
    for (item, outcome) in items.iter().zip(outcomes) {
        let reason = format!("Recorded by the lead: {outcome}.");
        let entry = cast.act(&cast.cara, json!({ "action": outcome, "item_id": item, "reason": reason })).await;
        let entry = entry.assert_status(201);
        assert_eq!(entry["action"], outcome);
        // Closed: a second outcome is refused.
        cast.act(&cast.lee, json!({ "action": outcome, "item_id": item, "reason": "Again, by another lead." }))
            .await
            .assert_error(409, "already_resolved");
    }
    let log = cast.app.get("/api/v1/moderation/log", Some(&cast.admin)).await;
    let logged: Vec<&str> = log.assert_status(200)["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for outcome in outcomes {
        assert!(logged.contains(&outcome), "{outcome} is in the log: {logged:?}");
    }
    let queue = cast.app.get("/api/v1/moderation/queue", Some(&cast.cara)).await;
    assert!(queue.assert_status(200)["items"].as_array().expect("items").is_empty(), "every item closed");
    // A safeguarding record, not an action on the member: not in their log, no notification.
    let mine = cast.app.get("/api/v1/me/moderation", Some(&cast.ben)).await;
    assert!(mine.assert_status(200)["entries"].as_array().expect("entries").is_empty());
    assert!(cast.lines_of(&cast.ben, "moderation").await.is_empty());

    // Only an urgent item takes a supportive outcome; a moderator who is no lead may record one too.
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Spam", "Fine day.").await;
    let spam = cast.app.reply(&cast.ben, thread, Some(first), "Buy my shoes").await;
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": spam, "reason": "spam" }))
        .await
        .assert_status(201);
    let routine = cast.item_about(spam).await["id"].as_i64().expect("item id");
    cast.act(&cast.moira, json!({ "action": "reached_out", "item_id": routine, "reason": "Not urgent at all." }))
        .await
        .assert_error(409, "not_urgent");
    // Members never do.
    let another = cast.urgent_item().await;
    cast.act(&cast.amy, json!({ "action": "reached_out", "item_id": another, "reason": "I am not a lead." }))
        .await
        .assert_error(403, "forbidden");
}

#[tokio::test]
async fn warning_or_muting_the_author_from_an_urgent_item_is_refused() {
    let cast = cast_with(|_| {}).await;
    let item_id = cast.urgent_item().await;
    let (community, reason) = (&cast.slug, "Tone it down.");
    let warn =
        json!({ "action": "warn", "member": "ben", "community": community, "item_id": item_id, "reason": reason });
    let mute = json!({
        "action": "mute", "member": "ben", "community": community, "item_id": item_id, "minutes": 60, "reason": reason,
    });
    for command in [&warn, &mute] {
        cast.act(&cast.moira, command.clone()).await.assert_error(409, "member_may_be_at_risk");
        cast.act(&cast.admin, command.clone()).await.assert_error(409, "member_may_be_at_risk");
    }
    assert!(
        cast.app.get("/api/v1/me/moderation", Some(&cast.ben)).await.body["entries"]
            .as_array()
            .expect("entries")
            .is_empty()
    );
    // From an ordinary item the same warning is taken.
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Walks", "Who is walking on Sunday?").await;
    let rude = cast.app.reply(&cast.ben, thread, Some(first), "Nobody asked you.").await;
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": rude, "reason": "harassment" }))
        .await
        .assert_status(201);
    let routine = cast.item_about(rude).await["id"].clone();
    let warn =
        json!({ "action": "warn", "member": "ben", "community": community, "item_id": routine, "reason": reason });
    cast.act(&cast.moira, warn).await.assert_status(201);
}

#[tokio::test]
async fn a_support_conversation_is_for_the_member_and_the_leads_only_live_and_leaves_with_erasure() {
    let cast = cast_with(|_| {}).await;
    let item_id = cast.urgent_item().await;
    // A moderator who is no lead, and another community's lead, may not open one.
    for outsider in [&cast.moira, &cast.otto, &cast.amy] {
        cast.app
            .post("/api/v1/support-conversations", Some(outsider), json!({ "item_id": item_id }))
            .await
            .assert_error(403, "forbidden");
    }
    let opened = cast.app.post("/api/v1/support-conversations", Some(&cast.cara), json!({ "item_id": item_id })).await;
    let conversation = opened.assert_status(201)["id"].as_i64().expect("conversation id");
    assert_eq!(opened.body["member"], "ben");
    // Opening it again gives the same one.
    let again = cast.app.post("/api/v1/support-conversations", Some(&cast.lee), json!({ "item_id": item_id })).await;
    assert_eq!(again.assert_status(200)["id"], conversation);

    let path = format!("/api/v1/support-conversations/{conversation}");
    let mut ben_live = LiveClient::connect(&cast.app, &cast.ben).await;
    let mut cara_live = LiveClient::connect(&cast.app, &cast.cara).await;
    let messages_path = format!("{path}/messages");
    let write = |who, body: &str| cast.app.post(&messages_path, Some(who), json!({ "body": body }));
    write(&cast.cara, "Hi Ben, I'm Cara. I read your post. How are you right now?").await.assert_status(201);
    let frame = ben_live.next_of("notification").await;
    assert_eq!(frame["notification"]["kind"], "support_message", "{frame}");
    assert_eq!(frame["notification"]["conversation_id"], conversation);
    write(&cast.ben, "Thank you for asking. Still here.").await.assert_status(201);
    let frame = cara_live.next_of("notification").await;
    assert_eq!(frame["notification"]["conversation_id"], conversation, "{frame}");
    assert_eq!(cast.lines_of(&cast.lee, "support_message").await.len(), 1, "the instance lead hears too");

    let seen = cast.app.get(&path, Some(&cast.ben)).await;
    let messages = seen.assert_status(200)["messages"].as_array().expect("messages").clone();
    assert_eq!(messages.len(), 2);
    assert_eq!((messages[0]["from_lead"].clone(), messages[1]["from_lead"].clone()), (json!(true), json!(false)));
    assert!(messages[1]["body_html"].as_str().expect("html").contains("Still here."));
    cast.app.get(&path, Some(&cast.lee)).await.assert_status(200);
    // Nobody else, admins and moderators included, even learns it exists.
    for outsider in [&cast.amy, &cast.moira, &cast.admin, &cast.otto] {
        cast.app.get(&path, Some(outsider)).await.assert_error(404, "not_found");
        write(outsider, "Hello?").await.assert_error(404, "not_found");
        let listed = cast.app.get("/api/v1/support-conversations", Some(outsider)).await;
        assert!(listed.assert_status(200).as_array().expect("list").is_empty());
    }
    let listed = cast.app.get("/api/v1/support-conversations", Some(&cast.ben)).await;
    assert_eq!(listed.assert_status(200)[0]["id"], conversation);

    // In Ben's export, and gone with his erasure.
    cast.app.post("/api/v1/me/export", Some(&cast.ben), json!({})).await.assert_status(202);
    let document = download(&cast.app, &cast.ben).await;
    let exported = &document["support_conversations"][0]["messages"];
    assert_eq!(exported[1]["body"], "Thank you for asking. Still here.", "{document}");
    assert_eq!(exported[1]["mine"], true);
    cast.app
        .send(reqwest::Method::DELETE, "/api/v1/me", Some(&cast.ben), Some(json!({ "password": PASSWORD })))
        .await
        .assert_status(204);
    cast.app.get(&path, Some(&cast.cara)).await.assert_error(404, "not_found");
    let mut connection = cast.app.connect();
    use diesel::prelude::*;
    use kindred::db::schema::{support_conversations, support_messages};
    let left: i64 = support_messages::table.count().get_result(&mut connection).expect("count");
    let conversations: i64 = support_conversations::table.count().get_result(&mut connection).expect("count");
    assert_eq!((left, conversations), (0, 0), "nothing of the conversation is left");
}

#[tokio::test]
async fn crisis_words_in_a_support_conversation_alert_the_leads_and_show_the_member_help() {
    let cast = cast_with(|_| {}).await;
    let item_id = cast.urgent_item().await;
    let opened = cast.app.post("/api/v1/support-conversations", Some(&cast.cara), json!({ "item_id": item_id })).await;
    let conversation = opened.assert_status(201)["id"].as_i64().expect("conversation id");
    let messages_path = format!("/api/v1/support-conversations/{conversation}/messages");
    let write = |who, body: &str| cast.app.post(&messages_path, Some(who), json!({ "body": body }));
    let alerts_before = cast.lines_of(&cast.cara, "safeguarding_alert").await.len();

    // A lead's words are not screened, even when they name the risk.
    let lead = write(&cast.cara, "Are you thinking of ending your life tonight?").await;
    assert!(lead.assert_status(201)["support"].is_null(), "{}", lead.body);
    // Ordinary words from the member change nothing.
    let calm = write(&cast.ben, "A bit better after some sleep, thanks.").await;
    assert!(calm.assert_status(201)["support"].is_null(), "{}", calm.body);
    assert_eq!(cast.lines_of(&cast.cara, "safeguarding_alert").await.len(), alerts_before);

    // Hours later, with nobody reading, the member writes in crisis.
    let crisis = write(&cast.ben, "I've got the tablets out. I can't do this any more, tonight is the night.").await;
    let support = crisis.assert_status(201)["support"].clone();
    assert_eq!(support["alerted"], true, "{support}");
    assert!(!support["helplines"].as_array().expect("helplines").is_empty(), "{support}");
    let alerts = cast.lines_of(&cast.cara, "safeguarding_alert").await;
    assert_eq!(alerts.len(), alerts_before + 1, "the community's lead is alerted again: {alerts:?}");
    assert_eq!(cast.lines_of(&cast.lee, "safeguarding_alert").await.len(), alerts_before + 1, "and the instance's");
    let queue = cast.app.get("/api/v1/moderation/queue", Some(&cast.admin)).await;
    let about_ben = queue.assert_status(200)["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["subject"] == "member")
        .cloned()
        .unwrap_or_else(|| panic!("an item about ben: {}", queue.body));
    assert_eq!(about_ben["urgent"], true, "{about_ben}");
}
