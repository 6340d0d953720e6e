//! The check_ins table: one row per goal and local date.

use super::{
    DbConn, DbError,
    schema::{check_ins, goals},
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    backend::Backend,
    prelude::*,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    serialize::ToSql,
    sql_types::{Bool, Date, HasSqlType, Integer, Nullable, Text as SqlText, Timestamp},
};
use tether_domain::{CheckInStatus, MemberId, Mood, Text};
use uuid::Uuid;

/// A check-in as stored, parsed back into domain types.
#[derive(Debug, Clone)]
pub struct CheckIn {
    /// Its id.
    pub id: Uuid,
    /// The goal it is for.
    pub goal_id: Uuid,
    /// The member's local date it is for.
    pub day: NaiveDate,
    /// How the day went.
    pub status: CheckInStatus,
    /// The member's note, if any: private unless `note_shared`.
    pub note: Option<Text>,
    /// Whether the note may be shown to partners who see the goal.
    pub note_shared: bool,
    /// How the member felt.
    pub mood: Option<Mood>,
    /// When it was first recorded.
    pub created_at: NaiveDateTime,
    /// When it was last replaced.
    pub updated_at: NaiveDateTime,
}

impl CheckIn {
    /// Whether `other` says what this one says of its day (status, note,
    /// who may read the note, mood), whatever its id and times.
    pub fn says_the_same(&self, other: &CheckIn) -> bool {
        self.status == other.status
            && self.note == other.note
            && self.note_shared == other.note_shared
            && self.mood == other.mood
    }
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = check_ins)]
pub(super) struct CheckInRow {
    id: String,
    goal_id: String,
    day: NaiveDate,
    status: String,
    note: Option<String>,
    note_shared: bool,
    mood: Option<i32>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<&CheckIn> for CheckInRow {
    fn from(check_in: &CheckIn) -> Self {
        Self {
            id: check_in.id.to_string(),
            goal_id: check_in.goal_id.to_string(),
            day: check_in.day,
            status: check_in.status.as_str().to_owned(),
            note: check_in.note.as_ref().map(|note| note.as_str().to_owned()),
            note_shared: check_in.note_shared,
            mood: check_in.mood.map(|mood| i32::from(mood.get())),
            created_at: check_in.created_at,
            updated_at: check_in.updated_at,
        }
    }
}

impl TryFrom<CheckInRow> for CheckIn {
    type Error = DbError;

