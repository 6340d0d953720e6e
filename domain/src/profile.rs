//! The parts of a member's profile they may change, each parsed into a type
//! that cannot hold a bad value.

use crate::{
    DisplayName, TimeZone,
    text::{Text, TextError, TextRule},
};
use chrono::{NaiveDate, NaiveTime};
use std::{fmt, str::FromStr};

/// What a member is recovering from. A member may name several, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecoveryFocus {
    /// Alcohol.
    Alcohol,
    /// Drugs.
    Drugs,
    /// Gambling.
    Gambling,
    /// Grief and loss.
    Grief,
    /// Recovery from heart surgery or a cardiac event.
    Cardiac,
    /// Cancer treatment.
    Cancer,
    /// A mental health crisis.
    MentalHealth,
    /// Eating disorders.
    Eating,
    /// Anything else.
    Other,
}

/// The string names no [`RecoveryFocus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "is not one of alcohol, drugs, gambling, grief, cardiac, cancer, mental_health, eating, other"
)]
pub struct RecoveryFocusError;

impl RecoveryFocus {
    /// Every focus, in the order the API lists them.
    pub const ALL: [Self; 9] = [
        Self::Alcohol,
        Self::Drugs,
        Self::Gambling,
        Self::Grief,
        Self::Cardiac,
        Self::Cancer,
        Self::MentalHealth,
        Self::Eating,
        Self::Other,
    ];

    /// The wire and storage name (`mental_health`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alcohol => "alcohol",
            Self::Drugs => "drugs",
            Self::Gambling => "gambling",
            Self::Grief => "grief",
            Self::Cardiac => "cardiac",
            Self::Cancer => "cancer",
            Self::MentalHealth => "mental_health",
            Self::Eating => "eating",
            Self::Other => "other",
        }
    }

    /// Parses a list, dropping repeats and keeping a stable order, so the same
    /// set always reads back the same.
    pub fn parse_set<'a>(
        raw: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<Self>, RecoveryFocusError> {
        let mut set = raw
            .into_iter()
            .map(Self::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        set.sort_unstable();
        set.dedup();
        Ok(set)
    }
}

impl FromStr for RecoveryFocus {
    type Err = RecoveryFocusError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|focus| focus.as_str() == raw)
            .ok_or(RecoveryFocusError)
    }
}

impl fmt::Display for RecoveryFocus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many active partners a member wants at most: 1 to 5. Small on
/// purpose: accountability needs attention, and attention does not scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MaxPartners(u8);

/// The number is outside 1 to 5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between 1 and 5")]
pub struct MaxPartnersError;

impl MaxPartners {
    /// What a new member starts with.
    pub const DEFAULT: Self = Self(1);

    /// Checks the range.
    pub fn parse(raw: i64) -> Result<Self, MaxPartnersError> {
        match u8::try_from(raw) {
            Ok(n @ 1..=5) => Ok(Self(n)),
            _ => Err(MaxPartnersError),
        }
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Local times of day between which a member gets no pushes. The window may
/// cross midnight (22:00 to 07:00). It is never empty: a start equal to its
/// end means no quiet hours at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    start: NaiveTime,
    end: NaiveTime,
}

impl QuietHours {
    /// Builds the window; `None` when start and end are the same time, an
    /// empty window.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Option<Self> {
        (start != end).then_some(Self { start, end })
    }

    /// When quiet begins.
    pub fn start(self) -> NaiveTime {
        self.start
    }

    /// When quiet ends.
    pub fn end(self) -> NaiveTime {
        self.end
    }

    /// Whether a local time falls inside the window (start inclusive, end
    /// exclusive).
    pub fn contains(self, time: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        }
    }
}

/// A few words a member writes about themself: at most 500 characters,
/// several lines allowed, stored trimmed. An empty bio is no bio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bio(Text);

impl Bio {
    /// The field's rule.
    pub const RULE: TextRule = TextRule::BIO;

    /// Checks the text; `None` when nothing is left after trimming.
    pub fn parse(raw: &str) -> Result<Option<Self>, TextError> {
        Ok(Text::parse(raw, Self::RULE)?.map(Self))
    }

