//! `Idempotency-Key`: a phone that sends a creating POST again (after a
//! timeout, or from an offline queue) with the same key gets the first
//! answer again instead of creating a second thing. The same key with
//! another body is a mistake worth telling: 422.

use super::error::{ApiError, FieldErrors};
use crate::db::{DbConn, idempotency, idempotency::StoredAnswer};
use actix_web::{
    FromRequest, HttpRequest, HttpResponse,
    dev::Payload,
    http::{StatusCode, header},
};
use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;
use std::future::{Ready, ready};
use tether_domain::MemberId;
use utoipa::IntoParams;

/// The header's name.
pub const HEADER: &str = "Idempotency-Key";

/// How long an answer is kept for replay; after it, the key is free and
/// the answer is neither replayed nor exported (the sweep deletes it).
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);

/// The key a request carries, if any: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(value) = req.headers().get(HEADER) else {
            return ready(Ok(Self(None)));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|key| {
                (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
            })
            .map(|key| Self(Some(key.to_owned())))
            .ok_or_else(|| {
                ApiError::Validation(FieldErrors::one(
                    HEADER,
                    "must be 1 to 255 visible ASCII characters, such as a UUID",
                ))
            });
        ready(key)
    }
}

/// The header, for the spec.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyHeader {
    /// Send the same key again to get the first answer again, without
    /// creating twice (kept for 24 hours). A UUID per new thing is right.
    #[param(
        rename = "Idempotency-Key",
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[\x21-\x7E]+$"
    )]
    pub idempotency_key: Option<String>,
}

/// An answer: new, or kept from before.
#[derive(Debug)]
pub struct Answer {
    stored: StoredAnswer,
    replayed: bool,
}

/// The answer kept for this key, if the member sent it before with the
/// same body; 422 if with another body.
pub fn recall(
    conn: &mut DbConn,
    member: MemberId,
    key: &IdempotencyKey,
    fingerprint: &str,
    now: NaiveDateTime,
) -> Result<Option<Answer>, ApiError> {
    let Some(key) = &key.0 else {
        return Ok(None);
    };
    match idempotency::find(conn, member, key, now - KEPT_FOR)? {
        Some(stored) if stored.fingerprint == fingerprint => Ok(Some(Answer {
            stored,
            replayed: true,
        })),
        Some(_) => Err(ApiError::Validation(FieldErrors::one(
            HEADER,
            "was used before for a request with another body; use a new key for a new request",
        ))),
        None => Ok(None),
    }
}

/// Builds a new answer and keeps it under the key, if there is one, in the
/// same transaction as the work it reports.
pub fn answer(
    conn: &mut DbConn,
    member: MemberId,
    key: &IdempotencyKey,
    fingerprint: String,
    (status, location, body): (StatusCode, Option<String>, &impl Serialize),
    now: NaiveDateTime,
) -> Result<Answer, ApiError> {
    let stored = StoredAnswer {
        member_id: member.to_string(),
        key: key.0.clone().unwrap_or_default(),
        fingerprint,
        status: i32::from(status.as_u16()),
        location,
        body: serde_json::to_string(body).map_err(|error| ApiError::Internal(Box::new(error)))?,
        created_at: now,
    };
    if key.0.is_some() {
        idempotency::keep(conn, &stored, now - KEPT_FOR)?;
    }
    Ok(Answer {
        stored,
        replayed: false,
    })
}

impl Answer {
    /// The HTTP response; a replay says so in `Idempotent-Replayed`.
    pub fn respond(self) -> Result<HttpResponse, ApiError> {
        let status = u16::try_from(self.stored.status)
            .ok()
            .and_then(|status| StatusCode::from_u16(status).ok())
            .ok_or_else(|| ApiError::internal("kept answer has no valid status"))?;
        let mut response = HttpResponse::build(status);
        response.content_type("application/json");
        if let Some(location) = self.stored.location {
            response.insert_header((header::LOCATION, location));
        }
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        Ok(response.body(self.stored.body))
    }
}
