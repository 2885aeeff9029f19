//! Posts in a thread's reply tree. Each post's `tree_path` is its parent's
//! path plus its own number in the thread (fixed-width hex), so ordering by
//! path gives depth-first order with siblings oldest first, and a page of
//! a long thread is one indexed range scan.

use std::collections::HashMap;

use diesel::dsl::{case_when, count, count_star};
use diesel::prelude::*;

use super::schema::{
    blocks, community_members, crisis_posts, post_heads, post_reactions, post_revisions, posts, threads, users,
};
use super::{AnyConnection, on_each_backend};
use crate::domain::community::CommunityRole;
use crate::domain::discussion::{ContentWarning, PostBody, ReactionKind};
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// Hex digits per level of `tree_path`.
pub const PATH_SEGMENT_LEN: usize = 8;

/// A post's content, rendered and ready to store.
pub struct NewContent {
    pub body: PostBody,
    pub html: String,
    pub render_version: i32,
    pub content_warning: Option<ContentWarning>,
    /// `Visible`, or `Held` when screening keeps it back.
    pub state: ContentState,
}

/// The parts of a post that decide what may be done with it.
#[derive(Debug, Clone, Queryable)]
pub struct PostRow {
    pub id: i64,
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub depth: i32,
    pub tree_path: String,
    pub body: String,
    pub body_html: String,
    pub render_version: i32,
    pub content_warning: Option<String>,
    pub content_warning_note: Option<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub moderation_state: String,
    pub moderation_reason: Option<String>,
}

impl PostRow {
    pub fn state(&self) -> ApiResult<ContentState> {
        ContentState::from_stored(&self.moderation_state)
    }

    /// Whether `reader` may see that this post exists at all.
    pub fn is_listed_for(&self, reader: Reader) -> bool {
        reader.moderates
            || self.moderation_state != ContentState::Held.as_str()
            || reader.user_id == Some(self.author_id)
    }

    /// Whether `reader` may read this post's text: public posts, and held or
    /// taken-down ones for their author and moderators.
    pub fn is_readable_by(&self, reader: Reader) -> bool {
        is_readable(&self.moderation_state, self.author_id, reader)
    }
}

/// Whether `reader` may read the text of a post in `moderation_state` by
/// `author_id`: public posts, and held or taken-down ones for their author
/// and moderators.
pub fn is_readable(moderation_state: &str, author_id: i64, reader: Reader) -> bool {
    reader.moderates || moderation_state == ContentState::Visible.as_str() || reader.user_id == Some(author_id)
}

/// A post on a thread page, with its author's names.
#[derive(Debug, Clone, Queryable)]
pub struct PostListing {
    pub post: PostRow,
    pub author_username: String,
    pub author_display_name: String,
    /// The author's badges (JSON, see `domain::badge`).
    pub author_badges: String,
    /// Whether its words screened as a crisis (see `crisis_posts`).
    pub crisis: bool,
}

/// The columns of a [`PostRow`]: all of a post's but its reaction count,
/// which only a page reads.
macro_rules! post_row_columns {
    () => {
        (
            posts::id,
            posts::thread_id,
            posts::parent_id,
            posts::author_id,
            posts::depth,
            posts::tree_path,
            posts::body,
            posts::body_html,
            posts::render_version,
            posts::content_warning,
            posts::content_warning_note,
            posts::created_at,
            posts::edited_at,
            posts::deleted_at,
            posts::moderation_state,
            posts::moderation_reason,
        )
    };
}

/// What a [`PostListing`] is read from: posts joined to their authors and,
/// where there is one, their crisis mark.
macro_rules! listings {
    () => {
        posts::table.inner_join(users::table).left_join(crisis_posts::table)
    };
}

/// The columns of a [`PostListing`], from `listings!()`.
macro_rules! listing_columns {
    () => {
        (
            post_row_columns!(),
            users::username,
            users::display_name,
            users::badges,
            crisis_posts::post_id.nullable().is_not_null(),
        )
    };
}

