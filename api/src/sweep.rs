//! The sweep: a periodic task in the server that deletes what nothing
//! needs any more, so that no table grows without bound:
//!
//! - sessions that have expired or were ended, with their refresh tokens
//!   (spent ones included: a token of a dead session is refused anyway),
//!   and refresh tokens past their own expiry in live ones;
//! - answers kept for idempotency keys after their 24 hours (they are no
//!   longer replayed or exported from the moment they expire);
//! - counted sign-in attempts that no limit's window reaches;
//!
//! and it records the milestones quit goals reach just by days passing,
//! which no check-in write would record (see `db::milestones`).
//!
//! Every statement is a plain `DELETE ... WHERE`, so several processes
//! sweeping one database at once do no harm.

use crate::{
    clock,
    db::{
        self, Db, DbConn, DbError, check_ins, goals, idempotency, milestones, sessions, throttles,
    },
    http::idempotency::KEPT_FOR,
};
use chrono::{NaiveDateTime, TimeDelta};
use std::time::Duration;
use tether_domain::progress;

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
    /// Milestones newly recorded for quit goals.
    pub milestones: usize,
}

/// Quit goals looked at a page at a time.
const QUIT_GOALS_PAGE: i64 = 500;

/// Records the milestones every active quit goal's history reaches by its
/// member's today. Each goal costs two statements (its history, and one
/// insert when it reached something), so the sweep's work grows with the
/// number of quit goals; the push scheduler will look only at goals due.
fn record_quit_milestones(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, DbError> {
    let mut recorded = 0;
    let mut after: Option<String> = None;
    loop {
        let page = goals::quit_goals_page(conn, after.as_deref(), QUIT_GOALS_PAGE)?;
        for (goal, zone) in &page {
            let today = zone.today(now.and_utc());
            let history = check_ins::history(conn, goal.id)?;
            let reached = progress::progress(&goal.schedule(), &history, today, 1).milestones;
            // The milestones and the partners' notices together or not at all.
            recorded += db::write(conn, |conn| {
                milestones::record_and_tell(conn, goal, &reached, now)
            })?;
        }
        match page.last() {
            Some((goal, _)) if page.len() as i64 == QUIT_GOALS_PAGE => {
                after = Some(goal.id.to_string());
            }
            _ => return Ok(recorded),
        }
    }
}

/// Sweeps once, as of `now`.
pub fn once(conn: &mut DbConn, now: NaiveDateTime) -> Result<Swept, DbError> {
    let (sessions, refresh_tokens) = sessions::purge(conn, now)?;
    Ok(Swept {
        sessions,
        refresh_tokens,
        answers: idempotency::purge(conn, now - KEPT_FOR)?,
        attempts: throttles::purge(conn, now - ATTEMPTS_KEPT_FOR)?,
        milestones: record_quit_milestones(conn, now)?,
    })
}

/// Sweeps every `every`, for as long as the server runs. A failed sweep is
/// logged and tried again next time.
pub async fn run(db: Db, every: Duration) {
    // The first sweep comes one interval after start, not at once: a
    // starting server has other work, and nothing is due yet.
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
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
