//! A page of a thread as one reader reads it: the thread, its posts in tree
//! order and the cursor to the next page, with where the page sits for the
//! page cache. The thread routes parse the request, keep the page and send
//! it; building it is here.

use serde::Serialize;
use utoipa::ToSchema;

use super::audience::reads_members_page;
use super::context::{Reading, reader_of, thread_for_reading};
use super::view::{AuthorView, PostView, post_views};
use crate::auth::Member;
use crate::db::deflated_posts;
use crate::db::posts as post_store;
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::pages::Shown;
use crate::policy::ThreadAccess;
use crate::state::AppState;
use crate::stitch::Piece;
use crate::views::support::Support;

#[derive(Serialize, ToSchema)]
pub struct ThreadView {
    id: i64,
    community: String,
    title: String,
    author: AuthorView,
    created_at: Timestamp,
    last_activity_at: Timestamp,
    reply_count: i64,
    /// Only moderators may reply while a thread is locked.
    locked: bool,
    pinned: bool,
    /// Present when the thread is a story.
    #[serde(skip_serializing_if = "Option::is_none")]
    story: Option<StoryView>,
}

/// How far a story travels, and what this reader sees of it.
#[derive(Serialize, ToSchema)]
pub struct StoryView {
    reach: Reach,
    /// True when the reader sees the story alone: its replies are only for
    /// those who may read the community.
    replies_hidden: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadPage {
    thread: ThreadView,
    /// Posts in tree order: depth-first, siblings oldest first.
    pub posts: Vec<PostView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
    /// Helplines for the author, when the first post suggests they may be at risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
}

/// A page of a thread as loaded for one reader, with where it sits.
pub struct Loaded {
    pub page: ThreadPage,
    pub shown: Shown,
    /// The reader is a member who reads it as every member with no part of
    /// their own in it does (checked only for a page to be kept).
    pub members_page: bool,
    /// The pieces of the posts whose text the page shows, in order (read
    /// only for a page that may be sent gzipped; see `stitch`).
    pub pieces: Vec<Option<Piece>>,
}

/// What a page is loaded for, beyond sending it once as JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadFor {
    /// The page is to be kept: whether a member reads the page members
    /// share is checked.
    pub keeping: bool,
    /// The page may be sent gzipped: its posts' pieces are read.
    pub gzip: bool,
}

/// A page of a thread, if the viewer may read it, with what `load_for` asks.
pub async fn load_page(
    state: &AppState,
    thread_id: i64,
    after: Option<String>,
    limit: i64,
    viewer: Option<Member>,
    load_for: LoadFor,
) -> ApiResult<Loaded> {
    let crisis_posts_public = state.settings.crisis_posts_public();
    state
        .db
        .read_quick(move |connection| {
            let Reading { thread, community, author, standing, story, access, starts_in_crisis } =
                thread_for_reading(connection, thread_id, viewer.as_ref())?;
            let whole = access == ThreadAccess::Whole;
            let mut reader = reader_of(viewer.as_ref(), standing);
            reader.sees_crisis |= crisis_posts_public;
            // A thread a crisis post starts is not shown to whoever may not read that post.
            if starts_in_crisis && !reader.sees_crisis {
                return Err(ApiError::not_found("We couldn't find that thread."));
            }
            // Beside a story its reach alone carries to them, a reader sees no reply.
            let listings = match (whole, after) {
                (true, after) => post_store::page(connection, thread_id, after, limit, reader)?,
                (false, None) => post_store::page(connection, thread_id, None, 1, reader)?,
                (false, Some(_)) => Vec::new(),
            };
            let next_cursor = (whole && listings.len() as i64 == limit)
                .then(|| listings.last().map(|last| last.post.tree_path.clone()))
                .flatten();
            let ids = listings.iter().map(|listing| listing.post.id);
            let post_ids = ids.clone().min().unwrap_or(1)..=ids.max().unwrap_or(0);
            let shown = Shown { community_id: community.id, visibility: community.visibility()?, post_ids };
            let stored_pieces =
                load_for.gzip.then(|| deflated_posts::for_listings(connection, &listings)).transpose()?;
            let posts = post_views(connection, listings, reader)?;
            let pieces = stored_pieces.map_or_else(Vec::new, |mut stored| {
                posts.iter().filter(|post| post.shows_text()).map(|post| stored.remove(&post.id())).collect()
            });
            // Checked after the posts were read, so a reaction made meanwhile
            // keeps this page the reader's own.
            let members_page = match &viewer {
                Some(member) if load_for.keeping => reads_members_page(connection, thread_id, member, &shown)?,
                _ => false,
            };
            let page = ThreadPage {
                thread: ThreadView {
                    id: thread.id,
                    community: community.slug,
                    title: thread.title,
                    author: AuthorView::named(author.0, author.1),
                    created_at: Timestamp(thread.created_at),
                    last_activity_at: Timestamp(thread.last_activity_at),
                    reply_count: thread.reply_count,
                    locked: thread.locked_at.is_some(),
                    pinned: thread.pinned_at.is_some(),
                    story: story.map(|reach| StoryView { reach, replies_hidden: !whole }),
                },
                posts,
                next_cursor,
                support: None,
            };
            Ok(Loaded { page, shown, members_page, pieces })
        })
        .await
}
