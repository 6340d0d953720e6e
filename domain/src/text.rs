//! Text that members write, under one set of rules for every free-text
//! field: no NUL or other control characters (a note may keep newlines and
//! tabs), and no invisible or direction-changing characters in one-line
//! names, where they would let one name pass for another.
//!
//! Each field names its [`TextRule`]; [`Text::parse`] applies it, and
//! [`TextRule::pattern`] states the same rule as a regular expression for
//! the API's spec, so a client learns exactly what the server takes.

use std::{fmt, ops::RangeInclusive};

/// Characters that show nothing, or turn the direction of what follows,
/// and so let a name look like another: zero-width spaces and joiners,
/// bidirectional marks, embeddings, overrides and isolates, fillers that
/// render blank. Variation selectors are not among them: emoji need them.
pub const INVISIBLE: [RangeInclusive<char>; 14] = [
    '\u{00AD}'..='\u{00AD}', // soft hyphen
    '\u{034F}'..='\u{034F}', // combining grapheme joiner
    '\u{061C}'..='\u{061C}', // Arabic letter mark
    '\u{115F}'..='\u{1160}', // Hangul fillers
    '\u{17B4}'..='\u{17B5}', // Khmer inherent vowels
    '\u{180E}'..='\u{180E}', // Mongolian vowel separator
    '\u{200B}'..='\u{200F}', // zero-width space, non-joiner, joiner; LRM, RLM
    '\u{202A}'..='\u{202E}', // bidirectional embeddings and overrides
    '\u{2060}'..='\u{2064}', // word joiner, invisible operators
    '\u{2066}'..='\u{206F}', // bidirectional isolates, deprecated format characters
    '\u{3164}'..='\u{3164}', // Hangul filler
    '\u{FEFF}'..='\u{FEFF}', // zero-width no-break space (byte order mark)
    '\u{FFA0}'..='\u{FFA0}', // halfwidth Hangul filler
    '\u{FFF9}'..='\u{FFFB}', // interlinear annotation
];

/// Whether `c` is one of the [`INVISIBLE`] characters.
pub fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|range| range.contains(&c))
}

/// White space as Rust's `str::trim` drops it (Unicode's White_Space).
const WHITE_SPACE: [RangeInclusive<char>; 10] = [
    '\t'..='\r',
    ' '..=' ',
    '\u{85}'..='\u{85}',
    '\u{A0}'..='\u{A0}',
    '\u{1680}'..='\u{1680}',
    '\u{2000}'..='\u{200A}',
    '\u{2028}'..='\u{2029}',
    '\u{202F}'..='\u{202F}',
    '\u{205F}'..='\u{205F}',
    '\u{3000}'..='\u{3000}',
];

/// One line (a name, a title) or several (a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// No control character at all; invisible characters refused too.
    One,
    /// Newlines and tabs allowed; other control characters refused.
    Many,
}

/// What one text field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// Most characters. A one-line field counts them after trimming (a
    /// name is what is left); a multi-line field counts them as sent.
    pub max: usize,
    /// One line or several.
    pub lines: Lines,
    /// Whether surrounding white space is dropped (names, titles, a bio)
    /// or kept as written (a note, a description). One-line fields are
    /// always trimmed.
    pub trim: bool,
}

impl TextRule {
    /// A member's display name.
    pub const DISPLAY_NAME: Self = Self::one_line(50);
    /// A goal's title.
    pub const GOAL_TITLE: Self = Self::one_line(120);
    /// A member's bio.
    pub const BIO: Self = Self::many_lines(500, true);
    /// A goal's description.
    pub const DESCRIPTION: Self = Self::many_lines(1_000, false);
    /// A check-in's note.
    pub const NOTE: Self = Self::many_lines(2_000, false);
    /// A group's name.
    pub const GROUP_NAME: Self = Self::one_line(80);
    /// What a group is about, kept as written.
    pub const GROUP_DESCRIPTION: Self = Self::many_lines(1_000, false);
    /// The title of a coping strategy shared in a group.
    pub const STRATEGY_TITLE: Self = Self::one_line(120);
    /// The body of a coping strategy, kept as written.
    pub const STRATEGY_BODY: Self = Self::many_lines(2_000, false);
    /// The few words that go with a partner request, trimmed like a bio.
    pub const PARTNER_MESSAGE: Self = Self::many_lines(500, true);

    const fn one_line(max: usize) -> Self {
        Self {
            max,
            lines: Lines::One,
            trim: true,
        }
    }

    const fn many_lines(max: usize, trim: bool) -> Self {
        Self {
            max,
            lines: Lines::Many,
            trim,
        }
    }

    /// Whether `c` may appear anywhere in the field.
    fn allows(self, c: char) -> bool {
        match self.lines {
            Lines::One => !breaks_line(c) && !is_invisible(c),
            Lines::Many => !c.is_control() || c == '\n' || c == '\t',
        }
    }

