//! What every request handler shares.

use crate::{
    auth::{access::AccessTokens, password::Hasher},
    db::Db,
    http::throttle::Limits,
};
use std::time::Duration;

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
    /// How many sign-in attempts are allowed.
    pub limits: Limits,
}
