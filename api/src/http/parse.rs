//! Strict parsers for the text forms the API promises: `HH:MM` times of
//! day and `YYYY-MM-DD` dates, nothing looser.

use chrono::{NaiveDate, NaiveTime};

/// A local time of day, `HH:MM` on the 24-hour clock.
pub fn time_of_day(raw: &str) -> Result<NaiveTime, &'static str> {
    // chrono alone would also take "7:5".
    let well_formed = raw.len() == 5 && raw.as_bytes()[2] == b':';
    well_formed
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
        .ok_or("must be a time of day as HH:MM, such as 22:00")
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<NaiveDate, &'static str> {
    let well_formed = raw.len() == 10 && raw.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    well_formed
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or("must be a date as YYYY-MM-DD, such as 2026-11-22")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_promised_forms() {
        assert!(time_of_day("07:05").is_ok());
        assert!(time_of_day("7:05").is_err());
        assert!(time_of_day("24:00").is_err());
        assert!(date("2026-02-28").is_ok());
        assert!(date("2026-2-28").is_err());
        assert!(date("2026-02-30").is_err());
        assert!(date("+2026-02-28").is_err());
    }
}
