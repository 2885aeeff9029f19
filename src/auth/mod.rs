//! Who is asking: password hashing, sessions, the extractors that turn a
//! request into a member or a visitor, and the CSRF rule for browsers.

pub mod csrf;
pub mod extract;
pub mod password;
pub mod session;
pub mod session_cache;

pub use extract::{Member, Viewer};
