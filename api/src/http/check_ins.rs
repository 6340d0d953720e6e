//! Check-ins: one a goal and local date, recorded with a PUT on the date so
//! that a phone may send it as often as it likes.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    field::Field,
    goals::goal_id,
    json::{Body, WholeNumber},
    page::{self, Page},
    parse,
    schema::CheckInStatusName,
    views::utc,
};
use crate::{
    clock,
    db::{
        self, DbError, check_ins,
        check_ins::{CheckIn, Stored},
        goals::{ForWrite, Goal, History},
        milestones,
        milestones::Ledger,
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::header, web};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{
    CheckInStatus, Mood, Text, TextRule, check_in_date, check_status,
    progress::{self, Milestone},
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// How a day went.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// `slipped` is for quit goals only, `skipped` for build goals only.
    #[serde(default)]
    #[schema(value_type = CheckInStatusName, required = true)]
    pub status: Field<String>,
    /// How it went, in the member's words.
    #[serde(default)]
    #[schema(schema_with = super::schema::note)]
    pub note: Field<String>,
    /// Whether partners who see the goal may read the note. Off unless set.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub note_shared: Field<bool>,
    /// How the member felt, 1 (low) to 5 (high).
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 5)]
    pub mood: Field<WholeNumber>,
}

/// A recorded check-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInView {
    /// The member's local date.
    pub date: NaiveDate,
    /// How the day went.
    #[schema(value_type = CheckInStatusName)]
    pub status: &'static str,
    /// The member's note.
    #[schema(required = true)]
    pub note: Option<String>,
    /// Whether partners may read the note.
    pub note_shared: bool,
    /// How the member felt, 1 to 5.
    #[schema(required = true)]
    pub mood: Option<u8>,
    /// When it was first recorded.
    pub created_at: DateTime<Utc>,
    /// When it was last replaced.
    pub updated_at: DateTime<Utc>,
}

impl From<&CheckIn> for CheckInView {
    fn from(check_in: &CheckIn) -> Self {
        Self {
            date: check_in.day,
            status: check_in.status.as_str(),
            note: check_in.note.as_ref().map(|note| note.as_str().to_owned()),
            note_shared: check_in.note_shared,
            mood: check_in.mood.map(Mood::get),
            created_at: utc(check_in.created_at),
            updated_at: utc(check_in.updated_at),
        }
    }
}

/// A date range and a page of it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First date (inclusive); 29 days before `to` when left out.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last date (inclusive); today when left out. A range that ends
    /// before it begins holds no check-ins.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the check-ins after this date.
    #[param(value_type = Option<String>, format = Date)]
    pub cursor: Option<String>,
}

/// The date in the path, named as a field when it does not parse.
fn path_date(raw: &str) -> Result<NaiveDate, ApiError> {
    parse::date(raw).map_err(|message| ApiError::Validation(FieldErrors::one("date", message)))
}

/// The milestones the goal's `history`, as a write will leave it, reaches
/// that its ledger does not hold yet (the rule is in `db::milestones`).
/// Most writes reach none, and then the write is its one statement.
fn unrecorded_milestones(
    goal: &Goal,
    history: &History,
    ledger: &Ledger,
    today: NaiveDate,
) -> Vec<Milestone> {
    ledger.unrecorded(progress::progress(&goal.schedule(), history, today, 1).milestones)
}

/// Records how a day went. The same PUT again changes nothing; a different
/// one replaces the day's check-in. Days from the last 14 may be recorded,
/// not before the goal started and not after today in the member's time
/// zone.
#[utoipa::path(
    operation_id = "put_check_in",
    put,
    path = "/v1/goals/{id}/check-ins/{date}",
    tag = "check-ins",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The goal"),
        ("date" = NaiveDate, Path, description = "The member's local date"),
    ),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "Replaced the day's check-in", body = CheckInView),
        (status = 201, description = "Recorded the day's first check-in", body = CheckInView,
            headers(("Location" = String, description = "The check-in"))),
        Unauthorized, NotFound,
        BadBody,
    )
)]
pub async fn put(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Body<CheckInRequest>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_date) = path.into_inner();
    let id = goal_id(&raw_id)?;
    let now = clock::now();
    let (check_in, created) = state
        .db
        .run(move |conn| {
            // Read before the write, outside a transaction: a transaction
            // would not make it safer (under READ COMMITTED each statement
            // sees its own snapshot anyway) and would cost two round trips.
            // Two writes racing on one goal may each miss a milestone only
            // their sum reaches; the goal's next write records it, since
            // every write records whatever the ledger lacks.
            let day = parse::date(&raw_date).ok();
            let (loaded, today) = caller.goal_for_write(conn, id, day)?;
            let ForWrite {
                goal,
                mut history,
                ledger,
                stored,
            } = loaded;
            let check_in = new_check_in(&goal, &raw_date, body, today, now)?;
            history.retain(|(day, _)| *day != check_in.day);
            history.push((check_in.day, check_in.status));
            let reached = unrecorded_milestones(&goal, &history, &ledger, today);
            if let Some(stored) = stored.filter(|stored| stored.says_the_same(&check_in))
                && reached.is_empty()
            {
                // The same PUT again (a phone's retry): nothing to write.
                return Ok((stored, false));
            }
            let stored = if reached.is_empty() {
                db::write_one(conn, |conn| check_ins::upsert(conn, &check_in))?
            } else {
                db::write(conn, |conn| {
                    let stored = check_ins::upsert(conn, &check_in)?;
                    milestones::record_and_tell(conn, &goal, &reached, now)?;
                    Ok::<_, DbError>(stored)
                })?
            };
            Ok::<_, ApiError>(match stored {
                Stored::Created(stored) => (stored, true),
                Stored::Replaced(stored) => (stored, false),
                // The same PUT again, made by a request that raced this
                // one since the read.
                Stored::Unchanged => {
                    let stored = check_ins::find(conn, goal.id, check_in.day)?
                        .ok_or_else(|| ApiError::internal("check-in missing after upsert"))?;
                    (stored, false)
                }
            })
        })
        .await?;
    let view = CheckInView::from(&check_in);
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/v1/goals/{}/check-ins/{}", check_in.goal_id, check_in.day),
            ))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

