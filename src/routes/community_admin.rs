//! An admin's changes to a community once it exists: editing what it is
//! about (and a place-based one's place), archiving it (read-only) or opening it again, and deleting it
//! with its slug typed as confirmation. Each change goes to the admin log.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::communities::{CommunityView, Membership, view};
use crate::auth::Member;
use crate::db::admin_log;
use crate::db::communities::{self as store, CommunityChange};
use crate::domain::community::{
    CommunityKind, Place, Visibility, check_about, parse_banner, parse_name, place_refused,
};
use crate::domain::discussion::render;
use crate::error::{ApiError, ApiResult};
use crate::policy;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/admin/communities/{slug}").route(web::patch().to(edit)).route(web::delete().to(delete)),
        )
        .service(
            web::resource("/admin/communities/{slug}/archive")
                .route(web::put().to(archive))
                .route(web::delete().to(reopen)),
        );
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityEdit {
    name: Option<String>,
    /// Markdown.
    description: Option<String>,
    /// Markdown.
    rules: Option<String>,
    banner: Option<String>,
    visibility: Option<Visibility>,
    /// A place-based community's place (name, region, coordinates), replaced whole; 422 `invalid_place` for a
    /// condition-based community.
    place: Option<Place>,
}

impl CommunityEdit {
    fn parse(self) -> ApiResult<CommunityChange> {
        let mut change = CommunityChange {
            name: self.name.as_deref().map(parse_name).transpose()?,
            banner: self.banner.as_deref().map(parse_banner).transpose()?,
            visibility: self.visibility.map(|visibility| visibility.as_str().to_owned()),
            ..CommunityChange::default()
        };
        if let Some(place) = self.place.map(Place::parse).transpose()? {
            change.place_name = Some(place.name);
            change.region = Some(place.region);
            change.latitude = Some(place.latitude);
            change.longitude = Some(place.longitude);
        }
        if let Some(description) = self.description {
            check_about(&description, "A description")?;
            let rendered = render(&description)?;
            change.render_version = Some(rendered.policy_version);
            change.description_html = Some(rendered.html);
            change.description = Some(description);
        }
        if let Some(rules) = self.rules {
            check_about(&rules, "Community rules")?;
            let rendered = render(&rules)?;
            change.render_version = Some(rendered.policy_version);
            change.rules_html = Some(rendered.html);
            change.rules = Some(rules);
        }
        Ok(change)
    }
}

#[utoipa::path(patch, path = "/api/v1/admin/communities/{slug}", tag = "admin", request_body = CommunityEdit,
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Changes a community's name, description, rules, banner, visibility or (a place-based one's) place (admins).",
    responses((status = 200, body = CommunityView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn edit(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<CommunityEdit>,
) -> ApiResult<web::Json<CommunityView>> {
    policy::administer(&member)?;
    let change = body.into_inner().parse()?;
    let (row, count, archived) = state
        .db
        .write(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            if change.place_name.is_some() && community.kind != CommunityKind::Place.as_str() {
                return Err(place_refused());
            }
            let row = store::update(connection, community.id, change)?;
            admin_log::record_action(connection, member.user_id, "community_edited", &row.slug)?;
            let count = store::member_counts(connection, &[row.id])?.get(&row.id).copied().unwrap_or(0);
            let archived = !store::archived_among(connection, &[row.id])?.is_empty();
            Ok((row, count, archived))
        })
        .await?;
    Ok(web::Json(view(row, count, Some(Membership::None), archived)?))
}

#[utoipa::path(put, path = "/api/v1/admin/communities/{slug}/archive", tag = "admin",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Archives a community: it stays readable, and takes no posts, replies, chat or reactions (409 \
    `community_archived`) until it is opened again.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn archive(state: web::Data<AppState>, member: Member, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    set_archived(state, member, slug.into_inner(), true).await
}

#[utoipa::path(delete, path = "/api/v1/admin/communities/{slug}/archive", tag = "admin",
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Opens an archived community again.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn reopen(state: web::Data<AppState>, member: Member, slug: web::Path<String>) -> ApiResult<HttpResponse> {
    set_archived(state, member, slug.into_inner(), false).await
}

async fn set_archived(
    state: web::Data<AppState>,
    member: Member,
    slug: String,
    archived: bool,
) -> ApiResult<HttpResponse> {
    policy::administer(&member)?;
    state
        .db
        .write(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            store::set_archived(connection, community.id, archived, member.user_id)?;
            let action = if archived { "community_archived" } else { "community_reopened" };
            admin_log::record_action(connection, member.user_id, action, &community.slug)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteConfirmation {
    /// The community's slug, typed again.
    confirm: String,
}

#[utoipa::path(delete, path = "/api/v1/admin/communities/{slug}", tag = "admin", request_body = DeleteConfirmation,
    params(("slug" = String, Path, description = "The community's slug.")),
    description = "Deletes a community and everything in it, for good. The slug must be typed again as `confirm`.",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    member: Member,
    slug: web::Path<String>,
    body: web::Json<DeleteConfirmation>,
) -> ApiResult<HttpResponse> {
    policy::administer(&member)?;
    let slug = slug.into_inner();
    if body.confirm.trim() != slug {
        return Err(ApiError::invalid(
            "confirmation_mismatch",
            "To delete this community, type its address exactly as shown.",
        ));
    }
    state
        .db
        .write(move |connection| {
            let community = store::by_slug(connection, &slug)?;
            store::delete(connection, community.id)?;
            admin_log::record_action(connection, member.user_id, "community_deleted", &community.slug)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
