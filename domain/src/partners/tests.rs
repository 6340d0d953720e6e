//! Properties of suggestions and pairing over generated groups.

use super::*;
use crate::{DisplayName, MemberId, RecoveryFocus, TimeZone};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
];

fn id(n: u128) -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(n))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
}

fn zone() -> impl Strategy<Value = TimeZone> {
    prop::sample::select(ZONES.to_vec()).prop_map(|name| TimeZone::parse(name).expect("known zone"))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..4 * 366)
        .prop_map(|days| NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid") + Days::new(days))
}

/// A member with ids from a small range, so that lists repeat members.
fn person(ids: u128) -> impl Strategy<Value = Person> {
    (
        0..ids,
        0u16..(1 << 9),
        zone(),
        prop::option::of(0u64..2_000),
        any::<bool>(),
        prop::bool::weighted(0.8),
        1u8..=5,
        0u32..=6,
    )
        .prop_map(
            |(
                n,
                focus,
                timezone,
                since,
                willing_to_mentor,
                open_to_partnering,
                max_partners,
                open_partnerships,
            )| Person {
                id: id(n),
                display_name: DisplayName::parse(&format!("Member {n}")).expect("valid name"),
                focus: RecoveryFocus::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| focus & (1 << i) != 0)
                    .map(|(_, f)| *f)
                    .collect(),
                timezone,
                recovery_since: since.map(|days| today() - Days::new(days)),
                willing_to_mentor,
                open_to_partnering,
                max_partners,
                open_partnerships,
            },
        )
}

/// The largest total weight of any matching, by trying them all.
fn brute_force(weight: &[Vec<Option<u32>>]) -> u64 {
    fn best(weight: &[Vec<Option<u32>>], used: &mut [bool]) -> u64 {
        let Some(i) = used.iter().position(|u| !*u) else {
            return 0;
        };
        used[i] = true;
        let mut top = best(weight, used);
        for j in i + 1..used.len() {
            if let (false, Some(w)) = (used[j], weight[i][j]) {
                used[j] = true;
                top = top.max(u64::from(w) + best(weight, used));
                used[j] = false;
            }
        }
        used[i] = false;
        top
    }
    best(weight, &mut vec![false; weight.len()])
}

proptest! {
    #[test]
    fn waking_overlap_is_symmetric(a in zone(), b in zone(), day in date()) {
        let ab = waking_overlap_minutes(a, b, day);
        prop_assert_eq!(ab, waking_overlap_minutes(b, a, day));
        prop_assert!(ab <= 15 * 60, "{}", ab);
        if a == b {
            // 14 hours, give or take a daylight saving change that day.
            prop_assert!((13 * 60..=15 * 60).contains(&ab), "{}", ab);
        }
    }

    #[test]
    fn score_points_are_symmetric(a in person(100), b in person(100), day in date()) {
        let ab = score(&a, &b, day);
        let ba = score(&b, &a, day);
        prop_assert_eq!(ab.points, ba.points);
        prop_assert!(ab.points <= 81);
        // Mentor and mentee are the same fact seen from either side.
        let has = |s: &Score, code| s.reasons.iter().any(|r| r.code == code);
        prop_assert_eq!(has(&ab, ReasonCode::Mentor), has(&ba, ReasonCode::Mentee));
        prop_assert_eq!(has(&ab, ReasonCode::SharedFocus), has(&ba, ReasonCode::SharedFocus));
        prop_assert_eq!(has(&ab, ReasonCode::WakingHours), has(&ba, ReasonCode::WakingHours));
    }

    #[test]
    fn suggestions_are_candidates_once_each(
        me in person(20),
        others in prop::collection::vec(person(20), 0..30),
    ) {
        let suggestions = suggest(&me, &others, today());
        let mut seen = HashSet::new();
        for s in &suggestions {
            prop_assert_ne!(s.member, me.id);
            prop_assert!(seen.insert(s.member), "{} twice", s.member);
            let first = others.iter().find(|o| o.id == s.member).expect("listed");
            prop_assert!(is_candidate(&me, first));
            prop_assert_eq!(s.score, score(&me, first, today()).points);
        }
        // Every candidate (as first listed) is suggested.
        let mut firsts = HashSet::new();
        let expected = others
            .iter()
            .filter(|o| firsts.insert(o.id) && is_candidate(&me, o))
            .count();
        prop_assert_eq!(suggestions.len(), expected);
        prop_assert!(suggestions.windows(2).all(|w| (w[0].score, std::cmp::Reverse(w[0].member)) > (w[1].score, std::cmp::Reverse(w[1].member))));
    }

    #[test]
    fn pairing_is_a_best_matching_of_the_willing(
        people in prop::collection::vec(person(12), 0..14),
        barred in prop::collection::vec((0u128..12, 0u128..12), 0..20),
    ) {
        let barred: HashSet<(MemberId, MemberId)> = barred.into_iter().map(|(a, b)| (id(a), id(b))).collect();
        let excluded = |a: MemberId, b: MemberId| barred.contains(&(a, b));
        let pairing = pair(&people, &excluded, today());

        // The members as pairing counts them: first listing, open to partnering.
        let mut firsts = HashSet::new();
        let listed: Vec<&Person> = people.iter().filter(|p| firsts.insert(p.id)).collect();
        let pool: Vec<&Person> = listed.iter().copied().filter(|p| p.open_to_partnering && p.spare_capacity() > 0).collect();

        let mut seen = HashSet::new();
        for p in &pairing.pairs {
            prop_assert!(p.a < p.b);
            prop_assert!(seen.insert(p.a) && seen.insert(p.b), "paired twice");
            prop_assert!(!excluded(p.a, p.b) && !excluded(p.b, p.a), "excluded pair");
            let a = pool.iter().find(|m| m.id == p.a).expect("willing");
            let b = pool.iter().find(|m| m.id == p.b).expect("willing");
            prop_assert_eq!(p.score, score(a, b, today()).points);
        }
        for (member, why) in &pairing.unpaired {
            prop_assert!(seen.insert(*member), "listed twice");
            let person = listed.iter().find(|m| m.id == *member).expect("listed");
            prop_assert!(person.open_to_partnering);
            prop_assert_eq!(*why == Unpaired::AtCapacity, person.spare_capacity() == 0);
            if *why == Unpaired::NoCandidate {
                prop_assert!(pool.iter().all(|o| o.id == *member || excluded(*member, o.id) || excluded(o.id, *member)));
            }
        }
        let volunteers = listed.iter().filter(|p| p.open_to_partnering).count();
        prop_assert_eq!(seen.len(), volunteers, "every volunteer is accounted for");

        // The pairs weigh as much as the best of all matchings.
        let weight: Vec<Vec<Option<u32>>> = pool
            .iter()
            .map(|a| {
                pool.iter()
                    .map(|b| (a.id != b.id && !excluded(a.id, b.id) && !excluded(b.id, a.id))
                        .then(|| score(a, b, today()).points + 1))
                    .collect()
            })
            .collect();
        let total: u64 = pairing.pairs.iter().map(|p| u64::from(p.score) + 1).sum();
        prop_assert_eq!(total, brute_force(&weight));

        // The order people are listed in changes nothing.
        let mut firsts = HashSet::new();
        let again: Vec<Person> = people.iter().filter(|p| firsts.insert(p.id)).cloned().collect::<Vec<_>>().into_iter().rev().collect();
        prop_assert_eq!(pair(&again, &excluded, today()), pairing);
    }
}

