//! The moderators' desk: the urgent-first queue, one item with everything
//! needed to decide it, claims, actions and their reversal, and notes on
//! members.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::moderation_log::{LogEntryView, entry_views};
use super::threads::page_limit;
use crate::auth::Member;
use crate::db::chat::{self, Window};
use crate::db::communities as community_store;
use crate::db::moderation_log::{self, LogScope, NoteRow};
use crate::db::queue::{self, ItemRow, QueueScope};
use crate::db::schema::{chat_messages, posts, rooms, threads};
use crate::db::{AnyConnection, posts as post_store, safeguarding, threads as thread_store, users};
use crate::domain::moderation::{ContentState, LogAction, Subject, parse_free_text, parse_reason};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::moderate::actions::{self, Applied, Command, authority_in};
use crate::policy::{self, ModerationAction};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/moderation/queue").route(web::get().to(queue_page)))
        .service(web::resource("/moderation/items/{id}").route(web::get().to(item)))
        .service(
            web::resource("/moderation/items/{id}/claim").route(web::put().to(claim)).route(web::delete().to(unclaim)),
        )
        .service(web::resource("/moderation/actions").route(web::post().to(act)))
        .service(web::resource("/moderation/log/{id}/reversal").route(web::post().to(reverse)))
        .service(
            web::resource("/moderation/members/{username}/notes")
                .route(web::get().to(notes))
                .route(web::post().to(add_note)),
        );
}

/// Communities a member moderates (admins: `None`, meaning all).
pub fn moderated_communities(connection: &mut AnyConnection, member: &Member) -> ApiResult<Option<Vec<i64>>> {
    if member.is_admin {
        return Ok(None);
    }
    Ok(Some(
        community_store::roles_of(connection, member.user_id)?
            .into_iter()
            .filter(|(_, role)| *role == crate::domain::community::CommunityRole::Moderator)
            .map(|(id, _)| id)
            .collect(),
    ))
}

/// Communities whose content a member reviews: everywhere (`None`) for
/// those the policy lets review anywhere, else the ones they moderate.
fn reviewed_communities(connection: &mut AnyConnection, member: &Member) -> ApiResult<Option<Vec<i64>>> {
    if policy::reviews_everywhere(member) { Ok(None) } else { moderated_communities(connection, member) }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// One community's items (its slug); all you may see when absent.
    community: Option<String>,
    /// Items to skip (from the previous page's `next_offset`).
    offset: Option<i64>,
    /// 1 to 200; 50 when absent.
    limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemView {
    id: i64,
    subject: Subject,
    subject_id: i64,
    community: Option<String>,
    /// Whose post, message or account it is.
    author: String,
    /// Crisis screening or a risk-of-harm report: for the safeguarding lead first.
    urgent: bool,
    /// Waiting for approval; nobody else sees it until then.
    held: bool,
    /// What screening found: filter terms, crisis level and patterns, a new-member hold.
    screening: serde_json::Value,
    report_count: i32,
    report_weight: i32,
    opened_at: Timestamp,
    /// Who is working on it, while their claim lasts.
    claimed_by: Option<String>,
    claim_expires_at: Option<Timestamp>,
    content: ContentView,
    /// The actions offered on this item (`action` values for
    /// `POST /api/v1/moderation/actions`, plus `support_conversation`). An
    /// urgent item offers supportive outcomes instead of warnings, mutes and
    /// bans. On one item (not in the queue), `ban` (from the item's
    /// community) and `suspend` (from the instance; a ban from the instance
    /// too) are offered to whoever the policy lets impose them on its author.
    offered: Vec<&'static str>,
}

/// What a moderator is offered on an item about content in `state`.
fn offered(urgent: bool, subject: Subject, state: Option<ContentState>) -> Vec<&'static str> {
    if subject == Subject::DirectoryEntry {
        // Dismissing marks the entry reviewed; removing it is on the entry.
        return vec!["dismiss"];
    }
    let mut offered: Vec<&'static str> = Vec::new();
    if urgent {
        offered.extend(LogAction::SUPPORTIVE.map(LogAction::as_str));
        offered.push("support_conversation");
    }
    offered.extend(match state {
        Some(ContentState::Held) => vec!["approve", "hide", "remove"],
        Some(ContentState::Visible) => vec!["hide", "remove"],
        Some(ContentState::Hidden | ContentState::Removed) => vec!["restore"],
        None => Vec::new(),
    });
    if subject == Subject::Post && state.is_some() {
        offered.push("edit");
    }
    if !urgent {
        offered.extend(["warn", "mute", "dismiss"]);
    }
    offered
}

