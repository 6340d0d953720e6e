//! How long one progress answer takes in the domain: a daily goal with three
//! years of check-ins (about one day in ten a rest day, one in twenty-five
//! missed), charted over the default 90 days and over the 366-day maximum.
//! Target: under 1 ms per answer. Prints its figures; asserts nothing.
//!
//! Run with `cargo bench -p tether-domain`.

use chrono::{Days, NaiveDate};
use std::{hint::black_box, time::Instant};
use tether_domain::{
    Cadence, CheckInStatus, GoalKind,
    progress::{Schedule, progress},
};

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date");
    let started_on = today - Days::new(3 * 365);
    let check_ins: Vec<(NaiveDate, CheckInStatus)> = started_on
        .iter_days()
        .take_while(|day| *day <= today)
        .enumerate()
        .filter(|(i, _)| i % 25 != 0)
        .map(|(i, day)| {
            (
                day,
                if i % 10 == 0 {
                    CheckInStatus::Skipped
                } else {
                    CheckInStatus::Done
                },
            )
        })
        .collect();
    for (kind, cadence) in [
        (GoalKind::Build, Cadence::Daily),
        (GoalKind::Quit, Cadence::Daily),
        (GoalKind::Build, Cadence::Weekly { times: 3 }),
    ] {
        let goal = Schedule {
            kind,
            cadence,
            started_on,
        };
        for series_days in [90, 366] {
            let per_call = measure(|| {
                black_box(progress(
                    black_box(&goal),
                    black_box(&check_ins),
                    today,
                    series_days,
                ));
            });
            println!(
                "progress {:>5} {:<22} {} check-ins, {series_days:>3}-day series: {:>8.1} µs per answer",
                kind.as_str(),
                format!("{cadence:?}"),
                check_ins.len(),
                per_call * 1e6,
            );
        }
    }
}

/// Mean seconds per call over enough calls to fill about half a second,
/// after a warm-up; the best of five such rounds, to step around noise from
/// the rest of the machine.
fn measure(mut f: impl FnMut()) -> f64 {
    for _ in 0..100 {
        f();
    }
    let started = Instant::now();
    let mut calibration = 0u32;
    while started.elapsed().as_secs_f64() < 0.1 {
        f();
        calibration += 1;
    }
    let per_round = calibration.max(1) * 5;
    (0..5)
        .map(|_| {
            let round = Instant::now();
            for _ in 0..per_round {
                f();
            }
            round.elapsed().as_secs_f64() / f64::from(per_round)
        })
        .fold(f64::INFINITY, f64::min)
}
