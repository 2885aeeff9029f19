//! Goals in a community: the list, setting, editing and closing one
//! (organisers, moderators, admins), pledging and logging contributions
//! (members), each member's own entries with undo, and the daily series
//! the progress chart draws. Totals are public; who gave what is not.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Member, Viewer};
use crate::db::communities::{self as community_store, CommunityRow};
use crate::db::goals::{self as store, EntryRow, GoalRow};
use crate::db::{AnyConnection, organisers};
use crate::domain::community::Visibility;
use crate::domain::goal::{Amount, GoalDraft, GoalState, day_of, day_text};
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::notify;
use crate::policy::{self, Standing};
use crate::safety::participation::{self, Place};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/communities/{slug}/goals").route(web::get().to(list)).route(web::post().to(create)))
        .service(web::resource("/goals/{id}").route(web::get().to(get)).route(web::put().to(edit)))
        .service(web::resource("/goals/{id}/closure").route(web::post().to(close)))
        .service(web::resource("/goals/{id}/pledge").route(web::put().to(pledge)))
        .service(web::resource("/goals/{id}/progress").route(web::get().to(progress)))
        .service(web::resource("/goals/{id}/entries").route(web::get().to(my_entries)).route(web::post().to(log)))
        .service(web::resource("/goals/{id}/entries/{entry}").route(web::delete().to(undo)));
}

/// The most goals a community page lists.
const LISTED: i64 = 50;
/// The most of their own entries a member is shown at once.
const MY_ENTRIES: i64 = 200;

/// A goal as everyone may see it: its totals, never who gave what.
#[derive(Serialize, ToSchema)]
pub struct GoalView {
    id: i64,
    /// The community's slug.
    community: String,
    title: String,
    unit: String,
    target: i64,
    /// The last day, `YYYY-MM-DD` (UTC).
    ends_on: String,
    /// Counts members who joined through a pledger's invitation link while it runs.
    counts_recruits: bool,
    state: GoalState,
    total: i64,
    /// `total` as a whole percentage of `target` (it can pass 100).
    percent: i64,
    /// Milestones reached and told: 0-4 quarters of the target.
    milestone: i32,
    pledgers: i64,
    /// Members who logged anything.
    contributors: i64,
    created_at: Timestamp,
    /// Whether the viewer pledged.
    pledged: bool,
    /// The viewer's own logged total (only ever their own).
    #[serde(skip_serializing_if = "Option::is_none")]
    my_total: Option<i64>,
    /// Whether the viewer may pledge and log here.
    may_pledge: bool,
    /// Whether the viewer may edit or close it.
    may_organise: bool,
}

/// Where the viewer stands in the goal's community, read once: what the
/// policy decides what they may do there on.
#[derive(Clone, Copy)]
struct Rights {
    visibility: Visibility,
    standing: Standing,
    organiser_here: bool,
}

impl Rights {
    fn of(
        connection: &mut AnyConnection,
        community: &CommunityRow,
        standing: Standing,
        viewer: Option<&Member>,
    ) -> ApiResult<Self> {
        let organiser_here = organisers::organises_if_signed_in(connection, community.id, viewer)?;
        Ok(Rights { visibility: community.visibility()?, standing, organiser_here })
    }

    fn pledge(self) -> Result<(), ApiError> {
        policy::pledge_to_goal(self.visibility, self.standing)
    }

    fn set_goal(self) -> Result<(), ApiError> {
        policy::set_goal(self.standing, self.organiser_here)
    }
}

/// The readable community at `slug` and where the viewer stands there.
fn community_at(
    connection: &mut AnyConnection,
    slug: &str,
    viewer: Option<&Member>,
) -> ApiResult<(CommunityRow, Rights)> {
    let (community, standing) = community_store::readable_by_slug(connection, slug, viewer)?;
    let rights = Rights::of(connection, &community, standing, viewer)?;
    Ok((community, rights))
}

/// The goal with its community, if the viewer may read it (404 otherwise).
fn readable(
    connection: &mut AnyConnection,
    id: i64,
    viewer: Option<&Member>,
) -> ApiResult<(GoalRow, CommunityRow, Rights)> {
    let goal = store::by_id(connection, id)?;
    let (community, standing) = community_store::readable_by_id(connection, goal.community_id, viewer)
        .map_err(|_| ApiError::not_found("We couldn't find that goal."))?;
    policy::read_goals(community.visibility()?, standing)?;
    let rights = Rights::of(connection, &community, standing, viewer)?;
    Ok((goal, community, rights))
}

