//! Accountability partners: who might suit whom ([`score`], [`suggest`]),
//! how a facilitator pairs a whole group ([`pair`], built on
//! [`max_weight_matching`]), and the life of a partnership ([`transition`],
//! [`status_at`]).
//!
//! Pure functions over [`Person`] values the api crate loads: the clock's
//! `today` and `now` come in as arguments, and facts that live in storage
//! (who shares a group, who is already partnered) are filtered by the
//! caller before.

mod matching;
mod pairing;
mod partnership;
mod person;
mod suggest;
#[cfg(test)]
mod tests;

pub use matching::max_weight_matching;
pub use pairing::{Pair, Pairing, Unpaired, pair};
pub use partnership::{
    Agreed, PartnershipAction, PartnershipStatus, REQUEST_LIFETIME_DAYS, Side, TransitionError,
    expires_at, respond, status_at, transition,
};
pub use person::Person;
pub use suggest::{
    Reason, ReasonCode, Score, Suggestion, is_candidate, score, suggest, waking_overlap_minutes,
};
