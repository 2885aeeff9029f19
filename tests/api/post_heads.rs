//! A thread page copies in each post's head as it was kept when the post or
//! its author last changed, rather than building the post from its row on
//! every read. Whatever the posts and their authors went through (edits by
//! the author and by moderators, a mention of an erased member rewritten,
//! a new display name, badges granted and taken away, reactions, a crisis
//! post, a deletion, a hide, a block), every reader is sent exactly the page
//! they are sent when no head is kept and every post is built from its row.

use diesel::prelude::*;
use kindred::db::schema::post_heads;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};
use crate::safeguarding::CRISIS_TEXT;

/// The page of `thread` as `who` is sent it.
async fn page(app: &TestApp, thread: i64, who: Option<&Account>) -> String {
    let request = app.client.get(app.url(&format!("/api/v1/threads/{thread}")));
    let request = match who {
        Some(account) => request.bearer_auth(&account.token),
        None => request,
    };
    let reply = request.send().await.expect("a reply");
    assert_eq!(reply.status(), 200);
    reply.text().await.expect("a body")
}

#[tokio::test]
async fn every_reader_is_sent_the_same_page_whether_heads_are_kept_or_each_post_is_built() {
    // Every page is loaded afresh, as on a busy instance.
    let app = spawn_app_with(|settings| settings.page_cache_seconds = 0).await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let cat = app.register("cat").await;
    let dan = app.register("dan").await;
    let quill = app.register("quill").await;
    for member in [&amy, &ben, &cat, &dan, &quill] {
        app.join(member, "copd").await.assert_status(200);
    }
    let (thread, first) = app.thread(&amy, "copd", "Breathing", "Does \"pursed-lip\" breathing help? 呼吸").await;
    let edited = app.reply(&ben, thread, Some(first), "It helps on stairs.").await;
    app.patch(&format!("/api/v1/posts/{edited}"), Some(&ben), json!({ "body": "It helps on the stairs, \"slowly\"." }))
        .await
        .assert_status(200);
    let mention = app.reply(&ben, thread, Some(first), "Ask @quill, who walks daily.").await;
    app.reply(&quill, thread, Some(mention), "I do, every morning.").await;
    let renamed = app.reply(&cat, thread, Some(first), "Slow breaths out help me.").await;
    let crisis = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), json!({ "body": CRISIS_TEXT })).await;
    crisis.assert_status(201);
    app.reply(&dan, thread, Some(first), "Breathing out through the mouth, slowly.").await;
    let deleted = app.reply(&amy, thread, Some(first), "Wrong thread, sorry.").await;
    app.delete(&format!("/api/v1/posts/{deleted}"), Some(&amy)).await.assert_status(204);
    let hidden = app.reply(&ben, thread, Some(first), "Off topic.").await;
    let hide = json!({ "action": "hide", "post_id": hidden, "reason": "Off topic." });
    app.post("/api/v1/moderation/actions", Some(&admin), hide).await.assert_status(201);
    app.put(&format!("/api/v1/posts/{renamed}/reactions/hug"), Some(&amy)).await.assert_status(200);
    app.put(&format!("/api/v1/posts/{first}/reactions/hug"), Some(&ben)).await.assert_status(200);
    // Each change to whose post heads is made last to that author's posts,
    // so no later rewrite of them all hides a head a change left stale.
    let name = json!({ "display_name": "Cat in Leeds" });
    app.send(Method::PUT, "/api/v1/me/display-name", Some(&cat), Some(name)).await.assert_status(200);
    let moderated = app.reply(&cat, thread, Some(first), "Call me on 0113 496 0000.").await;
    let edit =
        json!({ "action": "edit", "post_id": moderated, "body": "Call me (number removed)", "reason": "No numbers." });
    app.post("/api/v1/moderation/actions", Some(&admin), edit).await.assert_status(201);
    let badge = |who: &str, kind: &str| format!("/api/v1/admin/members/{who}/badges/{kind}");
    app.send(Method::PUT, &badge("dan", "staff"), Some(&admin), Some(json!({}))).await.assert_status(200);
    app.send(Method::DELETE, &badge("dan", "staff"), Some(&admin), None).await.assert_status(204);
    let nurse = json!({ "detail": "Nurse" });
    app.send(Method::PUT, &badge("amy", "clinician"), Some(&admin), Some(nurse)).await.assert_status(200);
    app.put("/api/v1/blocks/cat", Some(&ben)).await.assert_status(204);
    let erase = app.send(Method::DELETE, "/api/v1/me", Some(&quill), Some(json!({ "password": PASSWORD })));
    erase.await.assert_status(204);

    let readers = [None, Some(&amy), Some(&ben), Some(&cat), Some(&admin)];
    let mut kept = Vec::new();
    for who in readers {
        kept.push(page(&app, thread, who).await);
    }
    let mut connection = app.connect();
    let heads: i64 = post_heads::table.count().get_result(&mut connection).expect("the heads");
    // Every post but the crisis post and the erased member's keeps its head.
    assert_eq!(heads, 8, "the heads kept");
    crate::gzip_pages::assert_pieces_match_heads(&mut connection);
    let texts = kept.join("");
    assert!(texts.contains("slowly") && texts.contains("a former member") && texts.contains("Cat in Leeds"));
    assert!(texts.contains("Nurse") && !texts.contains("Staff") && texts.contains("number removed"));
    assert!(texts.contains(r#""mine":true"#));

    diesel::delete(post_heads::table).execute(&mut connection).expect("the heads dropped");
    for (reader, (who, kept)) in readers.into_iter().zip(kept).enumerate() {
        assert_eq!(page(&app, thread, who).await, kept, "the page for reader {reader}");
    }
}
