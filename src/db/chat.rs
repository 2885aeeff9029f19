//! Chat rooms and their messages in per-room sequence order.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{chat_messages, crisis_messages, moderation_log, rooms, users};
use crate::domain::chat::{ChatBody, ClientId};
use crate::domain::moderation::{ContentState, Subject};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct RoomRow {
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    pub is_default: bool,
    pub last_seq: i64,
    pub created_at: i64,
    pub archived_at: Option<i64>,
}

#[derive(Debug, Clone, Queryable)]
pub struct MessageRow {
    pub id: i64,
    pub room_id: i64,
    pub seq: i64,
    pub author_id: i64,
    pub client_id: String,
    pub body: String,
    pub body_html: String,
    pub render_version: i32,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub deleted_by: Option<i64>,
    pub moderation_state: String,
    pub moderation_reason: Option<String>,
}

impl MessageRow {
    pub fn state(&self) -> ApiResult<ContentState> {
        ContentState::from_stored(&self.moderation_state)
    }

    /// Whether members see its text: not deleted, hidden or removed.
    pub fn is_shown(&self) -> bool {
        self.deleted_at.is_none() && self.moderation_state == ContentState::Visible.as_str()
    }

    /// Whether `reader` may know the message exists: a held one is known
    /// only to its author and moderators (taken-down ones show as deleted).
    pub fn is_listed_for(&self, reader: super::posts::Reader) -> bool {
        reader.moderates
            || self.moderation_state != ContentState::Held.as_str()
            || reader.user_id == Some(self.author_id)
    }
}

/// A message with its author's names, as clients see it.
#[derive(Debug, Clone, Queryable)]
pub struct MessageListing {
    pub message: MessageRow,
    pub author_username: String,
    pub author_display_name: String,
    /// The author's badges (JSON, see `domain::badge`).
    pub author_badges: String,
}

/// A chat message rendered and ready to store.
pub struct NewMessage {
    pub body: ChatBody,
    pub html: String,
    pub render_version: i32,
    pub client_id: ClientId,
    pub state: ContentState,
}

pub fn create_room(
    connection: &mut AnyConnection,
    community_id: i64,
    name: &str,
    is_default: bool,
) -> ApiResult<RoomRow> {
    Ok(diesel::insert_into(rooms::table)
        .values((
            rooms::community_id.eq(community_id),
            rooms::name.eq(name),
            rooms::is_default.eq(is_default),
            rooms::last_seq.eq(0i64),
            rooms::created_at.eq(Timestamp::now().0),
        ))
        .returning(rooms::all_columns)
        .get_result::<RoomRow>(connection)?)
}

/// A community's open rooms, its default room first.
pub fn rooms_of(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<RoomRow>> {
    Ok(rooms::table
        .filter(rooms::community_id.eq(community_id))
        .filter(rooms::archived_at.is_null())
        .order((rooms::is_default.desc(), rooms::id.asc()))
        .load::<RoomRow>(connection)?)
}

/// An open (not archived) room.
pub fn room(connection: &mut AnyConnection, id: i64) -> ApiResult<RoomRow> {
    rooms::table
        .find(id)
        .filter(rooms::archived_at.is_null())
        .first::<RoomRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that chat room."))
}

pub fn archive(connection: &mut AnyConnection, id: i64) -> ApiResult<()> {
    diesel::update(rooms::table.find(id)).set(rooms::archived_at.eq(Some(Timestamp::now().0))).execute(connection)?;
    Ok(())
}

/// The earlier message a resend with the same client id stored, if any.
pub fn resent(
    connection: &mut AnyConnection,
    room_id: i64,
    author_id: i64,
    client_id: &ClientId,
) -> ApiResult<Option<MessageRow>> {
    Ok(chat_messages::table
        .filter(chat_messages::room_id.eq(room_id))
        .filter(chat_messages::author_id.eq(author_id))
        .filter(chat_messages::client_id.eq(client_id.as_str()))
        .first::<MessageRow>(connection)
        .optional()?)
}

/// Stores a message under the room's next sequence number, taken under
/// the room row's lock in the caller's transaction.
pub fn insert_message(
    connection: &mut AnyConnection,
    room_id: i64,
    author_id: i64,
    new: NewMessage,
) -> ApiResult<MessageRow> {
    let seq = diesel::update(rooms::table.find(room_id))
        .set(rooms::last_seq.eq(rooms::last_seq + 1))
        .returning(rooms::last_seq)
        .get_result::<i64>(connection)?;
    Ok(diesel::insert_into(chat_messages::table)
        .values((
            chat_messages::room_id.eq(room_id),
            chat_messages::seq.eq(seq),
            chat_messages::author_id.eq(author_id),
            chat_messages::client_id.eq(new.client_id.as_str()),
            chat_messages::body.eq(new.body.into_inner()),
            chat_messages::body_html.eq(new.html),
            chat_messages::render_version.eq(new.render_version),
            chat_messages::created_at.eq(Timestamp::now().0),
            chat_messages::moderation_state.eq(new.state.as_str()),
        ))
        .returning(chat_messages::all_columns)
        .get_result::<MessageRow>(connection)?)
}

/// Which messages of a room to load, by sequence number.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// The oldest `limit` after `after`, up to `upto` when given.
    After { after: i64, upto: Option<i64> },
    /// The newest `limit` before `before` (or the newest of all).
    Before { before: Option<i64> },
}

