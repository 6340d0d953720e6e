//! Accountability partnerships: a request between two members who share a
//! group, answered by the invitee, ended by either side without a reason;
//! and what an active partner sees: the goals shared with partners.
//! Anything of a partnership the caller is not on is a 404.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    field::Field,
    goals::CadenceView,
    groups::path_id,
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted},
    page::{self, Page},
    progress::ProgressView,
    schema::GoalKindName,
    views::utc,
};
use crate::{
    clock,
    db::{
        self, DbConn, DbError, blocks, check_ins, goals, groups, members,
        notifications::{Notice, notify},
        partnerships::{self, Partnership},
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{
    DisplayName, MemberId, NotificationKind, PartnerMessage,
    partners::{Agreed, PartnershipAction, PartnershipStatus, Side, TransitionError, respond},
    progress,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    PartnershipStatusName,
    "PartnershipStatus",
    "pending: asked, not yet answered; active; declined (by the invitee); cancelled (by the requester); ended (by either side); expired (not answered in 30 days).",
    PartnershipStatus::ALL.iter().map(|status| status.as_str())
);
super::schema::names!(
    SideName,
    "PartnershipSide",
    "requester: the caller asked; invitee: the caller was asked.",
    ["requester", "invitee"]
);

/// A request to partner up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipRequest {
    /// Whom to ask: a member of the group named.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub member_id: Field<String>,
    /// A group both are in.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub group_id: Field<String>,
    /// A few words for them.
    #[serde(default)]
    #[schema(schema_with = super::schema::partner_message)]
    pub message: Field<String>,
}

/// The other side of a partnership.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerView {
    /// Their member id.
    pub member_id: Uuid,
    /// The name they chose.
    pub display_name: String,
}

/// A partnership as one of its two members sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipView {
    /// Its id.
    pub id: Uuid,
    /// Where it stands.
    #[schema(value_type = PartnershipStatusName)]
    pub status: &'static str,
    /// Which side the caller is on.
    #[schema(value_type = SideName)]
    pub side: &'static str,
    /// The other member.
    pub partner: PartnerView,
    /// The group they shared when it was asked for, while it exists.
    #[schema(required = true)]
    pub group_id: Option<Uuid>,
    /// Whether the caller has said yes: true for a request they made,
    /// false for one made to them until they accept. A facilitator's
    /// pairing asks both, so it starts false for both.
    pub you_accepted: bool,
    /// Whether the other member has said yes.
    pub partner_accepted: bool,
    /// What the requester wrote.
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

impl PartnershipView {
    fn new(
        partnership: &Partnership,
        partner: &DisplayName,
        me: MemberId,
        now: NaiveDateTime,
    ) -> Self {
        let side = partnership.side_of(me).unwrap_or(Side::Requester);
        let (mine, theirs) = match side {
            Side::Requester => (partnership.agreed.requester, partnership.agreed.invitee),
            Side::Invitee => (partnership.agreed.invitee, partnership.agreed.requester),
        };
        let accepted = partnership.status(now) == PartnershipStatus::Active;
        Self {
            id: partnership.id,
            status: partnership.status(now).as_str(),
            side: side.as_str(),
            partner: PartnerView {
                member_id: partnership.other_than(me).as_uuid(),
                display_name: partner.as_str().to_owned(),
            },
            group_id: partnership.group,
            you_accepted: accepted || mine,
            partner_accepted: accepted || theirs,
            message: partnership
                .message
                .as_ref()
                .map(|message| message.as_str().to_owned()),
            requested_at: utc(partnership.requested_at),
            responded_at: partnership.responded_at.map(utc),
            ended_at: partnership.ended_at.map(utc),
        }
    }
}

/// Which partnerships, and a page of them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only those in this status; all when left out.
    #[param(value_type = Option<PartnershipStatusName>)]
    pub status: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the partnerships older than this.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// A member id in a body, named as the field when it does not parse.
fn member_id(raw: String) -> Result<MemberId, &'static str> {
    Uuid::parse_str(&raw)
        .map(MemberId::from_uuid)
        .map_err(|_| "must be a member id")
}

