//! Goals and check-ins: what a member sets out to do, and each day's record
//! of how it went. Parsing only: the rules over time live in `progress`.

use crate::text::{TextRule, required_text};
use chrono::{Datelike, NaiveDate, Weekday};

/// A member may keep at most this many active goals: a handful of goals
/// kept beats fifty abandoned.
pub const MAX_ACTIVE_GOALS: usize = 50;

/// A member keeps at most this many archived goals: enough for years of
/// goals set and set aside, and a bound on what one account can store.
pub const MAX_ARCHIVED_GOALS: usize = 1_000;

/// How far back a check-in may be recorded or taken back, in days before
/// today: a phone offline for a week still syncs, but history does not
/// stay editable forever.
pub const BACKFILL_DAYS: i64 = 14;

/// Whether a goal is about doing something or keeping away from something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GoalKind {
    /// Do something: go to a meeting, walk, take the medication.
    Build,
    /// Keep away from something: alcohol, gambling. Only these can slip.
    Quit,
}

/// How often a goal is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadence {
    /// Every day.
    Daily,
    /// A number of times (1 to 7) in each ISO week, on any days.
    Weekly {
        /// Times per week.
        times: u8,
    },
    /// On the given weekdays.
    Days(WeekdaySet),
}

/// Why a cadence is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CadenceError {
    /// `weekly` outside 1 to 7 times.
    #[error("must be between 1 and 7")]
    Times,
    /// `days` with no day, or a name that is no weekday.
    #[error("must name at least one of mon, tue, wed, thu, fri, sat, sun, and nothing else")]
    Days,
}

impl Cadence {
    /// A weekly cadence, checking the count.
    pub fn weekly(times: i64) -> Result<Self, CadenceError> {
        match u8::try_from(times) {
            Ok(times @ 1..=7) => Ok(Self::Weekly { times }),
            _ => Err(CadenceError::Times),
        }
    }

    /// A cadence on named weekdays (`mon` … `sun`), at least one.
    pub fn days<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, CadenceError> {
        let set = WeekdaySet::parse(names)?;
        if set.is_empty() {
            return Err(CadenceError::Days);
        }
        Ok(Self::Days(set))
    }

    /// Whether a single day is due on its own (weekly goals have no due days,
    /// only due weeks).
    pub fn is_due_day(self, date: NaiveDate) -> bool {
        match self {
            Self::Daily => true,
            Self::Weekly { .. } => false,
            Self::Days(set) => set.contains(date.weekday()),
        }
    }
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekdaySet(u8);

impl WeekdaySet {
    /// Parses short names, ignoring repeats.
    pub fn parse<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, CadenceError> {
        names.into_iter().try_fold(Self(0), |set, name| {
            let day = WEEKDAYS
                .iter()
                .find(|(short, _)| *short == name)
                .map(|(_, day)| *day)
                .ok_or(CadenceError::Days)?;
            Ok(set.with(day))
        })
    }

    /// The set with `day` added.
    pub fn with(self, day: Weekday) -> Self {
        Self(self.0 | 1 << day.num_days_from_monday())
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// Whether no day is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The short names, Monday first.
    pub fn names(self) -> Vec<&'static str> {
        WEEKDAYS
            .iter()
            .filter(|(_, day)| self.contains(*day))
            .map(|(short, _)| *short)
            .collect()
    }
}

/// The short weekday names a `days` cadence takes, Monday first.
pub const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// Who may see a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Its owner only. The default.
    Private,
    /// Its owner and their active partners.
    Partners,
}

/// How a due day went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckInStatus {
    /// Done (build) or kept away (quit).
    Done,
    /// A planned rest day: keeps a streak alive without counting for it.
    Skipped,
    /// A slip (quit goals only): recorded as an event, never as a reset.
    Slipped,
}

