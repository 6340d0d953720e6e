//! Partner suggestions: how well two members might suit each other, and
//! why, in words the app can show.
//!
//! # The score
//!
//! A score's `points` add up four parts. Each part treats the two members
//! alike, so the points are the same whichever of them is asked about the
//! other: `score(a, b, d).points == score(b, a, d).points`. Only the
//! reasons, written for the member who sees the suggestion, differ.
//!
//! | part | points | range |
//! |---|---|---|
//! | shared focus | 10 for each recovery focus both name, at most 3 counted | 0–30 |
//! | waking hours | 1 for each full 30 minutes of overlap beyond 4 hours, at most 20 | 0–20 |
//! | mentorship | 25 when one is a newcomer and the other a mentor | 0 or 25 |
//! | spare capacity | each member's partner slots left, at most 3 each | 0–6 |
//!
//! so from 0 to 81 in all.
//!
//! - **Shared focus.** `other` is not counted: two members who both chose
//!   it need not share anything.
//! - **Waking hours** are 08:00 to 22:00 local time. Each member's windows
//!   on the local dates `today − 1`, `today` and `today + 1` are placed on
//!   the UTC timeline with the offset of their own date, so a daylight
//!   saving change is where it belongs, and the overlap is the time both
//!   are awake within the UTC day of `today` (00:00 to 24:00 UTC). Each is
//!   awake about 14 of those 24 hours, so two members overlap by at least
//!   about 4 hours (opposite sides of the world) and at most 14 (the same
//!   time zone): the points run from 0 to 20 across that span. A waking
//!   time that falls in a daylight saving gap is read with the offset in
//!   force before the gap.
//! - **Mentorship.** Days in recovery are `today − recovery_since` (none
//!   without a date). A *newcomer* has fewer than 90; a *mentor* has 365
//!   or more and is willing to mentor. The points go to a newcomer and a
//!   mentor together, whichever is which; a member who gave no date is
//!   neither.
//! - **Spare capacity** (`max_partners − open_partnerships`) weighs little:
//!   a member with room is more likely to say yes, but room alone is no
//!   reason to pair.
//!
//! # The reasons
//!
//! Written for `a` about `b`, in this order, each only where its part
//! counts for something worth saying:
//!
//! - `shared_focus`: "You both focus on alcohol and grief".
//! - `waking_hours`, from 8 hours of overlap: "Your waking hours overlap by
//!   9 hours".
//! - `mentor`, `b` would mentor `a`: "Ben has 3 years in recovery and offers
//!   to mentor" (whole years, at least one).
//! - `mentee`, `a` would mentor `b`: "Ben is new to recovery and you offer
//!   to mentor" (no date: how new is Ben's to tell).
//! - `spare_capacity`, when `b` has room for 2 or more: "Ben has room for 2
//!   more partners".
//!
//! Nothing compares anyone's progress, and no recovery date is mentioned
//! for someone who gave none.

use super::person::Person;
use crate::{DisplayName, MemberId, RecoveryFocus, TimeZone, goal::named};
use chrono::{LocalResult, NaiveDate, Offset as _, TimeZone as _};
use std::collections::HashSet;

const FOCUS_POINTS: u32 = 10;
const MAX_SHARED_FOCI: u32 = 3;
const WAKE_HOUR: u32 = 8;
const SLEEP_HOUR: u32 = 22;
const OVERLAP_FLOOR_MINUTES: u32 = 4 * 60;
const MINUTES_PER_POINT: u32 = 30;
const MAX_WAKING_POINTS: u32 = 20;
const WAKING_REASON_MINUTES: u32 = 8 * 60;
const MENTOR_POINTS: u32 = 25;
const NEWCOMER_DAYS: i64 = 90;
const MENTOR_DAYS: i64 = 365;
const SPARE_COUNTED: u32 = 3;
const SPARE_REASON: u32 = 2;
const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// How well two members might suit each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// 0 to 81; the same both ways round (see the module documentation).
    pub points: u32,
    /// Why, for the member who sees the suggestion.
    pub reasons: Vec<Reason>,
}

/// One reason a suggestion is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// What kind of reason, for clients that show their own words.
    pub code: ReasonCode,
    /// The reason in plain English, ready to show.
    pub text: String,
}

/// The kinds of [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    /// Both name the same recovery focus.
    SharedFocus,
    /// Their waking hours overlap by 8 hours or more.
    WakingHours,
    /// The other member would mentor the one who sees the suggestion.
    Mentor,
    /// The one who sees the suggestion would mentor the other member.
    Mentee,
    /// The other member has room for two or more partners.
    SpareCapacity,
}

