//! Extractors that turn a request into trusted facts: who is calling, and
//! from where.

use super::error::ApiError;
use crate::{
    auth::access::TokenClaims,
    clock,
    db::{
        DbConn, goals,
        goals::{ForWrite, Goal, History},
        members,
        members::Member,
        sessions,
    },
    state::AppState,
};
use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use chrono::NaiveDate;
use std::{
    future::{Ready, ready},
    net::{IpAddr, Ipv4Addr},
};
use tether_domain::MemberId;
use uuid::Uuid;

/// Who a genuine access token says is calling. Not trusted yet: the session
/// it names may have ended (logout, a reused refresh token) or the member
/// may be gone. What the caller may act on comes out only through
/// [`Caller::verify`], [`Caller::member`], [`Caller::goal`] and
/// [`Caller::goal_with_history`], which check the session in the database
/// inside the request's own unit of work (folded into the query the request
/// makes anyway), so no handler can act for a token whose session has
/// ended, on any process, and the check costs no extra trip to the pool.
#[derive(Debug, Clone, Copy)]
pub struct Caller(TokenClaims);

impl Caller {
    /// The caller's id, once their session is known to be live: one
    /// primary-key lookup, for requests that load no member row anyway.
    pub fn verify(&self, conn: &mut DbConn) -> Result<MemberId, ApiError> {
        let TokenClaims { member, session } = self.0;
        if sessions::is_live(conn, member, session, clock::now())? {
            Ok(member)
        } else {
            Err(ApiError::TOKEN_INVALID)
        }
    }

    /// One of the caller's active goals and the caller's today, loaded in
    /// the same statement that checks their session: for requests on one
    /// goal. 401 when the session does not hold, 404 when the goal is not
    /// the caller's to see.
    pub fn goal(&self, conn: &mut DbConn, id: Uuid) -> Result<(Goal, NaiveDate), ApiError> {
        let TokenClaims { member, session } = self.0;
        let now = clock::now();
        match goals::find_active_in_session(conn, member, session, id, now)? {
            None => Err(ApiError::TOKEN_INVALID),
            Some((_, None)) => Err(ApiError::NotFound),
            Some((zone, Some(goal))) => Ok((goal, zone.today(now.and_utc()))),
        }
    }

    /// Like [`Caller::goal`], with the goal's history (day and status of
    /// every check-in) loaded in the same statement.
    pub fn goal_with_history(
        &self,
        conn: &mut DbConn,
        id: Uuid,
    ) -> Result<(Goal, NaiveDate, History), ApiError> {
        let TokenClaims { member, session } = self.0;
        let now = clock::now();
        match goals::find_active_with_history_in_session(conn, member, session, id, now)? {
            None => Err(ApiError::TOKEN_INVALID),
            Some((_, None)) => Err(ApiError::NotFound),
            Some((zone, Some((goal, history)))) => Ok((goal, zone.today(now.and_utc()), history)),
        }
    }

    /// Like [`Caller::goal_with_history`], with the milestones the goal's
    /// ledger holds and the check-in stored for `day` (none when the day is
    /// `None`, as for a date that did not parse): what a check-in write
    /// needs, in one statement.
    pub fn goal_for_write(
        &self,
        conn: &mut DbConn,
        id: Uuid,
        day: Option<NaiveDate>,
    ) -> Result<(ForWrite, NaiveDate), ApiError> {
        let TokenClaims { member, session } = self.0;
        let now = clock::now();
        match goals::find_active_for_write_in_session(conn, member, session, id, day, now)? {
            None => Err(ApiError::TOKEN_INVALID),
            Some((_, None)) => Err(ApiError::NotFound),
            Some((zone, Some(loaded))) => Ok((loaded, zone.today(now.and_utc()))),
        }
    }

    /// The caller's member row, loaded in the same statement that checks
    /// their session: for requests that need the member anyway.
    pub fn member(&self, conn: &mut DbConn) -> Result<Member, ApiError> {
        let TokenClaims { member, session } = self.0;
        members::find_in_session(conn, member, session, clock::now())?
            .ok_or(ApiError::TOKEN_INVALID)
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(caller(req))
    }
}

fn caller(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized("An access token is required."))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or(ApiError::Unauthorized(
            "Send the access token as: Authorization: Bearer <token>.",
        ))?;
    state.tokens.verify(token).map(Caller).map_err(|error| {
        tracing::debug!(%error, "access token refused");
        ApiError::TOKEN_INVALID
    })
}

/// The address the connection comes from. Tether does not trust
/// `X-Forwarded-For`: behind a proxy, every client shares the proxy's limit.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ip = req
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip());
        ready(Ok(Self(ip)))
    }
}
