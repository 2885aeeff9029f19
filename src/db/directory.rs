//! The directory's tables: entries (suggested or approved), members' saved
//! lists, searching by words, category and distance, and the entries due
//! for review.

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{directory_entries, directory_saves};
use crate::auth::Member;
use crate::domain::directory::{Entry, EntryStatus, distance_km, latitude_band};
use crate::domain::moderation::Subject;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};
use crate::policy::DirectoryPlace;

#[derive(Debug, Clone, Queryable)]
pub struct EntryRow {
    pub id: i64,
    pub community_id: Option<i64>,
    pub status: String,
    pub suggested_by: Option<i64>,
    pub name: String,
    pub organisation: String,
    pub description: String,
    pub description_html: String,
    pub details: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub categories: String,
    pub search_text: String,
    pub created_at: i64,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<i64>,
}

impl EntryRow {
    pub fn status(&self) -> ApiResult<EntryStatus> {
        EntryStatus::from_stored(&self.status)
    }

    pub fn is_approved(&self) -> bool {
        self.status == EntryStatus::Approved.as_str()
    }

    pub fn coordinates(&self) -> Option<(f64, f64)> {
        self.latitude.zip(self.longitude)
    }

    /// The entry as it was written.
    pub fn entry(&self) -> ApiResult<Entry> {
        Entry::from_stored(
            &self.name,
            &self.organisation,
            &self.description,
            self.coordinates(),
            &self.categories,
            &self.details,
        )
    }
}

/// Who wrote an entry and whether it is approved at once (a reviewer's own).
pub struct Authorship {
    pub community_id: Option<i64>,
    pub suggested_by: i64,
    pub approved: bool,
}

pub fn insert(connection: &mut AnyConnection, entry: &Entry, html: &str, by: Authorship) -> ApiResult<EntryRow> {
    let now = Timestamp::now().0;
    let status = if by.approved { EntryStatus::Approved } else { EntryStatus::Suggested };
    Ok(diesel::insert_into(directory_entries::table)
        .values((
            directory_entries::community_id.eq(by.community_id),
            directory_entries::status.eq(status.as_str()),
            directory_entries::suggested_by.eq(Some(by.suggested_by)),
            directory_entries::name.eq(&entry.name),
            directory_entries::organisation.eq(&entry.organisation),
            directory_entries::description.eq(&entry.description),
            directory_entries::description_html.eq(html),
            directory_entries::details.eq(entry.stored_details()),
            directory_entries::latitude.eq(entry.coordinates.map(|(lat, _)| lat)),
            directory_entries::longitude.eq(entry.coordinates.map(|(_, lon)| lon)),
            directory_entries::categories.eq(entry.stored_categories()),
            directory_entries::search_text.eq(entry.search_text()),
            directory_entries::created_at.eq(now),
            directory_entries::reviewed_at.eq(by.approved.then_some(now)),
            directory_entries::reviewed_by.eq(by.approved.then_some(by.suggested_by)),
        ))
        .returning(directory_entries::all_columns)
        .get_result(connection)?)
}

pub fn by_id(connection: &mut AnyConnection, id: i64) -> ApiResult<EntryRow> {
    directory_entries::table
        .find(id)
        .first::<EntryRow>(connection)
        .optional()?
        .ok_or_else(|| ApiError::not_found("We couldn't find that directory entry."))
}

pub fn by_ids(connection: &mut AnyConnection, ids: &[i64]) -> ApiResult<Vec<EntryRow>> {
    Ok(directory_entries::table.filter(directory_entries::id.eq_any(ids)).load(connection)?)
}