    /// Like [`TextRule::pattern`], for a field that must hold something
    /// besides white space (a multi-line field that is required).
    pub fn pattern_not_blank(self) -> String {
        match self.lines {
            Lines::One => self.pattern(),
            Lines::Many => {
                let refused = refused_class(self.lines);
                let space = class(&WHITE_SPACE, |_| true);
                format!("^[^{refused}]*[^{space}{refused}][^{refused}]*$")
            }
        }
    }

    /// The rule as an ECMA-262 regular expression over the whole value
    /// (length included for one-line fields; a multi-line field's length
    /// is a plain maximum). Classes are spelled out with `\uHHHH` escapes,
    /// which ECMA, Python and Rust engines all read alike.
    pub fn pattern(self) -> String {
        let refused = refused_class(self.lines);
        match self.lines {
            Lines::Many => format!("^[^{refused}]*$"),
            Lines::One => {
                // Surrounding white space is trimmed away, but only white
                // space that the field allows at all.
                let space = class(&WHITE_SPACE, |c| self.allows(c));
                let edge = format!("[^{}{refused}]", class(&WHITE_SPACE, |_| true));
                let inner = self.max.saturating_sub(2);
                format!("^[{space}]*{edge}([^{refused}]{{0,{inner}}}{edge})?[{space}]*$")
            }
        }
    }
}

/// Control characters and the Unicode line and paragraph separators: what
/// a one-line field refuses as "not one line".
fn breaks_line(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// The characters a field of `lines` refuses, as the inside of a class.
fn refused_class(lines: Lines) -> String {
    let controls = ['\0'..='\u{1F}', '\u{7F}'..='\u{9F}'];
    match lines {
        Lines::Many => {
            // Every control character but tab (U+0009) and newline (U+000A).
            let allowed = ['\t', '\n'];
            class(&controls, |c| !allowed.contains(&c))
        }
        Lines::One => {
            let mut all = controls.to_vec();
            all.push('\u{2028}'..='\u{2029}');
            all.extend(INVISIBLE);
            class(&all, |_| true)
        }
    }
}

/// The characters of `ranges` that `keep` keeps, as escaped class items.
fn class(ranges: &[RangeInclusive<char>], keep: impl Fn(char) -> bool) -> String {
    let mut chars: Vec<char> = ranges
        .iter()
        .flat_map(|r| r.clone())
        .filter(|c| keep(*c))
        .collect();
    chars.sort_unstable();
    chars.dedup();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let start = chars[i];
        let mut end = start;
        while i + 1 < chars.len() && u32::from(chars[i + 1]) == u32::from(end) + 1 {
            i += 1;
            end = chars[i];
        }
        out.push_str(&escape(start));
        if end != start {
            out.push('-');
            out.push_str(&escape(end));
        }
        i += 1;
    }
    out
}

fn escape(c: char) -> String {
    format!("\\u{:04X}", u32::from(c))
}

/// Why a string does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but white space, where text is required.
    #[error("is required")]
    Empty,
    /// Longer than the field allows.
    #[error("must be at most {0} characters")]
    TooLong(usize),
    /// A control character the field does not allow.
    #[error("{}", match .0 {
        Lines::One => "must be one line without control characters",
        Lines::Many => "must not contain control characters (newlines and tabs are fine)",
    })]
    ControlCharacter(Lines),
    /// An invisible or direction-changing character in a one-line field.
    #[error("must not contain invisible or text-direction characters")]
    Invisible,
}

