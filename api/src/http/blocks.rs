//! Blocks: a member keeps another away, silently. A block ends any
//! partnership between the two and cancels requests both ways, hides each
//! from the other's suggestions and pairings, and refuses requests between
//! them with the answer a stranger gets. The blocked member is never told,
//! and no answer to them says "blocked".

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
    partnerships::lock_both,
    views::utc,
};
use crate::{
    clock,
    db::{self, DbConn, blocks, blocks::Block, groups, members, notifications, partnerships},
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::MemberId;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Whom to block.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockRequest {
    /// A member who shares a group with the caller, or has had a
    /// partnership or request with them.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub member_id: Field<String>,
}

/// A block the caller made.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockView {
    /// The blocked member.
    pub member_id: Uuid,
    /// Their display name.
    pub display_name: String,
    /// When the caller blocked them.
    pub created_at: DateTime<Utc>,
}

impl From<&Block> for BlockView {
    fn from(block: &Block) -> Self {
        Self {
            member_id: block.blocked.as_uuid(),
            display_name: block.name.as_str().to_owned(),
            created_at: utc(block.created_at),
        }
    }
}

/// A page of blocks.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlocksQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the blocks after this member id.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// Whether `a` may block `b`: they share a group, or have had a
/// partnership or request. Anyone else is a stranger.
fn knows(conn: &mut DbConn, a: MemberId, b: MemberId) -> Result<bool, ApiError> {
    Ok(!groups::shared(conn, a, b)?.is_empty() || partnerships::any_between(conn, a, b)?)
}

/// Blocks a member. Blocking again changes nothing.
#[utoipa::path(
    operation_id = "block_member",
    post,
    path = "/v1/blocks",
    tag = "safety",
    security(("bearer" = [])),
    params(IdempotencyHeader),
    request_body = BlockRequest,
    responses(
        (status = 200, description = "Blocked already: the block as it stands", body = BlockView),
        (status = 201, description = "Blocked (or, for a repeated Idempotency-Key, blocked before)", body = BlockView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"))),
        (status = 404, description = "Nobody the caller shares or shared a group or partnership with", body = Problem, content_type = "application/problem+json"),
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
    }: Fingerprinted<BlockRequest>,
) -> Result<HttpResponse, ApiError> {
    let target = body
        .member_id
        .required_with(&mut errors, "member_id", |raw| {
            Uuid::parse_str(&raw)
                .map(MemberId::from_uuid)
                .map_err(|_| "must be a member id")
        });
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
                let target = errors.into_result(|| target)?;
                if !knows(conn, me, target)? {
                    return Err(ApiError::NotFound);
                }
                // Both rows, in one order: a request or an accept by the
                // other in flight finishes first and is then closed here.
                lock_both(conn, me, target)?;
                let fresh = blocks::insert(conn, me, target, now)?;
                partnerships::close_between(conn, me, target, me, now)?;
                notifications::unqueue_between(conn, me, &partnerships::pair_key(me, target))?;
                let block = blocks::page(conn, me, None, i64::MAX)?
                    .into_iter()
                    .find(|block| block.blocked == target)
                    .ok_or_else(|| ApiError::internal("block missing after insert"))?;
                // Blocking again answers the block as it stands.
                let status = if fresh {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (status, None, &BlockView::from(&block)),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// The members the caller blocked.
#[utoipa::path(
    operation_id = "list_blocks",
    get,
    path = "/v1/blocks",
    tag = "safety",
    security(("bearer" = [])),
    params(BlocksQuery),
    responses(
        (status = 200, description = "A page of blocks", body = Page<BlockView>),
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<BlocksQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, |raw| {
        Uuid::parse_str(raw).map(MemberId::from_uuid)
    });
    errors.into_result(|| Some(()))?;
    let items = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            Ok::<_, ApiError>(blocks::page(conn, me, after, limit + 1)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |block| block.blocked.to_string(),
        |block| BlockView::from(block),
    )))
}

/// Lifts a block. What it ended stays ended.
#[utoipa::path(
    operation_id = "unblock_member",
    delete,
    path = "/v1/blocks/{member_id}",
    tag = "safety",
    security(("bearer" = [])),
    params(("member_id" = Uuid, Path, description = "The blocked member")),
    responses(
        (status = 204, description = "No longer blocked"),
        (status = 404, description = "The caller has not blocked this member", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    member_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let target = MemberId::from_uuid(path_id(&member_id)?);
    state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            if db::write_one(conn, |conn| blocks::delete(conn, me, target))? {
                Ok(())
            } else {
                Err(ApiError::NotFound)
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
