//! The caller's own account: profile, export, erasure.

use super::{
    accounts::password_input,
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, Unauthorized},
    },
    extract::{Caller, ClientIp},
    field::{Field, set},
    idempotency::KEPT_FOR,
    json::{Body, WholeNumber},
    parse,
    views::{MemberView, QuietHours, QuietHoursBody, utc},
};
use super::{check_ins::CheckInView, goals::GoalView, progress::MilestoneView};
use crate::{
    clock,
    db::{
        self, blocks, check_ins, encouragements, goals, groups, idempotency, members,
        members::Member, milestones, notifications, partnerships, reports, sessions, strategies,
        throttles,
    },
    state::AppState,
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{
    Bio, DisplayName, MaxPartners, QuietHours as Quiet, RecoveryFocus, RecoverySince, TimeZone,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// Changes to the caller's profile. Fields left out stay as they are; a
/// nullable field set to null is cleared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// The name others see.
    #[serde(default)]
    #[schema(schema_with = super::schema::display_name)]
    pub display_name: Field<String>,
    /// An IANA time zone name. Changing it does not rewrite past days.
    #[serde(default)]
    #[schema(value_type = super::schema::TimeZoneName)]
    pub timezone: Field<String>,
    /// A few words about themself.
    #[serde(default)]
    #[schema(schema_with = super::schema::bio)]
    pub bio: Field<String>,
    /// What the member is recovering from; repeats are dropped.
    #[serde(default)]
    #[schema(value_type = Vec<super::schema::RecoveryFocusName>)]
    pub recovery_focus: Field<Vec<String>>,
    /// A date not in the future (in the member's time zone) and not before
    /// 1900; null clears it.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, example = "2025-03-01")]
    pub recovery_since: Field<String>,
    /// Whether the member may be suggested as a partner.
    #[serde(default)]
    #[schema(value_type = bool)]
    pub open_to_partnering: Field<bool>,
    /// 1 to 5.
    #[serde(default)]
    #[schema(value_type = i64, minimum = 1, maximum = 5)]
    pub max_partners: Field<WholeNumber>,
    /// Whether the member would mentor a newcomer.
    #[serde(default)]
    #[schema(value_type = bool)]
    pub willing_to_mentor: Field<bool>,
    /// Local times between which no pushes are sent; null, or a start equal
    /// to its end, means none.
    #[serde(default)]
    #[schema(value_type = Option<QuietHours>)]
    pub quiet_hours: Field<QuietHoursBody>,
    /// Whether partners may be told of a missed check-in.
    #[serde(default)]
    #[schema(value_type = bool)]
    pub partner_alerts: Field<bool>,
}

/// The caller's password, to confirm erasure.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMeRequest {
    /// The account's current password.
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Password, max_length = 1024)]
    pub password: Field<String>,
}

/// Everything Tether stores about the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportView {
    /// When this export was made.
    pub exported_at: DateTime<Utc>,
    /// The account and profile (the password is stored only as a hash,
    /// which is left out).
    pub member: MemberView,
    /// Every sign-in session still kept (ended and expired ones are
    /// deleted), with its refresh tokens.
    pub sessions: Vec<SessionExport>,
    /// Every goal, archived ones too.
    pub goals: Vec<GoalExport>,
    /// Every check-in on any of the goals.
    pub check_ins: Vec<CheckInExport>,
    /// Every milestone reached on any of the goals.
    pub milestones: Vec<MilestoneExport>,
    /// Answers kept for requests sent with an `Idempotency-Key` (24 hours).
    pub idempotency_keys: Vec<IdempotencyExport>,
    /// When a wrong password was tried on the account (kept while it
    /// counts against the sign-in limits: 15 minutes).
    pub failed_sign_ins: Vec<DateTime<Utc>>,
    /// Every group the member is in, archived ones too.
    pub groups: Vec<GroupExport>,
    /// Every partnership request and partnership the member is or was on
    /// either side of.
    pub partnerships: Vec<PartnershipExport>,
    /// Every coping strategy the member shared.
    pub strategies: Vec<StrategyExport>,
    /// The strategies the member found helpful.
    pub helpful_marks: Vec<HelpfulExport>,
    /// The member's inbox.
    pub notifications: Vec<super::notifications::NotificationView>,
    /// Pushes owed or made for the inbox items.
    pub pushes: Vec<PushExport>,
    /// The members the member blocked.
    pub blocks: Vec<super::blocks::BlockView>,
    /// Encouragement the member received.
    pub encouragements_received: Vec<super::encouragements::EncouragementView>,
    /// Encouragement the member sent.
    pub encouragements_sent: Vec<super::encouragements::EncouragementView>,
    /// Reports the member filed (the facilitators' notes included).
    pub reports_filed: Vec<ReportExport>,
}

