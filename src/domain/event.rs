//! An event in a community as an organiser describes it (parsed once here:
//! wall-clock times in an IANA time zone, a place or a joining link, a
//! capacity), and a member's answer to it.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::{Place, text_enum};
use super::discussion::render;
use super::event_series::RepeatDraft;
use crate::error::{ApiError, FieldError};

/// The most places an event can offer.
pub const MAX_CAPACITY: i32 = 100_000;
/// The longest an event can last.
pub const MAX_DAYS: i64 = 7;
/// The longest accessibility notes, in characters.
pub const MAX_ACCESSIBILITY_CHARS: usize = 2_000;
/// The longest joining link.
pub const MAX_URL_CHARS: usize = 500;

/// Where an in-person event happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPlace {
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// An event as an organiser writes it (creating or editing: the whole event).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventDraft {
    /// 3-120 characters.
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub description: String,
    /// The wall-clock start in `time_zone`, e.g. `2026-03-29T10:00`.
    pub starts: String,
    /// The wall-clock end in `time_zone`, after the start and at most 7 days later.
    pub ends: String,
    /// An IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    /// Online (with `online_url`) rather than in person.
    #[serde(default)]
    pub online: bool,
    /// In person: where. Left out: the community's own place.
    #[serde(default)]
    pub place: Option<EventPlace>,
    /// Online: the joining link (http or https), shown only to those going.
    #[serde(default)]
    pub online_url: Option<String>,
    /// Step-free access, hearing loop, toilets, what to bring...
    #[serde(default)]
    pub accessibility: String,
    /// The number of places (1-100,000); past it, members join a waiting list. Left out: no limit.
    #[serde(default)]
    pub capacity: Option<i32>,
    /// Creating only: the event repeats, each date an event of its own with its own answers.
    #[serde(default)]
    pub repeat: Option<RepeatDraft>,
}

/// A checked event, ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub render_version: i32,
    pub time_zone: String,
    pub starts_local: String,
    pub ends_local: String,
    /// UTC, milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
    pub online: bool,
    pub place: Option<EventPlace>,
    pub online_url: Option<String>,
    pub accessibility: String,
    pub capacity: Option<i32>,
}

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

/// The instant a wall-clock time names in a zone (a time skipped by a clock
/// change moves forward, one repeated means the first), as UTC milliseconds,
/// with the wall clock written back as `YYYY-MM-DDTHH:MM`.
pub fn instant(local: &str, zone: &TimeZone) -> Option<(i64, String)> {
    let clock: DateTime = local.trim().parse().ok()?;
    Some((zoned_millis(clock, zone)?, clock.strftime("%Y-%m-%dT%H:%M").to_string()))
}

/// The instant a wall-clock time in the years 2000-2100 names in a zone, as UTC milliseconds.
pub fn zoned_millis(clock: DateTime, zone: &TimeZone) -> Option<i64> {
    if !(2000..=2100).contains(&clock.year()) {
        return None;
    }
    Some(clock.to_zoned(zone.clone()).ok()?.timestamp().as_millisecond())
}

