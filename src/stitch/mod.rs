//! Gzip for thread pages without compressing every post's text on every
//! request. The text of a kept post head (see `discussion::heads`), as the
//! page's JSON carries it, is deflated once when the head is written: its
//! piece. A page is gzipped by compressing only what lies between the
//! pieces (`glue`: the thread, each post's other fields, which repeat from
//! post to post, its reactions, any post built for its reader) and copying
//! the pieces in. Deflate (RFC 1951) allows this because a piece refers to
//! nothing before it and ends on a byte boundary, and the glue's blocks end
//! on one too. A head and its piece are kept as one value, so a piece is
//! never out of step with the text it stands for (`discussion::heads`); a
//! piece placed past the page's end, or over the one before it, is not used,
//! and those bytes are compressed with the glue.

mod glue;

use flate2::{Compress, CompressError, Compression, FlushCompress, Status};
use glue::Glue;

/// JSON deflated once: the length of the bytes it was made from, and the
/// raw deflate blocks.
#[derive(Debug, Clone)]
pub struct Piece {
    pub json_length: usize,
    pub deflated: Vec<u8>,
}

impl Piece {
    /// The piece of `json`, at the best level: it is made once per write
    /// and copied into every gzipped page that shows it.
    pub fn of_json(json: &[u8]) -> Result<Piece, CompressError> {
        let mut deflated = Vec::with_capacity(json.len() / 2 + 64);
        let mut compressor = Compress::new(Compression::best(), false);
        deflate(&mut compressor, json, &mut deflated)?;
        Ok(Piece { json_length: json.len(), deflated })
    }
}

/// A piece and where in a page its JSON was written.
#[derive(Debug, Clone)]
pub struct Placed {
    pub at: usize,
    pub piece: Piece,
}

/// `body` gzipped (RFC 1952), with each of `placed` (in the order of their
/// places, not overlapping) standing for the bytes it was made from.
pub fn gzip(body: &[u8], placed: &[Placed]) -> Vec<u8> {
    // A page's glue and pieces come to under half its JSON.
    let mut glue = Glue::new(Vec::with_capacity(body.len() / 2 + 64));
    glue.piece(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    let mut done = 0;
    for Placed { at, piece } in placed {
        let end = at + piece.json_length;
        if *at < done || end > body.len() {
            continue;
        }
        glue.block(body, done..*at, false);
        glue.piece(&piece.deflated);
        done = end;
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
    fn overlapping_and_surplus_pieces_are_compressed_with_the_page() {
        let (body, starts) = page();
        let overlapping = placed(starts[2], POSTS[2]);
        let surplus = placed(body.len() - 2, POSTS[0]);
        let all = [placed(starts[0], POSTS[0]), placed(starts[2], POSTS[2]), overlapping, surplus];
        assert_eq!(unzip(&gzip(&body, &all)), body);
        assert_eq!(unzip(&gzip(&body, &[])), body);
        assert_eq!(unzip(&gzip(b"", &[])), b"");
    }
}
