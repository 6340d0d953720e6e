//! Recovery groups: create one, join one by its invite code, see who is in
//! it, leave it; its facilitators remove members, change roles and rotate
//! the code. Only members see a group: to anyone else it is a 404.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::{Caller, ClientIp},
    field::Field,
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted},
    page::{self, Page},
    schema::{GroupRoleName, RecoveryFocusName},
    views::utc,
};
use crate::{
    clock,
    db::{
        self, DbConn, DbError,
        groups::{self, Group, Listed, Membership},
        throttles,
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use tether_domain::{
    GroupDescription, GroupName, GroupRole, InviteCode, MAX_GROUP_MEMBERS, MemberId, RecoveryFocus,
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A new group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroupRequest {
    /// What the group is called.
    #[serde(default)]
    #[schema(schema_with = super::schema::group_name, required = true)]
    pub name: Field<String>,
    /// What it is about, for whoever is invited.
    #[serde(default)]
    #[schema(schema_with = super::schema::group_description)]
    pub description: Field<String>,
    /// The recovery it is for.
    #[serde(default)]
    #[schema(value_type = RecoveryFocusName, required = true)]
    pub focus: Field<String>,
}

/// An invite code, as a member types it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The code a facilitator shared: case, spaces and hyphens do not matter.
    #[serde(default)]
    #[schema(schema_with = super::schema::invite_code, required = true)]
    pub invite_code: Field<String>,
}

/// A member's new role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// `member` or `facilitator`.
    #[serde(default)]
    #[schema(value_type = GroupRoleName, required = true)]
    pub role: Field<String>,
}

/// A group, as one of its members sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// What it is about.
    #[schema(required = true)]
    pub description: Option<String>,
    /// The recovery it is for.
    #[schema(value_type = RecoveryFocusName)]
    pub focus: &'static str,
    /// The caller's role in it.
    #[schema(value_type = GroupRoleName)]
    pub role: &'static str,
    /// How many members it has (at most 200).
    pub member_count: i64,
    /// The code that lets someone join: shown to its facilitators only,
    /// who decide whom to invite; `null` for other members.
    #[schema(required = true)]
    pub invite_code: Option<String>,
    /// When the caller joined it.
    pub joined_at: DateTime<Utc>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<&Membership> for GroupView {
    fn from(membership: &Membership) -> Self {
        let group = &membership.group;
        Self {
            id: group.id,
            name: group.name.as_str().to_owned(),
            description: group
                .description
                .as_ref()
                .map(|text| text.as_str().to_owned()),
            focus: group.focus.as_str(),
            role: membership.role.as_str(),
            member_count: membership.member_count,
            invite_code: (membership.role == GroupRole::Facilitator)
                .then(|| group.invite_code.as_str().to_owned()),
            joined_at: utc(membership.joined_at),
            created_at: utc(group.created_at),
        }
    }
}

/// A member of a group, as the other members see them: never an email, a
/// recovery date, a time zone or a goal.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMemberView {
    /// Their member id.
    pub member_id: Uuid,
    /// The name they chose.
    pub display_name: String,
    /// What they are recovering from, as they said.
    #[schema(value_type = Vec<RecoveryFocusName>)]
    pub recovery_focus: Vec<&'static str>,
    /// Their role in the group.
    #[schema(value_type = GroupRoleName)]
    pub role: &'static str,
    /// Whether they are open to an accountability partner.
    pub open_to_partnering: bool,
    /// Whether they would mentor a newcomer.
    pub willing_to_mentor: bool,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

impl From<&Listed> for GroupMemberView {
    fn from(listed: &Listed) -> Self {
        Self {
            member_id: listed.id.as_uuid(),
            display_name: listed.display_name.as_str().to_owned(),
            recovery_focus: listed
                .recovery_focus
                .iter()
                .map(|focus| focus.as_str())
                .collect(),
            role: listed.role.as_str(),
            open_to_partnering: listed.open_to_partnering,
            willing_to_mentor: listed.willing_to_mentor,
            joined_at: utc(listed.joined_at),
        }
    }
}

/// A page of a list ordered by id.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IdPageQuery {
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the items after this id.
    #[param(value_type = Option<String>, format = Uuid)]
    pub cursor: Option<String>,
}

