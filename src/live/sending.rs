//! Storing a chat message: the room must be readable and the member allowed
//! to write there, the text passes the same safety checks as a post, and a
//! resend with a known client id returns the message stored the first time.

use super::broker::{self, Note};
use super::connection::readable_room;
use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::chat::{self, MessageListing, NewMessage};
use crate::db::queue::ItemSubject;
use crate::domain::chat::ChatBody;
use crate::domain::discussion::render;
use crate::domain::moderation::ContentState;
use crate::error::ApiResult;
use crate::notify;
use crate::policy;
use crate::safeguarding::Raised;
use crate::safety::writing::{self, Writing};
use crate::state::AppState;
use crate::views::support::Support;

/// A stored message, and what its author must be told.
pub struct Sent {
    pub listing: MessageListing,
    /// Waiting for a moderator: nobody else sees it yet.
    pub held: bool,
    pub support: Option<Support>,
    /// Tells the members it mentions, once the write commits.
    pub told: Option<Note>,
    /// The urgent item it raised, for the safeguarding leads' live connections.
    pub raised: Option<Raised>,
}

pub fn store(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    room: i64,
    mut new: NewMessage,
) -> ApiResult<Sent> {
    let community_id = chat::room(connection, room)?.community_id;
    let (visibility, standing) = readable_room(connection, room, Some(member))?;
    policy::post(visibility, standing)?;
    let listing = |message| MessageListing {
        message,
        author_username: member.username.clone(),
        author_display_name: member.display_name.clone(),
    };
    if let Some(earlier) = chat::resent(connection, room, member.user_id, &new.client_id)? {
        let held = earlier.state()? == ContentState::Held;
        return Ok(Sent { listing: listing(earlier), held, support: None, told: None, raised: None });
    }
    let writing = Writing::Chat { room_id: room };
    let screened = writing::check(connection, state, member, community_id, standing, writing, new.body.as_str())?;
    if let Some(replaced) = &screened.replaced_text {
        new.body = ChatBody::parse(replaced.clone())?;
        let rendered = render(new.body.as_str())?;
        (new.html, new.render_version) = (rendered.html, rendered.policy_version);
    }
    new.state = screened.state;
    let message = chat::insert_message(connection, room, member.user_id, new)?;
    let subject = ItemSubject::message(message.id, community_id, member.user_id);
    let raised = writing::queue_if_asked(connection, state, &screened, subject)?;
    let held = screened.state == ContentState::Held;
    if !held {
        broker::notify(connection, &Note::Message { room, seq: message.seq })?;
    }
    let told = notify::content::message_published(connection, message.id)?;
    let told = notify::announce(connection, told, state.hub.process_id)?;
    Ok(Sent {
        listing: listing(message),
        held,
        support: state.safety.support_for(&screened, raised.as_ref()),
        told,
        raised,
    })
}
