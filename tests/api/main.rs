//! Black-box tests: each starts the real server on a random port with its
//! own database and talks HTTP to it. With `KINDRED_TEST_POSTGRES_URL` set
//! the same tests run against PostgreSQL.

mod accounts;
mod authorization;
mod blocks;
mod boundaries;
mod chat;
mod cli;
mod client;
mod communities;
mod configuration;
mod content_limits;
mod contract;
mod crisis_author;
mod crisis_workflow;
mod data_files;
mod discussions;
mod email;
mod erasure;
mod errors;
mod following;
mod headers;
mod helpers;
mod live_client;
mod mail;
mod metrics;
mod migrations;
mod moderation;
mod names;
mod page_cache;
mod password_memory;
mod privacy;
mod processes;
mod recovery;
mod safeguarding;
mod safety_net;
mod search;
mod shutdown;
mod sign_in;
mod smtp;
mod titles;
mod upgrade_refusals;
mod writes;
