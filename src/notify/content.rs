//! Notifications for content as it becomes visible to others: replies,
//! mentions and new posts in watched threads and communities for a post;
//! mentions for a chat message. Held content tells nobody until a moderator
//! approves it. Nobody hears of their own writing, of anything from a member
//! on either side of a block, from a thread or community they muted, or
//! from a community they may not read.

use std::collections::{HashMap, HashSet};

use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::notifications::{self, NewNotification};
use crate::db::{AnyConnection, blocks, chat, follows, posts as post_store, threads as thread_store, users};
use crate::domain::community::Visibility;
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
    let audience = Audience::load(connection, &community, &levels, post.author_id, &why)?;
    let told: Vec<NewNotification> = audience
        .hearing(why)
        .map(|(user_id, kind)| NewNotification {
            user_id,
            kind,
            group_key: format!("{}:thread:{}", kind.as_str(), thread.id),
            thread_id: Some(thread.id),
            subject_id: post.id,
            actor_id: Some(post.author_id),
        })
        .collect();
    notifications::add_all(connection, &told)?;
    Ok(told.iter().map(|new| new.user_id).collect())
}

/// Tells the members a visible chat message mentions; returns who.
pub fn message_published(connection: &mut AnyConnection, message_id: i64) -> ApiResult<Vec<i64>> {
    let message = chat::message(connection, message_id)?;
    let named = mentions(&message.body);
    if !message.is_shown() || named.is_empty() {
        return Ok(Vec::new());
    }
    let room = chat::room(connection, message.room_id)?;
    let community = community_store::by_id(connection, room.community_id)?;
    let levels = follows::community_levels(connection, community.id)?;
    let why: Vec<(i64, NotificationKind)> = users::ids_by_keys(connection, &named)?
        .into_iter()
        .map(|user_id| (user_id, NotificationKind::Mention))
        .collect();
    let audience = Audience::load(connection, &community, &levels, message.author_id, &why)?;
    let told: Vec<NewNotification> = audience
        .hearing(why)
        .map(|(user_id, kind)| NewNotification {
            user_id,
            kind,
            group_key: format!("mention:room:{}", room.id),
            thread_id: None,
            subject_id: message.id,
            actor_id: Some(message.author_id),
        })
        .collect();
    notifications::add_all(connection, &told)?;
    Ok(told.iter().map(|new| new.user_id).collect())
}

/// Who may hear of what `author` wrote in a community, read for all the
/// members concerned at once: not the author, not those who muted it,
/// nobody on either side of a block, only those who may read it.
struct Audience<'a> {
    visibility: Visibility,
    levels: &'a HashMap<i64, FollowLevel>,
    author: i64,
    standings: HashMap<i64, Standing>,
    blocked: HashSet<i64>,
}

impl<'a> Audience<'a> {
    fn load(
        connection: &mut AnyConnection,
        community: &CommunityRow,
        levels: &'a HashMap<i64, FollowLevel>,
        author: i64,
        why: &[(i64, NotificationKind)],
    ) -> ApiResult<Self> {
        let members: Vec<i64> = why.iter().map(|(user_id, _)| *user_id).collect();
        Ok(Audience {
            visibility: community.visibility()?,
            levels,
            author,
            standings: community_store::standings_in(connection, community.id, &members)?,
            blocked: blocks::hidden_from(connection, author)?,
        })
    }

    fn hears(&self, user_id: i64) -> bool {
        let standing = self.standings.get(&user_id).copied().unwrap_or(Standing::VISITOR);
        user_id != self.author
            && self.levels.get(&user_id) != Some(&FollowLevel::Muted)
            && policy::hear_of(self.visibility, standing, self.blocked.contains(&user_id))
    }

    /// Each member who hears, once, for the first reason given.
    fn hearing(&'a self, why: Vec<(i64, NotificationKind)>) -> impl Iterator<Item = (i64, NotificationKind)> + 'a {
        let mut seen = HashSet::new();
        why.into_iter().filter(move |(user_id, _)| seen.insert(*user_id) && self.hears(*user_id))
    }
}