/// Adds a post under `parent` (or as the first post), taking the thread's
/// next number under the thread row's lock, in the caller's transaction;
/// returns the stored row.
pub fn insert(
    connection: &mut AnyConnection,
    thread_id: i64,
    parent: Option<&PostRow>,
    author_id: i64,
    content: NewContent,
) -> ApiResult<PostRow> {
    let now = Timestamp::now().0;
    let replies_added = i64::from(parent.is_some());
    let seq = diesel::update(threads::table.find(thread_id))
        .set((
            threads::post_seq.eq(threads::post_seq + 1),
            threads::reply_count.eq(threads::reply_count + replies_added),
            threads::last_activity_at.eq(now),
        ))
        .returning(threads::post_seq)
        .get_result::<i64>(connection)?;
    let (parent_id, depth, mut tree_path) = match parent {
        Some(parent) => (Some(parent.id), parent.depth + 1, parent.tree_path.clone()),
        None => (None, 0, String::new()),
    };
    tree_path.push_str(&format!("{seq:0width$x}", width = PATH_SEGMENT_LEN));
    let (label, note) = split_warning(content.content_warning);
    let post = diesel::insert_into(posts::table)
        .values((
            posts::thread_id.eq(thread_id),
            posts::parent_id.eq(parent_id),
            posts::author_id.eq(author_id),
            posts::depth.eq(depth),
            posts::tree_path.eq(tree_path),
            posts::body.eq(content.body.into_inner()),
            posts::body_html.eq(content.html),
            posts::render_version.eq(content.render_version),
            posts::content_warning.eq(label),
            posts::content_warning_note.eq(note),
            posts::created_at.eq(now),
            posts::moderation_state.eq(content.state.as_str()),
        ))
        .returning(post_row_columns!())
        .get_result::<PostRow>(connection)?;
    Ok(post)
}

fn split_warning(warning: Option<ContentWarning>) -> (Option<String>, Option<String>) {
    match warning {
        Some(warning) => (Some(warning.label), warning.note),
        None => (None, None),
    }
}

