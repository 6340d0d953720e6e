//! Cursor pagination: `?limit=` (default 50, at most 200) and `?cursor=`,
//! answered as `{items, next_cursor}`. A cursor is the key of the last item
//! of a page (an id, a date): any well-formed key is a position in the
//! order, so a client may also start from one of its own.

use super::error::FieldErrors;
use serde::Serialize;
use utoipa::ToSchema;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// This page's items.
    #[schema(schema_with = items_of::<T>)]
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A page's items as a list of references to the item's own schema, which
/// utoipa would otherwise copy into every page.
fn items_of<T: ToSchema>() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name(T::name()))
        .description(Some("This page's items."))
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
pub fn cursor<T, E: std::fmt::Display>(
    raw: Option<&str>,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    errors.check("cursor", parse(raw?))
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
        next_cursor: more.then(|| items.last().map(&position)).flatten(),
        items: items.iter().map(view).collect(),
    }
}
