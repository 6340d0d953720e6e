//! The partnerships table: requests between two members and the
//! partnerships they become.

use super::{
    DbConn, DbError,
    schema::{members, partnerships},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{
    DisplayName, MemberId, PartnerMessage,
    partners::{Agreed, PartnershipStatus, REQUEST_LIFETIME_DAYS, Side},
};
use uuid::Uuid;

/// A partnership as stored, parsed back into domain types.
#[derive(Debug, Clone)]
pub struct Partnership {
    /// Its id.
    pub id: Uuid,
    /// Who asked.
    pub requester: MemberId,
    /// Who was asked.
    pub invitee: MemberId,
    /// The group they shared when asked, while it exists.
    pub group: Option<Uuid>,
    /// What the requester wrote, if anything.
    pub message: Option<PartnerMessage>,
    /// As stored: a pending request past its lifetime reads as expired
    /// through [`Partnership::status`].
    pub stored_status: PartnershipStatus,
    /// Who has said yes while it is pending.
    pub agreed: Agreed,
    /// Who declined, cancelled or ended it.
    pub closed_by: Option<MemberId>,
    /// When it was asked for.
    pub requested_at: NaiveDateTime,
    /// When the invitee answered, or the requester took it back.
    pub responded_at: Option<NaiveDateTime>,
    /// When it ended.
    pub ended_at: Option<NaiveDateTime>,
}

impl Partnership {
    /// Its status as of `now`: a request nobody answered in 30 days has
    /// expired, whether or not the sweep has written that down yet.
    pub fn status(&self, now: NaiveDateTime) -> PartnershipStatus {
        tether_domain::partners::status_at(self.stored_status, self.requested_at, now)
    }

    /// Which side `member` is on, if either.
    pub fn side_of(&self, member: MemberId) -> Option<Side> {
        if member == self.requester {
            Some(Side::Requester)
        } else if member == self.invitee {
            Some(Side::Invitee)
        } else {
            None
        }
    }

    /// Whether it holds one of `member`'s places (their `max_partners`) as
    /// of `now`: an active partnership, a request they made, a pairing a
    /// facilitator proposed to them. A request someone else sent them does
    /// not, or anyone could fill a member's places by asking.
    pub fn holds_place_of(&self, member: MemberId, now: NaiveDateTime) -> bool {
        match self.status(now) {
            PartnershipStatus::Active => true,
            PartnershipStatus::Pending => !self.agreed.requester || member == self.requester,
            _ => false,
        }
    }

    /// The member on the other side from `member`.
    pub fn other_than(&self, member: MemberId) -> MemberId {
        if member == self.requester {
            self.invitee
        } else {
            self.requester
        }
    }
}

/// `member` is the requester or the invitee.
type OnEitherSide = diesel::dsl::Or<
    diesel::dsl::Eq<partnerships::requester_id, String>,
    diesel::dsl::Eq<partnerships::invitee_id, String>,
>;

/// The filter for a member's partnerships, whichever side they are on.
fn on_either_side(member: MemberId) -> OnEitherSide {
    partnerships::requester_id
        .eq(member.to_string())
        .or(partnerships::invitee_id.eq(member.to_string()))
}

/// The key one pair shares whoever asked: the two ids in order.
pub fn pair_key(a: MemberId, b: MemberId) -> String {
    let (a, b) = (a.to_string(), b.to_string());
    if a <= b {
        format!("{a}:{b}")
    } else {
        format!("{b}:{a}")
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = partnerships)]
struct PartnershipRow {
    id: String,
    requester_id: String,
    invitee_id: String,
    pair_key: String,
    group_id: Option<String>,
    message: Option<String>,
    status: String,
    requester_agreed: bool,
    invitee_agreed: bool,
    requested_at: NaiveDateTime,
    responded_at: Option<NaiveDateTime>,
    ended_at: Option<NaiveDateTime>,
    closed_by: Option<String>,
}

impl TryFrom<PartnershipRow> for Partnership {
    type Error = DbError;

    fn try_from(row: PartnershipRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("partnership {}: {what}", row.id));
        let member = |raw: &str, what: &str| {
            Uuid::parse_str(raw)
                .map(MemberId::from_uuid)
                .map_err(|_| corrupt(what))
        };
        Ok(Self {
            id: Uuid::parse_str(&row.id).map_err(|_| corrupt("id"))?,
            requester: member(&row.requester_id, "requester_id")?,
            invitee: member(&row.invitee_id, "invitee_id")?,
            group: row
                .group_id
                .as_deref()
                .map(Uuid::parse_str)
                .transpose()
                .map_err(|_| corrupt("group_id"))?,
            message: row.message.map(PartnerMessage::stored),
            stored_status: row.status.parse().map_err(|_| corrupt("status"))?,
            agreed: Agreed {
                requester: row.requester_agreed,
                invitee: row.invitee_agreed,
            },
            closed_by: row
                .closed_by
                .as_deref()
                .map(|raw| member(raw, "closed_by"))
                .transpose()?,
            requested_at: row.requested_at,
            responded_at: row.responded_at,
            ended_at: row.ended_at,
        })
    }
}

