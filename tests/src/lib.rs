//! The harness for Tether's black-box tests: a real server on 127.0.0.1
//! port 0, over a database of its own (an SQLite file in a temporary folder,
//! or, when `TETHER_TEST_POSTGRES_URL` is set, a fresh schema in that
//! PostgreSQL database), spoken to over real HTTP.

#![allow(clippy::unwrap_used, missing_debug_implementations)]

use diesel::{
    Connection, QueryableByName, RunQueryDsl, pg::PgConnection, sql_query, sql_types::BigInt,
    sqlite::SqliteConnection,
};
use serde_json::{Value, json};
use std::{collections::HashMap, path::PathBuf};
use tether_api::config::Config;

/// The variable naming a PostgreSQL database to run the tests on.
pub const POSTGRES_VAR: &str = "TETHER_TEST_POSTGRES_URL";

/// The signing key every test server uses unless a test says otherwise.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A password that every builder-made member has.
pub const PASSWORD: &str = "correct horse battery staple";

/// Where a test server keeps its data.
pub enum Store {
    /// A file in a temporary folder, removed with it.
    Sqlite {
        dir: tempfile::TempDir,
        path: PathBuf,
    },
    /// A schema of its own in the test database, dropped at the end.
    Postgres { admin_url: String, schema: String },
}

impl Store {
    /// A fresh, empty store on the backend the environment selects.
    pub fn new() -> Self {
        match std::env::var(POSTGRES_VAR) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
                let mut conn = connect_creating(&admin_url);
                sql_query(format!("CREATE SCHEMA {schema}"))
                    .execute(&mut conn)
                    .unwrap();
                Store::Postgres { admin_url, schema }
            }
            _ => Self::sqlite(),
        }
    }

    /// A fresh SQLite file, whatever the environment selects: for what
    /// only the embedded default has (files on disk).
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tether.db");
        Store::Sqlite { dir, path }
    }

    /// The `TETHER_DATABASE_URL` of this store.
    pub fn url(&self) -> String {
        match self {
            Store::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Store::Postgres { admin_url, schema } => {
                let joiner = if admin_url.contains('?') { '&' } else { '?' };
                format!("{admin_url}{joiner}options=-csearch_path%3D{schema}")
            }
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Store::Postgres { .. })
    }

    /// The application's tables (not the migration bookkeeping).
    pub fn tables(&self) -> Vec<String> {
        #[derive(QueryableByName)]
        struct Name {
            #[diesel(sql_type = diesel::sql_types::Text)]
            name: String,
        }
        let rows: Vec<Name> = match self {
            Store::Sqlite { path, .. } => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                sql_query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
                )
                .load(&mut conn)
                .unwrap()
            }
            Store::Postgres { .. } => sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name <> '__diesel_schema_migrations'",
            )
            .load(&mut self.pg())
            .unwrap(),
        };
        let mut names: Vec<String> = rows.into_iter().map(|row| row.name).collect();
        names.sort();
        names
    }

    /// How many rows `table` holds.
    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let query = sql_query(format!("SELECT COUNT(*) AS n FROM {table}"));
        let rows: Vec<Count> = match self {
            Store::Sqlite { path, .. } => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                query.load(&mut conn).unwrap()
            }
            Store::Postgres { .. } => query.load(&mut self.pg()).unwrap(),
        };
        rows[0].n
    }

    /// Runs SQL straight on the store, behind the server's back.
    pub fn execute(&self, sql: &str) {
        match self {
            Store::Sqlite { path, .. } => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
                sql_query(sql).execute(&mut conn).unwrap();
            }
            Store::Postgres { .. } => {
                sql_query(sql).execute(&mut self.pg()).unwrap();
            }
        }
    }

    fn pg(&self) -> PgConnection {
        PgConnection::establish(&self.url()).unwrap()
    }
}

/// Connects to the test database, creating it first if the server has no
/// database of that name yet, so the README's command works on a fresh
/// machine.
fn connect_creating(url: &str) -> PgConnection {
    static CREATED: std::sync::Once = std::sync::Once::new();
    CREATED.call_once(|| {
        if PgConnection::establish(url).is_ok() {
            return;
        }
        let Some((server, name)) = split_database(url) else {
            return;
        };
        if let Ok(mut conn) = PgConnection::establish(&server) {
            // Another test process may create it at the same moment: the
            // connection below is what must succeed.
            let _ = sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut conn);
        }
    });
    PgConnection::establish(url)
        .expect("TETHER_TEST_POSTGRES_URL should name a PostgreSQL server the tests may create a database on")
}

