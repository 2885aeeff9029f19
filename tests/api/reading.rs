//! A member's place in a thread, black-box: the first unread reply and how
//! many follow, the newest, a place that never moves back, refusals, the
//! place in the member's export and gone with their erasure, and new
//! replies to the thread open on screen announced over the live socket.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use reqwest::Method;
use serde_json::{Value, json};

use crate::erasure::download;
use crate::helpers::{Account, PASSWORD, TestApp, spawn_app};
use crate::live_client::LiveClient;

async fn reading(app: &TestApp, who: &Account, thread: i64) -> Value {
    app.get(&format!("/api/v1/threads/{thread}/reading"), Some(who)).await.assert_status(200).clone()
}

async fn mark(app: &TestApp, who: &Account, thread: i64, post: i64) -> crate::helpers::Reply {
    let path = format!("/api/v1/threads/{thread}/reading");
    app.send(Method::PUT, &path, Some(who), Some(json!({ "post_id": post }))).await
}

/// A public community with an admin and two members, Amy and Ben.
async fn two_members() -> (TestApp, Account, String, Account, Account) {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "breathe-easy", "public").await;
    let (amy, ben) = (app.register("amy").await, app.register("ben").await);
    for member in [&amy, &ben] {
        app.join(member, &slug).await.assert_status(200);
    }
    (app, admin, slug, amy, ben)
}

#[tokio::test]
async fn a_member_is_shown_the_first_reply_they_have_not_read_and_how_many_follow() {
    let (app, _, slug, amy, ben) = two_members().await;
    let (thread, first) = app.thread(&amy, &slug, "Stairs", "How do you manage stairs?").await;
    let own = app.reply(&ben, thread, Some(first), "One step at a time.").await;

    // Before a first visit, nothing is unread; the newest is known.
    let place = reading(&app, &ben, thread).await;
    assert_eq!(place["last_read_post_id"], Value::Null);
    assert_eq!(place["first_unread_post_id"], Value::Null);
    assert_eq!(place["newest_post_id"], own);
    mark(&app, &ben, thread, own).await.assert_status(204);

    let later = app.reply(&amy, thread, Some(own), "Same here, with a rest halfway.").await;
    let mine = app.reply(&ben, thread, Some(later), "A rest helps.").await;
    let latest = app.reply(&amy, thread, Some(first), "And a handrail.").await;
    let place = reading(&app, &ben, thread).await;
    assert_eq!(place["last_read_post_id"], own);
    assert_eq!(place["first_unread_post_id"], later);
    assert_eq!(place["unread_count"], 2, "their own reply is not unread: {place}");
    assert_eq!(place["newest_post_id"], latest);

    mark(&app, &ben, thread, latest).await.assert_status(204);
    // A place never moves back.
    mark(&app, &ben, thread, mine).await.assert_status(204);
    let place = reading(&app, &ben, thread).await;
    assert_eq!((place["last_read_post_id"].clone(), place["unread_count"].clone()), (json!(latest), json!(0)));
    assert_eq!(place["first_unread_post_id"], Value::Null);

    // Only a post of this thread, and only for a signed-in reader.
    let (other, other_first) = app.thread(&amy, &slug, "Other", "Another thread.").await;
    mark(&app, &ben, thread, other_first).await.assert_error(422, "invalid_post");
    mark(&app, &ben, thread, 999_999).await.assert_error(422, "invalid_post");
    app.get(&format!("/api/v1/threads/{other}/reading"), None).await.assert_status(401);
    app.send(Method::PUT, &format!("/api/v1/threads/{thread}/reading"), Some(&ben), Some(json!({})))
        .await
        .assert_status(400);
}

#[tokio::test]
async fn a_members_places_in_threads_are_in_their_export_and_go_with_their_erasure() {
    let (app, _, slug, amy, ben) = two_members().await;
    let (thread, first) = app.thread(&amy, &slug, "Stairs", "How do you manage stairs?").await;
    mark(&app, &ben, thread, first).await.assert_status(204);

    app.post("/api/v1/me/export", Some(&ben), json!({})).await.assert_status(202);
    let document = download(&app, &ben).await;
    assert_eq!(document["thread_reading"][0]["thread_id"], thread);
    assert_eq!(document["thread_reading"][0]["last_read_post_id"], first);

    app.send(Method::DELETE, "/api/v1/me", Some(&ben), Some(json!({ "password": PASSWORD }))).await.assert_status(204);
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        places: i64,
    }
    let left: Count = diesel::sql_query("SELECT COUNT(*) AS places FROM thread_reads")
        .get_result(&mut app.connect())
        .expect("a count");
    assert_eq!(left.places, 0);
}

#[tokio::test]
async fn a_member_watching_a_thread_hears_of_each_new_visible_reply_live() {
    let (app, admin, slug, amy, ben) = two_members().await;
    let private = app.community(&admin, "quiet-room", "members").await;
    app.join(&amy, &private).await.assert_status(200);
    let (thread, first) = app.thread(&amy, &slug, "Stairs", "How do you manage stairs?").await;
    let (other, other_first) = app.thread(&amy, &slug, "Other", "Another thread.").await;
    let (hidden, _) = app.thread(&amy, &private, "Members only", "Just us.").await;

    let mut live = LiveClient::connect(&app, &ben).await;
    // A thread the member may not read is refused, as the API would.
    live.send(json!({ "type": "watch_thread", "thread": hidden })).await;
    assert_eq!(live.next_of("error").await["code"], "not_found");
    live.send(json!({ "type": "watch_thread", "thread": thread })).await;
    assert_eq!(live.next_of("watching").await["thread"], thread);
    app.reply(&amy, other, Some(other_first), "Not this one.").await;
    let reply = app.reply(&amy, thread, Some(first), "A handrail helps.").await;
    let heard = live.next_of("thread_reply").await;
    assert_eq!((heard["thread"].clone(), heard["post_id"].clone()), (json!(thread), json!(reply)));

    // Watching another thread (or none) stops the first: the next news is the other's.
    live.send(json!({ "type": "unwatch_thread" })).await;
    assert_eq!(live.next_of("watching").await["thread"], Value::Null);
    live.send(json!({ "type": "watch_thread", "thread": other })).await;
    assert_eq!(live.next_of("watching").await["thread"], other);
    app.reply(&amy, thread, Some(first), "And rests.").await;
    let elsewhere = app.reply(&amy, other, Some(other_first), "Over here now.").await;
    let heard = live.next_of("thread_reply").await;
    assert_eq!((heard["thread"].clone(), heard["post_id"].clone()), (json!(other), json!(elsewhere)));
}
