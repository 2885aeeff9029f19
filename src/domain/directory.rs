//! The directory of local support: what an entry is (a service, group or
//! activity), checked once at the edge, and the distance between places.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::Email;
use super::community::text_enum;
use super::{checked_text, refuse_nul};
use crate::error::{ApiError, ApiResult};

/// How someone gets to a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    /// Anyone may just turn up or get in touch.
    SelfReferral,
    /// A GP refers.
    Gp,
    /// A link worker (social prescriber) refers.
    LinkWorker,
}

text_enum!(Referral { SelfReferral => "self_referral", Gp => "gp", LinkWorker => "link_worker" });

/// Whether an entry is public yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Seen only by its author and the reviewers.
    Suggested,
    Approved,
}

text_enum!(EntryStatus { Suggested => "suggested", Approved => "approved" });

pub const MAX_DESCRIPTION_CHARS: usize = 5000;
pub const MAX_CATEGORIES: usize = 10;

/// An entry as a member writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryDraft {
    /// The community whose directory it belongs to (its slug); the
    /// instance-wide directory when absent.
    #[serde(default)]
    pub community: Option<String>,
    /// 2 to 120 characters.
    pub name: String,
    /// Who runs it (at most 120 characters).
    #[serde(default)]
    pub organisation: String,
    /// Markdown, at most 5,000 characters.
    #[serde(default)]
    pub description: String,
    /// Who it is for (at most 300 characters).
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub referral: Vec<Referral>,
    /// What it costs, e.g. "Free" (at most 200 characters).
    #[serde(default)]
    pub cost: String,
    /// At most 300 characters.
    #[serde(default)]
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The area it serves, e.g. "Walsall borough" (at most 200 characters).
    #[serde(default)]
    pub area_served: String,
    /// It happens online (as well as, or instead of, somewhere).
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// An `http://` or `https://` address.
    #[serde(default)]
    pub website: String,
    /// At most 500 characters.
    #[serde(default)]
    pub opening_times: String,
    /// Step-free access, hearing loops... (at most 500 characters).
    #[serde(default)]
    pub accessibility: String,
    /// At most 10, each 1 to 40 characters (kept lower-case).
    #[serde(default)]
    pub categories: Vec<String>,
}

/// A checked entry: every field within its limits, contact details well formed.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub organisation: String,
    pub description: String,
    pub audience: String,
    pub referral: Vec<Referral>,
    pub cost: String,
    pub address: String,
    pub coordinates: Option<(f64, f64)>,
    pub area_served: String,
    pub online: bool,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub opening_times: String,
    pub accessibility: String,
    pub categories: Vec<String>,
}

/// An optional text: empty, or within `max` characters.
fn optional(text: &str, what: &str, max: usize) -> ApiResult<String> {
    if text.trim().is_empty() { Ok(String::new()) } else { checked_text(text, "invalid_entry", what, 1, max) }
}

/// Checks a latitude and longitude pair (both or neither).
pub fn coordinates(latitude: Option<f64>, longitude: Option<f64>) -> ApiResult<Option<(f64, f64)>> {
    match (latitude, longitude) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            Ok(Some((lat, lon)))
        }
        _ => Err(ApiError::invalid(
            "invalid_coordinates",
            "A place needs both a latitude (-90 to 90) and a longitude (-180 to 180).",
        )),
    }
}

/// Widest distance a search takes, in kilometres (half way round the Earth).
pub const MAX_WITHIN_KM: f64 = 20_000.0;

/// A place (latitude, longitude) to measure from, and how far from it to look in kilometres.
pub type Reach = (Option<(f64, f64)>, Option<f64>);

/// A place to measure from and how far from it to look, as a search gives them.
pub fn place_and_reach(latitude: Option<f64>, longitude: Option<f64>, within_km: Option<f64>) -> ApiResult<Reach> {
    let near = coordinates(latitude, longitude)?;
    if let Some(km) = within_km
        && (near.is_none() || !(0.0..=MAX_WITHIN_KM).contains(&km))
    {
        return Err(ApiError::invalid(
            "invalid_distance",
            "A distance needs a place (a latitude and longitude) and must be between 0 and 20,000 km.",
        ));
    }
    Ok((near, within_km))
}

fn phone(text: &str) -> ApiResult<String> {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let allowed = text.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if text.is_empty() || (allowed && (6..=20).contains(&digits)) {
        Ok(text.to_owned())
    } else {
        Err(ApiError::invalid("invalid_phone", "Please enter a phone number of 6 to 20 digits, like 01922 650000."))
    }
}

fn website(text: &str) -> ApiResult<String> {
    let text = text.trim();
    let host = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    let well_formed = text.chars().count() <= 300
        && !text.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
        && host.is_some_and(|host| host.contains('.') && !host.starts_with('.') && !host.ends_with('.'));
    if text.is_empty() || well_formed {
        Ok(text.to_owned())
    } else {
        Err(ApiError::invalid(
            "invalid_website",
            "Please enter a web address starting https:// or http://, like https://example.org (at most 300 characters).",
        ))
    }
}

