//! Building and starting the server from a configuration.

use crate::{
    auth::{access::AccessTokens, key, password::Hasher},
    config::Config,
    db::Db,
    http::{
        self,
        error::{ApiError, FieldErrors},
        json::MAX_BODY,
        throttle::Limits,
    },
    openapi,
    state::AppState,
    sweep, telemetry,
};
use actix_web::{App, HttpServer, dev::Server, middleware::from_fn, web};
use std::{net::SocketAddr, time::Duration};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("TETHER_DATABASE_URL: {0}")]
    Database(#[from] crate::db::DbError),
    /// No signing key.
    #[error(transparent)]
    Key(#[from] key::KeyError),
    /// The address could not be bound.
    #[error("TETHER_BIND: {0}")]
    Bind(#[from] std::io::Error),
}

/// A bound server, ready to serve.
pub struct Running {
    /// Where it listens (port 0 in the configuration becomes a real port).
    pub addr: SocketAddr,
    /// The HTTP server; its handle stops it.
    pub server: Server,
    db: Db,
    sweep_interval: Duration,
}

impl Running {
    /// Serves until the server stops, sweeping beside it.
    pub async fn serve(self) -> std::io::Result<()> {
        let sweep = tokio::spawn(sweep::run(self.db, self.sweep_interval));
        let served = self.server.await;
        sweep.abort();
        served
    }
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Opens the database (applying migrations), binds the address and builds
/// the server. Nothing is served until the returned server is awaited.
pub fn start(config: &Config) -> Result<Running, StartError> {
    // The key first: a missing one is a configuration mistake worth
    // reporting before any connection is tried.
    let secret = key::resolve(config)?;
    let db = Db::open(&config.database, config.db_pool_size.get())?;
    let state = web::Data::new(AppState {
        db: db.clone(),
        tokens: AccessTokens::new(&secret, config.access_token_ttl),
        hasher: Hasher::default(),
        refresh_ttl: config.refresh_token_ttl,
        limits: Limits::new(config, &secret),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY))
            .app_data(web::PathConfig::default().error_handler(|error, _| {
                ApiError::BadRequest(format!("A path parameter is not valid: {error}.")).into()
            }))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                // Every query field is read as text and parsed by its
                // handler; all that fails here is a field given twice,
                // which serde names between backticks.
                let message = error.to_string();
                let field = message.split('`').nth(1).unwrap_or("query");
                ApiError::Validation(FieldErrors::one(field, "must be given once")).into()
            }))
            .configure(http::routes)
            .service(web::resource("/openapi.json").route(web::get().to(openapi::serve)))
            .service(
                SwaggerUi::new("/docs/{_:.*}")
                    // Swagger UI would otherwise send our spec to
                    // validator.swagger.io from every browser that opens
                    // the docs: a third party learning who reads them.
                    .config(SwaggerConfig::new(["/openapi.json"]).validator_url("none")),
            )
            .service(web::redirect("/docs", "/docs/").permanent())
            .default_service(web::to(http::not_found))
            .wrap(from_fn(http::headers::secure))
            .wrap(from_fn(telemetry::request_span))
    })
    .workers(usize::try_from(config.workers.get()).unwrap_or(1))
    // Blocking work is a unit of database work (which holds a pooled
    // connection) or a password hash (bounded by cores): more threads than
    // that per worker would only wait, each with a stack of its own.
    .worker_max_blocking_threads(
        usize::try_from(config.db_pool_size.get() + crate::config::cores()).unwrap_or(8),
    )
    .bind(config.bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("bound to no address"))?;
    Ok(Running {
        addr,
        server: server.run(),
        db,
        sweep_interval: config.sweep_interval,
    })
}
