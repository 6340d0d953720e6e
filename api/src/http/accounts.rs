//! Accounts and sessions: register, log in, refresh, log out.

use super::{
    error::{ApiError, Problem, responses::BadBody},
    extract::ClientIp,
    field::Field,
    json::Body,
    views::MemberView,
};
use crate::{
    auth::refresh,
    clock,
    db::{self, DbError, members, members::Member, sessions, sessions::Rotation, throttles},
    state::AppState,
};
use actix_web::{HttpResponse, http::header, web};
use serde::{Deserialize, Serialize};
use tether_domain::{DisplayName, Email, MemberId, Password, Profile, TimeZone};
use utoipa::ToSchema;
use uuid::Uuid;

/// Longest password accepted at login or erasure: bounds hashing work
/// without refusing passwords set under an older, looser rule.
const MAX_PASSWORD_INPUT: usize = 1024;

/// Longest refresh token accepted (ours are 43 characters).
const MAX_REFRESH_TOKEN: usize = 256;

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Trimmed and lower-cased; must be unused.
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Email, max_length = 254, example = "sam@example.org")]
    pub email: Field<String>,
    /// 10 to 128 characters.
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Password, min_length = 10, max_length = 128, example = "a long passphrase")]
    pub password: Field<String>,
    /// The name others see.
    #[serde(default)]
    #[schema(schema_with = super::schema::display_name, required = true)]
    pub display_name: Field<String>,
    /// An IANA time zone name: the member's days are dates in it.
    #[serde(default)]
    #[schema(value_type = super::schema::TimeZoneName, required = true)]
    pub timezone: Field<String>,
}

/// Email and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The email the account was registered with (case does not matter).
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Email, max_length = 254, example = "sam@example.org")]
    pub email: Field<String>,
    /// The password.
    #[serde(default)]
    #[schema(value_type = String, required = true, format = Password, max_length = 1024, example = "a long passphrase")]
    pub password: Field<String>,
}

/// A refresh token, to exchange or to revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last session answer.
    #[serde(default)]
    #[schema(value_type = String, required = true, max_length = 256)]
    pub refresh_token: Field<String>,
}

/// A signed-in session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The member signed in.
    pub member: MemberView,
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    /// Opaque; exchange it at `/v1/auth/refresh` for a new pair. Each one
    /// works once.
    pub refresh_token: String,
}

/// Creates an account and signs it in.
#[utoipa::path(
    operation_id = "register",
    post,
    path = "/v1/auth/register",
    tag = "accounts",
    security(()),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered and signed in", body = SessionView,
            headers(("Location" = String, description = "The new member's profile"))),
        (status = 409, description = "The email is registered already", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        BadBody,
    )
)]
pub async fn register(
    state: web::Data<AppState>,
    ip: ClientIp,
    Body { body, mut errors }: Body<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle_client(&state, ip).await?;
    let e = &mut errors;
    let email = body
        .email
        .required_with(e, "email", |raw| Email::parse(&raw));
    let password = body.password.required_with(e, "password", Password::parse);
    let display_name = body
        .display_name
        .required_with(e, "display_name", |raw| DisplayName::parse(&raw));
    let timezone = body
        .timezone
        .required_with(e, "timezone", |raw| TimeZone::parse(&raw));
    let (email, password, display_name, timezone) =
        errors.into_result(|| Some((email?, password?, display_name?, timezone?)))?;

    let now = clock::now();
    let member = Member {
        id: MemberId::new(),
        email,
        password_hash: state.hasher.hash(password).await?,
        profile: Profile::new(display_name, timezone),
        created_at: now,
        updated_at: now,
    };
    let (token, token_hash) = refresh::generate();
    let expires_at = now + state.refresh_ttl;
    let stored = member.clone();
    let created = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                members::insert(conn, &stored)?;
                sessions::start(conn, stored.id, token_hash, now, expires_at)
            })
        })
        .await;
    let session_id = match created {
        Ok(session_id) => session_id,
        Err(DbError::Duplicate) => {
            // Not a wrong password: it counts against the client address's
            // rate only, never against the account's owner.
            return Err(ApiError::Conflict(
                "An account with this email exists already.",
            ));
        }
        Err(other) => return Err(other.into()),
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/v1/me"))
        .json(session(&state, &member, session_id, token)?))
}

