//! Spec schemas for values whose allowed set lives in the domain, so the
//! spec lists exactly what the server accepts and cannot drift from it.
//!
//! Two patterns are written out in the field attributes (utoipa takes only
//! literals there) and must match the domain's parsers:
//! - display name: 1 to 50 characters once surrounding white space is
//!   trimmed, none of them a control character;
//! - time of day: `HH:MM` on the 24-hour clock.

use std::borrow::Cow;
use tether_domain::{RecoveryFocus, TimeZone};
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{ObjectBuilder, RefOr, Schema, schema::Type},
};

/// An IANA time zone name.
#[derive(Debug)]
pub struct TimeZoneName;

impl PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An IANA time zone name, such as Europe/Berlin."))
            .enum_values(Some(TimeZone::all_names()))
            .into()
    }
}

impl ToSchema for TimeZoneName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TimeZoneName")
    }
}

/// What a member is recovering from.
#[derive(Debug)]
pub struct RecoveryFocusName;

impl PartialSchema for RecoveryFocusName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("What a member is recovering from."))
            .enum_values(Some(RecoveryFocus::ALL.map(RecoveryFocus::as_str)))
            .into()
    }
}

impl ToSchema for RecoveryFocusName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("RecoveryFocus")
    }
}