/// A report the member filed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportExport {
    /// Its id.
    pub id: Uuid,
    /// Whom it was about, while their account exists.
    #[schema(required = true)]
    pub member_id: Option<Uuid>,
    /// Why.
    #[schema(value_type = super::reports::ReportReasonName)]
    pub reason: String,
    /// What the member wrote.
    #[schema(required = true)]
    pub detail: Option<String>,
    /// Open or resolved.
    #[schema(value_type = super::reports::ReportStatusName)]
    pub status: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// A push owed for an inbox item.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushExport {
    /// The inbox item.
    pub notification_id: Uuid,
    /// When it is (or was) due.
    pub due_at: DateTime<Utc>,
    /// When it was sent; `null` while it waits.
    #[schema(required = true)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A coping strategy the member shared.
#[derive(Debug, Serialize, ToSchema)]
pub struct StrategyExport {
    /// Its id.
    pub id: Uuid,
    /// The group it was shared with.
    pub group_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its body.
    pub body: String,
    /// When it was shared.
    pub created_at: DateTime<Utc>,
}

/// A strategy the member found helpful.
#[derive(Debug, Serialize, ToSchema)]
pub struct HelpfulExport {
    /// The strategy.
    pub strategy_id: Uuid,
    /// When they marked it.
    pub marked_at: DateTime<Utc>,
}

/// A membership of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupExport {
    /// The group.
    pub group_id: Uuid,
    /// Its name.
    pub name: String,
    /// The member's role in it.
    #[schema(value_type = super::schema::GroupRoleName)]
    pub role: String,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// A partnership, from the member's side.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipExport {
    /// Its id.
    pub id: Uuid,
    /// Where it stands.
    #[schema(value_type = super::partnerships::PartnershipStatusName)]
    pub status: &'static str,
    /// Whether the member asked (`requester`) or was asked (`invitee`).
    #[schema(value_type = super::partnerships::SideName)]
    pub side: &'static str,
    /// The other member's id.
    pub partner_id: Uuid,
    /// The group it was asked in, while it exists.
    #[schema(required = true)]
    pub group_id: Option<Uuid>,
    /// The requester's message.
    #[schema(required = true)]
    pub message: Option<String>,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// When it was answered or taken back.
    #[schema(required = true)]
    pub responded_at: Option<DateTime<Utc>>,
    /// When it ended.
    #[schema(required = true)]
    pub ended_at: Option<DateTime<Utc>>,
}

/// An answer kept for replay.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdempotencyExport {
    /// The key the app sent.
    pub key: String,
    /// The status of the answer.
    pub status: i32,
    /// Its `Location`, if any.
    #[schema(required = true)]
    pub location: Option<String>,
    /// Its body.
    #[schema(value_type = Object)]
    pub answer: serde_json::Value,
    /// When it was first answered.
    pub created_at: DateTime<Utc>,
}

/// A goal, with when it was archived.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalExport {
    /// The goal.
    #[serde(flatten)]
    pub goal: GoalView,
    /// When its owner archived it, if they did.
    #[schema(required = true)]
    pub archived_at: Option<DateTime<Utc>>,
}

/// A check-in, with its goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInExport {
    /// The goal it is for.
    pub goal_id: Uuid,
    /// The check-in.
    #[serde(flatten)]
    pub check_in: CheckInView,
}

/// A milestone, with its goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneExport {
    /// The goal that reached it.
    pub goal_id: Uuid,
    /// The milestone.
    #[serde(flatten)]
    pub milestone: MilestoneView,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A sign-in session, with its refresh tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionExport {
    /// The session's id (access tokens carry it).
    pub id: Uuid,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When its newest refresh token expires.
    pub expires_at: DateTime<Utc>,
    /// When it was ended (sign-out, or a refresh token used twice).
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Its refresh tokens, oldest first (stored only as hashes, which are
    /// left out).
    pub refresh_tokens: Vec<RefreshTokenExport>,
}

/// One refresh token of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefreshTokenExport {
    /// The token's id.
    pub id: Uuid,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for the next one.
    #[schema(required = true)]
    pub spent_at: Option<DateTime<Utc>>,
}