/// Signs in with email and password.
#[utoipa::path(
    operation_id = "login",
    post,
    path = "/v1/auth/login",
    tag = "accounts",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionView),
        (status = 401, description = "Unknown email or wrong password (the same answer for both)", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 429, description = "Too many attempts from this address or on this account", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        BadBody,
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    ip: ClientIp,
    Body { body, mut errors }: Body<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle_client(&state, ip).await?;
    let e = &mut errors;
    let email = body
        .email
        .required_with(e, "email", |raw| Email::parse(&raw));
    let password = body.password.required_with(e, "password", password_input);
    let (email, password) = errors.into_result(|| email.zip(password))?;

    // The attempt counts as a wrong password until the hash says otherwise:
    // racing guesses cannot all pass the check before any is recorded.
    let limits = state.limits;
    let ClientIp(address) = ip;
    let now = clock::now();
    let lookup = email.clone();
    let (found, attempt) = state
        .db
        .run(move |conn| {
            let found = members::find_by_email(conn, &lookup)?;
            let limits = limits.password(&lookup, found.as_ref().map(|m| m.id), address);
            let attempt = throttles::take(conn, &limits, now)?;
            Ok::<_, DbError>((found, attempt))
        })
        .await?;
    let attempt = attempt?;
    let stored_hash = found.as_ref().map(|member| member.password_hash.clone());
    let verified = state.hasher.verify(password, stored_hash).await?;
    let member = match found {
        Some(member) if verified => member,
        _ => {
            return Err(ApiError::Unauthorized(
                "The email or the password is wrong.",
            ));
        }
    };

    let (token, token_hash) = refresh::generate();
    let now = clock::now();
    let expires_at = now + state.refresh_ttl;
    let id = member.id;
    let cleared = state.limits.account_address_key(&email, address);
    let session_id = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                // Right after all: this attempt was no failure, and the
                // failures from this address before it are forgiven.
                throttles::release(conn, &attempt)?;
                throttles::clear(conn, &cleared)?;
                sessions::start(conn, id, token_hash, now, expires_at)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(session(&state, &member, session_id, token)?))
}

/// Exchanges a refresh token for a new pair. The presented token is spent;
/// presenting it again revokes every session descended from the same login.
#[utoipa::path(
    operation_id = "refresh",
    post,
    path = "/v1/auth/refresh",
    tag = "accounts",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access and refresh token", body = SessionView),
        (status = 401, description = "Unknown, expired, revoked or already spent", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "Bearer"))),
        (status = 429, description = "Too many attempts from this address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        BadBody,
    )
)]
pub async fn refresh(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Body<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle_client(&state, ip).await?;
    let presented = presented_token(body)?;
    let (token, token_hash) = refresh::generate();
    let now = clock::now();
    let expires_at = now + state.refresh_ttl;
    let outcome = state
        .db
        .run(move |conn| {
            let rotation = sessions::rotate(conn, &presented, token_hash, now, expires_at)?;
            match rotation {
                Rotation::Rotated { member, session } => {
                    Ok::<_, DbError>(members::find(conn, member)?.map(|member| (member, session)))
                }
                Rotation::Invalid => Ok(None),
                Rotation::Reused => {
                    tracing::warn!(
                        "a spent refresh token was presented again; its family is revoked"
                    );
                    Ok(None)
                }
            }
        })
        .await?;
    let (member, session_id) = outcome.ok_or(ApiError::Unauthorized(
        "The refresh token is invalid, expired or already used; sign in again.",
    ))?;
    Ok(HttpResponse::Ok().json(session(&state, &member, session_id, token)?))
}

/// Ends the session the refresh token belongs to, on this device.
#[utoipa::path(
    operation_id = "logout",
    post,
    path = "/v1/auth/logout",
    tag = "accounts",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was unknown or spent)"),
        (status = 429, description = "Too many calls from this address", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        BadBody,
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    ip: ClientIp,
    body: Body<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle_client(&state, ip).await?;
    let presented = presented_token(body)?;
    let now = clock::now();
    // Signing out twice, or with a token that is gone, still leaves the
    // caller signed out: nothing to report.
    state
        .db
        .run(move |conn| sessions::revoke(conn, &presented, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The stored form of the presented refresh token. Ours are 43
/// characters; the bound keeps hashing cheap and the spec honest.
fn presented_token(Body { body, mut errors }: Body<RefreshRequest>) -> Result<String, ApiError> {
    let token = body
        .refresh_token
        .required_with(&mut errors, "refresh_token", |raw| {
            let fits = raw.chars().count() <= MAX_REFRESH_TOKEN;
            fits.then_some(raw).ok_or("must be at most 256 characters")
        });
    errors.into_result(|| token.map(|token| refresh::hash(&token)))
}

/// A password as typed at login or erasure: any length up to a bound that
/// keeps hashing cheap, so passwords set under an older, looser rule still
/// work.
pub fn password_input(raw: String) -> Result<String, &'static str> {
    if raw.chars().count() > MAX_PASSWORD_INPUT {
        return Err("must be at most 1024 characters");
    }
    Ok(raw)
}

/// Counts a register, login or refresh call against the client address's
/// rate.
async fn throttle_client(state: &AppState, ClientIp(ip): ClientIp) -> Result<(), ApiError> {
    let limit = [state.limits.client(ip)];
    let now = clock::now();
    state
        .db
        .run(move |conn| throttles::take(conn, &limit, now))
        .await??;
    Ok(())
}

fn session(
    state: &AppState,
    member: &Member,
    session_id: Uuid,
    refresh_token: String,
) -> Result<SessionView, ApiError> {
    Ok(SessionView {
        member: MemberView::from(member),
        access_token: state.tokens.issue(member.id, session_id)?,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds(),
        refresh_token,
    })
}
