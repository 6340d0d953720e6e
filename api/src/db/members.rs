//! The members table: accounts and profiles.

use super::{
    DbConn, DbError,
    schema::{members, sessions},
    sessions::live,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use tether_domain::{
    Bio, DisplayName, Email, MaxPartners, MemberId, Profile, QuietHours, RecoveryFocus,
    RecoverySince, TimeZone,
};
use uuid::Uuid;

/// A member as stored, with every field parsed back into its domain type.
#[derive(Debug, Clone)]
pub struct Member {
    /// Who.
    pub id: MemberId,
    /// The login.
    pub email: Email,
    /// argon2id PHC string.
    pub password_hash: String,
    /// What they say about themself.
    pub profile: Profile,
    /// When they registered.
    pub created_at: NaiveDateTime,
    /// When the profile last changed.
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Insertable, AsChangeset)]
#[diesel(table_name = members, treat_none_as_null = true)]
struct MemberRow {
    id: String,
    email: String,
    password_hash: String,
    display_name: String,
    timezone: String,
    bio: Option<String>,
    recovery_focus: String,
    recovery_since: Option<NaiveDate>,
    open_to_partnering: bool,
    max_partners: i32,
    willing_to_mentor: bool,
    quiet_hours_start: Option<String>,
    quiet_hours_end: Option<String>,
    partner_alerts: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

const TIME_OF_DAY: &str = "%H:%M";

impl From<&Member> for MemberRow {
    fn from(member: &Member) -> Self {
        let profile = &member.profile;
        Self {
            id: member.id.to_string(),
            email: member.email.as_str().to_owned(),
            password_hash: member.password_hash.clone(),
            display_name: profile.display_name.as_str().to_owned(),
            timezone: profile.timezone.name().to_owned(),
            bio: profile.bio.as_ref().map(|bio| bio.as_str().to_owned()),
            recovery_focus: profile
                .recovery_focus
                .iter()
                .map(|focus| focus.as_str())
                .collect::<Vec<_>>()
                .join(","),
            recovery_since: profile.recovery_since.map(RecoverySince::date),
            open_to_partnering: profile.open_to_partnering,
            max_partners: i32::from(profile.max_partners.get()),
            willing_to_mentor: profile.willing_to_mentor,
            quiet_hours_start: profile
                .quiet_hours
                .map(|quiet| quiet.start().format(TIME_OF_DAY).to_string()),
            quiet_hours_end: profile
                .quiet_hours
                .map(|quiet| quiet.end().format(TIME_OF_DAY).to_string()),
            partner_alerts: profile.partner_alerts,
            created_at: member.created_at,
            updated_at: member.updated_at,
        }
    }
}

impl TryFrom<MemberRow> for Member {
    type Error = DbError;

