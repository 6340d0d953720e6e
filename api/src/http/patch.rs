//! Partial updates: a field left out keeps its value, `null` clears it where
//! it may be empty, and anything else replaces it.

use super::error::FieldErrors;
use serde::{Deserialize, Deserializer};

/// A field of a partial update: left out, set to null, or set to a value.
#[derive(Debug, Default)]
pub enum Patch<T> {
    /// Not in the body: keep what is stored.
    #[default]
    Absent,
    /// `null`: clear it (only where the field may be empty).
    Null,
    /// A new value.
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Self::Null, Self::Value))
    }
}

impl<T> Patch<T> {
    /// For a field that may be left out but never emptied: the new value,
    /// if any, noting an error for `null`.
    pub fn required(self, errors: &mut FieldErrors, field: &str) -> Option<T> {
        match self {
            Self::Absent => None,
            Self::Null => {
                errors.add(field, "must not be null");
                None
            }
            Self::Value(value) => Some(value),
        }
    }

    /// For a field that may be emptied: `Some(None)` clears it. `parse`
    /// gives `None` when the value is bad (having noted why).
    pub fn nullable<U>(self, parse: impl FnOnce(T) -> Option<Option<U>>) -> Option<Option<U>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => parse(value),
        }
    }
}

/// Replaces `field` when there is a change.
pub fn set<T>(field: &mut T, change: Option<T>) {
    if let Some(value) = change {
        *field = value;
    }
}
