use std::fmt;

/// A password as a member typed it, of an acceptable length. It is never
/// stored: the api hashes it at once. `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a string is not an acceptable [`Password`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`Password::MIN_LEN`] characters.
    #[error("must be at least 10 characters")]
    TooShort,
    /// More than [`Password::MAX_LEN`] characters.
    #[error("must be at most 128 characters")]
    TooLong,
}

impl Password {
    /// Fewest characters: long enough to resist guessing without rules about
    /// digits and symbols, which push people to worse passwords.
    pub const MIN_LEN: usize = 10;
    /// Most characters: bounds the hashing work one request can cause.
    pub const MAX_LEN: usize = 128;

    /// Checks the length in characters (not bytes). White space is kept as
    /// typed: it is part of the secret.
    pub fn parse(raw: String) -> Result<Self, PasswordError> {
        match raw.chars().count() {
            n if n < Self::MIN_LEN => Err(PasswordError::TooShort),
            n if n > Self::MAX_LEN => Err(PasswordError::TooLong),
            _ => Ok(Self(raw)),
        }
    }

    /// The secret itself, for the hasher.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(**redacted**)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn debug_hides_the_secret() {
        let password = Password::parse("correct horse battery".into()).expect("valid");
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(
            Password::parse("ééééééééé".into()).is_err(),
            "9 characters, 18 bytes"
        );
        assert!(
            Password::parse("éééééééééé".into()).is_ok(),
            "10 characters"
        );
    }

    proptest! {
        #[test]
        fn accepts_exactly_ten_to_128_characters(raw in "\\PC{0,140}") {
            let n = raw.chars().count();
            let parsed = Password::parse(raw);
            match n {
                0..=9 => prop_assert_eq!(parsed, Err(PasswordError::TooShort)),
                10..=128 => prop_assert!(parsed.is_ok()),
                _ => prop_assert_eq!(parsed, Err(PasswordError::TooLong)),
            }
        }
    }
}
