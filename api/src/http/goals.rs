//! Goals: what a member sets out to do or keep away from.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    field::{Expected, Field, set},
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted, WholeNumber},
    page::{self, Page},
    parse,
    schema::{GoalKindName, VisibilityName, WeekdayName},
    views::utc,
};
use crate::{
    clock,
    db::{self, DbConn, goals, goals::Goal, members},
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{
    Cadence, GoalKind, GoalTitle, MAX_ACTIVE_GOALS, MAX_ARCHIVED_GOALS, MemberId, Text, TextRule,
    Visibility, check_cadence, check_start,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// How often a goal is due, as a goal shows it.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CadenceView {
    /// Every day.
    Daily {},
    /// A number of times in each ISO week.
    Weekly {
        /// Times per week.
        times: u8,
    },
    /// On the given weekdays.
    Days {
        /// The weekdays, Monday first.
        days: Vec<&'static str>,
    },
}

impl From<Cadence> for CadenceView {
    fn from(cadence: Cadence) -> Self {
        match cadence {
            Cadence::Daily => Self::Daily {},
            Cadence::Weekly { times } => Self::Weekly { times },
            Cadence::Days(set) => Self::Days { days: set.names() },
        }
    }
}

/// The three forms of a cadence, each a named schema, in one `oneOf` told
/// apart by `type`: what generated clients turn into a tagged union.
const CADENCE_FORMS: [(&str, &str); 3] = [
    ("daily", "DailyCadence"),
    ("weekly", "WeeklyCadence"),
    ("days", "DaysCadence"),
];

// Written by hand: utoipa's derive would not name the forms, nor say that
// each takes no other fields.
impl utoipa::PartialSchema for CadenceView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::{
            Ref,
            schema::{Discriminator, OneOfBuilder},
        };
        let mut one_of = OneOfBuilder::new().description(Some(
            "How often a goal is due: daily, a number of times a week, or on given weekdays.",
        ));
        for (_, name) in CADENCE_FORMS {
            one_of = one_of.item(Ref::from_schema_name(name));
        }
        one_of
            .discriminator(Some(Discriminator::with_mapping(
                "type",
                CADENCE_FORMS.map(|(tag, name)| (tag, format!("#/components/schemas/{name}"))),
            )))
            .into()
    }
}

impl ToSchema for CadenceView {
    fn name() -> std::borrow::Cow<'static, str> {
        "Cadence".into()
    }

    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::openapi::{
            ObjectBuilder,
            schema::{AdditionalProperties, ArrayBuilder, Type},
        };
        let form = |tag: &str, description: &str| {
            ObjectBuilder::new()
                .description(Some(description))
                .property(
                    "type",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([tag])),
                )
                .required("type")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        let forms = [
            form("daily", "Every day."),
            form(
                "weekly",
                "A number of times in each ISO week (Monday to Sunday), on any days.",
            )
            .property(
                "times",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(7))
                    .description(Some("Times per week, 1 to 7.")),
            )
            .required("times"),
            form("days", "On the given weekdays.")
                .property(
                    "days",
                    ArrayBuilder::new()
                        .items(utoipa::openapi::Ref::from_schema_name(WeekdayName::name()))
                        .min_items(Some(1))
                        .description(Some("At least one weekday; repeats are dropped.")),
                )
                .required("days"),
        ];
        for ((_, name), form) in CADENCE_FORMS.into_iter().zip(forms) {
            schemas.push((name.to_owned(), form.into()));
        }
        schemas.push((
            WeekdayName::name().into_owned(),
            <WeekdayName as utoipa::PartialSchema>::schema(),
        ));
    }
}

/// A cadence as a request sends it, read field by field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceBody {
    /// daily, weekly or days.
    #[serde(default, rename = "type")]
    kind: Field<String>,
    /// Weekly: times per week.
    #[serde(default)]
    times: Field<WholeNumber>,
    /// Days: the weekdays.
    #[serde(default)]
    days: Field<Vec<String>>,
}

