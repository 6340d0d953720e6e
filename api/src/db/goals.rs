//! The goals table.

use super::{
    DbConn, DbError,
    check_ins::{CheckIn, CheckInRow},
    milestones::Ledger,
    schema::{check_ins, goals, members, milestones, sessions},
    sessions::live,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use diesel::sql_types::Text as SqlText;
use tether_domain::{
    Cadence, CheckInStatus, GoalKind, GoalTitle, MemberId, Text, TimeZone, Visibility,
    progress::Schedule,
};
use uuid::Uuid;

/// A goal as stored, parsed back into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Goal {
    /// Its id.
    pub id: Uuid,
    /// Whose goal.
    pub member_id: MemberId,
    /// Its title.
    pub title: GoalTitle,
    /// More words, if any.
    pub description: Option<Text>,
    /// Build or quit.
    pub kind: GoalKind,
    /// How often it is due.
    pub cadence: Cadence,
    /// When to remind, in the member's time zone.
    pub reminder_time: Option<NaiveTime>,
    /// Who may see it.
    pub visibility: Visibility,
    /// Its first local date.
    pub started_on: NaiveDate,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
    /// When it was archived (deleted by its owner), if it was.
    pub archived_at: Option<NaiveDateTime>,
}

impl Goal {
    /// What the domain computes progress over.
    pub fn schedule(&self) -> Schedule {
        Schedule {
            kind: self.kind,
            cadence: self.cadence,
            started_on: self.started_on,
        }
    }
}

#[derive(Queryable, Insertable, AsChangeset)]
#[diesel(table_name = goals, treat_none_as_null = true)]
struct GoalRow {
    id: String,
    member_id: String,
    title: String,
    description: Option<String>,
    kind: String,
    cadence: String,
    cadence_times: Option<i32>,
    cadence_days: Option<String>,
    reminder_time: Option<String>,
    visibility: String,
    started_on: NaiveDate,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

/// How a local time of day is stored.
pub const TIME_OF_DAY: &str = "%H:%M";

impl From<&Goal> for GoalRow {
    fn from(goal: &Goal) -> Self {
        let (cadence, cadence_times, cadence_days) = match goal.cadence {
            Cadence::Daily => ("daily", None, None),
            Cadence::Weekly { times } => ("weekly", Some(i32::from(times)), None),
            Cadence::Days(set) => ("days", None, Some(set.names().join(","))),
        };
        Self {
            id: goal.id.to_string(),
            member_id: goal.member_id.to_string(),
            title: goal.title.as_str().to_owned(),
            description: goal.description.as_ref().map(|d| d.as_str().to_owned()),
            kind: goal.kind.as_str().to_owned(),
            cadence: cadence.to_owned(),
            cadence_times,
            cadence_days,
            reminder_time: goal
                .reminder_time
                .map(|t| t.format(TIME_OF_DAY).to_string()),
            visibility: goal.visibility.as_str().to_owned(),
            started_on: goal.started_on,
            created_at: goal.created_at,
            updated_at: goal.updated_at,
            archived_at: goal.archived_at,
        }
    }
}

impl TryFrom<GoalRow> for Goal {
    type Error = DbError;

    fn try_from(row: GoalRow) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("goal {}: {what}", row.id));
        let cadence = match (row.cadence.as_str(), row.cadence_times, &row.cadence_days) {
            ("daily", _, _) => Ok(Cadence::Daily),
            ("weekly", Some(times), _) => Cadence::weekly(i64::from(times)),
            ("days", _, Some(days)) => Cadence::days(days.split(',')),
            _ => return Err(corrupt("cadence")),
        }
        .map_err(|_| corrupt("cadence"))?;
        Ok(Self {
            id: Uuid::parse_str(&row.id).map_err(|_| corrupt("id"))?,
            member_id: Uuid::parse_str(&row.member_id)
                .map(MemberId::from_uuid)
                .map_err(|_| corrupt("member_id"))?,
            title: GoalTitle::stored(row.title),
            description: row.description.map(Text::stored),
            kind: row.kind.parse().map_err(|_| corrupt("kind"))?,
            cadence,
            reminder_time: row
                .reminder_time
                .as_deref()
                .map(|t| NaiveTime::parse_from_str(t, TIME_OF_DAY))
                .transpose()
                .map_err(|_| corrupt("reminder_time"))?,
            visibility: row.visibility.parse().map_err(|_| corrupt("visibility"))?,
            started_on: row.started_on,
            created_at: row.created_at,
            updated_at: row.updated_at,
            archived_at: row.archived_at,
        })
    }
}

