//! The directory of local support: searching it, suggesting entries,
//! reviewing them (approving, marking reviewed, removing) and a member's
//! saved list.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Member, Viewer};
use crate::db::communities as community_store;
use crate::db::directory::{self as store, Authorship, Directories, EntryRow, Search};
use crate::db::{AnyConnection, admin_log, organisers};
use crate::domain::directory::{EntryDraft, EntryStatus, Referral, coordinates, distance_km, place_and_reach};
use crate::domain::discussion::render;
use crate::domain::hsds;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy::{self, DirectoryPlace, Standing};
use crate::safety::participation;
use crate::state::AppState;

pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/directory").route(web::get().to(search)).route(web::post().to(suggest)))
        .service(web::resource("/directory/suggestions").route(web::get().to(suggestions)))
        .service(
            web::resource("/directory/hsds")
                // An authority's whole directory can be larger than any other body.
                .app_data(super::errors::json_config().limit(MAX_IMPORT_BYTES))
                .route(web::get().to(hsds_export))
                .route(web::post().to(hsds_import)),
        )
        .service(web::resource("/directory/{id}").route(web::get().to(get)).route(web::delete().to(remove)))
        .service(web::resource("/directory/{id}/review").route(web::post().to(review)))
        .service(web::resource("/me/directory").route(web::get().to(saved)))
        .service(web::resource("/me/directory/{id}").route(web::put().to(save)).route(web::delete().to(unsave)));
}

/// One entry as a reader sees it.
#[derive(Serialize, ToSchema)]
pub struct EntryView {
    id: i64,
    /// The community whose directory it is in (its slug); absent for the instance-wide directory.
    community: Option<String>,
    status: EntryStatus,
    name: String,
    organisation: String,
    description_html: String,
    audience: String,
    referral: Vec<Referral>,
    cost: String,
    address: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    area_served: String,
    online: bool,
    phone: String,
    email: String,
    website: String,
    opening_times: String,
    accessibility: String,
    categories: Vec<String>,
    /// When a reviewer last checked it (absent while it is a suggestion).
    reviewed_at: Option<Timestamp>,
    /// From the place the reader gave, in kilometres.
    distance_km: Option<f64>,
}

/// Views of `rows`, each with its distance and its community's slug.
fn views(connection: &mut AnyConnection, rows: Vec<(EntryRow, Option<f64>)>) -> ApiResult<Vec<EntryView>> {
    let slugs: HashMap<i64, String> =
        community_store::all(connection)?.into_iter().map(|row| (row.id, row.slug)).collect();
    rows.into_iter()
        .map(|(row, distance)| {
            let entry = row.entry()?;
            Ok(EntryView {
                id: row.id,
                community: row.community_id.and_then(|id| slugs.get(&id).cloned()),
                status: row.status()?,
                name: entry.name,
                organisation: entry.organisation,
                description_html: row.description_html,
                audience: entry.audience,
                referral: entry.referral,
                cost: entry.cost,
                address: entry.address,
                latitude: row.latitude,
                longitude: row.longitude,
                area_served: entry.area_served,
                online: entry.online,
                phone: entry.phone,
                email: entry.email,
                website: entry.website,
                opening_times: entry.opening_times,
                accessibility: entry.accessibility,
                categories: entry.categories,
                reviewed_at: row.reviewed_at.map(Timestamp),
                distance_km: distance,
            })
        })
        .collect()
}

/// The entry `id`, if `viewer` may read it (404 otherwise), and where it lives.
fn readable(connection: &mut AnyConnection, id: i64, viewer: Option<&Member>) -> ApiResult<(EntryRow, DirectoryPlace)> {
    let row = store::by_id(connection, id)?;
    let place = store::place_of(connection, row.community_id, viewer)?;
    policy::read_directory(viewer, place, row.is_approved(), row.suggested_by)?;
    Ok((row, place))
}

/// The entry `id`, if `member` reviews its directory.
fn reviewable(connection: &mut AnyConnection, id: i64, member: &Member) -> ApiResult<EntryRow> {
    let (row, place) = readable(connection, id, Some(member))?;
    policy::review_directory(Some(member), place)?;
    Ok(row)
}

