//! The frames of the live protocol (see docs/live.md): JSON objects with a
//! `type`, from the client and from the server.

use serde::{Deserialize, Serialize};

use crate::db::chat::MessageListing;
use crate::domain::badge::{self, BadgeView};
use crate::domain::time::Timestamp;
use crate::views::notification::NotificationView;
use crate::views::support::Support;

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Join a room; with `after`, first receive every message after that sequence number.
    Subscribe {
        room: i64,
        after: Option<i64>,
    },
    Unsubscribe {
        room: i64,
    },
    Send {
        room: i64,
        body: String,
        client_id: String,
    },
    Typing {
        room: i64,
    },
    /// Hear of new replies to one thread (the one open on screen); replaces
    /// any thread watched before on this connection.
    WatchThread {
        thread: i64,
    },
    UnwatchThread,
}

#[derive(Debug, Serialize)]
pub struct Author<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// The badges an admin granted; absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub badges: Vec<BadgeView>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Present {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    Message(MessageFrame<'a>),
    Ack {
        room: i64,
        client_id: &'a str,
        id: i64,
        seq: i64,
        /// Waiting for a moderator's approval; nobody else sees it yet.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        held: bool,
        /// Helplines to show the author at once.
        #[serde(skip_serializing_if = "Option::is_none")]
        support: Option<&'a Support>,
    },
    Error {
        client_id: Option<&'a str>,
        code: &'a str,
        message: &'a str,
    },
    Subscribed {
        room: i64,
        last_seq: i64,
    },
    Unsubscribed {
        room: i64,
    },
    Presence {
        room: i64,
        members: &'a [&'a Present],
    },
    Typing {
        room: i64,
        username: &'a str,
        display_name: &'a str,
    },
    Deleted {
        room: i64,
        id: i64,
        seq: i64,
    },
    /// A held or removed message is now visible: the client fetches it.
    Shown {
        room: i64,
        id: i64,
        seq: i64,
    },
    Resync {
        room: i64,
        after: i64,
    },
    /// Which thread the connection now hears of (none after `unwatch_thread`).
    Watching {
        thread: Option<i64>,
    },
    /// The watched thread has a new visible reply: the client fetches it.
    ThreadReply {
        thread: i64,
        post_id: i64,
    },
    /// The member's newest notification (a new one, or a group that grew)
    /// and how many are unread.
    Notification {
        notification: &'a NotificationView,
        unread_count: i64,
    },
}

/// A chat message as every client sees it.
#[derive(Debug, Serialize)]
pub struct MessageFrame<'a> {
    pub room: i64,
    pub id: i64,
    pub seq: i64,
    /// Absent when a block hides the message.
    pub author: Option<Author<'a>>,
    /// Sanitised HTML; absent when the message was deleted or a block hides it.
    pub body_html: Option<&'a str>,
    pub deleted: bool,
    /// A collapsed placeholder: the viewer blocked the author, or the author blocked them.
    pub blocked: bool,
    pub client_id: &'a str,
    pub created_at: Timestamp,
}

impl<'a> MessageFrame<'a> {
    /// The message as a viewer sees it; `blocked` collapses it to a placeholder.
    pub fn of(listing: &'a MessageListing, blocked: bool) -> Self {
        let message = &listing.message;
        let deleted = !message.is_shown();
        Self {
            room: message.room_id,
            id: message.id,
            seq: message.seq,
            author: (!blocked).then(|| Author {
                username: &listing.author_username,
                display_name: &listing.author_display_name,
                badges: badge::views(&listing.author_badges),
            }),
            body_html: (!deleted && !blocked).then_some(message.body_html.as_str()),
            deleted,
            blocked,
            client_id: &message.client_id,
            created_at: Timestamp(message.created_at),
        }
    }
}

impl ServerFrame<'_> {
    /// Encodes the frame once, for every connection that receives it.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|error| {
            tracing::error!(%error, "a live frame did not encode");
            String::from(r#"{"type":"error","client_id":null,"code":"internal","message":"Something went wrong."}"#)
        })
    }
}
