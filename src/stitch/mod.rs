//! Gzip for thread pages without compressing every post's text on every
//! request. A post's text, as a page's JSON carries it, is deflated once
//! when the post is written: its piece. A page is gzipped by compressing
//! only what lies between the pieces (`glue`) and copying the pieces in.
//! Deflate (RFC 1951) allows this because a piece refers to nothing before
//! it and ends on a byte boundary, and the glue's blocks end on one too. A
//! piece is used only where the page's bytes match the length and CRC-32 it
//! was made from; anywhere else the text is compressed with the glue. Every
//! write of a post's text replaces its piece, so none should be stale; the
//! check keeps a page right if one ever is.

mod glue;

use actix_web::web::Bytes;
use flate2::{Compress, CompressError, Compression, FlushCompress, Status};
use glue::Glue;

/// A post's text deflated once: the JSON string it was made from (its
/// length and CRC-32) and the raw deflate blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub json_length: usize,
    pub json_crc: u32,
    pub deflated: Bytes,
}

impl Piece {
    /// The piece of `text` as a JSON string, at the best level: it is made
    /// once per write and copied into every gzipped page that shows it.
    pub fn of_text(text: &str) -> Result<Piece, CompressError> {
        // A string always serialises.
        let json = serde_json::to_string(text).unwrap_or_default();
        let mut deflated = Vec::with_capacity(json.len() / 2 + 64);
        let mut compressor = Compress::new(Compression::best(), false);
        deflate(&mut compressor, json.as_bytes(), &mut deflated)?;
        Ok(Piece { json_length: json.len(), json_crc: crc32fast::hash(json.as_bytes()), deflated: deflated.into() })
    }
}

/// `body` gzipped (RFC 1952), with `pieces[i]`, where present, standing
/// for the value of the i-th `field` key in it (the key as written, quoted
/// and with its colon: a quote inside a JSON string is always escaped, so
/// the key cannot occur inside a value).
pub fn gzip(body: &[u8], field: &str, pieces: &[Option<Piece>]) -> Vec<u8> {
    let mut glue = Glue::new(Vec::with_capacity(body.len() / 3 + 64));
    glue.piece(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut done = 0;
    let mut keys = memchr::memmem::find_iter(body, field.as_bytes());
    for piece in pieces {
        let Some(key) = keys.next() else { break };
        let start = key + field.len();
        let Some(piece) = piece else { continue };
        let Some(json) = body.get(start..start + piece.json_length) else { continue };
        if crc32fast::hash(json) != piece.json_crc {
            continue;
        }
        glue.block(body, done..start, false);
        glue.piece(&piece.deflated);
        done = start + json.len();
    }
    glue.block(body, done..body.len(), true);
    let mut out = glue.into_bytes();
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    // The length modulo 2^32, as the format has it.
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out
}

/// Compresses all of `input` onto `out` and ends on a byte boundary
/// without ending the stream.
fn deflate(compressor: &mut Compress, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), CompressError> {
    loop {
        out.reserve(input.len() / 2 + 64);
        let read_before = compressor.total_in();
        let status = compressor.compress_vec(input, out, FlushCompress::Sync)?;
        input = &input[(compressor.total_in() - read_before) as usize..];
        if status == Status::StreamEnd || (input.is_empty() && out.len() < out.capacity()) {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;

    use super::*;

    const FIELD: &str = "\"text\":";

    fn unzip(gzipped: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        GzDecoder::new(gzipped).read_to_end(&mut plain).expect("a valid gzip stream");
        plain
    }

    /// A page of posts whose glue repeats, so that a compressor which
    /// referred back across a piece would write a wrong copy.
    fn page(texts: &[&str]) -> Vec<u8> {
        let posts: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(id, text)| serde_json::json!({"id": id, "author": "the same author", "text": text}))
            .collect();
        serde_json::to_vec(&posts).expect("json")
    }

    const TEXTS: [&str; 3] = [
        "<p>Walking helped me more than I thought it would.</p>",
        "<p>Walking helped me \"more\" than I thought\nit would.</p>",
        "<p>The same author, the same author, the same author.</p>",
    ];

    #[test]
    fn a_stitched_page_unzips_to_itself() {
        let body = page(&TEXTS);
        let pieces: Vec<_> = TEXTS.iter().map(|text| Some(Piece::of_text(text).expect("piece"))).collect();
        let stitched = gzip(&body, FIELD, &pieces);
        assert_eq!(unzip(&stitched), body);
        for piece in pieces.iter().flatten() {
            let at = stitched.windows(piece.deflated.len()).position(|window| window == &piece.deflated[..]);
            assert!(at.is_some(), "each piece is copied in as made");
        }
    }

    #[test]
    fn missing_stale_and_surplus_pieces_are_compressed_with_the_page() {
        let body = page(&TEXTS);
        let stale = Piece::of_text("<p>What the post said before it was edited.</p>").expect("piece");
        let pieces = [None, Some(stale), Piece::of_text(TEXTS[2]).ok(), Piece::of_text("no such post").ok()];
        assert_eq!(unzip(&gzip(&body, FIELD, &pieces)), body);
        assert_eq!(unzip(&gzip(&body, FIELD, &[])), body);
        assert_eq!(unzip(&gzip(b"", FIELD, &[])), b"");
    }

    #[test]
    fn a_piece_longer_than_what_is_left_is_not_used() {
        let body = page(&TEXTS[..1]);
        let mut piece = Piece::of_text(TEXTS[0]).expect("piece");
        piece.json_length = body.len();
        assert_eq!(unzip(&gzip(&body, FIELD, &[Some(piece)])), body);
    }
}