impl From<&Partnership> for PartnershipRow {
    fn from(p: &Partnership) -> Self {
        Self {
            id: p.id.to_string(),
            requester_id: p.requester.to_string(),
            invitee_id: p.invitee.to_string(),
            pair_key: pair_key(p.requester, p.invitee),
            group_id: p.group.map(|group| group.to_string()),
            message: p.message.as_ref().map(|m| m.as_str().to_owned()),
            status: p.stored_status.as_str().to_owned(),
            requester_agreed: p.agreed.requester,
            invitee_agreed: p.agreed.invitee,
            requested_at: p.requested_at,
            responded_at: p.responded_at,
            ended_at: p.ended_at,
            closed_by: p.closed_by.map(|member| member.to_string()),
        }
    }
}

/// Writes down that the pair's pending requests past their lifetime have
/// expired, so that the unique index of open partnerships lets a new one in.
pub fn expire_stale(
    conn: &mut DbConn,
    a: MemberId,
    b: MemberId,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let cutoff = now - chrono::TimeDelta::days(REQUEST_LIFETIME_DAYS);
    Ok(diesel::update(
        partnerships::table
            .filter(partnerships::pair_key.eq(pair_key(a, b)))
            .filter(partnerships::status.eq(PartnershipStatus::Pending.as_str()))
            .filter(partnerships::requested_at.le(cutoff)),
    )
    .set(partnerships::status.eq(PartnershipStatus::Expired.as_str()))
    .execute(conn)?)
}

/// Stores a new request. [`DbError::Duplicate`] when the pair already has
/// an open one: the unique index decides, however many requests race.
pub fn create(conn: &mut DbConn, partnership: &Partnership) -> Result<(), DbError> {
    diesel::insert_into(partnerships::table)
        .values(PartnershipRow::from(partnership))
        .execute(conn)?;
    Ok(())
}

/// Stores a new request unless the pair has an open one already (made
/// meanwhile by another request or pairing): false then, and nothing
/// stored. On PostgreSQL a refused insert would abort the transaction, so
/// the index's verdict is taken without an error.
pub fn create_if_free(conn: &mut DbConn, partnership: &Partnership) -> Result<bool, DbError> {
    let query = diesel::insert_into(partnerships::table)
        .values(PartnershipRow::from(partnership))
        .on_conflict_do_nothing();
    let inserted = match conn {
        DbConn::Postgres(c) => query.execute(c)?,
        DbConn::Sqlite(c) => query.execute(c)?,
    };
    Ok(inserted == 1)
}

/// How long after a declined request or an ended partnership the pair is
/// left alone: no new request from the one who was declined or ended on,
/// and neither suggested to the other nor paired by a facilitator.
pub const COOLING_OFF_DAYS: i64 = 90;

/// Statuses that close a partnership by someone's choice.
const CLOSED_BY_CHOICE: [&str; 2] = ["declined", "ended"];

/// When the pair's cooling off, counted back from `now`, began.
fn cooling_off_since(now: NaiveDateTime) -> NaiveDateTime {
    now - chrono::TimeDelta::days(COOLING_OFF_DAYS)
}

