//! The one error type of the HTTP layer, and its one mapping to RFC 9457
//! problem details. Handlers return `ApiError`; nothing else decides a
//! status code or writes an error body.

use crate::{auth::access::TokenError, auth::password::HashError, db::DbError};
use actix_web::{
    HttpResponse, ResponseError,
    http::{StatusCode, header},
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem: what went wrong, for a person and for a program.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[schema(example = "urn:tether:problem:validation")]
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    #[schema(example = "Invalid input")]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong this time, for a person.
    #[schema(example = "Some fields are not valid; see errors.")]
    pub detail: String,
    /// For invalid input: each bad field with what is wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

/// Bad fields and what is wrong with each, gathered so that one answer
/// names all of them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a message for a field.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    /// Takes the value of a check, noting its error under `field`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        result
            .map_err(|error| self.add(field, error.to_string()))
            .ok()
    }

    /// Whether nothing was wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was wrong, the errors otherwise.
    pub fn into_result<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ApiError> {
        if !self.is_empty() {
            return Err(ApiError::Validation(self));
        }
        // Every check passed, so every part is present.
        value().ok_or_else(|| ApiError::internal("validated value missing a part"))
    }

    /// The names of the bad fields, in order.
    pub fn fields(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }

    /// A single bad field.
    pub fn one(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON, or a query string does not parse.
    #[error("{0}")]
    BadRequest(String),
    /// The input parsed but some fields are not acceptable.
    #[error("invalid fields")]
    Validation(FieldErrors),
    /// No credentials, or credentials that do not hold.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated, but this confirmation failed (a wrong password).
    #[error("{0}")]
    Forbidden(&'static str),
    /// Not there, or not the caller's to see: the two look the same.
    #[error("not found")]
    NotFound,
    /// The path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request conflicts with what is stored.
    #[error("{0}")]
    Conflict(&'static str),
    /// The body is larger than the server accepts.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Too many tries: wait this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until a try may succeed.
        retry_after: u64,
    },
    /// A dependency (the database) is not reachable.
    #[error("{0}")]
    Unavailable(&'static str),
    /// A bug or an outage: logged in full, answered opaquely.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// 401 for a token that does not hold, or that outlived its account
    /// (the app should sign out either way).
    pub const TOKEN_INVALID: Self = Self::Unauthorized("The access token is invalid or expired.");

    /// An internal error from a message.
    pub fn internal(message: &'static str) -> Self {
        Self::Internal(message.into())
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "Bad request"),
            Self::Validation(_) => ("validation", "Invalid input"),
            Self::Unauthorized(_) => ("unauthorized", "Not authenticated"),
            Self::Forbidden(_) => ("forbidden", "Not allowed"),
            Self::NotFound => ("not-found", "Not found"),
            Self::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::PayloadTooLarge => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            Self::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            Self::Unavailable(_) => ("unavailable", "Service unavailable"),
            Self::Internal(_) => ("internal", "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(detail) => detail.clone(),
            Self::Validation(_) => "Some fields are not valid; see errors.".into(),
            Self::Unauthorized(detail)
            | Self::Forbidden(detail)
            | Self::Conflict(detail)
            | Self::Unavailable(detail) => (*detail).into(),
            Self::NotFound => "There is nothing here, or nothing you may see.".into(),
            Self::MethodNotAllowed => "This path does not accept this method.".into(),
            Self::PayloadTooLarge => "The body may be at most 64 KiB.".into(),
            Self::UnsupportedMediaType => "Send the body as application/json.".into(),
            Self::TooManyRequests { retry_after } => {
                format!("Too many attempts; try again in {retry_after} seconds.")
            }
            Self::Internal(_) => "Something went wrong on our side; it has been logged.".into(),
        }
    }

    /// The problem document this error answers with.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        Problem {
            kind: format!("urn:tether:problem:{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors: match self {
                Self::Validation(errors) => Some(errors.0.clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(inner) = source {
                chain.push_str(": ");
                chain.push_str(&inner.to_string());
                source = inner.source();
            }
            tracing::error!(error = %chain, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Pool(_) => Self::Unavailable("The database is not reachable right now."),
            DbError::Duplicate => Self::Conflict("This exists already."),
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<HashError> for ApiError {
    fn from(error: HashError) -> Self {
        Self::Internal(Box::new(error))
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        Self::Internal(Box::new(error))
    }
}

/// Spec responses shared by many operations, so each is described once.
pub mod responses {
    use std::collections::BTreeMap;
    use utoipa::{
        IntoResponses,
        openapi::{
            ContentBuilder, Ref, RefOr, Response, ResponseBuilder, header::HeaderBuilder,
            schema::Type,
        },
    };

    fn problem(description: &str) -> ResponseBuilder {
        ResponseBuilder::new().description(description).content(
            super::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
    }

    fn map(
        entries: impl IntoIterator<Item = (&'static str, ResponseBuilder)>,
    ) -> BTreeMap<String, RefOr<Response>> {
        entries
            .into_iter()
            .map(|(status, response)| (status.to_owned(), RefOr::T(response.build())))
            .collect()
    }

    /// 401: the operation needs a valid access token.
    #[derive(Debug)]
    pub struct Unauthorized;

    impl IntoResponses for Unauthorized {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            map([(
                "401",
                problem("No valid access token").header(
                    "WWW-Authenticate",
                    HeaderBuilder::new()
                        .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::String))
                        .description(Some("Bearer"))
                        .build(),
                ),
            )])
        }
    }

    /// 404: the object is not there, or not the caller's to see.
    #[derive(Debug)]
    pub struct NotFound;

    impl IntoResponses for NotFound {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            map([("404", problem("Not there, or not the caller's to see"))])
        }
    }

    /// 400, 413, 415 and 422: what a JSON body can be refused for.
    #[derive(Debug)]
    pub struct BadBody;

    impl IntoResponses for BadBody {
        fn responses() -> BTreeMap<String, RefOr<Response>> {
            map([
                ("400", problem("The body is not JSON")),
                ("413", problem("The body is over 64 KiB")),
                ("415", problem("The body is not application/json")),
                ("422", problem("Invalid fields, each named")),
            ])
        }
    }
}
