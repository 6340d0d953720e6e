//! The milestones table: each threshold of a goal, recorded once.

use super::{
    DbConn, DbError,
    schema::{goals, milestones},
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tether_domain::{MemberId, progress::Milestone};
use uuid::Uuid;

/// A recorded milestone.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = milestones)]
pub struct MilestoneRow {
    /// Its id.
    pub id: String,
    /// The goal.
    pub goal_id: String,
    /// `streak` or `days_kept`.
    pub metric: String,
    /// The threshold reached.
    pub threshold: i32,
    /// The local date it was reached.
    pub reached_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: NaiveDateTime,
}

/// Records the milestones not yet recorded for the goal; those already
/// there keep their first date. Returns how many were new.
pub fn record(
    conn: &mut DbConn,
    goal: Uuid,
    reached: &[Milestone],
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let mut new = 0;
    for milestone in reached {
        let row = MilestoneRow {
            id: Uuid::now_v7().to_string(),
            goal_id: goal.to_string(),
            metric: milestone.metric.as_str().to_owned(),
            threshold: i32::try_from(milestone.threshold).unwrap_or(i32::MAX),
            reached_on: milestone.reached_on,
            recorded_at: now,
        };
        let query = diesel::insert_into(milestones::table)
            .values(row)
            .on_conflict((
                milestones::goal_id,
                milestones::metric,
                milestones::threshold,
            ))
            .do_nothing();
        // diesel's multi-connection cannot run an upsert itself.
        new += match conn {
            DbConn::Postgres(c) => query.execute(c)?,
            DbConn::Sqlite(c) => query.execute(c)?,
        };
    }
    Ok(new)
}

/// The goal's recorded milestones, in the order reached.
pub fn of_goal(conn: &mut DbConn, goal: Uuid) -> Result<Vec<MilestoneRow>, DbError> {
    Ok(milestones::table
        .filter(milestones::goal_id.eq(goal.to_string()))
        .order((milestones::reached_on.asc(), milestones::threshold.asc()))
        .load(conn)?)
}

/// Every milestone on any goal of the member, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<MilestoneRow>, DbError> {
    Ok(milestones::table
        .inner_join(goals::table)
        .filter(goals::member_id.eq(member.to_string()))
        .select(milestones::all_columns)
        .order((milestones::goal_id.asc(), milestones::reached_on.asc()))
        .load(conn)?)
}