/// The URL of the same server's `postgres` database, and the name of the
/// database `url` names.
fn split_database(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let (authority, path) = rest.split_once('/')?;
    let (name, query) = path
        .split_once('?')
        .map_or((path, None), |(n, q)| (n, Some(q)));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Some((
        format!("{scheme}://{authority}/postgres{query}"),
        name.to_owned(),
    ))
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Store::Postgres { admin_url, schema } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&mut conn);
        }
    }
}

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A plain HTTP client.
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the workers wind down on their own.
        drop(self.handle.stop(false));
    }
}

/// The settings a test server runs with, over `store`, changed by `vars`.
pub fn config(store: &Store, vars: &[(&str, &str)]) -> Config {
    let mut all: HashMap<String, String> = HashMap::from([
        ("TETHER_BIND".into(), "127.0.0.1:0".into()),
        ("TETHER_DATABASE_URL".into(), store.url()),
        ("TETHER_JWT_SECRET".into(), TEST_SECRET.into()),
        ("TETHER_AUTH_RATE".into(), "10000".into()),
        ("TETHER_LOGIN_FAILURES".into(), "10000".into()),
    ]);
    for (name, value) in vars {
        all.insert((*name).into(), (*value).into());
    }
    Config::from_lookup(|name| all.get(name).cloned()).unwrap()
}

impl TestApp {
    /// Starts a server on a fresh store with the test defaults.
    pub async fn spawn(store: &Store) -> Self {
        Self::spawn_with(store, &[]).await
    }

    /// Starts a server over `store` with some settings changed.
    pub async fn spawn_with(store: &Store, vars: &[(&str, &str)]) -> Self {
        Self::spawn_config(config(store, vars)).await
    }

    /// Starts a server with exactly this configuration.
    pub async fn spawn_config(config: Config) -> Self {
        let running = tether_api::app::start(&config).unwrap();
        let handle = running.server.handle();
        let base = format!("http://{}", running.addr);
        tokio::spawn(running.serve());
        Self {
            base,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            handle,
        }
    }

