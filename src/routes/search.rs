//! Search over thread titles, posts and chat messages: only in communities
//! the reader may read, only visible content, never from members a block
//! hides, ranked best match first and then newest, with escaped snippets
//! whose matched words are in `<mark>`. Stories elsewhere are found as far
//! as their reach carries them (their own text only). The query is parsed into a safe
//! form first, and it is never logged.

use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::db::communities as community_store;
use crate::db::search::{self, Hit, Scope};
use crate::db::{AnyConnection, blocks, chat, threads as thread_store, users};
use crate::discussion::view::AuthorView;
use crate::domain::search::SearchQuery;
use crate::domain::story::Reach;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::notification::{RoomRef, ThreadRef};

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(web::resource("/search").route(web::get().to(search)));
}

const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 50;
/// How deep results go: past this, a narrower search serves better.
const MAX_OFFSET: i64 = 1000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words to find (all of them); "quoted words" must appear together. At most 200 characters.
    q: String,
    /// Only this community (its slug).
    community: Option<String>,
    /// Only what this member wrote (their username).
    author: Option<String>,
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 50; 20 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    results: Vec<SearchResult>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    /// `thread` (its title matched), `post` or `message`.
    kind: String,
    /// The thread's, post's or chat message's id.
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread: Option<ThreadRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<RoomRef>,
    /// The community's slug.
    community: String,
    author: AuthorView,
    created_at: Timestamp,
    /// Escaped text around the match, the matched words in `<mark>`.
    snippet_html: String,
}

fn invalid_cursor() -> ApiError {
    ApiError::bad_request("invalid_cursor", "That page cursor is not valid. Start again from the first page.")
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    description = "Search thread titles, posts and chat messages you may see, best match first, then newest. \
Every word must match; quote words to find them together. Anything else (`*`, `NEAR(`, `AND`, `OR`) is just text. \
The newest 1,000 matches of each kind are ranked, so a very common word is ranked among its recent uses.",
    responses((status = 200, body = SearchResults), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn search(
    state: web::Data<AppState>,
    viewer: Viewer,
    params: web::Query<SearchParams>,
) -> ApiResult<web::Json<SearchResults>> {
    let SearchParams { q, community, author, cursor, limit } = params.into_inner();
    let query = SearchQuery::parse(&q)?;
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(limit) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(_) => {
            return Err(ApiError::bad_request("invalid_limit", format!("limit must be between 1 and {MAX_LIMIT}.")));
        }
    };
    let offset = match cursor {
        None => 0,
        Some(text) => {
            text.parse::<i64>().ok().filter(|offset| (1..MAX_OFFSET).contains(offset)).ok_or_else(invalid_cursor)?
        }
    };
    let crisis_posts_public = state.settings.crisis_posts_public();
    let results = state
        .db
        .read(move |connection| {
            let reader = viewer.0;
            let mut scope = scope_for(connection, reader.as_ref(), community.as_deref(), author.as_deref())?;
            scope.without_crisis = reader.is_none() && !crisis_posts_public;
            let hits = search::search(connection, &query, &scope, offset, limit)?;
            let mut texts = search::texts(connection, &hits)?;
            let more = hits.len() as i64 == limit && offset + limit < MAX_OFFSET;
            let results = hits
                .into_iter()
                .map(|hit| {
                    let snippet = query.snippet(&texts.remove(&(hit.kind.clone(), hit.id)).unwrap_or_default());
                    result(connection, hit, snippet)
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(SearchResults { results, next_cursor: more.then(|| (offset + limit).to_string()) })
        })
        .await?;
    Ok(web::Json(results))
}

/// Where a reader's search may look: the communities they may read (or the
/// one they named, if they may) and, across the instance, the stories
/// elsewhere whose reach carries them to the reader, without authors a
/// block hides from them; nowhere, for an author who does not exist.
fn scope_for(
    connection: &mut AnyConnection,
    reader: Option<&Member>,
    community: Option<&str>,
    author: Option<&str>,
) -> ApiResult<Scope> {
    let communities = match community {
        Some(slug) => vec![community_store::readable_by_slug(connection, slug, reader)?.0.id],
        None => community_store::readable_ids(connection, reader)?,
    };
    let of_communities = community_store::count(connection)?;
    let author = match author {
        Some(username) => match users::find_by_username(connection, username)? {
            Some(id) => Some(id),
            // Nowhere to look: answered like an author with no visible
            // posts, so search does not tell whether a username exists.
            None => {
                return Ok(Scope {
                    communities: Vec::new(),
                    beyond: &[],
                    of_communities,
                    author: None,
                    hidden_authors: Vec::new(),
                    without_crisis: false,
                });
            }
        },
        None => None,
    };
    let hidden_authors = match reader {
        Some(member) => blocks::hidden_from(connection, member.user_id)?.into_iter().collect(),
        None => Vec::new(),
    };
    // Stories elsewhere are found in a search of the whole instance.
    let beyond = if community.is_none() { Reach::beyond_community(reader.is_some()) } else { &[] };
    Ok(Scope { communities, beyond, of_communities, author, hidden_authors, without_crisis: false })
}

fn result(connection: &mut AnyConnection, hit: Hit, snippet_html: String) -> ApiResult<SearchResult> {
    let thread = hit
        .thread_id
        .map(|id| thread_store::by_id(connection, id).map(|thread| ThreadRef { id, title: thread.title }))
        .transpose()?;
    let room =
        hit.room_id.map(|id| chat::room(connection, id).map(|room| RoomRef { id, name: room.name })).transpose()?;
    let (username, display_name) = users::names_of(connection, hit.author_id)?;
    Ok(SearchResult {
        kind: hit.kind,
        id: hit.id,
        thread,
        room,
        community: community_store::by_id(connection, hit.community_id)?.slug,
        author: AuthorView::named(username, display_name),
        created_at: Timestamp(hit.created_at),
        snippet_html,
    })
}
