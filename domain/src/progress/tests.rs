use super::*;
use crate::goal::{Cadence, CheckInStatus::*, GoalKind};
use proptest::prelude::*;

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid date")
}

fn days(from: NaiveDate, to: NaiveDate, status: CheckInStatus) -> Vec<(NaiveDate, CheckInStatus)> {
    from.iter_days()
        .take_while(|day| *day <= to)
        .map(|day| (day, status))
        .collect()
}

fn schedule(kind: GoalKind, cadence: Cadence, started_on: NaiveDate) -> Schedule {
    Schedule {
        kind,
        cadence,
        started_on,
    }
}

fn state_on(progress: &Progress, day: NaiveDate) -> DayState {
    progress
        .series
        .iter()
        .find(|(date, _)| *date == day)
        .map(|(_, state)| *state)
        .expect("day in series")
}

// Hand-computed: Mon 2 Nov to Sun 22 Nov 2026. Done 2..10 (9 days), nothing
// on the 11th (missed), a rest day on the 12th, done 13..21 (9 days), today
// (the 22nd) not yet checked in.
#[test]
fn daily_build_goal() {
    let mut check_ins = days(date(11, 2), date(11, 10), Done);
    check_ins.push((date(11, 12), Skipped));
    check_ins.extend(days(date(11, 13), date(11, 21), Done));
    let goal = schedule(GoalKind::Build, Cadence::Daily, date(11, 2));
    let progress = progress(&goal, &check_ins, date(11, 22), 30);

    assert_eq!(progress.unit, StreakUnit::Days);
    assert_eq!(progress.current_streak, 9, "13..21; today is still open");
    assert_eq!(progress.best_streak, 9);
    // 9 kept from 0, one miss, one rest (no change), 9 kept:
    // (1 - d⁹)·d·d⁹ + (1 - d⁹) with d = ½^(1/13) = 0.6048
    assert_eq!(progress.strength, 60);
    assert_eq!(
        progress.completion.last_7_days,
        Some(1.0),
        "16..21 kept, today open"
    );
    assert_eq!(
        progress.completion.last_30_days,
        Some(18.0 / 19.0),
        "the rest day is not due"
    );
    assert_eq!(progress.quit, None);
    assert_eq!(
        progress
            .milestones
            .iter()
            .map(|m| (m.threshold, m.reached_on))
            .collect::<Vec<_>>(),
        [(1, date(11, 2)), (3, date(11, 4)), (7, date(11, 8))]
    );
    assert_eq!(progress.series.len(), 30);
    assert_eq!(
        progress.series[0],
        (date(10, 24), DayState::NotDue),
        "before the start"
    );
    assert_eq!(state_on(&progress, date(11, 11)), DayState::Missed);
    assert_eq!(state_on(&progress, date(11, 12)), DayState::Skipped);
    assert_eq!(state_on(&progress, date(11, 22)), DayState::Pending);
}

// Mondays and Thursdays from Mon 2 Nov: due 2, 5, 9, 12, 16, 19; today is
// Sunday the 22nd, not due. Nothing on the 9th. A done on Saturday the 21st
// is extra: welcome, but nothing was due.
#[test]
fn build_goal_on_given_days() {
    let cadence = Cadence::days(["mon", "thu"]).expect("valid days");
    let check_ins = [
        (date(11, 2), Done),
        (date(11, 5), Done),
        (date(11, 12), Done),
        (date(11, 16), Done),
        (date(11, 19), Done),
        (date(11, 21), Done),
    ];
    let goal = schedule(GoalKind::Build, cadence, date(11, 2));
    let progress = progress(&goal, &check_ins, date(11, 22), 21);

    assert_eq!(progress.unit, StreakUnit::Days);
    assert_eq!(progress.current_streak, 3);
    assert_eq!(progress.best_streak, 3);
    // kept, kept, missed, kept, kept, kept: 0.2295
    assert_eq!(progress.strength, 23);
    assert_eq!(progress.completion.last_7_days, Some(1.0), "16 and 19");
    assert_eq!(progress.completion.last_30_days, Some(5.0 / 6.0));
    assert_eq!(state_on(&progress, date(11, 9)), DayState::Missed);
    assert_eq!(state_on(&progress, date(11, 10)), DayState::NotDue);
    assert_eq!(state_on(&progress, date(11, 21)), DayState::Done);
    assert_eq!(state_on(&progress, date(11, 22)), DayState::NotDue);
}

