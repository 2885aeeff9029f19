//! Black-box tests: each starts the real server on a random port with its
//! own database and talks HTTP to it. With `KINDRED_TEST_POSTGRES_URL` set
//! the same tests run against PostgreSQL.

mod accounts;
mod blocks;
mod chat;
mod cli;
mod client;
mod communities;
mod configuration;
mod data_files;
mod discussions;
mod email;
mod erasure;
mod errors;
mod following;
mod helpers;
mod live_client;
mod metrics;
mod migrations;
mod moderation;
mod password_memory;
mod privacy;
mod processes;
mod recovery;
mod search;
mod shutdown;
mod smtp;
mod upgrade_refusals;
mod writes;
