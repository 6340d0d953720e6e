//! The HTTP edge: routes, extractors, and the one mapping of errors to
//! problem documents.

pub mod accounts;
pub mod blocks;
pub mod check_ins;
pub mod encouragements;
pub mod error;
pub mod extract;
pub mod field;
pub mod goals;
pub mod groups;
pub mod headers;
pub mod health;
pub mod idempotency;
pub mod json;
pub mod matching;
pub mod me;
pub mod notifications;
pub mod page;
pub mod parse;
pub mod partnerships;
pub mod progress;
pub mod reports;
pub mod schema;
pub mod strategies;
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
        web::resource("/v1/me/notifications")
            .route(web::get().to(notifications::list))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/me/notifications/read")
            .route(web::post().to(notifications::read_all))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/me/notifications/{id}/read")
            .route(web::post().to(notifications::read))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/me/export")
            .route(web::get().to(me::export))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/groups")
            .route(web::post().to(groups::create))
            .route(web::get().to(groups::list))
            .default_service(not_allowed("GET, POST")),
    )
    // Before `/v1/groups/{id}`, which would otherwise take "join" for an id.
    .service(
        web::resource("/v1/groups/join")
            .route(web::post().to(groups::join))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/groups/{id}")
            .route(web::get().to(groups::get))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/groups/{id}/members")
            .route(web::get().to(groups::members))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/groups/{id}/members/{member_id}")
            .route(web::patch().to(groups::set_role))
            .route(web::delete().to(groups::remove_member))
            .default_service(not_allowed("PATCH, DELETE")),
    )
    .service(
        web::resource("/v1/groups/{id}/invite-code")
            .route(web::post().to(groups::rotate_code))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/groups/{id}/strategies")
            .route(web::get().to(strategies::list))
            .route(web::post().to(strategies::create))
            .default_service(not_allowed("GET, POST")),
    )
    .service(
        web::resource("/v1/strategies/{id}")
            .route(web::get().to(strategies::get))
            .route(web::delete().to(strategies::delete))
            .default_service(not_allowed("GET, DELETE")),
    )
    .service(
        web::resource("/v1/strategies/{id}/helpful")
            .route(web::post().to(strategies::mark))
            .route(web::delete().to(strategies::unmark))
            .default_service(not_allowed("POST, DELETE")),
    )
    .service(
        web::resource("/v1/blocks")
            .route(web::post().to(blocks::create))
            .route(web::get().to(blocks::list))
            .default_service(not_allowed("GET, POST")),
    )
    .service(
        web::resource("/v1/blocks/{member_id}")
            .route(web::delete().to(blocks::delete))
            .default_service(not_allowed("DELETE")),
    )
    .service(
        web::resource("/v1/reports")
            .route(web::post().to(reports::create))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/reports/{id}/resolve")
            .route(web::post().to(reports::resolve))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/groups/{id}/reports")
            .route(web::get().to(reports::list))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/groups/{id}/pairings")
            .route(web::post().to(matching::pair))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/partners/suggestions")
            .route(web::get().to(matching::suggestions))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/partnerships")
            .route(web::post().to(partnerships::create))
            .route(web::get().to(partnerships::list))
            .default_service(not_allowed("GET, POST")),
    )
    .service(
        web::resource("/v1/partnerships/{id}")
            .route(web::get().to(partnerships::get))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/accept")
            .route(web::post().to(partnerships::accept))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/decline")
            .route(web::post().to(partnerships::decline))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/cancel")
            .route(web::post().to(partnerships::cancel))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/end")
            .route(web::post().to(partnerships::end))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/encouragements")
            .route(web::post().to(encouragements::send))
            .default_service(not_allowed("POST")),
    )
    .service(
        web::resource("/v1/me/encouragements")
            .route(web::get().to(encouragements::list))
            .default_service(not_allowed("GET")),
    )
    .service(
        web::resource("/v1/partnerships/{id}/progress")
            .route(web::get().to(partnerships::progress))
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
