//! A page of a thread as one reader reads it: the thread, its posts in tree
//! order and the cursor to the next page, with where the page sits for the
//! page cache. The thread routes parse the request, keep the page and send
//! it; building it is here.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::audience::reads_members_page;
use super::context::{Reading, reader_of, thread_for_reading};
use super::heads::KeptHead;
use super::view::{AuthorView, PostView, ReactionCount, reaction_counts, view_of};
use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::blocks;
use crate::db::posts::{self as post_store, PageRow, PostListing, Reader, Span};
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::pages::Shown;
use crate::policy::ThreadAccess;
use crate::state::AppState;
use crate::stitch::Placed;
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

/// A page of a thread. It is written by `to_json`, which copies each kept
/// post head in; the schema is derived here.
#[derive(ToSchema)]
pub struct ThreadPage {
    thread: ThreadView,
    /// Posts in tree order: depth-first, siblings oldest first.
    #[schema(value_type = Vec<PostView>)]
    pub posts: Vec<PagePost>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
    /// Helplines for the author, when the first post suggests they may be at risk.
    pub support: Option<Support>,
}

/// A page as JSON, with where the pieces of the kept heads it copied
/// stand in it (see `stitch`).
pub struct PageJson {
    pub body: Vec<u8>,
    pub placed: Vec<Placed>,
}

impl ThreadPage {
    /// The page as JSON: what serde would write for its schema, with each
    /// kept head copied in as it is, and, when `with_pieces`, their pieces
    /// moved beside it.
    pub fn into_json(self, with_pieces: bool) -> ApiResult<PageJson> {
        let mut out = Vec::with_capacity(BYTES_PER_POST * (self.posts.len() + 1));
        let mut placed = Vec::new();
        out.extend_from_slice(b"{\"thread\":");
        serde_json::to_writer(&mut out, &self.thread).map_err(ApiError::internal)?;
        out.extend_from_slice(b",\"posts\":[");
        for (index, post) in self.posts.into_iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            let head_at = out.len();
            post.write_json(&mut out)?;
            if let PagePost::Kept { head, .. } = post
                && with_pieces
            {
                placed.extend(head.into_placed(head_at));
            }
        }
        out.extend_from_slice(b"],\"next_cursor\":");
        serde_json::to_writer(&mut out, &self.next_cursor).map_err(ApiError::internal)?;
        if let Some(support) = &self.support {
            out.extend_from_slice(b",\"support\":");
            serde_json::to_writer(&mut out, support).map_err(ApiError::internal)?;
        }
        out.push(b'}');
        Ok(PageJson { body: out, placed })
    }
}

/// About what a post takes in a page's JSON, so the page is written into
/// one buffer rather than one that grows and is copied a dozen times.
const BYTES_PER_POST: usize = 640;

/// A post on a page: its kept head (with the piece of its text) and the
/// reader's reactions, or, where the reader sees it otherwise or no head is
/// kept, built for them.
pub enum PagePost {
    Kept { head: KeptHead, reactions: Vec<ReactionCount> },
    Built(Box<PostView>),
}

impl PagePost {
    /// Writes the post as `PostView` serialises it: a kept head is that
    /// view's JSON up to its reactions, and a post shown in full has no
    /// moderation notice or support after them.
    fn write_json(&self, out: &mut Vec<u8>) -> ApiResult<()> {
        match self {
            Self::Kept { head, reactions } => {
                out.extend_from_slice(head.copied());
                out.extend_from_slice(b",\"reactions\":");
                serde_json::to_writer(&mut *out, reactions).map_err(ApiError::internal)?;
                out.push(b'}');
            }
            Self::Built(view) => serde_json::to_writer(out, view).map_err(ApiError::internal)?,
        }
        Ok(())
    }
}

/// A page of a thread as loaded for one reader, with where it sits.
pub struct Loaded {
    pub page: ThreadPage,
    pub shown: Shown,
    /// The reader is a member who reads it as every member with no part of
    /// their own in it does (checked only for a page to be kept).
    pub members_page: bool,
}

/// What a page is loaded for, beyond sending it once as JSON.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadFor {
    /// The page is to be kept: whether a member reads the page members
    /// share is checked.
    pub keeping: bool,
}