// Three times a week from Wed 28 Oct; today is Fri 20 Nov. Week of 26 Oct
// (5 days from the start, asks 3): done 28, 30, 1 Nov, kept. Week of 2 Nov:
// done 3, 5, 7, kept. Week of 9 Nov: done 10, 12 and a rest day on the 14th,
// excused. Week of 16 Nov: done 17, 19 so far, open.
#[test]
fn weekly_build_goal() {
    let check_ins = vec![
        (date(10, 28), Done),
        (date(10, 30), Done),
        (date(11, 1), Done),
        (date(11, 3), Done),
        (date(11, 5), Done),
        (date(11, 7), Done),
        (date(11, 10), Done),
        (date(11, 12), Done),
        (date(11, 14), Skipped),
        (date(11, 17), Done),
        (date(11, 19), Done),
    ];
    let goal = schedule(GoalKind::Build, Cadence::Weekly { times: 3 }, date(10, 28));
    let progress = progress(&goal, &check_ins, date(11, 20), 28);

    assert_eq!(progress.unit, StreakUnit::Weeks);
    assert_eq!(
        progress.current_streak, 2,
        "the excused week keeps it; this week is open"
    );
    assert_eq!(progress.best_streak, 2);
    // Two kept weeks with d = ½^(1/3): 1 - d² = 0.3700
    assert_eq!(progress.strength, 37);
    assert_eq!(
        progress.completion.last_30_days,
        Some(1.0),
        "two kept, one excused, one open"
    );
    assert_eq!(
        progress
            .milestones
            .iter()
            .map(|m| (m.threshold, m.reached_on))
            .collect::<Vec<_>>(),
        [(1, date(11, 1))],
        "reached on the day the third check-in came"
    );
    assert_eq!(
        state_on(&progress, date(11, 18)),
        DayState::NotDue,
        "an open week misses nothing"
    );

    // The third check-in of this week keeps it at once.
    let mut more = check_ins.clone();
    more.push((date(11, 20), Done));
    let after = super::progress(&goal, &more, date(11, 20), 28);
    assert_eq!(after.current_streak, 3);
    assert_eq!(after.milestones.last().map(|m| m.threshold), Some(3));

    // A week that ends short is missed, and so are its empty days.
    let short = vec![(date(11, 3), Done)];
    let missed = super::progress(&goal, &short, date(11, 20), 28);
    assert_eq!(missed.current_streak, 0);
    assert_eq!(missed.best_streak, 0);
    assert_eq!(state_on(&missed, date(11, 4)), DayState::Missed);
}

// Quit drinking from 1 Nov; today is the 22nd. Kept 1..9, a slip on the
// 10th, kept 11..14, no check-in on the 15th, kept 16..22 (today included).
#[test]
fn daily_quit_goal_survives_a_slip() {
    let mut check_ins = days(date(11, 1), date(11, 9), Done);
    check_ins.push((date(11, 10), Slipped));
    check_ins.extend(days(date(11, 11), date(11, 14), Done));
    check_ins.extend(days(date(11, 16), date(11, 22), Done));
    let goal = schedule(GoalKind::Quit, Cadence::Daily, date(11, 1));
    let progress = progress(&goal, &check_ins, date(11, 22), 90);

    let quit = progress.quit.expect("quit stats");
    assert_eq!(
        quit.days_kept, 21,
        "22 days, one slip; a day without a check-in is no slip"
    );
    assert_eq!(quit.slips, 1);
    assert_eq!(quit.days_since_last_slip, Some(12));
    // One story: the 15th had no check-in, so it was kept like any day
    // without a slip, in every figure.
    assert_eq!(
        progress.current_streak, 12,
        "11..22, the days since the slip"
    );
    assert_eq!(
        progress.best_streak, 12,
        "longer than 1..9, which survives anyway"
    );
    assert_eq!(progress.strength, 66, "nine kept, a slip, twelve kept");
    assert_eq!(progress.completion.last_7_days, Some(1.0));
    assert_eq!(progress.completion.last_30_days, Some(21.0 / 22.0));
    assert_eq!(state_on(&progress, date(11, 15)), DayState::Unlogged);
    assert_eq!(state_on(&progress, date(11, 10)), DayState::Slipped);
    assert_eq!(state_on(&progress, date(11, 16)), DayState::Done);
    assert_eq!(
        progress.milestones,
        [1, 3, 7, 14]
            .into_iter()
            .zip([date(11, 1), date(11, 3), date(11, 7), date(11, 15)])
            .map(|(threshold, reached_on)| Milestone {
                metric: Metric::DaysKept,
                threshold,
                reached_on
            })
            .collect::<Vec<_>>()
    );

    // The same weeks without the slip keep exactly one day more.
    let mut clean = check_ins.clone();
    clean.retain(|(day, _)| *day != date(11, 10));
    clean.push((date(11, 10), Done));
    let without = super::progress(&goal, &clean, date(11, 22), 90);
    assert_eq!(without.quit.map(|q| q.days_kept), Some(22));
    assert_eq!(without.quit.map(|q| q.days_since_last_slip), Some(None));
    assert_eq!(without.current_streak, 22);
    assert_eq!(without.strength, 69);
}

