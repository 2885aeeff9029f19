//! Which thread page a member reads: the one shared by every member with no
//! part of their own in it, or one of their own. Without sharing, each
//! signed-in reader of a popular thread kept a copy of its page, so a busy
//! instance's cache held few threads and most signed-in reads went to the
//! database.

use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::posts::{self as post_store, ReaderOnPage};
use crate::discussion::context::reader_of;
use crate::error::ApiResult;
use crate::pages::Shown;
use crate::policy::{self, Standing};

/// Whether `member` reads the page `shown` of `thread_id` exactly as every
/// member with no part of their own in it does: they may read the whole
/// thread, moderate nothing there, have no post in it that moderators hold
/// or took down, reacted to nothing on the page and stand in no block (see
/// `posts::reader_on_page`). Anyone else gets a page of their own.
pub fn reads_members_page(
    connection: &mut AnyConnection,
    thread_id: i64,
    member: &Member,
    shown: &Shown,
) -> ApiResult<bool> {
    let ReaderOnPage { role, has_part } =
        post_store::reader_on_page(connection, shown.community_id, thread_id, member.user_id, shown.post_ids.clone())?;
    let standing = Standing { is_admin: member.is_admin, role };
    let moderates = reader_of(Some(member), standing).moderates;
    Ok(!has_part && !moderates && policy::read_threads(shown.visibility, standing).is_ok())
}