/// The posts of `rows` as `reader` sees them: a post shown in full is sent
/// as its kept head, unless a block hides its author from the reader; any
/// other (deleted, held or taken down, a crisis post, no head kept) is
/// built from its row. `span` holds the rows: they are in tree order. A
/// page none of whose posts has a reaction reads none, and who wrote each
/// post is read only for a reader from whom blocks hide someone.
fn page_posts(
    connection: &mut AnyConnection,
    rows: Vec<PageRow>,
    span: Option<Span>,
    reader: Reader,
) -> ApiResult<Vec<PagePost>> {
    let reacted = span.filter(|_| rows.iter().any(|row| row.reaction_count > 0));
    let mut reactions = post_store::reactions_for(connection, reacted, reader.user_id)?;
    let hidden = match reader.user_id {
        Some(viewer) if !reader.moderates => blocks::hidden_from(connection, viewer)?,
        _ => Default::default(),
    };
    let authors = match span {
        Some(span) if !hidden.is_empty() => post_store::authors_in(connection, span)?,
        _ => HashMap::new(),
    };
    let unhidden = |id: i64| authors.get(&id).is_some_and(|author| !hidden.contains(author));
    // A kept value that does not read as a head is not sent: that post is built.
    let rows: Vec<(i64, Option<KeptHead>)> = rows
        .into_iter()
        .map(|row| {
            let shown = hidden.is_empty() || unhidden(row.id);
            (row.id, row.kept.filter(|_| shown).and_then(KeptHead::read))
        })
        .collect();
    let to_build: Vec<i64> = rows.iter().filter(|(_, head)| head.is_none()).map(|(id, _)| *id).collect();
    let mut built: HashMap<i64, PostListing> = HashMap::new();
    if !to_build.is_empty() {
        let listings = post_store::listings_by_ids(connection, &to_build)?;
        built.extend(listings.into_iter().map(|listing| (listing.post.id, listing)));
    }
    rows.into_iter()
        .map(|(id, head)| {
            let (counts, mine) = reactions.take(id);
            match head {
                Some(head) => Ok(PagePost::Kept { head, reactions: reaction_counts(&counts, &mine) }),
                None => {
                    let listing = built.remove(&id).ok_or_else(|| ApiError::internal("a page's post vanished"))?;
                    let blocked = hidden.contains(&listing.post.author_id);
                    let withheld = listing.crisis && !reader.sees_crisis;
                    Ok(PagePost::Built(Box::new(view_of(listing, &counts, &mine, (blocked, withheld), reader)?)))
                }
            }
        })
        .collect()
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
            crate::db::one_snapshot(connection, |connection| {
                let Reading { thread, community, author, standing, story, access, starts_in_crisis } =
                    thread_for_reading(connection, thread_id, viewer.as_ref())?;
                let whole = access == ThreadAccess::Whole;
                let mut reader = reader_of(viewer.as_ref(), standing);
                reader.sees_crisis |= crisis_posts_public;
                // A thread a crisis post starts is not shown to whoever may not read that post.
                if starts_in_crisis && !reader.sees_crisis {
                    return Err(ApiError::not_found("We couldn't find that thread."));
                }
                // Every path sorts after the empty one.
                let after_path = after.as_deref().unwrap_or(crate::db::EMPTY_TEXT);
                // Beside a story its reach alone carries to them, a reader sees no reply.
                let rows = match (whole, &after) {
                    (true, _) => post_store::page(connection, thread_id, after_path, limit, reader)?,
                    (false, None) => post_store::page(connection, thread_id, after_path, 1, reader)?,
                    (false, Some(_)) => Vec::new(),
                };
                // Gone only if erased since the rows were read (PostgreSQL reads each
                // statement's own snapshot): the page then ends with it.
                let last_path = match rows.last() {
                    Some(last) => post_store::tree_path_of(connection, last.id)?,
                    None => None,
                };
                // The page's posts lie after the cursor, up to its last row.
                let span = last_path.as_deref().map(|last| Span { thread_id, first: after_path, last });
                let ids = rows.iter().map(|row| row.id);
                let post_ids = ids.clone().min().unwrap_or(1)..=ids.max().unwrap_or(0);
                let shown = Shown { community_id: community.id, visibility: community.visibility()?, post_ids };
                let posts = page_posts(connection, rows, span, reader)?;
                let next_cursor = last_path.filter(|_| whole && posts.len() as i64 == limit);
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
                Ok(Loaded { page, shown, members_page })
            })
        })
        .await
}
