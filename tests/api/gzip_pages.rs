//! A thread page sent gzipped is stitched from each kept post head deflated
//! when it was written (its piece) and the page's other bytes compressed
//! around them. Whatever a post went through (edited, its mention of an
//! erased member rewritten, deleted, hidden by moderators) and whoever
//! reads, the gzipped page unzips to exactly the plain page, and the piece
//! of every post it shows in full is current, so it is copied in.

use std::io::Read;

use diesel::prelude::*;
use kindred::db::AnyConnection;
use kindred::db::schema::post_heads;
use kindred::discussion::heads::KeptHead;
use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};

/// Every kept head has a piece, placed where its text lies in the head as a
/// page's JSON carries it, which inflates to that text; returns the pieces'
/// deflate blocks by post id.
pub fn assert_pieces_match_heads(connection: &mut AnyConnection) -> Vec<(i64, Vec<u8>)> {
    let rows: Vec<(i64, Vec<u8>)> =
        post_heads::table.select((post_heads::post_id, post_heads::kept)).load(connection).expect("the heads");
    let mut pieces = Vec::new();
    for (post, stored) in rows {
        let kept = KeptHead::read(stored).unwrap_or_else(|| panic!("post {post}'s head reads as kept"));
        let Some(text) = kept.text() else { panic!("post {post}'s head has no piece") };
        let view: Value = serde_json::from_slice(kept.head()).expect("a head is JSON");
        let copied = view["body_html"].to_string();
        assert_eq!(&kept.head()[text], copied.as_bytes(), "post {post}'s piece's place");
        let deflated = kept.deflated().to_vec();
        // A piece ends on a byte boundary but does not end the stream: an
        // empty last block (fixed codes, end of block) closes it to be read.
        let closed = [&deflated[..], &[0x03, 0x00]].concat();
        let mut inflated = String::new();
        flate2::read::DeflateDecoder::new(&closed[..]).read_to_string(&mut inflated).expect("raw deflate");
        assert_eq!(inflated, copied, "post {post}'s piece");
        pieces.push((post, deflated));
    }
    pieces
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
async fn a_gzipped_page_unzips_to_the_page_and_copies_in_each_kept_heads_current_piece() {
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

    let pieces = assert_pieces_match_heads(&mut app.connect());
    // Hiding a post keeps its head and piece, which a page reads only while the post is public.
    let hidden_piece = pieces.iter().find(|(id, _)| *id == hidden).map(|(_, piece)| piece).expect("kept");
    for who in [None, Some(&amy), Some(&ben), Some(&admin)] {
        let (page, plain, zipped) = both_ways(&app, thread, who).await;
        let posts = page["posts"].as_array().expect("posts");
        // Shown in full as every reader sees them (moderators also read the
        // hidden post, with a notice, built from its row).
        let in_full = |post: &&Value| post["body_html"].is_string() && post.get("moderation").is_none();
        let shown: Vec<i64> = posts.iter().filter(in_full).filter_map(|post| post["id"].as_i64()).collect();
        // Every post shown in full has a kept head but quill's: an erased
        // member's posts are built from their rows.
        let kept: Vec<&Vec<u8>> =
            shown.iter().filter_map(|post| pieces.iter().find(|(id, _)| id == post)).map(|(_, piece)| piece).collect();
        assert_eq!(kept.len(), shown.len() - 1, "{page}");
        let copied_in = |piece: &[u8]| zipped.windows(piece.len()).any(|window| window == piece);
        for piece in kept {
            assert!(copied_in(piece), "each piece is copied in");
        }
        assert!(!copied_in(hidden_piece), "a hidden post's piece is never copied in, even for moderators");
        assert!(zipped.len() < plain.len(), "the page is compressed: {} of {} bytes", zipped.len(), plain.len());
        let texts = page.to_string();
        assert!(texts.contains("slowly") && texts.contains("a former member"), "the edit and the rewrite show");
    }

    // A kept head whose text is not where it says has no piece to copy in,
    // and a kept value that does not read as a head at all is not sent: the
    // post is built from its row. Either way the page unzips to itself.
    let (plain_page, _, _) = both_ways(&app, thread, None).await;
    let mut connection = app.connect();
    let stored: Vec<(i64, Vec<u8>)> =
        post_heads::table.select((post_heads::post_id, post_heads::kept)).load(&mut connection).expect("the heads");
    let mut heads = Vec::new();
    for (index, (post, stored)) in stored.into_iter().enumerate() {
        let kept = KeptHead::read(stored).expect("a kept head");
        let text = kept.text().expect("a piece");
        heads.push((post, kept.head().to_vec()));
        let spoilt = match index % 3 {
            0 => KeptHead::compose(kept.head(), text.start + 1..text.end + 1, kept.deflated()),
            1 => KeptHead::compose(kept.head(), text.start - 1..text.end, kept.deflated()),
            _ => vec![0xff; 5],
        };
        store_kept(&mut connection, post, spoilt);
    }
    assert_sent_without_pieces(&app, thread, &plain_page, &pieces).await;

    // A head kept before heads had pieces has none: its text is compressed
    // with the rest of the page, which still unzips to the page.
    for (post, head) in heads {
        store_kept(&mut connection, post, KeptHead::compose(&head, 0..0, &[]));
    }
    assert_sent_without_pieces(&app, thread, &plain_page, &pieces).await;
}

/// Keeps `kept` as the stored value of `post`'s head, whatever it holds.
fn store_kept(connection: &mut AnyConnection, post: i64, kept: Vec<u8>) {
    diesel::update(post_heads::table.find(post)).set(post_heads::kept.eq(kept)).execute(connection).expect("kept");
}

/// The signed-out page is still `expected`, gzipped too, with none of `pieces` copied in.
async fn assert_sent_without_pieces(app: &TestApp, thread: i64, expected: &Value, pieces: &[(i64, Vec<u8>)]) {
    let (page, plain, zipped) = both_ways(app, thread, None).await;
    assert_eq!(&page, expected, "the page is the same");
    assert!(pieces.iter().all(|(_, piece)| !zipped.windows(piece.len()).any(|window| window == &piece[..])));
    assert!(zipped.len() < plain.len(), "the page is still compressed");
}