/// Messages in sequence order; held ones are left out until approved.
pub fn messages(
    connection: &mut AnyConnection,
    room_id: i64,
    window: Window,
    limit: i64,
) -> ApiResult<Vec<MessageListing>> {
    let base = chat_messages::table
        .inner_join(users::table.on(users::id.eq(chat_messages::author_id)))
        .filter(chat_messages::room_id.eq(room_id))
        .filter(chat_messages::moderation_state.ne(ContentState::Held.as_str()))
        .select((chat_messages::all_columns, users::username, users::display_name, users::badges))
        .limit(limit)
        .into_boxed();
    match window {
        Window::After { after, upto } => {
            let mut query = base.filter(chat_messages::seq.gt(after)).order(chat_messages::seq.asc());
            if let Some(upto) = upto {
                query = query.filter(chat_messages::seq.le(upto));
            }
            Ok(query.load::<MessageListing>(connection)?)
        }
        Window::Before { before } => {
            let mut query = base.order(chat_messages::seq.desc());
            if let Some(before) = before {
                query = query.filter(chat_messages::seq.lt(before));
            }
            let mut newest_first = query.load::<MessageListing>(connection)?;
            newest_first.reverse();
            Ok(newest_first)
        }
    }
}

/// How a message a client may hold has changed since it was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    /// Deleted, hidden or removed: members no longer see it.
    Withdrawn,
    /// A moderator acted on it and members see it now (approved, or restored).
    Shown,
}

/// Up to `limit` messages with a sequence number in (`above`, `upto`] that
/// were withdrawn, or that a moderator acted on and members now see, newest
/// first, as (id, seq, revision). Messages still held are not among them.
pub fn revised(
    connection: &mut AnyConnection,
    room_id: i64,
    above: i64,
    upto: i64,
    limit: i64,
) -> ApiResult<Vec<(i64, i64, Revision)>> {
    let taken_down = [ContentState::Hidden.as_str(), ContentState::Removed.as_str()];
    let moderated = moderation_log::table
        .filter(moderation_log::subject_kind.eq(Subject::Message.as_str()))
        .select(moderation_log::subject_id);
    let rows: Vec<(i64, i64, Option<i64>, String)> = chat_messages::table
        .filter(chat_messages::room_id.eq(room_id))
        .filter(chat_messages::seq.gt(above).and(chat_messages::seq.le(upto)))
        .filter(chat_messages::deleted_at.is_not_null().or(chat_messages::moderation_state.eq_any(taken_down)).or(
            chat_messages::moderation_state.eq(ContentState::Visible.as_str()).and(chat_messages::id.eq_any(moderated)),
        ))
        .order(chat_messages::seq.desc())
        .limit(limit)
        .select((chat_messages::id, chat_messages::seq, chat_messages::deleted_at, chat_messages::moderation_state))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, seq, deleted_at, state)| {
            let shown = deleted_at.is_none() && state == ContentState::Visible.as_str();
            (id, seq, if shown { Revision::Shown } else { Revision::Withdrawn })
        })
        .collect())
}

/// The messages with these ids (those that exist).
pub fn messages_by_ids(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<MessageRow>> {
    Ok(chat_messages::table.filter(chat_messages::id.eq_any(ids)).load(connection)?)
}

pub fn message(connection: &mut AnyConnection, id: i64) -> ApiResult<MessageRow> {
    chat_messages::table
        .find(id)
        .first::<MessageRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that message."))
}

pub fn mark_deleted(connection: &mut AnyConnection, id: i64, deleted_by: i64) -> ApiResult<()> {
    diesel::update(chat_messages::table.find(id))
        .set((chat_messages::deleted_at.eq(Some(Timestamp::now().0)), chat_messages::deleted_by.eq(Some(deleted_by))))
        .execute(connection)?;
    Ok(())
}

/// Marks a message whose words screened as a high-risk crisis (once).
pub fn mark_crisis(connection: &mut AnyConnection, message_id: i64) -> ApiResult<()> {
    let marked: i64 = crisis_messages::table.find(message_id).count().get_result(connection)?;
    if marked == 0 {
        diesel::insert_into(crisis_messages::table)
            .values((crisis_messages::message_id.eq(message_id), crisis_messages::marked_at.eq(Timestamp::now().0)))
            .execute(connection)?;
    }
    Ok(())
}

/// Which of these messages screened as a crisis.
pub fn crisis_among(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<std::collections::HashSet<i64>> {
    let marked: Vec<i64> = crisis_messages::table
        .filter(crisis_messages::message_id.eq_any(ids))
        .select(crisis_messages::message_id)
        .load(connection)?;
    Ok(marked.into_iter().collect())
}