    /// The text as storage holds it (see [`Text::stored`]).
    pub fn stored(text: String) -> Self {
        Self(Text::stored(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// The day a member's recovery began, as they count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RecoverySince(NaiveDate);

/// Why a date cannot be a [`RecoverySince`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoverySinceError {
    /// After today in the member's time zone.
    #[error("must not be in the future")]
    InFuture,
    /// Before 1900: a typo, not a date.
    #[error("must not be before 1900-01-01")]
    TooEarly,
}

impl RecoverySince {
    /// Checks the date against `today`, the member's local date.
    pub fn parse(date: NaiveDate, today: NaiveDate) -> Result<Self, RecoverySinceError> {
        if date > today {
            return Err(RecoverySinceError::InFuture);
        }
        if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(RecoverySinceError::TooEarly);
        }
        Ok(Self(date))
    }

    /// The date.
    pub fn date(self) -> NaiveDate {
        self.0
    }
}

/// Everything a member says about themself, each part already valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The name others see.
    pub display_name: DisplayName,
    /// Where the member's days begin and end.
    pub timezone: TimeZone,
    /// A few words about themself, if any.
    pub bio: Option<Bio>,
    /// What they are recovering from; may be empty.
    pub recovery_focus: Vec<RecoveryFocus>,
    /// When their recovery began, if they want to say.
    pub recovery_since: Option<RecoverySince>,
    /// Whether they may be suggested as a partner. Off until they say so.
    pub open_to_partnering: bool,
    /// How many active partners they want at most.
    pub max_partners: MaxPartners,
    /// Whether they would mentor a newcomer.
    pub willing_to_mentor: bool,
    /// When they get no pushes.
    pub quiet_hours: Option<QuietHours>,
    /// Whether partners may be told of a missed check-in. Off until they say so.
    pub partner_alerts: bool,
}

impl Profile {
    /// A new member's profile: everything that shares or exposes anything
    /// starts switched off (private by default).
    pub fn new(display_name: DisplayName, timezone: TimeZone) -> Self {
        Self {
            display_name,
            timezone,
            bio: None,
            recovery_focus: Vec::new(),
            recovery_since: None,
            open_to_partnering: false,
            max_partners: MaxPartners::DEFAULT,
            willing_to_mentor: false,
            quiet_hours: None,
            partner_alerts: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
    }

    #[test]
    fn focus_names_round_trip() {
        for focus in RecoveryFocus::ALL {
            assert_eq!(focus.as_str().parse::<RecoveryFocus>(), Ok(focus));
        }
        assert_eq!("Alcohol".parse::<RecoveryFocus>(), Err(RecoveryFocusError));
    }

    #[test]
    fn focus_sets_drop_repeats() {
        let set = RecoveryFocus::parse_set(["grief", "alcohol", "grief"]).expect("valid");
        assert_eq!(set, vec![RecoveryFocus::Alcohol, RecoveryFocus::Grief]);
        assert!(RecoveryFocus::parse_set(["grief", "sadness"]).is_err());
    }

    #[test]
    fn max_partners_is_one_to_five() {
        assert!(MaxPartners::parse(0).is_err());
        assert_eq!(MaxPartners::parse(5).map(MaxPartners::get), Ok(5));
        assert!(MaxPartners::parse(6).is_err());
        assert!(MaxPartners::parse(-1).is_err());
    }

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let night = QuietHours::new(time(22, 0), time(7, 0)).expect("valid");
        assert!(night.contains(time(23, 30)));
        assert!(night.contains(time(0, 0)));
        assert!(night.contains(time(6, 59)));
        assert!(!night.contains(time(7, 0)));
        assert!(!night.contains(time(12, 0)));
        assert_eq!(QuietHours::new(time(9, 0), time(9, 0)), None);
    }

    #[test]
    fn bio_trims_to_nothing() {
        assert_eq!(Bio::parse("   "), Ok(None));
        assert_eq!(Bio::parse(&"x".repeat(501)), Err(TextError::TooLong(500)));
        assert_eq!(
            Bio::parse(" one\n two\n").map(|bio| bio.map(|b| b.as_str().to_owned())),
            Ok(Some("one\n two".to_owned()))
        );
    }

    #[test]
    fn recovery_since_is_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date");
        assert!(RecoverySince::parse(today, today).is_ok());
        assert_eq!(
            RecoverySince::parse(today.succ_opt().expect("valid date"), today),
            Err(RecoverySinceError::InFuture)
        );
        let old = NaiveDate::from_ymd_opt(1899, 12, 31).expect("valid date");
        assert_eq!(
            RecoverySince::parse(old, today),
            Err(RecoverySinceError::TooEarly)
        );
    }

    proptest! {
        #[test]
        fn quiet_hours_cover_start_and_never_end(
            (sh, sm, eh, em) in (0u32..24, 0u32..60, 0u32..24, 0u32..60)
        ) {
            prop_assume!((sh, sm) != (eh, em));
            let quiet = QuietHours::new(time(sh, sm), time(eh, em)).expect("start differs from end");
            prop_assert!(quiet.contains(time(sh, sm)));
            prop_assert!(!quiet.contains(time(eh, em)));
        }
    }
}