fn member(n: u128, open: bool, max_partners: u8, open_partnerships: u32) -> Person {
    Person {
        id: id(n),
        display_name: DisplayName::parse(&format!("Member {n}")).expect("valid name"),
        focus: vec![RecoveryFocus::Grief],
        timezone: TimeZone::parse("Europe/Berlin").expect("known zone"),
        recovery_since: None,
        willing_to_mentor: false,
        open_to_partnering: open,
        max_partners,
        open_partnerships,
    }
}

#[test]
fn pairing_says_why_someone_is_left_out() {
    let people = [
        member(1, true, 1, 0),
        member(2, true, 1, 0),
        member(3, true, 1, 0),
        member(4, true, 2, 2),  // full
        member(5, false, 1, 0), // did not volunteer
        member(6, true, 3, 1),  // barred from everyone
    ];
    let excluded = |a: MemberId, b: MemberId| a == id(6) || b == id(6);
    let pairing = pair(&people, &excluded, today());
    assert_eq!(pairing.pairs.len(), 1);
    let paired = [pairing.pairs[0].a, pairing.pairs[0].b];
    let odd = [id(1), id(2), id(3)]
        .into_iter()
        .find(|m| !paired.contains(m))
        .expect("one of three is left");
    let mut expected = vec![
        (odd, Unpaired::OddOneOut),
        (id(4), Unpaired::AtCapacity),
        (id(6), Unpaired::NoCandidate),
    ];
    expected.sort_by_key(|(m, _)| *m);
    assert_eq!(pairing.unpaired, expected);
    assert_eq!(
        Unpaired::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        ["odd_one_out", "no_candidate", "at_capacity"]
    );
}

#[test]
fn pairing_beats_greedy() {
    // 1-2 is the best single pair, but taking it strands 3 and 4, whose
    // only possible partners are 1 and 2.
    let close = |n| Person {
        focus: vec![
            RecoveryFocus::Alcohol,
            RecoveryFocus::Drugs,
            RecoveryFocus::Grief,
        ],
        ..member(n, true, 1, 0)
    };
    let people = [
        close(1),
        close(2),
        member(3, true, 1, 0),
        member(4, true, 1, 0),
    ];
    assert!(
        score(&people[0], &people[1], today()).points
            > score(&people[0], &people[2], today()).points
    );
    let allowed = [(id(1), id(2)), (id(1), id(3)), (id(2), id(4))];
    let excluded =
        |a: MemberId, b: MemberId| !allowed.contains(&(a, b)) && !allowed.contains(&(b, a));
    let pairing = pair(&people, &excluded, today());
    let pairs: Vec<(MemberId, MemberId)> = pairing.pairs.iter().map(|p| (p.a, p.b)).collect();
    assert_eq!(pairs, [(id(1), id(3)), (id(2), id(4))]);
    assert!(pairing.unpaired.is_empty());
}

#[test]
fn reason_codes_are_stable() {
    assert_eq!(
        ReasonCode::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>(),
        [
            "shared_focus",
            "waking_hours",
            "mentor",
            "mentee",
            "spare_capacity"
        ]
    );
}
