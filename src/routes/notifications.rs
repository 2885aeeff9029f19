//! A member's notifications: the inbox (latest activity first, with the
//! unread count) and marking one or all read.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Member;
use crate::db::notifications::{self, PageCursor};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::notification::{self as notification_view, NotificationView};

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/notifications").route(web::get().to(list)))
        .service(web::resource("/notifications/read-all").route(web::post().to(read_all)))
        .service(web::resource("/notifications/{id}/read").route(web::post().to(read_one)));
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// From a previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Inbox {
    /// Latest activity first; a group that grows moves to the top.
    notifications: Vec<NotificationView>,
    unread_count: i64,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

fn parse_cursor(text: &str) -> ApiResult<PageCursor> {
    let invalid =
        || ApiError::bad_request("invalid_cursor", "That page cursor is not valid. Start again from the first page.");
    let (at, id) = text.split_once('_').ok_or_else(invalid)?;
    Ok(PageCursor { updated_at: at.parse().map_err(|_| invalid())?, id: id.parse().map_err(|_| invalid())? })
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(InboxQuery),
    description = "The signed-in member's notifications, latest activity first, with the unread count. \
Replies, mentions and new posts are grouped per thread (per room for chat mentions) while unread.",
    responses((status = 200, body = Inbox), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<InboxQuery>,
) -> ApiResult<web::Json<Inbox>> {
    let InboxQuery { cursor, limit } = query.into_inner();
    let limit = super::threads::page_limit(limit)?;
    let after = cursor.as_deref().map(parse_cursor).transpose()?;
    let user_id = member.user_id;
    let inbox = state
        .db
        .read(move |connection| {
            let rows = notifications::page(connection, user_id, after, limit)?;
            let next_cursor = (rows.len() as i64 == limit)
                .then(|| rows.last().map(|last| format!("{}_{}", last.updated_at, last.id)))
                .flatten();
            let notifications =
                rows.into_iter().map(|row| notification_view::of(connection, row)).collect::<ApiResult<_>>()?;
            Ok(Inbox { notifications, unread_count: notifications::unread_count(connection, user_id)?, next_cursor })
        })
        .await?;
    Ok(web::Json(inbox))
}

#[utoipa::path(post, path = "/api/v1/notifications/{id}/read",
    params(("id" = i64, Path, description = "The notification's id.")), tag = "notifications",
    description = "Mark one notification read; the next event of its group starts a new line.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn read_one(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db.write_unseen(move |connection| notifications::mark_read(connection, member.user_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    description = "Mark every notification read.", responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn read_all(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    state.db.write_unseen(move |connection| notifications::mark_all_read(connection, member.user_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
