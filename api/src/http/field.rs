//! One field of a request body, read without failing: left out, `null`, a
//! value of the JSON type the field takes, or something else. A body is
//! read whole whatever its fields hold, so that one answer can name every
//! missing or bad field, in our words rather than serde's.

use super::{error::FieldErrors, json::WholeNumber};
use serde::{Deserialize, Deserializer, de::DeserializeOwned};
use serde_json::value::RawValue;
use std::fmt::Display;

/// A field as sent.
#[derive(Debug, Default)]
pub enum Field<T> {
    /// Not in the body.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A value of the expected JSON type.
    Value(T),
    /// Something else: another type, a number out of range, an object of
    /// another shape.
    Invalid,
}

/// What a field's JSON type is, in words for the member who sent another.
pub trait Expected: DeserializeOwned {
    /// Says what the field must be ("must be text").
    const EXPECTED: &'static str;
}

impl Expected for String {
    const EXPECTED: &'static str = "must be text";
}

impl Expected for bool {
    const EXPECTED: &'static str = "must be true or false";
}

impl Expected for WholeNumber {
    const EXPECTED: &'static str = "must be a whole number";
}

impl Expected for Vec<String> {
    const EXPECTED: &'static str = "must be a list of text";
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The value's own text first, which any JSON value has (a number out
        // of range included): reading it as T then fails, if it does, on
        // that text alone and never derails the rest of the body.
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        if raw.get() == "null" {
            return Ok(Self::Null);
        }
        Ok(serde_json::from_str(raw.get()).map_or(Self::Invalid, Self::Value))
    }
}

impl<T: Expected> Field<T> {
    /// A field that must be there (`null` counts as missing).
    pub fn required(self, errors: &mut FieldErrors, name: &str) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => {
                errors.add(name, "is required");
                None
            }
            Self::Invalid => {
                errors.add(name, T::EXPECTED);
                None
            }
        }
    }

    /// A field that may be left out or `null`: `Some(None)` then. `None`
    /// when it is of another type (noted in `errors`).
    pub fn optional(self, errors: &mut FieldErrors, name: &str) -> Option<Option<T>> {
        match self {
            Self::Value(value) => Some(Some(value)),
            Self::Absent | Self::Null => Some(None),
            Self::Invalid => {
                errors.add(name, T::EXPECTED);
                None
            }
        }
    }

    /// A field of a partial update that may be left out (kept as it is)
    /// but never emptied: the new value, if there is a good one.
    pub fn change(self, errors: &mut FieldErrors, name: &str) -> Option<T> {
        match self {
            Self::Absent => None,
            Self::Null => {
                errors.add(name, "must not be null");
                None
            }
            Self::Value(value) => Some(value),
            Self::Invalid => {
                errors.add(name, T::EXPECTED);
                None
            }
        }
    }

    /// A field of a partial update that `null` clears: `Some(None)` to
    /// clear, `Some(Some(value))` to set, `None` to keep (or when bad).
    pub fn change_nullable(self, errors: &mut FieldErrors, name: &str) -> Option<Option<T>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => Some(Some(value)),
            Self::Invalid => {
                errors.add(name, T::EXPECTED);
                None
            }
        }
    }
}

/// Each reading again, with the value then parsed by a domain parser whose
/// error is noted under the same name: the usual way to read a field.
impl<T: Expected> Field<T> {
    /// [`Field::required`], then `parse`.
    pub fn required_with<U, E: Display>(
        self,
        errors: &mut FieldErrors,
        name: &str,
        parse: impl FnOnce(T) -> Result<U, E>,
    ) -> Option<U> {
        let value = self.required(errors, name)?;
        errors.check(name, parse(value))
    }

    /// [`Field::optional`], then `parse` on a value that is there.
    pub fn optional_with<U, E: Display>(
        self,
        errors: &mut FieldErrors,
        name: &str,
        parse: impl FnOnce(T) -> Result<U, E>,
    ) -> Option<Option<U>> {
        match self.optional(errors, name)? {
            Some(value) => errors.check(name, parse(value)).map(Some),
            None => Some(None),
        }
    }

    /// [`Field::change`], then `parse`.
    pub fn change_with<U, E: Display>(
        self,
        errors: &mut FieldErrors,
        name: &str,
        parse: impl FnOnce(T) -> Result<U, E>,
    ) -> Option<U> {
        let value = self.change(errors, name)?;
        errors.check(name, parse(value))
    }

    /// [`Field::change_nullable`], then `parse` on a value that is there.
    pub fn change_nullable_with<U, E: Display>(
        self,
        errors: &mut FieldErrors,
        name: &str,
        parse: impl FnOnce(T) -> Result<U, E>,
    ) -> Option<Option<U>> {
        match self.change_nullable(errors, name)? {
            Some(value) => errors.check(name, parse(value)).map(Some),
            None => Some(None),
        }
    }
}

/// Replaces `field` when there is a change.
pub fn set<T>(field: &mut T, change: Option<T>) {
    if let Some(value) = change {
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: DeserializeOwned>(json: &str) -> Field<T> {
        #[derive(Deserialize)]
        #[serde(bound = "T: DeserializeOwned")]
        struct Body<T> {
            #[serde(default)]
            field: Field<T>,
        }
        serde_json::from_str::<Body<T>>(json)
            .expect("a body is always read")
            .field
    }

    #[test]
    fn every_value_is_read_without_failing() {
        assert!(matches!(read::<String>(r#"{}"#), Field::Absent));
        assert!(matches!(read::<String>(r#"{"field": null}"#), Field::Null));
        assert!(matches!(read::<String>(r#"{"field": "x"}"#), Field::Value(s) if s == "x"));
        assert!(matches!(read::<String>(r#"{"field": 42}"#), Field::Invalid));
        assert!(matches!(
            read::<WholeNumber>(r#"{"field": 1e400}"#),
            Field::Invalid
        ));
        assert!(matches!(
            read::<String>(r#"{"field": 1e400}"#),
            Field::Invalid
        ));
        assert!(matches!(
            read::<bool>(r#"{"field": [true]}"#),
            Field::Invalid
        ));
    }

    #[test]
    fn each_reading_names_what_is_wrong() {
        let mut errors = FieldErrors::new();
        assert_eq!(Field::<String>::Absent.required(&mut errors, "a"), None);
        assert_eq!(Field::<String>::Invalid.optional(&mut errors, "b"), None);
        assert_eq!(Field::<bool>::Null.change(&mut errors, "c"), None);
        assert_eq!(
            Field::<bool>::Null.change_nullable(&mut errors, "d"),
            Some(None)
        );
        assert_eq!(errors.fields(), ["a", "b", "c"]);
    }
}