fn parse_all(rows: Vec<GoalRow>) -> Result<Vec<Goal>, DbError> {
    rows.into_iter().map(Goal::try_from).collect()
}

/// Stores a new goal.
pub fn insert(conn: &mut DbConn, goal: &Goal) -> Result<(), DbError> {
    diesel::insert_into(goals::table)
        .values(GoalRow::from(goal))
        .execute(conn)?;
    Ok(())
}

/// The member's row if `session` is a live session of theirs, with their
/// active goal `goal` beside it if there is one: the one join both lookups
/// of a goal for a request share.
#[diesel::dsl::auto_type]
fn in_session(member: String, session: String, goal: String, now: NaiveDateTime) -> _ {
    let live_now: live = live(now);
    members::table
        .inner_join(sessions::table)
        .left_join(
            goals::table.on(goals::member_id
                .eq(members::id)
                .and(goals::id.eq(goal))
                .and(goals::archived_at.is_null())),
        )
        .filter(members::id.eq(member))
        .filter(sessions::id.eq(session))
        .filter(live_now)
}

/// The member's active goal with this id, and the member's time zone, if
/// `session` is a live session of theirs: one statement for what a request
/// on one goal needs first. `None` when the session does not hold;
/// `Some((zone, None))` when it does but the goal is not the member's (or
/// is archived, or is not there at all: to the caller the same).
pub fn find_active_in_session(
    conn: &mut DbConn,
    member: MemberId,
    session: Uuid,
    id: Uuid,
    now: NaiveDateTime,
) -> Result<Option<(TimeZone, Option<Goal>)>, DbError> {
    let found = in_session(member.to_string(), session.to_string(), id.to_string(), now)
        .select((members::timezone, goals::all_columns.nullable()))
        .first::<(String, Option<GoalRow>)>(conn)
        .optional()?;
    let Some((zone, goal)) = found else {
        return Ok(None);
    };
    let zone = TimeZone::parse(&zone)
        .map_err(|_| DbError::Corrupt(format!("member {member}: timezone")))?;
    Ok(Some((zone, goal.map(Goal::try_from).transpose()?)))
}

diesel::define_sql_function! {
    /// Joins the texts of a group, `delimiter` between them: PostgreSQL's
    /// `string_agg`, and SQLite's since 3.44.
    #[aggregate]
    fn string_agg(text: SqlText, delimiter: SqlText) -> Nullable<SqlText>;
}

/// A goal's history (day and status of every check-in, in no order) as one
/// text, for the statement that loads the goal.
#[diesel::dsl::auto_type]
fn history_text(goal: String) -> _ {
    check_ins::table
        .filter(check_ins::goal_id.eq(goal))
        .select(string_agg(
            check_ins::day
                .cast::<SqlText>()
                .concat(":")
                .concat(check_ins::status),
            ",",
        ))
        .single_value()
}

/// Parses the member's time zone and goal beside a history text, as the
/// loading statements read them.
fn parse_loaded(
    member: MemberId,
    zone: &str,
    goal: Option<GoalRow>,
    history: Option<&str>,
) -> Result<(TimeZone, Option<GoalWithHistory>), DbError> {
    let zone = TimeZone::parse(zone)
        .map_err(|_| DbError::Corrupt(format!("member {member}: timezone")))?;
    let Some(goal) = goal else {
        return Ok((zone, None));
    };
    let goal = Goal::try_from(goal)?;
    let history = parse_history(goal.id, history.unwrap_or_default())?;
    Ok((zone, Some((goal, history))))
}