/// As `readable`, for an organiser about to change it.
fn organising(connection: &mut AnyConnection, id: i64, member: &Member) -> ApiResult<(GoalRow, CommunityRow, Rights)> {
    let (goal, community, rights) = readable(connection, id, Some(member))?;
    rights.set_goal()?;
    Ok((goal, community, rights))
}

/// As `readable`, for a member about to pledge or log: they may post there,
/// no sanction stops them, and the goal is still open.
fn pledging(connection: &mut AnyConnection, id: i64, member: &Member) -> ApiResult<(GoalRow, CommunityRow, Rights)> {
    let (goal, community, rights) = readable(connection, id, Some(member))?;
    rights.pledge()?;
    participation::ensure_may_write(connection, member.user_id, Place { community_id: community.id, room_id: None })?;
    GoalState::at(Timestamp::now(), goal.ends_at, goal.closed_at).ensure_open()?;
    Ok((goal, community, rights))
}

/// Tells the goal's pledgers of the milestones `total` passed (in the
/// change's transaction); the note for this process's hub after commit.
fn tell_milestones(
    connection: &mut AnyConnection,
    goal: &GoalRow,
    total: i64,
    origin: u64,
) -> ApiResult<Option<crate::live::broker::Note>> {
    let told = notify::goals::reached(connection, goal, total)?;
    notify::announce(connection, told, origin)
}

fn views(
    connection: &mut AnyConnection,
    goals: Vec<GoalRow>,
    slug: &str,
    viewer: Option<&Member>,
    rights: Rights,
) -> ApiResult<Vec<GoalView>> {
    let ids: Vec<i64> = goals.iter().map(|goal| goal.id).collect();
    let counts = store::counts(connection, &ids)?;
    let pledged = match viewer {
        Some(member) => store::pledged_to(connection, member.user_id, &ids)?,
        None => Vec::new(),
    };
    let now = Timestamp::now();
    let mut views = Vec::with_capacity(goals.len());
    for goal in goals {
        let total = store::total(connection, &goal)?;
        let counted = counts.get(&goal.id).copied().unwrap_or_default();
        let has_pledged = pledged.contains(&goal.id);
        let my_total = match viewer {
            Some(member) if has_pledged && !goal.counts_recruits => {
                Some(store::total_of(connection, goal.id, member.user_id)?)
            }
            _ => None,
        };
        views.push(GoalView {
            id: goal.id,
            community: slug.to_owned(),
            percent: total.saturating_mul(100) / goal.target.max(1),
            state: GoalState::at(now, goal.ends_at, goal.closed_at),
            title: goal.title,
            unit: goal.unit,
            target: goal.target,
            ends_on: goal.ends_on,
            counts_recruits: goal.counts_recruits,
            total,
            milestone: goal.milestone,
            pledgers: counted.pledgers,
            contributors: counted.contributors,
            created_at: Timestamp(goal.created_at),
            pledged: has_pledged,
            my_total,
            may_pledge: rights.pledge().is_ok(),
            may_organise: rights.set_goal().is_ok(),
        });
    }
    Ok(views)
}

fn one_view(
    connection: &mut AnyConnection,
    id: i64,
    slug: &str,
    viewer: &Member,
    rights: Rights,
) -> ApiResult<GoalView> {
    let goal = store::by_id(connection, id)?;
    views(connection, vec![goal], slug, Some(viewer), rights)?
        .pop()
        .ok_or_else(|| ApiError::internal("a goal's view went missing"))
}

#[derive(Serialize, ToSchema)]
pub struct GoalList {
    /// Newest first (at most 50).
    goals: Vec<GoalView>,
    /// Whether the viewer may set goals here.
    may_organise: bool,
}

