//! A net while volunteers sleep, black-box: content several members report
//! within the window, while no moderator has it, is hidden pending review
//! and logged as done by Kindred's automatic account; a report that a
//! member is worried about someone makes an urgent safeguarding item.

use serde_json::json;

use crate::helpers::{Account, TestApp};
use crate::live_client::{LiveClient, default_room};
use crate::safeguarding::{Cast, cast_with};

const AUTOMATIC: &str = "Kindred (automatic)";

impl Cast {
    async fn report(&self, who: &Account, target: serde_json::Value) {
        let mut report = target;
        report["reason"] = json!("spam");
        self.app.post("/api/v1/reports", Some(who), report).await.assert_status(201);
    }
}

impl Cast {
    /// Whether `who` reads the post's text on its thread page.
    async fn shows(&self, who: Option<&Account>, thread: i64, post: i64) -> bool {
        let page = self.app.get(&format!("/api/v1/threads/{thread}"), who).await;
        let posts = page.assert_status(200)["posts"].as_array().expect("posts").clone();
        posts.into_iter().find(|each| each["id"] == post).expect("the post")["body_html"].is_string()
    }
}

/// Moves every report back in time by `minutes`, as the clock would.
fn age_reports(app: &TestApp, minutes: i64) {
    use diesel::prelude::*;
    use kindred::db::schema::reports;
    let mut connection = app.connect();
    diesel::update(reports::table)
        .set(reports::created_at.eq(reports::created_at - minutes * 60_000))
        .execute(&mut connection)
        .expect("reports aged");
}

#[tokio::test]
async fn three_members_reporting_a_post_within_the_hour_hide_it_pending_review_logged_as_automatic() {
    let cast = cast_with(|_| {}).await;
    let dee = cast.app.register("dee").await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Walks", "Who is walking Sunday?").await;
    let spam =
        cast.app.reply(&cast.ben, thread, Some(first), "Discount trainers at my shop, message me for a code").await;
    cast.report(&cast.amy, json!({ "post_id": spam })).await;
    cast.report(&cast.otto, json!({ "post_id": spam })).await;
    assert!(cast.shows(None, thread, spam).await, "two reports are not enough");
    cast.report(&dee, json!({ "post_id": spam })).await;
    assert!(
        !cast.shows(None, thread, spam).await && !cast.shows(Some(&cast.amy), thread, spam).await,
        "hidden after the third"
    );

    // Logged as done by Kindred itself; the item stays open for a moderator; the author is told.
    let log = cast.app.get("/api/v1/moderation/log", Some(&cast.admin)).await;
    let entry = log.assert_status(200)["entries"][0].clone();
    assert_eq!((entry["action"].clone(), entry["actor"].clone()), (json!("hide"), json!(AUTOMATIC)), "{entry}");
    assert_eq!(entry["subject_id"], spam);
    let item = cast.item_about(spam).await;
    assert_eq!(item["content"]["state"], "hidden");
    let told = cast.lines_of(&cast.ben, "moderation").await;
    assert!(told[0]["summary"].as_str().expect("summary").starts_with("Kindred hid your post"), "{told:?}");
    // The automatic account can't be erased (nor signed in to).
    let erase = cast.app.delete("/api/v1/admin/users/Kindred%20(automatic)", Some(&cast.admin)).await;
    erase.assert_error(409, "automatic_account");
    cast.app.sign_in(AUTOMATIC, "a calm long password").await.assert_error(401, "invalid_credentials");
    // A moderator restores it, which closes the item; the author may appeal as usual.
    let restore = json!({ "action": "restore", "post_id": spam, "reason": "Checked: a member's own shop." });
    cast.app.post("/api/v1/moderation/actions", Some(&cast.moira), restore).await.assert_status(201);
    assert!(cast.shows(None, thread, spam).await);
}

#[tokio::test]
async fn reports_older_than_the_window_or_on_a_claimed_item_hide_nothing() {
    let cast = cast_with(|_| {}).await;
    let dee = cast.app.register("dee").await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Walks", "Who is walking Sunday?").await;
    let old = cast.app.reply(&cast.ben, thread, Some(first), "An old argument").await;
    cast.report(&cast.amy, json!({ "post_id": old })).await;
    cast.report(&cast.otto, json!({ "post_id": old })).await;
    age_reports(&cast.app, 61);
    cast.report(&dee, json!({ "post_id": old })).await;
    assert_eq!(cast.item_about(old).await["content"]["state"], "visible", "two of the three are past the hour");

    let claimed = cast.app.reply(&cast.ben, thread, Some(first), "Another argument").await;
    cast.report(&cast.amy, json!({ "post_id": claimed })).await;
    let item = cast.item_about(claimed).await["id"].as_i64().expect("item id");
    cast.app.put(&format!("/api/v1/moderation/items/{item}/claim"), Some(&cast.moira)).await.assert_status(204);
    cast.report(&cast.otto, json!({ "post_id": claimed })).await;
    cast.report(&dee, json!({ "post_id": claimed })).await;
    assert_eq!(cast.item_about(claimed).await["content"]["state"], "visible", "a moderator has it");
}

#[tokio::test]
async fn three_reports_of_a_chat_message_take_it_out_of_the_room() {
    let cast = cast_with(|_| {}).await;
    let dee = cast.app.register("dee").await;
    let room = default_room(&cast.app, &cast.ben, &cast.slug).await;
    let mut ben = LiveClient::connect(&cast.app, &cast.ben).await;
    ben.subscribe(room, None).await;
    ben.say(room, "Discount trainers, message me for a code", "s1").await;
    let message = ben.next_of("ack").await["id"].as_i64().expect("id");
    for reporter in [&cast.amy, &cast.otto, &dee] {
        cast.report(reporter, json!({ "message_id": message })).await;
    }
    let deleted = ben.next_of("deleted").await;
    assert_eq!(deleted["id"], message, "{deleted}");
}

#[tokio::test]
async fn worried_about_this_person_makes_an_urgent_safeguarding_item() {
    let cast = cast_with(|_| {}).await;
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Evenings", "How are evenings?").await;
    let post = cast.app.reply(&cast.ben, thread, Some(first), "See you all at the walk on Sunday.").await;
    let report = json!({ "post_id": post, "reason": "worried_about_person", "details": "Not like them." });
    cast.app.post("/api/v1/reports", Some(&cast.amy), report).await.assert_status(201);
    let item = cast.item_about(post).await;
    assert_eq!(item["urgent"], true, "{item}");
    assert_eq!(cast.lines_of(&cast.cara, "safeguarding_alert").await[0]["item_id"], item["id"]);
    let mine = cast.app.get("/api/v1/me/reports", Some(&cast.amy)).await;
    assert_eq!(mine.assert_status(200)[0]["reason"], "worried_about_person");
}
