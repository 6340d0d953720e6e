//! What every request handler shares.

use crate::{
    auth::{access::AccessTokens, password::Hasher},
    db::Db,
    http::throttle::Throttle,
};
use std::{net::IpAddr, time::Duration};

/// Shared by every worker through `web::Data`.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Issues and checks access tokens.
    pub tokens: AccessTokens,
    /// Hashes and verifies passwords.
    pub hasher: Hasher,
    /// How long a refresh token lives.
    pub refresh_ttl: Duration,
    /// Register, login and refresh calls per client address.
    pub auth_rate: Throttle<IpAddr>,
    /// Failed password checks per account (by normalised email).
    pub password_failures: Throttle<String>,
}
