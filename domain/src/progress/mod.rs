//! Progress over time, computed from a goal's check-ins as pure functions.
//!
//! Everything is counted in local dates of the member's time zone, so a day
//! is a day whatever daylight saving does, and changing the time zone later
//! rewrites nothing already recorded.
//!
//! The goal's history is cut into *due periods*: each due day for `daily`
//! and `days` cadences, each ISO week for `weekly`. A period is
//! - **kept** when it was done (a week: done at least its number of times),
//! - **excused** when planned rest made up for it (a skipped day; a week
//!   whose done and skipped days together reach the number),
//! - **missed** when it passed without that, or held a slip,
//! - **pending** while it is today (or this week) and not yet kept.
//!
//! Excused and pending periods neither count for nor break anything: rest is
//! part of recovery, and a day is not missed before it is over.
//!
//! A quit goal (always daily) tells one story in every figure: a day passes
//! kept unless it holds a slip. A past day without a check-in is kept, for
//! the streak, the strength, the completion and days kept alike; the chart
//! shows it as `unlogged`, kept but not checked in. Only a slip breaks it.
//! A quit goal has no rest days; a `skipped` stored for one (which the API
//! no longer takes) counts as a day without a check-in.

use crate::goal::{Cadence, CheckInStatus, GoalKind};
use chrono::{Datelike, Days, NaiveDate};

/// What progress is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Build or quit.
    pub kind: GoalKind,
    /// How often it is due.
    pub cadence: Cadence,
    /// The first local date of the goal.
    pub started_on: NaiveDate,
}

/// The unit a goal's streaks are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreakUnit {
    /// Due days (`daily` and `days` cadences).
    Days,
    /// ISO weeks (`weekly`).
    Weeks,
}

/// What a milestone counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// A build goal's streak, in its unit.
    Streak,
    /// A quit goal's days kept.
    DaysKept,
}

impl Metric {
    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Streak => "streak",
            Self::DaysKept => "days_kept",
        }
    }
}

/// A threshold reached for the first time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    /// What reached it.
    pub metric: Metric,
    /// 1, 3, 7, 14, 30, 60, 90, 180, 365, then every 365 more.
    pub threshold: u32,
    /// The local date it was reached.
    pub reached_on: NaiveDate,
}

/// Whether `n` is a milestone threshold.
pub fn is_milestone(n: u32) -> bool {
    const FIRST: [u32; 9] = [1, 3, 7, 14, 30, 60, 90, 180, 365];
    FIRST.contains(&n) || (n > 365 && n.is_multiple_of(365))
}

/// How one day of the chart looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayState {
    /// Checked in as done.
    Done,
    /// Checked in as a rest day.
    Skipped,
    /// Checked in as a slip.
    Slipped,
    /// Due and passed without a check-in (for weekly goals: a day without a
    /// check-in in a week that was missed).
    Missed,
    /// Nothing was due (before the start, a weekday off, a day of a week
    /// that is kept or still open).
    NotDue,
    /// Due today and not yet checked in.
    Pending,
    /// A quit goal's past day without a check-in: kept, as every day a
    /// member stayed away is, but not logged.
    Unlogged,
}

impl DayState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Skipped => "skipped",
            Self::Slipped => "slipped",
            Self::Missed => "missed",
            Self::NotDue => "not_due",
            Self::Pending => "pending",
            Self::Unlogged => "unlogged",
        }
    }
}

/// Share of due periods kept over recent windows; `None` where no period
/// was due (or all were excused).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Completion {
    /// Over the last 7 days.
    pub last_7_days: Option<f64>,
    /// Over the last 30 days.
    pub last_30_days: Option<f64>,
    /// Over the last 90 days.
    pub last_90_days: Option<f64>,
}

