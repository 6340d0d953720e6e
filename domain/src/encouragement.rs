//! Encouragement between active partners: a cheer, a nudge, or a message
//! in the sender's words, and how many of each one partner may send the
//! other in a day (the sender's day).

use crate::{
    TimeZone,
    goal::named,
    text::{Text, TextError, TextRule},
};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};

/// What kind of encouragement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncouragementKind {
    /// "Keep going": no words needed.
    Cheer,
    /// A gentle reminder: at most one a day.
    Nudge,
    /// A few words of one's own: at most 30 a day.
    Message,
}

named!(
    EncouragementKind,
    "cheer, nudge, message",
    Cheer => "cheer",
    Nudge => "nudge",
    Message => "message",
);

impl EncouragementKind {
    /// How many of this kind one partner may send the other in a day, if
    /// there is a limit: one nudge is a reminder, two are pressure.
    #[must_use]
    pub fn daily_limit(self) -> Option<u32> {
        match self {
            Self::Cheer => None,
            Self::Nudge => Some(1),
            Self::Message => Some(30),
        }
    }
}

/// The words of a message: 1 to 500 characters, several lines allowed.
pub const MESSAGE_RULE: TextRule = TextRule::PARTNER_MESSAGE;

/// Why the text does not fit the kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncouragementTextError {
    /// A message needs words.
    #[error("is required for a message")]
    Missing,
    /// A cheer or a nudge carries none.
    #[error("is only for a message; a cheer or a nudge carries no text")]
    NotAllowed,
    /// The words break the text rule.
    #[error("{0}")]
    Text(#[from] TextError),
}

/// The text an encouragement of `kind` carries, from what was sent.
///
/// # Errors
///
/// A message without words, words with a cheer or a nudge, or words that
/// break [`MESSAGE_RULE`].
pub fn encouragement_text(
    kind: EncouragementKind,
    raw: Option<&str>,
) -> Result<Option<Text>, EncouragementTextError> {
    match (kind, raw) {
        (EncouragementKind::Message, None) => Err(EncouragementTextError::Missing),
        (EncouragementKind::Message, Some(raw)) => Text::parse(raw, MESSAGE_RULE)?
            .map(Some)
            .ok_or(EncouragementTextError::Missing),
        (_, None) => Ok(None),
        (_, Some(_)) => Err(EncouragementTextError::NotAllowed),
    }
}

/// How long from `now` until the next local day begins in `zone`: what a
/// sender over a daily limit waits. A midnight that a DST change skips
/// begins at the first minute that exists.
#[must_use]
pub fn until_next_day(zone: TimeZone, now: DateTime<Utc>) -> TimeDelta {
    let today: NaiveDate = zone.today(now);
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    let tz = zone.tz();
    let mut start = tomorrow.and_time(NaiveTime::MIN);
    // At most a few hours can be skipped; step a minute at a time.
    for _ in 0..(4 * 60) {
        if let Some(instant) = start.and_local_timezone(tz).earliest() {
            return (instant.with_timezone(&Utc) - now).max(TimeDelta::seconds(1));
        }
        start += TimeDelta::minutes(1);
    }
    TimeDelta::hours(24)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn texts_fit_their_kind() {
        use EncouragementKind::{Cheer, Message, Nudge};
        assert!(matches!(encouragement_text(Cheer, None), Ok(None)));
        assert_eq!(
            encouragement_text(Nudge, Some("hi")),
            Err(EncouragementTextError::NotAllowed)
        );
        assert_eq!(
            encouragement_text(Message, None),
            Err(EncouragementTextError::Missing)
        );
        assert_eq!(
            encouragement_text(Message, Some("   ")),
            Err(EncouragementTextError::Missing)
        );
        assert!(encouragement_text(Message, Some(&"x".repeat(501))).is_err());
        let kept = encouragement_text(Message, Some(" You can do it "));
        assert_eq!(
            kept.ok().flatten().map(|text| text.as_str().to_owned()),
            Some("You can do it".to_owned())
        );
    }

    #[test]
    fn the_wait_ends_at_the_senders_next_midnight() {
        let berlin = TimeZone::parse("Europe/Berlin").expect("a zone");
        // 22:30 in Berlin (UTC+1) on 2026-01-10: 90 minutes to midnight.
        let now = Utc
            .with_ymd_and_hms(2026, 1, 10, 21, 30, 0)
            .single()
            .expect("a valid instant");
        assert_eq!(until_next_day(berlin, now), TimeDelta::minutes(90));
        // Havana skips midnight when DST starts (2026-03-08, 00:00 -> 01:00):
        // the day begins at 01:00 local, 05:00 UTC.
        let havana = TimeZone::parse("America/Havana").expect("a zone");
        let evening = Utc
            .with_ymd_and_hms(2026, 3, 8, 4, 0, 0)
            .single()
            .expect("a valid instant");
        assert_eq!(until_next_day(havana, evening), TimeDelta::hours(1));
        assert_eq!(EncouragementKind::Nudge.daily_limit(), Some(1));
        assert_eq!(EncouragementKind::Message.daily_limit(), Some(30));
        assert_eq!(EncouragementKind::Cheer.daily_limit(), None);
    }
}
