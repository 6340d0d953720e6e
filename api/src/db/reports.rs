//! The reports and report_groups tables.

use super::{
    DbConn, DbError,
    schema::{members, report_groups, reports},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{MemberId, ReportReason, ReportStatus};
use uuid::Uuid;

/// A report to store, with the groups whose facilitators see it.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Its id.
    pub id: Uuid,
    /// Who reports.
    pub reporter: MemberId,
    /// About whom.
    pub reported: MemberId,
    /// Why.
    pub reason: ReportReason,
    /// The reporter's words.
    pub detail: Option<String>,
    /// Whose facilitators see it.
    pub groups: Vec<Uuid>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Stores the report and the groups that see it.
pub fn insert(conn: &mut DbConn, report: &NewReport) -> Result<(), DbError> {
    diesel::insert_into(reports::table)
        .values((
            reports::id.eq(report.id.to_string()),
            reports::reporter_id.eq(report.reporter.to_string()),
            reports::reported_id.eq(Some(report.reported.to_string())),
            reports::reason.eq(report.reason.as_str()),
            reports::detail.eq(report.detail.as_deref()),
            reports::status.eq(ReportStatus::Open.as_str()),
            reports::created_at.eq(report.created_at),
        ))
        .execute(conn)?;
    let rows: Vec<_> = report
        .groups
        .iter()
        .map(|group| {
            (
                report_groups::report_id.eq(report.id.to_string()),
                report_groups::group_id.eq(group.to_string()),
            )
        })
        .collect();
    // A batch insert is each backend's own.
    match conn {
        DbConn::Postgres(c) => diesel::insert_into(report_groups::table)
            .values(&rows)
            .execute(c)?,
        DbConn::Sqlite(c) => diesel::insert_into(report_groups::table)
            .values(&rows)
            .execute(c)?,
    };
    Ok(())
}

/// A report as a facilitator sees it: who reported, about whom (`None`
/// once that member's account is erased).
#[derive(Debug, Clone)]
pub struct Seen {
    /// Its id.
    pub id: String,
    /// The reporter's id and display name.
    pub reporter: (String, String),
    /// The reported member's id, while their account exists.
    pub reported: Option<String>,
    /// Why.
    pub reason: String,
    /// The reporter's words.
    pub detail: Option<String>,
    /// Open or resolved.
    pub status: String,
    /// The resolving facilitator's note.
    pub resolution_note: Option<String>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it was resolved.
    pub resolved_at: Option<NaiveDateTime>,
}

type SeenRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

/// A page of the group's reports, newest first before `before`, as
/// `viewer` (a facilitator) may see them: never one about the viewer.
pub fn of_group(
    conn: &mut DbConn,
    group: Uuid,
    viewer: MemberId,
    status: Option<ReportStatus>,
    only: Option<Uuid>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Seen>, DbError> {
    let mut query = reports::table
        .inner_join(report_groups::table)
        .inner_join(members::table.on(members::id.eq(reports::reporter_id)))
        .filter(report_groups::group_id.eq(group.to_string()))
        .filter(
            reports::reported_id
                .ne(viewer.to_string())
                .or(reports::reported_id.is_null()),
        )
        .select((
            reports::id,
            members::id,
            members::display_name,
            reports::reported_id,
            reports::reason,
            reports::detail,
            reports::status,
            reports::resolution_note,
            reports::created_at,
            reports::resolved_at,
        ))
        .order(reports::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(reports::status.eq(status.as_str()));
    }
    if let Some(only) = only {
        query = query.filter(reports::id.eq(only.to_string()));
    }
    if let Some(before) = before {
        query = query.filter(reports::id.lt(before.to_string()));
    }
    Ok(query
        .load::<SeenRow>(conn)?
        .into_iter()
        .map(into_seen)
        .collect())
}

fn into_seen(
    (id, reporter, name, reported, reason, detail, status, note, created_at, resolved_at): SeenRow,
) -> Seen {
    Seen {
        id,
        reporter: (reporter, name),
        reported,
        reason,
        detail,
        status,
        resolution_note: note,
        created_at,
        resolved_at,
    }
}

/// The groups whose facilitators see the report.
pub fn groups_of(conn: &mut DbConn, report: Uuid) -> Result<Vec<Uuid>, DbError> {
    report_groups::table
        .filter(report_groups::report_id.eq(report.to_string()))
        .select(report_groups::group_id)
        .load::<String>(conn)?
        .into_iter()
        .map(|id| Uuid::parse_str(&id).map_err(|_| DbError::Corrupt(format!("report group {id}"))))
        .collect()
}

/// Resolves an open report; false when it was resolved already.
pub fn resolve(
    conn: &mut DbConn,
    report: Uuid,
    by: MemberId,
    note: Option<&str>,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        reports::table
            .find(report.to_string())
            .filter(reports::status.eq(ReportStatus::Open.as_str())),
    )
    .set((
        reports::status.eq(ReportStatus::Resolved.as_str()),
        reports::resolution_note.eq(note),
        reports::resolved_by.eq(Some(by.to_string())),
        reports::resolved_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The reports the member filed, for the export: id, about whom, why,
/// their words, status, when.
pub fn filed_by(conn: &mut DbConn, member: MemberId) -> Result<Vec<Seen>, DbError> {
    Ok(reports::table
        .inner_join(members::table.on(members::id.eq(reports::reporter_id)))
        .filter(reports::reporter_id.eq(member.to_string()))
        .select((
            reports::id,
            members::id,
            members::display_name,
            reports::reported_id,
            reports::reason,
            reports::detail,
            reports::status,
            reports::resolution_note,
            reports::created_at,
            reports::resolved_at,
        ))
        .order(reports::id.asc())
        .load::<SeenRow>(conn)?
        .into_iter()
        .map(into_seen)
        .collect())
}
