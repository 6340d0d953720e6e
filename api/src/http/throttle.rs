//! The limits on signing in, and which setting controls each:
//!
//! - `TETHER_AUTH_RATE`: register, login and refresh calls per minute from
//!   one client address, whatever their outcome;
//! - `TETHER_LOGIN_FAILURES`: wrong passwords (at login or erasure) per
//!   account and client address in 15 minutes: tight, so one address
//!   guesses little, and a stranger's guessing from elsewhere does not lock
//!   the member out;
//! - `TETHER_ACCOUNT_FAILURES`: wrong passwords per account from all
//!   addresses together in 15 minutes: a much higher ceiling against
//!   guessing spread over many addresses (OWASP's trade-off between
//!   stopping that and letting an attacker lock an account).
//!
//! A password attempt is counted before the slow hash, atomically, and
//! given back when the password was right; so twenty racing guesses meet
//! the limit as twenty sequential ones would. The counts live in the
//! database ([`crate::db::throttles`]), so every API process sharing it
//! counts the same attempts.

use crate::{
    config::Config,
    db::throttles::{Limit, Wait},
    digest::sha256_hex,
};
use chrono::TimeDelta;
use std::net::IpAddr;
use tether_domain::{Email, MemberId};

/// The window for wrong passwords.
const PASSWORD_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// The configured limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    auth_rate: u32,
    login_failures: u32,
    account_failures: u32,
}

impl Limits {
    /// The limits a configuration sets.
    pub fn new(config: &Config) -> Self {
        Self {
            auth_rate: config.auth_rate.get(),
            login_failures: config.login_failures.get(),
            account_failures: config.account_failures.get(),
        }
    }

    /// Register, login and refresh calls from one client address.
    pub fn client(&self, ip: IpAddr) -> Limit {
        Limit {
            key: key("client", &ip.to_string()),
            member: None,
            max: self.auth_rate,
            window: TimeDelta::minutes(1),
        }
    }

    /// A password attempt on an account (`member`, when it exists) from a
    /// client address: per account and address, and per account. The
    /// account's own count names the member (once an attempt).
    pub fn password(&self, email: &Email, member: Option<MemberId>, ip: IpAddr) -> [Limit; 2] {
        [
            Limit {
                key: account_address_key(email, ip),
                member: None,
                max: self.login_failures,
                window: PASSWORD_WINDOW,
            },
            Limit {
                key: key("account", email.as_str()),
                member,
                max: self.account_failures,
                window: PASSWORD_WINDOW,
            },
        ]
    }
}

/// The key of wrong passwords on an account from one address: cleared by a
/// right one from there.
pub fn account_address_key(email: &Email, ip: IpAddr) -> String {
    key("account-address", &format!("{email} {ip}"))
}

/// What is stored for a counted thing: its hash, so the table holds no
/// address and no email.
fn key(scope: &str, value: &str) -> String {
    sha256_hex(format!("{scope}:{value}").as_bytes())
}

impl From<Wait> for super::error::ApiError {
    fn from(Wait(retry_after): Wait) -> Self {
        Self::TooManyRequests { retry_after }
    }
}
