//! One post: how it is shown, editing it (keeping every earlier version),
//! deleting it, its revisions, and the supportive reactions on it.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::posts::{self as store, Which};
use crate::db::queue::ItemSubject;
use crate::db::{blocks, users};
use crate::discussion::context::{PostInContext, post_in_context, reader_of, refuse_deleted};
use crate::discussion::draft::PostDraft;
use crate::discussion::heads;
use crate::discussion::screen::screen_post;
use crate::discussion::view::{PostView, single_view};
use crate::domain::discussion::{ContentWarning, ReactionKind};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::policy;
use crate::safety::participation::{self, Place};
use crate::safety::writing;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/posts/{id}").route(web::patch().to(edit)).route(web::delete().to(delete)))
        .service(web::resource("/posts/{id}/revisions").route(web::get().to(revisions)))
        .service(
            web::resource("/posts/{id}/reactions/{kind}").route(web::put().to(react)).route(web::delete().to(unreact)),
        );
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
            let PostInContext { post, community_id, standing, .. } = post_in_context(connection, post_id, &member)?;
            policy::change_post(&member, post.author_id)?;
            refuse_deleted(&post)?;
            let (content, screened) = screen_post(connection, &shared, &member, community_id, standing, content)?;
            store::edit(connection, &post, member.user_id, content)?;
            heads::refresh(connection, Which::Post(post_id))?;
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
            let post = post_in_context(connection, post_id, &member)?.post;
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
            let PostInContext { post, standing, .. } = post_in_context(connection, post_id, &member)?;
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
    let instance = state.instance.current();
    let view = state
        .write_thread(move |connection| {
            let PostInContext { post, community_id, visibility, standing } =
                post_in_context(connection, post_id, &member)?;
            // Taking a reaction back is always allowed; leaving one is not across a block.
            let blocked = add && blocks::between(connection, member.user_id, post.author_id)?;
            policy::react(visibility, standing, blocked)?;
            refuse_deleted(&post)?;
            participation::ensure_may_write(connection, member.user_id, Place { community_id, room_id: None })?;
            if add {
                // Leaving a reaction is taking part: it needs what posting needs (see `policy::contribute`).
                users::require_acceptance(connection, member.user_id, &instance.acceptance())?;
                store::add_reaction(connection, post_id, member.user_id, kind)?;
            } else {
                store::remove_reaction(connection, post_id, member.user_id, kind)?;
            }
            Ok((post.thread_id, single_view(connection, post_id, reader_of(Some(&member), standing))?))
        })
        .await?;
    Ok(web::Json(view))
}
