//! What a member is told, and in which words. The words are the same for
//! the inbox and for a push, and a push shows on a lock screen that others
//! may see: so they never hold a goal's title, a note, a message, a name
//! or a recovery focus. The inbox item carries the ids the app needs to
//! open the thing itself, behind the member's own sign-in.

use crate::goal::named;

/// What happened that a member should hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    /// Someone asked the member to be their accountability partner.
    PartnershipRequest,
    /// The other side accepted: they are partners now.
    PartnershipAccepted,
    /// A facilitator proposed the member and another as partners.
    PairingProposed,
    /// A partner sent a cheer, a nudge or a message.
    Encouragement,
    /// A partner asked for help now.
    Sos,
    /// A partner reached a milestone on a goal they share.
    PartnerMilestone,
}

named!(
    NotificationKind,
    "partnership_request, partnership_accepted, pairing_proposed, encouragement, sos, partner_milestone",
    PartnershipRequest => "partnership_request",
    PartnershipAccepted => "partnership_accepted",
    PairingProposed => "pairing_proposed",
    Encouragement => "encouragement",
    Sos => "sos",
    PartnerMilestone => "partner_milestone",
);

/// How urgently a push should go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Priority {
    /// When convenient for the phone.
    Normal,
    /// At once, waking the phone: an SOS.
    High,
}

named!(Priority, "normal, high", Normal => "normal", High => "high");

impl NotificationKind {
    /// The title, safe on a lock screen.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::PartnershipRequest => "New partner request",
            Self::PartnershipAccepted => "You have a new partner",
            Self::PairingProposed => "Your group suggested a partner",
            Self::Encouragement => "Encouragement",
            Self::Sos => "A partner needs support",
            Self::PartnerMilestone => "A partner reached a milestone",
        }
    }

    /// The body, safe on a lock screen.
    #[must_use]
    pub fn body(self) -> &'static str {
        match self {
            Self::PartnershipRequest => {
                "Someone in your group would like to be your accountability partner."
            }
            Self::PartnershipAccepted => "Your partner request was accepted.",
            Self::PairingProposed => {
                "Your facilitator paired you with someone. Open Tether to say yes or no."
            }
            Self::Encouragement => "Your partner sent you encouragement.",
            Self::Sos => "A partner reached out for support. Open Tether to see how you can help.",
            Self::PartnerMilestone => {
                "A partner reached a milestone. Open Tether to celebrate with them."
            }
        }
    }

    /// How urgently it is pushed.
    #[must_use]
    pub fn priority(self) -> Priority {
        match self {
            Self::Sos => Priority::High,
            _ => Priority::Normal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_generic_and_short() {
        for kind in NotificationKind::ALL {
            for text in [kind.title(), kind.body()] {
                assert!(!text.is_empty() && text.chars().count() <= 120, "{text}");
                assert!(!text.contains('{') && !text.contains('%'), "{text}");
            }
        }
        assert_eq!(NotificationKind::Sos.priority(), Priority::High);
        assert_eq!(NotificationKind::Encouragement.priority(), Priority::Normal);
    }
}
