//! Keeping each post's head (`view::PostHead`) ready for thread pages:
//! written whenever what it shows changes (the post is written or edited,
//! a mention in it is rewritten, its author's name or badges change), and
//! never kept for a crisis post, which visitors may not read, so a page
//! builds that one for each reader.

use super::view::PostHead;
use crate::db::AnyConnection;
use crate::db::post_heads;
use crate::db::posts::{self as post_store, Which};
use crate::error::{ApiError, ApiResult};

/// Writes again the heads of the posts `which` names, in the caller's transaction.
pub fn refresh(connection: &mut AnyConnection, which: Which) -> ApiResult<()> {
    for listing in post_store::listings_of(connection, which)? {
        let post_id = listing.post.id;
        if listing.crisis {
            post_heads::forget(connection, post_id)?;
        } else {
            let head = serde_json::to_string(&PostHead::shown(listing)).map_err(ApiError::internal)?;
            post_heads::store(connection, post_id, &head)?;
        }
    }
    Ok(())
}
