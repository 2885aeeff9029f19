//! The safety settings moderators and admins edit through the API: word
//! filters (instance-wide or per community), a community's hold on new
//! members' first posts, and who the safeguarding leads are.

use actix_web::{HttpResponse, web};
use moderation::filters::{FilterAction, FilterRule, WordFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Member;
use crate::db::communities as community_store;
use crate::db::safeguarding;
use crate::db::word_filters::{self, FilterRow};
use crate::db::{AnyConnection, users};
use crate::domain::community::CommunityRole;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::live::broker;
use crate::moderate::actions::authority_in;
use crate::policy::{self, ModerationAction};
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/moderation/filters").route(web::get().to(list)).route(web::post().to(create)))
        .service(web::resource("/moderation/filters/{id}").route(web::delete().to(delete)))
        .service(web::resource("/communities/{slug}/safety").route(web::put().to(set_community_safety)))
        .service(
            web::resource("/admin/safeguarding-leads/{username}")
                .route(web::put().to(appoint_lead))
                .route(web::delete().to(stand_down_lead)),
        )
        .service(web::resource("/admin/communities/{slug}/safeguarding-leads").route(web::get().to(community_leads)))
        .service(
            web::resource("/admin/communities/{slug}/safeguarding-leads/{username}")
                .route(web::put().to(appoint_community_lead))
                .route(web::delete().to(stand_down_community_lead)),
        );
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FilterQuery {
    /// A community's own filters (its slug); the instance's when absent.
    community: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterDraft {
    /// The community (slug) the filter is for; instance-wide when absent (admins).
    community: Option<String>,
    /// A word or phrase, written plainly: disguised spellings are matched anyway.
    term: String,
    /// `block`, `hold`, `flag` or `replace`.
    #[schema(value_type = String)]
    action: FilterAction,
    /// For `block`: what the author is told.
    message: Option<String>,
    /// For `replace`: what replaces the term.
    replacement: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FilterView {
    id: i64,
    community: Option<String>,
    term: String,
    action: String,
    message: Option<String>,
    replacement: Option<String>,
    created_at: Timestamp,
}

fn filter_view(row: FilterRow, community: Option<String>) -> FilterView {
    FilterView {
        id: row.id,
        community,
        term: row.term,
        action: row.action,
        message: row.message,
        replacement: row.replacement,
        created_at: Timestamp(row.created_at),
    }
}

/// A community's id by slug, and whether the member may edit its filters
/// (or the instance's, for `None`).
fn filter_scope(connection: &mut AnyConnection, member: &Member, community: Option<&str>) -> ApiResult<Option<i64>> {
    let community_id = community.map(|slug| community_store::by_slug(connection, slug)).transpose()?.map(|row| row.id);
    let action =
        if community_id.is_some() { ModerationAction::RestrictInCommunity } else { ModerationAction::RunInstance };
    policy::moderation(action, authority_in(connection, member, community_id)?)?;
    Ok(community_id)
}

#[utoipa::path(get, path = "/api/v1/moderation/filters", tag = "moderation", params(FilterQuery),
    description = "The word filters added to the shipped list, for the instance or one community.",
    responses((status = 200, body = Vec<FilterView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<FilterQuery>,
) -> ApiResult<web::Json<Vec<FilterView>>> {
    let community = query.into_inner().community;
    let views = state
        .db
        .read(move |connection| {
            let community_id = filter_scope(connection, &member, community.as_deref())?;
            let rows = word_filters::list(connection, community_id)?;
            Ok(rows.into_iter().map(|row| filter_view(row, community.clone())).collect())
        })
        .await?;
    Ok(web::Json(views))
}

#[utoipa::path(post, path = "/api/v1/moderation/filters", tag = "moderation", request_body = FilterDraft,
    description = "Add a word filter: block (with a message), hold for review, flag, or replace.",
    responses((status = 201, body = FilterView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<FilterDraft>,
) -> ApiResult<HttpResponse> {
    let FilterDraft { community, term, action, message, replacement } = body.into_inner();
    let rule = FilterRule { term: term.trim().to_owned(), action, message, replacement };
    WordFilter::new([rule.clone()]).map_err(|error| ApiError::invalid("invalid_filter", error.to_string()))?;
    let view = state
        .db
        .write(move |connection| {
            let community_id = filter_scope(connection, &member, community.as_deref())?;
            let row = word_filters::create(connection, community_id, &rule, member.user_id)?;
            Ok(filter_view(row, community))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(delete, path = "/api/v1/moderation/filters/{id}",
    params(("id" = i64, Path, description = "The word filter's id.")), tag = "moderation",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let filter_id = id.into_inner();
    state
        .db
        .write(move |connection| {
            let row = word_filters::by_id(connection, filter_id)?;
            let slug =
                row.community_id.map(|id| community_store::by_id(connection, id)).transpose()?.map(|row| row.slug);
            filter_scope(connection, &member, slug.as_deref())?;
            word_filters::delete(connection, filter_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunitySafety {
    /// How many of a member's first posts here wait for a moderator's approval: 0 to 20 (0: none).
    hold_first_posts: i32,
}

#[utoipa::path(put, path = "/api/v1/communities/{slug}/safety",
    params(("slug" = String, Path, description = "The community's slug.")), tag = "moderation", request_body = CommunitySafety,
    responses((status = 200, body = CommunitySafety), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_community_safety(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<CommunitySafety>,
) -> ApiResult<web::Json<CommunitySafety>> {
    let count = body.hold_first_posts;
    if !(0..=20).contains(&count) {
        return Err(ApiError::invalid("invalid_hold", "Hold between 0 and 20 first posts."));
    }
    state
        .db
        .write(move |connection| {
            let community_id = community_store::by_slug(connection, &slug)?.id;
            policy::moderation(
                ModerationAction::RestrictInCommunity,
                authority_in(connection, &member, Some(community_id))?,
            )?;
            community_store::set_hold_first_posts(connection, community_id, count)
        })
        .await?;
    Ok(web::Json(CommunitySafety { hold_first_posts: count }))
}

async fn set_lead(state: web::Data<AppState>, member: Member, username: String, lead: bool) -> ApiResult<HttpResponse> {
    let origin = state.hub.process_id;
    let note = state
        .db
        .write(move |connection| {
            policy::moderation(ModerationAction::RunInstance, authority_in(connection, &member, None)?)?;
            let user_id = users::id_by_username(connection, &username)?;
            users::set_safeguarding_lead(connection, user_id, lead)?;
            broker::account_changed(connection, user_id, origin)
        })
        .await?;
    state.hub.deliver(&note);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(put, path = "/api/v1/admin/safeguarding-leads/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "moderation",
    description = "Appoint a safeguarding lead (admins): they receive urgent items from every community.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn appoint_lead(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_lead(state, member, username.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/admin/safeguarding-leads/{username}",
    params(("username" = String, Path, description = "The member's username.")), tag = "moderation",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn stand_down_lead(
    state: web::Data<AppState>,
    member: Member,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_lead(state, member, username.into_inner(), false).await
}

/// Appoints or stands down a community's safeguarding lead (admins); a new
/// lead becomes a member of the community if they were not one, so they can
/// read what they are alerted to.
async fn set_community_lead(
    state: web::Data<AppState>,
    member: Member,
    (slug, username): (String, String),
    lead: bool,
) -> ApiResult<HttpResponse> {
    state
        .db
        .write(move |connection| {
            policy::moderation(ModerationAction::RunInstance, authority_in(connection, &member, None)?)?;
            let community_id = community_store::by_slug(connection, &slug)?.id;
            let user_id = users::id_by_username(connection, &username)?;
            if !lead {
                return safeguarding::stand_down(connection, Some(community_id), user_id);
            }
            if community_store::role_of(connection, community_id, user_id)?.is_none() {
                community_store::set_role(connection, community_id, user_id, CommunityRole::Member)?;
            }
            safeguarding::appoint(connection, community_id, user_id, member.user_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(put, path = "/api/v1/admin/communities/{slug}/safeguarding-leads/{username}", tag = "moderation",
    params(("slug" = String, Path, description = "The community's slug."),
           ("username" = String, Path, description = "The member's username.")),
    description = "Appoint a community's safeguarding lead (admins): they are alerted at once to urgent items there \
and review them. Makes them a member of the community if they are not one.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn appoint_community_lead(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    set_community_lead(state, member, path.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/admin/communities/{slug}/safeguarding-leads/{username}", tag = "moderation",
    params(("slug" = String, Path, description = "The community's slug."),
           ("username" = String, Path, description = "The member's username.")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn stand_down_community_lead(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    set_community_lead(state, member, path.into_inner(), false).await
}

#[utoipa::path(get, path = "/api/v1/admin/communities/{slug}/safeguarding-leads", tag = "moderation",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "A community's own safeguarding leads (usernames); the instance's leads cover it too.",
    responses((status = 200, body = Vec<String>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn community_leads(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
) -> ApiResult<web::Json<Vec<String>>> {
    let names = state
        .db
        .read(move |connection| {
            policy::moderation(ModerationAction::RunInstance, authority_in(connection, &member, None)?)?;
            let community_id = community_store::by_slug(connection, &slug)?.id;
            safeguarding::leads_of_community(connection, community_id)
        })
        .await?;
    Ok(web::Json(names))
}
