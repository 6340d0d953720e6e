//! The life of a partnership: one member asks, the other accepts or
//! declines, the asker may take the request back, and either may end an
//! active partnership. A request left unanswered expires.
//!
//! ```text
//!            accept (invitee)
//!  pending ──────────────────▶ active ── end (either) ──▶ ended
//!     │ decline (invitee)  ──▶ declined
//!     │ cancel (requester) ──▶ cancelled
//!     └ 30 days unanswered ──▶ expired
//! ```
//!
//! Every state but pending and active is final. Expiry is computed, not
//! stored: a read shows a stale request as expired without writing it
//! (see [`status_at`]).
//!
//! A facilitator's pairing proposes a partnership that neither member
//! asked for: it stays pending until both accept, and either may decline
//! it ([`respond`] and [`Agreed`]). Nobody becomes a partner, and nobody's
//! shared goals are shown to anyone, without their own yes.

use crate::goal::named;
use chrono::{NaiveDateTime, TimeDelta};

/// How long a request waits for an answer, in days: long enough for a
/// hard month, short enough that nobody is left asking for ever.
pub const REQUEST_LIFETIME_DAYS: i64 = 30;

/// Where a partnership stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnershipStatus {
    /// Asked, not yet answered.
    Pending,
    /// Accepted: the two are partners.
    Active,
    /// The invited member said no.
    Declined,
    /// The asking member took the request back.
    Cancelled,
    /// One of the partners ended it.
    Ended,
    /// Nobody answered within [`REQUEST_LIFETIME_DAYS`].
    Expired,
}

named!(
    PartnershipStatus,
    "pending, active, declined, cancelled, ended, expired",
    Pending => "pending",
    Active => "active",
    Declined => "declined",
    Cancelled => "cancelled",
    Ended => "ended",
    Expired => "expired",
);

impl PartnershipStatus {
    /// Whether the partnership still holds a place: pending or active. An
    /// open partnership counts against both members' `max_partners`, and
    /// two members have at most one open partnership between them. Apply
    /// [`status_at`] first, so an expired request does not count.
    #[must_use]
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Active)
    }
}

/// Which end of a partnership a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The member who asked.
    Requester,
    /// The member who was asked.
    Invitee,
}

named!(Side, "requester, invitee", Requester => "requester", Invitee => "invitee");

/// What a member may do to a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnershipAction {
    /// Say yes to a request (the invitee).
    Accept,
    /// Say no to a request (the invitee).
    Decline,
    /// Take a request back (the requester).
    Cancel,
    /// End an active partnership (either).
    End,
}

named!(
    PartnershipAction,
    "accept, decline, cancel, end",
    Accept => "accept",
    Decline => "decline",
    Cancel => "cancel",
    End => "end",
);

/// Why an action does not apply, in words a member can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The requester tried to accept their own request.
    #[error("only the invited member can accept")]
    OnlyInviteeAccepts,
    /// The requester tried to decline their own request.
    #[error("only the invited member can decline")]
    OnlyInviteeDeclines,
    /// The invitee tried to cancel a request made to them.
    #[error("only the member who sent the request can cancel it; the invited member can decline")]
    OnlyRequesterCancels,
    /// The request went unanswered for too long.
    #[error("this request has expired")]
    Expired,
    /// The request was already answered, taken back or ended.
    #[error("this request is no longer pending")]
    NotPending,
    /// Only an active partnership can end.
    #[error("this partnership is not active")]
    NotActive,
}

/// When a request made at `requested_at` expires (UTC).
#[must_use]
pub fn expires_at(requested_at: NaiveDateTime) -> NaiveDateTime {
    requested_at
        .checked_add_signed(TimeDelta::days(REQUEST_LIFETIME_DAYS))
        .unwrap_or(NaiveDateTime::MAX)
}

/// The status at `now` of a partnership stored as `stored`, requested at
/// `requested_at` (both UTC): a pending request is expired from
/// [`REQUEST_LIFETIME_DAYS`] days after it was made.
#[must_use]
pub fn status_at(
    stored: PartnershipStatus,
    requested_at: NaiveDateTime,
    now: NaiveDateTime,
) -> PartnershipStatus {
    if stored == PartnershipStatus::Pending && now >= expires_at(requested_at) {
        PartnershipStatus::Expired
    } else {
        stored
    }
}

/// The status after `side` takes `action` on a partnership that is now
/// `status` (as [`status_at`] gives it).
///
/// # Errors
///
/// When the action does not fit the status or the side: see
/// [`TransitionError`]. The status is checked first, so a member acting on
/// a request that has moved on learns that, not who may act on it.
pub fn transition(
    status: PartnershipStatus,
    side: Side,
    action: PartnershipAction,
) -> Result<PartnershipStatus, TransitionError> {
    use PartnershipAction::{Accept, Cancel, Decline, End};
    use PartnershipStatus::{Active, Cancelled, Declined, Ended, Expired, Pending};
    match (status, action) {
        (Pending, Accept) => match side {
            Side::Invitee => Ok(Active),
            Side::Requester => Err(TransitionError::OnlyInviteeAccepts),
        },
        (Pending, Decline) => match side {
            Side::Invitee => Ok(Declined),
            Side::Requester => Err(TransitionError::OnlyInviteeDeclines),
        },
        (Pending, Cancel) => match side {
            Side::Requester => Ok(Cancelled),
            Side::Invitee => Err(TransitionError::OnlyRequesterCancels),
        },
        (Active, End) => Ok(Ended),
        (Expired, Accept | Decline | Cancel) => Err(TransitionError::Expired),
        (Active | Declined | Cancelled | Ended, Accept | Decline | Cancel) => {
            Err(TransitionError::NotPending)
        }
        (Pending | Declined | Cancelled | Ended | Expired, End) => Err(TransitionError::NotActive),
    }
}

