//! Chat rooms over HTTP: listing and creating a community's rooms,
//! archiving them, paging their history, and moderators deleting messages
//! and muting members. Live traffic is on `/api/v1/live`.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::threads::page_limit;
use crate::auth::{Member, Viewer};
use crate::db::blocks;
use crate::db::chat::{self, MessageListing, MessageRow, RoomRow, Window};
use crate::db::communities as community_store;
use crate::db::users;
use crate::discussion::context::reader_of;
use crate::discussion::view::AuthorView;
use crate::domain::chat::parse_room_name;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker::{self, Note};
use crate::live::connection::readable_room;
use crate::moderate::actions::{self, Command};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/communities/{slug}/rooms").route(web::get().to(list)).route(web::post().to(create)))
        .service(web::resource("/rooms/{id}").route(web::delete().to(archive)))
        .service(web::resource("/rooms/{id}/messages").route(web::get().to(history)))
        .service(
            web::resource("/rooms/{id}/mutes/{username}").route(web::put().to(mute)).route(web::delete().to(unmute)),
        )
        .service(web::resource("/messages/{id}").route(web::delete().to(delete_message)));
}

#[derive(Serialize, ToSchema)]
pub struct RoomView {
    id: i64,
    name: String,
    /// The community's own room, which cannot be archived.
    is_default: bool,
    /// The room's latest sequence number.
    last_seq: i64,
    created_at: Timestamp,
}