/// The posts with these ids (those that still exist), oldest first.
pub fn by_ids(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<PostRow>> {
    Ok(posts::table.filter(posts::id.eq_any(ids)).order(posts::id).select(post_row_columns!()).load(connection)?)
}

/// Every post `author_id` wrote, oldest first.
pub fn by_author(connection: &mut AnyConnection, author_id: i64) -> ApiResult<Vec<PostRow>> {
    Ok(posts::table
        .filter(posts::author_id.eq(author_id))
        .order(posts::id.asc())
        .select(post_row_columns!())
        .load(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<PostRow> {
    posts::table
        .find(id)
        .select(post_row_columns!())
        .first::<PostRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that post."))
}

/// The first post of a thread.
pub fn first_of(connection: &mut AnyConnection, thread_id: i64) -> ApiResult<PostRow> {
    Ok(on_each_backend!(connection, |inner| {
        posts::table
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::depth.eq(0))
            .select(post_row_columns!())
            .first(inner)
    })?)
}

/// Who is reading a thread, as far as held posts are concerned.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader {
    pub user_id: Option<i64>,
    /// Moderators (and the safeguarding lead) see everything.
    pub moderates: bool,
    /// Reads the text of posts that screened as a crisis (everyone signed
    /// in; visitors only when `crisis_post_visibility` is `public`).
    pub sees_crisis: bool,
}

/// Marks a post whose words screened as a crisis (once).
pub fn mark_crisis(connection: &mut AnyConnection, post_id: i64) -> ApiResult<()> {
    let marked: i64 = crisis_posts::table.find(post_id).count().get_result(connection)?;
    if marked == 0 {
        diesel::insert_into(crisis_posts::table)
            .values((crisis_posts::post_id.eq(post_id), crisis_posts::marked_at.eq(Timestamp::now().0)))
            .execute(connection)?;
    }
    // A crisis post is built for each reader, since visitors may not read it.
    super::post_heads::forget(connection, post_id)
}

/// A post as a thread page reads it: enough to tell which it is (its place
/// is the order rows come in; only the last row's path is read, by
/// `tree_path_of`, and its author only for a reader blocks hide someone
/// from, by `authors_in`), whether anyone reacted to it, and its kept head
/// with its piece (see `post_heads`) when the post is public and not
/// deleted, so every reader shown it in full may be sent that head.
#[derive(Debug, Queryable)]
pub struct PageRow {
    pub id: i64,
    pub reaction_count: i32,
    pub kept: Option<Vec<u8>>,
}

/// Up to `limit` posts of a thread in tree order, after `after_path`; held
/// posts only for their author and moderators. One statement whatever is
/// asked (every path sorts after the empty one, and a moderator is withheld
/// the empty state, which no post has), so it is prepared once per
/// connection.
pub fn page(
    connection: &mut AnyConnection,
    thread_id: i64,
    after_path: &str,
    limit: i64,
    reader: Reader,
) -> ApiResult<Vec<PageRow>> {
    let (withheld_state, reader_id) = withheld_from(reader);
    let public = posts::moderation_state.eq(ContentState::Visible.as_str()).and(posts::deleted_at.is_null());
    let kept = case_when(public, post_heads::kept.nullable());
    Ok(on_each_backend!(connection, |inner| {
        posts::table
            .left_join(post_heads::table)
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::tree_path.gt(after_path))
            .filter(posts::moderation_state.ne(withheld_state).or(posts::author_id.eq(reader_id)))
            .order(posts::tree_path.asc())
            .limit(limit)
            .select((posts::id, posts::reaction_count, kept))
            .load(inner)
    })?)
}

/// Who wrote each post `span` covers, by post id.
pub fn authors_in(connection: &mut AnyConnection, span: Span) -> ApiResult<HashMap<i64, i64>> {
    let Span { thread_id, first, last } = span;
    let rows: Vec<(i64, i64)> = on_each_backend!(connection, |inner| {
        posts::table
            .filter(posts::thread_id.eq(thread_id).and(posts::tree_path.between(first, last)))
            .select((posts::id, posts::author_id))
            .load(inner)
    })?;
    Ok(rows.into_iter().collect())
}

/// A post's place in its thread's tree, if it is still there: for a page,
/// its last row's, which is both the cursor to the next page and where its
/// reactions end.
pub fn tree_path_of(connection: &mut AnyConnection, post_id: i64) -> ApiResult<Option<String>> {
    Ok(on_each_backend!(connection, |inner| {
        posts::table.find(post_id).select(posts::tree_path).first(inner).optional()
    })?)
}

/// The posts with these ids, as [`page`] lists them, in no order (for the
/// few posts of a page that are not sent as their kept head).
pub fn listings_by_ids(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<PostListing>> {
    Ok(listings!().filter(posts::id.eq_any(ids)).select(listing_columns!()).load::<PostListing>(connection)?)
}

/// Whose posts' listings to read.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    Post(i64),
    By(i64),
    InThread(i64),
}

/// The listings of the posts `which` names.
pub fn listings_of(connection: &mut AnyConnection, which: Which) -> ApiResult<Vec<PostListing>> {
    let query = listings!().select(listing_columns!());
    Ok(match which {
        Which::Post(id) => query.filter(posts::id.eq(id)).load(connection)?,
        Which::By(author_id) => query.filter(posts::author_id.eq(author_id)).load(connection)?,
        Which::InThread(thread_id) => query.filter(posts::thread_id.eq(thread_id)).load(connection)?,
    })
}

/// The state withheld from `reader` (held, or for moderators one no post
/// has) unless the post is theirs, and their id (0 for a visitor).
fn withheld_from(reader: Reader) -> (&'static str, i64) {
    // The empty state, which no post has, bound as `EMPTY_TEXT`: it is
    // compared with every row's state (Rust's "" took 7% of a moderator's page).
    let withheld_state = if reader.moderates { super::EMPTY_TEXT } else { ContentState::Held.as_str() };
    (withheld_state, reader.user_id.unwrap_or(0))
}

/// Up to `limit` direct replies to a thread's first post (a consultation's
/// answers), oldest first; held posts only for their author and moderators.
pub fn replies_to_first(
    connection: &mut AnyConnection,
    thread_id: i64,
    limit: i64,
    reader: Reader,
) -> ApiResult<Vec<PostListing>> {
    let (withheld_state, reader_id) = withheld_from(reader);
    Ok(on_each_backend!(connection, |inner| {
        listings!()
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::depth.eq(1))
            .filter(posts::moderation_state.ne(withheld_state).or(posts::author_id.eq(reader_id)))
            .order(posts::tree_path.asc())
            .select(listing_columns!())
            .limit(limit)
            .load::<PostListing>(inner)
    })?)
}

