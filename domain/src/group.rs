//! Groups: small circles of members who meet, share coping strategies and
//! pair up as partners. Names, roles, and the codes that let a member in.

use crate::{
    goal::named,
    text::{TextRule, optional_text, required_text},
};
use std::fmt;

/// A group holds at most this many members: small enough that people know
/// each other, and a bound on what one pairing round has to weigh.
pub const MAX_GROUP_MEMBERS: usize = 200;

required_text!(
    /// A group's name: one line of 1 to 80 characters after trimming,
    /// nothing invisible in it.
    GroupName,
    TextRule::GROUP_NAME
);

optional_text!(
    /// What a group is about: up to 1,000 characters, several lines
    /// allowed, kept as written. An empty description is no description.
    GroupDescription,
    TextRule::GROUP_DESCRIPTION
);

required_text!(
    /// The title of a coping strategy shared in a group: one line of 1 to
    /// 120 characters after trimming.
    StrategyTitle,
    TextRule::STRATEGY_TITLE
);

required_text!(
    /// The body of a coping strategy: 1 to 2,000 characters, several lines
    /// allowed, kept as written.
    StrategyBody,
    TextRule::STRATEGY_BODY
);

optional_text!(
    /// The few words that go with a partner request: up to 500 characters,
    /// several lines allowed, stored trimmed. An empty message is none.
    PartnerMessage,
    TextRule::PARTNER_MESSAGE
);

/// What a member may do in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupRole {
    /// Takes part: meets, shares, pairs up.
    Member,
    /// Also looks after the group: invites, pairs members up, moderates.
    Facilitator,
}

named!(GroupRole, "member, facilitator", Member => "member", Facilitator => "facilitator");

/// A code that lets a member join a group, short enough to read out in a
/// meeting: twelve characters from an alphabet without look-alikes (no 0
/// or O, no 1, I or L), about 59 bits of chance. Stored and shown in
/// upper case without separators; read leniently (see [`InviteCode::parse`]).
///
/// `Debug` hides the code: it grants entry to a group, so it has no place
/// in a log line.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct InviteCode(String);

/// Why a string is not an invite code. The messages never repeat what was
/// sent: a mistyped code is still close to a real one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteCodeError {
    /// Not twelve characters once white space and hyphens are dropped.
    #[error("must be 12 characters (spaces and hyphens aside)")]
    Length,
    /// A character no invite code holds.
    #[error(
        "may hold only the letters A to Z and the digits 2 to 9, without I, L and O (spaces and hyphens aside)"
    )]
    Character,
}

impl InviteCode {
    /// How many characters a code has.
    pub const LEN: usize = 12;

    /// The characters a code is made of: upper-case letters and digits,
    /// less those that read as others (0/O, 1/I/L).
    pub const ALPHABET: &'static [u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// How many random bytes [`InviteCode::from_random`] takes: four for
    /// each character.
    pub const RANDOM_BYTES: usize = 4 * Self::LEN;

    /// A code drawn from `bytes`, which must come from a cryptographically
    /// secure source (the domain draws no randomness itself).
    ///
    /// Each character takes four bytes, read as a little-endian `u32` `x`,
    /// and becomes `ALPHABET[⌊x · 31 / 2³²⌋]`. Fixed input leaves no room
    /// to reject and draw again, so the width does the work instead: every
    /// character is picked with a probability within 31 / 2³² (about one
    /// in 140 million) of 1/31, far below anything a guesser could use.
    #[must_use]
    pub fn from_random(bytes: &[u8; Self::RANDOM_BYTES]) -> Self {
        let alphabet_len = Self::ALPHABET.len() as u64;
        let (words, _) = bytes.as_chunks::<4>();
        let code = words
            .iter()
            .map(|word| {
                let word = u64::from(u32::from_le_bytes(*word));
                // word < 2³², so the index is below the alphabet's length.
                let index = usize::try_from((word * alphabet_len) >> 32).unwrap_or(0);
                char::from(Self::ALPHABET[index])
            })
            .collect();
        Self(code)
    }