/// Where an entry of `community_id` lives, with the viewer's standing there.
pub fn place_of(
    connection: &mut AnyConnection,
    community_id: Option<i64>,
    viewer: Option<&Member>,
) -> ApiResult<DirectoryPlace> {
    match community_id {
        Some(id) => {
            let community = super::communities::by_id(connection, id)?;
            let (standing, organiser_here) = super::organisers::standing_to_organise(connection, id, viewer)?;
            Ok(DirectoryPlace::Community(community.visibility()?, standing, organiser_here))
        }
        None => Ok(DirectoryPlace::Instance),
    }
}

/// Approves a suggestion, or marks an approved entry reviewed now, and
/// closes the queue item that asked for its review.
pub fn mark_reviewed(connection: &mut AnyConnection, id: i64, reviewer: i64) -> ApiResult<()> {
    diesel::update(directory_entries::table.find(id))
        .set((
            directory_entries::status.eq(EntryStatus::Approved.as_str()),
            directory_entries::reviewed_at.eq(Some(Timestamp::now().0)),
            directory_entries::reviewed_by.eq(Some(reviewer)),
        ))
        .execute(connection)?;
    super::queue::resolve_open(connection, Subject::DirectoryEntry, id, reviewer, "reviewed")?;
    Ok(())
}

/// Removes an entry (a refused suggestion, or one that no longer runs) and its queue item.
pub fn delete(connection: &mut AnyConnection, id: i64, reviewer: i64) -> ApiResult<()> {
    super::queue::resolve_open(connection, Subject::DirectoryEntry, id, reviewer, "removed")?;
    diesel::delete(directory_entries::table.find(id)).execute(connection)?;
    Ok(())
}

/// Which directories a search looks in.
#[derive(Debug, Clone)]
pub enum Directories {
    /// One community's.
    Community(i64),
    /// The instance-wide one and these communities'.
    InstanceAnd(Vec<i64>),
}

/// What a search asks for (words and category already lower-cased).
#[derive(Debug, Clone)]
pub struct Search {
    pub directories: Directories,
    pub words: Vec<String>,
    pub category: Option<String>,
    pub near: Option<(f64, f64)>,
    pub within_km: Option<f64>,
    pub offset: usize,
    pub limit: usize,
}

fn like_pattern(text: &str) -> String {
    format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// What a search reads of each entry before choosing its page: id, name and place.
type Light = (i64, String, Option<f64>, Option<f64>);
type LightSql = (
    diesel::sql_types::BigInt,
    diesel::sql_types::Text,
    diesel::sql_types::Nullable<diesel::sql_types::Double>,
    diesel::sql_types::Nullable<diesel::sql_types::Double>,
);

/// Approved entries in the search's directories with all its words and its category.
fn matching(
    search: &Search,
) -> directory_entries::BoxedQuery<'static, <AnyConnection as Connection>::Backend, LightSql> {
    let mut query = directory_entries::table
        .filter(directory_entries::status.eq(EntryStatus::Approved.as_str()))
        .select((
            directory_entries::id,
            directory_entries::name,
            directory_entries::latitude,
            directory_entries::longitude,
        ))
        .into_boxed();
    query = match &search.directories {
        Directories::Community(id) => query.filter(directory_entries::community_id.eq(*id)),
        Directories::InstanceAnd(ids) => query
            .filter(directory_entries::community_id.is_null().or(directory_entries::community_id.eq_any(ids.clone()))),
    };
    for word in &search.words {
        query = query.filter(directory_entries::search_text.like(like_pattern(word)).escape('\\'));
    }
    if let Some(category) = &search.category {
        query = query.filter(directory_entries::categories.like(like_pattern(&format!("|{category}|"))).escape('\\'));
    }
    query
}

/// Half the Earth's circumference: a band this wide holds every place.
const WHOLE_EARTH_KM: f64 = 20_016.0;
/// The first radius looked in for the nearest entries; each next look is four times wider.
const FIRST_RADIUS_KM: f64 = 25.0;