#[utoipa::path(get, path = "/api/v1/communities/{slug}/goals", tag = "goals",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "The community's goals with their totals, newest first (at most 50). A private community's goals \
    answer 404 to outsiders.",
    responses((status = 200, body = GoalList), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    slug: web::Path<String>,
) -> ApiResult<web::Json<GoalList>> {
    let list = state
        .db
        .read(move |connection| {
            let member = viewer.0.as_ref();
            let (community, rights) = community_at(connection, &slug, member)?;
            let rows = store::of_community(connection, community.id, LISTED)?;
            let goals = views(connection, rows, &community.slug, member, rights)?;
            Ok(GoalList { goals, may_organise: rights.set_goal().is_ok() })
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(post, path = "/api/v1/communities/{slug}/goals", tag = "goals", request_body = GoalDraft,
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Sets a goal (the community's organisers, moderators and admins). Every wrong field is listed in \
    the 422's `fields`.",
    responses((status = 201, body = GoalView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<GoalDraft>,
) -> ApiResult<HttpResponse> {
    let created = state
        .db
        .write_unseen(move |connection| {
            let (community, rights) = community_at(connection, &slug, Some(&member))?;
            rights.set_goal()?;
            let new = body.into_inner().parse(Timestamp::now())?;
            let goal = store::create(connection, community.id, member.user_id, &new)?;
            one_view(connection, goal.id, &community.slug, &member, rights)
        })
        .await?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(get, path = "/api/v1/goals/{id}", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "A goal with its totals, for whoever may read its community (404 otherwise). A signed-in member \
    who pledged also sees their own total; nobody sees anyone else's.",
    responses((status = 200, body = GoalView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(state: web::Data<AppState>, viewer: Viewer, id: web::Path<i64>) -> ApiResult<web::Json<GoalView>> {
    let id = id.into_inner();
    let found = state
        .db
        .read(move |connection| {
            let member = viewer.0.as_ref();
            let (goal, community, rights) = readable(connection, id, member)?;
            views(connection, vec![goal], &community.slug, member, rights)?
                .pop()
                .ok_or_else(|| ApiError::internal("a goal's view went missing"))
        })
        .await?;
    Ok(web::Json(found))
}

#[utoipa::path(put, path = "/api/v1/goals/{id}", tag = "goals", request_body = GoalDraft,
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "Replaces a goal's title, unit, target and end date (organisers, moderators, admins); whether it \
    counts recruits stays as it was set. A closed goal cannot change.",
    responses((status = 200, body = GoalView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn edit(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<GoalDraft>,
) -> ApiResult<web::Json<GoalView>> {
    let id = id.into_inner();
    let origin = state.hub.process_id;
    let (edited, note) = state
        .db
        .write_unseen(move |connection| {
            let (goal, community, rights) = organising(connection, id, &member)?;
            if goal.closed_at.is_some() {
                return Err(ApiError::conflict("goal_closed", "This goal is closed."));
            }
            let new = body.into_inner().parse(Timestamp::now())?;
            if new.counts_recruits != goal.counts_recruits {
                return Err(ApiError::invalid_fields(
                    "invalid_goal",
                    vec![FieldError {
                        field: "counts_recruits".into(),
                        message: "Whether a goal counts recruits can't change once it is set.".into(),
                    }],
                ));
            }
            let goal = store::update(connection, id, &new)?;
            let total = store::total(connection, &goal)?;
            let note = tell_milestones(connection, &goal, total, origin)?;
            Ok((one_view(connection, id, &community.slug, &member, rights)?, note))
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(web::Json(edited))
}

#[utoipa::path(post, path = "/api/v1/goals/{id}/closure", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "Closes a goal early (organisers, moderators, admins): it takes no more pledges or entries, and \
    its total stays as it is.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn close(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .write_unseen(move |connection| {
            organising(connection, id, &member)?;
            if !store::close(connection, id)? {
                return Err(ApiError::conflict("goal_closed", "This goal is closed."));
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(put, path = "/api/v1/goals/{id}/pledge", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "Pledges the viewer to an open goal (members who may post in its community); again changes \
    nothing. Pledgers are told of each milestone (25, 50, 75 and 100% of the target) once.",
    responses((status = 200, body = GoalView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn pledge(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<web::Json<GoalView>> {
    let id = id.into_inner();
    let origin = state.hub.process_id;
    let (pledged, note) = state
        .db
        .write_unseen(move |connection| {
            let (goal, community, rights) = pledging(connection, id, &member)?;
            store::pledge(connection, id, member.user_id)?;
            // A recruiter's earlier recruits (since the goal began) count once they pledge.
            let total = store::total(connection, &goal)?;
            let note = tell_milestones(connection, &goal, total, origin)?;
            Ok((one_view(connection, id, &community.slug, &member, rights)?, note))
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(web::Json(pledged))
}

#[derive(Serialize, ToSchema)]
pub struct DayView {
    /// `YYYY-MM-DD` (UTC).
    day: String,
    /// What was added that day.
    added: i64,
    /// The total at the end of that day.
    cumulative: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Progress {
    /// The day the goal began, `YYYY-MM-DD` (UTC).
    starts_on: String,
    ends_on: String,
    target: i64,
    unit: String,
    /// Only days on which something was added, oldest first.
    days: Vec<DayView>,
}

#[utoipa::path(get, path = "/api/v1/goals/{id}/progress", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "The goal's total day by day, for its chart: totals only, never who gave what.",
    responses((status = 200, body = Progress), (status = 404, body = crate::error::ErrorBody)))]
pub async fn progress(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
) -> ApiResult<web::Json<Progress>> {
    let id = id.into_inner();
    let (goal, daily) = state
        .db
        .read(move |connection| {
            let (goal, ..) = readable(connection, id, viewer.0.as_ref())?;
            let daily = store::daily(connection, &goal)?;
            Ok((goal, daily))
        })
        .await?;
    let mut cumulative = 0;
    let days = daily
        .into_iter()
        .map(|(day, added)| {
            cumulative += added;
            DayView { day: day_text(day), added, cumulative }
        })
        .collect();
    Ok(web::Json(Progress {
        starts_on: day_text(day_of(Timestamp(goal.created_at))),
        ends_on: goal.ends_on,
        target: goal.target,
        unit: goal.unit,
        days,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct EntryView {
    id: i64,
    amount: i64,
    logged_at: Timestamp,
}

impl From<EntryRow> for EntryView {
    fn from(row: EntryRow) -> Self {
        Self { id: row.id, amount: row.amount, logged_at: Timestamp(row.logged_at) }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyEntries {
    /// The viewer's own entries, newest first (at most 200).
    entries: Vec<EntryView>,
}

#[utoipa::path(get, path = "/api/v1/goals/{id}/entries", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "The viewer's own entries in a goal (nobody else's: each member's contribution is private).",
    responses((status = 200, body = MyEntries), (status = 404, body = crate::error::ErrorBody)))]
pub async fn my_entries(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
) -> ApiResult<web::Json<MyEntries>> {
    let id = id.into_inner();
    let rows = state
        .db
        .read(move |connection| {
            readable(connection, id, Some(&member))?;
            store::entries_of(connection, id, member.user_id, MY_ENTRIES)
        })
        .await?;
    Ok(web::Json(MyEntries { entries: rows.into_iter().map(EntryView::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// A whole number from 1 to 10,000.
    amount: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Logged {
    entry: EntryView,
    goal: GoalView,
}

#[utoipa::path(post, path = "/api/v1/goals/{id}/entries", tag = "goals", request_body = NewEntry,
    params(("id" = i64, Path, description = "The goal's id.")),
    description = "Logs a contribution to an open goal (members who may post in its community), pledging them if \
    they had not. The total rises in the same transaction, so concurrent entries add up exactly. A goal counting \
    recruits takes no entries.",
    responses((status = 201, body = Logged), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn log(
    state: web::Data<AppState>,
    member: Member,
    id: web::Path<i64>,
    body: web::Json<NewEntry>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let amount = Amount::parse(body.amount)?;
    let origin = state.hub.process_id;
    let (logged, note) = state
        .db
        .write_unseen(move |connection| {
            let (goal, community, rights) = pledging(connection, id, &member)?;
            if goal.counts_recruits {
                return Err(ApiError::conflict(
                    "goal_counts_recruits",
                    "This goal counts the people pledgers bring in through their invitation links, not entries.",
                ));
            }
            store::pledge(connection, id, member.user_id)?;
            let (entry, total) = store::log(connection, id, member.user_id, amount)?;
            let note = tell_milestones(connection, &goal, total, origin)?;
            let goal = one_view(connection, id, &community.slug, &member, rights)?;
            Ok((Logged { entry: entry.into(), goal }, note))
        })
        .await?;
    if let Some(note) = note {
        state.hub.deliver(&note);
    }
    Ok(HttpResponse::Created().json(logged))
}

#[utoipa::path(delete, path = "/api/v1/goals/{id}/entries/{entry}", tag = "goals",
    params(("id" = i64, Path, description = "The goal's id."), ("entry" = i64, Path, description = "The entry's id.")),
    description = "Undoes one of the viewer's own entries while the goal is open: the total falls by its amount. \
    Anyone else's entry is not found.",
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn undo(state: web::Data<AppState>, member: Member, path: web::Path<(i64, i64)>) -> ApiResult<HttpResponse> {
    let (id, entry) = path.into_inner();
    state
        .db
        .write_unseen(move |connection| {
            let (goal, ..) = readable(connection, id, Some(&member))?;
            GoalState::at(Timestamp::now(), goal.ends_at, goal.closed_at).ensure_open()?;
            store::undo(connection, id, member.user_id, entry)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
