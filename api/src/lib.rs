//! Tether's HTTP API: an actix-web server over the pure `tether-domain`
//! crate, storing into SQLite or PostgreSQL through diesel.

pub mod app;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod digest;
pub mod http;
pub mod openapi;
pub mod state;
pub mod sweep;
pub mod telemetry;
