//! The data export: one JSON document with everything Kindred holds about
//! a member, built section by section. Each section is one function over
//! one group of tables; a new kind of data (events, pledges) is one more
//! entry in `SECTIONS`.

use diesel::prelude::*;
use serde_json::{Map, Value, json};

use crate::db::AnyConnection;
use crate::db::notifications::NotificationRow;
use crate::db::schema::{
    appeals, chat_messages, communities, community_follows, community_members, join_decisions, membership_requests,
    moderation_log, notifications, post_reactions, post_revisions, reports, rooms, sanctions, sessions, stories,
    thread_follows, threads, users,
};
use crate::domain::device;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

/// Builds one section of the export for a member.
type Section = fn(&mut AnyConnection, i64) -> ApiResult<Value>;

/// The export's sections, in the order the document lists them.
pub const SECTIONS: [(&str, Section); 27] = [
    ("profile", profile),
    ("display_names", display_names_used),
    ("consents", consent_records),
    ("sessions", session_records),
    ("blocks", blocks_made),
    ("communities", memberships),
    ("threads", threads_started),
    ("posts", posts_with_history),
    ("reactions", reactions_left),
    ("chat_messages", chat_sent),
    ("sanctions", sanctions_received),
    ("moderation_actions", moderation_received),
    ("reports", reports_made),
    ("appeals", appeals_made),
    ("follows", follows_chosen),
    ("thread_reading", thread_reading),
    ("notifications", notifications_received),
    ("support_conversations", support_conversations),
    ("mail_preferences", mail_choices),
    ("consultation_supports", consultation_supports),
    ("invitations", invitations_made),
    ("joining", how_they_joined),
    ("directory", directory_entries),
    ("organiser_roles", organiser_roles),
    ("events", events_answered),
    ("goals", goals_pledged),
    ("calendar_links", calendar_links_made),
];

/// The whole document, as JSON text.
pub fn document(connection: &mut AnyConnection, user_id: i64) -> ApiResult<String> {
    let mut document = Map::new();
    document.insert("format".into(), json!("kindred-export-1"));
    document.insert("exported_at".into(), json!(Timestamp::now()));
    for (name, section) in SECTIONS {
        document.insert(name.into(), section(connection, user_id)?);
    }
    serde_json::to_string_pretty(&Value::Object(document)).map_err(crate::error::ApiError::internal)
}

fn at(millis: i64) -> Value {
    json!(Timestamp(millis))
}

fn maybe_at(millis: Option<i64>) -> Value {
    millis.map_or(Value::Null, at)
}

fn profile(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let (username, display_name, email, verified, is_admin, created_at): (
        String,
        String,
        Option<String>,
        Option<i64>,
        bool,
        i64,
    ) = users::table
        .find(user_id)
        .select((
            users::username,
            users::display_name,
            users::email,
            users::email_verified_at,
            users::is_admin,
            users::created_at,
        ))
        .first(connection)?;
    Ok(json!({
        "username": username,
        "display_name": display_name,
        "email": email,
        "email_verified_at": maybe_at(verified),
        "is_admin": is_admin,
        "created_at": at(created_at),
        "badges": crate::domain::badge::views(&crate::db::users::badges_of(connection, user_id)?),
    }))
}

/// Every consent given or withdrawn, oldest first.
fn consent_records(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    Ok(crate::db::users::consents_of(connection, user_id)?
        .into_iter()
        .map(|(kind, version, accepted_at, withdrawn)| {
            json!({ "kind": kind, "version": version, "accepted_at": at(accepted_at), "withdrawn": withdrawn })
        })
        .collect())
}

/// The member's changes of display name, newest first.
fn display_names_used(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    Ok(crate::db::display_names::history(connection, user_id)?
        .into_iter()
        .map(|change| {
            json!({ "previous_name": change.previous_name, "new_name": change.new_name, "changed_at": at(change.changed_at) })
        })
        .collect())
}