/// Of `ids`, the posts still visible, each as `[thread, post]`.
pub fn visible_in_threads(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<[i64; 2]>> {
    let rows: Vec<(i64, i64)> = posts::table
        .filter(posts::id.eq_any(ids))
        .filter(posts::deleted_at.is_null())
        .filter(posts::moderation_state.eq(ContentState::Visible.as_str()))
        .order(posts::id.asc())
        .select((posts::thread_id, posts::id))
        .load(connection)?;
    Ok(rows.into_iter().map(|(thread, post)| [thread, post]).collect())
}

/// Replaces a post's content, keeping the version it replaces.
pub fn edit(connection: &mut AnyConnection, post: &PostRow, editor_id: i64, content: NewContent) -> ApiResult<()> {
    let now = Timestamp::now().0;
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post.id),
            post_revisions::body.eq(&post.body),
            post_revisions::content_warning.eq(&post.content_warning),
            post_revisions::content_warning_note.eq(&post.content_warning_note),
            post_revisions::written_at.eq(post.edited_at.unwrap_or(post.created_at)),
            post_revisions::replaced_at.eq(now),
            post_revisions::replaced_by.eq(editor_id),
        ))
        .execute(connection)?;
    let (label, note) = split_warning(content.content_warning);
    diesel::update(posts::table.find(post.id))
        .set((
            posts::body.eq(content.body.into_inner()),
            posts::body_html.eq(&content.html),
            posts::render_version.eq(content.render_version),
            posts::content_warning.eq(label),
            posts::content_warning_note.eq(note),
            posts::edited_at.eq(Some(now)),
            posts::moderation_state.eq(content.state.as_str()),
        ))
        .execute(connection)?;
    Ok(())
}

/// An earlier version: (body, content warning label, note, written at, replaced at).
pub type Revision = (String, Option<String>, Option<String>, i64, i64);

pub fn revisions(connection: &mut AnyConnection, post_id: i64) -> ApiResult<Vec<Revision>> {
    Ok(post_revisions::table
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::id.asc())
        .select((
            post_revisions::body,
            post_revisions::content_warning,
            post_revisions::content_warning_note,
            post_revisions::written_at,
            post_revisions::replaced_at,
        ))
        .load(connection)?)
}

/// Marks a post deleted; the tree keeps its shape around the placeholder.
/// A thread's first post with no replies takes the thread with it.
pub fn delete(connection: &mut AnyConnection, post: &PostRow) -> ApiResult<()> {
    diesel::update(posts::table.find(post.id))
        .set(posts::deleted_at.eq(Some(Timestamp::now().0)))
        .execute(connection)?;
    if post.depth == 0 {
        let replies = posts::table
            .filter(posts::thread_id.eq(post.thread_id))
            .filter(posts::depth.gt(0))
            .count()
            .get_result::<i64>(connection)?;
        if replies == 0 {
            super::threads::mark_deleted(connection, post.thread_id)?;
        }
    }
    Ok(())
}

/// Adds a reaction; adding one already there changes nothing.
pub fn add_reaction(connection: &mut AnyConnection, post_id: i64, user_id: i64, kind: ReactionKind) -> ApiResult<()> {
    let row = (
        post_reactions::post_id.eq(post_id),
        post_reactions::user_id.eq(user_id),
        post_reactions::kind.eq(kind.as_str()),
        post_reactions::created_at.eq(Timestamp::now().0),
    );
    on_each_backend!(connection, |inner| {
        diesel::insert_into(post_reactions::table).values(row).on_conflict_do_nothing().execute(inner)
    })?;
    Ok(())
}

pub fn remove_reaction(
    connection: &mut AnyConnection,
    post_id: i64,
    user_id: i64,
    kind: ReactionKind,
) -> ApiResult<()> {
    diesel::delete(post_reactions::table.find((post_id, user_id, kind.as_str()))).execute(connection)?;
    Ok(())
}

/// Reaction counts per post, and which kinds `viewer` left, for a page of posts.
#[derive(Default)]
pub struct Reactions {
    counts: HashMap<i64, Vec<(String, i64)>>,
    mine: HashMap<i64, Vec<String>>,
}

impl Reactions {
    /// The counts and the viewer's kinds for one post, taken out. Most
    /// posts have no reaction, so an empty map is not hashed into.
    pub fn take(&mut self, post_id: i64) -> (Vec<(String, i64)>, Vec<String>) {
        fn take_from<T: Default>(map: &mut HashMap<i64, T>, post_id: i64) -> T {
            if map.is_empty() { T::default() } else { map.remove(&post_id).unwrap_or_default() }
        }
        (take_from(&mut self.counts, post_id), take_from(&mut self.mine, post_id))
    }
}