    /// A client whose requests come from `ip` (any of 127.0.0.0/8 reaches
    /// the server on loopback): another client address, for throttles.
    pub fn client_from(&self, ip: &str) -> reqwest::Client {
        reqwest::Client::builder()
            .local_address(ip.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap()
    }

    /// The full URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request with no credentials.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request as `token`'s bearer.
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    /// Registers a member named `name` (email `name@example.org`).
    pub async fn register(&self, name: &str) -> Account {
        let response = self
            .request(reqwest::Method::POST, "/v1/auth/register")
            .json(&json!({
                "email": format!("{name}@example.org"),
                "password": PASSWORD,
                "display_name": name,
                "timezone": "Europe/Berlin",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "registering {name}");
        Account::from_session(&response.json::<Value>().await.unwrap(), name)
    }
}

impl TestApp {
    /// Creates a goal for `account`, with a fresh idempotency key as the app
    /// sends one, and returns its view.
    pub async fn create_goal(&self, account: &Account, body: Value) -> Value {
        let response = self
            .authed(reqwest::Method::POST, "/v1/goals", &account.access)
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "creating a goal");
        response.json().await.unwrap()
    }

    /// A daily build goal for `account`, started today: its id and today's
    /// date as the member lives it.
    pub async fn daily_goal(&self, account: &Account) -> (String, String) {
        let goal = self
            .create_goal(
                account,
                json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}}),
            )
            .await;
        (
            goal["id"].as_str().unwrap().to_owned(),
            goal["started_on"].as_str().unwrap().to_owned(),
        )
    }

    /// PUTs a check-in.
    pub async fn check_in(
        &self,
        account: &Account,
        goal: &str,
        date: &str,
        body: Value,
    ) -> reqwest::Response {
        self.authed(
            reqwest::Method::PUT,
            &format!("/v1/goals/{goal}/check-ins/{date}"),
            &account.access,
        )
        .json(&body)
        .send()
        .await
        .unwrap()
    }

    /// Sends a request without a body as `account`.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        account: &Account,
    ) -> reqwest::Response {
        self.authed(method, path, &account.access)
            .send()
            .await
            .unwrap()
    }

    /// GETs `path` as `account`, expecting 200, and reads the JSON.
    pub async fn get_json(&self, account: &Account, path: &str) -> Value {
        let response = self
            .authed(reqwest::Method::GET, path, &account.access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A goal's progress.
    pub async fn progress(&self, account: &Account, goal: &str) -> Value {
        self.get_json(account, &format!("/v1/goals/{goal}/progress"))
            .await
    }
}

impl TestApp {
    /// Sends `body` as JSON with `method` to `path` as `account`.
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        account: &Account,
        body: Value,
    ) -> reqwest::Response {
        self.authed(method, path, &account.access)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Changes `account`'s profile, expecting 200.
    pub async fn update_profile(&self, account: &Account, body: Value) {
        let response = self
            .send_json(reqwest::Method::PATCH, "/v1/me", account, body)
            .await;
        assert_eq!(response.status(), 200, "updating a profile");
    }

    /// A group `account` creates and facilitates (focus alcohol): its view.
    pub async fn create_group(&self, account: &Account, name: &str) -> Value {
        let response = self
            .authed(reqwest::Method::POST, "/v1/groups", &account.access)
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .json(&json!({"name": name, "focus": "alcohol"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "creating a group");
        response.json().await.unwrap()
    }

    /// `account` joins the group `code` opens, expecting 200: its view.
    pub async fn join_group(&self, account: &Account, code: &str) -> Value {
        let response = self
            .send_json(
                reqwest::Method::POST,
                "/v1/groups/join",
                account,
                json!({"invite_code": code}),
            )
            .await;
        assert_eq!(response.status(), 200, "joining a group");
        response.json().await.unwrap()
    }

    /// A group `facilitator` created with every one of `members` in it:
    /// the group's id.
    pub async fn group_of(&self, facilitator: &Account, members: &[&Account]) -> String {
        let group = self.create_group(facilitator, "Evening circle").await;
        for member in members {
            self.join_group(member, group["invite_code"].as_str().unwrap())
                .await;
        }
        group["id"].as_str().unwrap().to_owned()
    }

    /// `from` asks `to`, who must be open to partnering, to partner up in
    /// `group`, expecting 201: the request's view.
    pub async fn request_partner(&self, from: &Account, to: &Account, group: &str) -> Value {
        let response = self
            .send_json(
                reqwest::Method::POST,
                "/v1/partnerships",
                from,
                json!({"member_id": to.id, "group_id": group, "message": "Shall we?"}),
            )
            .await;
        assert_eq!(response.status(), 201, "requesting a partnership");
        response.json().await.unwrap()
    }

    /// `a` and `b` as active partners in a fresh group `a` facilitates:
    /// the partnership's id.
    pub async fn partners(&self, a: &Account, b: &Account) -> String {
        let group = self.group_of(a, &[b]).await;
        self.update_profile(b, json!({"open_to_partnering": true}))
            .await;
        let request = self.request_partner(a, b, &group).await;
        let id = request["id"].as_str().unwrap().to_owned();
        let response = self
            .call(
                reqwest::Method::POST,
                &format!("/v1/partnerships/{id}/accept"),
                b,
            )
            .await;
        assert_eq!(response.status(), 200, "accepting a partnership");
        id
    }
}

/// A registered member and their current tokens.
#[derive(Debug, Clone)]
pub struct Account {
    /// Member id.
    pub id: String,
    /// Login email.
    pub email: String,
    /// Current access token.
    pub access: String,
    /// Current refresh token.
    pub refresh: String,
}

impl Account {
    /// Reads a session answer.
    pub fn from_session(session: &Value, name: &str) -> Self {
        Self {
            id: session["member"]["id"].as_str().unwrap().to_owned(),
            email: format!("{name}@example.org"),
            access: session["access_token"].as_str().unwrap().to_owned(),
            refresh: session["refresh_token"].as_str().unwrap().to_owned(),
        }
    }
}

/// Reads a problem answer and checks its envelope.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "content type"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:tether:problem:")
    );
    assert!(body["title"].is_string());
    assert!(body["detail"].is_string());
    body
}

/// The names of the fields a validation problem complains about.
pub fn bad_fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> = problem["errors"]
        .as_object()
        .expect("a validation problem lists its fields")
        .keys()
        .cloned()
        .collect();
    fields.sort();
    fields
}
