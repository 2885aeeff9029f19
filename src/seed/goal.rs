//! A goal with many contributors: members `member-1` to `member-N` (made
//! by `kindred admin seed`) join the community, pledge and log one to three
//! entries each, through the same storage calls the API makes.

use crate::db::goals as store;
use crate::db::{AnyConnection, communities, users};
use crate::domain::community::CommunityRole;
use crate::domain::goal::{Amount, GoalDraft, day_of, day_text};
use crate::domain::time::Timestamp;

use super::Dice;

/// Sets a goal in `slug` by `author` and has `contributors` seeded members
/// pledge and log to it; returns the goal's id.
pub fn seed_goal(
    connection: &mut AnyConnection,
    slug: &str,
    author: &str,
    contributors: u32,
    seed: u64,
) -> anyhow::Result<i64> {
    let mut dice = Dice::new(seed);
    let draft = GoalDraft {
        title: "A million steps together".into(),
        unit: "steps".into(),
        target: 10_000_000,
        ends_on: day_text(day_of(Timestamp::now()) + 300),
        counts_recruits: false,
    };
    let new = draft.parse(Timestamp::now()).map_err(|error| anyhow::anyhow!("{error}"))?;
    crate::admin::in_transaction(connection, |connection| {
        let community_id = communities::by_slug(connection, slug)?.id;
        let author_id = users::id_by_username(connection, author)?;
        let goal = store::create(connection, community_id, author_id, &new)?;
        for number in 1..=contributors {
            let member = users::id_by_username(connection, &format!("member-{number}"))?;
            communities::set_role(connection, community_id, member, CommunityRole::Member)?;
            store::pledge(connection, goal.id, member)?;
            for _ in 0..=dice.roll(3) {
                store::log(connection, goal.id, member, Amount::parse(1 + dice.roll(5_000) as i64)?)?;
            }
        }
        Ok(goal.id)
    })
}
