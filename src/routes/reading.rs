//! A member's place in a long thread: where they stopped reading, the first
//! reply they have not seen and the newest, and moving that place on.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::posts as post_store;
use crate::db::thread_reads;
use crate::discussion::context::{reader_of, thread_in_context};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config.service(web::resource("/threads/{id}/reading").route(web::get().to(reading)).route(web::put().to(mark)));
}

#[derive(Serialize, ToSchema)]
pub struct ReadingView {
    /// The newest post you were shown here; absent before your first visit.
    last_read_post_id: Option<i64>,
    /// The oldest post by someone else after it (absent when none, or before your first visit).
    first_unread_post_id: Option<i64>,
    /// How many posts by others came after it.
    unread_count: i64,
    /// The newest post you may read here.
    newest_post_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadDraft {
    /// The newest post of this thread you were shown.
    post_id: i64,
}

#[utoipa::path(get, path = "/api/v1/threads/{id}/reading",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "threads",
    description = "Where you are in a thread: the last post you read, the first unread one, how many are unread, the newest.",
    responses((status = 200, body = ReadingView), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn reading(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<ReadingView>> {
    let thread_id = id.into_inner();
    let view = state
        .db
        .read(move |connection| {
            let (_, _, standing) = thread_in_context(connection, thread_id, Some(&member))?;
            let found = thread_reads::reading(connection, thread_id, reader_of(Some(&member), standing))?;
            Ok(ReadingView {
                last_read_post_id: found.last_read_post_id,
                first_unread_post_id: found.first_unread_post_id,
                unread_count: found.unread_count,
                newest_post_id: found.newest_post_id,
            })
        })
        .await?;
    Ok(web::Json(view))
}

#[utoipa::path(put, path = "/api/v1/threads/{id}/reading",
    params(("id" = i64, Path, description = "The thread's id.")), tag = "threads", request_body = ReadDraft,
    description = "Record that you have read this thread up to a post (a place never moves back).",
    responses((status = 204), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn mark(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<ReadDraft>,
) -> ApiResult<HttpResponse> {
    let thread_id = id.into_inner();
    let post_id = body.into_inner().post_id;
    // A read position changes no page anyone is shown.
    state
        .db
        .write_unseen(move |connection| {
            let (_, _, standing) = thread_in_context(connection, thread_id, Some(&member))?;
            let post = post_store::by_id(connection, post_id).ok();
            if !post.is_some_and(|post| {
                post.thread_id == thread_id && post.is_listed_for(reader_of(Some(&member), standing))
            }) {
                return Err(ApiError::invalid("invalid_post", "That post is not in this thread."));
            }
            thread_reads::mark(connection, member.user_id, thread_id, post_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
