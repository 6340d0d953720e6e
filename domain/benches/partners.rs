//! How long partner matching takes in the domain, for a group at its
//! largest (200 members, spread over eight time zones, with mixed foci,
//! recovery dates and capacities):
//!
//! - suggestions for one member: target under 5 ms;
//! - pairing the whole group, a maximum-weight matching over every pair:
//!   target under 50 ms (with no pair excluded, and with one pair in
//!   seven excluded as already partnered);
//! - the matching alone on the same complete graph, for scale.
//!
//! Prints median and mean per call; asserts nothing.
//!
//! Run with `cargo bench -p tether-domain --bench partners`.

use chrono::{Days, NaiveDate};
use std::{
    hint::black_box,
    time::{Duration, Instant},
};
use tether_domain::{
    DisplayName, MAX_GROUP_MEMBERS, MemberId, RecoveryFocus, TimeZone,
    partners::{Person, max_weight_matching, pair, score, suggest},
};
use uuid::Uuid;

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
];

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date");
    let group = group(MAX_GROUP_MEMBERS, today);
    let me = &group[0];

    let suggestions = suggest(me, &group, today);
    report(
        &format!(
            "suggest: one member, {} others ({} candidates)",
            group.len() - 1,
            suggestions.len()
        ),
        || {
            black_box(suggest(black_box(me), black_box(&group), today));
        },
    );

    let nobody = |_: MemberId, _: MemberId| false;
    let pairing = pair(&group, &nobody, today);
    report(
        &format!(
            "pair: {} members, no exclusions ({} pairs)",
            group.len(),
            pairing.pairs.len()
        ),
        || {
            black_box(pair(black_box(&group), &nobody, today));
        },
    );

    let some = |a: MemberId, b: MemberId| {
        (a.as_uuid().as_u128() + b.as_uuid().as_u128()).is_multiple_of(7)
    };
    let pairing = pair(&group, &some, today);
    report(
        &format!(
            "pair: {} members, 1 pair in 7 excluded ({} pairs)",
            group.len(),
            pairing.pairs.len()
        ),
        || {
            black_box(pair(black_box(&group), &some, today));
        },
    );

    let edges: Vec<(usize, usize, u32)> = (0..group.len())
        .flat_map(|i| (i + 1..group.len()).map(move |j| (i, j)))
        .map(|(i, j)| (i, j, score(&group[i], &group[j], today).points + 1))
        .collect();
    report(
        &format!(
            "max_weight_matching: {} vertices, {} edges",
            group.len(),
            edges.len()
        ),
        || {
            black_box(max_weight_matching(group.len(), black_box(&edges)));
        },
    );
}

/// A group of `n` members, varied but the same on every run.
fn group(n: usize, today: NaiveDate) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let k = u64::try_from(i).expect("small");
            let focus = RecoveryFocus::ALL
                .iter()
                .enumerate()
                .filter(|(f, _)| (i * 7 + f * 3) % 5 == 0)
                .map(|(_, focus)| *focus)
                .collect();
            Person {
                id: MemberId::from_uuid(Uuid::from_u128(u128::from(k) + 1)),
                display_name: DisplayName::parse(&format!("Member {i}")).expect("valid name"),
                focus,
                timezone: TimeZone::parse(ZONES[i % ZONES.len()]).expect("known zone"),
                recovery_since: (!i.is_multiple_of(4)).then(|| today - Days::new(k * 37 % 3_000)),
                willing_to_mentor: i.is_multiple_of(3),
                open_to_partnering: !i.is_multiple_of(10),
                max_partners: u8::try_from(1 + i % 3).expect("small"),
                open_partnerships: u32::try_from(i % 2).expect("small"),
            }
        })
        .collect()
}

/// Times `f` call by call (after a warm-up) for about a second, and prints
/// the median and mean.
fn report(label: &str, mut f: impl FnMut()) {
    for _ in 0..5 {
        f();
    }
    let mut samples: Vec<Duration> = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) || samples.len() < 20 {
        let call = Instant::now();
        f();
        samples.push(call.elapsed());
    }
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let total: Duration = samples.iter().sum();
    let mean = total / u32::try_from(samples.len()).unwrap_or(u32::MAX);
    println!(
        "{label:<58} median {:>8.3} ms   mean {:>8.3} ms   ({} calls)",
        median.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        samples.len()
    );
}
