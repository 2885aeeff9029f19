//! Each post's head (`discussion::view::PostHead`) as JSON, kept so that a
//! thread page copies it rather than building the post from its row on
//! every read, in one value with its piece (`stitch`) for a gzipped page to
//! copy in. `discussion::heads` writes them and reads that value; a post
//! without one is built from its row.

use diesel::prelude::*;

use super::schema::{post_heads, posts};
use super::{AnyConnection, on_each_backend};
use crate::error::ApiResult;

/// Keeps `kept` (`discussion::heads::KeptHead`) as the head of `post_id`,
/// in place of any before it.
pub fn store(connection: &mut AnyConnection, post_id: i64, kept: &[u8]) -> ApiResult<()> {
    on_each_backend!(connection, |inner| {
        diesel::insert_into(post_heads::table)
            .values((post_heads::post_id.eq(post_id), post_heads::kept.eq(kept)))
            .on_conflict(post_heads::post_id)
            .do_update()
            .set(post_heads::kept.eq(kept))
            .execute(inner)
    })?;
    Ok(())
}

/// Drops the head of `post_id`: the post is built for each reader from now on.
pub fn forget(connection: &mut AnyConnection, post_id: i64) -> ApiResult<()> {
    diesel::delete(post_heads::table.find(post_id)).execute(connection)?;
    Ok(())
}

/// Drops the heads of every post `author_id` wrote.
pub fn forget_author(connection: &mut AnyConnection, author_id: i64) -> ApiResult<()> {
    let theirs = posts::table.filter(posts::author_id.eq(author_id)).select(posts::id);
    diesel::delete(post_heads::table.filter(post_heads::post_id.eq_any(theirs))).execute(connection)?;
    Ok(())
}