/// What a member who is not a facilitator gets for a facilitator's action:
/// they see the group, so a 404 would be untrue.
pub const FACILITATORS_ONLY: ApiError =
    ApiError::Forbidden("Only the group's facilitators may do this.");

/// An id in a path: one that does not parse names nothing there is.
pub fn path_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound)
}

/// The caller's membership of the group: 404 for anyone not in it.
pub fn membership_of(
    conn: &mut DbConn,
    caller: &Caller,
    group: Uuid,
) -> Result<(MemberId, Membership), ApiError> {
    let me = caller.verify(conn)?;
    let membership = groups::membership(conn, group, me)?.ok_or(ApiError::NotFound)?;
    Ok((me, membership))
}

/// The caller's membership of the group, once they are known to facilitate
/// it: for a facilitator's moves. The group is locked first (inside the
/// caller's write), so a facilitator who steps down meanwhile moves
/// nothing. 404 for anyone not in it, 403 for a plain member.
pub fn facilitating(
    conn: &mut DbConn,
    caller: &Caller,
    group: Uuid,
) -> Result<(MemberId, Membership), ApiError> {
    caller.verify(conn)?;
    if !groups::lock(conn, group)? {
        return Err(ApiError::NotFound);
    }
    let (me, mine) = membership_of(conn, caller, group)?;
    if mine.role != GroupRole::Facilitator {
        return Err(FACILITATORS_ONLY);
    }
    Ok((me, mine))
}

/// A fresh invite code from the operating system's randomness.
fn fresh_code() -> InviteCode {
    let mut bytes = [0u8; InviteCode::RANDOM_BYTES];
    OsRng.fill_bytes(&mut bytes);
    InviteCode::from_random(&bytes)
}

fn new_group(
    body: CreateGroupRequest,
    mut errors: FieldErrors,
    now: NaiveDateTime,
) -> Result<Group, ApiError> {
    let e = &mut errors;
    let name = body
        .name
        .required_with(e, "name", |raw| GroupName::parse(&raw));
    let description = body
        .description
        .optional_with(e, "description", |raw| GroupDescription::parse(&raw))
        .map(Option::flatten);
    let focus = body
        .focus
        .required_with(e, "focus", |raw| raw.parse::<RecoveryFocus>());
    errors.into_result(|| {
        Some(Group {
            id: Uuid::now_v7(),
            name: name?,
            description: description?,
            focus: focus?,
            invite_code: fresh_code(),
            created_at: now,
            updated_at: now,
        })
    })
}

/// Starts a group; the caller is its first facilitator.
#[utoipa::path(
    operation_id = "create_group",
    post,
    path = "/v1/groups",
    tag = "groups",
    security(("bearer" = [])),
    params(IdempotencyHeader),
    request_body = CreateGroupRequest,
    responses(
        (status = 201, description = "Created (or, for a repeated Idempotency-Key, created before)", body = GroupView,
            headers(
                ("Location" = String, description = "The new group"),
                ("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"),
            )),
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
    }: Fingerprinted<CreateGroupRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let me = caller.verify(conn)?;
                // One creating request of a member at a time, so the key
                // holds under concurrency.
                if !db::members::lock(conn, me)? {
                    return Err(ApiError::TOKEN_INVALID);
                }
                if let Some(answer) = idempotency::recall(conn, me, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                let group = new_group(body, errors, now)?;
                groups::create(conn, &group, me)?;
                let membership = Membership {
                    group,
                    role: GroupRole::Facilitator,
                    joined_at: now,
                    member_count: 1,
                };
                let location = format!("/v1/groups/{}", membership.group.id);
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (
                        StatusCode::CREATED,
                        Some(location),
                        &GroupView::from(&membership),
                    ),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

/// The groups the caller is in.
#[utoipa::path(
    operation_id = "list_groups",
    get,
    path = "/v1/groups",
    tag = "groups",
    security(("bearer" = [])),
    params(IdPageQuery),
    responses(
        (status = 200, description = "A page of the caller's groups", body = Page<GroupView>),
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<IdPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, Uuid::parse_str);
    errors.into_result(|| Some(()))?;
    let items = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            Ok::<_, ApiError>(groups::memberships(conn, me, after, limit + 1)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |membership| membership.group.id.to_string(),
        |membership| GroupView::from(membership),
    )))
}

