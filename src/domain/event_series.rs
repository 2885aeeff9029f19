//! How an event repeats (every N weeks on its weekday, or every N months on
//! the same weekday of the month, such as the second Tuesday or the last
//! Friday), parsed once, and the dates it gives: each computed as a wall
//! clock in the event's own time zone, so a 10:00 walk stays 10:00 across
//! daylight-saving changes.

use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use super::event::{NewEvent, zoned_millis};
use crate::error::{ApiError, FieldError};

/// The most dates one series has (a year of weekly walks).
pub const MAX_OCCURRENCES: usize = 52;
/// The longest gap between two dates, in weeks or months.
pub const MAX_INTERVAL: u8 = 12;

/// Weekly or monthly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// On the first date's weekday, every `interval` weeks.
    Weekly,
    /// On the same weekday of the month as the first date (the second
    /// Tuesday, or the last Friday with `last`), every `interval` months.
    Monthly,
}

text_enum!(Frequency { Weekly => "weekly", Monthly => "monthly" });

/// How a new event repeats, as an organiser asks for it: give `count` or `until`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatDraft {
    pub frequency: Frequency,
    /// Every this many weeks or months (1-12; 1 when left out).
    #[serde(default)]
    pub interval: Option<u8>,
    /// Monthly only: on the last such weekday of the month (the first date must be one).
    #[serde(default)]
    pub last: bool,
    /// How many dates, the first included (2-52).
    #[serde(default)]
    pub count: Option<u16>,
    /// The last day a date may fall on, `YYYY-MM-DD` in the event's time zone (at most 52 dates).
    #[serde(default)]
    pub until: Option<String>,
}

/// A checked rule: what the series' row stores and iCalendar's RRULE says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    pub frequency: Frequency,
    pub interval: i32,
    /// Monthly: the weekday's place in the month, 1 to 4, or -1 for the last.
    pub week_of_month: Option<i8>,
}

/// One date of a series: its wall-clock times and the instants they name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub starts_local: String,
    pub ends_local: String,
    /// UTC, milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A rule and every date it gives, the first event's own first.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub rule: Recurrence,
    pub dates: Vec<Occurrence>,
}

fn problem(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::invalid_fields("invalid_event", vec![FieldError { field: field.into(), message: message.into() }])
}

impl RepeatDraft {
    /// Checks the rule against the first event (already checked) and lists its dates.
    pub fn parse(self, first: &NewEvent) -> Result<Schedule, ApiError> {
        let interval = self.interval.unwrap_or(1);
        if !(1..=MAX_INTERVAL).contains(&interval) {
            return Err(problem("repeat.interval", format!("Repeat every 1 to {MAX_INTERVAL} weeks or months.")));
        }
        let start: DateTime = first.starts_local.parse().map_err(|_| ApiError::internal("a checked start"))?;
        let week_of_month = match self.frequency {
            Frequency::Weekly if self.last => {
                return Err(problem("repeat.last", "Only a monthly event repeats on the last weekday of the month."));
            }
            Frequency::Weekly => None,
            Frequency::Monthly => Some(week_of_month(start.date(), self.last)?),
        };
        let rule = Recurrence { frequency: self.frequency, interval: i32::from(interval), week_of_month };
        let zone = TimeZone::get(&first.time_zone).map_err(|_| ApiError::internal("a checked time zone"))?;
        let end: DateTime = first.ends_local.parse().map_err(|_| ApiError::internal("a checked end"))?;
        let until = match (self.count, self.until.as_deref().map(str::trim)) {
            (Some(count), None) if (2..=MAX_OCCURRENCES).contains(&usize::from(count)) => None,
            (Some(_), None) => {
                return Err(problem("repeat.count", format!("A repeating event has 2 to {MAX_OCCURRENCES} dates.")));
            }
            (None, Some(until)) => {
                Some(until.parse::<Date>().ok().filter(|until| *until > start.date()).ok_or_else(|| {
                    problem("repeat.until", "Give the last date as YYYY-MM-DD, after the first date.")
                })?)
            }
            _ => return Err(problem("repeat.count", "Say how many dates (count) or the last date (until), not both.")),
        };
        let wanted = self.count.map_or(MAX_OCCURRENCES + 1, usize::from);
        let mut dates = Vec::new();
        for step in 0.. {
            let Some(day) = rule.nth_date(start.date(), step) else { break };
            if dates.len() == wanted || until.is_some_and(|until| day > until) {
                break;
            }
            if dates.len() == MAX_OCCURRENCES {
                return Err(problem(
                    "repeat.until",
                    format!("A repeating event has at most {MAX_OCCURRENCES} dates: choose an earlier last date."),
                ));
            }
            dates.push(occurrence(day.to_datetime(start.time()), start, end, &zone)?);
        }
        Ok(Schedule { rule, dates })
    }
}

