//! Kindred's content-safety pipeline as a pure library: text goes in and a
//! decision comes out (safe HTML, a refusal, or the community's rules), with no
//! database or HTTP in the way, so every safety property can be tested and
//! fuzzed on its own.
//!
//! For anything a member writes, the server calls [`screen`] with the
//! instance's [`WordFilter`] and [`CrisisScreen`], and shows [`helplines`]
//! to an author whose text screened as a crisis.

pub mod crisis;
pub mod decision;
pub mod filters;
pub mod helplines;
pub mod mention;
mod normalise;
mod phrase;
pub mod render;
pub mod rules;

pub use crisis::{CrisisError, CrisisScreen, RiskLevel, ScreeningOutcome};
pub use decision::{Action, Decision, screen};
pub use filters::{
    DEFAULT_BLOCK_MESSAGE, DEFAULT_REPLACEMENT, FilterAction, FilterError, FilterMatch, FilterOutcome, FilterRule,
    MAX_MESSAGE_CHARS, MAX_REPLACEMENT_CHARS, MAX_TERM_CHARS, WordFilter, default_filter_rules,
};
pub use helplines::{FALLBACK_LOCALE, Helpline, HelplineError, Helplines, helplines};
pub use normalise::canonical;
pub use render::{
    MAX_NESTING, MAX_RENDERED_BYTES, MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, RENDER_POLICY_VERSION, RenderError, Rendered,
    render_markdown,
};
pub use rules::{
    ContentWarningLabel, Document, content_warning_labels, default_guidelines, default_health_data_consent,
};
