//! Benchmark data made inside the database (bench builds only): seeded,
//! repeatable, and written straight through the storage layer so a million
//! posts take minutes, not hours.

mod directory;
mod discussions;
mod goal;
mod queue;
mod words;

pub use directory::seed_directory;
pub use discussions::{Plan, Seeded, seed_discussions};
pub use goal::seed_goal;
pub use queue::seed_queue;

use crate::db::posts;
use crate::domain::discussion::PostBody;
use crate::domain::moderation::ContentState;
use crate::error::ApiError;

/// A small, seeded generator (xorshift), enough for varied data.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Self {
        Dice(seed.max(1))
    }

    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides.max(1)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        self.roll(1 << 53) as f64 / (1u64 << 53) as f64
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.roll(100) < percent
    }
}

/// A visible post's content, rendered as the server would render it.
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