/// A session as exported: never its token hash.
#[derive(Queryable)]
struct SessionRecord {
    id: i64,
    created_at: i64,
    last_used_at: i64,
    expires_at: i64,
    user_agent: Option<String>,
    ip: Option<String>,
}

/// Sessions with their device and (until the retention job forgets it) the address.
fn session_records(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<SessionRecord> = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::id.asc())
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_used_at,
            sessions::expires_at,
            sessions::user_agent,
            sessions::ip,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|session| {
            json!({
                "id": session.id,
                "created_at": at(session.created_at),
                "last_used_at": at(session.last_used_at),
                "expires_at": at(session.expires_at),
                "device": device::describe(session.user_agent.as_deref()),
                "user_agent": session.user_agent,
                "ip": session.ip,
            })
        })
        .collect())
}

fn blocks_made(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows = crate::db::blocks::blocked_by(connection, user_id)?;
    Ok(rows
        .into_iter()
        .map(|(username, _, created)| json!({ "username": username, "blocked_at": at(created) }))
        .collect())
}

fn memberships(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let joined: Vec<(String, String, i64)> = community_members::table
        .inner_join(communities::table)
        .filter(community_members::user_id.eq(user_id))
        .select((communities::slug, community_members::role, community_members::joined_at))
        .load(connection)?;
    let requested: Vec<(String, String, i64, Option<i64>)> = membership_requests::table
        .inner_join(communities::table)
        .filter(membership_requests::user_id.eq(user_id))
        .select((
            communities::slug,
            membership_requests::status,
            membership_requests::requested_at,
            membership_requests::decided_at,
        ))
        .load(connection)?;
    let decided: Vec<(String, bool, Option<String>, i64)> = join_decisions::table
        .inner_join(communities::table)
        .filter(join_decisions::user_id.eq(user_id))
        .select((communities::slug, join_decisions::accepted, join_decisions::message, join_decisions::decided_at))
        .load(connection)?;
    Ok(json!({
        "join_decisions": decided
            .into_iter()
            .map(|(slug, accepted, message, decided)| json!({
                "community": slug, "accepted": accepted, "message": message, "decided_at": at(decided),
            }))
            .collect::<Vec<_>>(),
        "memberships": joined
            .into_iter()
            .map(|(slug, role, joined)| json!({ "community": slug, "role": role, "joined_at": at(joined) }))
            .collect::<Vec<_>>(),
        "join_requests": requested
            .into_iter()
            .map(|(slug, status, requested, decided)| json!({
                "community": slug, "status": status, "requested_at": at(requested), "decided_at": maybe_at(decided),
            }))
            .collect::<Vec<_>>(),
    }))
}

fn threads_started(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    type Started = (i64, String, String, i64, Option<i64>, Option<String>);
    let rows: Vec<Started> = threads::table
        .inner_join(communities::table)
        .left_join(stories::table)
        .filter(threads::author_id.eq(user_id))
        .order(threads::id.asc())
        .select((
            threads::id,
            communities::slug,
            threads::title,
            threads::created_at,
            threads::deleted_at,
            stories::reach.nullable(),
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, created, deleted, story_reach)| {
            json!({
                "id": id, "community": slug, "title": title, "created_at": at(created),
                "deleted_at": maybe_at(deleted), "story_reach": story_reach,
            })
        })
        .collect())
}

