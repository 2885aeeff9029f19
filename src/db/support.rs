//! Private support conversations between a member and the safeguarding
//! leads for a community, opened by a lead from an urgent item. Who may
//! read one is decided in `policy::support_conversation`.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{support_conversations as conversations, support_messages as messages, users};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Queryable)]
pub struct ConversationRow {
    pub id: i64,
    pub member_id: i64,
    pub community_id: Option<i64>,
    pub item_id: Option<i64>,
    pub opened_by: i64,
    pub opened_at: i64,
    /// When a lead closed it; a new message opens it again.
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
}

#[derive(Debug, Clone, Queryable)]
pub struct MessageRow {
    pub id: i64,
    pub conversation_id: i64,
    pub author_id: i64,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
}

/// A message with its author's names.
pub type MessageListing = (MessageRow, String, String);

/// The member's conversation about a community, opened by `lead` unless
/// one is open already; returns it and whether it is new.
pub fn open(
    connection: &mut AnyConnection,
    member_id: i64,
    community_id: Option<i64>,
    item_id: i64,
    lead: i64,
) -> ApiResult<(ConversationRow, bool)> {
    let mut existing = conversations::table.filter(conversations::member_id.eq(member_id)).into_boxed();
    existing = match community_id {
        Some(id) => existing.filter(conversations::community_id.eq(id)),
        None => existing.filter(conversations::community_id.is_null()),
    };
    let existing = existing.first::<ConversationRow>(connection).optional()?;
    if let Some(existing) = existing {
        return Ok((existing, false));
    }
    let row = diesel::insert_into(conversations::table)
        .values((
            conversations::member_id.eq(member_id),
            conversations::community_id.eq(community_id),
            conversations::item_id.eq(Some(item_id)),
            conversations::opened_by.eq(lead),
            conversations::opened_at.eq(Timestamp::now().0),
        ))
        .returning(conversations::all_columns)
        .get_result(connection)?;
    Ok((row, true))
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<ConversationRow> {
    conversations::table
        .find(id)
        .first(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that conversation."))
}

/// Conversations with a member, or (for a lead) about these communities,
/// or every one (`None`: an instance lead); newest first.
pub fn visible_to(
    connection: &mut AnyConnection,
    member_id: i64,
    led: Option<&[i64]>,
) -> ApiResult<Vec<ConversationRow>> {
    let mut query = conversations::table.order(conversations::id.desc()).limit(200).into_boxed();
    query = match led {
        None => query,
        Some(communities) => query.filter(
            conversations::member_id.eq(member_id).or(conversations::community_id.eq_any(communities.to_vec())),
        ),
    };
    Ok(query.load(connection)?)
}

/// The latest `limit` messages of a conversation, oldest first.
pub fn messages_of(connection: &mut AnyConnection, conversation_id: i64, limit: i64) -> ApiResult<Vec<MessageListing>> {
    let mut rows: Vec<MessageListing> = messages::table
        .inner_join(users::table.on(users::id.eq(messages::author_id)))
        .filter(messages::conversation_id.eq(conversation_id))
        .order(messages::id.desc())
        .limit(limit)
        .select((messages::all_columns, users::username, users::display_name))
        .load(connection)?;
    rows.reverse();
    Ok(rows)
}

/// Closes a conversation (a lead's "case done").
pub fn close(connection: &mut AnyConnection, conversation_id: i64, lead: i64) -> ApiResult<()> {
    diesel::update(conversations::table.find(conversation_id))
        .set((conversations::closed_at.eq(Some(Timestamp::now().0)), conversations::closed_by.eq(Some(lead))))
        .execute(connection)?;
    Ok(())
}

/// Adds a message, opening the conversation again if a lead had closed it.
pub fn add_message(
    connection: &mut AnyConnection,
    conversation_id: i64,
    author_id: i64,
    body: &str,
    body_html: &str,
) -> ApiResult<MessageRow> {
    diesel::update(conversations::table.find(conversation_id).filter(conversations::closed_at.is_not_null()))
        .set((conversations::closed_at.eq(None::<i64>), conversations::closed_by.eq(None::<i64>)))
        .execute(connection)?;
    Ok(diesel::insert_into(messages::table)
        .values((
            messages::conversation_id.eq(conversation_id),
            messages::author_id.eq(author_id),
            messages::body.eq(body),
            messages::body_html.eq(body_html),
            messages::created_at.eq(Timestamp::now().0),
        ))
        .returning(messages::all_columns)
        .get_result(connection)?)
}

/// A member's conversations with every message in them, for their export.
pub fn of_member(
    connection: &mut AnyConnection,
    member_id: i64,
) -> ApiResult<Vec<(ConversationRow, Vec<MessageListing>)>> {
    let rows: Vec<ConversationRow> = conversations::table
        .filter(conversations::member_id.eq(member_id))
        .order(conversations::id.asc())
        .load(connection)?;
    rows.into_iter()
        .map(|row| {
            let all = messages_of(connection, row.id, i64::MAX)?;
            Ok((row, all))
        })
        .collect()
}

/// Deletes a member's conversations and everything said in them (erasure).
pub fn delete_member(connection: &mut AnyConnection, member_id: i64) -> ApiResult<()> {
    let theirs = conversations::table.filter(conversations::member_id.eq(member_id)).select(conversations::id);
    diesel::delete(messages::table.filter(messages::conversation_id.eq_any(theirs))).execute(connection)?;
    diesel::delete(conversations::table.filter(conversations::member_id.eq(member_id))).execute(connection)?;
    Ok(())
}
