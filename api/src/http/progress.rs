//! A goal's progress: streaks, strength, completion, quit counts,
//! milestones and a day-by-day chart, all computed by the domain.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{NotFound, Unauthorized},
    },
    extract::Caller,
    goals::goal_id,
};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tether_domain::progress::{self, Milestone, Progress, StreakUnit};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    /// The unit of a goal's streaks.
    StreakUnitName, "StreakUnit", "days for daily goals and goals on given weekdays; weeks for weekly goals.",
    ["days", "weeks"]
);
super::schema::names!(
    /// How a day of the chart looks.
    DayStateName, "DayState",
    "done, skipped, slipped: the check-in; missed: due and passed without one; not_due: nothing was due; pending: due today, not yet checked in; unlogged: a quit goal's past day without a check-in, kept like every day without a slip.",
    ["done", "skipped", "slipped", "missed", "not_due", "pending", "unlogged"]
);
super::schema::names!(
    /// What a milestone counts.
    MetricName, "MilestoneMetric", "streak (build goals, in the goal's unit) or days_kept (quit goals).",
    ["streak", "days_kept"]
);

/// How long a chart to draw.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// Days in the chart, ending today: 1 to 366 (default 90).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 366)]
    pub days: Option<String>,
}

/// Where a goal stands, compared only with its own past.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressView {
    /// The goal.
    pub goal_id: Uuid,
    /// The member's today, in their time zone, that this was computed for.
    pub today: NaiveDate,
    /// The unit of the streaks.
    #[schema(value_type = StreakUnitName)]
    pub unit: &'static str,
    /// Kept periods in a row up to now; today (or this week) not yet checked
    /// in does not break it, and rest days keep it.
    pub current_streak: u32,
    /// The longest run ever; a slip or a miss does not take it away.
    pub best_streak: u32,
    /// Habit strength, 0 to 100: rises with each kept period and falls by
    /// a share after a miss or a slip, never to zero at once.
    #[schema(minimum = 0, maximum = 100)]
    pub strength: u8,
    /// Share of due periods kept (rest days not counted).
    pub completion: CompletionView,
    /// Quit goals only.
    #[schema(required = true)]
    pub quit: Option<QuitView>,
    /// Milestones reached, in the order reached, each with the local date
    /// it was first reached: computed from the history.
    pub milestones: Vec<MilestoneView>,
    /// One entry a day, oldest first, ending today.
    pub series: Vec<DayView>,
}

/// Completion rates, 0 to 1; null where nothing was due.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionView {
    /// Over the last 7 days.
    #[schema(required = true, minimum = 0, maximum = 1)]
    pub last_7_days: Option<f64>,
    /// Over the last 30 days.
    #[schema(required = true, minimum = 0, maximum = 1)]
    pub last_30_days: Option<f64>,
    /// Over the last 90 days.
    #[schema(required = true, minimum = 0, maximum = 1)]
    pub last_90_days: Option<f64>,
}

/// A quit goal's counts. A slip takes away its own day, never the ones before.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuitView {
    /// Days since the start without a slip (today once checked in).
    pub days_kept: u32,
    /// Days since the last slip; null when there was none.
    #[schema(required = true)]
    pub days_since_last_slip: Option<u32>,
    /// Slips recorded.
    pub slips: u32,
}

/// A milestone reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneView {
    /// What reached it.
    #[schema(value_type = MetricName)]
    pub metric: String,
    /// 1, 3, 7, 14, 30, 60, 90, 180, 365, then every 365 more.
    pub threshold: i32,
    /// The local date it was reached.
    pub reached_on: NaiveDate,
}

impl From<&Milestone> for MilestoneView {
    fn from(milestone: &Milestone) -> Self {
        Self {
            metric: milestone.metric.as_str().to_owned(),
            threshold: i32::try_from(milestone.threshold).unwrap_or(i32::MAX),
            reached_on: milestone.reached_on,
        }
    }
}

/// One day of the chart.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayView {
    /// The local date.
    pub date: NaiveDate,
    /// How it looks.
    #[schema(value_type = DayStateName)]
    pub state: &'static str,
}

/// The goal's progress, computed in the member's time zone.
#[utoipa::path(
    operation_id = "get_progress",
    get,
    path = "/v1/goals/{id}/progress",
    tag = "check-ins",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The goal"), ProgressQuery),
    responses(
        (status = 200, description = "The goal's progress", body = ProgressView),
        (status = 422, description = "A bad number of days", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = goal_id(&id)?;
    let days = match query.days.as_deref().map(str::parse::<u32>) {
        None => 90,
        Some(Ok(days @ 1..=366)) => days,
        Some(_) => {
            return Err(ApiError::Validation(FieldErrors::one(
                "days",
                "must be a whole number from 1 to 366",
            )));
        }
    };
    // Reads only: the milestones shown are computed from the history, and
    // recording them is for the writes and the sweep (see db::milestones).
    let (goal_id, today, progress) = state
        .db
        .run(move |conn| {
            let (goal, today, history) = caller.goal_with_history(conn, id)?;
            let progress = progress::progress(&goal.schedule(), &history, today, days);
            Ok::<_, ApiError>((goal.id, today, progress))
        })
        .await?;
    let view = ProgressView::new(goal_id, today, progress);
    Ok(HttpResponse::Ok().json(view))
}

impl ProgressView {
    /// The view of a goal's computed progress: the owner's and a partner's
    /// are the same computation shown the same way, so their numbers agree.
    pub fn new(goal_id: Uuid, today: NaiveDate, progress: Progress) -> Self {
        Self {
            goal_id,
            today,
            unit: match progress.unit {
                StreakUnit::Days => "days",
                StreakUnit::Weeks => "weeks",
            },
            current_streak: progress.current_streak,
            best_streak: progress.best_streak,
            strength: progress.strength,
            completion: CompletionView {
                last_7_days: progress.completion.last_7_days,
                last_30_days: progress.completion.last_30_days,
                last_90_days: progress.completion.last_90_days,
            },
            quit: progress.quit.map(|quit| QuitView {
                days_kept: quit.days_kept,
                days_since_last_slip: quit.days_since_last_slip,
                slips: quit.slips,
            }),
            milestones: progress
                .milestones
                .iter()
                .map(MilestoneView::from)
                .collect(),
            series: progress
                .series
                .into_iter()
                .map(|(date, state)| DayView {
                    date,
                    state: state.as_str(),
                })
                .collect(),
        }
    }
}
