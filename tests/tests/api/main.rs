//! Black-box tests of the whole server over real HTTP. They run on SQLite,
//! and on PostgreSQL when `TETHER_TEST_POSTGRES_URL` is set.

#![allow(clippy::unwrap_used)]

mod accounts;
mod blocks;
mod check_ins;
mod contention;
mod encouragements;
mod errors;
mod goals;
mod groups;
mod headers;
mod health;
mod matching;
mod me;
mod notifications;
mod openapi;
mod partnerships;
mod reports;
mod sessions;
mod startup;
mod strategies;
mod sweep;
mod text;
mod tokens;