fn posts_with_history(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows = crate::db::posts::by_author(connection, user_id)?;
    let ids: Vec<i64> = rows.iter().map(|post| post.id).collect();
    let revisions: Vec<(i64, String, Option<String>, i64, i64)> = post_revisions::table
        .filter(post_revisions::post_id.eq_any(&ids))
        .order(post_revisions::id.asc())
        .select((
            post_revisions::post_id,
            post_revisions::body,
            post_revisions::content_warning,
            post_revisions::written_at,
            post_revisions::replaced_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|post| {
            let history: Vec<Value> = revisions
                .iter()
                .filter(|revision| revision.0 == post.id)
                .map(|(_, body, warning, written, replaced)| {
                    json!({ "body": body, "content_warning": warning, "written_at": at(*written), "replaced_at": at(*replaced) })
                })
                .collect();
            json!({
                "id": post.id,
                "thread_id": post.thread_id,
                "parent_id": post.parent_id,
                "body": post.body,
                "content_warning": post.content_warning,
                "content_warning_note": post.content_warning_note,
                "created_at": at(post.created_at),
                "edited_at": maybe_at(post.edited_at),
                "deleted_at": maybe_at(post.deleted_at),
                "earlier_versions": history,
            })
        })
        .collect())
}

fn reactions_left(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<(i64, String, i64)> = post_reactions::table
        .filter(post_reactions::user_id.eq(user_id))
        .order((post_reactions::post_id.asc(), post_reactions::kind.asc()))
        .select((post_reactions::post_id, post_reactions::kind, post_reactions::created_at))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(post_id, kind, created)| json!({ "post_id": post_id, "kind": kind, "created_at": at(created) }))
        .collect())
}

/// A chat message as exported, with its room.
#[derive(Queryable)]
struct MessageRecord {
    id: i64,
    room: i64,
    room_name: String,
    seq: i64,
    body: String,
    created_at: i64,
    deleted_at: Option<i64>,
}

fn chat_sent(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<MessageRecord> = chat_messages::table
        .inner_join(rooms::table)
        .filter(chat_messages::author_id.eq(user_id))
        .order(chat_messages::id.asc())
        .select((
            chat_messages::id,
            rooms::id,
            rooms::name,
            chat_messages::seq,
            chat_messages::body,
            chat_messages::created_at,
            chat_messages::deleted_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|message| {
            json!({
                "id": message.id, "room": message.room, "room_name": message.room_name, "seq": message.seq,
                "body": message.body, "created_at": at(message.created_at), "deleted_at": maybe_at(message.deleted_at),
            })
        })
        .collect())
}

/// Sanctions moderators placed on the member, in force or not.
fn sanctions_received(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<crate::db::sanctions::SanctionRow> =
        sanctions::table.filter(sanctions::user_id.eq(user_id)).order(sanctions::id.asc()).load(connection)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            json!({
                "kind": row.kind, "community": row.community_id, "room": row.room_id, "reason": row.reason,
                "ends_at": maybe_at(row.ends_at), "imposed_at": at(row.created_at), "lifted_at": maybe_at(row.lifted_at),
            })
        })
        .collect())
}

/// Moderation actions on the member's content and account (who acted is not included).
fn moderation_received(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<(i64, String, String, i64, String, i64)> = moderation_log::table
        .filter(moderation_log::target_user_id.eq(user_id))
        .order(moderation_log::id.asc())
        .select((
            moderation_log::id,
            moderation_log::action,
            moderation_log::subject_kind,
            moderation_log::subject_id,
            moderation_log::reason,
            moderation_log::created_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(id, action, subject, subject_id, reason, created)| {
            json!({ "id": id, "action": action, "subject": subject, "subject_id": subject_id, "reason": reason, "at": at(created) })
        })
        .collect())
}

/// Reports the member made.
fn reports_made(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<(String, i64, String, String, i64, Option<i64>)> = reports::table
        .filter(reports::reporter_id.eq(user_id))
        .order(reports::id.asc())
        .select((
            reports::subject_kind,
            reports::subject_id,
            reports::reason,
            reports::details,
            reports::created_at,
            reports::resolved_at,
        ))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(subject, subject_id, reason, details, created, resolved)| {
            json!({
                "subject": subject, "subject_id": subject_id, "reason": reason, "details": details,
                "created_at": at(created), "resolved_at": maybe_at(resolved),
            })
        })
        .collect())
}