fn categories(list: &[String]) -> ApiResult<Vec<String>> {
    if list.len() > MAX_CATEGORIES {
        return Err(ApiError::invalid(
            "invalid_categories",
            format!("An entry can have at most {MAX_CATEGORIES} categories."),
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for category in list {
        let category = checked_text(category, "invalid_categories", "A category", 1, 40)?.to_lowercase();
        if category.contains('|') {
            return Err(ApiError::invalid("invalid_categories", "A category cannot contain a | character."));
        }
        if !kept.contains(&category) {
            kept.push(category);
        }
    }
    Ok(kept)
}

impl EntryDraft {
    /// Checks every field; the first problem is the answer.
    pub fn parse(&self) -> ApiResult<Entry> {
        refuse_nul(&self.description, "invalid_entry", "A description")?;
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(ApiError::invalid(
                "invalid_entry",
                format!("A description can be at most {MAX_DESCRIPTION_CHARS} characters long."),
            ));
        }
        let email =
            if self.email.trim().is_empty() { String::new() } else { Email::parse(&self.email)?.as_str().to_owned() };
        let entry = Entry {
            name: checked_text(&self.name, "invalid_entry", "A name", 2, 120)?,
            organisation: optional(&self.organisation, "An organisation", 120)?,
            description: self.description.trim().to_owned(),
            audience: optional(&self.audience, "Who it is for", 300)?,
            referral: self.referral.iter().fold(Vec::new(), |mut kept, referral| {
                if !kept.contains(referral) {
                    kept.push(*referral);
                }
                kept
            }),
            cost: optional(&self.cost, "A cost", 200)?,
            address: optional(&self.address, "An address", 300)?,
            coordinates: coordinates(self.latitude, self.longitude)?,
            area_served: optional(&self.area_served, "An area served", 200)?,
            online: self.online,
            phone: phone(&self.phone)?,
            email,
            website: website(&self.website)?,
            opening_times: optional(&self.opening_times, "Opening times", 500)?,
            accessibility: optional(&self.accessibility, "Accessibility notes", 500)?,
            categories: categories(&self.categories)?,
        };
        let somewhere =
            entry.online || !entry.address.is_empty() || entry.coordinates.is_some() || !entry.area_served.is_empty();
        if !somewhere {
            return Err(ApiError::invalid(
                "invalid_location",
                "Say where it happens (an address, a place on the map or an area served), or that it is online.",
            ));
        }
        Ok(entry)
    }
}

impl Entry {
    /// Categories as stored: `|a|b|`, so a whole category matches `%|a|%`.
    pub fn stored_categories(&self) -> String {
        if self.categories.is_empty() { String::new() } else { format!("|{}|", self.categories.join("|")) }
    }

    /// What word search looks in, lower-cased.
    pub fn search_text(&self) -> String {
        [&self.name, &self.organisation, &self.description, &self.audience, &self.area_served, &self.address]
            .iter()
            .map(|text| text.to_lowercase())
            .chain(self.categories.iter().cloned())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The parts of an entry kept together as JSON: shown, never filtered on.
#[derive(Serialize, Deserialize)]
struct Details {
    audience: String,
    referral: Vec<Referral>,
    cost: String,
    address: String,
    area_served: String,
    online: bool,
    phone: String,
    email: String,
    website: String,
    opening_times: String,
    accessibility: String,
}

impl Entry {
    /// The details as stored (JSON).
    pub fn stored_details(&self) -> String {
        let details = Details {
            audience: self.audience.clone(),
            referral: self.referral.clone(),
            cost: self.cost.clone(),
            address: self.address.clone(),
            area_served: self.area_served.clone(),
            online: self.online,
            phone: self.phone.clone(),
            email: self.email.clone(),
            website: self.website.clone(),
            opening_times: self.opening_times.clone(),
            accessibility: self.accessibility.clone(),
        };
        serde_json::to_string(&details).unwrap_or_default()
    }

    /// An entry read back from its stored columns.
    pub fn from_stored(
        name: &str,
        organisation: &str,
        description: &str,
        coordinates: Option<(f64, f64)>,
        categories: &str,
        details: &str,
    ) -> ApiResult<Self> {
        let details: Details = serde_json::from_str(details).map_err(ApiError::internal)?;
        Ok(Self {
            name: name.to_owned(),
            organisation: organisation.to_owned(),
            description: description.to_owned(),
            audience: details.audience,
            referral: details.referral,
            cost: details.cost,
            address: details.address,
            coordinates,
            area_served: details.area_served,
            online: details.online,
            phone: details.phone,
            email: details.email,
            website: details.website,
            opening_times: details.opening_times,
            accessibility: details.accessibility,
            categories: categories_from_stored(categories),
        })
    }
}

/// Categories read back from `Entry::stored_categories`.
fn categories_from_stored(text: &str) -> Vec<String> {
    text.split('|').filter(|part| !part.is_empty()).map(str::to_owned).collect()
}

const EARTH_RADIUS_KM: f64 = 6371.0;

/// The great-circle distance between two places, in kilometres (haversine).
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let (lat2, lon2) = (to.0.to_radians(), to.1.to_radians());
    let a = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// The band of latitudes within `km` of `latitude` (a cheap first filter an index can use).
pub fn latitude_band(latitude: f64, km: f64) -> (f64, f64) {
    let degrees = km / (EARTH_RADIUS_KM * std::f64::consts::PI / 180.0);
    (latitude - degrees, latitude + degrees)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walsall_to_birmingham_is_about_thirteen_kilometres() {
        let km = distance_km((52.586, -1.982), (52.480, -1.903));
        assert!((12.0..14.0).contains(&km), "{km}");
    }

    #[test]
    fn a_band_holds_every_place_within_its_distance() {
        let (low, high) = latitude_band(52.5, 10.0);
        assert!(distance_km((52.5, 0.0), (low, 0.0)) <= 10.001);
        assert!(distance_km((52.5, 0.0), (high, 0.0)) >= 9.999);
    }

    #[test]
    fn a_website_must_be_a_web_address() {
        assert!(website("https://walsall.example.org/walks").is_ok());
        assert!(website("javascript:alert(1)").is_err());
        assert!(website("https://nodot").is_err());
        assert!(phone("01922 650000").is_ok());
        assert!(phone("call us").is_err());
    }
}