    /// Reads a code as a member types or pastes it: white space and
    /// hyphens (or the dashes a phone's keyboard may turn them into) are
    /// ignored, and lower case reads as upper case.
    ///
    /// # Errors
    ///
    /// [`InviteCodeError::Character`] for a character outside the
    /// alphabet, [`InviteCodeError::Length`] when the count is not
    /// [`InviteCode::LEN`].
    pub fn parse(raw: &str) -> Result<Self, InviteCodeError> {
        let mut code = String::with_capacity(Self::LEN);
        let separator = |c: char| c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}');
        for c in raw.chars().filter(|c| !separator(*c)) {
            let upper = c.to_ascii_uppercase();
            if !u8::try_from(upper).is_ok_and(|b| Self::ALPHABET.contains(&b)) {
                return Err(InviteCodeError::Character);
            }
            code.push(upper);
            if code.len() > Self::LEN {
                return Err(InviteCodeError::Length);
            }
        }
        if code.len() != Self::LEN {
            return Err(InviteCodeError::Length);
        }
        Ok(Self(code))
    }

    /// The code as stored: upper case, no separators.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for InviteCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goal::UnknownName;
    use crate::text::{Lines, TextError};
    use proptest::prelude::*;

    #[test]
    fn group_texts_follow_their_rules() {
        assert_eq!(
            GroupName::parse("  Tuesday circle ")
                .expect("valid")
                .as_str(),
            "Tuesday circle"
        );
        assert_eq!(GroupName::parse(" "), Err(TextError::Empty));
        assert_eq!(
            GroupName::parse(&"x".repeat(81)),
            Err(TextError::TooLong(80))
        );
        assert_eq!(
            GroupName::parse("Tuesday\ncircle"),
            Err(TextError::ControlCharacter(Lines::One))
        );
        assert_eq!(
            GroupName::parse("Tues\u{200B}day"),
            Err(TextError::Invisible)
        );

        assert_eq!(GroupDescription::parse(" \n "), Ok(None));
        assert_eq!(
            GroupDescription::parse(" We meet\non Tuesdays ")
                .expect("valid")
                .map(|d| d.as_str().to_owned()),
            Some(" We meet\non Tuesdays ".to_owned()),
            "kept as written"
        );
        assert_eq!(
            GroupDescription::parse(&"x".repeat(1_001)),
            Err(TextError::TooLong(1_000))
        );

        assert!(StrategyTitle::parse(&"x".repeat(120)).is_ok());
        assert_eq!(
            StrategyTitle::parse(&"x".repeat(121)),
            Err(TextError::TooLong(120))
        );
        assert_eq!(StrategyBody::parse("\n\t"), Err(TextError::Empty));
        assert_eq!(
            StrategyBody::parse("Breathe in\n\tfor four")
                .expect("valid")
                .as_str(),
            "Breathe in\n\tfor four"
        );
        assert_eq!(
            StrategyBody::parse(&"x".repeat(2_001)),
            Err(TextError::TooLong(2_000))
        );

        assert_eq!(PartnerMessage::parse(""), Ok(None));
        assert_eq!(
            PartnerMessage::parse(" Hi!\n ")
                .expect("valid")
                .map(|m| m.as_str().to_owned()),
            Some("Hi!".to_owned())
        );
        assert_eq!(
            PartnerMessage::parse(&"x".repeat(501)),
            Err(TextError::TooLong(500))
        );
        assert_eq!(
            PartnerMessage::parse("a\u{7}b"),
            Err(TextError::ControlCharacter(Lines::Many))
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in GroupRole::ALL {
            assert_eq!(role.as_str().parse(), Ok(*role));
        }
        assert_eq!(GroupRole::Facilitator.to_string(), "facilitator");
        let error = "admin".parse::<GroupRole>().expect_err("no such role");
        assert_eq!(error, UnknownName("member, facilitator"));
        assert_eq!(error.to_string(), "must be one of member, facilitator");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        assert_eq!(InviteCode::ALPHABET.len(), 31);
        for c in b"01ILO" {
            assert!(!InviteCode::ALPHABET.contains(c), "{}", char::from(*c));
        }
        let mut sorted = InviteCode::ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 31, "no repeats");
    }

    #[test]
    fn random_bytes_cover_the_alphabet_evenly() {
        // The lowest and highest words map to the ends of the alphabet.
        assert_eq!(InviteCode::from_random(&[0; 48]).as_str(), "AAAAAAAAAAAA");
        assert_eq!(
            InviteCode::from_random(&[0xFF; 48]).as_str(),
            "999999999999"
        );
        // Evenly spaced words land on every character the same number of
        // times.
        let step = (1u64 << 32) / 31;
        let mut counts = [0u32; 31];
        for i in 0..31 * 12 {
            let word = u32::try_from(i % 31 * step + step / 2).expect("fits");
            let mut bytes = [0u8; 48];
            for chunk in bytes.chunks_exact_mut(4) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            let code = InviteCode::from_random(&bytes);
            let first = code.as_str().as_bytes()[0];
            let index = InviteCode::ALPHABET
                .iter()
                .position(|c| *c == first)
                .expect("in the alphabet");
            counts[index] += 1;
        }
        assert!(counts.iter().all(|n| *n == 12), "{counts:?}");
    }

    #[test]
    fn codes_are_read_leniently() {
        let code = InviteCode::parse(" abcd-efgh jk2m ").expect("valid");
        assert_eq!(
            InviteCode::parse("ABCD\u{2013}EFGH\u{a0}JK2M\n"),
            Ok(code.clone()),
            "an en dash, a no-break space, a pasted newline"
        );
        assert_eq!(code.as_str(), "ABCDEFGHJK2M");
        assert_eq!(code.to_string(), "ABCDEFGHJK2M");
        assert_eq!(format!("{code:?}"), "InviteCode(…)");
        assert_eq!(
            InviteCode::parse("ABCD-EFGH-JK2"),
            Err(InviteCodeError::Length)
        );
        assert_eq!(InviteCode::parse(""), Err(InviteCodeError::Length));
        assert_eq!(
            InviteCode::parse("ABCD-EFGH-JK2M-N"),
            Err(InviteCodeError::Length)
        );
        for bad in [
            "ABCDEFGHJK0M",
            "ABCDEFGHJKOM",
            "ABCDEFGHJK1M",
            "abcdefghjklm",
            "ABCDEFGHJKÄM",
            "ABCD_EFGHJK2M",
        ] {
            assert_eq!(
                InviteCode::parse(bad),
                Err(InviteCodeError::Character),
                "{bad}"
            );
        }
        let message = InviteCodeError::Character.to_string();
        assert!(!message.contains("ABCD"));
    }

    proptest! {
        #[test]
        fn drawn_codes_parse_back(bytes in prop::collection::vec(any::<u8>(), InviteCode::RANDOM_BYTES)) {
            let bytes: [u8; InviteCode::RANDOM_BYTES] = bytes.try_into().expect("the right length");
            let code = InviteCode::from_random(&bytes);
            prop_assert_eq!(code.as_str().len(), InviteCode::LEN);
            prop_assert_eq!(InviteCode::parse(code.as_str()), Ok(code.clone()));
            let spaced = code.as_str().to_lowercase().chars().enumerate().fold(String::new(), |mut s, (i, c)| {
                if i > 0 && i % 4 == 0 { s.push('-'); }
                s.push(c);
                s
            });
            prop_assert_eq!(InviteCode::parse(&spaced), Ok(code));
        }

        #[test]
        fn parsed_codes_hold_only_the_alphabet(raw in "[A-Za-z0-9 -]{0,20}") {
            if let Ok(code) = InviteCode::parse(&raw) {
                prop_assert_eq!(code.as_str().len(), InviteCode::LEN);
                prop_assert!(code.as_str().bytes().all(|b| InviteCode::ALPHABET.contains(&b)));
            }
        }
    }
}