/// Appeals the member made, and how they were decided.
fn appeals_made(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<crate::db::moderation_log::AppealRow> =
        appeals::table.filter(appeals::appellant_id.eq(user_id)).order(appeals::id.asc()).load(connection)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            json!({
                "action": row.log_id, "body": row.body, "status": row.status, "decision_reason": row.decision_reason,
                "created_at": at(row.created_at), "decided_at": maybe_at(row.decided_at),
            })
        })
        .collect())
}

/// How far the member has read in each thread they opened.
fn thread_reading(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let places = crate::db::thread_reads::of_member(connection, user_id)?;
    Ok(places
        .into_iter()
        .map(|(id, title, post_id, read)| {
            json!({ "thread_id": id, "title": title, "last_read_post_id": post_id, "read_at": at(read) })
        })
        .collect())
}

/// The levels the member chose for threads and communities (no row is `normal`).
fn follows_chosen(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let in_threads: Vec<(i64, String, String, i64)> = thread_follows::table
        .inner_join(threads::table)
        .filter(thread_follows::user_id.eq(user_id))
        .order(thread_follows::thread_id.asc())
        .select((thread_follows::thread_id, threads::title, thread_follows::level, thread_follows::updated_at))
        .load(connection)?;
    let in_communities: Vec<(String, String, i64)> = community_follows::table
        .inner_join(communities::table)
        .filter(community_follows::user_id.eq(user_id))
        .order(community_follows::community_id.asc())
        .select((communities::slug, community_follows::level, community_follows::updated_at))
        .load(connection)?;
    Ok(json!({
        "threads": in_threads
            .into_iter()
            .map(|(id, title, level, updated)| json!({
                "thread_id": id, "title": title, "level": level, "updated_at": at(updated),
            }))
            .collect::<Vec<_>>(),
        "communities": in_communities
            .into_iter()
            .map(|(slug, level, updated)| json!({ "community": slug, "level": level, "updated_at": at(updated) }))
            .collect::<Vec<_>>(),
    }))
}

/// The member's notifications, read or not, with who caused the latest event of each.
fn notifications_received(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows: Vec<NotificationRow> = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order(notifications::id.asc())
        .load(connection)?;
    let actor_ids: Vec<i64> = rows.iter().filter_map(|row| row.actor_id).collect();
    let actors = crate::db::users::usernames(connection, &actor_ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            json!({
                "id": row.id, "kind": row.kind, "count": row.count, "thread_id": row.thread_id,
                "subject_id": row.subject_id, "actor": row.actor_id.and_then(|id| actors.get(&id)),
                "created_at": at(row.created_at), "updated_at": at(row.updated_at), "read_at": maybe_at(row.read_at),
            })
        })
        .collect())
}

