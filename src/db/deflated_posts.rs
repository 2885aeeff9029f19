//! Each post's text deflated once, when it is written, for gzipped thread
//! pages to copy in (see `stitch`). A piece is replaced whenever the text
//! is, and removed with it when a member's content is erased.

use std::collections::HashMap;

use diesel::prelude::*;

use super::posts::Span;
use super::schema::{deflated_posts, posts};
use super::{AnyConnection, on_each_backend};
use crate::error::{ApiError, ApiResult};
use crate::stitch::Piece;

/// Keeps the piece of `html`, the text `post_id` now shows, in place of any before it.
pub fn store(connection: &mut AnyConnection, post_id: i64, html: &str) -> ApiResult<()> {
    let piece = Piece::of_text(html).map_err(ApiError::internal)?;
    let (length, crc, deflated) = (piece.json_length as i64, i64::from(piece.json_crc), &piece.deflated[..]);
    on_each_backend!(connection, |inner| {
        diesel::insert_into(deflated_posts::table)
            .values((
                deflated_posts::post_id.eq(post_id),
                deflated_posts::json_length.eq(length),
                deflated_posts::json_crc.eq(crc),
                deflated_posts::deflated.eq(deflated),
            ))
            .on_conflict(deflated_posts::post_id)
            .do_update()
            .set((
                deflated_posts::json_length.eq(length),
                deflated_posts::json_crc.eq(crc),
                deflated_posts::deflated.eq(deflated),
            ))
            .execute(inner)
    })?;
    Ok(())
}

/// Removes the pieces of every post `author_id` wrote.
pub fn forget_author(connection: &mut AnyConnection, author_id: i64) -> ApiResult<()> {
    let theirs = posts::table.filter(posts::author_id.eq(author_id)).select(posts::id);
    diesel::delete(deflated_posts::table.filter(deflated_posts::post_id.eq_any(theirs))).execute(connection)?;
    Ok(())
}

/// The pieces of the posts `span` covers, by post id: read by the range of
/// tree paths, so the statement is prepared once.
pub fn in_span(connection: &mut AnyConnection, span: Option<Span>) -> ApiResult<HashMap<i64, Piece>> {
    let Some(Span { thread_id, first, last }) = span else { return Ok(HashMap::new()) };
    let rows: Vec<(i64, i64, i64, Vec<u8>)> = on_each_backend!(connection, |inner| {
        deflated_posts::table
            .inner_join(posts::table)
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::tree_path.between(first, last))
            .select((
                deflated_posts::post_id,
                deflated_posts::json_length,
                deflated_posts::json_crc,
                deflated_posts::deflated,
            ))
            .load(inner)
    })?;
    Ok(rows
        .into_iter()
        .map(|(post_id, length, crc, deflated)| {
            let piece = Piece { json_length: length as usize, json_crc: crc as u32, deflated: deflated.into() };
            (post_id, piece)
        })
        .collect())
}
