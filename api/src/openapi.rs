//! The OpenAPI document, assembled from the `#[utoipa::path]` on every
//! handler. `openapi/openapi.json` is this, pretty-printed; a test keeps the
//! two equal.

use crate::http::{
    accounts, blocks, check_ins, encouragements, error, error::ApiError, goals, groups, health,
    matching, me, notifications, partnerships, progress, reports, schema, strategies, views,
};
use actix_web::{HttpResponse, web::Bytes};
use std::sync::OnceLock;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tether API",
        description = "The accountability-partner API behind the Tether app for recovery support groups. \
            Private by default; no shame, no competition; nothing lost, nothing leaked. \
            Errors are RFC 9457 problem documents (application/problem+json).",
        license(name = "Proprietary"),
    ),
    paths(
        health::health,
        health::ready,
        accounts::register,
        accounts::login,
        accounts::refresh,
        accounts::logout,
        me::get,
        me::update,
        me::delete,
        me::export,
        goals::create,
        goals::list,
        goals::get,
        goals::update,
        goals::archive,
        check_ins::put,
        check_ins::get,
        check_ins::list,
        check_ins::delete,
        progress::get,
        groups::create,
        groups::list,
        groups::get,
        groups::join,
        groups::members,
        groups::remove_member,
        groups::set_role,
        groups::rotate_code,
        strategies::list,
        strategies::create,
        strategies::get,
        strategies::mark,
        strategies::unmark,
        strategies::delete,
        encouragements::send,
        encouragements::list,
        reports::create,
        reports::list,
        reports::resolve,
        blocks::create,
        blocks::list,
        blocks::delete,
        notifications::list,
        notifications::read,
        notifications::read_all,
        matching::suggestions,
        matching::pair,
        partnerships::create,
        partnerships::list,
        partnerships::get,
        partnerships::accept,
        partnerships::decline,
        partnerships::cancel,
        partnerships::end,
        partnerships::progress,
    ),
    components(schemas(
        error::Problem,
        schema::TimeZoneName,
        schema::RecoveryFocusName,
        views::QuietHours,
        goals::GoalView,
        check_ins::CheckInView,
        groups::GroupView,
        groups::GroupMemberView,
        strategies::StrategyView,
        encouragements::EncouragementView,
        reports::ReportView,
        blocks::BlockView,
        notifications::NotificationView,
        matching::SuggestionView,
        matching::PairingView,
        partnerships::PartnershipView,
        partnerships::PartnerProgressView,
    )),
    servers((url = "/", description = "The server that serves this document")),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registering, signing in and out"),
        (name = "me", description = "The caller's own account"),
        (name = "goals", description = "Goals a member sets; private unless shared"),
        (name = "check-ins", description = "Day-by-day records and the progress computed from them"),
        (name = "groups", description = "Recovery groups: members only see them"),
        (name = "safety", description = "Blocking, silently, and reporting to facilitators"),
        (name = "partners", description = "Accountability partners: requests, partnerships, and what an active partner sees"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The spec as served at `/openapi.json`.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`: the spec, serialised on first request and shared by
/// every worker after. Each worker holding its own copy of the document
/// (as Swagger UI's service does) cost megabytes for bytes that never
/// change, and a server nobody reads the docs of need not build them.
pub async fn serve() -> Result<HttpResponse, ApiError> {
    static SPEC: OnceLock<Bytes> = OnceLock::new();
    let spec = match SPEC.get() {
        Some(spec) => spec.clone(),
        None => {
            let json =
                serde_json::to_vec(&spec()).map_err(|error| ApiError::Internal(Box::new(error)))?;
            SPEC.get_or_init(|| Bytes::from(json)).clone()
        }
    };
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(spec))
}

/// The spec as committed: pretty JSON with a final newline.
pub fn spec_json() -> Result<String, serde_json::Error> {
    spec().to_pretty_json().map(|json| json + "\n")
}