/// The first date's place in its month: the second Tuesday is 2; the last Friday, with `last`, is -1.
fn week_of_month(day: Date, last: bool) -> Result<i8, ApiError> {
    if last {
        if day.day() + 7 <= day.days_in_month() {
            return Err(problem("repeat.last", "The first date is not the last such weekday of its month."));
        }
        return Ok(-1);
    }
    match (day.day() - 1) / 7 + 1 {
        5 => Err(problem(
            "repeat.last",
            "The fifth weekday of a month is not in every month: repeat on the last one (last) instead.",
        )),
        nth => Ok(nth),
    }
}

/// One date at `starts`, lasting as long on the wall clock as the first.
fn occurrence(starts: DateTime, first: DateTime, first_end: DateTime, zone: &TimeZone) -> Result<Occurrence, ApiError> {
    let out_of_range = || problem("repeat.until", "A date of this series falls outside the years 2000 to 2100.");
    let ends = starts.checked_add(first_end.duration_since(first)).map_err(|_| out_of_range())?;
    Ok(Occurrence {
        starts_local: starts.strftime("%Y-%m-%dT%H:%M").to_string(),
        ends_local: ends.strftime("%Y-%m-%dT%H:%M").to_string(),
        starts_at: zoned_millis(starts, zone).ok_or_else(out_of_range)?,
        ends_at: zoned_millis(ends, zone).ok_or_else(out_of_range)?,
    })
}

impl Recurrence {
    /// Reads a series' stored rule.
    pub fn from_stored(frequency: &str, interval: i32, week_of_month: Option<i32>) -> Result<Self, ApiError> {
        let week_of_month = week_of_month
            .map(|week| i8::try_from(week).map_err(|_| ApiError::internal("a week of the month out of range")))
            .transpose()?;
        Ok(Self { frequency: Frequency::from_stored(frequency)?, interval, week_of_month })
    }

    /// The `step`th date from `first` (the 0th is `first`), if the calendar has it.
    fn nth_date(&self, first: Date, step: i32) -> Option<Date> {
        match (self.frequency, self.week_of_month) {
            (Frequency::Monthly, Some(nth)) => {
                let month = first.first_of_month().checked_add((step * self.interval).months()).ok()?;
                month.nth_weekday_of_month(nth, first.weekday()).ok()
            }
            _ => first.checked_add((step * self.interval * 7).days()).ok(),
        }
    }

