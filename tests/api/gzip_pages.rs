//! A thread page sent gzipped is stitched from each post's text deflated
//! when it was written (its piece) and the page's other bytes compressed
//! around them. Whatever a post went through (edited, its mention of an
//! erased member rewritten, deleted, hidden by moderators) and whoever
//! reads, the gzipped page unzips to exactly the plain page, and the piece
//! of every text it shows is current, so it is copied in.

use std::io::Read;

use diesel::prelude::*;
use kindred::db::AnyConnection;
use kindred::db::schema::{deflated_posts, posts};
use kindred::stitch::Piece;
use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};

/// Every stored piece matches the text its post shows now.
pub fn assert_pieces_match_texts(connection: &mut AnyConnection) {
    let rows: Vec<(i64, String, i64, i64)> = deflated_posts::table
        .inner_join(posts::table)
        .select((posts::id, posts::body_html, deflated_posts::json_length, deflated_posts::json_crc))
        .load(connection)
        .expect("the pieces");
    for (post, html, length, crc) in rows {
        let current = Piece::of_text(&html).expect("a piece");
        assert_eq!((current.json_length as i64, i64::from(current.json_crc)), (length, crc), "post {post}'s piece");
    }
}

/// The page as `who` is sent it plainly, and the same gzipped then unzipped,
/// with the gzipped bytes.
async fn both_ways(app: &TestApp, thread: i64, who: Option<&Account>) -> (Value, Vec<u8>, Vec<u8>) {
    let url = app.url(&format!("/api/v1/threads/{thread}"));
    let get = |encoding: &'static str| {
        let request = app.client.get(&url).header("Accept-Encoding", encoding);
        match who {
            Some(account) => request.bearer_auth(&account.token),
            None => request,
        }
        .send()
    };
    let plain = get("identity").await.expect("a reply");
    assert_eq!(plain.status(), 200);
    let plain = plain.bytes().await.expect("a body").to_vec();
    let zipped = get("gzip").await.expect("a reply");
    assert_eq!(zipped.headers().get("content-encoding").map(|value| value.as_bytes()), Some(&b"gzip"[..]));
    let zipped = zipped.bytes().await.expect("a body").to_vec();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..]).read_to_end(&mut unzipped).expect("valid gzip");
    assert_eq!(
        String::from_utf8_lossy(&unzipped),
        String::from_utf8_lossy(&plain),
        "the gzipped page unzips to the page"
    );
    (serde_json::from_slice(&plain).expect("json"), plain, zipped)
}

#[tokio::test]
async fn a_gzipped_page_unzips_to_the_page_and_copies_in_each_shown_texts_current_piece() {
    // Every page is loaded afresh, as on a busy instance.
    let app = spawn_app_with(|settings| settings.page_cache_seconds = 0).await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    let quill = app.register("quill").await;
    for member in [&amy, &ben, &quill] {
        app.join(member, "copd").await.assert_status(200);
    }
    let first = "Does \"pursed-lip\" breathing help?\n\nIt's *new* to me: 呼吸 <script>alert(1)</script> \\ done";
    let (thread, first_post) = app.thread(&amy, "copd", "Breathing", first).await;
    let edited = app.reply(&ben, thread, Some(first_post), "It helps on stairs.").await;
    app.patch(&format!("/api/v1/posts/{edited}"), Some(&ben), json!({ "body": "It helps on the stairs, \"slowly\"." }))
        .await
        .assert_status(200);
    let mention = app.reply(&ben, thread, Some(first_post), "Ask @quill, who walks daily.").await;
    app.reply(&quill, thread, Some(mention), "I do, every morning.").await;
    let deleted = app.reply(&amy, thread, Some(first_post), "Wrong thread, sorry.").await;
    app.delete(&format!("/api/v1/posts/{deleted}"), Some(&amy)).await.assert_status(204);
    let hidden = app.reply(&ben, thread, Some(first_post), "Off topic.").await;
    let hide = json!({ "action": "hide", "post_id": hidden, "reason": "Off topic." });
    app.post("/api/v1/moderation/actions", Some(&admin), hide).await.assert_status(201);
    let erase = app.send(reqwest::Method::DELETE, "/api/v1/me", Some(&quill), Some(json!({ "password": PASSWORD })));
    erase.await.assert_status(204);

    for who in [None, Some(&amy), Some(&ben), Some(&admin)] {
        let (page, _, zipped) = both_ways(&app, thread, who).await;
        let posts = page["posts"].as_array().expect("posts");
        let shown: Vec<&str> = posts.iter().filter_map(|post| post["body_html"].as_str()).collect();
        assert!(shown.len() >= 4, "the first post, the edit, the mention and quill's anonymised reply: {page}");
        for text in shown {
            let piece = Piece::of_text(text).expect("a piece");
            let copied = zipped.windows(piece.deflated.len()).any(|window| window == &piece.deflated[..]);
            assert!(copied, "the piece of {text:?} is copied in");
        }
        let texts = page.to_string();
        assert!(texts.contains("slowly") && texts.contains("a former member"), "the edit and the rewrite show");
    }
    assert_pieces_match_texts(&mut app.connect());
}
