//! Stories: a community's stories page, the instance's stories, and the
//! author's choice of how far one travels. Each list holds what its reader
//! may read: every story in communities they may read, and elsewhere the
//! stories whose reach carries them to the reader.

use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::db::communities as community_store;
use crate::db::stories::{self as store, StoryCursor, StoryListing, Within};
use crate::discussion::context::thread_for_reading;
use crate::discussion::view::AuthorView;
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::routes::threads::page_limit;
use crate::safety::participation;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/stories").route(web::get().to(instance)))
        .service(web::resource("/communities/{slug}/stories").route(web::get().to(community)))
        .service(web::resource("/threads/{id}/story").route(web::put().to(set_reach)));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StoriesQuery {
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct StorySummary {
    /// The story's thread.
    id: i64,
    title: String,
    /// The community's slug.
    community: String,
    community_name: String,
    author: AuthorView,
    reach: Reach,
    created_at: Timestamp,
    last_activity_at: Timestamp,
    reply_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StoryList {
    /// Newest first.
    stories: Vec<StorySummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request("invalid_cursor", "That page cursor is not valid. Start again from the first page.")
}

fn parse_cursor(text: &str) -> ApiResult<StoryCursor> {
    let (at, id) = text.split_once('_').ok_or_else(invalid_cursor)?;
    Ok(StoryCursor {
        created_at: at.parse().map_err(|_| invalid_cursor())?,
        id: id.parse().map_err(|_| invalid_cursor())?,
    })
}

fn summary(listing: StoryListing) -> ApiResult<StorySummary> {
    Ok(StorySummary {
        id: listing.id,
        title: listing.title,
        community: listing.community_slug,
        community_name: listing.community_name,
        author: AuthorView::named(listing.author_username, listing.author_display_name),
        reach: Reach::from_stored(&listing.reach)?,
        created_at: Timestamp(listing.created_at),
        last_activity_at: Timestamp(listing.last_activity_at),
        reply_count: listing.reply_count,
    })
}

/// A page of the stories a viewer may read, in one community (its slug) or
/// across the instance.
async fn stories_for(
    state: &AppState,
    viewer: Viewer,
    slug: Option<String>,
    query: StoriesQuery,
) -> ApiResult<StoryList> {
    let limit = page_limit(query.limit)?;
    let after = query.cursor.as_deref().map(parse_cursor).transpose()?;
    let crisis_posts_public = state.settings.crisis_posts_public();
    let listings = state
        .db
        .read(move |connection| {
            let viewer = viewer.0.as_ref();
            let (community, readable) = match slug {
                Some(slug) => {
                    let community = community_store::by_slug(connection, &slug)?;
                    let standing = community_store::standing(connection, community.id, viewer)?;
                    let readable = policy::read_threads(community.visibility()?, standing).is_ok();
                    (Some(community.id), if readable { vec![community.id] } else { Vec::new() })
                }
                None => (None, community_store::readable_ids(connection, viewer)?),
            };
            let within = Within {
                community,
                readable,
                beyond: Reach::beyond_community(viewer.is_some()),
                user_id: viewer.map(|member| member.user_id),
                sees_crisis: viewer.is_some() || crisis_posts_public,
            };
            store::list(connection, &within, after, limit)
        })
        .await?;
    let next_cursor = (listings.len() as i64 == limit)
        .then(|| listings.last().map(|last| format!("{}_{}", last.created_at, last.id)))
        .flatten();
    let stories = listings.into_iter().map(summary).collect::<ApiResult<_>>()?;
    Ok(StoryList { stories, next_cursor })
}

#[utoipa::path(get, path = "/api/v1/stories", tag = "stories", params(StoriesQuery),
    description = "Stories across the instance that you may read: all of those in communities you may read, \
and elsewhere those shared with the whole instance (when signed in) or the public web.",
    responses((status = 200, body = StoryList), (status = 400, body = crate::error::ErrorBody)))]
pub async fn instance(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<StoriesQuery>,
) -> ApiResult<web::Json<StoryList>> {
    Ok(web::Json(stories_for(&state, viewer, None, query.into_inner()).await?))
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/stories", tag = "stories",
    params(("slug" = String, Path, description = "The community's slug."), StoriesQuery),
    description = "A community's stories, newest first: all of them for those who may read the community, \
and for anyone else those whose reach carries them that far.",
    responses((status = 200, body = StoryList), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn community(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
    query: web::Query<StoriesQuery>,
) -> ApiResult<web::Json<StoryList>> {
    Ok(web::Json(stories_for(&state, viewer, Some(slug.into_inner()), query.into_inner()).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryReach {
    /// How far the story may travel: `community`, `instance` or `public`.
    reach: Reach,
}

#[utoipa::path(put, path = "/api/v1/threads/{id}/story", tag = "stories",
    params(("id" = i64, Path, description = "The story's thread id.")), request_body = StoryReach,
    description = "The story's author changes how far it travels. Narrowing takes effect at once everywhere \
(its page, lists and search) and is always allowed; widening is refused while the author is suspended.",
    responses((status = 200, body = StoryReach), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_reach(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<StoryReach>,
) -> ApiResult<web::Json<StoryReach>> {
    let thread_id = id.into_inner();
    let reach = body.into_inner().reach;
    state
        .write_thread(move |connection| {
            let reading = thread_for_reading(connection, thread_id, Some(&member))?;
            let current = reading
                .story
                .ok_or_else(|| ApiError::conflict("not_a_story", "That thread is not a story, so it has no reach."))?;
            policy::set_story_reach(&member, reading.thread.author_id)?;
            if reach > current {
                participation::ensure_active(connection, member.user_id)?;
            }
            store::set_reach(connection, thread_id, reach)?;
            Ok((thread_id, ()))
        })
        .await?;
    Ok(web::Json(StoryReach { reach }))
}