impl EventDraft {
    /// Checks every field at once (each wrong one listed with its own
    /// sentence), filling an in-person event's place from the community's.
    pub fn parse(self, community_place: Option<&Place>) -> Result<NewEvent, ApiError> {
        let mut problems = Vec::new();
        let title = super::checked_text(&self.title, "invalid_event", "A title", 3, 120)
            .map_err(|error| problems.push(problem("title", error.message())))
            .unwrap_or_default();
        let rendered = super::community::check_about(&self.description, "A description")
            .and_then(|()| render(&self.description))
            .map_err(|error| problems.push(problem("description", error.message())))
            .ok();
        let zone = TimeZone::get(self.time_zone.trim())
            .map_err(|_| problems.push(problem("time_zone", "Choose a time zone, such as Europe/London.")))
            .ok();
        let mut times = None;
        if let Some(zone) = &zone {
            let starts = instant(&self.starts, zone);
            let ends = instant(&self.ends, zone);
            if starts.is_none() {
                problems.push(problem("starts", "Give the start as a date and time, such as 2026-03-29T10:00."));
            }
            if ends.is_none() {
                problems.push(problem("ends", "Give the end as a date and time, such as 2026-03-29T12:00."));
            }
            if let (Some(starts), Some(ends)) = (starts, ends) {
                if ends.0 <= starts.0 {
                    problems.push(problem("ends", "The end must be after the start."));
                } else if ends.0 - starts.0 > MAX_DAYS * 86_400_000 {
                    problems.push(problem("ends", format!("An event can last at most {MAX_DAYS} days.")));
                } else {
                    times = Some((starts, ends));
                }
            }
        }
        let (place, online_url) = if self.online {
            (None, self.parse_url().map_err(|message| problems.push(problem("online_url", message))).ok())
        } else {
            if self.online_url.as_deref().is_some_and(|url| !url.trim().is_empty()) {
                problems.push(problem("online_url", "Only an online event has a joining link."));
            }
            let place = match (self.place.clone(), community_place) {
                (Some(place), _) => {
                    parse_place(place).map_err(|(field, message)| problems.push(problem(field, message))).ok()
                }
                (None, Some(home)) => Some(EventPlace {
                    name: home.name.clone(),
                    address: home.region.clone(),
                    latitude: home.latitude,
                    longitude: home.longitude,
                }),
                (None, None) => {
                    problems.push(problem("place.name", "Say where the event is, or make it an online event."));
                    None
                }
            };
            (place, None)
        };
        if self.accessibility.chars().count() > MAX_ACCESSIBILITY_CHARS || self.accessibility.contains('\0') {
            problems.push(problem(
                "accessibility",
                format!("Accessibility notes can be at most {MAX_ACCESSIBILITY_CHARS} characters long."),
            ));
        }
        if self.capacity.is_some_and(|capacity| !(1..=MAX_CAPACITY).contains(&capacity)) {
            problems.push(problem("capacity", format!("The number of places must be between 1 and {MAX_CAPACITY}.")));
        }
        match (problems.is_empty(), rendered, times) {
            (true, Some(rendered), Some(((starts_at, starts_local), (ends_at, ends_local)))) => Ok(NewEvent {
                title,
                description: self.description,
                description_html: rendered.html,
                render_version: rendered.policy_version,
                time_zone: self.time_zone.trim().to_owned(),
                starts_local,
                ends_local,
                starts_at,
                ends_at,
                online: self.online,
                place,
                online_url: online_url.flatten(),
                accessibility: self.accessibility.trim().to_owned(),
                capacity: self.capacity,
            }),
            _ => Err(ApiError::invalid_fields("invalid_event", problems)),
        }
    }

    fn parse_url(&self) -> Result<Option<String>, String> {
        let url = self.online_url.as_deref().map(str::trim).unwrap_or_default();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.len() > MAX_URL_CHARS || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!(
                "Give the joining link as a web address starting with https:// (at most {MAX_URL_CHARS} characters)."
            ));
        }
        Ok(Some(url.to_owned()))
    }
}

fn parse_place(place: EventPlace) -> Result<EventPlace, (&'static str, String)> {
    let name = super::checked_text(&place.name, "invalid_event", "A place name", 2, 120)
        .map_err(|error| ("place.name", error.message().to_owned()))?;
    let address = place
        .address
        .filter(|address| !address.trim().is_empty())
        .map(|address| super::checked_text(&address, "invalid_event", "An address", 2, 300))
        .transpose()
        .map_err(|error| ("place.address", error.message().to_owned()))?;
    let coordinates_ok = match (place.latitude, place.longitude) {
        (None, None) => true,
        (Some(lat), Some(lon)) => (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
        _ => false,
    };
    if !coordinates_ok {
        return Err((
            "place.latitude",
            "Coordinates need both a latitude (-90 to 90) and a longitude (-180 to 180).".to_owned(),
        ));
    }
    Ok(EventPlace { name, address, latitude: place.latitude, longitude: place.longitude })
}

/// A member's answer to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Maybe,
    /// Can't go.
    NotGoing,
    /// Asked to go when every place was taken: in line for the next one.
    Waiting,
}

text_enum!(RsvpStatus { Going => "going", Maybe => "maybe", NotGoing => "not_going", Waiting => "waiting" });

/// What a member may answer (waiting is where "going" lands when the event is full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpAnswer {
    Going,
    Maybe,
    NotGoing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_clock_time_names_the_right_instant_across_the_uk_clock_change() {
        let london = TimeZone::get("Europe/London").expect("the zone");
        // 29 March 2026: clocks go forward at 01:00 GMT, so 10:00 is BST (09:00 UTC).
        assert_eq!(instant("2026-03-29T10:00", &london).map(|found| found.0), Some(1_774_774_800_000));
        assert_eq!(instant("2026-03-28T10:00", &london).map(|found| found.0), Some(1_774_692_000_000));
        assert_eq!(instant("2026-03-29T01:30", &london).map(|found| found.1), Some("2026-03-29T01:30".to_owned()));
        assert!(instant("tomorrow", &london).is_none());
        assert!(instant("1999-12-31T10:00", &london).is_none());
    }
}