/// The communities whose directories `viewer` may read.
fn readable_communities(connection: &mut AnyConnection, viewer: Option<&Member>) -> ApiResult<Vec<i64>> {
    let roles = match viewer {
        Some(member) => community_store::roles_of(connection, member.user_id)?,
        None => HashMap::new(),
    };
    let is_admin = viewer.is_some_and(|member| member.is_admin);
    let mut ids = Vec::new();
    for row in community_store::all(connection)? {
        let standing = Standing { is_admin, role: roles.get(&row.id).copied() };
        if policy::read_directory(viewer, DirectoryPlace::Community(row.visibility()?, standing, false), true, None)
            .is_ok()
        {
            ids.push(row.id);
        }
    }
    Ok(ids)
}

/// Most entries on one page.
const MAX_LIMIT: usize = 100;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    /// One community's directory (its slug); the instance-wide directory
    /// and every community's you may read when absent.
    community: Option<String>,
    /// Words that must all appear (name, organisation, description, who it is for, place, categories).
    q: Option<String>,
    /// Only entries in this category.
    category: Option<String>,
    /// Where the reader is: with `longitude`, entries come nearest first with their distance.
    latitude: Option<f64>,
    longitude: Option<f64>,
    /// Only entries within this many kilometres of the place (0 to 20,000).
    within_km: Option<f64>,
    /// Entries to skip (from the previous page's `next_offset`).
    offset: Option<usize>,
    /// 1 to 100; 50 when absent.
    limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryPage {
    entries: Vec<EntryView>,
    /// Pass as `offset` for the next page; absent on the last page.
    next_offset: Option<usize>,
}

