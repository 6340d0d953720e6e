//! Tether's domain: the rules and types of the accountability-partner service.
//!
//! Everything here is pure: no I/O, no async, no database, no HTTP. The api
//! crate parses raw input into these types at its edge and trusts them after.

mod account;
mod email;
mod encouragement;
mod goal;
mod group;
mod ids;
mod notification;
pub mod partners;
mod password;
mod profile;
pub mod progress;
mod report;
mod text;
mod timezone;

pub use account::DisplayName;
pub use email::{Email, EmailError};
pub use encouragement::{
    EncouragementKind, EncouragementTextError, MESSAGE_RULE, encouragement_text, until_next_day,
};
pub use goal::{
    BACKFILL_DAYS, Cadence, CadenceError, CheckInDateError, CheckInStatus, GoalKind, GoalTitle,
    MAX_ACTIVE_GOALS, MAX_ARCHIVED_GOALS, Mood, MoodError, QuitCadenceError, StartError,
    StatusError, UnknownName, Visibility, WEEKDAY_NAMES, WeekdaySet, check_cadence, check_in_date,
    check_start, check_status,
};
pub use group::{
    GroupDescription, GroupName, GroupRole, InviteCode, InviteCodeError, MAX_GROUP_MEMBERS,
    PartnerMessage, StrategyBody, StrategyTitle,
};
pub use ids::MemberId;
pub use notification::{NotificationKind, Priority};
pub use password::{Password, PasswordError};
pub use profile::{
    Bio, MaxPartners, MaxPartnersError, Profile, QuietHours, RecoveryFocus, RecoveryFocusError,
    RecoverySince, RecoverySinceError,
};
pub use report::{REPORT_TEXT, ReportReason, ReportStatus};
pub use text::{INVISIBLE, Lines, Text, TextError, TextRule, is_invisible};
pub use timezone::{TimeZone, TimeZoneError};