fn room_view(row: RoomRow) -> RoomView {
    RoomView {
        id: row.id,
        name: row.name,
        is_default: row.is_default,
        last_seq: row.last_seq,
        created_at: Timestamp(row.created_at),
    }
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/rooms",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "chat",
    responses((status = 200, body = Vec<RoomView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Vec<RoomView>>> {
    let rows = state
        .db
        .read(move |connection| {
            let (community, _) = community_store::readable_by_slug(connection, &slug, viewer.0.as_ref())?;
            chat::rooms_of(connection, community.id)
        })
        .await?;
    Ok(web::Json(rows.into_iter().map(room_view).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomDraft {
    /// 2 to 60 characters.
    name: String,
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/rooms",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "chat", request_body = RoomDraft,
    responses((status = 201, body = RoomView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<RoomDraft>,
) -> ApiResult<HttpResponse> {
    let name = parse_room_name(&body.name)?;
    let row = state
        .db
        .write_unseen(move |connection| {
            let community = community_store::by_slug(connection, &slug)?;
            policy::moderate(community_store::standing(connection, community.id, Some(&member))?)?;
            chat::create_room(connection, community.id, &name, false)
        })
        .await?;
    Ok(HttpResponse::Created().json(room_view(row)))
}

/// A chat message the member may find: in a room they may read and, while
/// held, only for its author and moderators; to anyone else it is a 404,
/// exactly as a message that never existed.
pub fn readable_message(
    connection: &mut crate::db::AnyConnection,
    message_id: i64,
    member: &Member,
) -> ApiResult<MessageRow> {
    let message = chat::message(connection, message_id)?;
    let (_, standing) = readable_room(connection, message.room_id, Some(member))?;
    if !message.is_listed_for(reader_of(Some(member), standing)) {
        return Err(ApiError::not_found("We couldn't find that message."));
    }
    Ok(message)
}

/// The room, after checking the member moderates its community.
fn moderated_room(connection: &mut crate::db::AnyConnection, room: i64, member: &Member) -> ApiResult<RoomRow> {
    let row = chat::room(connection, room)?;
    readable_room(connection, room, Some(member))?;
    policy::moderate(community_store::standing(connection, row.community_id, Some(member))?)?;
    Ok(row)
}

#[utoipa::path(delete, path = "/api/v1/rooms/{id}",
    params(("id" = i64, Path, description = "The room's id.")), tag = "chat",
    description = "Archive a room (moderators). Its history stays; the community's own room cannot be archived.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn archive(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let room = id.into_inner();
    state
        .db
        .write_unseen(move |connection| {
            let row = moderated_room(connection, room, &member)?;
            if row.is_default {
                return Err(ApiError::conflict("default_room", "A community's own chat room cannot be archived."));
            }
            chat::archive(connection, room)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Messages after this sequence number, oldest first.
    after: Option<i64>,
    /// Messages before this sequence number (the newest of them).
    before: Option<i64>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageView {
    id: i64,
    room: i64,
    seq: i64,
    /// Absent when a block hides the message.
    author: Option<AuthorView>,
    /// Absent when the message was deleted or a block hides it.
    body_html: Option<String>,
    deleted: bool,
    /// A collapsed placeholder: the viewer blocked the author, or the author blocked them.
    blocked: bool,
    /// A message that screened as a crisis, shown to signed-in members only
    /// (`crisis_post_visibility`): a signed-out visitor gets this placeholder.
    members_only: bool,
    created_at: Timestamp,
}

/// How one message reads: `blocked` when a block hides its author,
/// `withheld` when it is a crisis message this reader may not see.
fn message_view(listing: MessageListing, blocked: bool, withheld: bool) -> MessageView {
    let message = listing.message;
    let deleted = !message.is_shown();
    let withheld = withheld && !deleted;
    MessageView {
        id: message.id,
        room: message.room_id,
        seq: message.seq,
        author: (!blocked && !withheld)
            .then(|| AuthorView::badged(listing.author_username, listing.author_display_name, &listing.author_badges)),
        body_html: (!deleted && !blocked && !withheld).then_some(message.body_html),
        deleted,
        blocked,
        members_only: withheld,
        created_at: Timestamp(message.created_at),
    }
}

#[utoipa::path(get, path = "/api/v1/rooms/{id}/messages", tag = "chat",
    params(("id" = i64, Path, description = "The room's id."), HistoryQuery),
    description = "A page of a room's messages in sequence order: after `after`, before `before`, or the newest.",
    responses((status = 200, body = Vec<MessageView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    query: web::Query<HistoryQuery>,
) -> ApiResult<web::Json<Vec<MessageView>>> {
    let room = id.into_inner();
    let limit = page_limit(query.limit)?;
    let window = match (query.after, query.before) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request("invalid_query", "Ask for messages after or before a point, not both."));
        }
        (Some(after), None) => Window::After { after, upto: None },
        (None, before) => Window::Before { before },
    };
    let sees_crisis = viewer.0.is_some() || state.settings.crisis_posts_public();
    let (listings, hidden, withheld) = state
        .db
        .read(move |connection| {
            let (_, standing) = readable_room(connection, room, viewer.0.as_ref())?;
            let hidden = match viewer.user_id() {
                Some(viewer) if policy::block_hides(standing) => blocks::hidden_from(connection, viewer)?,
                _ => Default::default(),
            };
            let listings = chat::messages(connection, room, window, limit)?;
            let withheld = if sees_crisis {
                Default::default()
            } else {
                let ids: Vec<i64> = listings.iter().map(|listing| listing.message.id).collect();
                chat::crisis_among(connection, &ids)?
            };
            Ok((listings, hidden, withheld))
        })
        .await?;
    Ok(web::Json(
        listings
            .into_iter()
            .map(|listing| {
                let blocked = hidden.contains(&listing.message.author_id);
                let withheld = withheld.contains(&listing.message.id);
                message_view(listing, blocked, withheld)
            })
            .collect(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/messages/{id}",
    params(("id" = i64, Path, description = "The chat message's id.")), tag = "chat",
    description = "Delete a chat message: its author deletes it; a moderator's delete is the logged `remove` action. \
Every client in the room is told.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_message(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let message_id = id.into_inner();
    let origin = state.hub.process_id;
    let live = state
        .db
        .write_unseen(move |connection| {
            let message = readable_message(connection, message_id, &member)?;
            if !message.is_shown() {
                return Err(ApiError::conflict("message_deleted", "That message was already deleted."));
            }
            if message.author_id != member.user_id {
                let command =
                    Command::Remove { post_id: None, message_id: Some(message_id), reason: REMOVED_IN_CHAT.to_owned() };
                return Ok(actions::apply(connection, &member, command, origin)?.live);
            }
            chat::mark_deleted(connection, message_id, member.user_id)?;
            let note = Note::Deleted { room: message.room_id, id: message_id, seq: message.seq, origin };
            broker::notify(connection, &note)?;
            Ok(vec![note])
        })
        .await?;
    for note in &live {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::NoContent().finish())
}

const REMOVED_IN_CHAT: &str = "Removed from the chat by a moderator.";
const MUTED_IN_CHAT: &str = "Muted in this room by a moderator.";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteDraft {
    /// How long, in minutes: 1 to 525,600 (a year).
    minutes: u32,
    /// Shown to the member; a general sentence when absent.
    reason: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/rooms/{id}/mutes/{username}",
    params(("id" = i64, Path, description = "The room's id."), ("username" = String, Path, description = "The member's username.")), tag = "chat", request_body = MuteDraft,
    description = "Mute a member in a room for a time (moderators): the logged `mute` action for one room.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn mute(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, String)>,
    body: web::Json<MuteDraft>,
) -> ApiResult<HttpResponse> {
    let (room, username) = path.into_inner();
    let MuteDraft { minutes, reason } = body.into_inner();
    let origin = state.hub.process_id;
    let live = state
        .db
        .write_unseen(move |connection| {
            let row = moderated_room(connection, room, &member)?;
            let community = community_store::by_id(connection, row.community_id)?.slug;
            let reason = reason.unwrap_or_else(|| MUTED_IN_CHAT.to_owned());
            let command =
                Command::Mute { member: username, community, room_id: Some(room), item_id: None, minutes, reason };
            Ok(actions::apply(connection, &member, command, origin)?.live)
        })
        .await?;
    for note in &live {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/rooms/{id}/mutes/{username}",
    params(("id" = i64, Path, description = "The room's id."), ("username" = String, Path, description = "The member's username.")), tag = "chat",
    description = "Lift a member's mutes in a room (moderators), each logged as the reversal of its mute.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unmute(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(i64, String)>,
) -> ApiResult<HttpResponse> {
    let (room, username) = path.into_inner();
    let origin = state.hub.process_id;
    let live = state
        .db
        .write_unseen(move |connection| {
            moderated_room(connection, room, &member)?;
            let user_id = users::id_by_username(connection, &username)?;
            actions::lift_room_mutes(connection, &member, user_id, room, origin)
        })
        .await?;
    for note in &live {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::NoContent().finish())
}