/// A quit goal's counts: a slip takes away its own day, nothing before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuitStats {
    /// Days since the start without a slip (today only once checked in done).
    pub days_kept: u32,
    /// Days since the last slip; `None` when there was none.
    pub days_since_last_slip: Option<u32>,
    /// Slips recorded.
    pub slips: u32,
}

/// Everything the progress answer shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// The unit of the streaks.
    pub unit: StreakUnit,
    /// Kept periods in a row up to now.
    pub current_streak: u32,
    /// The longest run of kept periods ever.
    pub best_streak: u32,
    /// Habit strength, 0 to 100 (see [`strength`]).
    pub strength: u8,
    /// Recent completion rates.
    pub completion: Completion,
    /// For quit goals only.
    pub quit: Option<QuitStats>,
    /// Every milestone reached, in order.
    pub milestones: Vec<Milestone>,
    /// One entry a day, oldest first, ending today.
    pub series: Vec<(NaiveDate, DayState)>,
}

/// Computes a goal's progress on `today` from its check-ins (in any order;
/// those outside the start..=today range are ignored), with a chart of the
/// last `series_days` days.
pub fn progress(
    schedule: &Schedule,
    check_ins: &[(NaiveDate, CheckInStatus)],
    today: NaiveDate,
    series_days: u32,
) -> Progress {
    let log = Log::new(schedule, today, check_ins);
    let periods = periods(schedule, &log, today);
    let (current_streak, best_streak, streak_milestones) = streaks(&periods);
    let quit = (schedule.kind == GoalKind::Quit).then(|| quit_stats(&log, today));
    let milestones = match schedule.kind {
        GoalKind::Build => streak_milestones,
        GoalKind::Quit => days_kept_milestones(&log, today),
    };
    let unit = match schedule.cadence {
        Cadence::Weekly { .. } => StreakUnit::Weeks,
        Cadence::Daily | Cadence::Days(_) => StreakUnit::Days,
    };
    Progress {
        unit,
        current_streak,
        best_streak,
        strength: strength(&periods, unit),
        completion: Completion {
            last_7_days: completion(&periods, today, 7),
            last_30_days: completion(&periods, today, 30),
            last_90_days: completion(&periods, today, 90),
        },
        quit,
        milestones,
        series: series(schedule, &log, &periods, today, series_days),
    }
}

/// The check-ins as one slot a day from the start to today.
struct Log {
    start: NaiveDate,
    days: Vec<Option<CheckInStatus>>,
}

impl Log {
    fn new(
        schedule: &Schedule,
        today: NaiveDate,
        check_ins: &[(NaiveDate, CheckInStatus)],
    ) -> Self {
        let start = schedule.started_on;
        let len = usize::try_from((today - start).num_days() + 1).unwrap_or(0);
        let mut days = vec![None; len];
        let quit = schedule.kind == GoalKind::Quit;
        for (date, status) in check_ins {
            if quit && *status == CheckInStatus::Skipped {
                continue;
            }
            if let Some(slot) = index(start, *date).and_then(|i| days.get_mut(i)) {
                *slot = Some(*status);
            }
        }
        Self { start, days }
    }

    fn get(&self, date: NaiveDate) -> Option<CheckInStatus> {
        index(self.start, date).and_then(|i| self.days.get(i).copied().flatten())
    }

    fn dated(&self) -> impl Iterator<Item = (NaiveDate, Option<CheckInStatus>)> + '_ {
        self.start.iter_days().zip(self.days.iter().copied())
    }
}

fn index(start: NaiveDate, date: NaiveDate) -> Option<usize> {
    usize::try_from((date - start).num_days()).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Kept,
    Excused,
    Missed,
    Pending,
}

#[derive(Debug, Clone, Copy)]
struct Period {
    /// The last day of the period that has begun (today for the current one).
    last: NaiveDate,
    outcome: Outcome,
    /// When it was kept: the day, or the day a week's count was reached.
    kept_on: NaiveDate,
}

