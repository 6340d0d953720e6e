//! The coping strategies board of a group: members share what helps them,
//! mark what helped them in turn, and see the most helpful first. Only the
//! group's members see it.

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
    views::utc,
};
use crate::{
    clock,
    db::{
        self, DbConn,
        strategies::{self, After, Shown, Strategy},
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{GroupRole, MemberId, StrategyBody, StrategyTitle};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A strategy to share.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyRequest {
    /// What it is, in a line.
    #[serde(default)]
    #[schema(schema_with = super::schema::strategy_title, required = true)]
    pub title: Field<String>,
    /// How it helps, in the member's words.
    #[serde(default)]
    #[schema(schema_with = super::schema::strategy_body, required = true)]
    pub body: Field<String>,
}

/// Who shared a strategy.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    /// Their member id.
    pub member_id: Uuid,
    /// The name they chose.
    pub display_name: String,
}

/// A strategy on the board, as one member sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StrategyView {
    /// Its id.
    pub id: Uuid,
    /// The group it was shared with.
    pub group_id: Uuid,
    /// What it is.
    pub title: String,
    /// How it helps.
    pub body: String,
    /// Who shared it.
    pub author: AuthorView,
    /// How many members found it helpful.
    pub helpful_count: i64,
    /// Whether the caller found it helpful.
    pub helped_me: bool,
    /// When it was shared.
    pub created_at: DateTime<Utc>,
}

impl From<&Shown> for StrategyView {
    fn from(shown: &Shown) -> Self {
        let strategy = &shown.strategy;
        Self {
            id: strategy.id,
            group_id: strategy.group_id,
            title: strategy.title.as_str().to_owned(),
            body: strategy.body.as_str().to_owned(),
            author: AuthorView {
                member_id: strategy.author.as_uuid(),
                display_name: shown.author_name.as_str().to_owned(),
            },
            helpful_count: shown.helpful,
            helped_me: shown.helped_me,
            created_at: utc(strategy.created_at),
        }
    }
}

/// A page of the board.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{1,18}~[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub cursor: Option<String>,
}

/// A board cursor: the helpful count and id of the last strategy shown.
fn board_cursor(raw: &str) -> Result<After, &'static str> {
    let (count, id) = raw
        .split_once('~')
        .ok_or("is not a cursor this list gave")?;
    Ok(After {
        helpful: count
            .parse()
            .map_err(|_| "is not a cursor this list gave")?,
        id: Uuid::parse_str(id).map_err(|_| "is not a cursor this list gave")?,
    })
}

/// The strategy and the caller's membership of its group: 404 for anyone
/// not in the group.
fn strategy_for(
    conn: &mut DbConn,
    caller: &Caller,
    id: Uuid,
) -> Result<(MemberId, GroupRole, Shown), ApiError> {
    let me = caller.verify(conn)?;
    let shown = strategies::shown(conn, id, me)?.ok_or(ApiError::NotFound)?;
    let membership =
        db::groups::membership(conn, shown.strategy.group_id, me)?.ok_or(ApiError::NotFound)?;
    Ok((me, membership.role, shown))
}

