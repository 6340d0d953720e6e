//! Settings from `TETHER_*` environment variables, each with an embedded
//! default, parsed once at start-up so that a bad value stops the server
//! with a message naming the variable instead of failing on first use.

use std::{fmt, net::SocketAddr, num::NonZeroU32, path::PathBuf, time::Duration};

/// Everything the server needs to know before it starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Where the data lives.
    pub database: DatabaseUrl,
    /// The HS256 key for access tokens; `None` means "generate one beside the
    /// SQLite file" and is refused on PostgreSQL.
    pub jwt_secret: Option<String>,
    /// How long an access token is valid.
    pub access_token_ttl: Duration,
    /// How long a refresh token is valid after it is issued.
    pub refresh_token_ttl: Duration,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// Register, login and refresh calls per minute from one client address.
    pub auth_rate: NonZeroU32,
    /// Wrong passwords per account and client address in 15 minutes before
    /// further tries from there get 429.
    pub login_failures: NonZeroU32,
    /// Wrong passwords per account from all addresses in 15 minutes before
    /// further tries from anywhere get 429.
    pub account_failures: NonZeroU32,
    /// How often the sweep deletes what has expired.
    pub sweep_interval: Duration,
    /// HTTP worker threads.
    pub workers: NonZeroU32,
    /// Database connections in the pool.
    pub db_pool_size: NonZeroU32,
}

/// The database to use, chosen by the URL's scheme and by nothing else.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed to libpq as it is.
    Postgres(String),
}

impl fmt::Debug for DatabaseUrl {
    // A PostgreSQL URL may carry a password: never print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
            Self::Postgres(_) => f.write_str("Postgres(..)"),
        }
    }
}

/// How log lines look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object a line, for log collectors.
    Json,
}

/// A setting that cannot be used, with the variable that holds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub var: &'static str,
    /// What is wrong with it, in one line.
    pub message: String,
}

impl ConfigError {
    fn new(var: &'static str, message: impl Into<String>) -> Self {
        Self {
            var,
            message: message.into(),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass their own.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str| lookup(var).filter(|value| !value.trim().is_empty());
        Ok(Self {
            bind: parse_var("TETHER_BIND", get("TETHER_BIND"), "127.0.0.1:8080", |raw| {
                raw.parse::<SocketAddr>()
                    .map_err(|_| "expected an address and port such as 127.0.0.1:8080".into())
            })?,
            database: parse_var(
                "TETHER_DATABASE_URL",
                get("TETHER_DATABASE_URL"),
                "sqlite://tether.db",
                DatabaseUrl::parse,
            )
            .map_err(|error| ConfigError {
                message: redact_password(
                    &lookup("TETHER_DATABASE_URL").unwrap_or_default(),
                    &error.message,
                ),
                ..error
            })?,
            jwt_secret: match get("TETHER_JWT_SECRET") {
                Some(secret) if secret.len() < 32 => {
                    return Err(ConfigError::new(
                        "TETHER_JWT_SECRET",
                        "must be at least 32 characters",
                    ));
                }
                secret => secret,
            },
            access_token_ttl: parse_var(
                "TETHER_ACCESS_TOKEN_TTL",
                get("TETHER_ACCESS_TOKEN_TTL"),
                "15m",
                parse_duration,
            )?,
            refresh_token_ttl: parse_var(
                "TETHER_REFRESH_TOKEN_TTL",
                get("TETHER_REFRESH_TOKEN_TTL"),
                "30d",
                parse_duration,
            )?,
            log_format: parse_var(
                "TETHER_LOG_FORMAT",
                get("TETHER_LOG_FORMAT"),
                "pretty",
                |raw| match raw {
                    "pretty" => Ok(LogFormat::Pretty),
                    "json" => Ok(LogFormat::Json),
                    _ => Err("expected pretty or json".into()),
                },
            )?,
            auth_rate: parse_var(
                "TETHER_AUTH_RATE",
                get("TETHER_AUTH_RATE"),
                "30",
                parse_count,
            )?,
            login_failures: parse_var(
                "TETHER_LOGIN_FAILURES",
                get("TETHER_LOGIN_FAILURES"),
                "10",
                parse_count,
            )?,
            account_failures: parse_var(
                "TETHER_ACCOUNT_FAILURES",
                get("TETHER_ACCOUNT_FAILURES"),
                "100",
                parse_count,
            )?,
            sweep_interval: parse_var(
                "TETHER_SWEEP_INTERVAL",
                get("TETHER_SWEEP_INTERVAL"),
                "5m",
                parse_duration,
            )?,
            workers: parse_var(
                "TETHER_WORKERS",
                get("TETHER_WORKERS"),
                &cores().to_string(),
                parse_count,
            )?,
            db_pool_size: parse_var(
                "TETHER_DB_POOL_SIZE",
                get("TETHER_DB_POOL_SIZE"),
                &(2 * cores() + 2).to_string(),
                parse_count,
            )?,
        })
    }
}

fn parse_var<T>(
    var: &'static str,
    value: Option<String>,
    default: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    let raw = value.as_deref().unwrap_or(default).trim();
    parse(raw).map_err(|message| ConfigError::new(var, format!("{message} (got {raw:?})")))
}

/// `text` with the password that `url` carries, if any, replaced by `***`:
/// start-up errors name the URL, and logs must never hold its secret.
pub fn redact_password(url: &str, text: &str) -> String {
    let mut secrets = Vec::new();
    // scheme://user:password@host/...
    if let Some((_, rest)) = url.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
        {
            secrets.push(password);
        }
    }
    // ...?password=secret&...
    if let Some((_, query)) = url.split_once('?') {
        secrets.extend(
            query
                .split('&')
                .filter_map(|pair| pair.strip_prefix("password=")),
        );
    }
    secrets
        .into_iter()
        .filter(|secret| !secret.is_empty())
        .fold(text.to_owned(), |text, secret| text.replace(secret, "***"))
}

