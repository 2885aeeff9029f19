//! Keeping each post's head (`view::PostHead`) ready for thread pages:
//! written whenever what it shows changes (the post is written or edited,
//! a mention in it is rewritten, its author's name or badges change), with
//! its text's piece for gzipped pages (`stitch`), and never kept for a crisis
//! post, which visitors may not read, so a page builds that one for each
//! reader.

use std::ops::Range;

use super::view::PostHead;
use crate::db::AnyConnection;
use crate::db::post_heads;
use crate::db::posts::{self as post_store, Which};
use crate::error::{ApiError, ApiResult};
use crate::stitch::{Piece, Placed};

/// Writes again the heads of the posts `which` names, in the caller's transaction.
pub fn refresh(connection: &mut AnyConnection, which: Which) -> ApiResult<()> {
    for listing in post_store::listings_of(connection, which)? {
        let post_id = listing.post.id;
        if listing.crisis {
            post_heads::forget(connection, post_id)?;
        } else {
            let head = serde_json::to_vec(&PostHead::shown(listing)).map_err(ApiError::internal)?;
            let text = text_in(&head)?;
            let piece = Piece::of_json(&head[text.clone()]).map_err(ApiError::internal)?;
            post_heads::store(connection, post_id, &head, &Placed { at: text.start, piece })?;
        }
    }
    Ok(())
}

/// What a page copies of a kept head: all of it but the closing brace, so
/// that the reader's reactions can follow.
pub fn copied(head: &[u8]) -> ApiResult<&[u8]> {
    head.strip_suffix(b"}").ok_or_else(|| ApiError::internal("a kept head is not an object"))
}

/// Where the text (`body_html`'s value, a JSON string with its quotes)
/// lies in a head, and so in what a page copies of it (all but its closing
/// brace, which the text comes before): the piece is made of it alone, as
/// the fields around it repeat from post to post and a page compresses them
/// better together than each piece could. The key is found only as a key,
/// and the string ends at the first quote not escaped, since JSON escapes
/// every quote and backslash inside a string. The piece is stored with
/// where it lies, so this runs only when a head is written.
pub fn text_in(bytes: &[u8]) -> ApiResult<Range<usize>> {
    const KEY: &[u8] = b"\"body_html\":\"";
    let no_text = || ApiError::internal("a kept head has no text");
    let start = memchr::memmem::find(bytes, KEY).ok_or_else(no_text)? + KEY.len() - 1;
    let mut from = start + 1;
    loop {
        let quote = from + memchr::memchr(b'"', &bytes[from..]).ok_or_else(no_text)?;
        let escapes = bytes[..quote].iter().rev().take_while(|byte| **byte == b'\\').count();
        if escapes % 2 == 0 {
            return Ok(start..quote + 1);
        }
        from = quote + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::text_in;

    #[test]
    fn the_text_is_the_whole_json_string_whatever_it_escapes() {
        for text in ["", "<p>plain</p>", "a \"quoted\" word", "ends in a backslash \\", "\\\"", "呼吸 \n"] {
            let head = serde_json::json!({"id": 1, "author": {"display_name": "\"body_html\":\""}, "body_html": text,
                "created_at": "2026-12-06"})
            .to_string();
            let span = text_in(head.as_bytes()).expect("a text");
            assert_eq!(&head[span], serde_json::to_string(text).expect("json"), "{text:?}");
        }
    }
}
