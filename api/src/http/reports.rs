//! Reports: any member may report another they share a group with, for the
//! facilitators of the group named (or of every group the two share). The
//! reported member never sees a report or who made it; a facilitator who is
//! reported about is not shown that report.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    field::Field,
    groups::{membership_of, path_id},
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted},
    page::{self, Page},
    partnerships::PartnerView,
    views::utc,
};
use crate::{
    clock,
    db::{
        self, DbConn, groups, members,
        reports::{self, NewReport, Seen},
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{GroupRole, MemberId, REPORT_TEXT, ReportReason, ReportStatus, Text};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    ReportReasonName,
    "ReportReason",
    "harassment; spam; unsafe; other.",
    ReportReason::ALL.iter().map(|reason| reason.as_str())
);
super::schema::names!(
    ReportStatusName,
    "ReportStatus",
    "open, or resolved by a facilitator.",
    ReportStatus::ALL.iter().map(|status| status.as_str())
);

/// A report to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// Whom it is about: a member the caller shares a group with.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub member_id: Field<String>,
    /// The group whose facilitators should see it (both must be in it);
    /// every group the two share when left out.
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub group_id: Field<String>,
    /// Why.
    #[serde(default)]
    #[schema(value_type = ReportReasonName, required = true)]
    pub reason: Field<String>,
    /// What happened, up to 2,000 characters.
    #[serde(default)]
    #[schema(schema_with = super::schema::note)]
    pub detail: Field<String>,
}

/// A report as its reporter sees it on making it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiledView {
    /// Its id.
    pub id: Uuid,
    /// Whom it is about.
    pub member_id: Uuid,
    /// Why.
    #[schema(value_type = ReportReasonName)]
    pub reason: String,
    /// What the reporter wrote.
    #[schema(required = true)]
    pub detail: Option<String>,
    /// The groups whose facilitators see it.
    pub group_ids: Vec<Uuid>,
    /// Open until a facilitator resolves it.
    #[schema(value_type = ReportStatusName)]
    pub status: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A report as a facilitator sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    /// Its id.
    pub id: Uuid,
    /// Who reported.
    pub reporter: PartnerView,
    /// Whom it is about: `member_id` is `null` and the name "a former
    /// member" once their account is erased.
    pub member: ReportedView,
    /// Why.
    #[schema(value_type = ReportReasonName)]
    pub reason: String,
    /// What the reporter wrote.
    #[schema(required = true)]
    pub detail: Option<String>,
    /// Open or resolved.
    #[schema(value_type = ReportStatusName)]
    pub status: String,
    /// The resolving facilitator's note.
    #[schema(required = true)]
    pub resolution_note: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was resolved.
    #[schema(required = true)]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The member a report is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportedView {
    /// Their id, while their account exists.
    #[schema(required = true)]
    pub member_id: Option<Uuid>,
    /// Their display name, or "a former member".
    pub display_name: String,
}

const FORMER_MEMBER: &str = "a former member";

fn view(conn: &mut DbConn, seen: &Seen) -> Result<ReportView, ApiError> {
    let id = |raw: &str| Uuid::parse_str(raw).map_err(|_| ApiError::internal("stored id"));
    let reported = match &seen.reported {
        Some(raw) => {
            let member = MemberId::from_uuid(id(raw)?);
            let name = members::find(conn, member)?.map_or_else(
                || FORMER_MEMBER.to_owned(),
                |m| m.profile.display_name.as_str().to_owned(),
            );
            ReportedView {
                member_id: Some(member.as_uuid()),
                display_name: name,
            }
        }
        None => ReportedView {
            member_id: None,
            display_name: FORMER_MEMBER.to_owned(),
        },
    };
    Ok(ReportView {
        id: id(&seen.id)?,
        reporter: PartnerView {
            member_id: id(&seen.reporter.0)?,
            display_name: seen.reporter.1.clone(),
        },
        member: reported,
        reason: seen.reason.clone(),
        detail: seen.detail.clone(),
        status: seen.status.clone(),
        resolution_note: seen.resolution_note.clone(),
        created_at: utc(seen.created_at),
        resolved_at: seen.resolved_at.map(utc),
    })
}

