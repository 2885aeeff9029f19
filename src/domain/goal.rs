//! A community's shared goal as its organisers set it ("1,000 walks logged
//! by 31 May"), parsed once here, a member's logged amount, and the
//! milestones (quarters of the target) pledgers are told of.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Timestamp;
use crate::error::{ApiError, FieldError};

/// The largest target a goal may set.
pub const MAX_TARGET: i64 = 10_000_000;
/// The most one entry may log.
pub const MAX_ENTRY: i64 = 10_000;
/// How far ahead a goal may end, in days (a date beyond is almost surely a slip).
pub const MAX_DAYS_AHEAD: i64 = 3 * 366;
/// The unit a goal counting recruits is measured in.
pub const RECRUITS_UNIT: &str = "people brought in";
const DAY_MILLIS: i64 = 86_400_000;

/// A goal as an organiser writes it (creating or editing: the whole goal).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalDraft {
    /// What the community sets out to do: 3-120 characters.
    pub title: String,
    /// What is counted, e.g. `walks` (1-40 characters). Ignored for a goal counting recruits.
    #[serde(default)]
    pub unit: String,
    /// The number to reach: 1-10,000,000.
    pub target: i64,
    /// The last day of the goal, `YYYY-MM-DD` (UTC), today or later and within three years.
    pub ends_on: String,
    /// Counts recruits: members who joined through a pledger's invitation
    /// link while the goal runs, instead of amounts members log. Fixed once set.
    #[serde(default)]
    pub counts_recruits: bool,
}

/// A checked goal, ready to store.
#[derive(Debug, Clone)]
pub struct NewGoal {
    pub title: String,
    pub unit: String,
    pub target: i64,
    pub ends_on: String,
    /// The first instant after the last day (UTC, milliseconds).
    pub ends_at: i64,
    pub counts_recruits: bool,
}

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

/// The day an instant falls on (days since 1970-01-01, UTC).
pub fn day_of(at: Timestamp) -> i64 {
    at.0.div_euclid(DAY_MILLIS)
}

/// A day number written as `YYYY-MM-DD`.
pub fn day_text(day: i64) -> String {
    jiff::Timestamp::from_millisecond(day.saturating_mul(DAY_MILLIS))
        .map(|at| at.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

impl GoalDraft {
    /// Checks every field at once (each wrong one listed with its own sentence).
    pub fn parse(self, now: Timestamp) -> Result<NewGoal, ApiError> {
        let mut problems = Vec::new();
        let title = super::checked_text(&self.title, "invalid_goal", "A title", 3, 120)
            .map_err(|error| problems.push(problem("title", error.message())))
            .unwrap_or_default();
        let unit = if self.counts_recruits {
            RECRUITS_UNIT.to_owned()
        } else {
            super::checked_text(&self.unit, "invalid_goal", "A unit", 1, 40)
                .map_err(|error| problems.push(problem("unit", error.message())))
                .unwrap_or_default()
        };
        if !(1..=MAX_TARGET).contains(&self.target) {
            problems.push(problem("target", format!("The target must be a whole number from 1 to {MAX_TARGET}.")));
        }
        let today = day_of(now);
        let last_day = self
            .ends_on
            .trim()
            .parse::<Date>()
            .ok()
            .and_then(|date| date.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|zoned| day_of(Timestamp(zoned.timestamp().as_millisecond())));
        match last_day {
            None => problems.push(problem("ends_on", "Give the end date as a date, such as 2027-05-31.")),
            Some(day) if day < today => problems.push(problem("ends_on", "The end date can't be in the past.")),
            Some(day) if day > today + MAX_DAYS_AHEAD => {
                problems.push(problem("ends_on", "A goal can run for at most three years."))
            }
            Some(_) => {}
        }
        match (problems.is_empty(), last_day) {
            (true, Some(day)) => Ok(NewGoal {
                title,
                unit,
                target: self.target,
                ends_on: day_text(day),
                ends_at: (day + 1) * DAY_MILLIS,
                counts_recruits: self.counts_recruits,
            }),
            _ => Err(ApiError::invalid_fields("invalid_goal", problems)),
        }
    }
}

/// An amount a member logs against a goal: 1 to [`MAX_ENTRY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(i64);

impl Amount {
    pub fn parse(amount: i64) -> Result<Self, ApiError> {
        if (1..=MAX_ENTRY).contains(&amount) {
            Ok(Self(amount))
        } else {
            Err(ApiError::invalid_fields(
                "invalid_amount",
                vec![problem("amount", format!("Log a whole number from 1 to {MAX_ENTRY}."))],
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Where a goal stands, as everyone sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GoalState {
    /// Taking pledges and entries.
    Open,
    /// Past its end date.
    Ended,
    /// Closed early by an organiser.
    Closed,
}

impl GoalState {
    pub fn at(now: Timestamp, ends_at: i64, closed_at: Option<i64>) -> Self {
        if closed_at.is_some() {
            Self::Closed
        } else if now.0 >= ends_at {
            Self::Ended
        } else {
            Self::Open
        }
    }

    /// Refuses pledging, logging and undoing once the goal is over.
    pub fn ensure_open(self) -> Result<(), ApiError> {
        match self {
            Self::Open => Ok(()),
            Self::Ended => Err(ApiError::conflict("goal_ended", "This goal has ended.")),
            Self::Closed => Err(ApiError::conflict("goal_closed", "This goal is closed.")),
        }
    }
}

/// How many quarters of `target` (25, 50, 75, 100%) `total` has reached: 0-4.
pub fn quarters(total: i64, target: i64) -> i32 {
    if target <= 0 {
        return 0;
    }
    let reached = i128::from(total.max(0)) * 4 / i128::from(target);
    reached.min(4) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_count_whole_quarters_of_the_target_and_stop_at_four() {
        let table = [(0, 1000, 0), (249, 1000, 0), (250, 1000, 1), (749, 1000, 2), (1000, 1000, 4), (5000, 1000, 4)];
        for (total, target, expected) in table {
            assert_eq!(quarters(total, target), expected, "{total}/{target}");
        }
        assert_eq!(quarters(1, 3), 1);
        assert_eq!(quarters(i64::MAX, 1), 4);
    }

    #[test]
    fn a_goal_ends_after_its_last_day_and_refuses_a_day_in_the_past() {
        let now = Timestamp(1_780_000_000_000);
        let today = day_text(day_of(now));
        let draft = |ends_on: &str| GoalDraft {
            title: "Walks".into(),
            unit: "walks".into(),
            target: 100,
            ends_on: ends_on.into(),
            counts_recruits: false,
        };
        let goal = draft(&today).parse(now).expect("today is fine");
        assert_eq!(goal.ends_at, (day_of(now) + 1) * DAY_MILLIS);
        assert!(draft(&day_text(day_of(now) - 1)).parse(now).is_err());
        assert!(draft("31 May").parse(now).is_err());
    }
}
