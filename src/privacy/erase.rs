//! Erasing an account: personal data goes, content is anonymised or
//! removed as the instance's `erasure_content` says, and threads keep their
//! shape. Each table group has its own function; `erase` runs them all in
//! the caller's transaction and records the erasure without personal data.
//! Others' mentions of the member become "a former member" (`mentions`).
//! On SQLite, `secure_delete` zeroes what is deleted, and the caller empties
//! the write-ahead log after the commit, so the old bytes leave the disk.

use diesel::prelude::*;

use crate::auth::session::{self, Which};
use crate::config::ErasureContent;
use crate::db::AnyConnection;
use crate::db::schema::{
    account_erasures, blocks, chat_messages, community_follows, community_members, consents, data_exports,
    email_tokens, membership_requests, notifications, post_reactions, post_revisions, posts, thread_follows, threads,
    users,
};
use crate::domain::account::ERASED_PREFIX;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker::Note;

/// The name an erased member's content is shown under.
pub const FORMER_MEMBER: &str = "a former member";
/// What a removed thread's title becomes.
pub const REMOVED_TITLE: &str = "(removed)";

/// Who asked for the erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedBy {
    Member,
    Admin,
}

impl RequestedBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Admin => "admin",
        }
    }
}

/// Erases `user_id` in the caller's transaction. The returned note ends the
/// member's live connections; the caller hands it to its hub after commit.
pub fn erase(
    connection: &mut AnyConnection,
    user_id: i64,
    content: ErasureContent,
    requested_by: RequestedBy,
    origin: u64,
) -> ApiResult<Note> {
    if user_id == crate::db::users::automatic_id(connection)? {
        return Err(ApiError::conflict(
            "automatic_account",
            "That is Kindred's own account for what it does by itself, so it can't be erased.",
        ));
    }
    let ended = session::end(connection, user_id, Which::All, origin)?;
    links_and_exports(connection, user_id)?;
    consents_given(connection, user_id)?;
    crate::db::display_names::forget_member(connection, user_id)?;
    blocks_either_way(connection, user_id)?;
    memberships(connection, user_id)?;
    crate::db::applications::forget_member(connection, user_id)?;
    crate::db::invitations::forget_member(connection, user_id)?;
    reactions(connection, user_id)?;
    posts_and_threads(connection, user_id, content)?;
    chat(connection, user_id, content)?;
    crate::db::directory::forget_member(connection, user_id)?;
    // Moderation data joins here after the merge: reports the member made,
    // moderation actions on them, appeals, and notes about them (kept for
    // the admin's retention period, then deleted by the retention job).
    let username_key: String = users::table.find(user_id).select(users::username_key).first(connection)?;
    super::mentions::forget(connection, &username_key)?;
    profile(connection, user_id)?;
    diesel::insert_into(account_erasures::table)
        .values((
            account_erasures::user_id.eq(user_id),
            account_erasures::requested_by.eq(requested_by.as_str()),
            account_erasures::content_policy.eq(content.as_str()),
            account_erasures::erased_at.eq(Timestamp::now().0),
        ))
        .execute(connection)?;
    tracing::info!(user = user_id, requested_by = requested_by.as_str(), content = content.as_str(), "account erased");
    Ok(ended)
}

fn links_and_exports(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(data_exports::table.filter(data_exports::user_id.eq(user_id))).execute(connection)?;
    crate::db::mail_outbox::forget_member(connection, user_id)
}