/// Asks a member of a group the caller is in to be their accountability
/// partner. A pair has at most one open (pending or active) partnership.
#[utoipa::path(
    operation_id = "request_partnership",
    post,
    path = "/v1/partnerships",
    tag = "partners",
    security(("bearer" = [])),
    params(IdempotencyHeader),
    request_body = PartnershipRequest,
    responses(
        (status = 201, description = "Asked (or, for a repeated Idempotency-Key, asked before)", body = PartnershipView,
            headers(
                ("Location" = String, description = "The request"),
                ("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"),
            )),
        (status = 404, description = "No such member in a group the caller is in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The pair has an open request or partnership, or the member is not open to partnering", body = Problem, content_type = "application/problem+json"),
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
    }: Fingerprinted<PartnershipRequest>,
) -> Result<HttpResponse, ApiError> {
    let e = &mut errors;
    let target = body.member_id.required_with(e, "member_id", member_id);
    let group = body.group_id.required_with(e, "group_id", |raw| {
        Uuid::parse_str(&raw).map_err(|_| "must be a group id")
    });
    let message = body
        .message
        .optional_with(e, "message", |raw| PartnerMessage::parse(&raw))
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
                let mut errors = errors;
                if target == Some(me) {
                    errors.add("member_id", "is you; ask another member");
                }
                let (target, group, message) =
                    errors.into_result(|| Some((target?, group?, message?)))?;
                // Both in the group, or the caller sees nobody there.
                if groups::membership(conn, group, me)?.is_none()
                    || groups::membership(conn, group, target)?.is_none()
                {
                    return Err(ApiError::NotFound);
                }
                // Both rows locked, in one order, before the block check:
                // a block made meanwhile by the other waits for this
                // request (and then closes it) or is seen here.
                lock_both(conn, me, target)?;
                // Blocked either way: the answer a stranger gets.
                if blocks::between(conn, me, target)? {
                    return Err(ApiError::NotFound);
                }
                let invitee = members::find(conn, target)?.ok_or(ApiError::NotFound)?;
                if !invitee.profile.open_to_partnering {
                    return Err(ApiError::Conflict(
                        "This member is not open to partnering right now.",
                    ));
                }
                if partnerships::recently_closed_by(conn, me, target, target, now)? {
                    return Err(ApiError::Conflict(
                        "This member can't be asked again yet; give it time.",
                    ));
                }
                let me_now = members::find(conn, me)?.ok_or(ApiError::TOKEN_INVALID)?;
                let places = partnerships::open_of(conn, me)?
                    .iter()
                    .filter(|p| p.holds_place_of(me, now))
                    .count();
                if places >= usize::from(me_now.profile.max_partners.get()) {
                    return Err(ApiError::Conflict(
                        "You have as many partners and open requests as your max_partners allows; raise it, or cancel a request first.",
                    ));
                }
                partnerships::expire_stale(conn, me, target, now)?;
                let partnership = Partnership {
                    id: Uuid::now_v7(),
                    requester: me,
                    invitee: target,
                    group: Some(group),
                    message,
                    stored_status: PartnershipStatus::Pending,
                    agreed: Agreed::REQUEST,
                    closed_by: None,
                    requested_at: now,
                    responded_at: None,
                    ended_at: None,
                };
                match partnerships::create(conn, &partnership) {
                    Ok(()) => {}
                    Err(DbError::Duplicate) => {
                        return Err(ApiError::Conflict(
                            "You already have an open request or partnership with this member.",
                        ));
                    }
                    Err(other) => return Err(other.into()),
                }
                notify(
                    conn,
                    &[Notice {
                        member: target,
                        kind: NotificationKind::PartnershipRequest,
                        partnership: Some(partnership.id),
                        goal: None,
                        group: Some(group),
                    }],
                    now,
                )?;
                let view =
                    PartnershipView::new(&partnership, &invitee.profile.display_name, me, now);
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (
                        StatusCode::CREATED,
                        Some(format!("/v1/partnerships/{}", partnership.id)),
                        &view,
                    ),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// The caller's partnerships, newest first.
#[utoipa::path(
    operation_id = "list_partnerships",
    get,
    path = "/v1/partnerships",
    tag = "partners",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of partnerships", body = Page<PartnershipView>),
        (status = 422, description = "A bad status, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let status = match query.status.as_deref() {
        None => None,
        Some(raw) => errors.check("status", raw.parse::<PartnershipStatus>()),
    };
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let before = page::cursor(query.cursor.as_deref(), &mut errors, Uuid::parse_str);
    errors.into_result(|| Some(()))?;
    let now = clock::now();
    let (me, items) = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            let items = partnerships::list_for(conn, me, status, now, before, limit + 1)?;
            Ok::<_, ApiError>((me, items))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |(partnership, _)| partnership.id.to_string(),
        |(partnership, name)| PartnershipView::new(partnership, name, me, now),
    )))
}

/// One of the caller's partnerships (what a request's `Location` names).
#[utoipa::path(
    operation_id = "get_partnership",
    get,
    path = "/v1/partnerships/{id}",
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partnership")),
    responses(
        (status = 200, description = "The partnership", body = PartnershipView),
        Unauthorized, NotFound,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let now = clock::now();
    let (me, partnership, name) = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            let (partnership, name) =
                partnerships::find_for(conn, id, me)?.ok_or(ApiError::NotFound)?;
            Ok::<_, ApiError>((me, partnership, name))
        })
        .await?;
    Ok(HttpResponse::Ok().json(PartnershipView::new(&partnership, &name, me, now)))
}

