//! Threads: listing a community's threads, starting one, reading a page of
//! a thread's reply tree, and replying to any post in it.

use std::sync::Arc;

use actix_web::http::header::{AcceptEncoding, CONTENT_ENCODING, ContentType, Encoding, Header, VARY};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::db::communities as community_store;
use crate::db::posts::PATH_SEGMENT_LEN;
use crate::db::stories;
use crate::db::threads::{self as thread_store, ListCursor, ThreadListing};
use crate::discussion::audience::reads_members_page;
use crate::discussion::context::reader_of;
use crate::discussion::draft::PostDraft;
use crate::discussion::page::{LoadFor, ThreadPage, load_page};
use crate::discussion::reply::store_reply;
use crate::discussion::start::{Started, start_thread};
use crate::discussion::view::{AuthorView, PostView};
use crate::domain::discussion::{ContentWarning, parse_title};
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, FormErrors};
use crate::pages::{Audience, Lookup, Page, PageKey};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/communities/{slug}/threads").route(web::get().to(list)).route(web::post().to(create)))
        .service(web::resource("/threads/{id}").route(web::get().to(get)))
        .service(web::resource("/threads/{id}/posts").route(web::post().to(reply)));
}

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

impl PageQuery {
    fn limit(&self) -> ApiResult<i64> {
        page_limit(self.limit)
    }
}

