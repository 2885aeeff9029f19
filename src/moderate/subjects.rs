//! Finding what an action is about, and where it lives: a post or chat
//! message and its community, a thread, a member.

use diesel::prelude::*;

use crate::db::AnyConnection;
use crate::db::chat::{self, MessageRow};
use crate::db::posts::{self as post_store, PostRow};
use crate::db::schema::{chat_messages, moderation_items, posts};
use crate::db::threads::{self as thread_store, ThreadRow};
use crate::domain::moderation::{ContentState, Subject};
use crate::error::{ApiError, ApiResult};

/// A post or a chat message.
#[derive(Debug, Clone)]
pub enum Content {
    Post { row: PostRow, thread: ThreadRow },
    Message { row: MessageRow, community_id: i64 },
}

impl Content {
    /// Loads a post or a chat message; exactly one id must be given.
    pub fn load(connection: &mut AnyConnection, post_id: Option<i64>, message_id: Option<i64>) -> ApiResult<Self> {
        match (post_id, message_id) {
            (Some(id), None) => {
                let row = post_store::by_id(connection, id)?;
                let thread = thread_store::by_id(connection, row.thread_id)?;
                Ok(Content::Post { row, thread })
            }
            (None, Some(id)) => {
                let row = chat::message(connection, id)?;
                let community_id = chat::room(connection, row.room_id)?.community_id;
                Ok(Content::Message { row, community_id })
            }
            _ => Err(ApiError::invalid("invalid_target", "Name exactly one of post_id or message_id.")),
        }
    }

    pub fn subject(&self) -> Subject {
        match self {
            Content::Post { .. } => Subject::Post,
            Content::Message { .. } => Subject::Message,
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            Content::Post { row, .. } => row.id,
            Content::Message { row, .. } => row.id,
        }
    }

    pub fn community_id(&self) -> i64 {
        match self {
            Content::Post { thread, .. } => thread.community_id,
            Content::Message { community_id, .. } => *community_id,
        }
    }

    pub fn author_id(&self) -> i64 {
        match self {
            Content::Post { row, .. } => row.author_id,
            Content::Message { row, .. } => row.author_id,
        }
    }

    pub fn state(&self) -> ApiResult<ContentState> {
        match self {
            Content::Post { row, .. } => row.state(),
            Content::Message { row, .. } => row.state(),
        }
    }

    /// Puts the content in `state`, with the reason its author is shown.
    pub fn set_state(
        &self,
        connection: &mut AnyConnection,
        state: ContentState,
        reason: Option<&str>,
    ) -> ApiResult<()> {
        match self {
            Content::Post { row, .. } => {
                diesel::update(posts::table.find(row.id))
                    .set((posts::moderation_state.eq(state.as_str()), posts::moderation_reason.eq(reason)))
                    .execute(connection)?;
            }
            Content::Message { row, .. } => {
                diesel::update(chat_messages::table.find(row.id))
                    .set((
                        chat_messages::moderation_state.eq(state.as_str()),
                        chat_messages::moderation_reason.eq(reason),
                    ))
                    .execute(connection)?;
            }
        }
        Ok(())
    }
}

/// Moves the open queue items about a thread's posts with the thread.
pub fn move_thread_items(connection: &mut AnyConnection, thread_id: i64, community_id: i64) -> ApiResult<()> {
    let post_ids = posts::table.filter(posts::thread_id.eq(thread_id)).select(posts::id);
    diesel::update(
        moderation_items::table
            .filter(moderation_items::subject_kind.eq(Subject::Post.as_str()))
            .filter(moderation_items::subject_id.eq_any(post_ids)),
    )
    .set(moderation_items::community_id.eq(Some(community_id)))
    .execute(connection)?;
    Ok(())
}