/// Why a move of a partnership is refused: 403 for a move that is the
/// other side's to make, 409 for one the partnership's state does not
/// allow.
fn refused(error: TransitionError) -> ApiError {
    match error {
        TransitionError::OnlyInviteeAccepts => {
            ApiError::Forbidden("Only the invited member can accept a request.")
        }
        TransitionError::OnlyInviteeDeclines => {
            ApiError::Forbidden("Only the invited member can decline a request.")
        }
        TransitionError::OnlyRequesterCancels => ApiError::Forbidden(
            "Only the member who sent a request can cancel it; the invited member can decline it.",
        ),
        TransitionError::Expired => {
            ApiError::Conflict("This request went unanswered for 30 days and has expired.")
        }
        TransitionError::NotPending => {
            ApiError::Conflict("This request was already answered or taken back.")
        }
        TransitionError::NotActive => ApiError::Conflict(
            "This partnership is not active; a pending request is cancelled or declined, not ended.",
        ),
    }
}

/// Moves a partnership the caller is on by `action`, within the checks the
/// move needs; answers the partnership as it then stands.
async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: &str,
    action: PartnershipAction,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(id)?;
    let now = clock::now();
    let (me, partnership, name) = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let me = caller.verify(conn)?;
                let (partnership, _) =
                    partnerships::find_for(conn, id, me)?.ok_or(ApiError::NotFound)?;
                let side = partnership.side_of(me).ok_or(ApiError::NotFound)?;
                let from = partnership.status(now);
                let to = respond(from, side, action, partnership.agreed).map_err(refused)?;
                if to.0 == PartnershipStatus::Active {
                    check_capacity(conn, &partnership)?;
                    // Locked by the capacity check: a block made meanwhile
                    // has closed this or is seen here.
                    if blocks::between(conn, partnership.requester, partnership.invitee)? {
                        return Err(ApiError::NotFound);
                    }
                }
                // From the status as stored: an expired request is refused
                // above, so what is stored here is what was read.
                if !partnerships::transition(conn, &partnership, from, to, me, now)? {
                    return Err(ApiError::Conflict(
                        "This partnership changed meanwhile; look at it again.",
                    ));
                }
                if to.0 == PartnershipStatus::Active {
                    // The other side said yes first (or asked): they hear of it.
                    notify(
                        conn,
                        &[Notice {
                            member: partnership.other_than(me),
                            kind: NotificationKind::PartnershipAccepted,
                            partnership: Some(partnership.id),
                            goal: None,
                            group: None,
                        }],
                        now,
                    )?;
                }
                let (partnership, name) =
                    partnerships::find_for(conn, id, me)?.ok_or(ApiError::NotFound)?;
                Ok::<_, ApiError>((me, partnership, name))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(PartnershipView::new(&partnership, &name, me, now)))
}

/// Refuses an accept that would give either side more active partners than
/// they want. Both members' rows are locked first, in one order, so two
/// accepts racing for one member's last place meet one after the other.
fn check_capacity(conn: &mut DbConn, partnership: &Partnership) -> Result<(), ApiError> {
    lock_both(conn, partnership.requester, partnership.invitee)?;
    for (member, full) in [
        (
            partnership.invitee,
            "You have as many active partners as your profile's max_partners allows; raise it or end a partnership first.",
        ),
        (
            partnership.requester,
            "This member has all the partners they want right now.",
        ),
    ] {
        let wanted = members::find(conn, member)?
            .ok_or(ApiError::NotFound)?
            .profile
            .max_partners
            .get();
        if partnerships::count_active(conn, member)? >= i64::from(wanted) {
            return Err(ApiError::Conflict(full));
        }
    }
    Ok(())
}

/// Locks both members' rows, in one order so that two requests locking
/// the same pair cannot deadlock. (`members::lock` of a row already locked
/// by this transaction passes at once.)
pub fn lock_both(conn: &mut DbConn, a: MemberId, b: MemberId) -> Result<(), ApiError> {
    let mut both = [a, b];
    both.sort_by_key(|member| member.to_string());
    for member in both {
        members::lock(conn, member)?;
    }
    Ok(())
}

macro_rules! lifecycle {
    ($name:ident, $operation:literal, $path:literal, $action:expr, $doc:literal, $conflict:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            operation_id = $operation,
            post,
            path = $path,
            tag = "partners",
            security(("bearer" = [])),
            params(("id" = Uuid, Path, description = "The partnership")),
            responses(
                (status = 200, description = "The partnership as it now stands", body = PartnershipView),
                (status = 403, description = "The move is the other side's to make", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $conflict, body = Problem, content_type = "application/problem+json"),
                Unauthorized, NotFound,
            )
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            act(state, caller, &id, $action).await
        }
    };
}