/// The thing an item is about, as moderators see it (held and removed text included).
#[derive(Serialize, ToSchema, Default)]
pub struct ContentView {
    body_html: Option<String>,
    state: Option<ContentState>,
    /// For a post: its thread. For a message: its room.
    thread_id: Option<i64>,
    thread_title: Option<String>,
    room_id: Option<i64>,
    created_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct QueuePage {
    items: Vec<ItemView>,
    /// Pass as `offset` for the next page; absent on the last page.
    next_offset: Option<i64>,
}

/// What each of `rows` is about, in order, read in three queries however
/// long the page (empty where the content is gone; items may share a thread).
fn contents_of(connection: &mut AnyConnection, rows: &[ItemRow]) -> ApiResult<Vec<ContentView>> {
    let ids_of = |kind: Subject| -> Vec<i64> {
        rows.iter().filter(|row| row.subject().ok() == Some(kind)).map(|row| row.subject_id).collect()
    };
    let posts: HashMap<i64, _> =
        post_store::by_ids(connection, &ids_of(Subject::Post))?.into_iter().map(|post| (post.id, post)).collect();
    let thread_ids: Vec<i64> = posts.values().map(|post| post.thread_id).collect();
    let titles = thread_store::titles(connection, &thread_ids)?;
    let messages: HashMap<i64, _> = chat::messages_by_ids(connection, &ids_of(Subject::Message))?
        .into_iter()
        .map(|message| (message.id, message))
        .collect();
    rows.iter()
        .map(|row| {
            Ok(match row.subject()? {
                Subject::Post => match posts.get(&row.subject_id) {
                    Some(post) => ContentView {
                        state: Some(post.state()?),
                        thread_title: titles.get(&post.thread_id).cloned(),
                        body_html: Some(post.body_html.clone()),
                        thread_id: Some(post.thread_id),
                        created_at: Some(Timestamp(post.created_at)),
                        ..ContentView::default()
                    },
                    None => ContentView::default(),
                },
                Subject::Message => match messages.get(&row.subject_id) {
                    Some(message) => ContentView {
                        state: Some(message.state()?),
                        body_html: Some(message.body_html.clone()),
                        room_id: Some(message.room_id),
                        created_at: Some(Timestamp(message.created_at)),
                        ..ContentView::default()
                    },
                    None => ContentView::default(),
                },
                Subject::Thread | Subject::Member | Subject::DirectoryEntry => ContentView::default(),
            })
        })
        .collect()
}

fn item_views(connection: &mut AnyConnection, rows: Vec<ItemRow>) -> ApiResult<Vec<ItemView>> {
    let mut people: Vec<i64> = rows.iter().map(|row| row.subject_author_id).collect();
    people.extend(rows.iter().filter_map(|row| row.claimed_by));
    let names = users::usernames(connection, &people)?;
    let slugs = community_slugs(connection)?;
    let contents = contents_of(connection, &rows)?;
    let now = Timestamp::now();
    rows.into_iter()
        .zip(contents)
        .map(|(row, content)| {
            let subject = row.subject()?;
            let claimant = row.claimant(now);
            Ok(ItemView {
                id: row.id,
                subject,
                subject_id: row.subject_id,
                community: row.community_id.and_then(|id| slugs.get(&id).cloned()),
                author: names.get(&row.subject_author_id).cloned().unwrap_or_default(),
                urgent: row.urgent,
                held: row.held,
                screening: serde_json::from_str(&row.screening).unwrap_or_default(),
                report_count: row.report_count,
                report_weight: row.report_weight,
                opened_at: Timestamp(row.opened_at),
                claimed_by: claimant.and_then(|id| names.get(&id).cloned()),
                claim_expires_at: claimant.and(row.claim_expires_at).map(Timestamp),
                offered: offered(row.urgent, subject, content.state),
                content,
            })
        })
        .collect()
}

pub fn community_slugs(connection: &mut AnyConnection) -> ApiResult<HashMap<i64, String>> {
    Ok(community_store::all(connection)?.into_iter().map(|row| (row.id, row.slug)).collect())
}

/// The queue a member may see: everything for admins, their communities
/// for moderators, and urgent items everywhere for the safeguarding lead.
fn scope_for(connection: &mut AnyConnection, member: &Member, community: Option<&str>) -> ApiResult<QueueScope> {
    if let Some(slug) = community {
        let community_id = community_store::by_slug(connection, slug)?.id;
        policy::moderation(ModerationAction::Review, authority_in(connection, member, Some(community_id))?)?;
        let urgent_in = Vec::new();
        return Ok(QueueScope::Communities { ids: vec![community_id], urgent_everywhere: false, urgent_in });
    }
    let Some(ids) = moderated_communities(connection, member)? else { return Ok(QueueScope::Everything) };
    let urgent_in = safeguarding::communities_led_by(connection, member.user_id)?;
    if ids.is_empty() && urgent_in.is_empty() && !member.is_safeguarding_lead {
        return Err(ApiError::forbidden("Only moderators can see the moderation queue."));
    }
    Ok(QueueScope::Communities { ids, urgent_everywhere: member.is_safeguarding_lead, urgent_in })
}

#[utoipa::path(get, path = "/api/v1/moderation/queue", tag = "moderation", params(QueueQuery),
    description = "Open items, most pressing first: urgent (crisis, risk of harm), then by the weight of reports, then oldest.",
    responses((status = 200, body = QueuePage), (status = 403, body = crate::error::ErrorBody)))]
