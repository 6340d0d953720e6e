//! Logging: tracing to stdout, pretty or JSON, with a request id on every
//! line written while a request is handled.

use crate::config::LogFormat;
use actix_web::{
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};
use std::{io::IsTerminal, time::Instant};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

/// The header carrying the request id back to the client.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber; `RUST_LOG` refines the level. Calling it
/// again (tests start many servers) is harmless.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: a log file gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// Wraps each request in a span with a fresh id, logs one line when it is
/// answered, and returns the id in `X-Request-Id` so a user's report can be
/// matched to the log. Bodies and headers are never logged.
pub async fn request_span(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = Uuid::now_v7();
    let span = tracing::info_span!("request", request_id = %id);
    let method = req.method().clone();
    let path = req.path().to_owned();
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(%method, %path, status, elapsed_ms = started.elapsed().as_millis() as u64, "answered");
    });
    if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}
