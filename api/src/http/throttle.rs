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
//!   stopping that and letting an attacker lock an account);
//! - wrong invite codes: 10 per member and 100 per client address in 15
//!   minutes (not settings).
//!
//! A password attempt is counted before the slow hash, atomically, and
//! given back when the password was right; so twenty racing guesses meet
//! the limit as twenty sequential ones would. The counts live in the
//! database ([`crate::db::throttles`]), so every API process sharing it
//! counts the same attempts.

use crate::{
    config::Config,
    db::throttles::{Limit, Wait},
};
use chrono::TimeDelta;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use tether_domain::{Email, MemberId};

/// The window for wrong passwords.
const PASSWORD_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// Wrong invite codes a member may try in [`PASSWORD_WINDOW`]: a person
/// mistyping a code needs a few; a guesser gets a few out of 31^12.
const INVITE_GUESSES: u32 = 10;

/// Wrong invite codes from one client address in [`PASSWORD_WINDOW`]:
/// higher than a member's, since many members may share an address (a
/// carrier's NAT, a proxy), and one of them mistyping must not lock the
/// others out.
const INVITE_GUESSES_PER_ADDRESS: u32 = 100;

/// The configured limits, and the key their counts are hashed with.
#[derive(Clone, Copy)]
pub struct Limits {
    auth_rate: u32,
    login_failures: u32,
    account_failures: u32,
    /// Mixed into every hashed key, so that a copy of the table cannot be
    /// reversed by hashing every address or a list of emails. Derived from
    /// the signing key, which every process of a deployment shares.
    pepper: [u8; 32],
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("auth_rate", &self.auth_rate)
            .field("login_failures", &self.login_failures)
            .field("account_failures", &self.account_failures)
            .finish_non_exhaustive()
    }
}

impl Limits {
    /// The limits a configuration sets, keyed from `secret`.
    pub fn new(config: &Config, secret: &[u8]) -> Self {
        let mut pepper = Sha256::new();
        pepper.update(b"tether throttle keys\0");
        pepper.update(secret);
        Self {
            auth_rate: config.auth_rate.get(),
            login_failures: config.login_failures.get(),
            account_failures: config.account_failures.get(),
            pepper: pepper.finalize().into(),
        }
    }

    /// Register, login, refresh and logout calls from one client address.
    pub fn client(&self, ip: IpAddr) -> Limit {
        Limit {
            key: self.key("client", &client(ip)),
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
                key: self.account_address_key(email, ip),
                member: None,
                max: self.login_failures,
                window: PASSWORD_WINDOW,
            },
            Limit {
                key: self.key("account", email.as_str()),
                member,
                max: self.account_failures,
                window: PASSWORD_WINDOW,
            },
        ]
    }

    /// An invite code tried by a member from a client address: per address
    /// and per member. Given back when the code was right.
    pub fn invite(&self, member: MemberId, ip: IpAddr) -> [Limit; 2] {
        [
            Limit {
                key: self.key("invite-address", &client(ip)),
                member: None,
                max: INVITE_GUESSES_PER_ADDRESS,
                window: PASSWORD_WINDOW,
            },
            // Not named as the account's: these are no sign-ins, and the
            // keyed hash is gone with its window.
            Limit {
                key: self.key("invite-member", &member.to_string()),
                member: None,
                max: INVITE_GUESSES,
                window: PASSWORD_WINDOW,
            },
        ]
    }

    /// The key of wrong passwords on an account from one address: cleared
    /// by a right one from there.
    pub fn account_address_key(&self, email: &Email, ip: IpAddr) -> String {
        self.key("account-address", &format!("{email} {}", client(ip)))
    }

    /// What is stored for a counted thing: a keyed hash, so the table holds
    /// no address and no email.
    fn key(&self, scope: &str, value: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(self.pepper);
        hash.update(scope.as_bytes());
        hash.update(b":");
        hash.update(value.as_bytes());
        hash.finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The client a limit counts: an IPv4 address, or an IPv6 /64, which one
/// subscriber usually holds whole (counting single IPv6 addresses would let
/// one client count as billions).
fn client(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
    }
}

impl From<Wait> for super::error::ApiError {
    fn from(Wait(retry_after): Wait) -> Self {
        Self::TooManyRequests { retry_after }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_its_64_prefix() {
        let ip = |raw: &str| raw.parse::<IpAddr>().expect("an address");
        assert_eq!(client(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            client(ip("2001:db8:1:2:bbbb::9")),
            client(ip("2001:db8:1:2:aaaa::1"))
        );
        assert_ne!(client(ip("2001:db8:1:3::1")), client(ip("2001:db8:1:2::1")));
        assert_eq!(client(ip("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(client(ip("192.0.2.7")), "192.0.2.7");
    }
}
