//! Encouragement between active partners: a cheer, a nudge (one a day), a
//! message (30 a day), optionally about one of the recipient's shared
//! goals; and the lists of what a member received and sent.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, Unauthorized},
    },
    extract::Caller,
    field::Field,
    groups::path_id,
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted},
    page::{self, Page},
    partnerships::PartnerView,
    views::utc,
};
use crate::{
    clock,
    db::{
        self, encouragements,
        encouragements::{Listed, NewEncouragement},
        goals,
        notifications::{Notice, notify},
        partnerships,
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{EncouragementKind, NotificationKind, encouragement_text, until_next_day};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    EncouragementKindName,
    "EncouragementKind",
    "cheer; nudge (at most one a day to a partner); message (text required; at most 30 a day to a partner).",
    EncouragementKind::ALL.iter().map(|kind| kind.as_str())
);

/// An encouragement to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncouragementRequest {
    /// What kind.
    #[serde(default)]
    #[schema(value_type = EncouragementKindName, required = true)]
    pub kind: Field<String>,
    /// One of the partner's goals shared with partners, if it is about one.
    #[serde(default)]
    #[schema(value_type = Option<Uuid>)]
    pub goal_id: Field<String>,
    /// A message's words (1 to 500 characters); none for a cheer or a nudge.
    #[serde(default)]
    #[schema(schema_with = super::schema::partner_message)]
    pub text: Field<String>,
}

/// The goal an encouragement is about, while it is still shared.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GoalRef {
    /// Its id.
    pub id: Uuid,
    /// Its title.
    pub title: String,
}

/// An encouragement as one side sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EncouragementView {
    /// Its id.
    pub id: Uuid,
    /// The partnership it was sent in.
    pub partnership_id: Uuid,
    /// The other member: the sender of one received, the recipient of one
    /// sent.
    pub partner: PartnerView,
    /// What kind.
    #[schema(value_type = EncouragementKindName)]
    pub kind: String,
    /// The goal, while its owner shares it; `null` otherwise.
    #[schema(required = true)]
    pub goal: Option<GoalRef>,
    /// A message's words.
    #[schema(required = true)]
    pub text: Option<String>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<&Listed> for EncouragementView {
    type Error = ApiError;

    fn try_from(listed: &Listed) -> Result<Self, ApiError> {
        let id = |raw: &str| {
            Uuid::parse_str(raw).map_err(|_| ApiError::internal("stored id is not a UUID"))
        };
        Ok(Self {
            id: id(&listed.id)?,
            partnership_id: id(&listed.partnership_id)?,
            partner: PartnerView {
                member_id: id(&listed.other_id)?,
                display_name: listed.other_name.clone(),
            },
            kind: listed.kind.clone(),
            goal: listed
                .goal
                .as_ref()
                .map(|(goal, title)| {
                    Ok::<_, ApiError>(GoalRef {
                        id: id(goal)?,
                        title: title.clone(),
                    })
                })
                .transpose()?,
            text: listed.text.clone(),
            created_at: utc(listed.created_at),
        })
    }
}