/// The `wanted` nearest matching entries to `from` (all of them within
/// `within_km` when given), nearest first, as (id, distance). Without a
/// distance the search widens from 25 km until it has enough, so a city's
/// search reads its own band of the map, not the whole directory; only the
/// last, whole-Earth look adds entries with no place (last, by name).
fn nearest(
    connection: &mut AnyConnection,
    search: &Search,
    from: (f64, f64),
    wanted: usize,
) -> ApiResult<Vec<(i64, Option<f64>)>> {
    let mut km = search.within_km.unwrap_or(FIRST_RADIUS_KM);
    loop {
        let last = search.within_km.is_some() || km >= WHOLE_EARTH_KM;
        let mut query = matching(search);
        if km < WHOLE_EARTH_KM {
            let (low, high) = latitude_band(from.0, km);
            query = query.filter(directory_entries::latitude.between(low, high));
        }
        let rows: Vec<Light> = query.load(connection)?;
        let mut placed: Vec<(i64, f64)> = Vec::new();
        let mut unplaced: Vec<(i64, String)> = Vec::new();
        for (id, name, latitude, longitude) in rows {
            match latitude.zip(longitude) {
                Some(to) => {
                    let distance = distance_km(from, to);
                    if distance <= km || (last && search.within_km.is_none()) {
                        placed.push((id, distance));
                    }
                }
                None if last && search.within_km.is_none() => unplaced.push((id, name.to_lowercase())),
                None => {}
            }
        }
        if last || placed.len() >= wanted {
            placed.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            unplaced.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            let placed = placed.into_iter().map(|(id, distance)| (id, Some(distance)));
            return Ok(placed.chain(unplaced.into_iter().map(|(id, _)| (id, None))).take(wanted).collect());
        }
        km = (km * 4.0).min(WHOLE_EARTH_KM);
    }
}

/// An entry a search found, with its distance from the search's place.
pub type Found = (EntryRow, Option<f64>);

/// A page of approved entries matching `search` with their distance from
/// its place: nearest first when a place is given (see `nearest`), else by
/// name. Only the page's rows are loaded whole. Returns the page and
/// whether more follow.
pub fn search(connection: &mut AnyConnection, search: &Search) -> ApiResult<(Vec<Found>, bool)> {
    let wanted = search.offset + search.limit + 1;
    let mut chosen: Vec<(i64, Option<f64>)> = match search.near {
        Some(from) => nearest(connection, search, from, wanted)?.into_iter().skip(search.offset).collect(),
        None => {
            let rows: Vec<Light> = matching(search)
                .order((super::users::lower(directory_entries::name).asc(), directory_entries::id.asc()))
                .offset(i64::try_from(search.offset).unwrap_or(i64::MAX))
                .limit(i64::try_from(search.limit + 1).unwrap_or(i64::MAX))
                .load(connection)?;
            rows.into_iter().map(|(id, ..)| (id, None)).collect()
        }
    };
    let more = chosen.len() > search.limit;
    chosen.truncate(search.limit);
    let ids: Vec<i64> = chosen.iter().map(|(id, _)| *id).collect();
    let mut rows: std::collections::HashMap<i64, EntryRow> =
        by_ids(connection, &ids)?.into_iter().map(|row| (row.id, row)).collect();
    let entries = chosen.into_iter().filter_map(|(id, distance)| rows.remove(&id).map(|row| (row, distance))).collect();
    Ok((entries, more))
}

/// Approved entries of the instance-wide directory and these communities', oldest first.
pub fn approved_in(connection: &mut AnyConnection, communities: &[i64]) -> ApiResult<Vec<EntryRow>> {
    Ok(directory_entries::table
        .filter(directory_entries::status.eq(EntryStatus::Approved.as_str()))
        .filter(
            directory_entries::community_id.is_null().or(directory_entries::community_id.eq_any(communities.to_vec())),
        )
        .order(directory_entries::id.asc())
        .load(connection)?)
}