    fn try_from(row: CheckInRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("check-in {}: {what}", row.id));
        Ok(Self {
            id: Uuid::parse_str(&row.id).map_err(|_| corrupt("id"))?,
            goal_id: Uuid::parse_str(&row.goal_id).map_err(|_| corrupt("goal_id"))?,
            day: row.day,
            status: row.status.parse().map_err(|_| corrupt("status"))?,
            note: row.note.map(Text::stored),
            note_shared: row.note_shared,
            mood: row
                .mood
                .map(|mood| Mood::parse(i64::from(mood)))
                .transpose()
                .map_err(|_| corrupt("mood"))?,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// What storing a check-in did.
#[derive(Debug)]
pub enum Stored {
    /// The day had none: here it is.
    Created(CheckIn),
    /// The day's check-in said something else: here is the new one, with
    /// the old one's id and creation time.
    Replaced(CheckIn),
    /// The day's check-in said exactly this already: nothing was written.
    Unchanged,
}

/// The check-in upsert as one fixed statement. diesel's own upsert builder
/// marks every `DO UPDATE` as not to be prepared once and reused (its
/// changesets may change shape), so each PUT would make PostgreSQL parse
/// and plan it again: this one's text never changes, so both engines keep
/// it prepared.
struct UpsertCheckIn<'a>(&'a CheckInRow);

const UPSERT_CHECK_IN: &str = "INSERT INTO check_ins \
    (id, goal_id, day, status, note, note_shared, mood, created_at, updated_at) \
    VALUES (";

// Only writes a day that changes: an identical PUT leaves the row, its
// `updated_at` included, as it was, and returns nothing.
const UPSERT_CHECK_IN_CONFLICT: &str = ") ON CONFLICT (goal_id, day) DO UPDATE SET \
    status = excluded.status, note = excluded.note, note_shared = excluded.note_shared, \
    mood = excluded.mood, updated_at = excluded.updated_at \
    WHERE check_ins.status IS DISTINCT FROM excluded.status \
    OR check_ins.note IS DISTINCT FROM excluded.note \
    OR check_ins.note_shared IS DISTINCT FROM excluded.note_shared \
    OR check_ins.mood IS DISTINCT FROM excluded.mood \
    RETURNING id, goal_id, day, status, note, note_shared, mood, created_at, updated_at";

impl QueryId for UpsertCheckIn<'_> {
    type QueryId = UpsertCheckIn<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for UpsertCheckIn<'_> {
    type SqlType = (
        SqlText,
        SqlText,
        Date,
        SqlText,
        Nullable<SqlText>,
        Bool,
        Nullable<Integer>,
        Timestamp,
        Timestamp,
    );
}

impl<DB> QueryFragment<DB> for UpsertCheckIn<'_>
where
    DB: Backend + HasSqlType<SqlText> + HasSqlType<Date> + HasSqlType<Bool>,
    DB: HasSqlType<Integer> + HasSqlType<Timestamp>,
    String: ToSql<SqlText, DB>,
    NaiveDate: ToSql<Date, DB>,
    bool: ToSql<Bool, DB>,
    Option<String>: ToSql<Nullable<SqlText>, DB>,
    Option<i32>: ToSql<Nullable<Integer>, DB>,
    NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let row = self.0;
        out.push_sql(UPSERT_CHECK_IN);
        out.push_bind_param::<SqlText, _>(&row.id)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlText, _>(&row.goal_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Date, _>(&row.day)?;
        out.push_sql(", ");
        out.push_bind_param::<SqlText, _>(&row.status)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<SqlText>, _>(&row.note)?;
        out.push_sql(", ");
        out.push_bind_param::<Bool, _>(&row.note_shared)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Integer>, _>(&row.mood)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&row.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&row.updated_at)?;
        out.push_sql(UPSERT_CHECK_IN_CONFLICT);
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for UpsertCheckIn<'_> {}

/// Stores the check-in for its goal and day, replacing one already there
/// unless it says the same (then the row, `updated_at` included, stays as
/// it was).
///
/// One statement with the unique index deciding, so a phone's retries and
/// racing requests can never store two rows for a day.
pub fn upsert(conn: &mut DbConn, check_in: &CheckIn) -> Result<Stored, DbError> {
    let row = CheckInRow::from(check_in);
    // diesel's multi-connection runs only its own query types.
    let written: Option<CheckInRow> = match conn {
        DbConn::Postgres(c) => UpsertCheckIn(&row).get_result(c).optional()?,
        DbConn::Sqlite(c) => UpsertCheckIn(&row).get_result(c).optional()?,
    };
    Ok(match written {
        None => Stored::Unchanged,
        Some(written) if written.id == row.id => Stored::Created(written.try_into()?),
        Some(written) => Stored::Replaced(written.try_into()?),
    })
}

/// The check-in of a goal on a day, if any.
pub fn find(conn: &mut DbConn, goal: Uuid, day: NaiveDate) -> Result<Option<CheckIn>, DbError> {
    check_ins::table
        .filter(check_ins::goal_id.eq(goal.to_string()))
        .filter(check_ins::day.eq(day))
        .first::<CheckInRow>(conn)
        .optional()?
        .map(CheckIn::try_from)
        .transpose()
}

/// Takes back the check-in of a goal on a day; false when there was none.
pub fn delete(conn: &mut DbConn, goal: Uuid, day: NaiveDate) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        check_ins::table
            .filter(check_ins::goal_id.eq(goal.to_string()))
            .filter(check_ins::day.eq(day)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// A page of a goal's check-ins from `from` to `to` (inclusive), oldest
/// first, after the day `after` (exclusive).
pub fn page(
    conn: &mut DbConn,
    goal: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<CheckIn>, DbError> {
    let mut query = check_ins::table
        .filter(check_ins::goal_id.eq(goal.to_string()))
        .filter(check_ins::day.ge(from))
        .filter(check_ins::day.le(to))
        .order(check_ins::day.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(check_ins::day.gt(after));
    }
    query
        .load::<CheckInRow>(conn)?
        .into_iter()
        .map(CheckIn::try_from)
        .collect()
}

/// The check-ins of any of `goals` from `from` on, by goal and day.
pub fn recent_of_goals(
    conn: &mut DbConn,
    goals: &[Uuid],
    from: NaiveDate,
) -> Result<Vec<CheckIn>, DbError> {
    let ids: Vec<String> = goals.iter().map(ToString::to_string).collect();
    check_ins::table
        .filter(check_ins::goal_id.eq_any(ids))
        .filter(check_ins::day.ge(from))
        .order((check_ins::goal_id.asc(), check_ins::day.asc()))
        .load::<CheckInRow>(conn)?
        .into_iter()
        .map(CheckIn::try_from)
        .collect()
}

/// Every day and status of a goal: what progress is computed from.
pub fn history(conn: &mut DbConn, goal: Uuid) -> Result<Vec<(NaiveDate, CheckInStatus)>, DbError> {
    check_ins::table
        .filter(check_ins::goal_id.eq(goal.to_string()))
        .select((check_ins::day, check_ins::status))
        .load::<(NaiveDate, String)>(conn)?
        .into_iter()
        .map(|(day, status)| {
            status
                .parse()
                .map(|status| (day, status))
                .map_err(|_| DbError::Corrupt(format!("check-in of goal {goal} on {day}: status")))
        })
        .collect()
}

/// Every check-in on any goal of the member, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<CheckIn>, DbError> {
    check_ins::table
        .inner_join(goals::table)
        .filter(goals::member_id.eq(member.to_string()))
        .select(check_ins::all_columns)
        .order((check_ins::goal_id.asc(), check_ins::day.asc()))
        .load::<CheckInRow>(conn)?
        .into_iter()
        .map(CheckIn::try_from)
        .collect()
}