/// The caller's profile.
#[utoipa::path(
    operation_id = "get_me",
    get,
    path = "/v1/me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = MemberView),
        Unauthorized,
    )
)]
pub async fn get(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let member = state.db.run(move |conn| caller.member(conn)).await?;
    Ok(HttpResponse::Ok().json(MemberView::from(&member)))
}

/// Changes the caller's profile.
#[utoipa::path(
    operation_id = "update_me",
    patch,
    path = "/v1/me",
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated profile", body = MemberView),
        BadBody, Unauthorized,
    )
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    Body { body, errors }: Body<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = clock::now();
    let member = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let mut member = caller.member(conn)?;
                let before = member.profile.clone();
                apply(&mut member, body, errors, now.and_utc())?;
                // A change to nothing is no change: the row stays as it was.
                if member.profile != before {
                    member.updated_at = now;
                    members::update(conn, &member)?;
                }
                Ok::<_, ApiError>(member)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(MemberView::from(&member)))
}

/// Checks every field of the update and applies it, or names every bad
/// field and changes nothing.
fn apply(
    member: &mut Member,
    body: UpdateMeRequest,
    mut errors: FieldErrors,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let e = &mut errors;
    let display_name = body
        .display_name
        .change_with(e, "display_name", |raw| DisplayName::parse(&raw));
    let timezone = body
        .timezone
        .change_with(e, "timezone", |raw| TimeZone::parse(&raw));
    let recovery_focus = body
        .recovery_focus
        .change_with(e, "recovery_focus", |list| {
            RecoveryFocus::parse_set(list.iter().map(String::as_str))
        });
    let max_partners = body
        .max_partners
        .change_with(e, "max_partners", |WholeNumber(n)| MaxPartners::parse(n));
    let open_to_partnering = body.open_to_partnering.change(e, "open_to_partnering");
    let willing_to_mentor = body.willing_to_mentor.change(e, "willing_to_mentor");
    let partner_alerts = body.partner_alerts.change(e, "partner_alerts");
    let bio = body
        .bio
        .change_nullable_with(e, "bio", |raw| Bio::parse(&raw))
        .map(Option::flatten);
    let quiet_hours = body
        .quiet_hours
        .change_nullable(e, "quiet_hours")
        .and_then(|window| match window {
            None => Some(None),
            Some(QuietHoursBody { start, end }) => {
                let start =
                    start.required_with(e, "quiet_hours.start", |raw| parse::time_of_day(&raw));
                let end = end.required_with(e, "quiet_hours.end", |raw| parse::time_of_day(&raw));
                start.zip(end).map(|(start, end)| Quiet::new(start, end))
            }
        });
    // "Not in the future" is judged in the time zone the member will have
    // once this update is applied.
    let zone = timezone.unwrap_or(member.profile.timezone);
    let today = now.with_timezone(&zone.tz()).date_naive();
    let recovery_since = body
        .recovery_since
        .change_nullable_with(e, "recovery_since", |raw| {
            parse::date(&raw).map_err(str::to_owned).and_then(|date| {
                RecoverySince::parse(date, today).map_err(|error| error.to_string())
            })
        });
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let profile = &mut member.profile;
    set(&mut profile.display_name, display_name);
    set(&mut profile.timezone, timezone);
    set(&mut profile.bio, bio);
    set(&mut profile.recovery_focus, recovery_focus);
    set(&mut profile.recovery_since, recovery_since);
    set(&mut profile.open_to_partnering, open_to_partnering);
    set(&mut profile.max_partners, max_partners);
    set(&mut profile.willing_to_mentor, willing_to_mentor);
    set(&mut profile.quiet_hours, quiet_hours);
    set(&mut profile.partner_alerts, partner_alerts);
    Ok(())
}

