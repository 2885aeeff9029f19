//! How posts read to whoever asks: placeholders for deleted, blocked and
//! withheld posts, reaction counts, the moderation notice; shared by the
//! thread page, a single post and search.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::posts::{self as store, PostListing, PostRow, Reader, Span};
use crate::db::{AnyConnection, blocks};
use crate::domain::badge::{self, BadgeView};
use crate::domain::discussion::{ContentWarning, ReactionKind};
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::views::support::Support;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub username: String,
    pub display_name: String,
    /// The badges an admin granted, beside the name on posts and chat
    /// messages (absent when none, and in lists that do not show them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub badges: Vec<BadgeView>,
}

impl AuthorView {
    /// A name with no badges shown.
    pub fn named(username: String, display_name: String) -> Self {
        Self { username, display_name, badges: Vec::new() }
    }

    /// A name with the badges stored on the account (`badges`, JSON).
    pub fn badged(username: String, display_name: String, badges: &str) -> Self {
        Self { username, display_name, badges: badge::views(badges) }
    }
}

/// A post as a reader sees it: its head, then the reader's own parts. What
/// is absent or false on almost every post is left out rather than sent as
/// `null` or `false`: a page of fifty posts is a fifth smaller, and every
/// byte is escaped, copied and sent on each uncached read.
#[derive(Serialize, ToSchema)]
pub struct PostView {
    #[serde(flatten)]
    head: PostHead,
    reactions: Vec<ReactionCount>,
    /// Present when moderators have held, hidden or removed the post; the
    /// reason is shown to its author and moderators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<ModerationNotice>,
    /// Helplines for the author, when what they just wrote suggests they may be at risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
}

/// A post up to its reactions. Every reader shown a post in full reads the
/// same head, so thread pages copy it as it was kept when the post or its
/// author last changed (`heads`).
#[derive(Serialize, ToSchema)]
pub struct PostHead {
    id: i64,
    thread_id: i64,
    /// Absent for a thread's first post.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<i64>,
    /// 0 for the first post.
    depth: i32,
    /// Absent when the post is deleted or a block hides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<AuthorView>,
    /// Sanitised HTML; absent when the post is deleted or a block hides it.
    #[serde(skip_serializing_if = "Option::is_none")]
    body_html: Option<String>,
    /// The Markdown source, sent only to the author, and only in answer to
    /// their writing, editing or reacting to it: thread pages leave it out,
    /// so that a page is the same for its author as for other members (the
    /// editor takes it from `GET /api/v1/posts/{id}/revisions`).
    #[serde(skip_serializing_if = "Option::is_none")]
    body_markdown: Option<String>,
    /// Present (and true) only when the post is deleted or taken down.
    #[serde(default, skip_serializing_if = "is_false")]
    deleted: bool,
    /// Present (and true) only for a collapsed placeholder: the viewer
    /// blocked the author, or the author blocked them.
    #[serde(default, skip_serializing_if = "is_false")]
    blocked: bool,
    /// Present (and true) only for a placeholder shown to signed-out
    /// visitors: the post's words suggest its author may be at risk, so only
    /// signed-in readers see it (`crisis_post_visibility`).
    #[serde(default, skip_serializing_if = "is_false")]
    members_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_warning: Option<ContentWarning>,
    created_at: Timestamp,
    /// Absent until the post is edited.
    #[serde(skip_serializing_if = "Option::is_none")]
    edited_at: Option<Timestamp>,
}

impl PostHead {
    /// The head of `listing` as every reader shown it in full reads it.
    pub fn shown(listing: PostListing) -> Self {
        let PostListing { post, author_username, author_display_name, author_badges, .. } = listing;
        Self {
            id: post.id,
            thread_id: post.thread_id,
            parent_id: post.parent_id,
            depth: post.depth,
            author: Some(AuthorView::badged(author_username, author_display_name, &author_badges)),
            body_html: Some(post.body_html),
            body_markdown: None,
            deleted: false,
            blocked: false,
            members_only: false,
            content_warning: post
                .content_warning
                .map(|label| ContentWarning { label, note: post.content_warning_note }),
            created_at: Timestamp(post.created_at),
            edited_at: post.edited_at.map(Timestamp),
        }
    }

    /// The head as a placeholder: where the post sits and when, with no
    /// author, text or warning, and why it reads so.
    fn placeholder(self, deleted: bool, blocked: bool, members_only: bool) -> Self {
        Self { author: None, body_html: None, content_warning: None, deleted, blocked, members_only, ..self }
    }
}