fn consents_given(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(consents::table.filter(consents::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}

fn blocks_either_way(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(blocks::table.filter(blocks::blocker_id.eq(user_id).or(blocks::blocked_id.eq(user_id))))
        .execute(connection)?;
    Ok(())
}

/// Memberships (and safeguarding and organiser appointments, answers to events, pledges and entries to
/// goals), join requests, what the member followed and their notifications.
fn memberships(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(community_members::table.filter(community_members::user_id.eq(user_id))).execute(connection)?;
    crate::db::safeguarding::stand_down(connection, None, user_id)?;
    crate::db::organisers::forget_member(connection, user_id)?;
    crate::db::events::forget_member(connection, user_id)?;
    crate::db::goals::forget_member(connection, user_id)?;
    crate::db::calendar_links::forget_member(connection, user_id)?;
    crate::db::support::delete_member(connection, user_id)?;
    diesel::delete(thread_follows::table.filter(thread_follows::user_id.eq(user_id))).execute(connection)?;
    crate::db::thread_reads::forget_member(connection, user_id)?;
    diesel::delete(community_follows::table.filter(community_follows::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(membership_requests::table.filter(membership_requests::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}

/// Reactions and consultation supports: the counts others see fall with them.
fn reactions(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(post_reactions::table.filter(post_reactions::user_id.eq(user_id))).execute(connection)?;
    crate::db::consultations::forget_supports(connection, user_id)
}

/// Anonymised content stays as written, under the former-member name. Removed
/// content keeps its place in the tree as a deleted post, with no text or
/// earlier versions, and the member's thread titles become a placeholder.
/// Either way the member's stories travel no further than their communities.
fn posts_and_threads(connection: &mut AnyConnection, user_id: i64, content: ErasureContent) -> ApiResult<()> {
    crate::db::stories::keep_in_community(connection, user_id)?;
    // Their posts are built from their rows from now on, under the former-member name.
    crate::db::post_heads::forget_author(connection, user_id)?;
    if content == ErasureContent::Anonymise {
        return Ok(());
    }
    let now = Timestamp::now().0;
    let theirs = posts::table.filter(posts::author_id.eq(user_id)).select(posts::id);
    diesel::delete(post_revisions::table.filter(post_revisions::post_id.eq_any(theirs))).execute(connection)?;
    diesel::update(posts::table.filter(posts::author_id.eq(user_id)))
        .set((
            posts::body.eq(""),
            posts::body_html.eq(""),
            posts::content_warning.eq(None::<String>),
            posts::content_warning_note.eq(None::<String>),
        ))
        .execute(connection)?;
    diesel::update(posts::table.filter(posts::author_id.eq(user_id)).filter(posts::deleted_at.is_null()))
        .set(posts::deleted_at.eq(Some(now)))
        .execute(connection)?;
    diesel::update(threads::table.filter(threads::author_id.eq(user_id)))
        .set(threads::title.eq(REMOVED_TITLE))
        .execute(connection)?;
    Ok(())
}

/// Messages stay or are removed like posts; the client-chosen ids (which
/// may say anything) go either way; mutes on the member are lifted.
fn chat(connection: &mut AnyConnection, user_id: i64, content: ErasureContent) -> ApiResult<()> {
    let ids: Vec<i64> =
        chat_messages::table.filter(chat_messages::author_id.eq(user_id)).select(chat_messages::id).load(connection)?;
    for id in ids {
        diesel::update(chat_messages::table.find(id))
            .set(chat_messages::client_id.eq(format!("erased-{id}")))
            .execute(connection)?;
    }
    if content == ErasureContent::Remove {
        diesel::update(chat_messages::table.filter(chat_messages::author_id.eq(user_id)))
            .set((chat_messages::body.eq(""), chat_messages::body_html.eq("")))
            .execute(connection)?;
        diesel::update(
            chat_messages::table
                .filter(chat_messages::author_id.eq(user_id))
                .filter(chat_messages::deleted_at.is_null()),
        )
        .set((chat_messages::deleted_at.eq(Some(Timestamp::now().0)), chat_messages::deleted_by.eq(Some(user_id))))
        .execute(connection)?;
    }
    moderation_records(connection, user_id)?;
    Ok(())
}

/// The account row stays (content points at it) with nothing personal left:
/// an opaque username, the former-member name, no email and no password.
fn profile(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    let opaque = format!("{ERASED_PREFIX}{user_id}");
    diesel::update(users::table.find(user_id))
        .set((
            users::username.eq(&opaque),
            users::username_key.eq(&opaque),
            users::display_name.eq(FORMER_MEMBER),
            users::password_hash.eq("!"),
            users::email.eq(None::<String>),
            users::email_verified_at.eq(None::<i64>),
            users::is_admin.eq(false),
            users::badges.eq("[]"),
            users::erased_at.eq(Some(Timestamp::now().0)),
        ))
        .execute(connection)?;
    Ok(())
}

/// What moderation kept about the member that is theirs or about them:
/// sanctions, their reports and appeals, moderators' notes, and the
/// answers to their requests to join (which name where they asked). The log's
/// rows stay (with the account's opaque name) so the audit trail holds.
fn moderation_records(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    use crate::db::schema::{appeals, join_decisions, member_notes, reports, sanctions};
    diesel::delete(sanctions::table.filter(sanctions::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(reports::table.filter(reports::reporter_id.eq(user_id))).execute(connection)?;
    diesel::delete(appeals::table.filter(appeals::appellant_id.eq(user_id))).execute(connection)?;
    diesel::delete(member_notes::table.filter(member_notes::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(join_decisions::table.filter(join_decisions::user_id.eq(user_id))).execute(connection)?;
    Ok(())
}
