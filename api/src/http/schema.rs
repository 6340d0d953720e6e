//! Spec schemas for values whose allowed set lives in the domain, so the
//! spec lists exactly what the server accepts and cannot drift from it.
//!
//! Some patterns are written out in the field attributes (utoipa takes only
//! literals there) and must accept exactly what the domain's parsers do (a
//! test checks that they agree):
//! - display name: 1 to 50 characters once surrounding white space is
//!   trimmed, none of them a control character;
//! - goal title: 1 to 120 characters once trimmed;
//! - time of day: `HH:MM` on the 24-hour clock.
//!
//! "White space" is Rust's `trim`: Unicode's White_Space property, spelled
//! out as a character class. `\s` would not do: regex engines disagree on
//! it (ECMA leaves out U+0085; Python's ASCII reading leaves out all but
//! six), and a fuzzer reading the spec one way would send names the server
//! reads the other.

use tether_domain::{
    Bio, CheckInStatus, DisplayName, GoalKind, GoalTitle, GroupDescription, GroupName, GroupRole,
    Lines, PartnerMessage, RecoveryFocus, StrategyBody, StrategyTitle, TextRule, TimeZone,
    Visibility, WEEKDAY_NAMES,
};
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

/// Declares a string schema whose values are the names the domain accepts.
macro_rules! names {
    ($(#[$doc:meta])* $type:ident, $component:literal, $description:literal, $values:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $type;

        impl utoipa::PartialSchema for $type {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some($description))
                    .enum_values(Some($values))
                    .into()
            }
        }

        impl utoipa::ToSchema for $type {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($component)
            }
        }
    };
}

/// An IANA time zone name. A string the server checks, not an enum: the
/// list changes with every tzdata release, and hundreds of values make
/// generated clients trip over names such as `GMT0` and `GMT+0`.
#[derive(Debug)]
pub struct TimeZoneName;

impl utoipa::PartialSchema for TimeZoneName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An IANA time zone name, such as Europe/Berlin or America/New_York \
                 (the tz database's names, as the server's copy of it knows them).",
            ))
            .examples(["Europe/Berlin"])
            .format(Some(utoipa::openapi::SchemaFormat::Custom(
                "iana-time-zone".into(),
            )))
            .min_length(Some(1))
            .max_length(Some(TimeZone::MAX_NAME_LEN))
            .into()
    }
}

impl utoipa::ToSchema for TimeZoneName {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TimeZoneName")
    }
}
names!(
    /// What a member is recovering from.
    RecoveryFocusName, "RecoveryFocus", "What a member is recovering from.",
    RecoveryFocus::ALL.map(RecoveryFocus::as_str)
);
names!(
    /// Build or quit.
    GoalKindName, "GoalKind",
    "build: do something (go to a meeting, walk); quit: keep away from something (alcohol, gambling). A quit goal is daily: every day without a slip is kept.",
    GoalKind::ALL.iter().map(|kind| kind.as_str())
);
names!(
    /// Who may see a goal.
    VisibilityName, "Visibility", "private: the owner only; partners: the owner and their active partners.",
    Visibility::ALL.iter().map(|visibility| visibility.as_str())
);
names!(
    /// How a day went.
    CheckInStatusName, "CheckInStatus",
    "done; skipped (a planned rest day: keeps a streak alive without counting for it); slipped (quit goals only).",
    CheckInStatus::ALL.iter().map(|status| status.as_str())
);
names!(
    /// A member's role in a group.
    GroupRoleName, "GroupRole",
    "member; facilitator (may remove members, change roles and rotate the invite code; a group always keeps one).",
    GroupRole::ALL.iter().map(|role| role.as_str())
);
names!(
    /// A weekday.
    WeekdayName, "Weekday", "A weekday, Monday first.",
    WEEKDAY_NAMES
);

pub(crate) use names;

/// A text field's schema, stating the domain's rule for it as a pattern
/// (and, for several lines, as a maximum length), so the spec accepts what
/// the server accepts and nothing else.
fn text(rule: TextRule, nullable: bool, description: &str, example: Option<&str>) -> Object {
    let kind = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::Type(Type::String)
    };
    let schema = ObjectBuilder::new()
        .schema_type(kind)
        .description(Some(description))
        .pattern(Some(rule.pattern()))
        .examples(example);
    match rule.lines {
        Lines::One => schema,
        Lines::Many => schema.max_length(Some(rule.max)),
    }
    .build()
}

/// A display name.
pub fn display_name() -> Object {
    text(
        DisplayName::RULE,
        false,
        "1 to 50 characters after trimming; one line, no control, invisible or text-direction characters.",
        Some("Sam"),
    )
}

/// A goal's title.
pub fn goal_title() -> Object {
    text(
        GoalTitle::RULE,
        false,
        "1 to 120 characters after trimming; one line, no control, invisible or text-direction characters.",
        Some("Walk for 20 minutes"),
    )
}

/// A bio, null or blank to have none.
pub fn bio() -> Object {
    text(
        Bio::RULE,
        true,
        "Up to 500 characters, stored trimmed; newlines and tabs are fine, other control characters are not. Null or blank clears it.",
        None,
    )
}

/// A goal's description.
pub fn description() -> Object {
    text(
        TextRule::DESCRIPTION,
        true,
        "Up to 1,000 characters; newlines and tabs are fine, other control characters are not. Null or blank clears it.",
        None,
    )
}

/// A check-in's note.
pub fn note() -> Object {
    text(
        TextRule::NOTE,
        true,
        "Up to 2,000 characters, private to the member unless note_shared; newlines and tabs are fine, other control characters are not.",
        None,
    )
}

/// A group's name.
pub fn group_name() -> Object {
    text(
        GroupName::RULE,
        false,
        "1 to 80 characters after trimming; one line, no control, invisible or text-direction characters.",
        Some("Tuesday evening circle"),
    )
}

/// A group's description.
pub fn group_description() -> Object {
    text(
        GroupDescription::RULE,
        true,
        "Up to 1,000 characters; newlines and tabs are fine, other control characters are not. Null or blank for none.",
        None,
    )
}

/// A message with a partnership request.
pub fn partner_message() -> Object {
    text(
        PartnerMessage::RULE,
        true,
        "Up to 500 characters; newlines and tabs are fine, other control characters are not.",
        Some("Hi! Would you like to check in on each other this month?"),
    )
}

/// A coping strategy's title.
pub fn strategy_title() -> Object {
    text(
        StrategyTitle::RULE,
        false,
        "1 to 120 characters after trimming; one line, no control, invisible or text-direction characters.",
        Some("Call someone before the craving peaks"),
    )
}

/// A coping strategy's body.
pub fn strategy_body() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "1 to 2,000 characters, not all white space; newlines and tabs are fine, other control characters are not.",
        ))
        .pattern(Some(StrategyBody::RULE.pattern_not_blank()))
        .min_length(Some(1))
        .max_length(Some(StrategyBody::RULE.max))
        .build()
}

/// An invite code as a member may type it.
pub fn invite_code() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "12 characters from A-H, J, K, M, N, P-Z and 2-9 (no 0, O, 1, I or L), in either case; hyphens and spaces between them are ignored.",
        ))
        .pattern(Some(
            "^[ -]*([A-HJKMNP-Za-hjkmnp-z2-9][ -]*){12}$",
        ))
        .examples(["K7MP-QX4R-T9WZ"])
        .build()
}
