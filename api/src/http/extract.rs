//! Extractors that turn a request into trusted facts: who is calling, and
//! from where.

use super::error::ApiError;
use crate::state::AppState;
use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use std::{
    future::{Ready, ready},
    net::{IpAddr, Ipv4Addr},
};
use tether_domain::MemberId;

/// The member an access token speaks for.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub MemberId);

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
