//! Notifications for content as it becomes visible to others: replies,
//! mentions and new posts in watched threads and communities for a post;
//! mentions for a chat message. Held content tells nobody until a moderator
//! approves it. Nobody hears of their own writing, of anything from a member
//! on either side of a block, from a thread or community they muted, or
//! from a community they may not read.

use std::collections::HashMap;

use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::notifications::{self, NewNotification};
use crate::db::{AnyConnection, blocks, chat, follows, posts as post_store, threads as thread_store, users};
use crate::domain::following::{FollowLevel, NotificationKind, mentions};
use crate::domain::moderation::ContentState;
use crate::error::ApiResult;
use crate::policy::{self, Standing};

/// Tells whoever should hear of a post that is now visible; returns who.
pub fn post_published(connection: &mut AnyConnection, post_id: i64) -> ApiResult<Vec<i64>> {
    let post = post_store::by_id(connection, post_id)?;
    if post.deleted_at.is_some() || post.state()? != ContentState::Visible {
        return Ok(Vec::new());
    }
    let thread = thread_store::by_id(connection, post.thread_id)?;
    let community = community_store::by_id(connection, thread.community_id)?;
    let levels = follows::levels_for(connection, thread.id, community.id)?;
    let mut why: Vec<(i64, NotificationKind)> = Vec::new();
    if let Some(parent_id) = post.parent_id {
        why.push((post_store::by_id(connection, parent_id)?.author_id, NotificationKind::Reply));
    }
    for user_id in users::ids_by_keys(connection, &mentions(&post.body))? {
        why.push((user_id, NotificationKind::Mention));
    }
    let mut watching: Vec<i64> =
        levels.iter().filter(|(_, level)| **level == FollowLevel::Watching).map(|(user_id, _)| *user_id).collect();
    watching.sort_unstable();
    why.extend(watching.into_iter().map(|user_id| (user_id, NotificationKind::NewPost)));
    let mut told = Vec::new();
    for (user_id, kind) in why {
        if told.contains(&user_id) || !hears(connection, &community, &levels, post.author_id, user_id)? {
            continue;
        }
        let new = NewNotification {
            user_id,
            kind,
            group_key: format!("{}:thread:{}", kind.as_str(), thread.id),
            thread_id: Some(thread.id),
            subject_id: post.id,
            actor_id: Some(post.author_id),
        };
        notifications::add(connection, &new)?;
        told.push(user_id);
    }
    Ok(told)
}

/// Tells the members a visible chat message mentions; returns who.
pub fn message_published(connection: &mut AnyConnection, message_id: i64) -> ApiResult<Vec<i64>> {
    let message = chat::message(connection, message_id)?;
    if !message.is_shown() {
        return Ok(Vec::new());
    }
    let room = chat::room(connection, message.room_id)?;
    let community = community_store::by_id(connection, room.community_id)?;
    let levels = follows::community_levels(connection, community.id)?;
    let mut told = Vec::new();
    for user_id in users::ids_by_keys(connection, &mentions(&message.body))? {
        if !hears(connection, &community, &levels, message.author_id, user_id)? {
            continue;
        }
        let new = NewNotification {
            user_id,
            kind: NotificationKind::Mention,
            group_key: format!("mention:room:{}", room.id),
            thread_id: None,
            subject_id: message.id,
            actor_id: Some(message.author_id),
        };
        notifications::add(connection, &new)?;
        told.push(user_id);
    }
    Ok(told)
}

/// Whether `user_id` hears of what `author_id` wrote in `community`.
fn hears(
    connection: &mut AnyConnection,
    community: &CommunityRow,
    levels: &HashMap<i64, FollowLevel>,
    author_id: i64,
    user_id: i64,
) -> ApiResult<bool> {
    if user_id == author_id || levels.get(&user_id) == Some(&FollowLevel::Muted) {
        return Ok(false);
    }
    let standing = Standing {
        is_admin: users::is_admin(connection, user_id)?,
        role: community_store::role_of(connection, community.id, user_id)?,
    };
    let blocked = blocks::between(connection, author_id, user_id)?;
    Ok(policy::hear_of(community.visibility()?, standing, blocked))
}
