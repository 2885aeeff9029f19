//! The live layer: one websocket per client carrying chat (and, later,
//! notifications). Messages are persisted first; the hub then fans them
//! out in each room's sequence order, and the broker carries "room R has
//! message N" between processes that share a PostgreSQL database.

pub mod broker;
pub mod connection;
pub mod hub;
pub mod outbox;
pub mod presence;
pub mod protocol;
pub mod sending;
pub mod subscriptions;