/// Reports a member to the facilitators of a group both are in (or of
/// every group the two share).
#[utoipa::path(
    operation_id = "create_report",
    post,
    path = "/v1/reports",
    tag = "safety",
    security(("bearer" = [])),
    params(IdempotencyHeader),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Made (or, for a repeated Idempotency-Key, made before)", body = FiledView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"))),
        (status = 404, description = "No such member in a group the caller is in", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized,
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    Fingerprinted {
        body: Body { body, mut errors },
        fingerprint,
    }: Fingerprinted<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let e = &mut errors;
    let target = body.member_id.required_with(e, "member_id", |raw| {
        Uuid::parse_str(&raw)
            .map(MemberId::from_uuid)
            .map_err(|_| "must be a member id")
    });
    let group = body.group_id.optional_with(e, "group_id", |raw| {
        Uuid::parse_str(&raw).map_err(|_| "must be a group id")
    });
    let reason = body
        .reason
        .required_with(e, "reason", |raw| raw.parse::<ReportReason>());
    let detail = body
        .detail
        .optional_with(e, "detail", |raw| Text::parse(&raw, REPORT_TEXT))
        .map(Option::flatten);
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let me = caller.verify(conn)?;
                if !members::lock(conn, me)? {
                    return Err(ApiError::TOKEN_INVALID);
                }
                if let Some(answer) = idempotency::recall(conn, me, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                if target == Some(me) {
                    errors.add("member_id", "is you");
                }
                let (target, group, reason, detail) =
                    errors.into_result(|| Some((target?, group?, reason?, detail?)))?;
                let shared = groups::shared(conn, me, target)?;
                let seen_by = match group {
                    Some(group) if shared.contains(&group) => vec![group],
                    Some(_) => return Err(ApiError::NotFound),
                    None if shared.is_empty() => return Err(ApiError::NotFound),
                    None => shared,
                };
                let report = NewReport {
                    id: Uuid::now_v7(),
                    reporter: me,
                    reported: target,
                    reason,
                    detail: detail.map(|text| text.as_str().to_owned()),
                    groups: seen_by,
                    created_at: now,
                };
                reports::insert(conn, &report)?;
                let view = FiledView {
                    id: report.id,
                    member_id: target.as_uuid(),
                    reason: reason.as_str().to_owned(),
                    detail: report.detail.clone(),
                    group_ids: report.groups.clone(),
                    status: ReportStatus::Open.as_str().to_owned(),
                    created_at: utc(now),
                };
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (StatusCode::CREATED, None, &view),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// Which reports, and a page of them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Only open or only resolved ones; all when left out.
    #[param(value_type = Option<ReportStatusName>)]
    pub status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the reports older than this one.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// The caller's facilitator membership of the group: anyone else, members
/// included, gets a 404 (a report's existence is facilitators' business).
fn facilitator_of(conn: &mut DbConn, caller: &Caller, group: Uuid) -> Result<MemberId, ApiError> {
    let (me, mine) = membership_of(conn, caller, group)?;
    if mine.role != GroupRole::Facilitator {
        return Err(ApiError::NotFound);
    }
    Ok(me)
}

/// The group's reports, newest first, for its facilitators.
#[utoipa::path(
    operation_id = "list_group_reports",
    get,
    path = "/v1/groups/{id}/reports",
    tag = "safety",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group"), ReportsQuery),
    responses(
        (status = 200, description = "A page of reports", body = Page<ReportView>),
        (status = 422, description = "A bad status, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<ReportsQuery>,
) -> Result<HttpResponse, ApiError> {
    let group = path_id(&id)?;
    let mut errors = FieldErrors::new();
    let status = match query.status.as_deref() {
        None => None,
        Some(raw) => errors.check("status", raw.parse::<ReportStatus>()),
    };
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let before = page::cursor(query.cursor.as_deref(), &mut errors, Uuid::parse_str);
    let views = state
        .db
        .run(move |conn| {
            let me = facilitator_of(conn, &caller, group)?;
            errors.into_result(|| Some(()))?;
            reports::of_group(conn, group, me, status, None, before, limit + 1)?
                .iter()
                .map(|seen| view(conn, seen))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        views,
        limit,
        |view| view.id.to_string(),
        ReportView::clone,
    )))
}

/// A facilitator's note on resolving a report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// What was done, up to 2,000 characters.
    #[serde(default)]
    #[schema(schema_with = super::schema::note)]
    pub note: Field<String>,
}

/// A facilitator of one of the report's groups resolves it (not one the
/// report is about).
#[utoipa::path(
    operation_id = "resolve_report",
    post,
    path = "/v1/reports/{id}/resolve",
    tag = "safety",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "The report, resolved", body = ReportView),
        (status = 409, description = "Resolved already", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized, NotFound,
    )
)]
pub async fn resolve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    Body { body, mut errors }: Body<ResolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let report = path_id(&id)?;
    let note = body
        .note
        .optional_with(&mut errors, "note", |raw| Text::parse(&raw, REPORT_TEXT))
        .map(Option::flatten);
    let now = clock::now();
    let resolved = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let me = caller.verify(conn)?;
                // A group of the report's that the caller facilitates, and
                // where the report is visible to them.
                let mut seen = None;
                for group in reports::groups_of(conn, report)? {
                    if facilitator_of(conn, &caller, group).is_ok() {
                        seen = reports::of_group(conn, group, me, None, Some(report), None, 1)?
                            .into_iter()
                            .next()
                            .map(|seen| (group, seen));
                        if seen.is_some() {
                            break;
                        }
                    }
                }
                let (group, _) = seen.ok_or(ApiError::NotFound)?;
                let note = errors.into_result(|| note)?;
                if !reports::resolve(conn, report, me, note.as_ref().map(Text::as_str), now)? {
                    return Err(ApiError::Conflict("This report was resolved already."));
                }
                let seen = reports::of_group(conn, group, me, None, Some(report), None, 1)?
                    .into_iter()
                    .next()
                    .ok_or(ApiError::NotFound)?;
                view(conn, &seen)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(resolved))
}