impl DirectoryQuery {
    fn parse(self, directories: Directories) -> ApiResult<Search> {
        let (near, within_km) = place_and_reach(self.latitude, self.longitude, self.within_km)?;
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid("invalid_limit", "A page holds 1 to 100 entries."));
        }
        let q = self.q.unwrap_or_default();
        if q.chars().count() > 200 {
            return Err(ApiError::invalid("invalid_query", "Search words can be at most 200 characters long."));
        }
        Ok(Search {
            directories,
            words: q.to_lowercase().split_whitespace().map(str::to_owned).collect(),
            category: self
                .category
                .map(|category| category.trim().to_lowercase())
                .filter(|category| !category.is_empty()),
            near,
            within_km,
            offset: self.offset.unwrap_or(0),
            limit,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/directory", tag = "directory", params(DirectoryQuery),
    description = "Approved entries matching every word and the category, nearest first when a place is given \
    (entries with no place on the map last), else by name.",
    responses((status = 200, body = DirectoryPage), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn search(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<DirectoryQuery>,
) -> ApiResult<web::Json<DirectoryPage>> {
    let query = query.into_inner();
    let page = state
        .db
        .read(move |connection| {
            let viewer = viewer.0.as_ref();
            let directories = match query.community.as_deref() {
                Some(slug) => Directories::Community(community_store::readable_by_slug(connection, slug, viewer)?.0.id),
                None => Directories::InstanceAnd(readable_communities(connection, viewer)?),
            };
            let search = query.parse(directories)?;
            let (rows, more) = store::search(connection, &search)?;
            Ok(DirectoryPage {
                entries: views(connection, rows)?,
                next_offset: more.then_some(search.offset + search.limit),
            })
        })
        .await?;
    Ok(web::Json(page))
}

#[utoipa::path(post, path = "/api/v1/directory", tag = "directory", request_body = EntryDraft,
    description = "Suggest an entry: only its author and the directory's reviewers see it until one approves it. \
    A reviewer's own entry is approved at once.",
    responses((status = 201, body = EntryView), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn suggest(
    state: web::Data<AppState>,
    member: Member,
    body: web::Json<EntryDraft>,
) -> ApiResult<HttpResponse> {
    let draft = body.into_inner();
    let entry = draft.parse()?;
    let html = render(&entry.description)?.html;
    let view = state
        .db
        .write_unseen(move |connection| {
            let community_id = match draft.community.as_deref() {
                Some(slug) => Some(community_store::by_slug(connection, slug)?.id),
                None => None,
            };
            let place = store::place_of(connection, community_id, Some(&member))?;
            policy::suggest_directory_entry(place)?;
            match community_id {
                Some(community_id) => participation::ensure_may_write(
                    connection,
                    member.user_id,
                    participation::Place { community_id, room_id: None },
                )?,
                None => participation::ensure_active(connection, member.user_id)?,
            }
            let approved = policy::review_directory(Some(&member), place).is_ok();
            let row = store::insert(
                connection,
                &entry,
                &html,
                Authorship { community_id, suggested_by: member.user_id, approved },
            )?;
            views(connection, vec![(row, None)])
        })
        .await?;
    Ok(HttpResponse::Created().json(&view[0]))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlaceQuery {
    /// Where the reader is, for the entry's distance.
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/directory/{id}", tag = "directory", params(("id" = i64, Path), PlaceQuery),
    description = "One entry, with its distance from the place given. A suggestion answers 404 to all but its \
    author and the reviewers.",
    responses((status = 200, body = EntryView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<i64>,
    query: web::Query<PlaceQuery>,
) -> ApiResult<web::Json<EntryView>> {
    let near = coordinates(query.latitude, query.longitude)?;
    let mut view = state
        .db
        .read(move |connection| {
            let (row, _) = readable(connection, *id, viewer.0.as_ref())?;
            let distance = near.zip(row.coordinates()).map(|(from, to)| distance_km(from, to));
            views(connection, vec![(row, distance)])
        })
        .await?;
    Ok(web::Json(view.remove(0)))
}

#[utoipa::path(post, path = "/api/v1/directory/{id}/review", tag = "directory", params(("id" = i64, Path)),
    description = "Approve a suggestion, or mark an entry reviewed (still right) now, closing its review item in the queue.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn review(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    state
        .db
        .write_unseen(move |connection| {
            let row = reviewable(connection, *id, &member)?;
            store::mark_reviewed(connection, row.id, member.user_id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/directory/{id}", tag = "directory", params(("id" = i64, Path)),
    description = "Remove an entry: refuse a suggestion, or take out a service that no longer runs.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    state
        .db
        .write_unseen(move |connection| {
            let row = reviewable(connection, *id, &member)?;
            store::delete(connection, row.id, member.user_id)?;
            admin_log::record_action(connection, member.user_id, "directory_entry_removed", &row.name)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/directory/suggestions", tag = "directory",
    description = "Suggestions waiting for the reader to review: their communities' (moderators), every one (admins).",
    responses((status = 200, body = Vec<EntryView>), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn suggestions(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<EntryView>>> {
    let list = state
        .db
        .read(move |connection| {
            let instance_wide = policy::review_directory(Some(&member), DirectoryPlace::Instance).is_ok();
            let communities = if instance_wide {
                community_store::all(connection)?.into_iter().map(|row| row.id).collect()
            } else {
                reviewed_by(connection, &member)?
            };
            if !instance_wide && communities.is_empty() {
                return Err(ApiError::forbidden("Only a directory's reviewers can see its suggestions."));
            }
            let rows = store::suggestions(connection, &communities, instance_wide)?;
            views(connection, rows.into_iter().map(|row| (row, None)).collect())
        })
        .await?;
    Ok(web::Json(list))
}

/// The communities whose directories `member` reviews: those they moderate
/// and those they organise in (as `policy::review_directory` allows).
fn reviewed_by(connection: &mut AnyConnection, member: &Member) -> ApiResult<Vec<i64>> {
    let mut reviewed = Vec::new();
    for community_id in community_store::roles_of(connection, member.user_id)?.into_keys() {
        let (standing, organiser_here) = organisers::standing_to_organise(connection, community_id, Some(member))?;
        if policy::organise(standing, organiser_here).is_ok() {
            reviewed.push(community_id);
        }
    }
    Ok(reviewed)
}

#[utoipa::path(get, path = "/api/v1/me/directory", tag = "directory",
    description = "The entries you saved that you may still read, most recently saved first.",
    responses((status = 200, body = Vec<EntryView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn saved(state: web::Data<AppState>, member: Member) -> ApiResult<web::Json<Vec<EntryView>>> {
    let list = state
        .db
        .read(move |connection| {
            let mut rows = Vec::new();
            for (row, _) in store::saved_by(connection, member.user_id)? {
                let place = store::place_of(connection, row.community_id, Some(&member))?;
                if policy::read_directory(Some(&member), place, row.is_approved(), row.suggested_by).is_ok() {
                    rows.push((row, None));
                }
            }
            views(connection, rows)
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(put, path = "/api/v1/me/directory/{id}", tag = "directory", params(("id" = i64, Path)),
    description = "Save an entry to your own list.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn save(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    state
        .db
        .write_unseen(move |connection| {
            let (row, _) = readable(connection, *id, Some(&member))?;
            store::save(connection, member.user_id, row.id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/me/directory/{id}", tag = "directory", params(("id" = i64, Path)),
    description = "Take an entry off your list.",
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
pub async fn unsave(state: web::Data<AppState>, member: Member, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    state.db.write_unseen(move |connection| store::unsave(connection, member.user_id, *id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/directory/hsds", tag = "directory",
    description = "The approved entries of the instance-wide directory and of public communities, as an Open \
    Referral UK / HSDS 3.0 page of services (organization, locations, contacts, phones, schedules, service areas, \
    categories as taxonomy terms).",
    responses((status = 200, body = Object)))]
pub async fn hsds_export(state: web::Data<AppState>) -> ApiResult<web::Json<serde_json::Value>> {
    let page = state
        .db
        .read(move |connection| {
            let mut public = Vec::new();
            for row in community_store::all(connection)? {
                if policy::read_directory(
                    None,
                    DirectoryPlace::Community(row.visibility()?, Standing::VISITOR, false),
                    true,
                    None,
                )
                .is_ok()
                {
                    public.push(row.id);
                }
            }
            let mut services = Vec::new();
            for row in store::approved_in(connection, &public)? {
                let reviewed =
                    row.reviewed_at.map(|at| Timestamp(at).to_rfc3339().chars().take(10).collect::<String>());
                let modified = Timestamp(row.reviewed_at.unwrap_or(row.created_at)).to_rfc3339();
                services.push(hsds::service(row.id, &row.entry()?, reviewed.as_deref(), &modified));
            }
            Ok(hsds::page(services))
        })
        .await?;
    Ok(web::Json(page))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The community whose directory takes the entries (its slug); the instance-wide directory when absent.
    community: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// How many entries were added (approved).
    imported: usize,
}

/// Most services one import takes.
const MAX_IMPORT: usize = 5000;
/// Largest import body: 5,000 full services.
const MAX_IMPORT_BYTES: usize = 32 * 1024 * 1024;

#[utoipa::path(post, path = "/api/v1/directory/hsds", tag = "directory", params(ImportQuery), request_body = Object,
    description = "Import an HSDS 3.0 page of services (as the export gives) or a list of services into a \
    directory, approved: every service is checked like a suggestion, and one that fails stops the whole import \
    (nothing is stored), its error naming it. At most 5,000 services.",
    responses((status = 201, body = Imported), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn hsds_import(
    state: web::Data<AppState>,
    member: Member,
    query: web::Query<ImportQuery>,
    body: web::Json<serde_json::Value>,
) -> ApiResult<HttpResponse> {
    policy::import_directory(&member)?;
    let community = query.into_inner().community;
    let mut checked = Vec::new();
    for (index, service) in hsds::services(&body)?.iter().enumerate() {
        if index == MAX_IMPORT {
            return Err(ApiError::invalid("too_many", format!("An import takes at most {MAX_IMPORT} services.")));
        }
        let named = |error: ApiError| {
            let name = service.get("name").and_then(serde_json::Value::as_str).unwrap_or("(no name)");
            ApiError::invalid(error.code(), format!("Service {} ({name}): {}", index + 1, error.message()))
        };
        let entry = hsds::draft(service, community.clone()).parse().map_err(named)?;
        let html = render(&entry.description).map_err(named)?.html;
        checked.push((entry, html));
    }
    let imported = checked.len();
    state
        .db
        .write_unseen(move |connection| {
            let community_id = match community.as_deref() {
                Some(slug) => Some(community_store::by_slug(connection, slug)?.id),
                None => None,
            };
            for (entry, html) in &checked {
                let by = Authorship { community_id, suggested_by: member.user_id, approved: true };
                store::insert(connection, entry, html, by)?;
            }
            admin_log::record_action(connection, member.user_id, "directory_imported", &imported.to_string())
        })
        .await?;
    Ok(HttpResponse::Created().json(Imported { imported }))
}