    fn try_from(row: MemberRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("member {}: {what}", row.id));
        let time = |raw: &str| NaiveTime::parse_from_str(raw, TIME_OF_DAY);
        let quiet_hours = match (&row.quiet_hours_start, &row.quiet_hours_end) {
            (Some(start), Some(end)) => Some(
                time(start)
                    .ok()
                    .zip(time(end).ok())
                    .and_then(|(start, end)| QuietHours::new(start, end))
                    .ok_or_else(|| corrupt("quiet_hours"))?,
            ),
            _ => None,
        };
        let profile = Profile {
            display_name: DisplayName::stored(row.display_name),
            timezone: TimeZone::parse(&row.timezone).map_err(|_| corrupt("timezone"))?,
            bio: row.bio.map(Bio::stored),
            recovery_focus: RecoveryFocus::parse_set(
                row.recovery_focus.split(',').filter(|s| !s.is_empty()),
            )
            .map_err(|_| corrupt("recovery_focus"))?,
            // Checked against "today" when it was written; today has only
            // moved on since, so the date stays valid.
            recovery_since: row
                .recovery_since
                .map(|date| RecoverySince::parse(date, NaiveDate::MAX))
                .transpose()
                .map_err(|_| corrupt("recovery_since"))?,
            open_to_partnering: row.open_to_partnering,
            max_partners: MaxPartners::parse(i64::from(row.max_partners))
                .map_err(|_| corrupt("max_partners"))?,
            willing_to_mentor: row.willing_to_mentor,
            quiet_hours,
            partner_alerts: row.partner_alerts,
        };
        Ok(Self {
            id: Uuid::parse_str(&row.id)
                .map(MemberId::from_uuid)
                .map_err(|_| corrupt("id"))?,
            email: Email::stored(row.email),
            password_hash: row.password_hash,
            profile,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Stores a new member; [`DbError::Duplicate`] when the email is taken.
pub fn insert(conn: &mut DbConn, member: &Member) -> Result<(), DbError> {
    diesel::insert_into(members::table)
        .values(MemberRow::from(member))
        .execute(conn)?;
    Ok(())
}

/// The member with this id, if any.
pub fn find(conn: &mut DbConn, id: MemberId) -> Result<Option<Member>, DbError> {
    members::table
        .find(id.to_string())
        .first::<MemberRow>(conn)
        .optional()?
        .map(Member::try_from)
        .transpose()
}

/// The member, if `session` is a live session of theirs: how a request
/// learns both who is calling and that their token still holds, in one
/// statement.
pub fn find_in_session(
    conn: &mut DbConn,
    id: MemberId,
    session: Uuid,
    now: NaiveDateTime,
) -> Result<Option<Member>, DbError> {
    members::table
        .inner_join(sessions::table)
        .filter(members::id.eq(id.to_string()))
        .filter(sessions::id.eq(session.to_string()))
        .filter(live(now))
        .select(members::all_columns)
        .first::<MemberRow>(conn)
        .optional()?
        .map(Member::try_from)
        .transpose()
}

/// Every member of any of the active `groups`, each once, by id.
pub fn in_groups(conn: &mut DbConn, groups: &[uuid::Uuid]) -> Result<Vec<Member>, DbError> {
    use super::schema::{group_members, recovery_groups};
    let ids: Vec<String> = groups.iter().map(ToString::to_string).collect();
    let in_them = group_members::table
        .inner_join(recovery_groups::table)
        .filter(group_members::group_id.eq_any(ids))
        .filter(recovery_groups::archived_at.is_null())
        .select(group_members::member_id);
    members::table
        .filter(members::id.eq_any(in_them))
        .order(members::id.asc())
        .load::<MemberRow>(conn)?
        .into_iter()
        .map(Member::try_from)
        .collect()
}

/// The member who logs in with this email, if any.
pub fn find_by_email(conn: &mut DbConn, email: &Email) -> Result<Option<Member>, DbError> {
    members::table
        .filter(members::email.eq(email.as_str()))
        .first::<MemberRow>(conn)
        .optional()?
        .map(Member::try_from)
        .transpose()
}

/// Takes the member's row lock until the transaction ends, so that checks
/// over several of their rows (at most 50 active goals) hold under
/// concurrent requests. On SQLite the write transaction already serialises.
pub fn lock(conn: &mut DbConn, id: MemberId) -> Result<bool, DbError> {
    let locked = diesel::update(members::table.find(id.to_string()))
        .set(members::id.eq(members::id))
        .execute(conn)?;
    Ok(locked == 1)
}

/// Writes the whole member back; false when it no longer exists.
pub fn update(conn: &mut DbConn, member: &Member) -> Result<bool, DbError> {
    let updated = diesel::update(members::table.find(member.id.to_string()))
        .set(MemberRow::from(member))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Erases the member; everything that belongs to them goes with them
/// through `ON DELETE CASCADE`. False when there was nothing to erase.
pub fn delete(conn: &mut DbConn, id: MemberId) -> Result<bool, DbError> {
    let deleted = diesel::delete(members::table.find(id.to_string())).execute(conn)?;
    Ok(deleted == 1)
}