named!(
    ReasonCode,
    "shared_focus, waking_hours, mentor, mentee, spare_capacity",
    SharedFocus => "shared_focus",
    WakingHours => "waking_hours",
    Mentor => "mentor",
    Mentee => "mentee",
    SpareCapacity => "spare_capacity",
);

/// A member suggested as a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub display_name: DisplayName,
    /// The score's points.
    pub score: u32,
    /// Why, for the member who asked.
    pub reasons: Vec<Reason>,
}

/// How well `b` might suit `a` as a partner on `today`; the reasons are
/// written for `a`. See the module documentation for the formula.
#[must_use]
pub fn score(a: &Person, b: &Person, today: NaiveDate) -> Score {
    let (a, b) = (Prepared::new(a, today), Prepared::new(b, today));
    let parts = Parts::new(&a, &b);
    Score {
        points: parts.points(),
        reasons: parts.reasons(&b),
    }
}

/// Minutes within the UTC day of `today` in which members in the two time
/// zones are both awake (08:00 to 22:00 local). The same both ways round.
#[must_use]
pub fn waking_overlap_minutes(a: TimeZone, b: TimeZone, today: NaiveDate) -> u32 {
    Waking::new(a, today).overlap_minutes(&Waking::new(b, today))
}

/// Whether `other` may be suggested to `me`: someone else, open to
/// partnering, with room for another partnership.
///
/// The caller has already kept to members who share a group with `me` and
/// have no partnership with `me`, pending or active: those facts live in
/// storage, not in a [`Person`].
#[must_use]
pub fn is_candidate(me: &Person, other: &Person) -> bool {
    other.id != me.id && other.open_to_partnering && other.spare_capacity() > 0
}

/// The candidates among `others` (see [`is_candidate`]), best first; equal
/// scores in member id order, so the answer is stable. A member listed
/// twice counts once, as first listed.
#[must_use]
pub fn suggest(me: &Person, others: &[Person], today: NaiveDate) -> Vec<Suggestion> {
    let mine = Prepared::new(me, today);
    let mut seen = HashSet::with_capacity(others.len());
    let mut suggestions: Vec<Suggestion> = others
        .iter()
        .filter(|other| seen.insert(other.id))
        .filter(|other| is_candidate(me, other))
        .map(|other| {
            let theirs = Prepared::new(other, today);
            let parts = Parts::new(&mine, &theirs);
            Suggestion {
                member: other.id,
                display_name: other.display_name.clone(),
                score: parts.points(),
                reasons: parts.reasons(&theirs),
            }
        })
        .collect();
    suggestions.sort_by(|x, y| y.score.cmp(&x.score).then_with(|| x.member.cmp(&y.member)));
    suggestions
}

/// What the score needs of one member on one day, worked out once so that
/// weighing a whole group costs little per pair.
#[derive(Debug)]
pub(super) struct Prepared<'a> {
    person: &'a Person,
    today: NaiveDate,
    waking: Waking,
    /// Counted recovery foci, one bit each.
    focus: u16,
    /// Days in recovery, if they gave a date.
    days: Option<i64>,
}

impl<'a> Prepared<'a> {
    pub(super) fn new(person: &'a Person, today: NaiveDate) -> Self {
        let focus = RecoveryFocus::ALL
            .iter()
            .enumerate()
            .filter(|(_, focus)| **focus != RecoveryFocus::Other && person.focus.contains(focus))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        Self {
            person,
            today,
            waking: Waking::new(person.timezone, today),
            focus,
            days: person
                .recovery_since
                .map(|since| (today - since).num_days().max(0)),
        }
    }

    fn is_newcomer(&self) -> bool {
        self.days.is_some_and(|days| days < NEWCOMER_DAYS)
    }

    fn is_mentor(&self) -> bool {
        self.person.willing_to_mentor && self.days.is_some_and(|days| days >= MENTOR_DAYS)
    }
}

/// The symmetric points of two prepared members.
pub(super) fn points(a: &Prepared<'_>, b: &Prepared<'_>) -> u32 {
    Parts::new(a, b).points()
}

/// Who would mentor whom, seen from `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mentorship {
    /// `b` would mentor `a`.
    TheyMentor,
    /// `a` would mentor `b`.
    YouMentor,
}

/// The parts of a score, before they become points and words.
#[derive(Debug)]
struct Parts {
    shared: u16,
    overlap: u32,
    mentorship: Option<Mentorship>,
    spare: (u32, u32),
}