/// Suggestions waiting in these directories (`None`: the instance-wide one too), oldest first.
pub fn suggestions(
    connection: &mut AnyConnection,
    communities: &[i64],
    instance_wide: bool,
) -> ApiResult<Vec<EntryRow>> {
    let mut query = directory_entries::table
        .filter(directory_entries::status.eq(EntryStatus::Suggested.as_str()))
        .order(directory_entries::id.asc())
        .into_boxed();
    query = if instance_wide {
        query.filter(
            directory_entries::community_id.is_null().or(directory_entries::community_id.eq_any(communities.to_vec())),
        )
    } else {
        query.filter(directory_entries::community_id.eq_any(communities.to_vec()))
    };
    Ok(query.load(connection)?)
}

/// Approved entries last reviewed before `cutoff` with no open queue item,
/// as (entry id, community id).
pub fn due_for_review(connection: &mut AnyConnection, cutoff: i64) -> ApiResult<Vec<(i64, Option<i64>)>> {
    use super::schema::moderation_items;
    let open: std::collections::HashSet<i64> = moderation_items::table
        .filter(moderation_items::subject_kind.eq(Subject::DirectoryEntry.as_str()))
        .filter(moderation_items::resolved_at.is_null())
        .select(moderation_items::subject_id)
        .load::<i64>(connection)?
        .into_iter()
        .collect();
    let due: Vec<(i64, Option<i64>)> = directory_entries::table
        .filter(directory_entries::status.eq(EntryStatus::Approved.as_str()))
        .filter(directory_entries::reviewed_at.le(cutoff))
        .select((directory_entries::id, directory_entries::community_id))
        .load(connection)?;
    Ok(due.into_iter().filter(|(id, _)| !open.contains(id)).collect())
}

pub fn save(connection: &mut AnyConnection, user_id: i64, entry_id: i64) -> ApiResult<()> {
    let saved = directory_saves::table.find((user_id, entry_id)).count().get_result::<i64>(connection)?;
    if saved == 0 {
        diesel::insert_into(directory_saves::table)
            .values((
                directory_saves::user_id.eq(user_id),
                directory_saves::entry_id.eq(entry_id),
                directory_saves::saved_at.eq(Timestamp::now().0),
            ))
            .execute(connection)?;
    }
    Ok(())
}

pub fn unsave(connection: &mut AnyConnection, user_id: i64, entry_id: i64) -> ApiResult<()> {
    diesel::delete(directory_saves::table.find((user_id, entry_id))).execute(connection)?;
    Ok(())
}

/// A member's saved entries, most recently saved first, with when each was saved.
pub fn saved_by(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<(EntryRow, i64)>> {
    Ok(directory_saves::table
        .inner_join(directory_entries::table)
        .filter(directory_saves::user_id.eq(user_id))
        .order(directory_saves::saved_at.desc())
        .select((directory_entries::all_columns, directory_saves::saved_at))
        .load(connection)?)
}

/// A member's suggestions, newest first (for their data export).
pub fn suggested_by(connection: &mut AnyConnection, user_id: i64) -> ApiResult<Vec<EntryRow>> {
    Ok(directory_entries::table
        .filter(directory_entries::suggested_by.eq(user_id))
        .order(directory_entries::id.desc())
        .load(connection)?)
}

/// Erasure: the member's saved list and unapproved suggestions go; approved
/// entries (about services, not about them) stay without their name.
pub fn forget_member(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    diesel::delete(directory_saves::table.filter(directory_saves::user_id.eq(user_id))).execute(connection)?;
    diesel::delete(
        directory_entries::table
            .filter(directory_entries::suggested_by.eq(user_id))
            .filter(directory_entries::status.eq(EntryStatus::Suggested.as_str())),
    )
    .execute(connection)?;
    diesel::update(directory_entries::table.filter(directory_entries::suggested_by.eq(user_id)))
        .set(directory_entries::suggested_by.eq(None::<i64>))
        .execute(connection)?;
    Ok(())
}
