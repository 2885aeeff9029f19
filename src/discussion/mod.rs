//! Reading and writing discussions: the service between the HTTP routes
//! and the store. Routes parse a request, call it and answer; the thread
//! and post routes, moderators' actions and the benchmarks share it.

pub mod audience;
pub mod context;
pub mod draft;
pub mod heads;
pub mod page;
pub mod reply;
pub mod screen;
pub mod start;
pub mod view;
