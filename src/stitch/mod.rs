//! Gzip for thread pages without compressing every post's text on every
//! request. The text of a kept post head (see `discussion::heads`), as the
//! page's JSON carries it, is deflated once when the head is written: its
//! piece. A page is gzipped by compressing only what lies between the
//! pieces (`glue`: the thread, each post's other fields, which repeat from
//! post to post, its reactions, any post built for its reader) and copying
//! the pieces in. Deflate (RFC 1951) allows this because a piece refers to
//! nothing before it and ends on a byte boundary, and the glue's blocks end
//! on one too. A piece is used only where the page's bytes match the length
//! and CRC-32 it was made from; anywhere else those bytes are compressed
//! with the glue. A head and its piece are written together, so none should
//! be stale; the check keeps a page right if one ever is.

mod glue;

use actix_web::web::{Buf, Bytes};
use flate2::{Compress, CompressError, Compression, FlushCompress, Status};
use glue::Glue;

/// JSON deflated once: the length and CRC-32 of the bytes it was made
/// from, and the raw deflate blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Piece {
    pub json_length: usize,
    pub json_crc: u32,
    pub deflated: Bytes,
}

impl Piece {
    /// The piece of `json`, at the best level: it is made once per write
    /// and copied into every gzipped page that shows it.
    pub fn of_json(json: &[u8]) -> Result<Piece, CompressError> {
        let mut deflated = Vec::with_capacity(json.len() / 2 + 64);
        let mut compressor = Compress::new(Compression::best(), false);
        deflate(&mut compressor, json, &mut deflated)?;
        Ok(Piece { json_length: json.len(), json_crc: crc32fast::hash(json), deflated: deflated.into() })
    }
}

/// A piece and where in a page its JSON was written.
#[derive(Debug, Clone)]
pub struct Placed {
    pub at: usize,
    pub piece: Piece,
}

/// Bytes before a stored piece's deflate blocks: where its JSON starts,
/// that JSON's length and its CRC-32, each four bytes, little-endian.
const STORED_HEADER: usize = 12;

impl Placed {
    /// The piece as kept beside the JSON it was placed in, so that a reader
    /// of both need not find where it goes.
    pub fn to_stored(&self) -> Vec<u8> {
        let mut stored = Vec::with_capacity(STORED_HEADER + self.piece.deflated.len());
        for number in [self.at as u32, self.piece.json_length as u32, self.piece.json_crc] {
            stored.extend_from_slice(&number.to_le_bytes());
        }
        stored.extend_from_slice(&self.piece.deflated);
        stored
    }

    /// A piece as `to_stored` kept it, if that is what `stored` holds.
    pub fn from_stored(stored: Vec<u8>) -> Option<Placed> {
        let number = |index: usize| {
            let bytes = stored.get(index * 4..index * 4 + 4)?;
            Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
        };
        let (at, json_length, json_crc) = (number(0)?, number(1)?, number(2)? as u32);
        // The blocks are taken without copying them out of what was read.
        let mut deflated = Bytes::from(stored);
        deflated.advance(STORED_HEADER);
        Some(Placed { at, piece: Piece { json_length, json_crc, deflated } })
    }
}

/// `body` gzipped (RFC 1952), with each of `placed` (in the order of their
/// places, not overlapping) standing for the bytes it was made from.
pub fn gzip(body: &[u8], placed: &[Placed]) -> Vec<u8> {
    // A page's glue and pieces come to under half its JSON.
    let mut glue = Glue::new(Vec::with_capacity(body.len() / 2 + 64));
    glue.piece(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut done = 0;
    for Placed { at, piece } in placed {
        let Some(json) = body.get(*at..at + piece.json_length) else { continue };
        if *at < done || crc32fast::hash(json) != piece.json_crc {
            continue;
        }
        glue.block(body, done..*at, false);
        glue.piece(&piece.deflated);
        done = at + json.len();
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

    fn unzip(gzipped: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        GzDecoder::new(gzipped).read_to_end(&mut plain).expect("a valid gzip stream");
        plain
    }

    /// Posts whose glue repeats, so that a compressor which referred back
    /// across a piece would write a wrong copy.
    const POSTS: [&str; 3] = [
        r#"{"id":1,"author":"the same author","text":"<p>Walking helped me more than I thought it would.</p>""#,
        r#"{"id":2,"author":"the same author","text":"<p>Walking helped me \"more\" than I thought\nit would.</p>""#,
        r#"{"id":3,"author":"the same author","text":"<p>The same author, the same author.</p>""#,
    ];

    /// A page of `POSTS`, each followed by its reactions, with where each post starts.
    fn page() -> (Vec<u8>, Vec<usize>) {
        let mut body = b"{\"posts\":[".to_vec();
        let mut starts = Vec::new();
        for (index, post) in POSTS.iter().enumerate() {
            if index > 0 {
                body.push(b',');
            }
            starts.push(body.len());
            body.extend_from_slice(post.as_bytes());
            body.extend_from_slice(b",\"reactions\":[{\"kind\":\"hug\",\"count\":2}]}");
        }
        body.extend_from_slice(b"]}");
        (body, starts)
    }

    fn placed(at: usize, json: &str) -> Placed {
        Placed { at, piece: Piece::of_json(json.as_bytes()).expect("piece") }
    }

    #[test]
    fn a_stitched_page_unzips_to_itself_with_each_piece_copied_in() {
        let (body, starts) = page();
        let placed: Vec<_> = starts.iter().zip(POSTS).map(|(at, post)| placed(*at, post)).collect();
        let stitched = gzip(&body, &placed);
        assert_eq!(unzip(&stitched), body);
        for Placed { piece, .. } in &placed {
            let at = stitched.windows(piece.deflated.len()).position(|window| window == &piece.deflated[..]);
            assert!(at.is_some(), "each piece is copied in as made");
        }
    }

    #[test]
    fn a_placed_piece_is_read_back_as_stored_and_a_shorter_blob_is_none() {
        let placed = placed(7, POSTS[1]);
        let read = Placed::from_stored(placed.to_stored()).expect("a stored piece");
        assert_eq!((read.at, read.piece), (7, placed.piece));
        assert!(Placed::from_stored(vec![1; STORED_HEADER - 1]).is_none());
        let empty = Placed::from_stored(vec![0; STORED_HEADER]).expect("a header alone");
        assert!(empty.piece.deflated.is_empty());
    }

    #[test]
    fn stale_misplaced_overlapping_and_surplus_pieces_are_compressed_with_the_page() {
        let (body, starts) = page();
        let stale = placed(starts[0], r#"{"id":1,"author":"the same author","text":"<p>Before the edit.</p>""#);
        let misplaced = placed(starts[1] + 1, POSTS[1]);
        let overlapping = placed(starts[2], POSTS[2]);
        let surplus = placed(body.len() - 2, POSTS[0]);
        let all = [stale, misplaced, placed(starts[2], POSTS[2]), overlapping, surplus];
        assert_eq!(unzip(&gzip(&body, &all)), body);
        assert_eq!(unzip(&gzip(&body, &[])), body);
        assert_eq!(unzip(&gzip(b"", &[])), b"");
    }
}