/// A name that is not one of the values a field takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of {0}")]
pub struct UnknownName(pub &'static str);

/// Gives a fieldless enum its wire names: `ALL`, `as_str`, `FromStr` (with
/// an [`UnknownName`] error listing `$expected`) and `Display`.
macro_rules! named {
    ($type:ident, $expected:literal, $($variant:ident => $name:literal),+ $(,)?) => {
        impl $type {
            /// Every value, in the order the API lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire and storage name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
        }

        impl ::std::str::FromStr for $type {
            type Err = $crate::goal::UnknownName;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                match raw {
                    $($name => Ok(Self::$variant),)+
                    _ => Err($crate::goal::UnknownName($expected)),
                }
            }
        }

        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use named;

named!(GoalKind, "build, quit", Build => "build", Quit => "quit");
named!(Visibility, "private, partners", Private => "private", Partners => "partners");
named!(CheckInStatus, "done, skipped, slipped", Done => "done", Skipped => "skipped", Slipped => "slipped");

required_text!(
    /// A goal's title: one line of 1 to 120 characters after trimming.
    GoalTitle,
    TextRule::GOAL_TITLE
);

/// How a member felt, 1 (low) to 5 (high).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mood(u8);

/// The number is outside 1 to 5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between 1 and 5")]
pub struct MoodError;

impl Mood {
    /// Checks the range.
    pub fn parse(raw: i64) -> Result<Self, MoodError> {
        match u8::try_from(raw) {
            Ok(n @ 1..=5) => Ok(Self(n)),
            _ => Err(MoodError),
        }
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Why a goal may not start on a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// After today in the member's time zone.
    #[error("must not be in the future")]
    InFuture,
    /// Before 1900: a typo, not a date.
    #[error("must not be before 1900-01-01")]
    TooEarly,
}

/// Checks a goal's start date against the member's `today`.
pub fn check_start(started_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, StartError> {
    if started_on > today {
        return Err(StartError::InFuture);
    }
    if started_on < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(StartError::TooEarly);
    }
    Ok(started_on)
}

/// Why a day cannot be checked in (or taken back).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInDateError {
    /// After today in the member's time zone.
    #[error("must not be after today ({today})")]
    InFuture {
        /// The member's today.
        today: NaiveDate,
    },
    /// Before the goal started.
    #[error("must not be before the goal started ({started_on})")]
    BeforeStart {
        /// The goal's start.
        started_on: NaiveDate,
    },
    /// Outside the backfill window.
    #[error(
        "is more than 14 days ago; check-ins can be recorded or changed for the last 14 days only"
    )]
    TooOld,
}

/// Whether `date` may be checked in on (or taken back) today.
pub fn check_in_date(
    date: NaiveDate,
    started_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, CheckInDateError> {
    if date > today {
        return Err(CheckInDateError::InFuture { today });
    }
    if date < started_on {
        return Err(CheckInDateError::BeforeStart { started_on });
    }
    if (today - date).num_days() > BACKFILL_DAYS {
        return Err(CheckInDateError::TooOld);
    }
    Ok(date)
}

/// A status a goal of this kind cannot have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// A build goal cannot slip.
    #[error("slipped is for quit goals only; a build goal is done or skipped")]
    BuildSlipped,
    /// A quit goal has no rest days: every day without a slip is kept.
    #[error("skipped is for build goals only; a quit goal's day is done or slipped")]
    QuitSkipped,
}

/// Whether `status` fits a goal of `kind`.
pub fn check_status(kind: GoalKind, status: CheckInStatus) -> Result<CheckInStatus, StatusError> {
    match (kind, status) {
        (GoalKind::Build, CheckInStatus::Slipped) => Err(StatusError::BuildSlipped),
        (GoalKind::Quit, CheckInStatus::Skipped) => Err(StatusError::QuitSkipped),
        _ => Ok(status),
    }
}

/// A cadence a goal of this kind cannot have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a quit goal is daily: every day kept away counts")]
pub struct QuitCadenceError;

