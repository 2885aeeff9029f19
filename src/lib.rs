//! Kindred: a self-hosted server for online peer-support communities in
//! health. The binary (`main.rs`) is a thin command line over this library,
//! so tests can start the real application in-process.

pub mod admin;
pub mod auth;
pub mod brand;
pub mod config;
pub mod consultation;
pub mod db;
pub mod discussion;
pub mod domain;
pub mod error;
pub mod headers;
pub mod instance;
pub mod live;
pub mod mail;
pub mod metrics;
pub mod moderate;
pub mod notify;
pub mod pages;
pub mod policy;
pub mod privacy;
pub mod refuse;
pub mod routes;
pub mod safeguarding;
pub mod safety;
#[cfg(feature = "bench")]
pub mod seed;
pub mod setup;
pub mod startup;
pub mod state;
pub mod stitch;
pub mod telemetry;
pub mod views;
