//! Keeping each post's head (`view::PostHead`) ready for thread pages:
//! written whenever what it shows changes (the post is written or edited,
//! a mention in it is rewritten, its author's name or badges change), with
//! its text's piece for gzipped pages (`stitch`) in the same stored value,
//! and never kept for a crisis post, which visitors may not read, so a page
//! builds that one for each reader.

use std::ops::Range;

use super::view::PostHead;
use crate::db::AnyConnection;
use crate::db::post_heads;
use crate::db::posts::{self as post_store, Which};
use crate::error::{ApiError, ApiResult};
use crate::stitch::{Piece, Placed};

/// Bytes after a kept head's piece: how long the head is, where its text
/// starts in it and how long that text is, each four bytes, big-endian.
const TRAILER: usize = 12;

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
            post_heads::store(connection, post_id, &KeptHead::compose(&head, text, &piece.deflated))?;
        }
    }
    Ok(())
}

/// A post's head as kept: its bytes, then its text's piece, then where
/// each lies (`TRAILER`), read from one stored value. The head and its piece
/// are written together as that value, so the piece always stands for the
/// text as the head holds it.
pub struct KeptHead {
    bytes: Vec<u8>,
    head_length: usize,
    text: Option<Range<usize>>,
}

impl KeptHead {
    /// The value kept for `head`, whose `text` the piece's `deflated` blocks
    /// were made from.
    pub fn compose(head: &[u8], text: Range<usize>, deflated: &[u8]) -> Vec<u8> {
        let mut kept = Vec::with_capacity(head.len() + deflated.len() + TRAILER);
        kept.extend_from_slice(head);
        kept.extend_from_slice(deflated);
        for number in [head.len(), text.start, text.len()] {
            kept.extend_from_slice(&(number as u32).to_be_bytes());
        }
        kept
    }

    /// A kept value as `compose` wrote it, if it reads as one: the head an
    /// object that ends within it, the text a JSON string inside the head.
    /// A text that is not where it says is no text, so its piece is not
    /// used; a text of no length is a head kept without a piece.
    pub fn read(bytes: Vec<u8>) -> Option<KeptHead> {
        let trailer_at = bytes.len().checked_sub(TRAILER)?;
        let number = |index: usize| {
            let at = trailer_at + index * 4;
            Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
        };
        let (head_length, text_start, text_length) = (number(0)?, number(1)?, number(2)?);
        let head = bytes.get(..head_length).filter(|_| head_length <= trailer_at)?;
        if head.last() != Some(&b'}') {
            return None;
        }
        // The text lies before the head's closing brace, and is quoted.
        let text = text_start..text_start + text_length;
        let quoted = head[..head_length - 1]
            .get(text.clone())
            .is_some_and(|json| json.len() >= 2 && json.starts_with(b"\"") && json.ends_with(b"\""));
        let has_piece = trailer_at > head_length;
        Some(KeptHead { bytes, head_length, text: Some(text).filter(|_| has_piece && quoted) })
    }

    /// The head's bytes.
    pub fn head(&self) -> &[u8] {
        &self.bytes[..self.head_length]
    }

    /// What a page copies of the head: all of it but the closing brace, so
    /// that the reader's reactions can follow.
    pub fn copied(&self) -> &[u8] {
        &self.bytes[..self.head_length - 1]
    }

    /// Where the text lies in the head, when its piece may be used.
    pub fn text(&self) -> Option<Range<usize>> {
        self.text.clone()
    }

    /// The piece's deflate blocks (empty for a head kept without one).
    pub fn deflated(&self) -> &[u8] {
        &self.bytes[self.head_length..self.bytes.len() - TRAILER]
    }

    /// The piece, placed where the text lies in a page that copied the head
    /// in at `head_at`: its blocks are moved to the front of the value read,
    /// which is not copied again.
    pub fn into_placed(self, head_at: usize) -> Option<Placed> {
        let text = self.text?;
        let mut deflated = self.bytes;
        deflated.truncate(deflated.len() - TRAILER);
        deflated.drain(..self.head_length);
        Some(Placed { at: head_at + text.start, piece: Piece { json_length: text.len(), deflated } })
    }
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
    use super::{KeptHead, TRAILER, text_in};

    #[test]
    fn a_kept_head_reads_back_with_its_piece_and_a_misplaced_text_has_none() {
        let head = br#"{"id":7,"body_html":"<p>Hello</p>","created_at":"2026-12-07"}"#;
        let text = text_in(head).expect("a text");
        let kept = KeptHead::read(KeptHead::compose(head, text.clone(), b"blocks")).expect("a kept head");
        assert_eq!(
            (kept.head(), kept.copied(), kept.text(), kept.deflated()),
            (&head[..], &head[..head.len() - 1], Some(text.clone()), &b"blocks"[..])
        );
        let placed = kept.into_placed(100).expect("a piece");
        assert_eq!(
            (placed.at, placed.piece.json_length, &placed.piece.deflated[..]),
            (100 + text.start, text.len(), &b"blocks"[..])
        );
        for misplaced in [text.start + 1..text.end + 1, text.start - 1..text.end, text.start..head.len()] {
            let kept = KeptHead::read(KeptHead::compose(head, misplaced.clone(), b"blocks")).expect("a head");
            assert_eq!((kept.head(), kept.text()), (&head[..], None), "{misplaced:?}");
        }
        let without_piece = KeptHead::read(KeptHead::compose(head, 0..0, b"")).expect("a head");
        assert!(without_piece.text().is_none() && without_piece.into_placed(0).is_none());
        let mut too_long = KeptHead::compose(head, text, b"blocks");
        too_long[head.len() + 6..head.len() + 10].copy_from_slice(&1000u32.to_be_bytes());
        assert!(KeptHead::read(too_long).is_none(), "a head longer than the value");
        assert!(KeptHead::read(KeptHead::compose(b"[1]", 0..0, b"")).is_none(), "not an object");
        assert!(KeptHead::read(vec![0; TRAILER - 1]).is_none(), "shorter than the trailer");
    }

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
