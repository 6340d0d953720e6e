//! The `tether` command: `serve` (the default), `migrate`, `openapi`.

use std::process::ExitCode;

// jemalloc, with a background thread that gives freed memory back to the
// system within a second (its settings are baked in at build time, see
// .cargo/config.toml): a burst of password hashes (argon2 takes 19 MiB
// each) no longer leaves the process holding hundreds of megabytes in the
// C allocator's per-thread arenas, and an idle server shrinks back without
// waiting for the next request to trigger a purge.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
use tether_api::{app, config::Config, db::Db, openapi, telemetry};

const USAGE: &str = "usage: tether [serve | migrate | openapi]

  serve    apply migrations and serve the API (the default)
  migrate  apply pending migrations and exit
  openapi  print the OpenAPI document

Settings come from TETHER_* environment variables; see the README.";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    if command.as_deref() == Some("openapi") {
        return match openapi::spec_json() {
            Ok(json) => {
                print!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(error),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail(error),
    };
    telemetry::init(config.log_format);
    match command.as_deref() {
        None | Some("serve") => serve(&config),
        // Opening the database applies what is pending.
        Some("migrate") => match Db::open(&config.database, 1) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => fail(format!("TETHER_DATABASE_URL: {error}")),
        },
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => fail(format!("unknown command {other:?}\n{USAGE}")),
    }
}

fn serve(config: &Config) -> ExitCode {
    let running = match app::start(config) {
        Ok(running) => running,
        Err(error) => return fail(error),
    };
    tracing::info!(
        addr = %running.addr,
        database = ?config.database,
        docs = %format!("http://{}/docs/", running.addr),
        "serving; the API is described at /openapi.json and browsable at /docs/"
    );
    match actix_web::rt::System::new().block_on(running.serve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("tether: {error}");
    ExitCode::from(2)
}