// Started on the 10th, never checked in, a slip on the 22nd (today): the
// story the hardening review found told four ways.
#[test]
fn an_unlogged_quit_goal_is_kept_until_a_slip() {
    let goal = schedule(GoalKind::Quit, Cadence::Daily, date(11, 10));
    let before = progress(&goal, &[], date(11, 21), 14);
    assert_eq!(
        before.quit.map(|q| q.days_kept),
        Some(11),
        "10..20; today is open"
    );
    assert_eq!(before.current_streak, 11);
    assert_eq!(before.completion.last_7_days, Some(1.0));
    assert_eq!(before.strength, 44, "eleven kept days from nothing");
    assert_eq!(state_on(&before, date(11, 20)), DayState::Unlogged);
    assert_eq!(state_on(&before, date(11, 21)), DayState::Pending);

    let after = progress(&goal, &[(date(11, 22), Slipped)], date(11, 22), 14);
    assert_eq!(after.quit.map(|q| q.days_kept), Some(12), "10..21");
    assert_eq!(after.current_streak, 0, "the slip is today's");
    assert_eq!(after.best_streak, 12);
    assert_eq!(after.completion.last_7_days, Some(6.0 / 7.0));
}

#[test]
fn a_miss_lowers_strength_gradually() {
    let goal = schedule(GoalKind::Build, Cadence::Daily, date(1, 1));
    let kept = days(date(1, 1), date(3, 31), Done);
    let strong = progress(&goal, &kept, date(3, 31), 1).strength;
    let mut one_miss = kept.clone();
    one_miss.retain(|(day, _)| *day != date(3, 30));
    let after = progress(&goal, &one_miss, date(3, 31), 1).strength;
    assert!(strong >= 99, "{strong}");
    assert!(
        after < strong && after >= 94,
        "one miss takes a little, not all: {after}"
    );
}

#[test]
fn milestones_continue_every_year() {
    assert!(is_milestone(365));
    assert!(is_milestone(730));
    assert!(!is_milestone(400));
    assert!(!is_milestone(2));
    let goal = schedule(GoalKind::Build, Cadence::Daily, date(1, 1) - Days::new(800));
    let check_ins = days(goal.started_on, date(1, 1), Done);
    let progress = progress(&goal, &check_ins, date(1, 1), 1);
    let thresholds: Vec<u32> = progress.milestones.iter().map(|m| m.threshold).collect();
    assert_eq!(thresholds, [1, 3, 7, 14, 30, 60, 90, 180, 365, 730]);
}

prop_compose! {
    fn a_goal()(
        kind in prop_oneof![Just(GoalKind::Build), Just(GoalKind::Quit)],
        cadence in prop_oneof![
            Just(Cadence::Daily),
            (1u8..=7).prop_map(|times| Cadence::Weekly { times }),
            proptest::collection::vec(0usize..7, 1..7).prop_map(|picks| {
                let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                Cadence::days(picks.into_iter().map(|i| names[i])).expect("valid days")
            }),
        ],
        start_offset in 0u64..1000,
        length in 0u64..200,
    ) -> (Schedule, NaiveDate) {
        let started_on = date(1, 1) + Days::new(start_offset);
        (schedule(kind, cadence, started_on), started_on + Days::new(length))
    }
}

fn a_history(
    goal: Schedule,
    today: NaiveDate,
) -> impl Strategy<Value = Vec<(NaiveDate, CheckInStatus)>> {
    let length = (today - goal.started_on).num_days() as u64 + 1;
    let statuses = match goal.kind {
        GoalKind::Build => vec![None, Some(Done), Some(Skipped)],
        GoalKind::Quit => vec![None, Some(Done), Some(Skipped), Some(Slipped)],
    };
    proptest::collection::vec(prop::sample::select(statuses), length as usize).prop_map(
        move |slots| {
            goal.started_on
                .iter_days()
                .zip(slots)
                .filter_map(|(day, status)| status.map(|status| (day, status)))
                .collect()
        },
    )
}

fn with(
    history: &[(NaiveDate, CheckInStatus)],
    day: NaiveDate,
    status: CheckInStatus,
) -> Vec<(NaiveDate, CheckInStatus)> {
    let mut changed: Vec<_> = history.iter().copied().filter(|(d, _)| *d != day).collect();
    changed.push((day, status));
    changed
}