/// Private support conversations with the member, every message in them
/// (the leads' replies too: they were written to the member).
fn support_conversations(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let conversations = crate::db::support::of_member(connection, user_id)?;
    Ok(Value::Array(
        conversations
            .into_iter()
            .map(|(conversation, messages)| {
                json!({
                    "id": conversation.id,
                    "opened_at": at(conversation.opened_at),
                    "messages": messages.into_iter().map(|(message, author, _)| json!({
                        "author": author,
                        "mine": message.author_id == user_id,
                        "body": message.body,
                        "created_at": at(message.created_at),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    ))
}

/// How the member chose to be mailed (what a member who never chose has, otherwise).
fn mail_choices(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let chosen = crate::db::mail_preferences::of(connection, user_id)?;
    let cadences: Map<String, Value> =
        chosen.cadences.iter().map(|(kind, cadence)| (kind.as_str().to_owned(), json!(cadence.as_str()))).collect();
    Ok(json!({
        "cadences": cadences,
        "include_details": chosen.include_details,
        "time_zone": chosen.time_zone.as_ref().map(|zone| zone.as_str()),
        "moderator_digest": chosen.moderator_digest,
    }))
}

/// The consultation answers the member supports (their own answers are posts, above).
fn consultation_supports(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let given = crate::db::consultations::supports_given(connection, user_id)?;
    Ok(Value::Array(
        given
            .into_iter()
            .map(|(consultation_id, post_id, created_at)| {
                json!({ "consultation_id": consultation_id, "answer_post_id": post_id, "supported_at": at(created_at) })
            })
            .collect(),
    ))
}

/// The communities the member was appointed to organise in.
fn organiser_roles(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let roles = crate::db::organisers::roles_of(connection, user_id)?;
    Ok(Value::Array(
        roles
            .into_iter()
            .map(|(slug, appointed)| json!({ "community": slug, "appointed_at": at(appointed) }))
            .collect(),
    ))
}

/// The events the member answered, with their answer and whether they came.
fn events_answered(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let answered = crate::db::events::answered_by(connection, user_id)?;
    Ok(Value::Array(
        answered
            .into_iter()
            .map(|(event, answer)| {
                json!({
                    "event_id": event.row.id,
                    "community": answer.community,
                    "title": event.row.title,
                    "starts_at": at(event.row.starts_at),
                    "answer": answer.status.as_str(),
                    "attended": answer.attended,
                })
            })
            .collect(),
    ))
}

/// The goals the member pledged to, with every amount they logged.
fn goals_pledged(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let kept = crate::db::goals::kept_for(connection, user_id)?;
    Ok(Value::Array(
        kept.into_iter()
            .map(|(goal, pledged_at, entries)| {
                let entries: Vec<Value> = entries
                    .into_iter()
                    .map(|entry| json!({ "amount": entry.amount, "logged_at": at(entry.logged_at) }))
                    .collect();
                json!({
                    "goal_id": goal.id,
                    "title": goal.title,
                    "unit": goal.unit,
                    "pledged_at": at(pledged_at),
                    "entries": entries,
                })
            })
            .collect(),
    ))
}

/// The invitation links the member made, with how many joined through each.
fn invitations_made(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let rows = crate::db::invitations::made_by(connection, user_id)?;
    Ok(rows
        .into_iter()
        .map(|(row, joined)| {
            json!({
                "code": row.code,
                "created_at": at(row.created_at),
                "expires_at": maybe_at(row.expires_at),
                "revoked_at": maybe_at(row.revoked_at),
                "joined": joined,
            })
        })
        .collect())
}

/// The link the member joined through and their application to join, if any.
fn how_they_joined(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let link = crate::db::invitations::joined_through(connection, user_id)?;
    let application = crate::db::applications::record_of(connection, user_id)?;
    Ok(json!({
        "invitation": link.map(|(code, joined_at)| json!({ "code": code, "joined_at": at(joined_at) })),
        "application": application.map(|(status, note, applied_at, decided_at, message)| json!({
            "status": status,
            "note": note,
            "applied_at": at(applied_at),
            "decided_at": maybe_at(decided_at),
            "message": message,
        })),
    }))
}

/// The directory entries the member suggested (with their state) and their saved list.
fn directory_entries(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    use crate::db::directory;
    let suggested: Vec<Value> = directory::suggested_by(connection, user_id)?
        .into_iter()
        .map(|row| {
            json!({
                "id": row.id, "name": row.name, "status": row.status, "organisation": row.organisation,
                "description": row.description, "created_at": at(row.created_at),
            })
        })
        .collect();
    let saved: Vec<Value> = directory::saved_by(connection, user_id)?
        .into_iter()
        .map(|(row, saved_at)| json!({ "id": row.id, "name": row.name, "saved_at": at(saved_at) }))
        .collect();
    Ok(json!({ "suggested": suggested, "saved": saved }))
}

/// The private calendar links the member made (not their addresses: only a hash is kept).
fn calendar_links_made(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Value> {
    let links = crate::db::calendar_links::of_member(connection, user_id)?;
    Ok(Value::Array(
        links
            .into_iter()
            .map(|(id, community, created)| json!({ "id": id, "community": community, "created_at": at(created) }))
            .collect(),
    ))
}