/// Everything stored about the caller, as one JSON document.
#[utoipa::path(
    operation_id = "export_me",
    get,
    path = "/v1/me/export",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Everything stored about the caller", body = ExportView),
        Unauthorized,
    )
)]
pub async fn export(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let now = clock::now();
    let (member, sessions, goals, check_ins, milestones, answers, failed_sign_ins) = state
        .db
        .run(move |conn| {
            let member = caller.member(conn)?;
            let id = member.id;
            Ok::<_, ApiError>((
                member,
                sessions::of_member(conn, id)?,
                goals::all_of_member(conn, id)?,
                check_ins::all_of_member(conn, id)?,
                milestones::all_of_member(conn, id)?,
                idempotency::all_of_member(conn, id, now - KEPT_FOR)?,
                throttles::of_member(conn, id)?,
            ))
        })
        .await?;
    let me = member.id;
    let (memberships, partnerships, shared, marks, inbox, pushes, blocked, (cheers, filed)) = state
        .db
        .run(move |conn| {
            Ok::<_, ApiError>((
                groups::all_of_member(conn, me)?,
                partnerships::all_of_member(conn, me)?,
                strategies::all_of_member(conn, me)?,
                strategies::marks_of_member(conn, me)?,
                notifications::all_of_member(conn, me)?,
                notifications::pushes_of_member(conn, me)?,
                blocks::page(conn, me, None, i64::MAX)?,
                (
                    (
                        encouragements::page(conn, me, false, None, i64::MAX)?,
                        encouragements::page(conn, me, true, None, i64::MAX)?,
                    ),
                    reports::filed_by(conn, me)?,
                ),
            ))
        })
        .await?;
    let inbox = inbox
        .iter()
        .map(super::notifications::NotificationView::try_from)
        .collect::<Result<_, _>>()?;
    let pushes = pushes
        .into_iter()
        .map(|(notification, due_at, sent_at)| {
            Ok(PushExport {
                notification_id: Uuid::parse_str(&notification)
                    .map_err(|_| ApiError::internal("stored notification id is not a UUID"))?,
                due_at: utc(due_at),
                sent_at: sent_at.map(utc),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let marks = marks
        .into_iter()
        .map(|(strategy, marked_at)| {
            Ok(HelpfulExport {
                strategy_id: Uuid::parse_str(&strategy)
                    .map_err(|_| ApiError::internal("stored strategy id is not a UUID"))?,
                marked_at: utc(marked_at),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let memberships = memberships
        .into_iter()
        .map(|(group, name, role, joined_at)| {
            Ok(GroupExport {
                group_id: Uuid::parse_str(&group)
                    .map_err(|_| ApiError::internal("stored group id is not a UUID"))?,
                name,
                role,
                joined_at: utc(joined_at),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let partnerships = partnerships
        .iter()
        .map(|p| PartnershipExport {
            id: p.id,
            status: p.status(now).as_str(),
            side: p.side_of(me).map_or("requester", |side| side.as_str()),
            partner_id: p.other_than(me).as_uuid(),
            group_id: p.group,
            message: p.message.as_ref().map(|m| m.as_str().to_owned()),
            requested_at: utc(p.requested_at),
            responded_at: p.responded_at.map(utc),
            ended_at: p.ended_at.map(utc),
        })
        .collect();
    let milestones = milestones
        .into_iter()
        .map(|row| {
            Ok(MilestoneExport {
                goal_id: Uuid::parse_str(&row.goal_id)
                    .map_err(|_| ApiError::internal("stored goal id is not a UUID"))?,
                recorded_at: utc(row.recorded_at),
                milestone: MilestoneView {
                    metric: row.metric,
                    threshold: row.threshold,
                    reached_on: row.reached_on,
                },
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let id = |raw: &str| {
        Uuid::parse_str(raw).map_err(|_| ApiError::internal("stored session id is not a UUID"))
    };
    let sessions = sessions
        .into_iter()
        .map(|(session, tokens)| {
            Ok(SessionExport {
                id: id(&session.id)?,
                created_at: utc(session.created_at),
                expires_at: utc(session.expires_at),
                revoked_at: session.revoked_at.map(utc),
                refresh_tokens: tokens
                    .into_iter()
                    .map(|token| {
                        Ok(RefreshTokenExport {
                            id: id(&token.id)?,
                            created_at: utc(token.created_at),
                            expires_at: utc(token.expires_at),
                            spent_at: token.spent_at.map(utc),
                        })
                    })
                    .collect::<Result<_, ApiError>>()?,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(HttpResponse::Ok().json(ExportView {
        exported_at: utc(now),
        member: MemberView::from(&member),
        sessions,
        goals: goals
            .iter()
            .map(|goal| GoalExport {
                goal: GoalView::from(goal),
                archived_at: goal.archived_at.map(utc),
            })
            .collect(),
        check_ins: check_ins
            .iter()
            .map(|check_in| CheckInExport {
                goal_id: check_in.goal_id,
                check_in: CheckInView::from(check_in),
            })
            .collect(),
        milestones,
        idempotency_keys: answers
            .into_iter()
            .map(|kept| IdempotencyExport {
                answer: serde_json::from_str(&kept.body)
                    .unwrap_or(serde_json::Value::String(kept.body)),
                key: kept.key,
                status: kept.status,
                location: kept.location,
                created_at: utc(kept.created_at),
            })
            .collect(),
        failed_sign_ins: failed_sign_ins.into_iter().map(utc).collect(),
        groups: memberships,
        partnerships,
        strategies: shared
            .into_iter()
            .map(|strategy| StrategyExport {
                id: strategy.id,
                group_id: strategy.group_id,
                title: strategy.title.as_str().to_owned(),
                body: strategy.body.as_str().to_owned(),
                created_at: utc(strategy.created_at),
            })
            .collect(),
        helpful_marks: marks,
        notifications: inbox,
        pushes,
        blocks: blocked.iter().map(super::blocks::BlockView::from).collect(),
        encouragements_received: cheers
            .0
            .iter()
            .map(super::encouragements::EncouragementView::try_from)
            .collect::<Result<_, _>>()?,
        encouragements_sent: cheers
            .1
            .iter()
            .map(super::encouragements::EncouragementView::try_from)
            .collect::<Result<_, _>>()?,
        reports_filed: filed
            .into_iter()
            .map(|report| {
                let id = |raw: &str| {
                    Uuid::parse_str(raw).map_err(|_| ApiError::internal("stored id is not a UUID"))
                };
                Ok(ReportExport {
                    id: id(&report.id)?,
                    member_id: report.reported.as_deref().map(id).transpose()?,
                    reason: report.reason,
                    detail: report.detail,
                    status: report.status,
                    created_at: utc(report.created_at),
                })
            })
            .collect::<Result<_, ApiError>>()?,
    }))
}

/// Erases the caller's account and everything that belongs to it. There is
/// no undo.
#[utoipa::path(
    operation_id = "delete_me",
    delete,
    path = "/v1/me",
    tag = "me",
    security(("bearer" = [])),
    request_body = DeleteMeRequest,
    responses(
        (status = 204, description = "Erased"),
        (status = 403, description = "The password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        BadBody, Unauthorized,
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    ClientIp(address): ClientIp,
    Body { body, mut errors }: Body<DeleteMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let password = body
        .password
        .required_with(&mut errors, "password", password_input);
    let password = errors.into_result(|| password)?;
    // A wrong password here is a guess like one at login, and counts so.
    let limits = state.limits;
    let now = clock::now();
    let (member, attempt) = state
        .db
        .run(move |conn| {
            let member = caller.member(conn)?;
            let limits = limits.password(&member.email, Some(member.id), address);
            let attempt = throttles::take(conn, &limits, now)?;
            Ok::<_, ApiError>((member, attempt))
        })
        .await?;
    attempt?;
    if !state
        .hasher
        .verify(password, Some(member.password_hash))
        .await?
    {
        return Err(ApiError::Forbidden(
            "The password is wrong; nothing was erased.",
        ));
    }
    let id = member.id;
    state
        .db
        .run(move |conn| {
            // The session may have ended while the password was hashed.
            db::write(conn, |conn| {
                caller.verify(conn)?;
                // Their groups go on without them; their posts, marks and
                // partnerships go with the account (ON DELETE CASCADE).
                groups::hand_over(conn, id)?;
                // Answers kept for others' retries may name the member.
                idempotency::forget_mentions(conn, id)?;
                Ok::<_, ApiError>(members::delete(conn, id)?)
            })
        })
        .await?;
    tracing::info!("a member erased their account");
    Ok(HttpResponse::NoContent().finish())
}