impl Expected for CadenceBody {
    const EXPECTED: &'static str = "must be an object such as {\"type\": \"daily\"}, {\"type\": \"weekly\", \"times\": 3} or {\"type\": \"days\", \"days\": [\"mon\", \"thu\"]}";
}

impl CadenceBody {
    /// The cadence, naming every bad part of it (`cadence.times`, ...).
    fn parse(self, e: &mut FieldErrors) -> Option<Cadence> {
        let kind = self.kind.required(e, "cadence.type");
        let other_form = |e: &mut FieldErrors, field: &str, given: bool, form: &str| {
            if given {
                e.add(
                    format!("cadence.{field}"),
                    format!("is not a field of a {form} cadence"),
                );
            }
        };
        let times_given = !matches!(self.times, Field::Absent);
        let days_given = !matches!(self.days, Field::Absent);
        match kind.as_deref() {
            Some("daily") => {
                other_form(e, "times", times_given, "daily");
                other_form(e, "days", days_given, "daily");
                Some(Cadence::Daily)
            }
            Some("weekly") => {
                other_form(e, "days", days_given, "weekly");
                let times = self.times.required(e, "cadence.times")?;
                e.check("cadence.times", Cadence::weekly(times.0))
            }
            Some("days") => {
                other_form(e, "times", times_given, "days");
                let days = self.days.required(e, "cadence.days")?;
                e.check(
                    "cadence.days",
                    Cadence::days(days.iter().map(String::as_str)),
                )
            }
            Some(_) => {
                e.add("cadence.type", "must be one of daily, weekly, days");
                None
            }
            None => None,
        }
    }
}

/// A new goal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGoalRequest {
    /// What the goal is.
    #[serde(default)]
    #[schema(schema_with = super::schema::goal_title, required = true)]
    pub title: Field<String>,
    /// More words about it.
    #[serde(default)]
    #[schema(schema_with = super::schema::description)]
    pub description: Field<String>,
    /// Build something up, or quit something (quit goals are daily).
    #[serde(default)]
    #[schema(value_type = GoalKindName, required = true)]
    pub kind: Field<String>,
    /// How often it is due.
    #[serde(default)]
    #[schema(value_type = CadenceView, required = true)]
    pub cadence: Field<CadenceBody>,
    /// A local time of day for the reminder, `HH:MM`.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "19:30")]
    pub reminder_time: Field<String>,
    /// Who may see it; private unless said otherwise.
    #[serde(default)]
    #[schema(value_type = Option<VisibilityName>)]
    pub visibility: Field<String>,
    /// The first day, a local date not in the future (and not before 1900);
    /// today when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-01")]
    pub started_on: Field<String>,
}

/// Changes to a goal. Its kind, cadence and start stay as they were: they
/// decide how its history is counted, so changing them would rewrite it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGoalRequest {
    /// What the goal is.
    #[serde(default)]
    #[schema(schema_with = super::schema::goal_title)]
    pub title: Field<String>,
    /// More words about it.
    #[serde(default)]
    #[schema(schema_with = super::schema::description)]
    pub description: Field<String>,
    /// `HH:MM`; null turns the reminder off.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub reminder_time: Field<String>,
    /// Who may see it.
    #[serde(default)]
    #[schema(value_type = VisibilityName)]
    pub visibility: Field<String>,
}

/// A goal as its owner sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalView {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// More words, if any.
    #[schema(required = true)]
    pub description: Option<String>,
    /// Build or quit.
    #[schema(value_type = GoalKindName)]
    pub kind: &'static str,
    /// How often it is due.
    pub cadence: CadenceView,
    /// When the reminder comes, in the owner's time zone.
    #[schema(required = true, example = "19:30")]
    pub reminder_time: Option<String>,
    /// Who may see it.
    #[schema(value_type = VisibilityName)]
    pub visibility: &'static str,
    /// Its first local date.
    pub started_on: NaiveDate,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&Goal> for GoalView {
    fn from(goal: &Goal) -> Self {
        Self {
            id: goal.id,
            title: goal.title.as_str().to_owned(),
            description: goal.description.as_ref().map(|d| d.as_str().to_owned()),
            kind: goal.kind.as_str(),
            cadence: CadenceView::from(goal.cadence),
            reminder_time: goal.reminder_time.map(|t| t.format("%H:%M").to_string()),
            visibility: goal.visibility.as_str(),
            started_on: goal.started_on,
            created_at: utc(goal.created_at),
            updated_at: utc(goal.updated_at),
        }
    }
}

