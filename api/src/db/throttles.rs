//! The throttle_events table: attempts counted against limits, in the
//! database so that every API process counts the same ones.
//!
//! A key is counted in a sliding window: an attempt is taken only while
//! fewer than the limit fall within the window, atomically (the key is
//! locked for the transaction: an advisory lock on PostgreSQL; on SQLite
//! the write transaction already holds the one write lock), so racing
//! requests cannot all slip under a limit. Refused attempts are not
//! stored, so a key never holds more rows than its limit.

use super::{DbConn, DbError, schema::throttle_events, write};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::{dsl::min, prelude::*, sql_types::BigInt};
use tether_domain::MemberId;
use uuid::Uuid;

/// A limit on one key.
#[derive(Debug, Clone)]
pub struct Limit {
    /// What is counted, hashed (an address, an account): never the thing
    /// itself.
    pub key: String,
    /// The account an attempt was on, if it exists and this is the
    /// account's own count: the member sees the attempt in their export,
    /// and erasure takes it.
    pub member: Option<MemberId>,
    /// Most attempts in any window.
    pub max: u32,
    /// The window.
    pub window: TimeDelta,
}

/// Over a limit: this many seconds until an attempt may be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub u64);

/// Attempts taken, one per limit: give them back with [`release`] when
/// they should not count after all (a password that was right).
#[derive(Debug, Clone, Default)]
pub struct Taken(Vec<String>);

/// Takes an attempt under every one of `limits`, or none when any of them
/// is reached (then the longest wait among those reached).
pub fn take(
    conn: &mut DbConn,
    limits: &[Limit],
    now: NaiveDateTime,
) -> Result<Result<Taken, Wait>, DbError> {
    write(conn, |conn| {
        // In one order, so two requests locking the same keys cannot
        // deadlock.
        let mut locks: Vec<i64> = limits.iter().map(|limit| lock_id(&limit.key)).collect();
        locks.sort_unstable();
        locks.dedup();
        for id in locks {
            lock(conn, id)?;
        }
        let mut wait = None;
        for limit in limits {
            let (count, oldest): (i64, Option<NaiveDateTime>) = throttle_events::table
                .filter(throttle_events::key.eq(&limit.key))
                .filter(throttle_events::at.gt(now - limit.window))
                .select((diesel::dsl::count_star(), min(throttle_events::at)))
                .first(conn)?;
            if count >= i64::from(limit.max) {
                // The oldest attempt that counts must age out first.
                let free_at = oldest.unwrap_or(now) + limit.window;
                let seconds = (free_at - now).num_seconds().max(1);
                let seconds = u64::try_from(seconds).unwrap_or(1);
                wait = Some(wait.map_or(seconds, |w: u64| w.max(seconds)));
            }
        }
        if let Some(seconds) = wait {
            return Ok(Err(Wait(seconds)));
        }
        let mut taken = Vec::with_capacity(limits.len());
        for limit in limits {
            let id = Uuid::now_v7().to_string();
            diesel::insert_into(throttle_events::table)
                .values((
                    throttle_events::id.eq(&id),
                    throttle_events::key.eq(&limit.key),
                    throttle_events::member_id.eq(limit.member.map(|m| m.to_string())),
                    throttle_events::at.eq(now),
                ))
                .execute(conn)?;
            taken.push(id);
        }
        Ok(Ok(Taken(taken)))
    })
}

/// The advisory lock of a key: its first 64 bits (keys are hex hashes).
fn lock_id(key: &str) -> i64 {
    key.get(..16)
        .and_then(|prefix| u64::from_str_radix(prefix, 16).ok())
        .map_or(0, |bits| i64::from_ne_bytes(bits.to_ne_bytes()))
}

/// Holds the key's lock until the transaction ends: an advisory lock on
/// PostgreSQL; on SQLite the write transaction holds the one write lock.
fn lock(conn: &mut DbConn, id: i64) -> Result<(), DbError> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(id)
            .execute(c)?;
    }
    Ok(())
}

/// Gives back attempts that should not count.
pub fn release(conn: &mut DbConn, taken: &Taken) -> Result<(), DbError> {
    diesel::delete(throttle_events::table.filter(throttle_events::id.eq_any(&taken.0)))
        .execute(conn)?;
    Ok(())
}

/// Forgets every attempt under `key`.
pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), DbError> {
    diesel::delete(throttle_events::table.filter(throttle_events::key.eq(key))).execute(conn)?;
    Ok(())
}

/// Deletes attempts from before `before`, which no window reaches.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(throttle_events::table.filter(throttle_events::at.lt(before)))
            .execute(conn)?,
    )
}

/// When attempts on the member's account were counted (wrong passwords),
/// oldest first, for the export.
pub fn of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<NaiveDateTime>, DbError> {
    Ok(throttle_events::table
        .filter(throttle_events::member_id.eq(member.to_string()))
        .select(throttle_events::at)
        .order(throttle_events::at.asc())
        .load(conn)?)
}