    /// iCalendar's RRULE value for `count` dates starting on `first` (a weekday).
    pub fn rrule(&self, first: Date, count: i32) -> String {
        let day = match first.weekday() {
            Weekday::Monday => "MO",
            Weekday::Tuesday => "TU",
            Weekday::Wednesday => "WE",
            Weekday::Thursday => "TH",
            Weekday::Friday => "FR",
            Weekday::Saturday => "SA",
            Weekday::Sunday => "SU",
        };
        match (self.frequency, self.week_of_month) {
            (Frequency::Monthly, Some(nth)) => {
                format!("FREQ=MONTHLY;INTERVAL={};BYDAY={nth}{day};COUNT={count}", self.interval)
            }
            _ => format!("FREQ=WEEKLY;INTERVAL={};BYDAY={day};COUNT={count}", self.interval),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::EventDraft;

    fn first(starts: &str, ends: &str) -> NewEvent {
        let draft: EventDraft = serde_json::from_value(serde_json::json!({
            "title": "Weekly walk", "starts": starts, "ends": ends, "time_zone": "Europe/London",
            "place": { "name": "Walsall Arboretum" },
        }))
        .expect("a draft");
        draft.parse(None).expect("a valid event")
    }

    fn repeat(value: serde_json::Value) -> RepeatDraft {
        serde_json::from_value(value).expect("a rule")
    }

    #[test]
    fn a_weekly_walk_keeps_its_wall_clock_across_the_uk_clock_change() {
        let walk = first("2026-03-22T10:00", "2026-03-22T12:00");
        let schedule = repeat(serde_json::json!({ "frequency": "weekly", "count": 3 })).parse(&walk).expect("valid");
        let starts: Vec<_> = schedule.dates.iter().map(|date| (date.starts_local.as_str(), date.starts_at)).collect();
        // 10:00 GMT, then 10:00 BST (09:00 UTC) from 29 March.
        assert_eq!(
            starts,
            [
                ("2026-03-22T10:00", 1_774_173_600_000),
                ("2026-03-29T10:00", 1_774_774_800_000),
                ("2026-04-05T10:00", 1_775_379_600_000)
            ]
        );
        assert_eq!(schedule.dates[1].ends_local, "2026-03-29T12:00");
        assert_eq!(schedule.rule.rrule(Date::constant(2026, 3, 22), 3), "FREQ=WEEKLY;INTERVAL=1;BYDAY=SU;COUNT=3");
    }

    #[test]
    fn monthly_by_weekday_finds_the_second_tuesday_and_the_last_friday() {
        let second = first("2026-01-13T18:30", "2026-01-13T20:00");
        let schedule = repeat(serde_json::json!({ "frequency": "monthly", "until": "2026-04-30" })).parse(&second);
        let days: Vec<_> = schedule.expect("valid").dates.into_iter().map(|date| date.starts_local).collect();
        assert_eq!(days, ["2026-01-13T18:30", "2026-02-10T18:30", "2026-03-10T18:30", "2026-04-14T18:30"]);

        let last = first("2026-01-30T10:00", "2026-01-30T11:00");
        let schedule =
            repeat(serde_json::json!({ "frequency": "monthly", "last": true, "interval": 2, "count": 3 })).parse(&last);
        let schedule = schedule.expect("valid");
        let days: Vec<_> = schedule.dates.iter().map(|date| date.starts_local.as_str()).collect();
        assert_eq!(days, ["2026-01-30T10:00", "2026-03-27T10:00", "2026-05-29T10:00"]);
        assert_eq!(schedule.rule.rrule(Date::constant(2026, 1, 30), 3), "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=3");
    }

    #[test]
    fn a_series_is_bounded_and_its_rule_checked() {
        let walk = first("2026-01-03T10:00", "2026-01-03T12:00");
        let refused = |value| repeat(value).parse(&walk).expect_err("refused").message().to_owned();
        assert!(refused(serde_json::json!({ "frequency": "weekly", "count": 53 })).contains("2 to 52 dates"));
        assert!(refused(serde_json::json!({ "frequency": "weekly", "count": 1 })).contains("2 to 52 dates"));
        assert!(refused(serde_json::json!({ "frequency": "weekly" })).contains("not both"));
        assert!(refused(serde_json::json!({ "frequency": "weekly", "until": "2027-01-09" })).contains("at most 52"));
        assert!(
            refused(serde_json::json!({ "frequency": "weekly", "until": "2025-12-01" })).contains("after the first")
        );
        let too_far = serde_json::json!({ "frequency": "weekly", "interval": 13, "count": 2 });
        assert!(refused(too_far).contains("1 to 12"));
        assert!(
            refused(serde_json::json!({ "frequency": "monthly", "last": true, "count": 2 })).contains("not the last")
        );
        let year = repeat(serde_json::json!({ "frequency": "weekly", "until": "2026-12-26" })).parse(&walk);
        assert_eq!(year.expect("52 dates fit").dates.len(), MAX_OCCURRENCES);
        let fifth = first("2026-01-31T10:00", "2026-01-31T12:00");
        let refused = repeat(serde_json::json!({ "frequency": "monthly", "count": 2 })).parse(&fifth);
        assert!(refused.expect_err("no fifth Saturday every month").message().contains("last one"));
    }
}