fn periods(schedule: &Schedule, log: &Log, today: NaiveDate) -> Vec<Period> {
    let cadence = schedule.cadence;
    match cadence {
        Cadence::Daily | Cadence::Days(_) => log
            .dated()
            .filter(|(date, _)| cadence.is_due_day(*date))
            .map(|(date, status)| Period {
                last: date,
                kept_on: date,
                outcome: match status {
                    Some(CheckInStatus::Done) => Outcome::Kept,
                    Some(CheckInStatus::Skipped) => Outcome::Excused,
                    Some(CheckInStatus::Slipped) => Outcome::Missed,
                    None if date == today => Outcome::Pending,
                    None if schedule.kind == GoalKind::Quit => Outcome::Kept,
                    None => Outcome::Missed,
                },
            })
            .collect(),
        Cadence::Weekly { times } => weeks(log, today, u32::from(times)),
    }
}

fn weeks(log: &Log, today: NaiveDate, times: u32) -> Vec<Period> {
    let mut periods = Vec::new();
    let mut monday = week_start(log.start);
    while monday <= today {
        let sunday = monday + Days::new(6);
        let first = monday.max(log.start);
        let last = sunday.min(today);
        // A first week that starts mid-week asks no more than its days allow.
        let days_in_week = u32::try_from((sunday - first).num_days() + 1).unwrap_or(7);
        let required = times.min(days_in_week);
        let (mut done, mut skipped, mut slipped) = (0, 0, 0);
        let mut kept_on = last;
        for date in first.iter_days().take_while(|date| *date <= last) {
            match log.get(date) {
                Some(CheckInStatus::Done) => {
                    done += 1;
                    if done == required {
                        kept_on = date;
                    }
                }
                Some(CheckInStatus::Skipped) => skipped += 1,
                Some(CheckInStatus::Slipped) => slipped += 1,
                None => {}
            }
        }
        let outcome = if slipped > 0 {
            Outcome::Missed
        } else if done >= required {
            Outcome::Kept
        } else if sunday >= today {
            Outcome::Pending
        } else if done + skipped >= required {
            Outcome::Excused
        } else {
            Outcome::Missed
        };
        periods.push(Period {
            last,
            outcome,
            kept_on,
        });
        monday = monday + Days::new(7);
    }
    periods
}

fn week_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// Current and best streak, and the streak milestones in the order reached.
fn streaks(periods: &[Period]) -> (u32, u32, Vec<Milestone>) {
    let mut run = 0;
    let mut best = 0;
    let mut milestones = Vec::new();
    for period in periods {
        match period.outcome {
            Outcome::Kept => {
                run += 1;
                if run > best {
                    best = run;
                    if is_milestone(best) {
                        milestones.push(Milestone {
                            metric: Metric::Streak,
                            threshold: best,
                            reached_on: period.kept_on,
                        });
                    }
                }
            }
            Outcome::Missed => run = 0,
            Outcome::Excused | Outcome::Pending => {}
        }
    }
    (run, best, milestones)
}

/// Habit strength, an exponential moving average over due periods in the
/// spirit of Loop Habit Tracker's habit strength:
///
/// ```text
/// s₀ = 0
/// sₙ = sₙ₋₁ · d + kₙ · (1 − d),   d = ½^(1/h)
/// ```
///
/// where kₙ is 1 for a kept period and 0 for a missed one (or a slip), and
/// excused or pending periods leave s unchanged. `h` is the half-life in
/// periods: 13 for days, 3 for weeks. So one miss takes away only a share
/// (about 5% of the score for a daily goal), never everything at once, and
/// the score climbs back as the member keeps going. Reported as
/// round(100 · s).
pub fn strength_decay(unit: StreakUnit) -> f64 {
    let half_life = match unit {
        StreakUnit::Days => 13.0,
        StreakUnit::Weeks => 3.0,
    };
    0.5_f64.powf(1.0 / half_life)
}