/// A list's page size: `DEFAULT_PAGE` when absent, at most `MAX_PAGE`.
pub fn page_limit(limit: Option<i64>) -> ApiResult<i64> {
    match limit {
        None => Ok(DEFAULT_PAGE),
        Some(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
        Some(_) => Err(ApiError::bad_request("invalid_limit", format!("limit must be between 1 and {MAX_PAGE}."))),
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request("invalid_cursor", "That page cursor is not valid. Start again from the first page.")
}

fn parse_list_cursor(text: &str) -> ApiResult<ListCursor> {
    let (at, id) = text.split_once('_').ok_or_else(invalid_cursor)?;
    Ok(ListCursor {
        last_activity_at: at.parse().map_err(|_| invalid_cursor())?,
        id: id.parse().map_err(|_| invalid_cursor())?,
    })
}

fn parse_tree_cursor(text: &str) -> ApiResult<String> {
    let well_formed = !text.is_empty()
        && text.len().is_multiple_of(PATH_SEGMENT_LEN)
        && text.len() <= PATH_SEGMENT_LEN * 64
        && text.bytes().all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    if well_formed { Ok(text.to_owned()) } else { Err(invalid_cursor()) }
}

#[derive(Serialize, ToSchema)]
pub struct ThreadSummary {
    id: i64,
    title: String,
    author: AuthorView,
    created_at: Timestamp,
    last_activity_at: Timestamp,
    reply_count: i64,
    locked: bool,
    /// Pinned threads come first on the first page.
    pinned: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadList {
    threads: Vec<ThreadSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn summary(listing: ThreadListing) -> ThreadSummary {
    ThreadSummary {
        id: listing.id,
        title: listing.title,
        author: AuthorView::named(listing.author_username, listing.author_display_name),
        created_at: Timestamp(listing.created_at),
        last_activity_at: Timestamp(listing.last_activity_at),
        reply_count: listing.reply_count,
        locked: listing.locked_at.is_some(),
        pinned: listing.pinned_at.is_some(),
    }
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/threads", tag = "threads",
    params(("slug" = String, Path, description = "The community's slug."), PageQuery),
    responses((status = 200, body = ThreadList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ThreadList>> {
    let limit = query.limit()?;
    let after = query.cursor.as_deref().map(parse_list_cursor).transpose()?;
    let crisis_posts_public = state.settings.crisis_posts_public();
    let (pinned, listings) = state
        .db
        .read(move |connection| {
            let (community, standing) = community_store::readable_by_slug(connection, &slug, viewer.0.as_ref())?;
            let mut reader = reader_of(viewer.0.as_ref(), standing);
            reader.sees_crisis |= crisis_posts_public;
            let pinned = match after {
                None => thread_store::list(connection, community.id, None, MAX_PAGE, true, reader)?,
                Some(_) => Vec::new(),
            };
            Ok((pinned, thread_store::list(connection, community.id, after, limit, false, reader)?))
        })
        .await?;
    let next_cursor = (listings.len() as i64 == limit)
        .then(|| listings.last().map(|last| format!("{}_{}", last.last_activity_at, last.id)))
        .flatten();
    let threads = pinned.into_iter().chain(listings).map(summary).collect();
    Ok(web::Json(ThreadList { threads, next_cursor }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadDraft {
    /// 3 to 200 characters.
    title: String,
    /// The first post's Markdown.
    body: String,
    content_warning: Option<ContentWarning>,
    /// Share the thread as a story (its first post is the story, replies
    /// are comments) that travels this far; absent for a plain thread.
    story: Option<Reach>,
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/threads",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "threads", request_body = ThreadDraft,
    description = "Start a thread. A 422 names every wrong field at once (`fields`); with one wrong field it keeps \
    that field's own code, with several its code is `invalid_thread`.",
    responses((status = 201, body = ThreadPage), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<ThreadDraft>,
) -> ApiResult<HttpResponse> {
    let ThreadDraft { title, body, content_warning, story } = body.into_inner();
    let mut form = FormErrors::default();
    let title = form.check("title", parse_title(&title));
    let content = form.check("body", PostDraft { body, content_warning }.parse());
    let (Some(title), Some(content)) = (title, content) else { return Err(form.into_error("invalid_thread")) };
    let author = member.clone();
    let shared = state.clone();
    let Started { thread_id, support, raised } = state
        .write_thread(move |connection| {
            let (community, standing) = community_store::readable_by_slug(connection, &slug, Some(&author))?;
            policy::post(community.visibility()?, standing)?;
            let started = start_thread(connection, &shared, &author, community.id, standing, title, content)?;
            if let Some(reach) = story {
                stories::create(connection, started.thread_id, reach)?;
            }
            Ok((started.thread_id, started))
        })
        .await?;
    state.deliver_alert(raised);
    state.notifier.flush().await;
    let mut page = load_page(&state, thread_id, None, DEFAULT_PAGE, Some(member), LoadFor::default()).await?.page;
    page.support = support;
    Ok(HttpResponse::Created().content_type(ContentType::json()).body(page.into_json(false)?.body))
}

#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id."), PageQuery),
    responses((status = 200, body = ThreadPage), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    request: HttpRequest,
    viewer: Viewer,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> ApiResult<HttpResponse> {
    let limit = query.limit()?;
    let after = query.cursor.as_deref().map(parse_tree_cursor).transpose()?;
    let thread_id = id.into_inner();
    let gzip = accepts_gzip(&request);
    if let Some(page) = members_page(&state, thread_id, &after, limit, viewer.0.as_ref()).await? {
        return Ok(send_page(&page, gzip));
    }
    let viewer_id = viewer.user_id();
    let audience = viewer_id.map_or(Audience::Visitors, Audience::Reader);
    let key = PageKey { thread_id, after, limit, audience };
    loop {
        let stamp = state.pages.stamp(key.thread_id, state.db.generation());
        match state.pages.lookup(&key, stamp) {
            Lookup::Hit(page) => return Ok(send_page(&page, gzip)),
            Lookup::Wait(mut underway) => {
                let _ = underway.changed().await;
            }
            Lookup::Load(_turn) => {
                let keeps = state.pages.keeps_pages();
                let load_for = LoadFor { keeping: keeps };
                let loaded = load_page(&state, key.thread_id, key.after.clone(), limit, viewer.0, load_for).await?;
                // A kept page may be sent gzipped later, so it keeps its pieces.
                let json = loaded.page.into_json(keeps || gzip)?;
                let page = Page::new(Bytes::from(json.body), loaded.shown, json.placed);
                let key = match (loaded.members_page, viewer_id) {
                    (true, Some(member)) => {
                        page.remember_reader(member, true);
                        PageKey { audience: Audience::Members, ..key }
                    }
                    _ => key,
                };
                state.pages.put(key, stamp, page.clone());
                return Ok(send_page(&page, gzip));
            }
        }
    }
}

/// The page members with no part of their own in it share, when one is
/// kept and `viewer` is such a member.
async fn members_page(
    state: &AppState,
    thread_id: i64,
    after: &Option<String>,
    limit: i64,
    viewer: Option<&Member>,
) -> ApiResult<Option<Arc<Page>>> {
    let Some(member) = viewer else { return Ok(None) };
    let key = PageKey { thread_id, after: after.clone(), limit, audience: Audience::Members };
    let Some(page) = state.pages.get(&key, state.pages.stamp(thread_id, state.db.generation())) else {
        return Ok(None);
    };
    let shared = match page.read_by(member.user_id) {
        Some(known) => known,
        None => {
            let (member, shown) = (member.clone(), page.shown.clone());
            let user_id = member.user_id;
            let check = move |connection: &mut _| reads_members_page(connection, thread_id, &member, &shown);
            let shared = state.db.read_quick(check).await?;
            page.remember_reader(user_id, shared);
            shared
        }
    };
    if shared {
        state.pages.hits.inc();
    }
    Ok(shared.then_some(page))
}

/// Whether the client takes gzip (the one encoding pages are kept in).
fn accepts_gzip(request: &HttpRequest) -> bool {
    let gzip = Encoding::gzip();
    let accepted = AcceptEncoding::parse(request).ok();
    accepted.and_then(|accepted| accepted.negotiate([gzip.clone(), Encoding::identity()].iter())) == Some(gzip)
}

/// A thread page as JSON, gzipped when the client takes it (the compression
/// middleware leaves an encoded body alone).
fn send_page(page: &Page, gzip: bool) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type(ContentType::json()).insert_header((VARY, "accept-encoding"));
    if gzip {
        response.insert_header((CONTENT_ENCODING, "gzip")).body(page.gzipped())
    } else {
        response.body(page.body.clone())
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyDraft {
    /// The post replied to; absent means the thread's first post.
    parent_id: Option<i64>,
    /// Markdown, at most 20,000 characters.
    body: String,
    content_warning: Option<ContentWarning>,
}

#[utoipa::path(post, path = "/api/v1/threads/{id}/posts",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "threads", request_body = ReplyDraft,
    responses((status = 201, body = PostView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn reply(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<ReplyDraft>,
) -> ApiResult<HttpResponse> {
    let ReplyDraft { parent_id, body, content_warning } = body.into_inner();
    let content = PostDraft { body, content_warning }.parse()?;
    let view = store_reply(&state, member, id.into_inner(), parent_id, content).await?;
    Ok(HttpResponse::Created().json(view))
}
