//! Notifications for content as it becomes visible to others: replies,
//! mentions and new posts in watched threads and communities for a post;
//! mentions for a chat message. Held content tells nobody until a moderator
//! approves it, nor does a reply in a thread whose first post is not public. Nobody hears of their own writing, of anything from a member
//! on either side of a block, from a thread or community they muted, or
//! from a community they may not read.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::notifications::{self, NewNotification};
use crate::db::posts::{self as post_store, PostRow};
use crate::db::{AnyConnection, blocks, chat, follows, threads as thread_store, users};
use crate::domain::community::Visibility;
use crate::domain::following::{FollowLevel, NotificationKind, mentions};
use crate::domain::moderation::ContentState;
use crate::error::ApiResult;
use crate::policy::{self, Standing};

/// Tells whoever should hear of these posts, now visible, all at once:
/// each thread's followers and who may hear are read once for its posts,
/// and a watcher's line counts every post they hear of. Returns who heard.
pub fn posts_published(connection: &mut AnyConnection, post_ids: &[i64]) -> ApiResult<Vec<i64>> {
    let mut by_thread: BTreeMap<i64, Vec<PostRow>> = BTreeMap::new();
    for post in post_store::by_ids(connection, post_ids)? {
        if post.deleted_at.is_none() && post.state()? == ContentState::Visible {
            by_thread.entry(post.thread_id).or_default().push(post);
        }
    }
    let mut told = Vec::new();
    for (thread_id, posts) in by_thread {
        // A thread whose first post is not public is not found by others,
        // so nobody hears of its replies either.
        let first = post_store::first_of(connection, thread_id)?;
        if first.deleted_at.is_some() || !first.state()?.is_public() {
            continue;
        }
        let thread = thread_store::by_id(connection, thread_id)?;
        let community = community_store::by_id(connection, thread.community_id)?;
        let levels = follows::levels_for(connection, thread.id, community.id)?;
        let mut watching: Vec<i64> =
            levels.iter().filter(|(_, level)| **level == FollowLevel::Watching).map(|(user_id, _)| *user_id).collect();
        watching.sort_unstable();
        // Replies in a burst mostly answer the same few posts: read each once.
        let parent_ids: Vec<i64> = posts.iter().filter_map(|post| post.parent_id).collect();
        let parent_authors: HashMap<i64, i64> = post_store::by_ids(connection, &parent_ids)?
            .into_iter()
            .map(|parent| (parent.id, parent.author_id))
            .collect();
        let mut reasons = Vec::with_capacity(posts.len());
        for post in &posts {
            let mut why: Vec<(i64, NotificationKind)> = Vec::new();
            if let Some(author) = post.parent_id.and_then(|parent_id| parent_authors.get(&parent_id)) {
                why.push((*author, NotificationKind::Reply));
            }
            for user_id in users::ids_by_keys(connection, &mentions(&post.body))? {
                why.push((user_id, NotificationKind::Mention));
            }
            why.extend(watching.iter().map(|user_id| (*user_id, NotificationKind::NewPost)));
            reasons.push((post, why));
        }
        let authors: Vec<i64> = posts.iter().map(|post| post.author_id).collect();
        let concerned: Vec<i64> = reasons.iter().flat_map(|(_, why)| why.iter().map(|(user_id, _)| *user_id)).collect();
        let audience = Audience::load(connection, &community, &levels, &authors, &concerned)?;
        let news: Vec<NewNotification> = reasons
            .into_iter()
            .flat_map(|(post, why)| {
                audience.hearing(post.author_id, why).map(|(user_id, kind)| NewNotification {
                    user_id,
                    kind,
                    group_key: format!("{}:thread:{}", kind.as_str(), thread.id),
                    thread_id: Some(thread.id),
                    subject_id: post.id,
                    actor_id: Some(post.author_id),
                })
            })
            .collect();
        notifications::add_all(connection, &news)?;
        told.extend(news.iter().map(|new| new.user_id));
    }
    Ok(told)
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
    let concerned: Vec<i64> = why.iter().map(|(user_id, _)| *user_id).collect();
    let audience = Audience::load(connection, &community, &levels, &[message.author_id], &concerned)?;
    let told: Vec<NewNotification> = audience
        .hearing(message.author_id, why)
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

/// Who may hear of what its authors wrote in a community, read for all the
/// members concerned at once: not the author, not those who muted it,
/// nobody on either side of a block with the author, only those who may
/// read it.
struct Audience<'a> {
    visibility: Visibility,
    levels: &'a HashMap<i64, FollowLevel>,
    standings: HashMap<i64, Standing>,
    /// For each author, the members on the other side of a block.
    blocked: HashMap<i64, HashSet<i64>>,
}

impl<'a> Audience<'a> {
    fn load(
        connection: &mut AnyConnection,
        community: &CommunityRow,
        levels: &'a HashMap<i64, FollowLevel>,
        authors: &[i64],
        concerned: &[i64],
    ) -> ApiResult<Self> {
        let mut blocked = HashMap::new();
        for author in authors {
            if !blocked.contains_key(author) {
                blocked.insert(*author, blocks::hidden_from(connection, *author)?);
            }
        }
        let mut members = concerned.to_vec();
        members.sort_unstable();
        members.dedup();
        Ok(Audience {
            visibility: community.visibility()?,
            levels,
            standings: community_store::standings_in(connection, community.id, &members)?,
            blocked,
        })
    }

    fn hears(&self, user_id: i64, author: i64) -> bool {
        let standing = self.standings.get(&user_id).copied().unwrap_or(Standing::VISITOR);
        let blocked = self.blocked.get(&author).is_some_and(|hidden| hidden.contains(&user_id));
        user_id != author
            && self.levels.get(&user_id) != Some(&FollowLevel::Muted)
            && policy::hear_of(self.visibility, standing, blocked)
    }

    /// Each member who hears of what `author` wrote, once, for the first
    /// reason given.
    fn hearing(
        &'a self,
        author: i64,
        why: Vec<(i64, NotificationKind)>,
    ) -> impl Iterator<Item = (i64, NotificationKind)> + 'a {
        let mut seen = HashSet::new();
        why.into_iter().filter(move |(user_id, _)| seen.insert(*user_id) && self.hears(*user_id, author))
    }
}