/// Like [`find_active_in_session`], with the goal's history (day and status
/// of every check-in, in no order) in the same statement: what a progress
/// read needs, in one round trip.
pub fn find_active_with_history_in_session(
    conn: &mut DbConn,
    member: MemberId,
    session: Uuid,
    id: Uuid,
    now: NaiveDateTime,
) -> Result<Option<(TimeZone, Option<GoalWithHistory>)>, DbError> {
    let query = in_session(member.to_string(), session.to_string(), id.to_string(), now).select((
        members::timezone,
        goals::all_columns.nullable(),
        history_text(id.to_string()),
    ));
    // Casts and this function are the backends' own: the query runs on
    // each connection itself.
    let found: Option<(String, Option<GoalRow>, Option<String>)> = match conn {
        DbConn::Postgres(c) => query.first(c).optional()?,
        DbConn::Sqlite(c) => query.first(c).optional()?,
    };
    found
        .map(|(zone, goal, history)| parse_loaded(member, &zone, goal, history.as_deref()))
        .transpose()
}

diesel::alias!(check_ins as on_day: OnDay);

/// Like [`find_active_with_history_in_session`], with the milestones the
/// goal's ledger holds and the check-in already stored for `day`: what a
/// check-in write needs, in one round trip.
pub fn find_active_for_write_in_session(
    conn: &mut DbConn,
    member: MemberId,
    session: Uuid,
    id: Uuid,
    day: Option<NaiveDate>,
    now: NaiveDateTime,
) -> Result<Option<(TimeZone, Option<ForWrite>)>, DbError> {
    let ledger = milestones::table
        .filter(milestones::goal_id.eq(id.to_string()))
        .select(string_agg(
            milestones::metric
                .concat(":")
                .concat(milestones::threshold.cast::<SqlText>()),
            ",",
        ))
        .single_value();
    // A day that did not parse is compared as NULL: it matches no row.
    let query = in_session(member.to_string(), session.to_string(), id.to_string(), now)
        .left_join(
            on_day.on(on_day
                .field(check_ins::goal_id)
                .eq(goals::id)
                .and(on_day.field(check_ins::day).nullable().eq(day))),
        )
        .select((
            members::timezone,
            goals::all_columns.nullable(),
            history_text(id.to_string()),
            ledger,
            on_day.fields(check_ins::all_columns).nullable(),
        ));
    let found: Option<LoadedForWrite> = match conn {
        DbConn::Postgres(c) => query.first(c).optional()?,
        DbConn::Sqlite(c) => query.first(c).optional()?,
    };
    let Some((zone, goal, history, ledger, stored)) = found else {
        return Ok(None);
    };
    let (zone, loaded) = parse_loaded(member, &zone, goal, history.as_deref())?;
    let Some((goal, history)) = loaded else {
        return Ok(Some((zone, None)));
    };
    let ledger = Ledger::parse(goal.id, ledger.as_deref().unwrap_or_default())?;
    let stored = stored.map(CheckIn::try_from).transpose()?;
    Ok(Some((
        zone,
        Some(ForWrite {
            goal,
            history,
            ledger,
            stored,
        }),
    )))
}

/// The member's active goals shared with partners, oldest first, each with
/// its history, in one statement: what an active partner sees.
pub fn shared_with_history(
    conn: &mut DbConn,
    member: MemberId,
) -> Result<Vec<GoalWithHistory>, DbError> {
    let history = check_ins::table
        .filter(check_ins::goal_id.eq(goals::id))
        .select(string_agg(
            check_ins::day
                .cast::<SqlText>()
                .concat(":")
                .concat(check_ins::status),
            ",",
        ))
        .single_value();
    let query = goals::table
        .filter(goals::member_id.eq(member.to_string()))
        .filter(goals::archived_at.is_null())
        .filter(goals::visibility.eq(Visibility::Partners.as_str()))
        .select((goals::all_columns, history))
        .order(goals::id.asc());
    let rows: Vec<(GoalRow, Option<String>)> = match conn {
        DbConn::Postgres(c) => query.load(c)?,
        DbConn::Sqlite(c) => query.load(c)?,
    };
    rows.into_iter()
        .map(|(row, history)| {
            let goal = Goal::try_from(row)?;
            let history = parse_history(goal.id, history.as_deref().unwrap_or_default())?;
            Ok((goal, history))
        })
        .collect()
}

