use crate::text::{TextRule, required_text};

required_text!(
    /// The name a member shows to others: one line of 1 to 50 characters
    /// after trimming, nothing invisible in it.
    DisplayName,
    TextRule::DISPLAY_NAME
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Lines, TextError};
    use proptest::prelude::*;

    #[test]
    fn trims() {
        assert_eq!(DisplayName::parse("  Sam ").expect("valid").as_str(), "Sam");
        assert_eq!(DisplayName::parse("   "), Err(TextError::Empty));
        assert_eq!(
            DisplayName::parse("Sam\nB"),
            Err(TextError::ControlCharacter(Lines::One))
        );
    }

    proptest! {
        #[test]
        fn a_parsed_name_is_trimmed_and_within_bounds(raw in "\\PC{0,70}") {
            if let Ok(name) = DisplayName::parse(&raw) {
                let n = name.as_str().chars().count();
                prop_assert!((1..=50).contains(&n));
                prop_assert_eq!(name.as_str(), name.as_str().trim());
            }
        }
    }
}
