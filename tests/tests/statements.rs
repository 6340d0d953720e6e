//! How many SQL statements each request issues, counted on the server's own
//! connections (diesel's instrumentation), on SQLite and, with
//! `TETHER_TEST_POSTGRES_URL`, on PostgreSQL. The hot paths have ceilings a
//! regression fails, set at what they take today (a check-in PUT 3, where
//! 5 would be allowed, 2 round trips when it reaches no new milestone, 1
//! when it repeats the day's check-in;
//! a progress GET 1, where 2 would be), so that any growth shows; every
//! read is held to writing nothing. A binary of its
//! own, so that no other test's requests are counted.

#![allow(clippy::unwrap_used)]

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::{Mutex, PoisonError};
use tether_tests::{Account, Store, TestApp};

/// Every statement the server has issued since the last [`take`].
static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            STATEMENTS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(query.to_string());
        }
    }))
}

fn take() -> Vec<String> {
    std::mem::take(&mut *STATEMENTS.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Transaction control is not work: what counts is what runs inside.
fn is_work(statement: &str) -> bool {
    let head = statement.trim_start().to_ascii_uppercase();
    !["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"]
        .iter()
        .any(|control| head.starts_with(control))
}

fn writes(statement: &str) -> bool {
    let head = statement.trim_start().to_ascii_uppercase();
    [
        "INSERT",
        "UPDATE",
        "DELETE",
        "BEGIN IMMEDIATE",
        "BEGIN ISOLATION",
    ]
    .iter()
    .any(|write| head.starts_with(write))
        || head.contains("FOR UPDATE")
}

struct Call {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
    /// The most statements it may issue, for the paths held to a ceiling.
    ceiling: Option<usize>,
    /// The most round trips it may take, transaction control included.
    trips: Option<usize>,
}

fn call(name: &'static str, method: Method, path: String, body: Option<Value>) -> Call {
    Call {
        name,
        method,
        path,
        body,
        ceiling: None,
        trips: None,
    }
}

async fn send(app: &TestApp, who: &Account, call: &Call) -> u16 {
    let mut request = app.authed(call.method.clone(), &call.path, &who.access);
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn each_request_issues_few_statements_and_reads_write_nothing() {
    set_default_instrumentation(record).unwrap();
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    // A quit goal two weeks old with a history: progress has milestones.
    let probe = app.daily_goal(&sam).await;
    let today: chrono::NaiveDate = probe.1.parse().unwrap();
    let started = (today - chrono::Days::new(13)).to_string();
    let goal = app
        .create_goal(
            &sam,
            json!({"title": "No alcohol", "kind": "quit", "cadence": {"type": "daily"}, "started_on": started}),
        )
        .await;
    let id = goal["id"].as_str().unwrap();
    for days in 1..=10 {
        let day = (today - chrono::Days::new(days)).to_string();
        let response = app
            .check_in(&sam, id, &day, json!({"status": "done"}))
            .await;
        assert_eq!(response.status(), 201);
    }
    // A partner in a group with a strategy on its board: the groups and
    // partners reads have something to read.
    let ana = app.register("ana").await;
    let partnership = app.partners(&sam, &ana).await;
    let group = app.get_json(&sam, "/v1/groups").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shared = app
        .send_json(
            Method::POST,
            &format!("/v1/groups/{group}/strategies"),
            &ana,
            json!({"title": "Breathe", "body": "Slowly."}),
        )
        .await;
    assert_eq!(shared.status(), 201);
    let strategy = shared.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let day = |days: u64| (today - chrono::Days::new(days)).to_string();
    let goal_path = format!("/v1/goals/{id}");
    let check_in = json!({"status": "done", "note": "a good day", "mood": 4});
    let calls = [
        Call {
            ceiling: Some(3),
            ..call(
                "PUT a check-in (new, a milestone)",
                Method::PUT,
                format!("{goal_path}/check-ins/{today}"),
                Some(check_in.clone()),
            )
        },
        Call {
            ceiling: Some(3),
            // A write that reaches no new milestone is its one statement.
            trips: Some(2),
            ..call(
                "PUT a check-in (new, no milestone)",
                Method::PUT,
                format!("{goal_path}/check-ins/{}", day(11)),
                Some(json!({"status": "done"})),
            )
        },
        Call {
            ceiling: Some(3),
            // A phone's retry: the read finds the day says it already.
            trips: Some(1),
            ..call(
                "PUT a check-in (the same again)",
                Method::PUT,
                format!("{goal_path}/check-ins/{today}"),
                Some(check_in),
            )
        },
        Call {
            ceiling: Some(3),
            trips: Some(2),
            ..call(
                "PUT a check-in (replacing)",
                Method::PUT,
                format!("{goal_path}/check-ins/{}", day(1)),
                Some(json!({"status": "slipped"})),
            )
        },
        Call {
            ceiling: Some(1),
            ..call(
                "GET progress",
                Method::GET,
                format!("{goal_path}/progress"),
                None,
            )
        },
        call("GET /v1/me", Method::GET, "/v1/me".into(), None),
        call(
            "GET /v1/me/export",
            Method::GET,
            "/v1/me/export".into(),
            None,
        ),
        call("GET /v1/goals", Method::GET, "/v1/goals".into(), None),
        call("GET a goal", Method::GET, goal_path.clone(), None),
        call(
            "GET check-ins",
            Method::GET,
            format!("{goal_path}/check-ins"),
            None,
        ),
        call(
            "GET a check-in",
            Method::GET,
            format!("{goal_path}/check-ins/{}", day(2)),
            None,
        ),
        call("GET /v1/groups", Method::GET, "/v1/groups".into(), None),
        call(
            "GET a group",
            Method::GET,
            format!("/v1/groups/{group}"),
            None,
        ),
        call(
            "GET a group's members",
            Method::GET,
            format!("/v1/groups/{group}/members"),
            None,
        ),
        call(
            "GET a group's strategies",
            Method::GET,
            format!("/v1/groups/{group}/strategies"),
            None,
        ),
        call(
            "GET a strategy",
            Method::GET,
            format!("/v1/strategies/{strategy}"),
            None,
        ),
        call(
            "GET partner suggestions",
            Method::GET,
            "/v1/partners/suggestions".into(),
            None,
        ),
        call(
            "GET /v1/partnerships",
            Method::GET,
            "/v1/partnerships".into(),
            None,
        ),
        call(
            "GET a partnership",
            Method::GET,
            format!("/v1/partnerships/{partnership}"),
            None,
        ),
        call(
            "GET a partner's progress",
            Method::GET,
            format!("/v1/partnerships/{partnership}/progress"),
            None,
        ),
        call(
            "PATCH /v1/me",
            Method::PATCH,
            "/v1/me".into(),
            Some(json!({"bio": "hello"})),
        ),
        call(
            "PATCH a goal",
            Method::PATCH,
            goal_path.clone(),
            Some(json!({"title": "No alcohol, one day at a time"})),
        ),
        call(
            "DELETE a check-in",
            Method::DELETE,
            format!("{goal_path}/check-ins/{}", day(3)),
            None,
        ),
    ];
    take();
    let mut table = String::from(
        "\nwhat a request issues: statements (BEGIN and COMMIT not counted), round trips (counted)\n",
    );
    let mut failures = Vec::new();
    for call in &calls {
        let status = send(&app, &sam, call).await;
        assert!((200..300).contains(&status), "{}: {status}", call.name);
        let statements = take();
        let work: Vec<&String> = statements.iter().filter(|s| is_work(s)).collect();
        let limits: Vec<String> = [
            call.ceiling.map(|c| format!("statements at most {c}")),
            call.trips.map(|t| format!("round trips at most {t}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        table.push_str(&format!(
            "  {:<34} {:>2} {:>2}  {}\n",
            call.name,
            work.len(),
            statements.len(),
            limits.join(", ")
        ));
        if call.ceiling.is_some_and(|ceiling| work.len() > ceiling) {
            failures.push(format!("{} issued {}: {work:#?}", call.name, work.len()));
        }
        if call.trips.is_some_and(|trips| statements.len() > trips) {
            failures.push(format!(
                "{} took {} round trips: {statements:#?}",
                call.name,
                statements.len()
            ));
        }
        if call.method == Method::GET
            && let Some(write) = statements.iter().find(|s| writes(s))
        {
            failures.push(format!("{} writes: {write}", call.name));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n"));
}