fn new_check_in(
    goal: &Goal,
    raw_date: &str,
    Body { body, mut errors }: Body<CheckInRequest>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<CheckIn, ApiError> {
    let e = &mut errors;
    let day = e.check(
        "date",
        parse::date(raw_date)
            .map_err(str::to_owned)
            .and_then(|date| {
                check_in_date(date, goal.started_on, today).map_err(|e| e.to_string())
            }),
    );
    let status = body.status.required_with(e, "status", |raw| {
        raw.parse::<CheckInStatus>()
            .map_err(|e| e.to_string())
            .and_then(|status| check_status(goal.kind, status).map_err(|e| e.to_string()))
    });
    let note = body
        .note
        .optional_with(e, "note", |raw| Text::parse(&raw, TextRule::NOTE))
        .map(Option::flatten);
    let note_shared = body.note_shared.optional(e, "note_shared");
    let mood = body
        .mood
        .optional_with(e, "mood", |WholeNumber(n)| Mood::parse(n));
    errors.into_result(|| {
        Some(CheckIn {
            id: Uuid::now_v7(),
            goal_id: goal.id,
            day: day?,
            status: status?,
            note: note?,
            note_shared: note_shared?.unwrap_or(false),
            mood: mood?,
            created_at: now,
            updated_at: now,
        })
    })
}

/// The goal's check-ins in a date range, oldest first.
#[utoipa::path(
    operation_id = "list_check_ins",
    get,
    path = "/v1/goals/{id}/check-ins",
    tag = "check-ins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The goal"), RangeQuery),
    responses(
        (status = 200, description = "A page of check-ins", body = Page<CheckInView>),
        (status = 422, description = "A bad date, range, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = goal_id(&id)?;
    let query = query.into_inner();
    let (items, limit) = state
        .db
        .run(move |conn| {
            let (goal, today) = caller.goal(conn, id)?;
            let mut errors = FieldErrors::new();
            let to = match &query.to {
                Some(raw) => errors.check("to", parse::date(raw)),
                None => Some(today),
            };
            let from = match &query.from {
                Some(raw) => errors.check("from", parse::date(raw)),
                None => to.and_then(|to| to.checked_sub_days(Days::new(29))),
            };
            let limit = page::limit(query.limit.as_deref(), &mut errors);
            let after = page::cursor(query.cursor.as_deref(), &mut errors, parse::date);
            let (from, to) = errors.into_result(|| from.zip(to))?;
            let items = check_ins::page(conn, goal.id, from, to, after, limit + 1)?;
            Ok::<_, ApiError>((items, limit))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |check_in| check_in.day.to_string(),
        |check_in| CheckInView::from(check_in),
    )))
}

/// One day's check-in: what a created check-in's `Location` names.
#[utoipa::path(
    operation_id = "get_check_in",
    get,
    path = "/v1/goals/{id}/check-ins/{date}",
    tag = "check-ins",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The goal"),
        ("date" = NaiveDate, Path, description = "The member's local date"),
    ),
    responses(
        (status = 200, description = "The day's check-in", body = CheckInView),
        (status = 404, description = "No such goal of the caller's, or no check-in that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The date is not a date", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_date) = path.into_inner();
    let id = goal_id(&raw_id)?;
    let date = path_date(&raw_date)?;
    let check_in = state
        .db
        .run(move |conn| {
            let (goal, _) = caller.goal(conn, id)?;
            check_ins::find(conn, goal.id, date)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CheckInView::from(&check_in)))
}

/// Takes back the check-in of a day in the last 14.
#[utoipa::path(
    operation_id = "delete_check_in",
    delete,
    path = "/v1/goals/{id}/check-ins/{date}",
    tag = "check-ins",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The goal"),
        ("date" = NaiveDate, Path, description = "The member's local date"),
    ),
    responses(
        (status = 204, description = "Taken back"),
        (status = 404, description = "No such goal of the caller's, or no check-in that day", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date, or one outside the 14-day window", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw_id, raw_date) = path.into_inner();
    let id = goal_id(&raw_id)?;
    let date = path_date(&raw_date)?;
    let now = clock::now();
    state
        .db
        .run(move |conn| {
            // Read outside a transaction, as for a PUT.
            let (loaded, today) = caller.goal_for_write(conn, id, Some(date))?;
            let ForWrite {
                goal,
                mut history,
                ledger,
                stored,
            } = loaded;
            let day = check_in_date(date, goal.started_on, today)
                .map_err(|e| ApiError::Validation(FieldErrors::one("date", e.to_string())))?;
            if stored.is_none() {
                return Err(ApiError::NotFound);
            }
            // Taking back a slip can complete a milestone of days kept.
            history.retain(|(taken_back, _)| *taken_back != day);
            let reached = unrecorded_milestones(&goal, &history, &ledger, today);
            let deleted = if reached.is_empty() {
                db::write_one(conn, |conn| check_ins::delete(conn, goal.id, day))?
            } else {
                // Recorded only if there was a check-in to take back.
                db::write(conn, |conn| {
                    if !check_ins::delete(conn, goal.id, day)? {
                        return Err(ApiError::NotFound);
                    }
                    milestones::record_and_tell(conn, &goal, &reached, now)?;
                    Ok(true)
                })?
            };
            if deleted {
                Ok(())
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
