//! One post: how it is shown, editing it (keeping every earlier version),
//! deleting it, its revisions, and the supportive reactions on it.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::threads::{AuthorView, PostDraft};
use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::blocks;
use crate::db::communities as community_store;
use crate::db::communities::CommunityRow;
use crate::db::posts::{self as store, NewContent, PostListing, PostRow, Reader};
use crate::db::queue::ItemSubject;
use crate::db::threads::{self as thread_store, ThreadRow};
use crate::domain::community::Visibility;
use crate::domain::discussion::{ContentWarning, PostBody, ReactionKind, parse_title, render};
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy::{self, Authority, Standing};
use crate::safety::participation::{self, Place};
use crate::safety::screening::Screened;
use crate::safety::writing::{self, Support, Writing};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/posts/{id}").route(web::patch().to(edit)).route(web::delete().to(delete)))
        .service(web::resource("/posts/{id}/revisions").route(web::get().to(revisions)))
        .service(
            web::resource("/posts/{id}/reactions/{kind}").route(web::put().to(react)).route(web::delete().to(unreact)),
        );
}

#[derive(Serialize, ToSchema)]
pub struct PostView {
    id: i64,
    thread_id: i64,
    /// Absent for a thread's first post.
    parent_id: Option<i64>,
    /// 0 for the first post.
    depth: i32,
    /// Absent when the post is deleted or a block hides it.
    author: Option<AuthorView>,
    /// Sanitised HTML; absent when the post is deleted or a block hides it.
    body_html: Option<String>,
    /// The Markdown source, shown only to the author (for editing).
    body_markdown: Option<String>,
    deleted: bool,
    /// A collapsed placeholder: the viewer blocked the author, or the author blocked them.
    blocked: bool,
    /// A placeholder for signed-out visitors: the post's words suggest its
    /// author may be at risk, so only signed-in readers see it
    /// (`crisis_post_visibility`).
    members_only: bool,
    content_warning: Option<ContentWarning>,
    created_at: Timestamp,
    edited_at: Option<Timestamp>,
    reactions: Vec<ReactionCount>,
    /// Present when moderators have held, hidden or removed the post; the
    /// reason is shown to its author and moderators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    moderation: Option<ModerationNotice>,
    /// Helplines for the author, when what they just wrote suggests they may be at risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<Support>,
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

/// Turns stored posts into what the viewer sees, with reaction counts in
/// the instance's order of kinds; a block collapses a post to a placeholder
/// unless the viewer's standing says blocks hide nothing from them.
pub fn post_views(
    connection: &mut AnyConnection,
    listings: Vec<PostListing>,
    reader: Reader,
) -> ApiResult<Vec<PostView>> {
    let viewer_id = reader.user_id;
    let ids: Vec<i64> = listings.iter().map(|listing| listing.post.id).collect();
    let mut reactions = store::reactions_for(connection, &ids, viewer_id)?;
    let hidden = match viewer_id {
        Some(viewer) if !reader.moderates => blocks::hidden_from(connection, viewer)?,
        _ => Default::default(),
    };
    let withheld = if reader.sees_crisis { Default::default() } else { store::crisis_among(connection, &ids)? };
    listings
        .into_iter()
        .map(|listing| {
            let id = listing.post.id;
            let blocked = hidden.contains(&listing.post.author_id);
            let counts = reactions.counts.remove(&id).unwrap_or_default();
            let mine = reactions.mine.remove(&id).unwrap_or_default();
            view_of(listing, &counts, &mine, (blocked, withheld.contains(&id)), reader)
        })
        .collect()
}

/// A post its author has just written, as they see it: their own, so
/// never blocked, and with no reactions yet (nothing is read back).
pub fn new_post_view(post: PostRow, author: &Member, reader: Reader) -> ApiResult<PostView> {
    let listing = PostListing {
        post,
        author_username: author.username.clone(),
        author_display_name: author.display_name.clone(),
    };
    view_of(listing, &[], &[], (false, false), reader)
}

/// How one post reads to `reader`, given its reaction counts, the
/// reader's own reactions, whether a block hides its author and whether it
/// is a crisis post withheld from this reader.
fn view_of(
    PostListing { post, author_username, author_display_name }: PostListing,
    counts: &[(String, i64)],
    mine: &[String],
    (blocked, withheld): (bool, bool),
    reader: Reader,
) -> ApiResult<PostView> {
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
    Ok(PostView {
        id: post.id,
        thread_id: post.thread_id,
        parent_id: post.parent_id,
        depth: post.depth,
        author: shown.then_some(AuthorView { username: author_username, display_name: author_display_name }),
        body_html: shown.then_some(post.body_html),
        body_markdown: (shown && is_author).then_some(post.body),
        deleted,
        blocked,
        members_only: withheld,
        content_warning: post
            .content_warning
            .filter(|_| shown)
            .map(|label| ContentWarning { label, note: post.content_warning_note }),
        created_at: Timestamp(post.created_at),
        edited_at: post.edited_at.map(Timestamp),
        reactions: ReactionKind::ALL
            .iter()
            .filter_map(|kind| {
                let (name, count) = counts.iter().find(|(name, _)| name == kind.as_str())?;
                Some(ReactionCount { mine: mine.contains(name), kind: name.clone(), count: *count })
            })
            .collect(),
        moderation,
        support: None,
    })
}

/// A thread the viewer may read, with its community and their standing
/// there. A thread whose first post is not public (held, hidden, removed)
/// is found only by those who may read that post: to anyone else it is a
/// 404, as if there were no thread, so its title and author stay unknown.
pub fn thread_in_context(
    connection: &mut AnyConnection,
    thread_id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(ThreadRow, CommunityRow, Standing)> {
    let thread = thread_store::by_id(connection, thread_id)?;
    let (community, standing) = community_store::readable_by_id(connection, thread.community_id, viewer)?;
    if !store::first_of(connection, thread_id)?.is_readable_by(reader_of(viewer, standing)) {
        return Err(ApiError::not_found("We couldn't find that thread."));
    }
    Ok((thread, community, standing))
}

/// A live post with its community's visibility and the member's standing
/// there; a post the member may not read (or see, while held), or one in a
/// thread they may not find, is a 404.
pub fn post_in_context(
    connection: &mut AnyConnection,
    post_id: i64,
    member: &Member,
) -> ApiResult<(PostRow, Visibility, Standing)> {
    let post = store::by_id(connection, post_id)?;
    let (_, community, standing) = thread_in_context(connection, post.thread_id, Some(member))?;
    if !post.is_listed_for(reader_of(Some(member), standing)) {
        return Err(ApiError::not_found("We couldn't find that post."));
    }
    Ok((post, community.visibility()?, standing))
}

/// How a member (or visitor) reads posts in a community where they have `standing`.
pub fn reader_of(member: Option<&Member>, standing: Standing) -> Reader {
    Reader {
        user_id: member.map(|member| member.user_id),
        moderates: member.is_some_and(|member| Authority::of(member, Some(standing)) != Authority::Member),
        sees_crisis: member.is_some(),
    }
}

fn refuse_deleted(post: &PostRow) -> ApiResult<()> {
    if post.deleted_at.is_some() {
        return Err(ApiError::conflict("post_deleted", "That post was deleted."));
    }
    if matches!(post.state()?, ContentState::Hidden | ContentState::Removed) {
        return Err(ApiError::conflict(
            "post_taken_down",
            "Moderators have taken that post down, so it can't be changed.",
        ));
    }
    Ok(())
}

/// One post as `reader` sees it.
pub fn single_view(connection: &mut AnyConnection, post_id: i64, reader: Reader) -> ApiResult<PostView> {
    let listing = store::listing(connection, post_id)?;
    post_views(connection, vec![listing], reader)?.pop().ok_or_else(|| ApiError::internal("post view missing"))
}

#[utoipa::path(patch, path = "/api/v1/posts/{id}",
    params(("id" = i64, Path, description = "The post's id.")), tag = "posts", request_body = PostDraft,
    description = "Replace a post's text and content warning; the earlier version is kept.",
    responses((status = 200, body = PostView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn edit(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<PostDraft>,
) -> ApiResult<web::Json<PostView>> {
    let content = body.into_inner().parse()?;
    let post_id = id.into_inner();
    let shared = state.clone();
    let (view, raised) = state
        .write_thread(move |connection| {
            let (post, _, standing) = post_in_context(connection, post_id, &member)?;
            policy::change_post(&member, post.author_id)?;
            refuse_deleted(&post)?;
            let community_id = thread_store::by_id(connection, post.thread_id)?.community_id;
            let (content, screened) = screen_post(connection, &shared, &member, community_id, standing, content)?;
            store::edit(connection, &post, member.user_id, content)?;
            let subject = ItemSubject::post(post_id, community_id, member.user_id);
            let raised = writing::queue_if_asked(connection, &shared, &screened, subject)?;
            let mut view = single_view(connection, post_id, reader_of(Some(&member), standing))?;
            view.support = shared.safety.support_for(&screened, raised.as_ref());
            Ok((post.thread_id, (view, raised)))
        })
        .await?;
    state.deliver_alert(raised);
    Ok(web::Json(view))
}

#[utoipa::path(delete, path = "/api/v1/posts/{id}",
    params(("id" = i64, Path, description = "The post's id.")), tag = "posts",
    description = "Delete your post. Replies stay, under a placeholder; a first post with no replies takes its thread.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let post_id = id.into_inner();
    state
        .write_thread(move |connection| {
            let (post, ..) = post_in_context(connection, post_id, &member)?;
            policy::change_post(&member, post.author_id)?;
            refuse_deleted(&post)?;
            store::delete(connection, &post).map(|deleted| (post.thread_id, deleted))
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct RevisionView {
    body_markdown: String,
    content_warning: Option<ContentWarning>,
    /// When this version was written.
    written_at: Timestamp,
    /// When a newer version replaced it; absent for the current version.
    replaced_at: Option<Timestamp>,
}

#[utoipa::path(get, path = "/api/v1/posts/{id}/revisions",
    params(("id" = i64, Path, description = "The post's id.")), tag = "posts",
    description = "Every version of a post, oldest first, the current one last. For the author and moderators.",
    responses((status = 200, body = Vec<RevisionView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn revisions(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Vec<RevisionView>>> {
    let post_id = id.into_inner();
    let (post, earlier) = state
        .db
        .read(move |connection| {
            let (post, _, standing) = post_in_context(connection, post_id, &member)?;
            policy::read_revisions(&member, post.author_id, standing)?;
            let earlier = store::revisions(connection, post_id)?;
            Ok((post, earlier))
        })
        .await?;
    let warning = |label: Option<String>, note| label.map(|label| ContentWarning { label, note });
    let mut versions: Vec<RevisionView> = earlier
        .into_iter()
        .map(|(body, label, note, written_at, replaced_at)| RevisionView {
            body_markdown: body,
            content_warning: warning(label, note),
            written_at: Timestamp(written_at),
            replaced_at: Some(Timestamp(replaced_at)),
        })
        .collect();
    versions.push(RevisionView {
        written_at: Timestamp(post.edited_at.unwrap_or(post.created_at)),
        body_markdown: post.body,
        content_warning: warning(post.content_warning, post.content_warning_note),
        replaced_at: None,
    });
    Ok(web::Json(versions))
}

#[utoipa::path(put, path = "/api/v1/posts/{id}/reactions/{kind}",
    params(("id" = i64, Path, description = "The post's id."), ("kind" = String, Path, description = "The reaction (one the instance lists).")), tag = "posts",
    description = "Leave a supportive reaction (`hug`, `me_too`, `thank_you`, `strength`); leaving it twice changes nothing.",
    responses((status = 200, body = PostView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn react(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, String)>,
) -> ApiResult<web::Json<PostView>> {
    change_reaction(state, member, path.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/posts/{id}/reactions/{kind}",
    params(("id" = i64, Path, description = "The post's id."), ("kind" = String, Path, description = "The reaction (one the instance lists).")), tag = "posts",
    responses((status = 200, body = PostView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unreact(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, String)>,
) -> ApiResult<web::Json<PostView>> {
    change_reaction(state, member, path.into_inner(), false).await
}

async fn change_reaction(
    state: web::Data<AppState>,
    member: Member,
    (post_id, kind): (i64, String),
    add: bool,
) -> ApiResult<web::Json<PostView>> {
    let kind = ReactionKind::parse(&kind)?;
    let view = state
        .write_thread(move |connection| {
            let (post, visibility, standing) = post_in_context(connection, post_id, &member)?;
            // Taking a reaction back is always allowed; leaving one is not across a block.
            let blocked = add && blocks::between(connection, member.user_id, post.author_id)?;
            policy::react(visibility, standing, blocked)?;
            refuse_deleted(&post)?;
            let community_id = thread_store::by_id(connection, post.thread_id)?.community_id;
            participation::ensure_may_write(connection, member.user_id, Place { community_id, room_id: None })?;
            if add {
                store::add_reaction(connection, post_id, member.user_id, kind)?;
            } else {
                store::remove_reaction(connection, post_id, member.user_id, kind)?;
            }
            Ok((post.thread_id, single_view(connection, post_id, reader_of(Some(&member), standing))?))
        })
        .await?;
    Ok(web::Json(view))
}

/// Runs a post's text through the writing checks, applying what they
/// decide (replaced words, a hold) to the content to store.
pub fn screen_post(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    content: NewContent,
) -> ApiResult<(NewContent, Screened)> {
    let (_, content, screened) = screen_titled(connection, state, member, community_id, standing, None, content)?;
    Ok((content, screened))
}

/// Screens a new thread's title and first post as one text, so a title
/// meets the same filters and crisis screening as a body; returns the
/// title to store (with replaced words) beside the content.
pub fn screen_thread(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    title: String,
    content: NewContent,
) -> ApiResult<(String, NewContent, Screened)> {
    let (title, content, screened) =
        screen_titled(connection, state, member, community_id, standing, Some(title), content)?;
    Ok((title.unwrap_or_default(), content, screened))
}

/// Between a title and its post when they are screened as one text; a
/// title has no line breaks, so the first one is where the post begins.
const TITLE_BREAK: &str = "\n\n";

fn screen_titled(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    mut title: Option<String>,
    mut content: NewContent,
) -> ApiResult<(Option<String>, NewContent, Screened)> {
    let text = match &title {
        Some(title) => format!("{title}{TITLE_BREAK}{}", content.body.as_str()),
        None => content.body.as_str().to_owned(),
    };
    let screened = writing::check(connection, state, member, community_id, standing, Writing::Post, &text)?;
    if let Some(replaced) = &screened.replaced_text {
        let body = match title.as_mut() {
            Some(title) => {
                let (new_title, body) = replaced.split_once(TITLE_BREAK).ok_or_else(|| {
                    ApiError::invalid("invalid_title", "A word filter changed the title too much; please reword it.")
                })?;
                *title = parse_title(new_title)?;
                body
            }
            None => replaced.as_str(),
        };
        content.body = PostBody::parse(body.to_owned())?;
        let rendered = render(content.body.as_str())?;
        (content.html, content.render_version) = (rendered.html, rendered.policy_version);
    }
    content.state = screened.state;
    Ok((title, content, screened))
}