/// Who has said yes to a pending partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Agreed {
    /// The requester: yes for a member's own request.
    pub requester: bool,
    /// The invitee.
    pub invitee: bool,
}

impl Agreed {
    /// A member's own request: the asking is the requester's yes.
    pub const REQUEST: Self = Self {
        requester: true,
        invitee: false,
    };
    /// A facilitator's proposal: nobody has said yes yet.
    pub const PROPOSAL: Self = Self {
        requester: false,
        invitee: false,
    };
}

/// Like [`transition`], for a partnership whose agreement so far is
/// `agreed`: on a proposal (the requester has not said yes) the requester
/// may accept or decline as the invitee may, and it becomes active only
/// once both have accepted. Answers the new status and agreement.
///
/// # Errors
///
/// As [`transition`].
pub fn respond(
    status: PartnershipStatus,
    side: Side,
    action: PartnershipAction,
    agreed: Agreed,
) -> Result<(PartnershipStatus, Agreed), TransitionError> {
    use PartnershipAction::{Accept, Decline};
    use PartnershipStatus::{Active, Declined, Pending};
    match (status, side, action) {
        (Pending, Side::Requester, Accept) if !agreed.requester => {
            let now = Agreed {
                requester: true,
                ..agreed
            };
            Ok((if now.invitee { Active } else { Pending }, now))
        }
        (Pending, Side::Requester, Decline) if !agreed.requester => Ok((Declined, agreed)),
        (Pending, Side::Invitee, Accept) => {
            let now = Agreed {
                invitee: true,
                ..agreed
            };
            Ok((if now.requester { Active } else { Pending }, now))
        }
        _ => transition(status, side, action).map(|status| (status, agreed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PartnershipAction::{Accept, Cancel, Decline, End};
    use PartnershipStatus::{Active, Cancelled, Declined, Ended, Expired, Pending};
    use Side::{Invitee, Requester};
    use TransitionError as E;
    use chrono::NaiveDate;

    #[test]
    fn every_transition() {
        let table: [(
            PartnershipStatus,
            Side,
            PartnershipAction,
            Result<PartnershipStatus, E>,
        ); 48] = [
            (Pending, Invitee, Accept, Ok(Active)),
            (Pending, Requester, Accept, Err(E::OnlyInviteeAccepts)),
            (Pending, Invitee, Decline, Ok(Declined)),
            (Pending, Requester, Decline, Err(E::OnlyInviteeDeclines)),
            (Pending, Requester, Cancel, Ok(Cancelled)),
            (Pending, Invitee, Cancel, Err(E::OnlyRequesterCancels)),
            (Pending, Invitee, End, Err(E::NotActive)),
            (Pending, Requester, End, Err(E::NotActive)),
            (Active, Invitee, End, Ok(Ended)),
            (Active, Requester, End, Ok(Ended)),
            (Active, Invitee, Accept, Err(E::NotPending)),
            (Active, Requester, Accept, Err(E::NotPending)),
            (Active, Invitee, Decline, Err(E::NotPending)),
            (Active, Requester, Decline, Err(E::NotPending)),
            (Active, Invitee, Cancel, Err(E::NotPending)),
            (Active, Requester, Cancel, Err(E::NotPending)),
            (Declined, Invitee, Accept, Err(E::NotPending)),
            (Declined, Requester, Accept, Err(E::NotPending)),
            (Declined, Invitee, Decline, Err(E::NotPending)),
            (Declined, Requester, Decline, Err(E::NotPending)),
            (Declined, Invitee, Cancel, Err(E::NotPending)),
            (Declined, Requester, Cancel, Err(E::NotPending)),
            (Declined, Invitee, End, Err(E::NotActive)),
            (Declined, Requester, End, Err(E::NotActive)),
            (Cancelled, Invitee, Accept, Err(E::NotPending)),
            (Cancelled, Requester, Accept, Err(E::NotPending)),
            (Cancelled, Invitee, Decline, Err(E::NotPending)),
            (Cancelled, Requester, Decline, Err(E::NotPending)),
            (Cancelled, Invitee, Cancel, Err(E::NotPending)),
            (Cancelled, Requester, Cancel, Err(E::NotPending)),
            (Cancelled, Invitee, End, Err(E::NotActive)),
            (Cancelled, Requester, End, Err(E::NotActive)),
            (Ended, Invitee, Accept, Err(E::NotPending)),
            (Ended, Requester, Accept, Err(E::NotPending)),
            (Ended, Invitee, Decline, Err(E::NotPending)),
            (Ended, Requester, Decline, Err(E::NotPending)),
            (Ended, Invitee, Cancel, Err(E::NotPending)),
            (Ended, Requester, Cancel, Err(E::NotPending)),
            (Ended, Invitee, End, Err(E::NotActive)),
            (Ended, Requester, End, Err(E::NotActive)),
            (Expired, Invitee, Accept, Err(E::Expired)),
            (Expired, Requester, Accept, Err(E::Expired)),
            (Expired, Invitee, Decline, Err(E::Expired)),
            (Expired, Requester, Decline, Err(E::Expired)),
            (Expired, Invitee, Cancel, Err(E::Expired)),
            (Expired, Requester, Cancel, Err(E::Expired)),
            (Expired, Invitee, End, Err(E::NotActive)),
            (Expired, Requester, End, Err(E::NotActive)),
        ];
        for (status, side, action, expected) in table {
            assert_eq!(
                transition(status, side, action),
                expected,
                "{status} {side} {action}"
            );
        }
        // The table covers every combination exactly once.
        for status in PartnershipStatus::ALL {
            for side in Side::ALL {
                for action in PartnershipAction::ALL {
                    let rows = table
                        .iter()
                        .filter(|(s, d, a, _)| (s, d, a) == (status, side, action))
                        .count();
                    assert_eq!(rows, 1, "{status} {side} {action}");
                }
            }
        }
    }

    #[test]
    fn errors_say_why_in_plain_words() {
        assert_eq!(
            E::OnlyInviteeAccepts.to_string(),
            "only the invited member can accept"
        );
        assert_eq!(
            E::NotPending.to_string(),
            "this request is no longer pending"
        );
        assert_eq!(E::NotActive.to_string(), "this partnership is not active");
        assert_eq!(E::Expired.to_string(), "this request has expired");
    }

    #[test]
    fn only_pending_and_active_are_open() {
        let open: Vec<_> = PartnershipStatus::ALL
            .iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [&Pending, &Active]);
    }

    #[test]
    fn names_round_trip() {
        for status in PartnershipStatus::ALL {
            assert_eq!(status.as_str().parse(), Ok(*status));
        }
        for side in Side::ALL {
            assert_eq!(side.as_str().parse(), Ok(*side));
        }
        for action in PartnershipAction::ALL {
            assert_eq!(action.as_str().parse(), Ok(*action));
        }
        assert_eq!(Pending.as_str(), "pending");
        assert_eq!(Cancelled.as_str(), "cancelled");
        assert_eq!(Invitee.as_str(), "invitee");
        assert!("Pending".parse::<PartnershipStatus>().is_err());
    }

    #[test]
    fn pending_requests_expire_after_thirty_days() {
        let asked = NaiveDate::from_ymd_opt(2026, 11, 1)
            .and_then(|d| d.and_hms_opt(18, 30, 0))
            .expect("valid");
        let just_before = asked + TimeDelta::days(30) - TimeDelta::microseconds(1);
        let due = asked + TimeDelta::days(30);
        assert_eq!(expires_at(asked), due);
        assert_eq!(status_at(Pending, asked, asked), Pending);
        assert_eq!(status_at(Pending, asked, just_before), Pending);
        assert_eq!(status_at(Pending, asked, due), Expired);
        // Only a pending request expires.
        assert_eq!(status_at(Active, asked, due + TimeDelta::days(400)), Active);
        assert_eq!(status_at(Declined, asked, due), Declined);
        assert_eq!(expires_at(NaiveDateTime::MAX), NaiveDateTime::MAX);
    }

    #[test]
    fn a_proposal_needs_both_yeses() {
        let proposal = Agreed::PROPOSAL;
        let (status, agreed) = respond(Pending, Requester, Accept, proposal).expect("allowed");
        assert_eq!(status, Pending, "one yes is not a partnership");
        assert_eq!(
            respond(Pending, Requester, Accept, agreed),
            Err(E::OnlyInviteeAccepts)
        );
        assert_eq!(
            respond(Pending, Invitee, Accept, agreed)
                .expect("allowed")
                .0,
            Active
        );
        let (status, agreed) = respond(Pending, Invitee, Accept, proposal).expect("allowed");
        assert_eq!(status, Pending);
        assert_eq!(
            respond(Pending, Requester, Accept, agreed)
                .expect("allowed")
                .0,
            Active
        );
        assert_eq!(
            respond(Pending, Requester, Decline, proposal)
                .expect("allowed")
                .0,
            Declined
        );
        assert_eq!(
            respond(Pending, Invitee, Decline, proposal)
                .expect("allowed")
                .0,
            Declined
        );
    }

    #[test]
    fn a_request_responds_as_it_transitions() {
        for status in PartnershipStatus::ALL {
            for side in [Requester, Invitee] {
                for action in [Accept, Decline, Cancel, End] {
                    assert_eq!(
                        respond(*status, side, action, Agreed::REQUEST).map(|(s, _)| s),
                        transition(*status, side, action),
                        "{status} {side} {action}"
                    );
                }
            }
        }
    }
}