/// Whether `cadence` fits a goal of `kind`: a quit goal is kept (or not)
/// every day, so it is daily.
pub fn check_cadence(kind: GoalKind, cadence: Cadence) -> Result<Cadence, QuitCadenceError> {
    match (kind, cadence) {
        (GoalKind::Quit, Cadence::Weekly { .. } | Cadence::Days(_)) => Err(QuitCadenceError),
        _ => Ok(cadence),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn names_round_trip() {
        for kind in [GoalKind::Build, GoalKind::Quit] {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
        for status in [
            CheckInStatus::Done,
            CheckInStatus::Skipped,
            CheckInStatus::Slipped,
        ] {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert_eq!(
            "Done".parse::<CheckInStatus>(),
            Err(UnknownName("done, skipped, slipped"))
        );
    }

    #[test]
    fn cadences_check_their_numbers() {
        assert_eq!(Cadence::weekly(3), Ok(Cadence::Weekly { times: 3 }));
        assert_eq!(Cadence::weekly(0), Err(CadenceError::Times));
        assert_eq!(Cadence::weekly(8), Err(CadenceError::Times));
        assert_eq!(Cadence::days(Vec::new()), Err(CadenceError::Days));
        assert_eq!(Cadence::days(["mon", "funday"]), Err(CadenceError::Days));
        let Ok(Cadence::Days(set)) = Cadence::days(["thu", "mon", "thu"]) else {
            panic!("valid days");
        };
        assert_eq!(set.names(), ["mon", "thu"]);
        assert!(
            Cadence::Days(set).is_due_day(date(2026, 11, 23)),
            "a Monday"
        );
        assert!(
            !Cadence::Days(set).is_due_day(date(2026, 11, 22)),
            "a Sunday"
        );
    }

    #[test]
    fn check_in_dates_live_in_a_window() {
        let today = date(2026, 11, 22);
        let start = date(2026, 11, 1);
        assert_eq!(check_in_date(today, start, today), Ok(today));
        assert_eq!(
            check_in_date(date(2026, 11, 8), start, today),
            Ok(date(2026, 11, 8))
        );
        assert_eq!(
            check_in_date(date(2026, 11, 7), start, today),
            Err(CheckInDateError::TooOld)
        );
        assert!(matches!(
            check_in_date(date(2026, 11, 23), start, today),
            Err(CheckInDateError::InFuture { .. })
        ));
        assert!(matches!(
            check_in_date(date(2026, 11, 20), date(2026, 11, 21), today),
            Err(CheckInDateError::BeforeStart { .. })
        ));
    }

    #[test]
    fn only_quit_goals_slip() {
        assert_eq!(
            check_status(GoalKind::Build, CheckInStatus::Slipped),
            Err(StatusError::BuildSlipped)
        );
        assert_eq!(
            check_status(GoalKind::Quit, CheckInStatus::Skipped),
            Err(StatusError::QuitSkipped)
        );
        assert_eq!(
            check_cadence(GoalKind::Quit, Cadence::Weekly { times: 3 }),
            Err(QuitCadenceError)
        );
        assert_eq!(
            check_cadence(GoalKind::Quit, Cadence::Daily),
            Ok(Cadence::Daily)
        );
        assert_eq!(
            check_status(GoalKind::Quit, CheckInStatus::Slipped),
            Ok(CheckInStatus::Slipped)
        );
    }

    proptest! {
        #[test]
        fn titles_are_trimmed_and_bounded(raw in "\\PC{0,130}") {
            match GoalTitle::parse(&raw) {
                Ok(title) => {
                    prop_assert_eq!(title.as_str(), raw.trim());
                    prop_assert!((1..=120).contains(&title.as_str().chars().count()));
                }
                Err(_) => {
                    let n = raw.trim().chars().count();
                    let hidden = raw.chars().any(|c| crate::text::is_invisible(c) || c == '\u{2028}' || c == '\u{2029}');
                    prop_assert!(n == 0 || n > 120 || hidden);
                }
            }
        }

        #[test]
        fn mood_is_one_to_five(n in -10i64..10) {
            prop_assert_eq!(Mood::parse(n).is_ok(), (1..=5).contains(&n));
        }
    }
}