/// One of the caller's groups.
#[utoipa::path(
    operation_id = "get_group",
    get,
    path = "/v1/groups/{id}",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group")),
    responses(
        (status = 200, description = "The group", body = GroupView),
        Unauthorized, NotFound,
    )
)]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let (_, membership) = state
        .db
        .run(move |conn| membership_of(conn, &caller, id))
        .await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&membership)))
}

/// Joins the group an invite code opens. Joining a group one is already in
/// answers it again. Wrong codes are counted per client address and per
/// member: after 10 in 15 minutes, 429.
#[utoipa::path(
    operation_id = "join_group",
    post,
    path = "/v1/groups/join",
    tag = "groups",
    security(("bearer" = [])),
    request_body = JoinRequest,
    responses(
        (status = 200, description = "The caller is a member", body = GroupView),
        (status = 404, description = "No group has this code (any more)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The group has 200 members already", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes: try again after Retry-After seconds", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait"))),
        BadBody, Unauthorized,
    )
)]
pub async fn join(
    state: web::Data<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    Body { body, mut errors }: Body<JoinRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = body
        .invite_code
        .required_with(&mut errors, "invite_code", |raw| InviteCode::parse(&raw));
    let code = errors.into_result(|| code)?;
    let now = clock::now();
    let limits = state.limits;
    let membership = state
        .db
        .run(move |conn| {
            let me = caller.verify(conn)?;
            // Counted before the lookup and given back when the code was
            // right, so racing guesses meet the limit as sequential ones.
            let taken = throttles::take(conn, &limits.invite(me, ip), now)??;
            // No group: a 404, as for any id that names nothing.
            let Some(group) = groups::find_by_code(conn, &code)? else {
                return Err(ApiError::NotFound);
            };
            throttles::release(conn, &taken)?;
            db::write(conn, |conn| {
                if !groups::lock(conn, group.id)? {
                    return Err(ApiError::NotFound);
                }
                if let Some(already) = groups::membership(conn, group.id, me)? {
                    return Ok(already);
                }
                let (count, _) = groups::head_count(conn, group.id)?;
                if count >= MAX_GROUP_MEMBERS as i64 {
                    return Err(ApiError::Conflict(
                        "This group has 200 members, the most a group can have.",
                    ));
                }
                groups::add_member(conn, group.id, me, GroupRole::Member, now)?;
                groups::membership(conn, group.id, me)?
                    .ok_or_else(|| ApiError::internal("membership missing after join"))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&membership)))
}

/// The group's members, for its members only.
#[utoipa::path(
    operation_id = "list_group_members",
    get,
    path = "/v1/groups/{id}/members",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group"), IdPageQuery),
    responses(
        (status = 200, description = "A page of members", body = Page<GroupMemberView>),
        (status = 422, description = "A bad limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<IdPageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let mut errors = FieldErrors::new();
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, |raw| {
        Uuid::parse_str(raw).map(MemberId::from_uuid)
    });
    let items = state
        .db
        .run(move |conn| {
            membership_of(conn, &caller, id)?;
            errors.into_result(|| Some(()))?;
            Ok::<_, ApiError>(groups::members(conn, id, after, limit + 1)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |listed| listed.id.to_string(),
        |listed| GroupMemberView::from(listed),
    )))
}

/// What a member leaving (or being removed) would leave behind: refused
/// when they are the last facilitator and others remain.
fn check_can_go(conn: &mut DbConn, group: Uuid, role: GroupRole) -> Result<i64, ApiError> {
    let (count, facilitators) = groups::head_count(conn, group)?;
    if role == GroupRole::Facilitator && facilitators == 1 && count > 1 {
        return Err(ApiError::Conflict(
            "A group keeps at least one facilitator: make another member a facilitator first.",
        ));
    }
    Ok(count)
}

/// Leaves the group (the caller's own id) or, for a facilitator, removes a
/// member. The last facilitator cannot leave while others remain; a group
/// whose last member leaves is archived.
#[utoipa::path(
    operation_id = "remove_group_member",
    delete,
    path = "/v1/groups/{id}/members/{member_id}",
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group"),
        ("member_id" = Uuid, Path, description = "The member: the caller's own id to leave"),
    ),
    responses(
        (status = 204, description = "Gone from the group"),
        (status = 403, description = "Only a facilitator removes another member", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last facilitator cannot leave while others remain", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (raw_group, raw_member) = path.into_inner();
    let group = path_id(&raw_group)?;
    let target = MemberId::from_uuid(path_id(&raw_member)?);
    let now = clock::now();
    state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                caller.verify(conn)?;
                // Locked before the caller's role is read, so a facilitator
                // stepping down meanwhile removes nobody.
                if !groups::lock(conn, group)? {
                    return Err(ApiError::NotFound);
                }
                let (me, mine) = membership_of(conn, &caller, group)?;
                if target != me && mine.role != GroupRole::Facilitator {
                    return Err(FACILITATORS_ONLY);
                }
                let theirs = groups::membership(conn, group, target)?.ok_or(ApiError::NotFound)?;
                let count = check_can_go(conn, group, theirs.role)?;
                groups::remove_member(conn, group, target)?;
                if count == 1 {
                    groups::archive(conn, group, now)?;
                } else if target != me {
                    // Removed, not left: the code they know stops working.
                    groups::set_invite_code(conn, group, &fresh_code(), now)?;
                }
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A facilitator makes a member a facilitator, or a facilitator (themself
/// included) a member again; the last facilitator cannot step down.
#[utoipa::path(
    operation_id = "set_group_member_role",
    patch,
    path = "/v1/groups/{id}/members/{member_id}",
    tag = "groups",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The group"),
        ("member_id" = Uuid, Path, description = "The member"),
    ),
    request_body = RoleRequest,
    responses(
        (status = 200, description = "The member with their new role", body = GroupMemberView),
        (status = 403, description = "The caller is not a facilitator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last facilitator cannot step down", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized, NotFound,
    )
)]
pub async fn set_role(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    Body { body, mut errors }: Body<RoleRequest>,
) -> Result<HttpResponse, ApiError> {
    let (raw_group, raw_member) = path.into_inner();
    let group = path_id(&raw_group)?;
    let target = MemberId::from_uuid(path_id(&raw_member)?);
    let role = body
        .role
        .required_with(&mut errors, "role", |raw| raw.parse::<GroupRole>());
    let listed = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                facilitating(conn, &caller, group)?;
                let role = errors.into_result(|| role)?;
                let theirs = groups::membership(conn, group, target)?.ok_or(ApiError::NotFound)?;
                if theirs.role == GroupRole::Facilitator && role == GroupRole::Member {
                    let (_, facilitators) = groups::head_count(conn, group)?;
                    if facilitators == 1 {
                        return Err(ApiError::Conflict(
                            "A group keeps at least one facilitator: make another member a facilitator first.",
                        ));
                    }
                }
                groups::set_role(conn, group, target, role)?;
                groups::members(conn, group, None, i64::MAX)?
                    .into_iter()
                    .find(|listed| listed.id == target)
                    .ok_or_else(|| ApiError::internal("member missing after role change"))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(GroupMemberView::from(&listed)))
}

/// A facilitator replaces the group's invite code; the old one stops
/// working at once.
#[utoipa::path(
    operation_id = "rotate_invite_code",
    post,
    path = "/v1/groups/{id}/invite-code",
    tag = "groups",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group")),
    responses(
        (status = 200, description = "The group with its new code", body = GroupView),
        (status = 403, description = "The caller is not a facilitator", body = Problem, content_type = "application/problem+json"),
        Unauthorized, NotFound,
    )
)]
pub async fn rotate_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id)?;
    let now = clock::now();
    let membership = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                let (_, mut mine) = facilitating(conn, &caller, id)?;
                let code = fresh_code();
                match groups::set_invite_code(conn, id, &code, now) {
                    Ok(()) => {}
                    Err(DbError::Duplicate) => {
                        return Err(ApiError::internal("a fresh invite code clashed"));
                    }
                    Err(other) => return Err(other.into()),
                }
                mine.group.invite_code = code;
                mine.group.updated_at = now;
                Ok(mine)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(GroupView::from(&membership)))
}
