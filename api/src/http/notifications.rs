//! The caller's inbox: what they were told, newest first, and marking it
//! read. The words are generic (they also go out as pushes, onto lock
//! screens); the ids say what to open.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    field::Field,
    groups::path_id,
    json::Body,
    page::{self, Page},
    views::utc,
};
use crate::{
    clock,
    db::{
        self,
        notifications::{self, Notification},
    },
    state::AppState,
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{NotificationKind, Priority};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    NotificationKindName,
    "NotificationKind",
    "partnership_request; partnership_accepted; pairing_proposed (a facilitator's pairing, to accept or decline); encouragement; sos (a partner asked for support); partner_milestone.",
    NotificationKind::ALL.iter().map(|kind| kind.as_str())
);
super::schema::names!(
    PriorityName,
    "NotificationPriority",
    "high for an SOS, normal otherwise.",
    Priority::ALL.iter().map(|priority| priority.as_str())
);

/// One item of the inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    /// Its id.
    pub id: Uuid,
    /// What happened.
    #[schema(value_type = NotificationKindName)]
    pub kind: String,
    /// How urgently it was pushed.
    #[schema(value_type = PriorityName)]
    pub priority: String,
    /// Generic words, safe on a lock screen.
    pub title: String,
    /// Generic words, safe on a lock screen.
    pub body: String,
    /// The partnership to open, if any.
    #[schema(required = true)]
    pub partnership_id: Option<Uuid>,
    /// The goal to open, if any.
    #[schema(required = true)]
    pub goal_id: Option<Uuid>,
    /// The group to open, if any.
    #[schema(required = true)]
    pub group_id: Option<Uuid>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// When the member read it; `null` while unread.
    #[schema(required = true)]
    pub read_at: Option<DateTime<Utc>>,
}

impl TryFrom<&Notification> for NotificationView {
    type Error = ApiError;

    fn try_from(item: &Notification) -> Result<Self, ApiError> {
        let id = |raw: &str| {
            Uuid::parse_str(raw).map_err(|_| ApiError::internal("stored id is not a UUID"))
        };
        let optional = |raw: &Option<String>| raw.as_deref().map(id).transpose();
        Ok(Self {
            id: id(&item.id)?,
            kind: item.kind.clone(),
            priority: item.priority.clone(),
            title: item.title.clone(),
            body: item.body.clone(),
            partnership_id: optional(&item.partnership_id)?,
            goal_id: optional(&item.goal_id)?,
            group_id: optional(&item.group_id)?,
            created_at: utc(item.created_at),
            read_at: item.read_at.map(utc),
        })
    }
}

/// Which items, and a page of them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// `true` for unread items only.
    #[param(value_type = Option<bool>)]
    pub unread: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the items older than this one.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// The caller's inbox, newest first.
#[utoipa::path(
    operation_id = "list_notifications",
    get,
    path = "/v1/me/notifications",
    tag = "me",
    security(("bearer" = [])),
    params(InboxQuery),
    responses(
        (status = 200, description = "A page of the inbox", body = Page<NotificationView>),
        (status = 422, description = "A bad unread flag, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let unread = match query.unread.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            errors.add("unread", "must be true or false");
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
            Ok::<_, ApiError>(notifications::page(conn, me, unread, before, limit + 1)?)
        })
        .await?;
    let views = items
        .iter()
        .map(NotificationView::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(page::page(
        views,
        limit,
        |view| view.id.to_string(),
        NotificationView::clone,
    )))
}

/// Marks one item read; reading it again keeps the first time.
#[utoipa::path(
    operation_id = "read_notification",
    post,
    path = "/v1/me/notifications/{id}/read",
    tag = "me",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The inbox item")),
    responses(
        (status = 200, description = "The item, read", body = NotificationView),
        Unauthorized, NotFound,
    )
)]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let now = clock::now();
    let item = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            db::write_one(conn, |conn| notifications::mark_read(conn, me, id, now))?
                .ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(NotificationView::try_from(&item)?))
}

/// Up to which item to mark read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadAllRequest {
    /// The newest item the app has shown: it and every older unread item
    /// are marked read, and nothing that arrived after.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub up_to: Field<String>,
}

/// How many items were marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAllView {
    /// Items that were unread and are read now.
    pub marked: usize,
}

/// Marks every unread item up to `up_to` read.
#[utoipa::path(
    operation_id = "read_all_notifications",
    post,
    path = "/v1/me/notifications/read",
    tag = "me",
    security(("bearer" = [])),
    request_body = ReadAllRequest,
    responses(
        (status = 200, description = "How many were marked", body = ReadAllView),
        (status = 404, description = "`up_to` is not one of the caller's inbox items", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized,
    )
)]
pub async fn read_all(
    state: web::Data<AppState>,
    caller: Caller,
    Body { body, mut errors }: Body<ReadAllRequest>,
) -> Result<HttpResponse, ApiError> {
    let up_to = body.up_to.required_with(&mut errors, "up_to", |raw| {
        Uuid::parse_str(&raw).map_err(|_| "must be an inbox item's id")
    });
    let up_to = errors.into_result(|| up_to)?;
    let now = clock::now();
    let marked = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            // An id the app was shown: a made-up later one would mark what
            // has not arrived yet.
            if !notifications::is_theirs(conn, me, up_to)? {
                return Err(ApiError::NotFound);
            }
            Ok::<_, ApiError>(db::write_one(conn, |conn| {
                notifications::mark_all_read(conn, me, up_to, now)
            })?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ReadAllView { marked }))
}