impl DatabaseUrl {
    /// `text` without this URL's password.
    pub fn redact(&self, text: &str) -> String {
        match self {
            Self::Sqlite(_) => text.to_owned(),
            Self::Postgres(url) => redact_password(url, text),
        }
    }

    /// `sqlite://path`, `sqlite:path` (relative or absolute), or a
    /// `postgres://` / `postgresql://` URL.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .ok_or_else(|| String::from("expected a sqlite:// or postgres:// URL"))?;
        if path.is_empty() || path.contains('?') {
            return Err("expected a file path after sqlite://".into());
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }
}

/// `90s`, `15m`, `12h` or `30d`.
fn parse_duration(raw: &str) -> Result<Duration, String> {
    let error = || String::from("expected a whole number with a unit s, m, h or d, such as 15m");
    let unit_at = raw.find(|c: char| !c.is_ascii_digit()).ok_or_else(error)?;
    let (number, unit) = raw.split_at(unit_at);
    let number: u64 = number.parse().map_err(|_| error())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(error()),
    };
    match number.checked_mul(seconds) {
        Some(0) => Err("must be longer than zero".into()),
        Some(total) => Ok(Duration::from_secs(total)),
        None => Err(error()),
    }
}

/// The cores this process may use: the defaults of the worker count and
/// the pool size follow from them.
pub fn cores() -> u32 {
    std::thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

fn parse_count(raw: &str) -> Result<NonZeroU32, String> {
    raw.parse()
        .map_err(|_| String::from("expected a whole number greater than zero"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_settings() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.bind, "127.0.0.1:8080".parse().expect("address"));
        assert_eq!(config.database, DatabaseUrl::Sqlite("tether.db".into()));
        assert_eq!(config.access_token_ttl, Duration::from_secs(900));
        assert_eq!(config.refresh_token_ttl, Duration::from_secs(30 * 86_400));
        assert_eq!(config.log_format, LogFormat::Pretty);
        assert_eq!(config.auth_rate.get(), 30);
        assert_eq!(config.login_failures.get(), 10);
        assert_eq!(config.account_failures.get(), 100);
        assert_eq!(config.sweep_interval, Duration::from_secs(300));
        assert_eq!(config.workers.get(), cores());
        assert_eq!(config.db_pool_size.get(), 2 * cores() + 2);
        assert_eq!(config.jwt_secret, None);
    }

    #[test]
    fn the_scheme_picks_the_database() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/tether/t.db"),
            Ok(DatabaseUrl::Sqlite("/var/lib/tether/t.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://u@h/db").is_err());
    }

    #[test]
    fn a_bad_setting_names_its_variable() {
        for (var, value) in [
            ("TETHER_BIND", "localhost"),
            ("TETHER_DATABASE_URL", "tether.db"),
            ("TETHER_ACCESS_TOKEN_TTL", "15 minutes"),
            ("TETHER_REFRESH_TOKEN_TTL", "0d"),
            ("TETHER_LOG_FORMAT", "xml"),
            ("TETHER_AUTH_RATE", "0"),
            ("TETHER_LOGIN_FAILURES", "many"),
            ("TETHER_ACCOUNT_FAILURES", "-1"),
            ("TETHER_WORKERS", "0"),
            ("TETHER_DB_POOL_SIZE", "lots"),
            ("TETHER_JWT_SECRET", "short"),
        ] {
            let error = config(&[(var, value)]).expect_err(var);
            assert_eq!(error.var, var);
            assert!(error.to_string().starts_with(var), "{error}");
            assert!(!error.to_string().contains('\n'));
        }
    }

    #[test]
    fn a_bad_database_url_is_reported_without_its_password() {
        for url in [
            "mysql://tether:hunter2@db/tether",
            "postgres://tether:hunter2@db/tether?sslmode=require",
            "postgresql://db/tether?user=tether&password=hunter2",
        ] {
            assert!(!redact_password(url, url).contains("hunter2"), "{url}");
        }
        let error = config(&[("TETHER_DATABASE_URL", "mysql://tether:hunter2@db/tether")])
            .expect_err("not a database we serve");
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(
            error.to_string().contains("mysql://tether:***@db"),
            "{error}"
        );
    }

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7_200)));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("m").is_err());
    }
}
