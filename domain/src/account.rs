use std::fmt;

/// The name a member shows to others: 1 to 50 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// Why a string is not a [`DisplayName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    /// Nothing but white space.
    #[error("is required")]
    Empty,
    /// Over 50 characters.
    #[error("must be at most 50 characters")]
    TooLong,
    /// Holds a control character (a newline, a NUL, ...).
    #[error("must not contain control characters")]
    ControlCharacter,
}

impl DisplayName {
    /// Most characters a display name may have.
    pub const MAX_LEN: usize = 50;

    /// Trims the input and checks what is left.
    pub fn parse(raw: &str) -> Result<Self, DisplayNameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if name.chars().count() > Self::MAX_LEN {
            return Err(DisplayNameError::TooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    /// The trimmed name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims() {
        assert_eq!(DisplayName::parse("  Sam ").expect("valid").as_str(), "Sam");
        assert_eq!(DisplayName::parse(" \t "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse("Sam\nB"),
            Err(DisplayNameError::ControlCharacter)
        );
    }

    proptest! {
        #[test]
        fn a_parsed_name_is_trimmed_and_within_bounds(raw in "\\PC{0,70}") {
            if let Ok(name) = DisplayName::parse(&raw) {
                let n = name.as_str().chars().count();
                prop_assert!((1..=50).contains(&n));
                prop_assert_eq!(name.as_str(), name.as_str().trim());
            } else {
                let trimmed = raw.trim().chars().count();
                prop_assert!(trimmed == 0 || trimmed > 50);
            }
        }
    }
}
