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

    /// Every name [`TimeZone::parse`] accepts.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
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
        for name in TimeZone::all_names() {
            assert_eq!(TimeZone::parse(name).map(TimeZone::name), Ok(name));
        }
    }
}