/// Reaction counts, and the kinds the viewer left, for the posts of one
/// thread (a page, a consultation's answers, a single post) that `span`
/// covers: one statement over the range of tree paths, prepared once, which
/// counts the viewer's own reactions beside everyone's and looks them up
/// only for posts whose count says they have any.
pub fn reactions_for(connection: &mut AnyConnection, span: Option<Span>, viewer: Option<i64>) -> ApiResult<Reactions> {
    let mut reactions = Reactions::default();
    let Some(Span { thread_id, first, last }) = span else { return Ok(reactions) };
    // No member has id 0, so a visitor has no reaction of their own.
    let viewer_id = viewer.unwrap_or(0);
    let rows: Vec<(i64, String, i64, i64)> = on_each_backend!(connection, |inner| {
        post_reactions::table
            .inner_join(posts::table)
            .filter(posts::thread_id.eq(thread_id).and(posts::tree_path.between(first, last)))
            .filter(posts::reaction_count.gt(0))
            .group_by((post_reactions::post_id, post_reactions::kind))
            .select((
                post_reactions::post_id,
                post_reactions::kind,
                count_star(),
                count(case_when(post_reactions::user_id.eq(viewer_id), post_reactions::post_id)),
            ))
            .load(inner)
    })?;
    for (post_id, kind, count, own) in rows {
        if own > 0 {
            reactions.mine.entry(post_id).or_default().push(kind.clone());
        }
        reactions.counts.entry(post_id).or_default().push((kind, count));
    }
    Ok(reactions)
}

/// A member as the reader of one page of a thread.
pub struct ReaderOnPage {
    /// Their role in the thread's community, if they belong to it.
    pub role: Option<CommunityRole>,
    /// Whether they have a part of their own in the page: a post of theirs
    /// in the thread that moderators hold or took down (which they alone
    /// see, with the reason), a reaction to a post whose id is in the
    /// page's range, or a block between them and anyone.
    pub has_part: bool,
}

/// `user_id` as a reader of the page of `thread_id` (in `community_id`)
/// showing posts with ids in `post_ids`: one statement of four indexed
/// lookups, prepared once, since it runs before a shared page is served.
pub fn reader_on_page(
    connection: &mut AnyConnection,
    community_id: i64,
    thread_id: i64,
    user_id: i64,
    post_ids: std::ops::RangeInclusive<i64>,
) -> ApiResult<ReaderOnPage> {
    let (first, last) = post_ids.into_inner();
    let (role, has_part): (Option<String>, bool) = on_each_backend!(connection, |inner| {
        diesel::select((
            community_members::table
                .filter(community_members::community_id.eq(community_id))
                .filter(community_members::user_id.eq(user_id))
                .select(community_members::role)
                .single_value(),
            diesel::dsl::exists(
                posts::table
                    .filter(posts::thread_id.eq(thread_id))
                    .filter(posts::author_id.eq(user_id))
                    .filter(posts::moderation_state.ne(ContentState::Visible.as_str())),
            )
            .or(diesel::dsl::exists(
                post_reactions::table
                    .filter(post_reactions::user_id.eq(user_id))
                    .filter(post_reactions::post_id.between(first, last)),
            ))
            .or(diesel::dsl::exists(
                blocks::table.filter(blocks::blocker_id.eq(user_id).or(blocks::blocked_id.eq(user_id))),
            )),
        ))
        .get_result(inner)
    })?;
    Ok(ReaderOnPage { role: role.as_deref().map(CommunityRole::from_stored).transpose()?, has_part })
}

/// Posts of one thread between two tree paths (both included).
#[derive(Debug, Clone, Copy)]
pub struct Span<'a> {
    pub thread_id: i64,
    pub first: &'a str,
    pub last: &'a str,
}

impl<'a> Span<'a> {
    /// The span of `listings`, posts of one thread.
    pub fn of_listings(listings: &'a [PostListing]) -> Option<Self> {
        let thread_id = listings.first()?.post.thread_id;
        debug_assert!(listings.iter().all(|listing| listing.post.thread_id == thread_id), "posts of one thread");
        let paths = listings.iter().map(|listing| listing.post.tree_path.as_str());
        Some(Self { thread_id, first: paths.clone().min()?, last: paths.max()? })
    }
}

/// One post as a thread page shows it.
pub fn listing(connection: &mut AnyConnection, post_id: i64) -> ApiResult<PostListing> {
    Ok(listings!().filter(posts::id.eq(post_id)).select(listing_columns!()).first::<PostListing>(connection)?)
}