fn is_false(flag: &bool) -> bool {
    !flag
}

#[derive(Serialize, ToSchema)]
pub struct ModerationNotice {
    state: ContentState,
    reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReactionCount {
    kind: String,
    count: i64,
    /// Whether the viewer left this reaction.
    mine: bool,
}

/// The reactions to a post in the instance's order of kinds, given their
/// counts and the kinds the reader left.
pub fn reaction_counts(counts: &[(String, i64)], mine: &[String]) -> Vec<ReactionCount> {
    // Most posts have none: a page asks fifty times.
    if counts.is_empty() {
        return Vec::new();
    }
    ReactionKind::ALL
        .iter()
        .filter_map(|kind| {
            let (name, count) = counts.iter().find(|(name, _)| name == kind.as_str())?;
            Some(ReactionCount { mine: mine.contains(name), kind: name.clone(), count: *count })
        })
        .collect()
}

/// Turns stored posts into what the viewer sees, with reaction counts in
/// the instance's order of kinds; a block collapses a post to a placeholder
/// unless the viewer's standing says blocks hide nothing from them.
pub fn post_views(
    connection: &mut AnyConnection,
    listings: Vec<PostListing>,
    reader: Reader,
) -> ApiResult<Vec<PostView>> {
    let viewer_id = reader.user_id;
    let mut reactions = store::reactions_for(connection, Span::of_listings(&listings), viewer_id)?;
    let hidden = match viewer_id {
        Some(viewer) if !reader.moderates => blocks::hidden_from(connection, viewer)?,
        _ => Default::default(),
    };
    listings
        .into_iter()
        .map(|listing| {
            let id = listing.post.id;
            let blocked = hidden.contains(&listing.post.author_id);
            let withheld = listing.crisis && !reader.sees_crisis;
            let (counts, mine) = reactions.take(id);
            view_of(listing, &counts, &mine, (blocked, withheld), reader)
        })
        .collect()
}

/// A post its author has just written, as they see it: their own, so
/// never blocked, and with no reactions yet (only the author's badges are
/// read back).
pub fn new_post_view(
    connection: &mut AnyConnection,
    post: PostRow,
    author: &Member,
    reader: Reader,
) -> ApiResult<PostView> {
    let source = post.body.clone();
    let listing = PostListing {
        post,
        author_username: author.username.clone(),
        author_display_name: author.display_name.clone(),
        author_badges: crate::db::users::badges_of(connection, author.user_id)?,
        crisis: false,
    };
    Ok(with_source(view_of(listing, &[], &[], (false, false), reader)?, source))
}

/// `view` with its Markdown source, when it is shown to its author.
fn with_source(mut view: PostView, source: String) -> PostView {
    view.head.body_markdown = view.head.body_html.is_some().then_some(source);
    view
}

/// How one post reads to `reader`, given its reaction counts, the
/// reader's own reactions, whether a block hides its author and whether it
/// is a crisis post withheld from this reader.
pub fn view_of(
    listing: PostListing,
    counts: &[(String, i64)],
    mine: &[String],
    (blocked, withheld): (bool, bool),
    reader: Reader,
) -> ApiResult<PostView> {
    let post = &listing.post;
    let is_author = reader.user_id == Some(post.author_id);
    let state = post.state()?;
    let sees_text = post.is_readable_by(reader);
    // Taken-down content reads as a placeholder, like deleted content.
    let deleted = post.deleted_at.is_some() || !sees_text;
    let withheld = withheld && !deleted;
    let shown = !deleted && !blocked && !withheld;
    let moderation = (!state.is_public()).then(|| ModerationNotice {
        state,
        reason: post.moderation_reason.clone().filter(|_| is_author || reader.moderates),
    });
    let head = PostHead::shown(listing);
    let head = if shown { head } else { head.placeholder(deleted, blocked, withheld) };
    Ok(PostView { head, reactions: reaction_counts(counts, mine), moderation, support: None })
}

/// One post as `reader` sees it, with its Markdown source if it is theirs.
pub fn single_view(connection: &mut AnyConnection, post_id: i64, reader: Reader) -> ApiResult<PostView> {
    let listing = store::listing(connection, post_id)?;
    let source = (reader.user_id == Some(listing.post.author_id)).then(|| listing.post.body.clone());
    let view =
        post_views(connection, vec![listing], reader)?.pop().ok_or_else(|| ApiError::internal("post view missing"))?;
    Ok(match source {
        Some(source) => with_source(view, source),
        None => view,
    })
}
