//! The current instant, as both databases store it.

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// Now in UTC, truncated to microseconds: PostgreSQL keeps no more, and an
/// instant must read back equal from either database.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
