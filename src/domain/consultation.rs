//! A consultation's rules that need no database: how a new one is checked,
//! the statuses a response can carry, and which stage it is at on a given
//! day (open, awaiting responses, overdue, responded), the stage everyone
//! sees, so the institution's accountability shows without anyone's say.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::community::text_enum;
use super::time::Timestamp;
use crate::error::{ApiError, FieldError};

/// Fewest and most supports an answer may need before a response is owed.
pub const SUPPORT_THRESHOLDS: std::ops::RangeInclusive<i32> = 1..=10_000;
/// The threshold when the institution does not choose one.
pub const DEFAULT_SUPPORT_THRESHOLD: i32 = 3;
/// Longest a consultation may stay open, and longest its response may wait
/// after closing (a year each): a date beyond is almost surely a typing slip.
const LONGEST_WAIT_MILLIS: i64 = 366 * 24 * 60 * 60 * 1000;

/// How the institution stands on one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseStatus {
    Adopted,
    InProgress,
    Done,
    /// Needs a reason, which is the response's text.
    NotTakenForward,
}

text_enum!(ResponseStatus {
    Adopted => "adopted",
    InProgress => "in_progress",
    Done => "done",
    NotTakenForward => "not_taken_forward",
});

/// Where a consultation is, as everyone sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Taking answers and supports until it closes.
    Open,
    /// Closed; the response date has not passed and responses are owed.
    AwaitingResponses,
    /// The response date has passed with responses still owed.
    Overdue,
    /// Every answer that reached the threshold has a response.
    Responded,
}

impl Stage {
    /// The stage at `now` of a consultation with these dates, given how many
    /// answers reached the threshold without a response.
    pub fn at(now: Timestamp, closes_at: i64, respond_by: i64, owed: usize) -> Stage {
        if now.0 < closes_at {
            Stage::Open
        } else if owed == 0 {
            Stage::Responded
        } else if now.0 < respond_by {
            Stage::AwaitingResponses
        } else {
            Stage::Overdue
        }
    }
}

/// The dates and threshold of a new consultation, checked together so a form
/// can show every wrong field at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timetable {
    pub closes_at: i64,
    pub respond_by: i64,
    pub support_threshold: i32,
}

impl Timetable {
    pub fn parse(
        now: Timestamp,
        closes_at: &str,
        respond_by: &str,
        support_threshold: Option<i32>,
    ) -> Result<Timetable, Vec<FieldError>> {
        let mut wrong = Vec::new();
        let mut moment = |field: &str, text: &str| {
            let parsed = Timestamp::parse_rfc3339(text.trim());
            if parsed.is_none() {
                wrong.push(FieldError {
                    field: field.to_owned(),
                    message: String::from("Enter a date and time, such as 2027-03-31T17:00:00Z."),
                });
            }
            parsed
        };
        let (closes, respond) = (moment("closes_at", closes_at), moment("respond_by", respond_by));
        if let Some(closes) = closes
            && (closes.0 <= now.0 || closes.0 - now.0 > LONGEST_WAIT_MILLIS)
        {
            wrong.push(FieldError {
                field: String::from("closes_at"),
                message: String::from("The closing date must be in the future and within a year."),
            });
        }
        if let (Some(closes), Some(respond)) = (closes, respond)
            && (respond.0 < closes.0 || respond.0 - closes.0 > LONGEST_WAIT_MILLIS)
        {
            wrong.push(FieldError {
                field: String::from("respond_by"),
                message: String::from(
                    "The response date must be on or after the closing date, and within a year of it.",
                ),
            });
        }
        let support_threshold = support_threshold.unwrap_or(DEFAULT_SUPPORT_THRESHOLD);
        if !SUPPORT_THRESHOLDS.contains(&support_threshold) {
            wrong.push(FieldError {
                field: String::from("support_threshold"),
                message: format!(
                    "The support threshold must be a whole number from {} to {}.",
                    SUPPORT_THRESHOLDS.start(),
                    SUPPORT_THRESHOLDS.end()
                ),
            });
        }
        match (closes, respond) {
            (Some(closes), Some(respond)) if wrong.is_empty() => {
                Ok(Timetable { closes_at: closes.0, respond_by: respond.0, support_threshold })
            }
            _ => Err(wrong),
        }
    }
}

/// A response's text: required for every status (for "not taken forward" it
/// is the reason), at most `MAX_RESPONSE_CHARS`.
pub fn check_response(status: ResponseStatus, text: &str) -> Result<(), ApiError> {
    let length = text.trim().chars().count();
    if length == 0 {
        let message = match status {
            ResponseStatus::NotTakenForward => "Say why this answer is not being taken forward.",
            _ => "Say what the organisation is doing about this answer.",
        };
        return Err(ApiError::invalid("response_needs_text", message));
    }
    if length > MAX_RESPONSE_CHARS {
        return Err(ApiError::invalid(
            "response_too_long",
            format!("A response can be at most {MAX_RESPONSE_CHARS} characters long."),
        ));
    }
    Ok(())
}

/// Longest response or update, in characters of Markdown.
pub const MAX_RESPONSE_CHARS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 60 * 60 * 1000;

    #[test]
    fn the_stage_follows_the_dates_and_what_is_owed() {
        let (closes, respond) = (10 * DAY, 20 * DAY);
        assert_eq!(Stage::at(Timestamp(DAY), closes, respond, 3), Stage::Open);
        assert_eq!(Stage::at(Timestamp(DAY), closes, respond, 0), Stage::Open);
        assert_eq!(Stage::at(Timestamp(15 * DAY), closes, respond, 2), Stage::AwaitingResponses);
        assert_eq!(Stage::at(Timestamp(15 * DAY), closes, respond, 0), Stage::Responded);
        assert_eq!(Stage::at(Timestamp(20 * DAY), closes, respond, 1), Stage::Overdue);
        assert_eq!(Stage::at(Timestamp(30 * DAY), closes, respond, 0), Stage::Responded);
    }

    #[test]
    fn a_timetable_lists_every_wrong_field_at_once() {
        let now = Timestamp::parse_rfc3339("2027-01-01T00:00:00Z").expect("a moment");
        let wrong = Timetable::parse(now, "2026-12-01T00:00:00Z", "soon", Some(0)).expect_err("three mistakes");
        let fields: Vec<&str> = wrong.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["respond_by", "closes_at", "support_threshold"]);
        let backwards = Timetable::parse(now, "2027-02-01T00:00:00Z", "2027-01-15T00:00:00Z", None);
        assert_eq!(backwards.expect_err("respond before closing")[0].field, "respond_by");
        let good = Timetable::parse(now, "2027-02-01T00:00:00+01:00", "2027-03-01T00:00:00Z", None).expect("good");
        assert_eq!(good.support_threshold, DEFAULT_SUPPORT_THRESHOLD);
        assert_eq!(good.closes_at, Timestamp::parse_rfc3339("2027-01-31T23:00:00Z").expect("a moment").0);
    }

    #[test]
    fn a_reason_is_required_to_not_take_an_answer_forward() {
        assert_eq!(
            check_response(ResponseStatus::NotTakenForward, "  ").expect_err("no reason").code(),
            "response_needs_text"
        );
        assert!(check_response(ResponseStatus::NotTakenForward, "The budget is set until 2028.").is_ok());
        assert!(check_response(ResponseStatus::Adopted, &"x".repeat(MAX_RESPONSE_CHARS + 1)).is_err());
    }
}