/// The group's board: most helpful first, then newest.
#[utoipa::path(
    operation_id = "list_strategies",
    get,
    path = "/v1/groups/{id}/strategies",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group"), BoardQuery),
    responses(
        (status = 200, description = "A page of the board", body = Page<StrategyView>),
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse, ApiError> {
    let group = path_id(&id)?;
    let mut errors = FieldErrors::new();
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, board_cursor);
    let items = state
        .db
        .run(move |conn| {
            let (me, _) = membership_of(conn, &caller, group)?;
            errors.into_result(|| Some(()))?;
            Ok::<_, ApiError>(strategies::board(
                conn,
                Some(group),
                None,
                me,
                after,
                limit + 1,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |shown| format!("{}~{}", shown.helpful, shown.strategy.id),
        |shown| StrategyView::from(shown),
    )))
}

/// Shares a strategy with the group.
#[utoipa::path(
    operation_id = "create_strategy",
    post,
    path = "/v1/groups/{id}/strategies",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group"), IdempotencyHeader),
    request_body = StrategyRequest,
    responses(
        (status = 201, description = "Shared (or, for a repeated Idempotency-Key, shared before)", body = StrategyView,
            headers(
                ("Location" = String, description = "The strategy"),
                ("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"),
            )),
        BadBody, Unauthorized, NotFound,
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    key: IdempotencyKey,
    Fingerprinted {
        body: Body { body, mut errors },
        fingerprint,
    }: Fingerprinted<StrategyRequest>,
) -> Result<HttpResponse, ApiError> {
    let group = path_id(&id)?;
    let title = body
        .title
        .required_with(&mut errors, "title", |raw| StrategyTitle::parse(&raw));
    let text = body
        .body
        .required_with(&mut errors, "body", |raw| StrategyBody::parse(&raw));
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let (me, _) = membership_of(conn, &caller, group)?;
                if !db::members::lock(conn, me)? {
                    return Err(ApiError::TOKEN_INVALID);
                }
                if let Some(answer) = idempotency::recall(conn, me, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                let (title, body) = errors.into_result(|| Some((title?, text?)))?;
                let strategy = Strategy {
                    id: Uuid::now_v7(),
                    group_id: group,
                    author: me,
                    title,
                    body,
                    created_at: now,
                };
                strategies::insert(conn, &strategy)?;
                let shown = strategies::shown(conn, strategy.id, me)?
                    .ok_or_else(|| ApiError::internal("strategy missing after insert"))?;
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (
                        StatusCode::CREATED,
                        Some(format!("/v1/strategies/{}", strategy.id)),
                        &StrategyView::from(&shown),
                    ),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// One strategy (what a shared one's `Location` names).
#[utoipa::path(
    operation_id = "get_strategy",
    get,
    path = "/v1/strategies/{id}",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The strategy")),
    responses(
        (status = 200, description = "The strategy", body = StrategyView),
        Unauthorized, NotFound,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let (_, _, shown) = state
        .db
        .run(move |conn| strategy_for(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(StrategyView::from(&shown)))
}

/// "This helped me": once per member, the same again changes nothing. A
/// member's own strategy is not theirs to mark.
#[utoipa::path(
    operation_id = "mark_strategy_helpful",
    post,
    path = "/v1/strategies/{id}/helpful",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The strategy")),
    responses(
        (status = 200, description = "The strategy, marked", body = StrategyView),
        (status = 409, description = "The caller shared it", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn mark(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let now = clock::now();
    let shown = state
        .db
        .run(move |conn| {
            let (me, _, shown) = strategy_for(conn, &caller, id)?;
            if shown.strategy.author == me {
                return Err(ApiError::Conflict(
                    "This is your own strategy: others mark what helped them.",
                ));
            }
            db::write_one(conn, |conn| strategies::mark(conn, id, me, now))?;
            strategies::shown(conn, id, me)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StrategyView::from(&shown)))
}

/// Takes "this helped me" back; nothing to take back changes nothing.
#[utoipa::path(
    operation_id = "unmark_strategy_helpful",
    delete,
    path = "/v1/strategies/{id}/helpful",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The strategy")),
    responses(
        (status = 200, description = "The strategy, unmarked", body = StrategyView),
        Unauthorized, NotFound,
    )
)]
pub async fn unmark(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let shown = state
        .db
        .run(move |conn| {
            let (me, _, _) = strategy_for(conn, &caller, id)?;
            db::write_one(conn, |conn| strategies::unmark(conn, id, me))?;
            strategies::shown(conn, id, me)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(StrategyView::from(&shown)))
}

/// Its author (in the group or not any more) or one of the group's
/// facilitators removes a strategy.
#[utoipa::path(
    operation_id = "delete_strategy",
    delete,
    path = "/v1/strategies/{id}",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The strategy")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Neither its author nor a facilitator", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            let shown = strategies::shown(conn, id, me)?.ok_or(ApiError::NotFound)?;
            // Its author may take it back even after leaving the group.
            let role = if shown.strategy.author == me {
                None
            } else {
                let membership = db::groups::membership(conn, shown.strategy.group_id, me)?
                    .ok_or(ApiError::NotFound)?;
                Some(membership.role)
            };
            if role.is_some_and(|role| role != GroupRole::Facilitator) {
                return Err(ApiError::Forbidden(
                    "Only its author or a facilitator may remove a strategy.",
                ));
            }
            db::write_one(conn, |conn| strategies::delete(conn, id))?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
