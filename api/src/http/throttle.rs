//! Sliding-window limits on attempts per key (a client address, an
//! account). Kept in memory: each process counts its own, which bounds
//! guessing well enough without a round trip to the database.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    num::NonZeroU32,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

/// Keys beyond which stale entries are swept, so a flood of distinct keys
/// cannot grow the map without bound.
const SWEEP_AT: usize = 10_000;

/// Over the limit: this many seconds until a try may go through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub u64);

/// At most `limit` events per key within any `window`.
#[derive(Debug)]
pub struct Throttle<K> {
    limit: usize,
    window: Duration,
    events: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    /// A throttle allowing `limit` events per `window`.
    pub fn new(limit: NonZeroU32, window: Duration) -> Self {
        Self {
            limit: usize::try_from(limit.get()).unwrap_or(usize::MAX),
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an event for `key` if the limit allows it; otherwise the
    /// seconds until it will.
    pub fn hit(&self, key: &K) -> Result<(), Wait> {
        self.with(key, |events, now| {
            let wait = self.wait(events, now);
            if wait.is_ok() {
                events.push_back(now);
            }
            wait
        })
    }

    /// Whether `key` is at its limit, without counting anything.
    pub fn check(&self, key: &K) -> Result<(), Wait> {
        self.with(key, |events, now| self.wait(events, now))
    }

    /// Counts an event for `key`, whatever the limit says.
    pub fn record(&self, key: &K) {
        self.with(key, |events, now| events.push_back(now));
    }

    /// Forgets every event of `key`.
    pub fn clear(&self, key: &K) {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }

    fn wait(&self, events: &VecDeque<Instant>, now: Instant) -> Result<(), Wait> {
        if events.len() < self.limit {
            return Ok(());
        }
        // The oldest event that still counts must age out first.
        let oldest = events.len() - self.limit;
        let free_at = events[oldest] + self.window;
        Err(Wait(
            free_at.saturating_duration_since(now).as_secs().max(1),
        ))
    }

    fn with<T>(&self, key: &K, f: impl FnOnce(&mut VecDeque<Instant>, Instant) -> T) -> T {
        let now = Instant::now();
        let mut map = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= SWEEP_AT {
            map.retain(|_, events| {
                events
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
        }
        let events = map.entry(key.clone()).or_default();
        while events
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.window)
        {
            events.pop_front();
        }
        f(events, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(limit: u32) -> Throttle<&'static str> {
        Throttle::new(
            NonZeroU32::new(limit).expect("non-zero"),
            Duration::from_secs(60),
        )
    }

    #[test]
    fn allows_up_to_the_limit_per_key() {
        let throttle = throttle(2);
        assert_eq!(throttle.hit(&"a"), Ok(()));
        assert_eq!(throttle.hit(&"a"), Ok(()));
        let Wait(seconds) = throttle.hit(&"a").expect_err("third is over");
        assert!((1..=60).contains(&seconds));
        assert_eq!(throttle.hit(&"b"), Ok(()));
    }

    #[test]
    fn check_counts_nothing_and_clear_forgets() {
        let throttle = throttle(1);
        assert_eq!(throttle.check(&"a"), Ok(()));
        throttle.record(&"a");
        assert!(throttle.check(&"a").is_err());
        throttle.clear(&"a");
        assert_eq!(throttle.check(&"a"), Ok(()));
    }
}
