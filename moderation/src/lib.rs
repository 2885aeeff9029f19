//! Kindred's content-safety pipeline as a pure library: text goes in and a
//! decision comes out (safe HTML, a refusal, or the community's rules), with no
//! database or HTTP in the way, so every safety property can be tested and
//! fuzzed on its own.

pub mod render;
pub mod rules;

pub use render::{MAX_NESTING, RENDER_POLICY_VERSION, RenderError, Rendered, render_markdown};
pub use rules::{
    ContentWarningLabel, Document, content_warning_labels, default_guidelines, default_health_data_consent,
};
