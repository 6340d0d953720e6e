//! Cursor pagination: `?limit=` (default 50, at most 200) and `?cursor=`,
//! answered as `{items, next_cursor}`. Cursors are opaque to clients.

use super::error::FieldErrors;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Items per page when the client does not say.
pub const DEFAULT_LIMIT: i64 = 50;
/// Most items per page.
pub const MAX_LIMIT: i64 = 200;

/// The page size from `?limit=`.
pub fn limit(raw: Option<&str>, errors: &mut FieldErrors) -> i64 {
    match raw.map(str::parse::<i64>) {
        None => DEFAULT_LIMIT,
        Some(Ok(limit @ 1..=MAX_LIMIT)) => limit,
        Some(_) => {
            errors.add("limit", "must be a whole number from 1 to 200");
            DEFAULT_LIMIT
        }
    }
}

/// The position a `?cursor=` stands for, parsed by `parse`.
pub fn cursor<T>(
    raw: Option<&str>,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let raw = raw?;
    let position = URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| parse(&text));
    if position.is_none() {
        errors.add("cursor", "is not a cursor from an earlier page");
    }
    position
}

/// Builds a page from up to `limit + 1` loaded items: the extra one only
/// tells that there is more.
pub fn page<T, V>(
    mut items: Vec<T>,
    limit: i64,
    position: impl Fn(&T) -> String,
    view: impl Fn(&T) -> V,
) -> Page<V> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > limit;
    items.truncate(limit);
    Page {
        next_cursor: more
            .then(|| {
                items
                    .last()
                    .map(|last| URL_SAFE_NO_PAD.encode(position(last)))
            })
            .flatten(),
        items: items.iter().map(view).collect(),
    }
}
