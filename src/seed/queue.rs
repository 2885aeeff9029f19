//! An open moderation queue of any size, with a realistic mix of urgent,
//! held and reported items.

use crate::db::posts::Which;
use crate::db::queue::{self, ItemSubject, Pressure};
use crate::db::{AnyConnection, communities, posts, threads, users};
use crate::discussion::heads;
use crate::domain::moderation::Subject;

use super::{Dice, content};

/// Adds a thread of `items` posts by `author` to the community `slug`,
/// each with an open queue item: about 2% urgent, 10% held, the rest
/// reported one to five times.
pub fn seed_queue(
    connection: &mut AnyConnection,
    slug: &str,
    author: &str,
    items: u32,
    seed: u64,
) -> anyhow::Result<()> {
    let mut dice = Dice::new(seed);
    crate::admin::in_transaction(connection, |connection| {
        let community_id = communities::by_slug(connection, slug)?.id;
        let author_id = users::id_by_username(connection, author)?;
        let (thread_id, _) =
            threads::create(connection, community_id, author_id, "Seeded queue".into(), content("first")?)?;
        let parent = posts::first_of(connection, thread_id)?;
        heads::refresh(connection, Which::Post(parent.id))?;
        for n in 0..items {
            let post_id =
                posts::insert(connection, thread_id, Some(&parent), author_id, content(&format!("item {n}"))?)?.id;
            heads::refresh(connection, Which::Post(post_id))?;
            let urgent = dice.roll(50) == 0;
            let held = !urgent && dice.roll(10) == 0;
            let reports = if urgent || held { 0 } else { 1 + dice.roll(5) as i32 };
            let pressure = Pressure {
                urgent,
                held,
                screening: None,
                reports,
                weight: if held { queue::HELD_WEIGHT } else { reports * (1 + dice.roll(3) as i32) },
            };
            let subject = ItemSubject { kind: Subject::Post, id: post_id, community_id: Some(community_id), author_id };
            queue::raise(connection, subject, pressure)?;
        }
        Ok(())
    })
}