/// Paging through a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the goals after this one.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// A goal id from the path. One that is not a UUID names no goal: 404, like
/// any other goal the caller cannot see.
pub fn goal_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// The caller, their session checked, and their today in their time zone.
pub fn caller_today(
    conn: &mut DbConn,
    caller: &Caller,
    now: NaiveDateTime,
) -> Result<(MemberId, NaiveDate), ApiError> {
    let member = caller.member(conn)?;
    Ok((member.id, member.profile.timezone.today(now.and_utc())))
}

fn new_goal(
    body: CreateGoalRequest,
    mut errors: FieldErrors,
    member: MemberId,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Goal, ApiError> {
    let e = &mut errors;
    let title = body
        .title
        .required_with(e, "title", |raw| GoalTitle::parse(&raw));
    let description = body
        .description
        .optional_with(e, "description", |raw| {
            Text::parse(&raw, TextRule::DESCRIPTION)
        })
        .map(Option::flatten);
    let kind = body
        .kind
        .required_with(e, "kind", |raw| raw.parse::<GoalKind>());
    let cadence = body
        .cadence
        .required(e, "cadence")
        .and_then(|cadence| cadence.parse(e))
        .and_then(|cadence| match kind {
            Some(kind) => e.check("cadence", check_cadence(kind, cadence)),
            None => Some(cadence),
        });
    let reminder_time = body
        .reminder_time
        .optional_with(e, "reminder_time", |raw| parse::time_of_day(&raw));
    let visibility = body
        .visibility
        .optional_with(e, "visibility", |raw| raw.parse::<Visibility>())
        .map(|visibility| visibility.unwrap_or(Visibility::Private));
    let started_on = body
        .started_on
        .optional_with(e, "started_on", |raw| {
            parse::date(&raw)
                .map_err(str::to_owned)
                .and_then(|date| check_start(date, today).map_err(|e| e.to_string()))
        })
        .map(|date| date.unwrap_or(today));
    errors.into_result(|| {
        Some(Goal {
            id: Uuid::now_v7(),
            member_id: member,
            title: title?,
            description: description?,
            kind: kind?,
            cadence: cadence?,
            reminder_time: reminder_time?,
            visibility: visibility?,
            started_on: started_on?,
            created_at: now,
            updated_at: now,
            archived_at: None,
        })
    })
}

/// Sets a new goal.
#[utoipa::path(
    operation_id = "create_goal",
    post,
    path = "/v1/goals",
    tag = "goals",
    security(("bearer" = [])),
    params(IdempotencyHeader),
    request_body = CreateGoalRequest,
    responses(
        (status = 201, description = "Created (or, for a repeated Idempotency-Key, created before)", body = GoalView,
            headers(
                ("Location" = String, description = "The new goal"),
                ("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"),
            )),
        (status = 409, description = "The member has 50 active goals, or keeps 1,000 archived ones, already", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized,
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    Fingerprinted {
        body: Body { body, errors },
        fingerprint,
    }: Fingerprinted<CreateGoalRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let (member, today) = caller_today(conn, &caller, now)?;
                // One creating request of a member at a time: the goal limit
                // and the idempotency key both hold under concurrency.
                if !members::lock(conn, member)? {
                    return Err(ApiError::TOKEN_INVALID);
                }
                if let Some(answer) = idempotency::recall(conn, member, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                let goal = new_goal(body, errors, member, today, now)?;
                if goals::count_active(conn, member)? >= MAX_ACTIVE_GOALS as i64 {
                    return Err(ApiError::Conflict(
                        "You have 50 active goals, the most there can be; archive one to make room.",
                    ));
                }
                if goals::count_archived(conn, member)? >= MAX_ARCHIVED_GOALS as i64 {
                    return Err(ApiError::Conflict(
                        "You keep 1,000 archived goals, the most Tether keeps for one member; no new goal can be set.",
                    ));
                }
                goals::insert(conn, &goal)?;
                let location = format!("/v1/goals/{}", goal.id);
                idempotency::answer(
                    conn,
                    member,
                    &key,
                    fingerprint,
                    (StatusCode::CREATED, Some(location), &GoalView::from(&goal)),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// The caller's active goals, oldest first.
#[utoipa::path(
    operation_id = "list_goals",
    get,
    path = "/v1/goals",
    tag = "goals",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of goals", body = Page<GoalView>),
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, |raw| {
        Uuid::parse_str(raw).map_err(|_| "must be a goal id, such as a next_cursor")
    });
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let goals = state
        .db
        .run(move |conn| {
            let member = caller.verify(conn)?;
            Ok::<_, ApiError>(goals::page_active(conn, member, after, limit + 1)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        goals,
        limit,
        |goal| goal.id.to_string(),
        |goal| GoalView::from(goal),
    )))
}

/// One of the caller's active goals.
#[utoipa::path(
    operation_id = "get_goal",
    get,
    path = "/v1/goals/{id}",
    tag = "goals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The goal")),
    responses(
        (status = 200, description = "The goal", body = GoalView),
        Unauthorized, NotFound,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = goal_id(&id)?;
    let goal = state
        .db
        .run(move |conn| caller.goal(conn, id).map(|(goal, _)| goal))
        .await?;
    Ok(HttpResponse::Ok().json(GoalView::from(&goal)))
}

/// Changes a goal's title, description, reminder or visibility.
#[utoipa::path(
    operation_id = "update_goal",
    patch,
    path = "/v1/goals/{id}",
    tag = "goals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The goal")),
    request_body = UpdateGoalRequest,
    responses(
        (status = 200, description = "The changed goal", body = GoalView),
        BadBody, Unauthorized, NotFound,
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    Body { body, errors }: Body<UpdateGoalRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = goal_id(&id)?;
    let now = clock::now();
    let goal = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let (mut goal, _) = caller.goal(conn, id)?;
                let before = goal.clone();
                apply(&mut goal, body, errors)?;
                // A change to nothing is no change: the row stays as it was.
                if goal != before {
                    goal.updated_at = now;
                    goals::update(conn, &goal)?;
                }
                Ok::<_, ApiError>(goal)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(GoalView::from(&goal)))
}

