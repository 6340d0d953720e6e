//! Pairing a whole group at once, for a facilitator starting a round of
//! partnerships: the pairs whose scores add up to the most, with every
//! member left out told why.

use super::{
    matching::max_weight_matching,
    person::Person,
    suggest::{Prepared, points},
};
use crate::{MemberId, goal::named};
use chrono::NaiveDate;
use std::collections::HashSet;

/// A pairing proposal for a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing {
    /// The proposed pairs, sorted by `a`.
    pub pairs: Vec<Pair>,
    /// The members who volunteered but got no partner this round, and why;
    /// sorted by member id.
    pub unpaired: Vec<(MemberId, Unpaired)>,
}

/// Two members proposed as partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// The member with the lower id.
    pub a: MemberId,
    /// The member with the higher id.
    pub b: MemberId,
    /// Their score's points (the same both ways round).
    pub score: u32,
}

/// Why a member who is open to partnering got no partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unpaired {
    /// They could have been paired, but the best pairing of the group as a
    /// whole left them out (with an odd count, someone always is).
    OddOneOut,
    /// Everyone they could pair with is excluded (already their partner,
    /// already asked, or barred otherwise), or there is no one else.
    NoCandidate,
    /// They already have as many partnerships as they want.
    AtCapacity,
}

named!(
    Unpaired,
    "odd_one_out, no_candidate, at_capacity",
    OddOneOut => "odd_one_out",
    NoCandidate => "no_candidate",
    AtCapacity => "at_capacity",
);

/// Pairs up the members of a group so that the scores of the pairs add up
/// to the most (a maximum-weight matching, not a greedy best-first pass).
///
/// - Members not open to partnering did not volunteer and are not listed
///   at all, not even as unpaired.
/// - Members open to partnering but without room (`open_partnerships ≥
///   max_partners`) are listed as [`Unpaired::AtCapacity`].
/// - Every other two may be paired unless `excluded` says so for either
///   order of the two; the caller excludes pairs that already have a
///   partnership, pending or active, and any it bars otherwise.
/// - A pair weighs its [`score`](super::score) points plus one, so that
///   pairing two members always beats leaving both out.
/// - Each member gets at most one new partner per round, whatever their
///   spare capacity.
///
/// A member listed twice counts once, as first listed. The answer depends
/// only on who is listed, not on the order.
#[must_use]
pub fn pair(
    people: &[Person],
    excluded: &dyn Fn(MemberId, MemberId) -> bool,
    today: NaiveDate,
) -> Pairing {
    let mut seen = HashSet::with_capacity(people.len());
    let mut pool: Vec<&Person> = Vec::with_capacity(people.len());
    let mut unpaired = Vec::new();
    for person in people {
        if !seen.insert(person.id) || !person.open_to_partnering {
            continue;
        }
        if person.spare_capacity() == 0 {
            unpaired.push((person.id, Unpaired::AtCapacity));
        } else {
            pool.push(person);
        }
    }
    pool.sort_by_key(|person| person.id);
    let prepared: Vec<Prepared<'_>> = pool
        .iter()
        .map(|person| Prepared::new(person, today))
        .collect();

    let mut edges = Vec::new();
    let mut has_candidate = vec![false; pool.len()];
    for (i, a) in pool.iter().enumerate() {
        for (j, b) in pool.iter().enumerate().skip(i + 1) {
            if excluded(a.id, b.id) || excluded(b.id, a.id) {
                continue;
            }
            edges.push((i, j, points(&prepared[i], &prepared[j]) + 1));
            has_candidate[i] = true;
            has_candidate[j] = true;
        }
    }

    let mut paired = vec![false; pool.len()];
    let pairs = max_weight_matching(pool.len(), &edges)
        .into_iter()
        .map(|(i, j)| {
            paired[i] = true;
            paired[j] = true;
            Pair {
                a: pool[i].id,
                b: pool[j].id,
                score: points(&prepared[i], &prepared[j]),
            }
        })
        .collect();
    for (i, person) in pool.iter().enumerate() {
        if !paired[i] {
            let why = if has_candidate[i] {
                Unpaired::OddOneOut
            } else {
                Unpaired::NoCandidate
            };
            unpaired.push((person.id, why));
        }
    }
    unpaired.sort_by_key(|(id, _)| *id);
    Pairing { pairs, unpaired }
}
