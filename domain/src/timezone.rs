use chrono::{DateTime, NaiveDate, Utc};
use std::{fmt, str::FromStr};

/// An IANA time zone (`Europe/Berlin`): the days a member lives through are
/// local dates in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(chrono_tz::Tz);

/// The string names no IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("is not an IANA time zone name such as Europe/Berlin")]
pub struct TimeZoneError;

impl TimeZone {
    /// The longest name a zone has (`America/Argentina/ComodRivadavia`
    /// is 32 characters); a bound for the spec.
    pub const MAX_NAME_LEN: usize = 64;

    /// Parses an IANA name, exactly as the database spells it.
    pub fn parse(raw: &str) -> Result<Self, TimeZoneError> {
        chrono_tz::Tz::from_str(raw)
            .map(Self)
            .map_err(|_| TimeZoneError)
    }

    /// The zone, for date arithmetic.
    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The local date in this zone at the instant `now`.
    pub fn today(self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.0).date_naive()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Days, NaiveTime, TimeDelta, TimeZone as _};
    use proptest::prelude::*;

    proptest! {
        /// A day is a day across daylight saving changes: from local noon,
        /// 24 hours later is the next local date even where that day has
        /// 23 or 25 hours.
        #[test]
        fn a_day_across_daylight_saving_is_still_one_day(
            zone in prop::sample::select(vec!["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]),
            offset in 0u64..(366 * 4),
        ) {
            let zone = TimeZone::parse(zone).expect("known zone");
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date") + Days::new(offset);
            let noon = zone.tz().from_local_datetime(&date.and_time(NaiveTime::MIN + TimeDelta::hours(12)))
                .single().expect("noon exists in every zone").with_timezone(&Utc);
            prop_assert_eq!(zone.today(noon), date);
            prop_assert_eq!(zone.today(noon + TimeDelta::hours(24)), date + Days::new(1));
        }
    }

    #[test]
    fn knows_iana_names_and_nothing_else() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").expect("valid").name(),
            "Europe/Berlin"
        );
        assert_eq!(TimeZone::parse("UTC").expect("valid").name(), "UTC");
        assert_eq!(TimeZone::parse("Mars/Olympus"), Err(TimeZoneError));
        assert_eq!(TimeZone::parse(""), Err(TimeZoneError));
    }

    #[test]
    fn every_known_zone_round_trips() {
        for name in chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()) {
            assert_eq!(TimeZone::parse(name).map(TimeZone::name), Ok(name));
            assert!(name.len() <= TimeZone::MAX_NAME_LEN, "{name}");
        }
    }
}