/// Whether `goal` is `owner`'s, active, and shared with partners.
pub fn is_shared_by(conn: &mut DbConn, goal: Uuid, owner: MemberId) -> Result<bool, DbError> {
    let found: Option<String> = goals::table
        .find(goal.to_string())
        .filter(goals::member_id.eq(owner.to_string()))
        .filter(goals::archived_at.is_null())
        .filter(goals::visibility.eq(Visibility::Partners.as_str()))
        .select(goals::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// A goal's check-ins as progress is computed from them: day and status.
pub type History = Vec<(NaiveDate, CheckInStatus)>;

/// A goal and its history.
pub type GoalWithHistory = (Goal, History);

/// What a check-in write on a goal and day needs first.
#[derive(Debug)]
pub struct ForWrite {
    /// The goal.
    pub goal: Goal,
    /// Its history.
    pub history: History,
    /// What its ledger holds.
    pub ledger: Ledger,
    /// The check-in stored for the day, if any.
    pub stored: Option<CheckIn>,
}

/// The member's time zone, the goal, its history and ledger as texts, and
/// the day's check-in.
type LoadedForWrite = (
    String,
    Option<GoalRow>,
    Option<String>,
    Option<String>,
    Option<CheckInRow>,
);

fn parse_history(goal: Uuid, raw: &str) -> Result<History, DbError> {
    raw.split(',')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let parsed = entry.split_once(':').and_then(|(day, status)| {
                let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
                Some((day, status.parse().ok()?))
            });
            parsed.ok_or_else(|| DbError::Corrupt(format!("check-in of goal {goal}: {entry}")))
        })
        .collect()
}

/// A page of every member's active quit goals, by id after `after`, each
/// with its member's time zone: what the sweep records milestones of.
pub fn quit_goals_page(
    conn: &mut DbConn,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<(Goal, TimeZone)>, DbError> {
    let mut query = goals::table
        .inner_join(members::table)
        .filter(goals::kind.eq(GoalKind::Quit.as_str()))
        .filter(goals::archived_at.is_null())
        .select((goals::all_columns, members::timezone))
        .order(goals::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(goals::id.gt(after.to_owned()));
    }
    query
        .load::<(GoalRow, String)>(conn)?
        .into_iter()
        .map(|(row, zone)| {
            let goal = Goal::try_from(row)?;
            let zone = TimeZone::parse(&zone)
                .map_err(|_| DbError::Corrupt(format!("member {}: timezone", goal.member_id)))?;
            Ok((goal, zone))
        })
        .collect()
}

/// A page of the member's active goals, oldest first, after the goal
/// `after` (exclusive).
pub fn page_active(
    conn: &mut DbConn,
    member: MemberId,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Goal>, DbError> {
    let mut query = goals::table
        .filter(goals::member_id.eq(member.to_string()))
        .filter(goals::archived_at.is_null())
        .order(goals::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(goals::id.gt(after.to_string()));
    }
    parse_all(query.load(conn)?)
}

/// How many active goals the member has.
pub fn count_active(conn: &mut DbConn, member: MemberId) -> Result<i64, DbError> {
    Ok(goals::table
        .filter(goals::member_id.eq(member.to_string()))
        .filter(goals::archived_at.is_null())
        .count()
        .get_result(conn)?)
}

/// How many archived goals the member keeps.
pub fn count_archived(conn: &mut DbConn, member: MemberId) -> Result<i64, DbError> {
    Ok(goals::table
        .filter(goals::member_id.eq(member.to_string()))
        .filter(goals::archived_at.is_not_null())
        .count()
        .get_result(conn)?)
}

/// Writes the whole goal back.
pub fn update(conn: &mut DbConn, goal: &Goal) -> Result<(), DbError> {
    diesel::update(goals::table.find(goal.id.to_string()))
        .set(GoalRow::from(goal))
        .execute(conn)?;
    Ok(())
}

/// Every goal of the member, archived ones too, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<Goal>, DbError> {
    parse_all(
        goals::table
            .filter(goals::member_id.eq(member.to_string()))
            .order(goals::id.asc())
            .load(conn)?,
    )
}
