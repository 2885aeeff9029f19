//! Types that carry proof: each is parsed once at the edge, and code past
//! the edge never checks it again.

pub mod account;
pub mod badge;
pub mod chat;
pub mod community;
pub mod consultation;
pub mod device;
pub mod directory;
pub mod discussion;
pub mod event;
pub mod event_series;
pub mod following;
pub mod goal;
pub mod hsds;
pub mod instance;
pub mod joining;
pub mod mail;
pub mod moderation;
pub mod search;
pub mod story;
pub mod time;
pub mod visible;

use unicode_segmentation::UnicodeSegmentation;

/// Trims `text` and checks it has `min..=max` graphemes, no control
/// characters and nothing that hides what it shows (see [`visible`]);
/// `what` names the field in the error sentence.
fn checked_text(
    text: &str,
    code: &'static str,
    what: &str,
    min: usize,
    max: usize,
) -> Result<String, crate::error::ApiError> {
    let trimmed = text.trim();
    let length = trimmed.graphemes(true).count();
    if length < min || length > max {
        return Err(crate::error::ApiError::invalid(
            code,
            format!("{what} must be between {min} and {max} characters long."),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(crate::error::ApiError::invalid(code, format!("{what} cannot contain control characters.")));
    }
    if let Some(problem) = visible::problem(trimmed) {
        return Err(crate::error::ApiError::invalid(code, format!("{what} {problem}")));
    }
    Ok(trimmed.to_owned())
}

/// Refuses a NUL in a longer text (a post, a message, a note): it has no
/// meaning in writing, and PostgreSQL cannot store one.
fn refuse_nul(text: &str, code: &'static str, what: &str) -> Result<(), crate::error::ApiError> {
    if text.contains('\0') {
        return Err(crate::error::ApiError::invalid(code, format!("{what} cannot contain a NUL character.")));
    }
    Ok(())
}