pub async fn queue_page(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<QueueQuery>,
) -> ApiResult<web::Json<QueuePage>> {
    let QueueQuery { community, offset, limit } = query.into_inner();
    let limit = page_limit(limit)?;
    let offset = offset.unwrap_or(0).max(0);
    let items = state
        .db
        .read(move |connection| {
            let scope = scope_for(connection, &member, community.as_deref())?;
            // Items about the reader are for other moderators (`policy::own_case`).
            let rows = queue::open_items(connection, &scope, member.user_id, offset, limit)?;
            item_views(connection, rows)
        })
        .await?;
    let next_offset = (items.len() as i64 == limit).then_some(offset + limit);
    Ok(web::Json(QueuePage { items, next_offset }))
}

#[derive(Serialize, ToSchema)]
pub struct ItemDetail {
    item: ItemView,
    reports: Vec<ReportDetail>,
    /// Around the content: the post replied to, or the chat messages before and after.
    context: Vec<ContextLine>,
    /// The author's latest posts and chat messages.
    history: Vec<ContextLine>,
    /// Moderation actions on the author, newest first.
    actions: Vec<LogEntryView>,
    notes: Vec<NoteView>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportDetail {
    reporter: String,
    reason: String,
    details: String,
    created_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct ContextLine {
    subject: Subject,
    id: i64,
    author: String,
    body_html: String,
    state: ContentState,
    created_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct NoteView {
    id: i64,
    author: String,
    community: Option<String>,
    body: String,
    created_at: Timestamp,
}

const CONTEXT_MESSAGES: i64 = 5;
const HISTORY_LINES: i64 = 10;

/// The item and the item's community, if the member may review it (never
/// one about themselves, whose reports name who reported them).
fn reviewable_item(connection: &mut AnyConnection, member: &Member, id: i64) -> ApiResult<ItemRow> {
    let item = queue::by_id(connection, id)?;
    policy::moderation(ModerationAction::Review, authority_in(connection, member, item.community_id)?)?;
    policy::own_case(member, ModerationAction::Review, Some(item.subject_author_id))?;
    Ok(item)
}

fn context_of(connection: &mut AnyConnection, item: &ItemRow) -> ApiResult<Vec<ContextLine>> {
    let listings = match item.subject()? {
        Subject::Post => {
            let post = post_store::by_id(connection, item.subject_id)?;
            let Some(parent_id) = post.parent_id else { return Ok(Vec::new()) };
            let parent = post_store::listing(connection, parent_id)?;
            return Ok(vec![ContextLine {
                subject: Subject::Post,
                id: parent.post.id,
                author: parent.author_username,
                state: parent.post.state()?,
                body_html: parent.post.body_html,
                created_at: Timestamp(parent.post.created_at),
            }]);
        }
        Subject::Message => {
            let message = chat::message(connection, item.subject_id)?;
            let mut around = chat::messages(
                connection,
                message.room_id,
                Window::Before { before: Some(message.seq) },
                CONTEXT_MESSAGES,
            )?;
            around.extend(chat::messages(
                connection,
                message.room_id,
                Window::After { after: message.seq, upto: None },
                CONTEXT_MESSAGES,
            )?);
            around
        }
        Subject::Thread | Subject::Member | Subject::DirectoryEntry => return Ok(Vec::new()),
    };
    listings
        .into_iter()
        .map(|listing| {
            Ok(ContextLine {
                subject: Subject::Message,
                id: listing.message.id,
                author: listing.author_username,
                state: listing.message.state()?,
                body_html: listing.message.body_html,
                created_at: Timestamp(listing.message.created_at),
            })
        })
        .collect()
}

/// The author's latest posts and messages in `communities` (everywhere for `None`).
fn history_of(
    connection: &mut AnyConnection,
    user_id: i64,
    communities: Option<&[i64]>,
) -> ApiResult<Vec<ContextLine>> {
    use diesel::prelude::*;
    let author = users::names_of(connection, user_id)?.0;
    let mut post_query = posts::table
        .inner_join(threads::table)
        .filter(posts::author_id.eq(user_id))
        .order(posts::created_at.desc())
        .limit(HISTORY_LINES)
        .select((posts::id, posts::body_html, posts::moderation_state, posts::created_at))
        .into_boxed();
    let mut message_query = chat_messages::table
        .inner_join(rooms::table)
        .filter(chat_messages::author_id.eq(user_id))
        .order(chat_messages::created_at.desc())
        .limit(HISTORY_LINES)
        .into_boxed();
    if let Some(ids) = communities {
        post_query = post_query.filter(threads::community_id.eq_any(ids.to_vec()));
        message_query = message_query.filter(rooms::community_id.eq_any(ids.to_vec()));
    }
    let recent_posts: Vec<(i64, String, String, i64)> = post_query.load(connection)?;
    let recent_messages: Vec<(i64, String, String, i64)> = message_query
        .select((
            chat_messages::id,
            chat_messages::body_html,
            chat_messages::moderation_state,
            chat_messages::created_at,
        ))
        .load(connection)?;
    let mut lines: Vec<ContextLine> = recent_posts
        .into_iter()
        .map(|row| (Subject::Post, row))
        .chain(recent_messages.into_iter().map(|row| (Subject::Message, row)))
        .map(|(subject, (id, body_html, state, created_at))| {
            Ok(ContextLine {
                subject,
                id,
                author: author.clone(),
                body_html,
                state: ContentState::from_stored(&state)?,
                created_at: Timestamp(created_at),
            })
        })
        .collect::<ApiResult<_>>()?;
    lines.sort_by_key(|line| std::cmp::Reverse(line.created_at));
    lines.truncate(HISTORY_LINES as usize);
    Ok(lines)
}

fn note_views(connection: &mut AnyConnection, rows: Vec<NoteRow>) -> ApiResult<Vec<NoteView>> {
    let names = users::usernames(connection, &rows.iter().map(|row| row.author_id).collect::<Vec<_>>())?;
    let slugs = community_slugs(connection)?;
    Ok(rows
        .into_iter()
        .map(|row| NoteView {
            id: row.id,
            author: names.get(&row.author_id).cloned().unwrap_or_default(),
            community: row.community_id.and_then(|id| slugs.get(&id).cloned()),
            body: row.body,
            created_at: Timestamp(row.created_at),
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v1/moderation/items/{id}",
    params(("id" = i64, Path, description = "The queue item's id.")), tag = "moderation",
    description = "One queue item with its reports, context, the author's recent history, actions on them and notes.",
    responses((status = 200, body = ItemDetail), (status = 403, body = crate::error::ErrorBody)))]
pub async fn item(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<web::Json<ItemDetail>> {
    let item_id = id.into_inner();
    let detail = state
        .db
        .read(move |connection| {
            let row = reviewable_item(connection, &member, item_id)?;
            let author_id = row.subject_author_id;
            let report_rows = queue::reports_of_item(connection, row.id)?;
            let names =
                users::usernames(connection, &report_rows.iter().map(|report| report.reporter_id).collect::<Vec<_>>())?;
            let reports = report_rows
                .into_iter()
                .map(|report| ReportDetail {
                    reporter: names.get(&report.reporter_id).cloned().unwrap_or_default(),
                    reason: report.reason,
                    details: report.details,
                    created_at: Timestamp(report.created_at),
                })
                .collect();
            let context = context_of(connection, &row)?;
            // The author's history and the actions on them, only where the reader reviews.
            let reviewed = reviewed_communities(connection, &member)?;
            let history = history_of(connection, author_id, reviewed.as_deref())?;
            let scope = match reviewed {
                None => LogScope::Target(author_id),
                Some(ids) => LogScope::TargetIn(author_id, ids),
            };
            let log_rows = moderation_log::entries(connection, &scope, None, HISTORY_LINES)?;
            let actions = entry_views(connection, log_rows, true)?;
            let visible_communities = moderated_communities(connection, &member)?;
            let note_rows = moderation_log::notes_on(connection, author_id, visible_communities.as_deref())?;
            let notes = note_views(connection, note_rows)?;
            let (community_id, urgent) = (row.community_id, row.urgent);
            let mut item =
                item_views(connection, vec![row])?.pop().ok_or_else(|| ApiError::internal("item view missing"))?;
            if !urgent {
                item.offered.extend(actions::sanctions_offered(connection, &member, community_id, author_id)?);
            }
            Ok(ItemDetail { item, reports, context, history, actions, notes })
        })
        .await?;
    Ok(web::Json(detail))
}

#[utoipa::path(put, path = "/api/v1/moderation/items/{id}/claim",
    params(("id" = i64, Path, description = "The queue item's id.")), tag = "moderation",
    description = "Claim an item so other moderators see you have it; the claim lapses after a while.",
    responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn claim(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let item_id = id.into_inner();
    let seconds = u64::from(state.settings.claim_minutes) * 60;
    state
        .db
        .write_unseen(move |connection| {
            let row = reviewable_item(connection, &member, item_id)?;
            if row.resolved_at.is_some() {
                return Err(ApiError::conflict("already_resolved", "That item was already dealt with."));
            }
            queue::claim(connection, &row, member.user_id, seconds)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/moderation/items/{id}/claim",
    params(("id" = i64, Path, description = "The queue item's id.")), tag = "moderation",
    description = "Let go of your claim on an item.",
    responses((status = 204), (status = 409, body = crate::error::ErrorBody)))]
pub async fn unclaim(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let item_id = id.into_inner();
    state
        .db
        .write_unseen(move |connection| {
            let row = reviewable_item(connection, &member, item_id)?;
            if row.claimant(Timestamp::now()).is_some_and(|holder| holder != member.user_id) {
                return Err(ApiError::conflict("already_claimed", "Another moderator has this item."));
            }
            queue::release(connection, item_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/moderation/actions", tag = "moderation", request_body = Command,
    description = "Take one moderation action; it is logged with its reason, and can be reversed.",
    responses((status = 201, body = LogEntryView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn act(state: web::Data<AppState>, member: Member, body: web::Json<Command>) -> ApiResult<HttpResponse> {
    let command = body.into_inner();
    carry_out(state, move |connection, origin| actions::apply(connection, &member, command, origin)).await
}

/// Runs an action in one write, tells live clients what changed, and
/// answers with its log entry.
async fn carry_out(
    state: web::Data<AppState>,
    action: impl FnOnce(&mut AnyConnection, u64) -> ApiResult<Applied> + Send + 'static,
) -> ApiResult<HttpResponse> {
    let origin = state.hub.process_id;
    let (view, live) = state
        .db
        .write(move |connection| {
            let applied = action(connection, origin)?;
            let view = entry_views(connection, vec![applied.log], true)?.pop();
            Ok((view, applied.live))
        })
        .await?;
    for note in &live {
        state.hub.deliver(note);
    }
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonDraft {
    /// 3 to 500 characters.
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/moderation/log/{id}/reversal",
    params(("id" = i64, Path, description = "The log entry's id.")), tag = "moderation", request_body = ReasonDraft,
    description = "Reverse a logged action (a hidden post restored, a thread unlocked, a ban lifted); the reversal is logged too.",
    responses((status = 201, body = LogEntryView), (status = 409, body = crate::error::ErrorBody)))]
pub async fn reverse(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<ReasonDraft>,
) -> ApiResult<HttpResponse> {
    let reason = parse_reason(&body.reason)?;
    let log_id = id.into_inner();
    carry_out(state, move |connection, origin| actions::reverse(connection, &member, log_id, &reason, origin)).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NoteQuery {
    /// The community the note belongs to (its slug); an instance-wide note when absent (admins, safeguarding lead).
    community: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteDraft {
    /// 1 to 2,000 characters, seen only by moderators.
    body: String,
    community: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/moderation/members/{username}/notes", tag = "moderation",
    params(("username" = String, Path, description = "The member's username."), NoteQuery),
    description = "Moderators' notes on a member: instance-wide ones and those of communities you moderate.",
    responses((status = 200, body = Vec<NoteView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn notes(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
    query: web::Query<NoteQuery>,
) -> ApiResult<web::Json<Vec<NoteView>>> {
    let community = query.into_inner().community;
    let views = state
        .db
        .read(move |connection| {
            let community_id =
                community.map(|slug| community_store::by_slug(connection, &slug)).transpose()?.map(|row| row.id);
            policy::moderation(ModerationAction::Review, authority_in(connection, &member, community_id)?)?;
            let user_id = users::id_by_username(connection, &username)?;
            let visible = moderated_communities(connection, &member)?;
            let rows = moderation_log::notes_on(connection, user_id, visible.as_deref())?;
            note_views(connection, rows)
        })
        .await?;
    Ok(web::Json(views))
}

#[utoipa::path(post, path = "/api/v1/moderation/members/{username}/notes",
    params(("username" = String, Path, description = "The member's username.")), tag = "moderation", request_body = NoteDraft,
    responses((status = 201, body = NoteView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn add_note(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
    body: web::Json<NoteDraft>,
) -> ApiResult<HttpResponse> {
    let NoteDraft { body, community } = body.into_inner();
    let body = parse_free_text(&body, "A note", 1)?;
    let view = state
        .db
        .write_unseen(move |connection| {
            let community_id =
                community.map(|slug| community_store::by_slug(connection, &slug)).transpose()?.map(|row| row.id);
            policy::moderation(ModerationAction::Review, authority_in(connection, &member, community_id)?)?;
            let user_id = users::id_by_username(connection, &username)?;
            let row = moderation_log::add_note(connection, user_id, community_id, member.user_id, &body)?;
            note_views(connection, vec![row])?.pop().ok_or_else(|| ApiError::internal("note missing"))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}
