//! Consultations as a service between the routes and the store: the
//! institution asks a community a question, members answer (replies to its
//! first post) and support each other's answers while it is open, and the
//! institution publishes dated responses it is held to. Every check on who
//! may do what is a function in `policy.rs`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::consultations::{self as store, ConsultationRow, ResponseListing};
use crate::db::posts::{self as post_store, PostListing, Reader};
use crate::db::{AnyConnection, blocks, communities, threads, users};
use crate::discussion::context::{reader_of, thread_in_context};
use crate::discussion::view::{AuthorView, PostView, post_views};
use crate::domain::badge::{self, BadgeKind};
use crate::domain::consultation::{ResponseStatus, Stage, check_response};
use crate::domain::discussion::render;
use crate::domain::following::NotificationKind;
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy::{self, Standing};
use crate::safety::participation::{self, Place};

/// Most answers a consultation shows and exports.
pub const MAX_ANSWERS: i64 = 2_000;

#[derive(Serialize, ToSchema)]
pub struct ConsultationView {
    id: i64,
    /// The community's slug.
    community: String,
    /// The thread that carries it: its title is the question, its first post the background.
    thread_id: i64,
    question: String,
    /// Sanitised HTML of the background; absent if it was taken down.
    background_html: Option<String>,
    author: AuthorView,
    created_at: Timestamp,
    /// Answers and supports are taken until then.
    closes_at: Timestamp,
    /// The organisation responds to every answer with `support_threshold` supports by then.
    respond_by: Timestamp,
    support_threshold: i32,
    stage: Stage,
    /// Answers that reached the threshold and have no response yet.
    responses_owed: usize,
    /// Oldest first.
    answers: Vec<AnswerView>,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerView {
    post: PostView,
    supports: i64,
    supported_by_me: bool,
    /// The reader wrote it, so cannot support it.
    mine: bool,
    /// It reached the support threshold, so the organisation owes it a response.
    response_owed: bool,
    /// The organisation's response first, then its dated updates.
    responses: Vec<ResponseView>,
}

#[derive(Serialize, ToSchema)]
pub struct ResponseView {
    id: i64,
    status: ResponseStatus,
    body_html: String,
    author: AuthorView,
    created_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct ConsultationSummary {
    id: i64,
    question: String,
    closes_at: Timestamp,
    respond_by: Timestamp,
    stage: Stage,
    responses_owed: usize,
}

/// A consultation with its thread, community and the reader's standing,
/// if the reader may read it.
pub fn in_context(
    connection: &mut AnyConnection,
    id: i64,
    reader: Option<&Member>,
) -> ApiResult<(ConsultationRow, threads::ThreadRow, communities::CommunityPlace, Standing)> {
    let consultation = store::by_id(connection, id)?;
    let (thread, community, standing) = thread_in_context(connection, consultation.thread_id, reader)
        .map_err(|_| ApiError::not_found("We couldn't find that consultation."))?;
    if thread.deleted_at.is_some() {
        return Err(ApiError::not_found("We couldn't find that consultation."));
    }
    Ok((consultation, thread, community, standing))
}

/// Whether the member wears the hosting organisation's staff badge.
pub fn is_staff(connection: &mut AnyConnection, user_id: i64) -> ApiResult<bool> {
    let badges = badge::stored(&users::badges_of(connection, user_id)?);
    Ok(badges.iter().any(|badge| badge.kind == BadgeKind::Staff))
}

/// Refuses anyone who may not speak for the organisation.
pub fn ensure_institution(connection: &mut AnyConnection, member: &Member) -> ApiResult<()> {
    policy::speak_for_institution(member, is_staff(connection, member.user_id)?)
}

/// Whether an answer counts in public: visible and not deleted, so what is
/// owed is the same whoever looks.
fn counts(listing: &PostListing) -> bool {
    listing.post.deleted_at.is_none() && listing.post.moderation_state == ContentState::Visible.as_str()
}

/// What the organisation owes: how many counted answers reached the
/// threshold without a response.
fn owed(
    consultation: &ConsultationRow,
    answers: &[PostListing],
    supports: &HashMap<i64, i64>,
    responded: &HashSet<i64>,
) -> usize {
    answers
        .iter()
        .filter(|answer| counts(answer) && !responded.contains(&answer.post.id))
        .filter(|answer| {
            supports.get(&answer.post.id).copied().unwrap_or(0) >= i64::from(consultation.support_threshold)
        })
        .count()
}

fn public_reader() -> Reader {
    Reader { user_id: None, moderates: false, sees_crisis: true }
}

/// A community's consultations, newest first, with where each stands.
pub fn list(connection: &mut AnyConnection, community_id: i64) -> ApiResult<Vec<ConsultationSummary>> {
    let now = Timestamp::now();
    store::in_community(connection, community_id)?
        .into_iter()
        .map(|(consultation, question)| {
            let answers =
                post_store::replies_to_first(connection, consultation.thread_id, MAX_ANSWERS, public_reader())?;
            let ids: Vec<i64> = answers.iter().map(|answer| answer.post.id).collect();
            let (supports, _) = store::supports_for(connection, &ids, None)?;
            let responded =
                store::responses_in(connection, consultation.id)?.into_iter().map(|(row, ..)| row.post_id).collect();
            let responses_owed = owed(&consultation, &answers, &supports, &responded);
            Ok(ConsultationSummary {
                id: consultation.id,
                question,
                closes_at: Timestamp(consultation.closes_at),
                respond_by: Timestamp(consultation.respond_by),
                stage: Stage::at(now, consultation.closes_at, consultation.respond_by, responses_owed),
                responses_owed,
            })
        })
        .collect()
}

/// The whole consultation as `viewer` may read it.
pub fn view(
    connection: &mut AnyConnection,
    id: i64,
    viewer: Option<&Member>,
    crisis_posts_public: bool,
) -> ApiResult<ConsultationView> {
    let (consultation, thread, community, standing) = in_context(connection, id, viewer)?;
    let mut reader = reader_of(viewer, standing);
    reader.sees_crisis |= crisis_posts_public;
    let first_id = post_store::first_of(connection, thread.id)?.id;
    let first = post_store::listing(connection, first_id)?;
    let background_html =
        (first.post.is_readable_by(reader) && first.post.deleted_at.is_none()).then(|| first.post.body_html.clone());
    let answers = post_store::replies_to_first(connection, thread.id, MAX_ANSWERS, reader)?;
    let ids: Vec<i64> = answers.iter().map(|answer| answer.post.id).collect();
    let (supports, mine) = store::supports_for(connection, &ids, reader.user_id)?;
    let mut responses: HashMap<i64, Vec<ResponseView>> = HashMap::new();
    for listing in store::responses_in(connection, consultation.id)? {
        let view = response_view(listing)?;
        responses.entry(view.0).or_default().push(view.1);
    }
    let responded: HashSet<i64> = responses.keys().copied().collect();
    let responses_owed = owed(&consultation, &answers, &supports, &responded);
    let threshold = i64::from(consultation.support_threshold);
    let facts: Vec<(i64, i64, bool)> =
        answers.iter().map(|answer| (answer.post.id, answer.post.author_id, counts(answer))).collect();
    let posts = post_views(connection, answers, reader)?;
    let answers = facts
        .into_iter()
        .zip(posts)
        .map(|((post_id, author_id, counted), post)| {
            let supports = supports.get(&post_id).copied().unwrap_or(0);
            let responses = responses.remove(&post_id).unwrap_or_default();
            AnswerView {
                post,
                supports,
                supported_by_me: mine.contains(&post_id),
                mine: reader.user_id == Some(author_id),
                response_owed: counted && supports >= threshold && responses.is_empty(),
                responses,
            }
        })
        .collect();
    Ok(ConsultationView {
        id: consultation.id,
        community: community.slug,
        thread_id: thread.id,
        question: thread.title,
        background_html,
        author: AuthorView::badged(first.author_username, first.author_display_name, &first.author_badges),
        created_at: Timestamp(consultation.created_at),
        closes_at: Timestamp(consultation.closes_at),
        respond_by: Timestamp(consultation.respond_by),
        support_threshold: consultation.support_threshold,
        stage: Stage::at(Timestamp::now(), consultation.closes_at, consultation.respond_by, responses_owed),
        responses_owed,
        answers,
    })
}

fn response_view((row, username, display_name, badges): ResponseListing) -> ApiResult<(i64, ResponseView)> {
    Ok((
        row.post_id,
        ResponseView {
            id: row.id,
            status: row.status()?,
            body_html: row.body_html,
            author: AuthorView::badged(username, display_name, &badges),
            created_at: Timestamp(row.created_at),
        },
    ))
}

/// An answer in this consultation: a direct reply to its first post that
/// the member may see.
fn answer_in(
    connection: &mut AnyConnection,
    consultation: &ConsultationRow,
    post_id: i64,
    reader: Reader,
) -> ApiResult<post_store::PostRow> {
    let post = post_store::by_id(connection, post_id)?;
    if post.thread_id != consultation.thread_id || post.depth != 1 || !post.is_listed_for(reader) {
        return Err(ApiError::not_found("That answer is not in this consultation."));
    }
    Ok(post)
}

fn refuse_closed(consultation: &ConsultationRow) -> ApiResult<()> {
    if consultation.is_open(Timestamp::now()) {
        return Ok(());
    }
    Err(ApiError::conflict(
        "consultation_closed",
        format!("This consultation closed on {}, so it takes no more answers or supports.", closing_day(consultation)),
    ))
}

fn closing_day(consultation: &ConsultationRow) -> String {
    let moment = Timestamp(consultation.closes_at).to_rfc3339();
    moment.split('T').next().unwrap_or_default().to_owned()
}

/// Refuses an answer (a reply anywhere in the thread) once the consultation
/// the thread carries has closed.
pub fn refuse_replies_after_closing(connection: &mut AnyConnection, thread_id: i64) -> ApiResult<()> {
    match store::of_thread(connection, thread_id)? {
        Some(consultation) => refuse_closed(&consultation),
        None => Ok(()),
    }
}

/// Adds or takes back `member`'s support for an answer while the
/// consultation is open.
pub fn change_support(
    connection: &mut AnyConnection,
    id: i64,
    post_id: i64,
    member: &Member,
    add: bool,
) -> ApiResult<()> {
    let (consultation, _, community, standing) = in_context(connection, id, Some(member))?;
    let answer = answer_in(connection, &consultation, post_id, reader_of(Some(member), standing))?;
    let blocked = add && blocks::between(connection, member.user_id, answer.author_id)?;
    policy::support_answer(community.visibility()?, standing, blocked, answer.author_id == member.user_id)?;
    refuse_closed(&consultation)?;
    participation::ensure_may_write(connection, member.user_id, Place { community_id: community.id, room_id: None })?;
    if add {
        crate::discussion::context::refuse_deleted(&answer)?;
        store::support(connection, consultation.id, post_id, member.user_id)
    } else {
        store::withdraw_support(connection, post_id, member.user_id)
    }
}

/// Publishes the organisation's response to an answer, or an update to it,
/// once the consultation has closed; tells the answer's author and its
/// supporters. Returns who to tell live.
pub fn respond(
    connection: &mut AnyConnection,
    id: i64,
    post_id: i64,
    member: &Member,
    status: ResponseStatus,
    text: &str,
) -> ApiResult<Vec<i64>> {
    let (consultation, thread, _, standing) = in_context(connection, id, Some(member))?;
    ensure_institution(connection, member)?;
    let answer = answer_in(connection, &consultation, post_id, reader_of(Some(member), standing))?;
    if consultation.is_open(Timestamp::now()) {
        return Err(ApiError::conflict(
            "consultation_open",
            format!("Responses are published once the consultation closes on {}.", closing_day(&consultation)),
        ));
    }
    check_response(status, text)?;
    let rendered = render(text.trim())?;
    store::respond(connection, consultation.id, answer.id, member.user_id, status, text.trim(), &rendered.html)?;
    let mut told = store::supporters_of(connection, answer.id)?;
    told.push(answer.author_id);
    told.retain(|user_id| *user_id != member.user_id);
    told.sort_unstable();
    told.dedup();
    let news: Vec<_> = told
        .iter()
        .map(|user_id| crate::db::notifications::NewNotification {
            user_id: *user_id,
            kind: NotificationKind::ConsultationResponse,
            group_key: format!("consultation_response:{}", consultation.id),
            thread_id: Some(thread.id),
            subject_id: consultation.id,
            actor_id: Some(member.user_id),
        })
        .collect();
    crate::db::notifications::add_all(connection, &news)?;
    Ok(told)
}

/// One answer as the board papers show it: no names (answers are members'
/// words about their health; the organisation reports what was said).
#[derive(Serialize)]
pub struct ExportedAnswer {
    pub answer_id: i64,
    pub answered_at: String,
    pub answer: String,
    pub supports: i64,
    pub response_owed: bool,
    pub responses: Vec<ExportedResponse>,
}

#[derive(Serialize)]
pub struct ExportedResponse {
    pub status: &'static str,
    pub response: String,
    pub responded_at: String,
}

#[derive(Serialize)]
pub struct Exported {
    pub consultation_id: i64,
    pub community: String,
    pub question: String,
    pub closes_at: String,
    pub respond_by: String,
    pub support_threshold: i32,
    pub stage: Stage,
    pub answers: Vec<ExportedAnswer>,
}

/// The consultation's public answers (visible, not deleted) and every
/// response, for the organisation and the community's moderators.
pub fn export(connection: &mut AnyConnection, id: i64, member: &Member) -> ApiResult<Exported> {
    let (consultation, thread, community, standing) = in_context(connection, id, Some(member))?;
    policy::export_consultation(standing)?;
    let answers: Vec<PostListing> = post_store::replies_to_first(connection, thread.id, MAX_ANSWERS, public_reader())?
        .into_iter()
        .filter(counts)
        .collect();
    let ids: Vec<i64> = answers.iter().map(|answer| answer.post.id).collect();
    let (supports, _) = store::supports_for(connection, &ids, None)?;
    let mut responses: HashMap<i64, Vec<ExportedResponse>> = HashMap::new();
    for (row, ..) in store::responses_in(connection, consultation.id)? {
        let status = row.status()?.as_str();
        responses.entry(row.post_id).or_default().push(ExportedResponse {
            status,
            response: row.body,
            responded_at: Timestamp(row.created_at).to_rfc3339(),
        });
    }
    let responded: HashSet<i64> = responses.keys().copied().collect();
    let responses_owed = owed(&consultation, &answers, &supports, &responded);
    let threshold = i64::from(consultation.support_threshold);
    let answers = answers
        .into_iter()
        .map(|answer| {
            let supports = supports.get(&answer.post.id).copied().unwrap_or(0);
            let responses = responses.remove(&answer.post.id).unwrap_or_default();
            ExportedAnswer {
                answer_id: answer.post.id,
                answered_at: Timestamp(answer.post.created_at).to_rfc3339(),
                answer: answer.post.body,
                supports,
                response_owed: supports >= threshold && responses.is_empty(),
                responses,
            }
        })
        .collect();
    Ok(Exported {
        consultation_id: consultation.id,
        community: community.slug,
        question: thread.title,
        closes_at: Timestamp(consultation.closes_at).to_rfc3339(),
        respond_by: Timestamp(consultation.respond_by).to_rfc3339(),
        support_threshold: consultation.support_threshold,
        stage: Stage::at(Timestamp::now(), consultation.closes_at, consultation.respond_by, responses_owed),
        answers,
    })
}