/// Whether `by` declined a request of the pair's or ended their
/// partnership within the cooling-off time.
pub fn recently_closed_by(
    conn: &mut DbConn,
    a: MemberId,
    b: MemberId,
    by: MemberId,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let since = cooling_off_since(now);
    let found: Option<String> = partnerships::table
        .filter(partnerships::pair_key.eq(pair_key(a, b)))
        .filter(partnerships::status.eq_any(CLOSED_BY_CHOICE))
        .filter(partnerships::closed_by.eq(by.to_string()))
        .filter(
            partnerships::responded_at
                .ge(since)
                .or(partnerships::ended_at.ge(since)),
        )
        .select(partnerships::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The pairs among `members` with a request declined or a partnership
/// ended within the cooling-off time, each as its two members.
pub fn recently_closed_among(
    conn: &mut DbConn,
    members_: &[MemberId],
    now: NaiveDateTime,
) -> Result<Vec<(MemberId, MemberId)>, DbError> {
    let since = cooling_off_since(now);
    let ids: Vec<String> = members_.iter().map(ToString::to_string).collect();
    partnerships::table
        .filter(
            partnerships::requester_id
                .eq_any(&ids)
                .or(partnerships::invitee_id.eq_any(&ids)),
        )
        .filter(partnerships::status.eq_any(CLOSED_BY_CHOICE))
        .filter(
            partnerships::responded_at
                .ge(since)
                .or(partnerships::ended_at.ge(since)),
        )
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(|row| {
            let p = Partnership::try_from(row)?;
            Ok((p.requester, p.invitee))
        })
        .collect()
}

/// A partnership `member` is on one side of, with the other side's display
/// name. Anyone else's is `None`.
pub fn find_for(
    conn: &mut DbConn,
    id: Uuid,
    member: MemberId,
) -> Result<Option<(Partnership, DisplayName)>, DbError> {
    let Some(row) = partnerships::table
        .find(id.to_string())
        .filter(on_either_side(member))
        .first::<PartnershipRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let partnership = Partnership::try_from(row)?;
    let other = partnership.other_than(member);
    let name: String = members::table
        .find(other.to_string())
        .select(members::display_name)
        .first(conn)?;
    Ok(Some((partnership, DisplayName::stored(name))))
}

/// A page of the member's partnerships, newest first (ids are time
/// ordered), before the id `before`, each with the other side's display
/// name; only those in `status` as of `now` when given (a pending request
/// past its lifetime is expired, whether or not that is written down).
pub fn list_for(
    conn: &mut DbConn,
    member: MemberId,
    status: Option<PartnershipStatus>,
    now: NaiveDateTime,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<(Partnership, DisplayName)>, DbError> {
    let me = member.to_string();
    let cutoff = now - chrono::TimeDelta::days(REQUEST_LIFETIME_DAYS);
    let pending = PartnershipStatus::Pending.as_str();
    let mut query = partnerships::table
        .inner_join(
            members::table.on(members::id
                .eq(partnerships::requester_id)
                .and(partnerships::invitee_id.eq(me.clone()))
                .or(members::id
                    .eq(partnerships::invitee_id)
                    .and(partnerships::requester_id.eq(me.clone())))),
        )
        .select((partnerships::all_columns, members::display_name))
        .order(partnerships::id.desc())
        .limit(limit)
        .into_boxed();
    match status {
        None => {}
        Some(PartnershipStatus::Pending) => {
            query = query
                .filter(partnerships::status.eq(pending))
                .filter(partnerships::requested_at.gt(cutoff));
        }
        Some(PartnershipStatus::Expired) => {
            query = query.filter(
                partnerships::status
                    .eq(PartnershipStatus::Expired.as_str())
                    .or(partnerships::status
                        .eq(pending)
                        .and(partnerships::requested_at.le(cutoff))),
            );
        }
        Some(other) => query = query.filter(partnerships::status.eq(other.as_str())),
    }
    if let Some(before) = before {
        query = query.filter(partnerships::id.lt(before.to_string()));
    }
    query
        .load::<(PartnershipRow, String)>(conn)?
        .into_iter()
        .map(|(row, name)| Ok((Partnership::try_from(row)?, DisplayName::stored(name))))
        .collect()
}

/// Moves the partnership from `from` (and the agreement it was read with)
/// to `to` and `agreed`, stamping when and by whom it closed; false when
/// it was no longer as read (another request moved it first).
pub fn transition(
    conn: &mut DbConn,
    read: &Partnership,
    from: PartnershipStatus,
    (to, agreed): (PartnershipStatus, Agreed),
    by: MemberId,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let target = partnerships::table
        .find(read.id.to_string())
        .filter(partnerships::status.eq(from.as_str()))
        .filter(partnerships::requester_agreed.eq(read.agreed.requester))
        .filter(partnerships::invitee_agreed.eq(read.agreed.invitee));
    let decided = to != PartnershipStatus::Pending;
    let closed = matches!(
        to,
        PartnershipStatus::Declined | PartnershipStatus::Cancelled | PartnershipStatus::Ended
    );
    let updated = diesel::update(target)
        .set((
            partnerships::status.eq(to.as_str()),
            partnerships::requester_agreed.eq(agreed.requester),
            partnerships::invitee_agreed.eq(agreed.invitee),
            partnerships::responded_at.eq(if decided && from == PartnershipStatus::Pending {
                Some(now)
            } else {
                read.responded_at
            }),
            partnerships::ended_at.eq(if to == PartnershipStatus::Ended {
                Some(now)
            } else {
                read.ended_at
            }),
            partnerships::closed_by.eq(if closed { Some(by.to_string()) } else { None }),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Whether the two have ever had a partnership or a request, in any state.
pub fn any_between(conn: &mut DbConn, a: MemberId, b: MemberId) -> Result<bool, DbError> {
    let found: Option<String> = partnerships::table
        .filter(partnerships::pair_key.eq(pair_key(a, b)))
        .select(partnerships::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// What a block does to the pair, silently: an active partnership ends; a
/// pending request is taken back when the blocker made it and declined
/// otherwise, as either of them could have done, so the other sees nothing
/// that only a block would do. How many were closed.
pub fn close_between(
    conn: &mut DbConn,
    a: MemberId,
    b: MemberId,
    by: MemberId,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let key = pair_key(a, b);
    let ended = diesel::update(
        partnerships::table
            .filter(partnerships::pair_key.eq(&key))
            .filter(partnerships::status.eq(PartnershipStatus::Active.as_str())),
    )
    .set((
        partnerships::status.eq(PartnershipStatus::Ended.as_str()),
        partnerships::ended_at.eq(Some(now)),
        partnerships::closed_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    let pending = || {
        partnerships::table
            .filter(partnerships::pair_key.eq(key.clone()))
            .filter(partnerships::status.eq(PartnershipStatus::Pending.as_str()))
    };
    // The blocker's own request: taken back.
    let cancelled = diesel::update(
        pending()
            .filter(partnerships::requester_id.eq(by.to_string()))
            .filter(partnerships::requester_agreed.eq(true)),
    )
    .set((
        partnerships::status.eq(PartnershipStatus::Cancelled.as_str()),
        partnerships::responded_at.eq(Some(now)),
        partnerships::closed_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    // One made to the blocker, or a facilitator's proposal: declined.
    let declined = diesel::update(pending())
        .set((
            partnerships::status.eq(PartnershipStatus::Declined.as_str()),
            partnerships::responded_at.eq(Some(now)),
            partnerships::closed_by.eq(Some(by.to_string())),
        ))
        .execute(conn)?;
    Ok(ended + cancelled + declined)
}

/// Takes the row lock of the partnership while it is active, until the
/// transaction ends: what sends in it count under (daily limits hold
/// under concurrency, and an ending waits for a send in flight). False
/// when it is not active.
pub fn lock_active(conn: &mut DbConn, id: Uuid) -> Result<bool, DbError> {
    let locked = diesel::update(
        partnerships::table
            .find(id.to_string())
            .filter(partnerships::status.eq(PartnershipStatus::Active.as_str())),
    )
    .set(partnerships::status.eq(partnerships::status))
    .execute(conn)?;
    Ok(locked == 1)
}

/// The owner's active partnerships, while `goal` is theirs, active and
/// shared with partners (none otherwise): who sees the goal, read in one
/// statement.
pub fn seeing_goal(
    conn: &mut DbConn,
    owner: MemberId,
    goal: Uuid,
) -> Result<Vec<Partnership>, DbError> {
    use super::schema::goals;
    let shared = goals::table
        .filter(goals::id.eq(goal.to_string()))
        .filter(goals::member_id.eq(owner.to_string()))
        .filter(goals::archived_at.is_null())
        .filter(goals::visibility.eq(tether_domain::Visibility::Partners.as_str()))
        .select(goals::id);
    partnerships::table
        .filter(on_either_side(owner))
        .filter(partnerships::status.eq(PartnershipStatus::Active.as_str()))
        .filter(diesel::dsl::exists(shared))
        .order(partnerships::id.asc())
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(Partnership::try_from)
        .collect()
}

/// How many active partnerships the member has.
pub fn count_active(conn: &mut DbConn, member: MemberId) -> Result<i64, DbError> {
    Ok(partnerships::table
        .filter(on_either_side(member))
        .filter(partnerships::status.eq(PartnershipStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// The member's open (pending or active) partnerships: with whom, and
/// since when it was asked for (a pending one past its lifetime is not
/// open any more, which the caller tells with `requested_at`).
pub fn open_of(conn: &mut DbConn, member: MemberId) -> Result<Vec<Partnership>, DbError> {
    partnerships::table
        .filter(on_either_side(member))
        .filter(partnerships::status.eq_any([
            PartnershipStatus::Pending.as_str(),
            PartnershipStatus::Active.as_str(),
        ]))
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(Partnership::try_from)
        .collect()
}

/// Every open partnership of any of `members`, for suggestions and pairing
/// in a group: who is open with whom, and how many each has.
pub fn open_among(conn: &mut DbConn, members_: &[MemberId]) -> Result<Vec<Partnership>, DbError> {
    let ids: Vec<String> = members_.iter().map(ToString::to_string).collect();
    partnerships::table
        .filter(
            partnerships::requester_id
                .eq_any(&ids)
                .or(partnerships::invitee_id.eq_any(&ids)),
        )
        .filter(partnerships::status.eq_any([
            PartnershipStatus::Pending.as_str(),
            PartnershipStatus::Active.as_str(),
        ]))
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(Partnership::try_from)
        .collect()
}

/// Every partnership the member is on either side of, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<Partnership>, DbError> {
    partnerships::table
        .filter(on_either_side(member))
        .order(partnerships::id.asc())
        .load::<PartnershipRow>(conn)?
        .into_iter()
        .map(Partnership::try_from)
        .collect()
}