fn apply(
    goal: &mut Goal,
    body: UpdateGoalRequest,
    mut errors: FieldErrors,
) -> Result<(), ApiError> {
    let e = &mut errors;
    let title = body
        .title
        .change_with(e, "title", |raw| GoalTitle::parse(&raw));
    let visibility = body
        .visibility
        .change_with(e, "visibility", |raw| raw.parse::<Visibility>());
    let description = body
        .description
        .change_nullable_with(e, "description", |raw| {
            Text::parse(&raw, TextRule::DESCRIPTION)
        })
        .map(Option::flatten);
    let reminder_time = body
        .reminder_time
        .change_nullable_with(e, "reminder_time", |raw| parse::time_of_day(&raw));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    set(&mut goal.title, title);
    set(&mut goal.visibility, visibility);
    set(&mut goal.description, description);
    set(&mut goal.reminder_time, reminder_time);
    Ok(())
}

/// Archives a goal: it leaves the list and stops taking check-ins; its
/// history is kept and stays in the export.
#[utoipa::path(
    operation_id = "archive_goal",
    delete,
    path = "/v1/goals/{id}",
    tag = "goals",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The goal")),
    responses(
        (status = 204, description = "Archived"),
        (status = 404, description = "No such goal of the caller's (or archived already)", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = goal_id(&id)?;
    let now = clock::now();
    state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let (mut goal, _) = caller.goal(conn, id)?;
                goal.archived_at = Some(now);
                goal.updated_at = now;
                goals::update(conn, &goal)?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
