//! The sweep: a periodic task in the server that deletes what nothing
//! needs any more, so that no table grows without bound:
//!
//! - sessions that have expired or were ended, with their refresh tokens
//!   (spent ones included: a token of a dead session is refused anyway),
//!   and refresh tokens past their own expiry in live ones;
//! - answers kept for idempotency keys after their 24 hours (they are no
//!   longer replayed or exported from the moment they expire);
//! - counted sign-in attempts that no limit's window reaches.
//!
//! Every statement is a plain `DELETE ... WHERE`, so several processes
//! sweeping one database at once do no harm.

use crate::{
    clock,
    db::{Db, DbConn, DbError, idempotency, sessions, throttles},
    http::idempotency::KEPT_FOR,
};
use chrono::{NaiveDateTime, TimeDelta};
use std::time::Duration;

/// Sign-in attempts older than this count under no limit.
const ATTEMPTS_KEPT_FOR: TimeDelta = TimeDelta::hours(1);

/// What one sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Sessions, with their refresh tokens.
    pub sessions: usize,
    /// Expired refresh tokens of live sessions.
    pub refresh_tokens: usize,
    /// Kept idempotent answers.
    pub answers: usize,
    /// Counted sign-in attempts.
    pub attempts: usize,
}

/// Sweeps once, as of `now`.
pub fn once(conn: &mut DbConn, now: NaiveDateTime) -> Result<Swept, DbError> {
    let (sessions, refresh_tokens) = sessions::purge(conn, now)?;
    Ok(Swept {
        sessions,
        refresh_tokens,
        answers: idempotency::purge(conn, now - KEPT_FOR)?,
        attempts: throttles::purge(conn, now - ATTEMPTS_KEPT_FOR)?,
    })
}

/// Sweeps every `every`, for as long as the server runs. A failed sweep is
/// logged and tried again next time.
pub async fn run(db: Db, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match db.run(|conn| once(conn, clock::now())).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "swept"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "sweep failed; trying again later"),
        }
    }
}
