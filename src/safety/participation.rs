//! Whether a member may take part somewhere right now, given the sanctions
//! in force on them: the one check every kind of writing goes through.

use actix_web::http::StatusCode;

use crate::db::AnyConnection;
use crate::db::sanctions::{self, SanctionRow};
use crate::domain::joining::ApplicationStatus;
use crate::domain::moderation::SanctionKind;
use crate::domain::time::Timestamp;
use crate::error::{ApiError, ApiResult};

/// Where a member wants to write.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub community_id: i64,
    /// Set for a chat message.
    pub room_id: Option<i64>,
}

fn until_text(row: &SanctionRow) -> String {
    match row.ends_at {
        Some(ends_at) => format!("until {}", Timestamp(ends_at).to_rfc3339()),
        None => "until a moderator lifts it".to_owned(),
    }
}

fn refusal(code: &'static str, what: &str, row: &SanctionRow) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, format!("{what} {}. Reason given: {}", until_text(row), row.reason))
}

/// Refuses a member who is suspended or banned from the instance.
pub fn ensure_active(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    check(&sanctions::in_force(connection, user_id)?, None)
}

/// Refuses a member who may not write in `place`, and anyone in an archived community.
pub fn ensure_may_write(connection: &mut AnyConnection, user_id: i64, place: Place) -> ApiResult<()> {
    crate::db::communities::ensure_open(connection, place.community_id)?;
    check(&sanctions::in_force(connection, user_id)?, Some(place))
}

/// Refuses joining a community the member is banned from (or while suspended).
pub fn ensure_may_join(connection: &mut AnyConnection, user_id: i64, community_id: i64) -> ApiResult<()> {
    let barring = of_kinds(sanctions::in_force(connection, user_id)?, &[SanctionKind::Ban, SanctionKind::Suspension])?;
    check(&barring, Some(Place { community_id, room_id: None }))
}

/// Refuses signing in to an account banned from the instance, or whose
/// application to join is waiting or was declined. (A suspended member may
/// sign in, to read and to appeal.)
pub fn ensure_may_sign_in(connection: &mut AnyConnection, user_id: i64) -> ApiResult<()> {
    match crate::db::applications::of(connection, user_id)? {
        Some((ApplicationStatus::Pending, _)) => {
            return Err(ApiError::forbidden_because(
                "application_pending",
                "Your application to join is waiting for an admin. You can sign in once it is accepted.",
            ));
        }
        Some((ApplicationStatus::Declined, message)) => {
            let reason = message.map(|message| format!(" They said: {message}")).unwrap_or_default();
            return Err(ApiError::forbidden_because(
                "application_declined",
                format!("Your application to join was not accepted.{reason}"),
            ));
        }
        _ => {}
    }
    check(&of_kinds(sanctions::in_force(connection, user_id)?, &[SanctionKind::Ban])?, None)
}

fn of_kinds(rows: Vec<SanctionRow>, kinds: &[SanctionKind]) -> ApiResult<Vec<SanctionRow>> {
    let mut kept = Vec::new();
    for row in rows {
        if kinds.contains(&row.kind()?) {
            kept.push(row);
        }
    }
    Ok(kept)
}

fn check(in_force: &[SanctionRow], place: Option<Place>) -> ApiResult<()> {
    for row in in_force {
        let kind = row.kind()?;
        let applies_here = match (row.community_id, place) {
            (None, _) => true,
            (Some(community), Some(place)) => {
                community == place.community_id && (row.room_id.is_none() || row.room_id == place.room_id)
            }
            (Some(_), None) => false,
        };
        if !applies_here {
            continue;
        }
        match (kind, row.community_id, row.room_id) {
            (SanctionKind::Warning, ..) => {}
            (SanctionKind::Suspension, ..) => {
                return Err(refusal("suspended", "Your account is suspended", row));
            }
            (SanctionKind::Ban, None, _) => return Err(refusal("banned", "Your account is banned", row)),
            (SanctionKind::Ban, Some(_), _) => {
                return Err(refusal("banned", "You are banned from this community", row));
            }
            (SanctionKind::Mute, None, _) => return Err(refusal("muted", "You are muted everywhere", row)),
            (SanctionKind::Mute, Some(_), None) => {
                return Err(refusal("muted", "A moderator has muted you in this community", row));
            }
            (SanctionKind::Mute, Some(_), Some(_)) => {
                return Err(refusal("muted", "A moderator has muted you in this room", row));
            }
        }
    }
    Ok(())
}