proptest! {
    #[test]
    fn adding_a_done_never_lowers_streaks_or_strength(
        (goal, today, history, pick) in a_goal().prop_flat_map(|(goal, today)| {
            let length = (today - goal.started_on).num_days() as u64;
            (Just(goal), Just(today), a_history(goal, today), 0..=length)
        })
    ) {
        let day = goal.started_on + Days::new(pick);
        prop_assume!(history.iter().all(|(d, _)| *d != day));
        let before = progress(&goal, &history, today, 7);
        let after = progress(&goal, &with(&history, day, Done), today, 7);
        prop_assert!(after.current_streak >= before.current_streak);
        prop_assert!(after.best_streak >= before.best_streak);
        prop_assert!(after.strength >= before.strength);
    }

    #[test]
    fn recording_a_slip_costs_at_most_one_kept_day(
        (goal, today, history, pick) in a_goal().prop_flat_map(|(goal, today)| {
            let length = (today - goal.started_on).num_days() as u64;
            let goal = Schedule { kind: GoalKind::Quit, ..goal };
            (Just(goal), Just(today), a_history(goal, today), 0..=length)
        })
    ) {
        let day = goal.started_on + Days::new(pick);
        prop_assume!(!history.contains(&(day, Slipped)));
        let kept = |history: &[(NaiveDate, CheckInStatus)]| {
            progress(&goal, history, today, 1).quit.expect("a quit goal").days_kept
        };
        let before = kept(&history);
        let after = kept(&with(&history, day, Slipped));
        prop_assert!(after <= before && before - after <= 1, "{before} -> {after}");
    }

    #[test]
    fn figures_stay_in_their_ranges(
        (goal, today, history) in a_goal().prop_flat_map(|(goal, today)| {
            (Just(goal), Just(today), a_history(goal, today))
        }),
        series_days in 1u32..=366,
    ) {
        let progress = progress(&goal, &history, today, series_days);
        prop_assert!(progress.best_streak >= progress.current_streak);
        prop_assert!(progress.strength <= 100);
        for rate in [progress.completion.last_7_days, progress.completion.last_30_days, progress.completion.last_90_days]
            .into_iter()
            .flatten()
        {
            prop_assert!((0.0..=1.0).contains(&rate), "{rate}");
        }
        prop_assert_eq!(progress.series.len(), series_days as usize);
        prop_assert_eq!(progress.series.last().map(|(d, _)| *d), Some(today));
        let mut seen = std::collections::HashSet::new();
        for milestone in &progress.milestones {
            prop_assert!(is_milestone(milestone.threshold));
            prop_assert!(seen.insert((milestone.metric, milestone.threshold)), "recorded once");
            prop_assert!(milestone.reached_on >= goal.started_on && milestone.reached_on <= today);
        }
        if let Some(quit) = progress.quit {
            let days = (today - goal.started_on).num_days() as u32 + 1;
            prop_assert!(quit.days_kept + quit.slips <= days);
        }
    }

    /// A daily quit goal's figures tell one story: days kept are its kept
    /// periods, the current streak is the run since the last slip (or since
    /// the start), and the chart shows exactly those days as kept.
    #[test]
    fn a_quit_goal_tells_one_story(
        (goal, today, history) in a_goal().prop_flat_map(|(goal, today)| {
            let goal = Schedule { kind: GoalKind::Quit, cadence: Cadence::Daily, ..goal };
            (Just(goal), Just(today), a_history(goal, today))
        })
    ) {
        let days = (today - goal.started_on).num_days() as u32 + 1;
        let progress = progress(&goal, &history, today, days);
        let quit = progress.quit.expect("a quit goal");
        let kept_in_chart = progress
            .series
            .iter()
            .filter(|(_, state)| matches!(state, DayState::Done | DayState::Unlogged))
            .count() as u32;
        prop_assert_eq!(kept_in_chart, quit.days_kept);
        prop_assert!(progress.series.iter().all(|(_, state)| *state != DayState::Missed));
        let last_slip = history.iter().filter(|(_, s)| *s == Slipped).map(|(d, _)| *d).max();
        // Days since the slip (or the start), less today while it is open
        // (a quit goal has no rest days: a stored skip is no check-in).
        let run_from = last_slip.map_or(goal.started_on, |slip| slip + Days::new(1));
        let expected = run_from
            .iter_days()
            .take_while(|day| *day <= today)
            .filter(|day| {
                let status = history.iter().find(|(d, _)| d == day).map(|(_, s)| *s);
                match status {
                    Some(Done) => true,
                    Some(Slipped) => false,
                    Some(Skipped) | None => *day < today,
                }
            })
            .count() as u32;
        prop_assert_eq!(progress.current_streak, expected);
        if last_slip.is_none() {
            for rate in [progress.completion.last_7_days, progress.completion.last_30_days, progress.completion.last_90_days]
                .into_iter()
                .flatten()
            {
                prop_assert_eq!(rate, 1.0);
            }
        }
    }
}
