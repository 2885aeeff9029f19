//! Benchmark data made inside the database (bench builds only): an open
//! moderation queue of any size, with a realistic mix of urgent, held and
//! reported items, repeatable from a seed.

use crate::db::queue::{self, ItemSubject, Pressure};
use crate::db::{AnyConnection, communities, posts, threads, users};
use crate::domain::discussion::PostBody;
use crate::domain::moderation::{ContentState, Subject};
use crate::error::ApiError;

/// A small, seeded generator (xorshift), enough for varied data.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

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
    let mut dice = Dice(seed.max(1));
    crate::admin::in_transaction(connection, |connection| {
        let community_id = communities::by_slug(connection, slug)?.id;
        let author_id = users::id_by_username(connection, author)?;
        let (thread_id, _) =
            threads::create(connection, community_id, author_id, "Seeded queue".into(), content("first")?)?;
        let parent = posts::first_of(connection, thread_id)?;
        for n in 0..items {
            let post_id =
                posts::insert(connection, thread_id, Some(&parent), author_id, content(&format!("item {n}"))?)?;
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

fn content(text: &str) -> Result<posts::NewContent, ApiError> {
    let body = PostBody::parse(text.to_owned())?;
    let rendered = crate::domain::discussion::render(body.as_str())?;
    Ok(posts::NewContent {
        body,
        html: rendered.html,
        render_version: rendered.policy_version,
        content_warning: None,
        state: ContentState::Visible,
    })
}
