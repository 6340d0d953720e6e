//! Liveness and readiness, for load balancers and orchestrators.

use super::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

/// A one-word state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up and answering.
#[utoipa::path(
    operation_id = "health",
    get,
    path = "/v1/health",
    tag = "health",
    security(()),
    responses((status = 200, description = "Alive", body = Status))
)]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

/// The process can serve requests: its database answers.
#[utoipa::path(
    operation_id = "ready",
    get,
    path = "/v1/ready",
    tag = "health",
    security(()),
    responses(
        (status = 200, description = "Ready", body = Status),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await.map_err(|error| {
        tracing::warn!(%error, "readiness check failed");
        ApiError::Unavailable("The database does not answer.")
    })?;
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}