lifecycle!(
    accept,
    "accept_partnership",
    "/v1/partnerships/{id}/accept",
    PartnershipAction::Accept,
    "The invitee accepts a pending request; both sides must have room for another partner.",
    "Not a pending request to the caller, or either side has all the partners they want"
);
lifecycle!(
    decline,
    "decline_partnership",
    "/v1/partnerships/{id}/decline",
    PartnershipAction::Decline,
    "The invitee declines a pending request. The requester sees it declined, with no reason.",
    "Not a pending request to the caller"
);
lifecycle!(
    cancel,
    "cancel_partnership",
    "/v1/partnerships/{id}/cancel",
    PartnershipAction::Cancel,
    "The requester takes back a pending request.",
    "Not a pending request of the caller's"
);
lifecycle!(
    end,
    "end_partnership",
    "/v1/partnerships/{id}/end",
    PartnershipAction::End,
    "Either side ends an active partnership, at once and without a reason: every view it gave stops with it.",
    "Not an active partnership"
);

/// A day of a shared goal, as a partner sees it: how it went, and the note
/// only if its owner shared it. Never a mood, never a private note.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedDayView {
    /// The owner's local date.
    pub date: NaiveDate,
    /// How the day went.
    #[schema(value_type = super::schema::CheckInStatusName)]
    pub status: &'static str,
    /// The note, when its owner shared it.
    #[schema(required = true)]
    pub note: Option<String>,
}

/// A goal shared with partners.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedGoalView {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
    /// Build or quit.
    #[schema(value_type = GoalKindName)]
    pub kind: &'static str,
    /// How often it is due.
    pub cadence: CadenceView,
    /// Its progress, computed as for its owner (the last 14 days charted).
    pub progress: ProgressView,
    /// The last 14 days' check-ins, oldest first.
    pub check_ins: Vec<SharedDayView>,
}

/// What an active partner sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerProgressView {
    /// The partner.
    pub partner: PartnerView,
    /// Their goals shared with partners, oldest first.
    pub goals: Vec<SharedGoalView>,
}

/// Days of check-ins and chart a partner sees.
const SHARED_DAYS: u32 = 14;

/// An active partner's goals shared with partners, with their progress and
/// the last 14 days: statuses and shared notes only.
#[utoipa::path(
    operation_id = "get_partner_progress",
    get,
    path = "/v1/partnerships/{id}/progress",
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The partnership")),
    responses(
        (status = 200, description = "The partner's shared goals", body = PartnerProgressView),
        (status = 404, description = "No active partnership of the caller's with this id", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn progress(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let now = clock::now();
    let view = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            let (partnership, name) =
                partnerships::find_for(conn, id, me)?.ok_or(ApiError::NotFound)?;
            if partnership.status(now) != PartnershipStatus::Active {
                return Err(ApiError::NotFound);
            }
            let partner = partnership.other_than(me);
            let owner = members::find(conn, partner)?.ok_or(ApiError::NotFound)?;
            // The owner's today: the same numbers the owner sees.
            let today = owner.profile.timezone.today(now.and_utc());
            let shared = goals::shared_with_history(conn, partner)?;
            let from = today - Days::new(u64::from(SHARED_DAYS) - 1);
            let ids: Vec<Uuid> = shared.iter().map(|(goal, _)| goal.id).collect();
            let recent = check_ins::recent_of_goals(conn, &ids, from)?;
            let goals = shared
                .into_iter()
                .map(|(goal, history)| {
                    let computed =
                        progress::progress(&goal.schedule(), &history, today, SHARED_DAYS);
                    SharedGoalView {
                        id: goal.id,
                        title: goal.title.as_str().to_owned(),
                        kind: goal.kind.as_str(),
                        cadence: goal.cadence.into(),
                        progress: ProgressView::new(goal.id, today, computed),
                        check_ins: recent
                            .iter()
                            .filter(|check_in| check_in.goal_id == goal.id && check_in.day <= today)
                            .map(|check_in| SharedDayView {
                                date: check_in.day,
                                status: check_in.status.as_str(),
                                note: check_in
                                    .note
                                    .as_ref()
                                    .filter(|_| check_in.note_shared)
                                    .map(|note| note.as_str().to_owned()),
                            })
                            .collect(),
                    }
                })
                .collect();
            Ok::<_, ApiError>(PartnerProgressView {
                partner: PartnerView {
                    member_id: partner.as_uuid(),
                    display_name: name.as_str().to_owned(),
                },
                goals,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