/// Sends a partner encouragement. Over a daily limit (one nudge, 30
/// messages, counted in the sender's day), 429 with `Retry-After` until the
/// sender's next day begins.
#[utoipa::path(
    operation_id = "send_encouragement",
    post,
    path = "/v1/partnerships/{id}/encouragements",
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "An active partnership of the caller's"), IdempotencyHeader),
    request_body = EncouragementRequest,
    responses(
        (status = 201, description = "Sent (or, for a repeated Idempotency-Key, sent before)", body = EncouragementView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"))),
        (status = 404, description = "No active partnership of the caller's, or no shared goal of the partner's", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the day's limit for this kind", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds until the sender's next day begins"))),
        BadBody, Unauthorized,
    )
)]
pub async fn send(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    key: IdempotencyKey,
    Fingerprinted {
        body: Body { body, mut errors },
        fingerprint,
    }: Fingerprinted<EncouragementRequest>,
) -> Result<HttpResponse, ApiError> {
    let partnership_id = path_id(&id)?;
    let e = &mut errors;
    let kind = body
        .kind
        .required_with(e, "kind", |raw| raw.parse::<EncouragementKind>());
    let goal = body.goal_id.optional_with(e, "goal_id", |raw| {
        Uuid::parse_str(&raw).map_err(|_| "must be a goal id")
    });
    let raw_text = body.text.optional(e, "text");
    let text = match (kind, raw_text) {
        (Some(kind), Some(raw)) => errors.check("text", encouragement_text(kind, raw.as_deref())),
        _ => None,
    };
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let me = caller.member(conn)?;
                let (partnership, _) = partnerships::find_for(conn, partnership_id, me.id)?
                    .ok_or(ApiError::NotFound)?;
                // Active, and locked: the day's count and this send agree,
                // and a retry with the same key meets the first one's answer.
                if !partnerships::lock_active(conn, partnership.id)? {
                    return Err(ApiError::NotFound);
                }
                if let Some(answer) = idempotency::recall(conn, me.id, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                let partner = partnership.other_than(me.id);
                let (kind, goal, text) = errors.into_result(|| Some((kind?, goal?, text?)))?;
                if let Some(goal) = goal
                    && !goals::is_shared_by(conn, goal, partner)?
                {
                    return Err(ApiError::NotFound);
                }
                let today = me.profile.timezone.today(now.and_utc());
                if let Some(limit) = kind.daily_limit()
                    && encouragements::count_on(conn, partnership.id, me.id, kind, today)?
                        >= i64::from(limit)
                {
                    let wait = until_next_day(me.profile.timezone, now.and_utc());
                    return Err(ApiError::TooManyRequests {
                        retry_after: u64::try_from(wait.num_seconds()).unwrap_or(1).max(1),
                    });
                }
                let new = NewEncouragement {
                    id: Uuid::now_v7(),
                    partnership: partnership.id,
                    sender: me.id,
                    recipient: partner,
                    kind,
                    goal,
                    text: text.map(|text| text.as_str().to_owned()),
                    sender_day: today,
                    created_at: now,
                };
                encouragements::insert(conn, &new)?;
                notify(
                    conn,
                    &[Notice {
                        member: partner,
                        kind: NotificationKind::Encouragement,
                        partnership: Some(partnership.id),
                        goal,
                        group: None,
                    }],
                    now,
                )?;
                let shown = encouragements::page(conn, me.id, true, None, 1)?;
                let view = shown
                    .first()
                    .map(EncouragementView::try_from)
                    .transpose()?
                    .ok_or_else(|| ApiError::internal("encouragement missing after insert"))?;
                idempotency::answer(
                    conn,
                    me.id,
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

/// Which list, and a page of it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EncouragementsQuery {
    /// `received` (the default) or `sent`.
    #[param(value_type = Option<String>, pattern = "^(received|sent)$")]
    pub direction: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the items older than this one.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// Encouragement the caller received (or, with `direction=sent`, sent),
/// newest first.
#[utoipa::path(
    operation_id = "list_encouragements",
    get,
    path = "/v1/me/encouragements",
    tag = "me",
    security(("bearer" = [])),
    params(EncouragementsQuery),
    responses(
        (status = 200, description = "A page of encouragements", body = Page<EncouragementView>),
        (status = 422, description = "A bad direction, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EncouragementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let sent = match query.direction.as_deref() {
        None | Some("received") => false,
        Some("sent") => true,
        Some(_) => {
            errors.add("direction", "must be received or sent");
            false
        }
    };
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let before = page::cursor(query.cursor.as_deref(), &mut errors, Uuid::parse_str);
    errors.into_result(|| Some(()))?;
    let items = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            Ok::<_, ApiError>(encouragements::page(conn, me, sent, before, limit + 1)?)
        })
        .await?;
    let views = items
        .iter()
        .map(EncouragementView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(page::page(
        views,
        limit,
        |view| view.id.to_string(),
        EncouragementView::clone,
    )))
}
