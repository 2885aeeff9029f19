//! What the JSON API and the live socket both send, built from the store:
//! below both, so data flows one way (store -> broker -> socket, route -> store).

pub mod calendar;
pub mod event;
pub mod notification;
pub mod support;
