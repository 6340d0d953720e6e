//! The recovery_groups and group_members tables: groups, who is in them,
//! and in what role.

use super::{
    DbConn, DbError,
    schema::{group_members, members, recovery_groups},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{
    DisplayName, GroupDescription, GroupName, GroupRole, InviteCode, MemberId, RecoveryFocus,
};
use uuid::Uuid;

/// A group as stored, parsed back into domain types.
#[derive(Debug, Clone)]
pub struct Group {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: GroupName,
    /// What it is about, if its facilitator said.
    pub description: Option<GroupDescription>,
    /// The recovery it is for.
    pub focus: RecoveryFocus,
    /// What a newcomer types to join.
    pub invite_code: InviteCode,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// When its name, description or code last changed.
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = recovery_groups)]
struct GroupRow {
    id: String,
    name: String,
    description: Option<String>,
    focus: String,
    invite_code: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl TryFrom<GroupRow> for Group {
    type Error = DbError;

    fn try_from(row: GroupRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("group {}: {what}", row.id));
        Ok(Self {
            id: Uuid::parse_str(&row.id).map_err(|_| corrupt("id"))?,
            name: GroupName::stored(row.name),
            description: row.description.map(GroupDescription::stored),
            focus: row.focus.parse().map_err(|_| corrupt("focus"))?,
            invite_code: InviteCode::parse(&row.invite_code).map_err(|_| corrupt("invite_code"))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Parses a stored role.
fn role(group: &str, raw: &str) -> Result<GroupRole, DbError> {
    raw.parse()
        .map_err(|_| DbError::Corrupt(format!("membership in group {group}: role")))
}

/// Creates the group with its creator as its facilitator. The invite code
/// is unique: a clash (one in a billion billion) is a [`DbError::Duplicate`].
pub fn create(conn: &mut DbConn, group: &Group, creator: MemberId) -> Result<(), DbError> {
    diesel::insert_into(recovery_groups::table)
        .values(GroupRow {
            id: group.id.to_string(),
            name: group.name.as_str().to_owned(),
            description: group
                .description
                .as_ref()
                .map(|text| text.as_str().to_owned()),
            focus: group.focus.as_str().to_owned(),
            invite_code: group.invite_code.as_str().to_owned(),
            created_at: group.created_at,
            updated_at: group.updated_at,
            archived_at: None,
        })
        .execute(conn)?;
    add_member(
        conn,
        group.id,
        creator,
        GroupRole::Facilitator,
        group.created_at,
    )
}

/// Adds the member to the group in the role.
pub fn add_member(
    conn: &mut DbConn,
    group: Uuid,
    member: MemberId,
    role: GroupRole,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(group_members::table)
        .values((
            group_members::group_id.eq(group.to_string()),
            group_members::member_id.eq(member.to_string()),
            group_members::role.eq(role.as_str()),
            group_members::joined_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A group the member belongs to, with their role in it and how many
/// members it has.
#[derive(Debug, Clone)]
pub struct Membership {
    /// The group.
    pub group: Group,
    /// The member's role in it.
    pub role: GroupRole,
    /// When the member joined it.
    pub joined_at: NaiveDateTime,
    /// How many members it has.
    pub member_count: i64,
}

diesel::alias!(group_members as everyone: Everyone);

/// The member's membership of an active group, if they are in it: what
/// every request on a group checks first (anyone else gets a 404).
pub fn membership(
    conn: &mut DbConn,
    group: Uuid,
    member: MemberId,
) -> Result<Option<Membership>, DbError> {
    let count = everyone
        .filter(
            everyone
                .field(group_members::group_id)
                .eq(group.to_string()),
        )
        .count()
        .single_value();
    recovery_groups::table
        .inner_join(group_members::table)
        .filter(recovery_groups::id.eq(group.to_string()))
        .filter(recovery_groups::archived_at.is_null())
        .filter(group_members::member_id.eq(member.to_string()))
        .select((
            recovery_groups::all_columns,
            group_members::role,
            group_members::joined_at,
            count,
        ))
        .first::<(GroupRow, String, NaiveDateTime, Option<i64>)>(conn)
        .optional()?
        .map(into_membership)
        .transpose()
}

fn into_membership(
    (row, role_name, joined_at, count): (GroupRow, String, NaiveDateTime, Option<i64>),
) -> Result<Membership, DbError> {
    let role = role(&row.id, &role_name)?;
    Ok(Membership {
        group: Group::try_from(row)?,
        role,
        joined_at,
        member_count: count.unwrap_or(0),
    })
}

/// A page of the member's active groups, by id after `after`.
pub fn memberships(
    conn: &mut DbConn,
    member: MemberId,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Membership>, DbError> {
    let count = everyone
        .filter(
            everyone
                .field(group_members::group_id)
                .eq(recovery_groups::id),
        )
        .count()
        .single_value();
    let mut query = recovery_groups::table
        .inner_join(group_members::table)
        .filter(recovery_groups::archived_at.is_null())
        .filter(group_members::member_id.eq(member.to_string()))
        .select((
            recovery_groups::all_columns,
            group_members::role,
            group_members::joined_at,
            count,
        ))
        .order(recovery_groups::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(recovery_groups::id.gt(after.to_string()));
    }
    query
        .load::<(GroupRow, String, NaiveDateTime, Option<i64>)>(conn)?
        .into_iter()
        .map(into_membership)
        .collect()
}

/// The active group this invite code opens, if any.
pub fn find_by_code(conn: &mut DbConn, code: &InviteCode) -> Result<Option<Group>, DbError> {
    recovery_groups::table
        .filter(recovery_groups::invite_code.eq(code.as_str()))
        .filter(recovery_groups::archived_at.is_null())
        .first::<GroupRow>(conn)
        .optional()?
        .map(Group::try_from)
        .transpose()
}

/// Takes the group's row lock until the transaction ends, so that joins,
/// leaves, role changes and pairings of one group happen one at a time:
/// the member cap, "at least one facilitator" and a facilitator's right to
/// act hold under concurrency. False when the group is not there or is
/// archived.
pub fn lock(conn: &mut DbConn, group: Uuid) -> Result<bool, DbError> {
    // Not `id = id`: SQLite would check every foreign key to the id, as if
    // it had changed.
    let locked = diesel::update(
        recovery_groups::table
            .find(group.to_string())
            .filter(recovery_groups::archived_at.is_null()),
    )
    .set(recovery_groups::updated_at.eq(recovery_groups::updated_at))
    .execute(conn)?;
    Ok(locked == 1)
}

/// How many members the group has, and how many of them facilitate it.
pub fn head_count(conn: &mut DbConn, group: Uuid) -> Result<(i64, i64), DbError> {
    let roles: Vec<String> = group_members::table
        .filter(group_members::group_id.eq(group.to_string()))
        .select(group_members::role)
        .load(conn)?;
    let facilitators = roles
        .iter()
        .filter(|role| *role == GroupRole::Facilitator.as_str())
        .count();
    Ok((roles.len() as i64, facilitators as i64))
}

/// Takes the member out of the group; false when they were not in it.
pub fn remove_member(conn: &mut DbConn, group: Uuid, member: MemberId) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        group_members::table
            .filter(group_members::group_id.eq(group.to_string()))
            .filter(group_members::member_id.eq(member.to_string())),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Sets the member's role; false when they are not in the group.
pub fn set_role(
    conn: &mut DbConn,
    group: Uuid,
    member: MemberId,
    role: GroupRole,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        group_members::table
            .filter(group_members::group_id.eq(group.to_string()))
            .filter(group_members::member_id.eq(member.to_string())),
    )
    .set(group_members::role.eq(role.as_str()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Replaces the group's invite code: the old one stops working with this
/// statement's commit.
pub fn set_invite_code(
    conn: &mut DbConn,
    group: Uuid,
    code: &InviteCode,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(recovery_groups::table.find(group.to_string()))
        .set((
            recovery_groups::invite_code.eq(code.as_str()),
            recovery_groups::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Archives the group: its last member left.
pub fn archive(conn: &mut DbConn, group: Uuid, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(recovery_groups::table.find(group.to_string()))
        .set(recovery_groups::archived_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// What members of a group see of each other: never an email, a recovery
/// date, a time zone or a goal.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Who.
    pub id: MemberId,
    /// The name others see.
    pub display_name: DisplayName,
    /// What they are recovering from.
    pub recovery_focus: Vec<RecoveryFocus>,
    /// Their role in the group.
    pub role: GroupRole,
    /// Whether they may be suggested as a partner.
    pub open_to_partnering: bool,
    /// Whether they would mentor a newcomer.
    pub willing_to_mentor: bool,
    /// When they joined.
    pub joined_at: NaiveDateTime,
}

type ListedRow = (String, String, String, String, bool, bool, NaiveDateTime);

fn into_listed(
    group: Uuid,
    (id, name, focus, role_name, open, mentor, joined_at): ListedRow,
) -> Result<Listed, DbError> {
    let corrupt = |what: &str| DbError::Corrupt(format!("member {id} of group {group}: {what}"));
    Ok(Listed {
        id: Uuid::parse_str(&id)
            .map(MemberId::from_uuid)
            .map_err(|_| corrupt("id"))?,
        display_name: DisplayName::stored(name),
        recovery_focus: RecoveryFocus::parse_set(focus.split(',').filter(|f| !f.is_empty()))
            .map_err(|_| corrupt("recovery_focus"))?,
        role: role(&group.to_string(), &role_name)?,
        open_to_partnering: open,
        willing_to_mentor: mentor,
        joined_at,
    })
}

/// A page of the group's members, by member id after `after`.
pub fn members(
    conn: &mut DbConn,
    group: Uuid,
    after: Option<MemberId>,
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    let mut query = group_members::table
        .inner_join(members::table)
        .filter(group_members::group_id.eq(group.to_string()))
        .select((
            members::id,
            members::display_name,
            members::recovery_focus,
            group_members::role,
            members::open_to_partnering,
            members::willing_to_mentor,
            group_members::joined_at,
        ))
        .order(members::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(members::id.gt(after.to_string()));
    }
    query
        .load::<ListedRow>(conn)?
        .into_iter()
        .map(|row| into_listed(group, row))
        .collect()
}

/// Before the member's account is erased: each group they leave behind
/// keeps a facilitator (the longest-standing other member, where they were
/// the only one), and a group they were alone in goes with them: its name
/// and description are their words, and nobody is left to see them.
pub fn hand_over(conn: &mut DbConn, member: MemberId) -> Result<(), DbError> {
    // In one order, so two erasures sharing groups cannot deadlock.
    let mine: Vec<(String, String)> = group_members::table
        .filter(group_members::member_id.eq(member.to_string()))
        .select((group_members::group_id, group_members::role))
        .order(group_members::group_id.asc())
        .load(conn)?;
    for (id, role_name) in mine {
        let group = Uuid::parse_str(&id).map_err(|_| DbError::Corrupt(format!("group {id}")))?;
        lock(conn, group)?;
        let (count, facilitators) = head_count(conn, group)?;
        if count == 1 {
            diesel::delete(recovery_groups::table.find(&id)).execute(conn)?;
        } else if role(&id, &role_name)? == GroupRole::Facilitator && facilitators == 1 {
            let successor: Option<String> = group_members::table
                .filter(group_members::group_id.eq(&id))
                .filter(group_members::member_id.ne(member.to_string()))
                .select(group_members::member_id)
                .order((
                    group_members::joined_at.asc(),
                    group_members::member_id.asc(),
                ))
                .first(conn)
                .optional()?;
            if let Some(successor) = successor {
                diesel::update(
                    group_members::table
                        .filter(group_members::group_id.eq(&id))
                        .filter(group_members::member_id.eq(successor)),
                )
                .set(group_members::role.eq(GroupRole::Facilitator.as_str()))
                .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// The active groups both members are in, by id.
pub fn shared(conn: &mut DbConn, a: MemberId, b: MemberId) -> Result<Vec<Uuid>, DbError> {
    diesel::alias!(group_members as other: Other);
    group_members::table
        .inner_join(
            other.on(other
                .field(group_members::group_id)
                .eq(group_members::group_id)),
        )
        .inner_join(recovery_groups::table)
        .filter(group_members::member_id.eq(a.to_string()))
        .filter(other.field(group_members::member_id).eq(b.to_string()))
        .filter(recovery_groups::archived_at.is_null())
        .select(group_members::group_id)
        .order(group_members::group_id.asc())
        .load::<String>(conn)?
        .into_iter()
        .map(|id| Uuid::parse_str(&id).map_err(|_| DbError::Corrupt(format!("group {id}"))))
        .collect()
}

/// Every membership of the member, for the export: group id, name, role,
/// when they joined.
pub fn all_of_member(
    conn: &mut DbConn,
    member: MemberId,
) -> Result<Vec<(String, String, String, NaiveDateTime)>, DbError> {
    Ok(group_members::table
        .inner_join(recovery_groups::table)
        .filter(group_members::member_id.eq(member.to_string()))
        .select((
            recovery_groups::id,
            recovery_groups::name,
            group_members::role,
            group_members::joined_at,
        ))
        .order(group_members::joined_at.asc())
        .load(conn)?)
}