/// Text that passed its field's rule. Never empty: all white space is no
/// text at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// Applies `rule`; `None` when nothing but white space was sent.
    pub fn parse(raw: &str, rule: TextRule) -> Result<Option<Self>, TextError> {
        if let Some(bad) = raw.chars().find(|c| !rule.allows(*c)) {
            return Err(if breaks_line(bad) {
                TextError::ControlCharacter(rule.lines)
            } else {
                TextError::Invisible
            });
        }
        let trimmed = raw.trim();
        let counted = match rule.lines {
            Lines::One => trimmed,
            Lines::Many => raw,
        };
        if counted.chars().count() > rule.max {
            return Err(TextError::TooLong(rule.max));
        }
        if trimmed.is_empty() {
            return Ok(None);
        }
        let kept = if rule.trim || rule.lines == Lines::One {
            trimmed
        } else {
            raw
        };
        Ok(Some(Self(kept.to_owned())))
    }

    /// Text as storage holds it. It passed its rule when it was written;
    /// a rule tightened since must not turn what a member wrote into an
    /// error on the way out (they could then neither read nor fix it).
    pub fn stored(text: String) -> Self {
        Self(text)
    }

    /// Like [`Text::parse`], for a field that must not be empty.
    pub fn required(raw: &str, rule: TextRule) -> Result<Self, TextError> {
        Self::parse(raw, rule)?.ok_or(TextError::Empty)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a newtype over [`Text`] for a field that must not be empty.
macro_rules! required_text {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name($crate::text::Text);

        impl $name {
            /// The field's rule.
            pub const RULE: $crate::text::TextRule = $rule;

            /// Checks the input against the rule (a one-line field is
            /// trimmed first).
            ///
            /// # Errors
            ///
            /// When nothing but white space was sent, or the text breaks
            /// the rule: too long, or holding a character the field refuses.
            pub fn parse(raw: &str) -> Result<Self, $crate::text::TextError> {
                $crate::text::Text::required(raw, Self::RULE).map(Self)
            }

            /// The text as storage holds it (see [`Text::stored`](crate::Text::stored)).
            #[must_use]
            pub fn stored(text: String) -> Self {
                Self($crate::text::Text::stored(text))
            }

            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use required_text;

/// Declares a newtype over [`Text`] for a field that may be left empty:
/// `parse` answers `None` for nothing but white space.
macro_rules! optional_text {
    ($(#[$doc:meta])* $name:ident, $rule:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name($crate::text::Text);

        impl $name {
            /// The field's rule.
            pub const RULE: $crate::text::TextRule = $rule;

            /// Checks the input against the rule; `None` when nothing but
            /// white space was sent.
            ///
            /// # Errors
            ///
            /// When the text breaks the rule: too long, or holding a
            /// character the field refuses.
            pub fn parse(raw: &str) -> Result<Option<Self>, $crate::text::TextError> {
                Ok($crate::text::Text::parse(raw, Self::RULE)?.map(Self))
            }

            /// The text as storage holds it (see [`Text::stored`](crate::Text::stored)).
            #[must_use]
            pub fn stored(text: String) -> Self {
                Self($crate::text::Text::stored(text))
            }

            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use optional_text;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NAME: TextRule = TextRule::DISPLAY_NAME;
    const NOTE: TextRule = TextRule::NOTE;

    fn text(raw: &str, rule: TextRule) -> Option<String> {
        Text::parse(raw, rule)
            .expect("valid")
            .map(|t| t.as_str().to_owned())
    }

    #[test]
    fn nul_and_control_characters_are_refused_everywhere() {
        for rule in [
            NAME,
            TextRule::GOAL_TITLE,
            TextRule::BIO,
            TextRule::DESCRIPTION,
            NOTE,
            TextRule::GROUP_NAME,
            TextRule::GROUP_DESCRIPTION,
            TextRule::STRATEGY_TITLE,
            TextRule::STRATEGY_BODY,
            TextRule::PARTNER_MESSAGE,
        ] {
            for bad in [
                "a\0b",
                "a\u{7}b",
                "a\u{1b}[31mb",
                "a\rb",
                "a\u{85}b",
                "a\u{7f}",
            ] {
                assert_eq!(
                    Text::parse(bad, rule),
                    Err(TextError::ControlCharacter(rule.lines)),
                    "{bad:?}"
                );
            }
        }
    }

    #[test]
    fn notes_keep_newlines_and_tabs_and_their_white_space() {
        assert_eq!(
            text(" line one\n\tline two ", NOTE).as_deref(),
            Some(" line one\n\tline two ")
        );
        assert_eq!(text(" \n\t ", NOTE), None);
        assert_eq!(
            Text::parse("Sam\nB", NAME),
            Err(TextError::ControlCharacter(Lines::One))
        );
    }

    #[test]
    fn names_refuse_what_disguises_them() {
        for bad in [
            "Sa\u{200B}m",
            "\u{202E}maS",
            "Sam\u{2066}",
            "\u{FEFF}Sam",
            "S\u{200D}am",
        ] {
            assert_eq!(Text::parse(bad, NAME), Err(TextError::Invisible), "{bad:?}");
        }
        // A note may quote any script, direction marks included.
        assert!(text("\u{202B}שלום\u{202C}", NOTE).is_some());
        // Emoji with a variation selector stay welcome in names.
        assert_eq!(
            text(" Sam ❤\u{FE0F} ", NAME).as_deref(),
            Some("Sam ❤\u{FE0F}")
        );
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        assert!(Text::parse(&"é".repeat(50), NAME).is_ok());
        assert_eq!(
            Text::parse(&"é".repeat(51), NAME),
            Err(TextError::TooLong(50))
        );
        // One-line fields count what is left after trimming...
        assert!(Text::parse(&format!("  {}  ", "x".repeat(50)), NAME).is_ok());
        // ...multi-line fields count what was sent.
        assert_eq!(
            Text::parse(&format!("{} ", "x".repeat(2_000)), NOTE),
            Err(TextError::TooLong(2_000))
        );
        assert_eq!(Text::required(" \u{3000} ", NAME), Err(TextError::Empty));
    }

    #[test]
    fn patterns_spell_out_their_classes() {
        let pattern = NOTE.pattern();
        assert_eq!(pattern, r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$");
        assert!(NAME.pattern().contains(r"\u200B-\u200F"));
        assert!(NAME.pattern().contains("{0,48}"));
    }

    proptest! {
        #[test]
        fn accepted_text_holds_no_refused_character(raw in "\\PC{0,60}|[\\x00-\\x20a\u{200B}\u{202E}\u{85}]{0,10}") {
            for rule in [NAME, NOTE] {
                if let Ok(Some(text)) = Text::parse(&raw, rule) {
                    prop_assert!(text.as_str().chars().all(|c| rule.allows(c)));
                    prop_assert!(!text.as_str().trim().is_empty());
                }
            }
        }
    }
}
