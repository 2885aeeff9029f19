//! Invitation links: a member makes, lists and withdraws their own (each
//! with how many people joined through it); anyone can check a link before
//! registering with it; moderators and admins see the totals.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Member;
use crate::db::communities;
use crate::db::invitations::{self, InvitationRow};
use crate::domain::community::CommunityRole;
use crate::domain::instance::Joining;
use crate::domain::joining::{Lifetime, LinkState, MAX_LIVE_LINKS, new_code};
use crate::domain::time::Timestamp;
use crate::error::ApiResult;
use crate::policy;
use crate::safety::participation;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/me/invitations").route(web::get().to(mine)).route(web::post().to(make)))
        .service(web::resource("/me/invitations/{id}").route(web::delete().to(withdraw)))
        .service(web::resource("/invitations/{code}").route(web::get().to(check)))
        .service(web::resource("/recruiting").route(web::get().to(totals)));
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationDraft {
    /// 1 to 90; omitted, the link works until withdrawn.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    id: i64,
    /// What goes in the link: `/join?invitation=CODE`.
    code: String,
    /// The web client's page for it, to share.
    path: String,
    created_at: Timestamp,
    expires_at: Option<Timestamp>,
    state: LinkState,
    /// People who joined through it.
    joined: i64,
}

impl InvitationView {
    fn of(row: InvitationRow, joined: i64, now: Timestamp) -> Self {
        InvitationView {
            id: row.id,
            path: format!("/join?invitation={}", row.code),
            state: row.state(now),
            code: row.code,
            created_at: Timestamp(row.created_at),
            expires_at: row.expires_at.map(Timestamp),
            joined,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyInvitations {
    /// Everyone who joined through any of the member's links.
    brought: i64,
    /// Newest first.
    links: Vec<InvitationView>,
}

#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "invitations",
    description = "The member's invitation links, with how many people joined through each.",
    responses((status = 200, body = MyInvitations), (status = 401, body = crate::error::ErrorBody)))]
pub async fn mine(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<MyInvitations>> {
    let rows = state.db.read(move |connection| invitations::made_by(connection, member.user_id)).await?;
    let now = Timestamp::now();
    let brought = rows.iter().map(|(_, joined)| joined).sum();
    let links = rows.into_iter().map(|(row, joined)| InvitationView::of(row, joined, now)).collect();
    Ok(web::Json(MyInvitations { brought, links }))
}

#[utoipa::path(post, path = "/api/v1/me/invitations", tag = "invitations", request_body = InvitationDraft,
    description = "Make an invitation link (at most 20 that still work at once).",
    responses((status = 201, body = InvitationView), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn make(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<InvitationDraft>,
) -> ApiResult<HttpResponse> {
    let lifetime = body.expires_in_days.map(Lifetime::parse).transpose()?;
    let code = new_code()?;
    let now = Timestamp::now();
    let row = state
        .db
        .write(move |connection| {
            participation::ensure_active(connection, member.user_id)?;
            invitations::create(connection, member.user_id, &code, lifetime.map(|days| days.ends(now)), MAX_LIVE_LINKS)
        })
        .await?;
    Ok(HttpResponse::Created().json(InvitationView::of(row, 0, now)))
}

#[utoipa::path(delete, path = "/api/v1/me/invitations/{id}", tag = "invitations",
    params(("id" = i64, Path, description = "The link's number.")),
    description = "Withdraw one of the member's links: it stops working at once (people who joined stay counted).",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn withdraw(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.db.write(move |connection| invitations::revoke(connection, member.user_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct InvitationCheck {
    /// The display name of the member who made the link.
    invited_by: String,
    expires_at: Option<Timestamp>,
    /// How this instance takes new members; with `approval`, an admin still decides.
    joining: Joining,
}

#[utoipa::path(get, path = "/api/v1/invitations/{code}", tag = "invitations",
    params(("code" = String, Path, description = "The code from the link.")),
    description = "Whether an invitation link can be used, and who made it.",
    responses((status = 200, body = InvitationCheck), (status = 404, body = crate::error::ErrorBody),
              (status = 410, body = crate::error::ErrorBody)))]
pub async fn check(state: web::Data<AppState>, code: web::Path<String>) -> ApiResult<web::Json<InvitationCheck>> {
    let code = code.into_inner();
    let (row, invited_by) = state.db.read(move |connection| invitations::by_code(connection, &code)).await?;
    row.state(Timestamp::now()).ensure_usable()?;
    let joining = state.instance.current().joining;
    Ok(web::Json(InvitationCheck { invited_by, expires_at: row.expires_at.map(Timestamp), joining }))
}

#[derive(Serialize, ToSchema)]
pub struct RecruitingTotals {
    /// Links ever made.
    links: i64,
    /// Links that work now.
    usable: i64,
    /// People who joined through a link.
    joined: i64,
    /// Members who brought at least one person.
    recruiters: i64,
}

#[utoipa::path(get, path = "/api/v1/recruiting", tag = "invitations",
    description = "The instance's recruiting as totals (no names): for moderators and admins.",
    responses((status = 200, body = RecruitingTotals), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn totals(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<RecruitingTotals>> {
    let user_id = member.user_id;
    let totals = state
        .db
        .read(move |connection| {
            let roles = communities::roles_of(connection, user_id)?;
            policy::see_recruiting(&member, roles.values().any(|role| *role == CommunityRole::Moderator))?;
            invitations::totals(connection)
        })
        .await?;
    Ok(web::Json(RecruitingTotals {
        links: totals.links,
        usable: totals.usable,
        joined: totals.joined,
        recruiters: totals.recruiters,
    }))
}
