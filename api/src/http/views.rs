//! Response bodies: what the API shows of stored things.

use super::field::{Expected, Field};
use crate::db::members::Member;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::RecoverySince;
use utoipa::ToSchema;
use uuid::Uuid;

/// A stored instant as RFC 3339 UTC.
pub fn utc(instant: NaiveDateTime) -> DateTime<Utc> {
    instant.and_utc()
}

/// A member's own view of their account and profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The member's id.
    pub id: Uuid,
    /// The login email, trimmed and lower-cased.
    #[schema(format = Email, example = "sam@example.org")]
    pub email: String,
    /// The name others see.
    #[schema(example = "Sam")]
    pub display_name: String,
    /// The member's IANA time zone.
    #[schema(example = "Europe/Berlin")]
    pub timezone: String,
    /// A few words about themself.
    #[schema(required = true)]
    pub bio: Option<String>,
    /// What they are recovering from.
    #[schema(value_type = Vec<super::schema::RecoveryFocusName>)]
    pub recovery_focus: Vec<String>,
    /// When their recovery began.
    #[schema(required = true)]
    pub recovery_since: Option<NaiveDate>,
    /// Whether they may be suggested as a partner.
    pub open_to_partnering: bool,
    /// How many active partners they want at most.
    #[schema(minimum = 1, maximum = 5)]
    pub max_partners: u8,
    /// Whether they would mentor a newcomer.
    pub willing_to_mentor: bool,
    /// When they get no pushes, in their time zone.
    #[schema(required = true)]
    pub quiet_hours: Option<QuietHours>,
    /// Whether partners may be told of a missed check-in.
    pub partner_alerts: bool,
    /// When they registered.
    pub created_at: DateTime<Utc>,
    /// When the profile last changed.
    pub updated_at: DateTime<Utc>,
}

/// A window of local time, `HH:MM` to `HH:MM`; it may cross midnight.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// When quiet begins.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "22:00")]
    pub start: String,
    /// When quiet ends.
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:00")]
    pub end: String,
}

/// Quiet hours as a request sends them (the spec shows them as
/// [`QuietHours`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursBody {
    /// When quiet begins.
    #[serde(default)]
    pub start: Field<String>,
    /// When quiet ends.
    #[serde(default)]
    pub end: Field<String>,
}

impl Expected for QuietHoursBody {
    const EXPECTED: &'static str =
        "must be an object with start and end, such as {\"start\": \"22:00\", \"end\": \"07:00\"}";
}

impl From<&Member> for MemberView {
    fn from(member: &Member) -> Self {
        let profile = &member.profile;
        Self {
            id: member.id.as_uuid(),
            email: member.email.as_str().to_owned(),
            display_name: profile.display_name.as_str().to_owned(),
            timezone: profile.timezone.name().to_owned(),
            bio: profile.bio.as_ref().map(|bio| bio.as_str().to_owned()),
            recovery_focus: profile
                .recovery_focus
                .iter()
                .map(|focus| focus.as_str().to_owned())
                .collect(),
            recovery_since: profile.recovery_since.map(RecoverySince::date),
            open_to_partnering: profile.open_to_partnering,
            max_partners: profile.max_partners.get(),
            willing_to_mentor: profile.willing_to_mentor,
            quiet_hours: profile.quiet_hours.map(|quiet| QuietHours {
                start: quiet.start().format("%H:%M").to_string(),
                end: quiet.end().format("%H:%M").to_string(),
            }),
            partner_alerts: profile.partner_alerts,
            created_at: utc(member.created_at),
            updated_at: utc(member.updated_at),
        }
    }
}
