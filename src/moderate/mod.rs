//! Moderation as the server carries it out: each action checked in one
//! place, applied, and logged in the same transaction; each one reversible.

pub mod actions;
pub mod review_due;
pub mod subjects;
