//! Trust levels, earned by time since joining and posts made, and lost for
//! a while after any sanction: new members get the closest watch.

use diesel::prelude::*;

use crate::config::Settings;
use crate::db::AnyConnection;
use crate::db::sanctions;
use crate::db::schema::{posts, users};
use crate::domain::moderation::ContentState;
use crate::domain::time::Timestamp;
use crate::error::ApiResult;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// 0 new, 1 member, 2 regular, 3 trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TrustLevel(pub u8);

impl TrustLevel {
    pub const NEW: TrustLevel = TrustLevel(0);
}

/// What a member's trust is earned from.
#[derive(Debug, Clone, Copy)]
pub struct Record {
    pub days_since_joining: i64,
    pub posts: i64,
    pub days_since_sanction: Option<i64>,
}

/// The level a record earns under the instance's thresholds.
pub fn level(record: Record, settings: &Settings) -> TrustLevel {
    if record.days_since_sanction.is_some_and(|days| days < i64::from(settings.trust_sanction_days)) {
        return TrustLevel::NEW;
    }
    let thresholds = [
        (settings.trust_trusted_days, settings.trust_trusted_posts, 3),
        (settings.trust_regular_days, settings.trust_regular_posts, 2),
        (settings.trust_member_days, settings.trust_member_posts, 1),
    ];
    thresholds
        .into_iter()
        .find(|(days, posts, _)| record.days_since_joining >= i64::from(*days) && record.posts >= i64::from(*posts))
        .map_or(TrustLevel::NEW, |(_, _, level)| TrustLevel(level))
}

/// A member's visible posts, optionally in one community, counted up to
/// `enough`: every caller compares them with a threshold, and a prolific
/// member's posts would otherwise be counted one by one on each new post.
pub fn visible_posts(
    connection: &mut AnyConnection,
    user_id: i64,
    community_id: Option<i64>,
    enough: i64,
) -> ApiResult<i64> {
    let mut query = posts::table
        .inner_join(crate::db::schema::threads::table)
        .filter(posts::author_id.eq(user_id))
        .filter(posts::moderation_state.eq(ContentState::Visible.as_str()))
        .filter(posts::deleted_at.is_null())
        .into_boxed();
    if let Some(community_id) = community_id {
        query = query.filter(crate::db::schema::threads::community_id.eq(community_id));
    }
    let counted: Vec<i64> = query.select(posts::id).limit(enough.max(0)).load(connection)?;
    Ok(counted.len() as i64)
}

/// A member's trust level now.
pub fn of_member(connection: &mut AnyConnection, user_id: i64, settings: &Settings) -> ApiResult<TrustLevel> {
    let now = Timestamp::now().0;
    let joined: i64 = users::table.find(user_id).select(users::created_at).first(connection)?;
    let record = Record {
        days_since_joining: (now - joined) / DAY_MS,
        posts: visible_posts(connection, user_id, None, most_posts_asked(settings))?,
        days_since_sanction: sanctions::latest_at(connection, user_id)?.map(|at| (now - at) / DAY_MS),
    };
    Ok(level(record, settings))
}

/// The most posts any trust level asks for: counting further changes nothing.
fn most_posts_asked(settings: &Settings) -> i64 {
    [settings.trust_member_posts, settings.trust_regular_posts, settings.trust_trusted_posts]
        .into_iter()
        .max()
        .map_or(0, i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(days: i64, posts: i64, sanctioned: Option<i64>) -> Record {
        Record { days_since_joining: days, posts, days_since_sanction: sanctioned }
    }

    #[test]
    fn levels_follow_the_thresholds_and_a_recent_sanction_resets_them() {
        let settings = Settings::default();
        let table = [
            (record(0, 0, None), 0),
            (record(0, 50, None), 0),
            (record(1, 3, None), 1),
            (record(30, 29, None), 1),
            (record(30, 30, None), 2),
            (record(90, 100, None), 3),
            (record(400, 1000, Some(5)), 0),
            (record(400, 1000, Some(31)), 3),
        ];
        for (record, expected) in table {
            assert_eq!(level(record, &settings), TrustLevel(expected), "{record:?}");
        }
    }
}
