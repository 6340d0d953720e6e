//! The HTTP edge: routes, extractors, and the one mapping of errors to
//! problem documents.

pub mod accounts;
pub mod check_ins;
pub mod error;
pub mod extract;
pub mod field;
pub mod goals;
pub mod headers;
pub mod health;
pub mod idempotency;
pub mod json;
pub mod me;
pub mod page;
pub mod parse;
pub mod progress;
pub mod schema;
pub mod throttle;
pub mod views;

use actix_web::{
    HttpResponse, Route,
    http::header,
    web::{self, ServiceConfig},
};
use error::ApiError;

/// Every route of the API. A path answers a method it does not serve with
/// 405 and an `Allow` header, not 404.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(
        web::resource("/v1/health")
            .route(web::get().to(health::health))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/ready")
            .route(web::get().to(health::ready))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/auth/register")
            .route(web::post().to(accounts::register))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/auth/login")
            .route(web::post().to(accounts::login))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/auth/refresh")
            .route(web::post().to(accounts::refresh))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/auth/logout")
            .route(web::post().to(accounts::logout))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/me")
            .route(web::get().to(me::get))
            .route(web::patch().to(me::update))
            .route(web::delete().to(me::delete))
            .default_service(not_allowed("GET, PATCH, DELETE")),
    )
    .service(
        web::resource("/v1/goals")
            .route(web::post().to(goals::create))
            .route(web::get().to(goals::list))
            .default_service(not_allowed("GET, POST")),
    )
    .service(
        web::resource("/v1/goals/{id}")
            .route(web::get().to(goals::get))
            .route(web::patch().to(goals::update))
            .route(web::delete().to(goals::archive))
            .default_service(not_allowed("GET, PATCH, DELETE")),
    )
    .service(
        web::resource("/v1/goals/{id}/check-ins")
            .route(web::get().to(check_ins::list))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/goals/{id}/check-ins/{date}")
            .route(web::get().to(check_ins::get))
            .route(web::put().to(check_ins::put))
            .route(web::delete().to(check_ins::delete))
            .default_service(not_allowed("GET, PUT, DELETE")),
    )
    .service(
        web::resource("/v1/goals/{id}/progress")
            .route(web::get().to(progress::get))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/me/export")
            .route(web::get().to(me::export))
            .default_service(not_allowed("GET")),
    );
}

fn not_allowed(allow: &'static str) -> Route {
    web::route().to(move || async move {
        let mut response = actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static(allow));
        response
    })
}

/// The answer for a path no route matches.
pub async fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::NotFound)
}