fn strength(periods: &[Period], unit: StreakUnit) -> u8 {
    let decay = strength_decay(unit);
    let score = periods
        .iter()
        .fold(0.0, |score, period| match period.outcome {
            Outcome::Kept => score * decay + (1.0 - decay),
            Outcome::Missed => score * decay,
            Outcome::Excused | Outcome::Pending => score,
        });
    // Within 0..=1 by construction; the clamp only guards rounding.
    (score.clamp(0.0, 1.0) * 100.0).round() as u8
}

/// Kept / (kept + missed) over periods whose last day falls in the last `n`
/// days.
fn completion(periods: &[Period], today: NaiveDate, n: u64) -> Option<f64> {
    let from = today - Days::new(n - 1);
    let (kept, missed) = periods.iter().filter(|period| period.last >= from).fold(
        (0u32, 0u32),
        |(kept, missed), period| match period.outcome {
            Outcome::Kept => (kept + 1, missed),
            Outcome::Missed => (kept, missed + 1),
            Outcome::Excused | Outcome::Pending => (kept, missed),
        },
    );
    let due = kept + missed;
    (due > 0).then(|| f64::from(kept) / f64::from(due))
}

/// Whether a day counts as kept for a quit goal: it passed without a slip,
/// or it is today and already checked in done.
fn kept_day(date: NaiveDate, status: Option<CheckInStatus>, today: NaiveDate) -> bool {
    match status {
        Some(CheckInStatus::Slipped) => false,
        Some(CheckInStatus::Done) => true,
        _ => date < today,
    }
}

fn quit_stats(log: &Log, today: NaiveDate) -> QuitStats {
    let mut stats = QuitStats {
        days_kept: 0,
        days_since_last_slip: None,
        slips: 0,
    };
    for (date, status) in log.dated() {
        if status == Some(CheckInStatus::Slipped) {
            stats.slips += 1;
            stats.days_since_last_slip = u32::try_from((today - date).num_days()).ok();
        } else if kept_day(date, status, today) {
            stats.days_kept += 1;
        }
    }
    stats
}

fn days_kept_milestones(log: &Log, today: NaiveDate) -> Vec<Milestone> {
    let mut kept = 0;
    let mut milestones = Vec::new();
    for (date, status) in log.dated() {
        if kept_day(date, status, today) {
            kept += 1;
            if is_milestone(kept) {
                milestones.push(Milestone {
                    metric: Metric::DaysKept,
                    threshold: kept,
                    reached_on: date,
                });
            }
        }
    }
    milestones
}

fn series(
    schedule: &Schedule,
    log: &Log,
    periods: &[Period],
    today: NaiveDate,
    days: u32,
) -> Vec<(NaiveDate, DayState)> {
    let from = today - Days::new(u64::from(days.max(1)) - 1);
    let first_monday = week_start(schedule.started_on);
    from.iter_days()
        .take_while(|date| *date <= today)
        .map(|date| {
            let state = if date < schedule.started_on {
                DayState::NotDue
            } else {
                match log.get(date) {
                    Some(CheckInStatus::Done) => DayState::Done,
                    Some(CheckInStatus::Skipped) => DayState::Skipped,
                    Some(CheckInStatus::Slipped) => DayState::Slipped,
                    None => match schedule.cadence {
                        Cadence::Weekly { .. } => {
                            let week = index(first_monday, date).map(|i| i / 7);
                            let missed = week
                                .and_then(|week| periods.get(week))
                                .is_some_and(|period| period.outcome == Outcome::Missed);
                            if missed {
                                DayState::Missed
                            } else {
                                DayState::NotDue
                            }
                        }
                        cadence if !cadence.is_due_day(date) => DayState::NotDue,
                        _ if date == today => DayState::Pending,
                        _ if schedule.kind == GoalKind::Quit => DayState::Unlogged,
                        _ => DayState::Missed,
                    },
                }
            };
            (date, state)
        })
        .collect()
}

#[cfg(test)]
mod tests;