impl Parts {
    fn new(a: &Prepared<'_>, b: &Prepared<'_>) -> Self {
        let mentorship = if b.is_mentor() && a.is_newcomer() {
            Some(Mentorship::TheyMentor)
        } else if a.is_mentor() && b.is_newcomer() {
            Some(Mentorship::YouMentor)
        } else {
            None
        };
        Self {
            shared: a.focus & b.focus,
            overlap: a.waking.overlap_minutes(&b.waking),
            mentorship,
            spare: (a.person.spare_capacity(), b.person.spare_capacity()),
        }
    }

    fn points(&self) -> u32 {
        let focus = self.shared.count_ones().min(MAX_SHARED_FOCI) * FOCUS_POINTS;
        let waking = (self.overlap.saturating_sub(OVERLAP_FLOOR_MINUTES) / MINUTES_PER_POINT)
            .min(MAX_WAKING_POINTS);
        let mentorship = if self.mentorship.is_some() {
            MENTOR_POINTS
        } else {
            0
        };
        let spare = self.spare.0.min(SPARE_COUNTED) + self.spare.1.min(SPARE_COUNTED);
        focus + waking + mentorship + spare
    }

    /// The reasons, written for `a` about `b`.
    fn reasons(&self, b: &Prepared<'_>) -> Vec<Reason> {
        let name = b.person.display_name.as_str();
        let mut reasons = Vec::new();
        if self.shared != 0 {
            let words: Vec<&str> = RecoveryFocus::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| self.shared & (1 << i) != 0)
                .map(|(_, focus)| focus_words(*focus))
                .collect();
            reasons.push(Reason {
                code: ReasonCode::SharedFocus,
                text: format!("You both focus on {}", join_words(&words)),
            });
        }
        if self.overlap >= WAKING_REASON_MINUTES {
            reasons.push(Reason {
                code: ReasonCode::WakingHours,
                text: format!("Your waking hours overlap by {} hours", self.overlap / 60),
            });
        }
        match self.mentorship {
            Some(Mentorship::TheyMentor) => {
                let years = b
                    .person
                    .recovery_since
                    .and_then(|since| b.today.years_since(since))
                    .unwrap_or(0)
                    .max(1);
                let time = if years == 1 {
                    "a year".to_owned()
                } else {
                    format!("{years} years")
                };
                reasons.push(Reason {
                    code: ReasonCode::Mentor,
                    text: format!("{name} has {time} in recovery and offers to mentor"),
                });
            }
            Some(Mentorship::YouMentor) => reasons.push(Reason {
                code: ReasonCode::Mentee,
                text: format!("{name} is new to recovery and you offer to mentor"),
            }),
            None => {}
        }
        if self.spare.1 >= SPARE_REASON {
            reasons.push(Reason {
                code: ReasonCode::SpareCapacity,
                text: format!("{name} has room for {} more partners", self.spare.1),
            });
        }
        reasons
    }
}

/// A focus as a sentence names it.
fn focus_words(focus: RecoveryFocus) -> &'static str {
    match focus {
        RecoveryFocus::Alcohol => "alcohol",
        RecoveryFocus::Drugs => "drugs",
        RecoveryFocus::Gambling => "gambling",
        RecoveryFocus::Grief => "grief",
        RecoveryFocus::Cardiac => "heart health",
        RecoveryFocus::Cancer => "cancer treatment",
        RecoveryFocus::MentalHealth => "mental health",
        RecoveryFocus::Eating => "eating disorders",
        RecoveryFocus::Other => "other things",
    }
}

/// "a", "a and b", "a, b and c".
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A member's waking hours around one day, as UTC seconds within that UTC
/// day: at most three spans, sorted, none touching another.
#[derive(Debug, Clone, Copy)]
struct Waking {
    spans: [(i64, i64); 3],
    len: usize,
}

impl Waking {
    fn new(zone: TimeZone, today: NaiveDate) -> Self {
        let day_start = today.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        let day_end = day_start + SECONDS_PER_DAY;
        let mut windows: Vec<(i64, i64)> = [today.pred_opt(), Some(today), today.succ_opt()]
            .into_iter()
            .flatten()
            .filter_map(|date| {
                let start = utc_seconds(zone, date, WAKE_HOUR)?.max(day_start);
                let end = utc_seconds(zone, date, SLEEP_HOUR)?.min(day_end);
                (start < end).then_some((start, end))
            })
            .collect();
        windows.sort_unstable();
        let mut waking = Self {
            spans: [(0, 0); 3],
            len: 0,
        };
        for (start, end) in windows {
            match waking
                .len
                .checked_sub(1)
                .map(|last| &mut waking.spans[last])
            {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => {
                    waking.spans[waking.len] = (start, end);
                    waking.len += 1;
                }
            }
        }
        waking
    }

