//! The milestones table: the ledger of each threshold a goal reached,
//! recorded once, from which partners will be celebrated exactly once.
//!
//! The rule: reads never write. A progress answer shows the milestones the
//! domain computes from the stored history, each with the local date it
//! was first reached. The ledger is written by what can reach one: the
//! check-in writes (PUT and DELETE, which can complete a run or, by taking
//! back a slip, days kept) and, for quit goals, which reach days kept just
//! by days passing, the periodic sweep.

use super::{
    DbConn, DbError,
    goals::Goal,
    notifications::{Notice, notify},
    partnerships,
    schema::{goals, milestones},
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::{
    prelude::*,
    sql_types::{Date, Integer, Text, Timestamp},
};
use std::collections::HashSet;
use tether_domain::{
    MemberId, NotificationKind, Visibility,
    progress::{Metric, Milestone},
};
use uuid::Uuid;

/// The thresholds a goal's ledger holds, read in the statement that loads
/// the goal for a write, so that a write records only what is new and most
/// writes insert nothing.
#[derive(Debug, Default)]
pub struct Ledger(HashSet<(Metric, u32)>);

impl Ledger {
    /// Parses `metric:threshold` entries joined by commas, as the loading
    /// statement aggregates them.
    pub fn parse(goal: Uuid, raw: &str) -> Result<Self, DbError> {
        raw.split(',')
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let parsed = entry.split_once(':').and_then(|(metric, threshold)| {
                    let metric = [Metric::Streak, Metric::DaysKept]
                        .into_iter()
                        .find(|known| known.as_str() == metric)?;
                    Some((metric, threshold.parse().ok()?))
                });
                parsed.ok_or_else(|| DbError::Corrupt(format!("milestone of goal {goal}: {entry}")))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Those of `reached` the ledger does not hold yet.
    pub fn unrecorded(&self, reached: Vec<Milestone>) -> Vec<Milestone> {
        reached
            .into_iter()
            .filter(|milestone| !self.0.contains(&(milestone.metric, milestone.threshold)))
            .collect()
    }
}

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

/// Records the milestones not yet recorded for the goal, in one statement;
/// those already there keep their first date. Returns those that were new
/// (metric and threshold): a racing write that recorded one first keeps it
/// from being new here, so each is told of once.
pub fn record(
    conn: &mut DbConn,
    goal: Uuid,
    reached: &[Milestone],
    now: NaiveDateTime,
) -> Result<Vec<(String, i32)>, DbError> {
    if reached.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<MilestoneRow> = reached
        .iter()
        .map(|milestone| MilestoneRow {
            id: Uuid::now_v7().to_string(),
            goal_id: goal.to_string(),
            metric: milestone.metric.as_str().to_owned(),
            threshold: i32::try_from(milestone.threshold).unwrap_or(i32::MAX),
            reached_on: milestone.reached_on,
            recorded_at: now,
        })
        .collect();
    Ok(match conn {
        DbConn::Postgres(c) => diesel::insert_into(milestones::table)
            .values(&rows)
            .on_conflict((
                milestones::goal_id,
                milestones::metric,
                milestones::threshold,
            ))
            .do_nothing()
            .returning((milestones::metric, milestones::threshold))
            .get_results(c)?,
        // diesel writes a batch upsert for PostgreSQL only; on SQLite the
        // same statement is spelled out.
        DbConn::Sqlite(c) => {
            #[derive(QueryableByName)]
            struct New {
                #[diesel(sql_type = Text)]
                metric: String,
                #[diesel(sql_type = Integer)]
                threshold: i32,
            }
            let values = vec!["(?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
            let mut query = diesel::sql_query(format!(
                "INSERT INTO milestones (id, goal_id, metric, threshold, reached_on, recorded_at) \
                 VALUES {values} ON CONFLICT (goal_id, metric, threshold) DO NOTHING \
                 RETURNING metric, threshold"
            ))
            .into_boxed();
            for row in rows {
                query = query
                    .bind::<Text, _>(row.id)
                    .bind::<Text, _>(row.goal_id)
                    .bind::<Text, _>(row.metric)
                    .bind::<Integer, _>(row.threshold)
                    .bind::<Date, _>(row.reached_on)
                    .bind::<Timestamp, _>(row.recorded_at);
            }
            query
                .load::<New>(c)?
                .into_iter()
                .map(|new| (new.metric, new.threshold))
                .collect()
        }
    })
}

/// Records what the goal reached (see [`record`]) and, for a goal shared
/// with partners, tells each of its owner's active partners of each new
/// milestone, once. Returns how many were new.
pub fn record_and_tell(
    conn: &mut DbConn,
    goal: &Goal,
    reached: &[Milestone],
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let new = record(conn, goal.id, reached, now)?;
    if !new.is_empty() && goal.visibility == Visibility::Partners {
        // Who sees the goal is read inside the transaction: it may have been
        // made private since the caller loaded it.
        let notices: Vec<Notice> = partnerships::seeing_goal(conn, goal.member_id, goal.id)?
            .iter()
            .flat_map(|partnership| {
                let partner = partnership.other_than(goal.member_id);
                new.iter().map(move |_| Notice {
                    member: partner,
                    kind: NotificationKind::PartnerMilestone,
                    partnership: Some(partnership.id),
                    goal: Some(goal.id),
                    group: None,
                })
            })
            .collect();
        notify(conn, &notices, now)?;
    }
    Ok(new.len())
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