    fn spans(&self) -> &[(i64, i64)] {
        &self.spans[..self.len]
    }

    fn overlap_minutes(&self, other: &Self) -> u32 {
        // Each side's spans are disjoint, so the pairwise overlaps add up
        // to the time both are awake.
        let seconds: i64 = self
            .spans()
            .iter()
            .flat_map(|(a0, a1)| {
                other
                    .spans()
                    .iter()
                    .map(move |(b0, b1)| ((*a1).min(*b1) - (*a0).max(*b0)).max(0))
            })
            .sum();
        u32::try_from(seconds / 60).unwrap_or(0)
    }
}

/// The UTC instant, in seconds, of `hour`:00 local time on `date` in
/// `zone`. Of a time that happens twice (clocks going back) the first; a
/// time the clocks skip is read with the offset in force before the jump.
fn utc_seconds(zone: TimeZone, date: NaiveDate, hour: u32) -> Option<i64> {
    let local = date.and_hms_opt(hour, 0, 0)?;
    let tz = zone.tz();
    Some(match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.timestamp(),
        LocalResult::None => {
            // The offset in force a day earlier is the one before the jump
            // (gaps are an hour or so; Samoa's whole skipped day reads as
            // the day before it).
            let naive = local.and_utc().timestamp();
            let day_before = local
                .checked_sub_signed(chrono::TimeDelta::days(1))
                .unwrap_or(local);
            let before = tz.offset_from_utc_datetime(&day_before).fix();
            naive - i64::from(before.local_minus_utc())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::parse(name).expect("known zone")
    }

    fn person(n: u128, name: &str) -> Person {
        Person {
            id: MemberId::from_uuid(Uuid::from_u128(n)),
            display_name: DisplayName::parse(name).expect("valid name"),
            focus: Vec::new(),
            timezone: zone("Europe/Berlin"),
            recovery_since: None,
            willing_to_mentor: false,
            open_to_partnering: true,
            max_partners: 1,
            open_partnerships: 0,
        }
    }

    fn codes(score: &Score) -> Vec<&'static str> {
        score.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn waking_hours_overlap_fully_in_one_zone_and_least_across_the_world() {
        let today = date(2026, 11, 22);
        let berlin = zone("Europe/Berlin");
        assert_eq!(waking_overlap_minutes(berlin, berlin, today), 14 * 60);
        // Auckland is 12 hours ahead of Berlin in November.
        let auckland = zone("Pacific/Auckland");
        assert_eq!(waking_overlap_minutes(berlin, auckland, today), 4 * 60);
        // New York is 6 hours behind: 14 − 6.
        let new_york = zone("America/New_York");
        assert_eq!(waking_overlap_minutes(berlin, new_york, today), 8 * 60);
        // Half-hour zones count in minutes: India is 4½ hours ahead.
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(waking_overlap_minutes(berlin, kolkata, today), 9 * 60 + 30);
    }

    #[test]
    fn daylight_saving_is_taken_on_the_day() {
        let berlin = zone("Europe/Berlin");
        let new_york = zone("America/New_York");
        // Usually 6 hours apart; in the weeks between the American and the
        // European change, 5.
        assert_eq!(
            waking_overlap_minutes(berlin, new_york, date(2026, 7, 1)),
            8 * 60
        );
        assert_eq!(
            waking_overlap_minutes(berlin, new_york, date(2026, 3, 20)),
            9 * 60
        );
        assert_eq!(
            waking_overlap_minutes(berlin, new_york, date(2026, 10, 28)),
            9 * 60
        );
        assert_eq!(
            waking_overlap_minutes(berlin, new_york, date(2026, 11, 5)),
            8 * 60
        );
    }

    #[test]
    fn a_day_the_calendar_skipped_still_counts_the_days_around_it() {
        // Samoa skipped 30 December 2011 when it crossed the date line.
        let apia = zone("Pacific/Apia");
        let minutes = waking_overlap_minutes(apia, apia, date(2011, 12, 30));
        assert!(minutes <= 24 * 60, "{minutes}");
        assert!(minutes >= 10 * 60, "{minutes}");
    }

    #[test]
    fn points_add_up_as_documented() {
        let today = date(2026, 11, 22);
        let mut ana = person(1, "Ana");
        let mut ben = person(2, "Ben");
        ana.focus = vec![
            RecoveryFocus::Alcohol,
            RecoveryFocus::Grief,
            RecoveryFocus::Other,
        ];
        ben.focus = vec![
            RecoveryFocus::Other,
            RecoveryFocus::Grief,
            RecoveryFocus::Alcohol,
        ];
        ana.recovery_since = Some(date(2026, 10, 1));
        ben.recovery_since = Some(date(2023, 5, 4));
        ben.willing_to_mentor = true;
        ben.max_partners = 3;
        // 2 shared foci (other not counted) 20, same zone (14 h) 20,
        // mentorship 25, spare 1 + 3.
        let seen_by_ana = score(&ana, &ben, today);
        assert_eq!(seen_by_ana.points, 20 + 20 + 25 + 4);
        let texts: Vec<&str> = seen_by_ana
            .reasons
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "You both focus on alcohol and grief",
                "Your waking hours overlap by 14 hours",
                "Ben has 3 years in recovery and offers to mentor",
                "Ben has room for 3 more partners",
            ]
        );
        let seen_by_ben = score(&ben, &ana, today);
        assert_eq!(seen_by_ben.points, seen_by_ana.points);
        assert_eq!(
            codes(&seen_by_ben),
            ["shared_focus", "waking_hours", "mentee"]
        );
        assert_eq!(
            seen_by_ben.reasons[2].text,
            "Ana is new to recovery and you offer to mentor"
        );
    }

    #[test]
    fn caps_hold() {
        let today = date(2026, 11, 22);
        let mut a = person(1, "Ana");
        let mut b = person(2, "Ben");
        a.focus = RecoveryFocus::ALL.to_vec();
        b.focus = RecoveryFocus::ALL.to_vec();
        a.max_partners = 5;
        b.max_partners = 5;
        let s = score(&a, &b, today);
        assert_eq!(s.points, 30 + 20 + 3 + 3);
        assert_eq!(
            s.reasons[0].text,
            "You both focus on alcohol, drugs, gambling, grief, heart health, cancer treatment, mental health and eating disorders"
        );
    }

    #[test]
    fn no_date_no_mentorship_and_no_mention() {
        let today = date(2026, 11, 22);
        let mut newcomer = person(1, "Ana");
        newcomer.recovery_since = Some(today);
        let mut quiet = person(2, "Ben");
        quiet.willing_to_mentor = true;
        let s = score(&newcomer, &quiet, today);
        assert!(!codes(&s).contains(&"mentor"));
        assert!(s.reasons.iter().all(|r| !r.text.contains("recovery")));
        // A mentor without a year in recovery is no mentor yet; a day
        // later they are, and a newcomer on day 90 is no longer new.
        quiet.recovery_since = Some(date(2025, 11, 23));
        assert!(!codes(&score(&newcomer, &quiet, today)).contains(&"mentor"));
        quiet.recovery_since = Some(date(2025, 11, 22));
        let s = score(&newcomer, &quiet, today);
        assert!(codes(&s).contains(&"mentor"));
        assert_eq!(
            s.reasons[1].text,
            "Ben has a year in recovery and offers to mentor"
        );
        newcomer.recovery_since = Some(date(2026, 8, 24));
        assert!(!codes(&score(&newcomer, &quiet, today)).contains(&"mentor"));
        newcomer.recovery_since = Some(date(2026, 8, 25));
        assert!(codes(&score(&newcomer, &quiet, today)).contains(&"mentor"));
    }

    #[test]
    fn candidates_are_others_open_and_with_room() {
        let me = person(1, "Ana");
        let mut other = person(2, "Ben");
        assert!(is_candidate(&me, &other));
        assert!(!is_candidate(&me, &me));
        other.open_partnerships = 1;
        assert!(!is_candidate(&me, &other));
        other.max_partners = 2;
        assert!(is_candidate(&me, &other));
        other.open_to_partnering = false;
        assert!(!is_candidate(&me, &other));
    }

    #[test]
    fn suggestions_are_best_first_then_by_id() {
        let today = date(2026, 11, 22);
        let mut me = person(5, "Ana");
        me.focus = vec![RecoveryFocus::Drugs];
        let mut close = person(9, "Cat");
        close.focus = vec![RecoveryFocus::Drugs];
        let far_a = Person {
            timezone: zone("Pacific/Auckland"),
            ..person(3, "Dan")
        };
        let far_b = Person {
            timezone: zone("Pacific/Auckland"),
            ..person(2, "Eve")
        };
        let full = Person {
            open_partnerships: 1,
            ..person(4, "Fay")
        };
        let others = [
            far_a.clone(),
            close.clone(),
            me.clone(),
            full,
            far_b.clone(),
            close.clone(),
        ];
        let ids: Vec<MemberId> = suggest(&me, &others, today)
            .iter()
            .map(|s| s.member)
            .collect();
        assert_eq!(ids, [close.id, far_b.id, far_a.id]);
    }
}
