//! Goals: creating, listing, changing, archiving, and who may touch them.

use chrono::{Days, NaiveDate};
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Store, TestApp, bad_fields, problem};

fn walk() -> Value {
    json!({"title": "Walk for 20 minutes", "kind": "build", "cadence": {"type": "daily"}})
}

#[tokio::test]
async fn create_each_kind_of_goal() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;

    let response = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .json(&walk())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let goal: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/goals/{}", goal["id"].as_str().unwrap())
    );
    assert_eq!(goal["visibility"], "private", "private by default");
    assert_eq!(goal["cadence"], json!({"type": "daily"}));
    assert_eq!(goal["reminder_time"], Value::Null);
    let today = app.progress(&sam, goal["id"].as_str().unwrap()).await["today"].clone();
    assert_eq!(goal["started_on"], today, "starts today unless told");

    let quit = app
        .create_goal(
            &sam,
            json!({
                "title": "  No alcohol  ", "kind": "quit", "cadence": {"type": "daily"},
                "description": "One day at a time.", "reminder_time": "21:00",
                "visibility": "partners", "started_on": "2026-01-01",
            }),
        )
        .await;
    assert_eq!(quit["title"], "No alcohol");
    assert_eq!(quit["kind"], "quit");
    assert_eq!(quit["cadence"], json!({"type": "daily"}));
    assert_eq!(quit["reminder_time"], "21:00");
    assert_eq!(quit["visibility"], "partners");
    assert_eq!(quit["started_on"], "2026-01-01");
    let days = app
        .create_goal(
            &sam,
            json!({"title": "Meeting", "kind": "build", "cadence": {"type": "days", "days": ["thu", "mon", "thu"]}}),
        )
        .await;
    assert_eq!(
        days["cadence"],
        json!({"type": "days", "days": ["mon", "thu"]})
    );
    // Every day kept away counts: a quit goal is daily.
    for cadence in [
        json!({"type": "weekly", "times": 7}),
        json!({"type": "days", "days": ["mon"]}),
    ] {
        let response = app
            .authed(Method::POST, "/v1/goals", &sam.access)
            .json(&json!({"title": "No alcohol", "kind": "quit", "cadence": cadence}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad_fields(&problem(response, 422).await), ["cadence"]);
    }

    let fetched: Value = app
        .get_json(&sam, &format!("/v1/goals/{}", quit["id"].as_str().unwrap()))
        .await;
    assert_eq!(fetched, quit);
    let list: Value = app.get_json(&sam, "/v1/goals").await;
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["id"])
        .collect();
    assert_eq!(ids, [&goal["id"], &quit["id"], &days["id"]], "oldest first");
    assert_eq!(list["next_cursor"], Value::Null);
}

#[tokio::test]
async fn create_names_every_bad_field() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let response = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .json(&json!({
            "title": "   ",
            "description": "x".repeat(1001),
            "kind": "grow",
            "cadence": {"type": "weekly", "times": 9},
            "reminder_time": "25:00",
            "visibility": "public",
            "started_on": "2999-01-01",
        }))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(
        bad_fields(&body),
        [
            "cadence.times",
            "description",
            "kind",
            "reminder_time",
            "started_on",
            "title",
            "visibility"
        ]
    );
    assert_eq!(body["errors"]["started_on"][0], "must not be in the future");
    for cadence in [
        json!({"type": "days", "days": []}),
        json!({"type": "days", "days": ["funday"]}),
        json!({"type": "hourly"}),
        json!({"type": "daily", "times": 3}),
        json!({"type": "weekly"}),
        json!({"type": "weekly", "times": 2.5}),
        json!("daily"),
    ] {
        let mut body = walk();
        body["cadence"] = cadence.clone();
        let response = app
            .authed(Method::POST, "/v1/goals", &sam.access)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = problem(response, 422).await;
        assert!(
            bad_fields(&problem)[0].starts_with("cadence"),
            "{cadence}: {problem}"
        );
    }
    assert_eq!(store.count("goals"), 0);
}

#[tokio::test]
async fn at_most_fifty_active_goals() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let mut first = None;
    for _ in 0..50 {
        let goal = app.create_goal(&sam, walk()).await;
        first.get_or_insert(goal["id"].as_str().unwrap().to_owned());
    }
    let response = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .json(&walk())
        .send()
        .await
        .unwrap();
    problem(response, 409).await;
    // Archiving one makes room.
    let first = first.unwrap();
    let archived = app
        .call(Method::DELETE, &format!("/v1/goals/{first}"), &sam)
        .await;
    assert_eq!(archived.status(), 204);
    app.create_goal(&sam, walk()).await;
}

#[tokio::test]
async fn goals_come_in_pages() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    for _ in 0..3 {
        app.create_goal(&sam, walk()).await;
    }
    let first: Value = app.get_json(&sam, "/v1/goals?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get_json(&sam, &format!("/v1/goals?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_ne!(second["items"][0]["id"], first["items"][1]["id"]);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("cursor=bm9wZQ", "cursor"),
    ] {
        let response = app
            .call(Method::GET, &format!("/v1/goals?{query}"), &sam)
            .await;
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            [field],
            "{query}"
        );
    }
}

#[tokio::test]
async fn patch_changes_what_may_change() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = app.create_goal(&sam, walk()).await;
    let path = format!("/v1/goals/{}", goal["id"].as_str().unwrap());
    let patch = |body: Value| {
        app.authed(Method::PATCH, &path, &sam.access)
            .json(&body)
            .send()
    };

    let changed: Value = patch(json!({
        "title": "Walk for 30 minutes", "description": "After lunch",
        "reminder_time": "13:15", "visibility": "partners",
    }))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(changed["title"], "Walk for 30 minutes");
    assert_eq!(changed["description"], "After lunch");
    assert_eq!(changed["reminder_time"], "13:15");
    assert_eq!(changed["visibility"], "partners");
    assert_eq!(changed["cadence"], goal["cadence"]);
    let cleared: Value = patch(json!({"description": null, "reminder_time": null}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["reminder_time"], Value::Null);
    assert_eq!(cleared["title"], "Walk for 30 minutes");

    let response = patch(json!({"title": "", "visibility": null, "reminder_time": "9:00"}))
        .await
        .unwrap();
    assert_eq!(
        bad_fields(&problem(response, 422).await),
        ["reminder_time", "title", "visibility"]
    );
    // What decides how history is counted cannot change.
    for field in ["kind", "cadence", "started_on"] {
        let response = patch(json!({ field: goal[field] })).await.unwrap();
        assert_eq!(bad_fields(&problem(response, 422).await), [field]);
    }
}

#[tokio::test]
async fn delete_archives_and_keeps_history() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = app.create_goal(&sam, walk()).await;
    let id = goal["id"].as_str().unwrap();
    let today = goal["started_on"].as_str().unwrap();
    assert_eq!(
        app.check_in(&sam, id, today, json!({"status": "done"}))
            .await
            .status(),
        201
    );

    let path = format!("/v1/goals/{id}");
    assert_eq!(app.call(Method::DELETE, &path, &sam).await.status(), 204);
    problem(app.call(Method::DELETE, &path, &sam).await, 404).await;
    problem(app.call(Method::GET, &path, &sam).await, 404).await;
    problem(
        app.check_in(&sam, id, today, json!({"status": "done"}))
            .await,
        404,
    )
    .await;
    let list: Value = app.get_json(&sam, "/v1/goals").await;
    assert_eq!(list["items"], json!([]));

    let export: Value = app.get_json(&sam, "/v1/me/export").await;
    assert_eq!(export["goals"][0]["id"], id);
    assert!(export["goals"][0]["archived_at"].is_string());
    assert_eq!(export["check_ins"][0]["goal_id"], id);
    assert_eq!(export["check_ins"][0]["date"], today);
    assert_eq!(export["milestones"][0]["threshold"], 1);
}

#[tokio::test]
async fn another_members_goal_does_not_exist_for_you() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let goal = app.create_goal(&sam, walk()).await;
    let id = goal["id"].as_str().unwrap();
    let today = goal["started_on"].as_str().unwrap();
    app.check_in(
        &sam,
        id,
        today,
        json!({"status": "done", "note": "private words"}),
    )
    .await;

    let requests = [
        (Method::GET, format!("/v1/goals/{id}"), None),
        (
            Method::PATCH,
            format!("/v1/goals/{id}"),
            Some(json!({"title": "mine now"})),
        ),
        (Method::DELETE, format!("/v1/goals/{id}"), None),
        (
            Method::PUT,
            format!("/v1/goals/{id}/check-ins/{today}"),
            Some(json!({"status": "done"})),
        ),
        (Method::GET, format!("/v1/goals/{id}/check-ins"), None),
        (
            Method::DELETE,
            format!("/v1/goals/{id}/check-ins/{today}"),
            None,
        ),
        (Method::GET, format!("/v1/goals/{id}/progress"), None),
    ];
    for (method, path, body) in &requests {
        let mut request = app.authed(method.clone(), path, &kim.access);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let text = problem(response, 404).await.to_string();
        assert!(
            !text.contains("private words") && !text.contains("Walk"),
            "{method} {path}: {text}"
        );

        let mut anonymous = app.request(method.clone(), path);
        if let Some(body) = body {
            anonymous = anonymous.json(body);
        }
        problem(anonymous.send().await.unwrap(), 401).await;
    }
    // Nothing of sam's changed.
    let mine = app
        .call(Method::GET, &format!("/v1/goals/{id}"), &sam)
        .await;
    assert_eq!(mine.json::<Value>().await.unwrap(), goal);
    assert_eq!(store.count("check_ins"), 1);
    // Kim's own list is empty; an id that is no UUID is simply not there.
    let list: Value = app.get_json(&kim, "/v1/goals").await;
    assert_eq!(list["items"], json!([]));
    problem(
        app.call(Method::GET, "/v1/goals/not-a-uuid", &sam).await,
        404,
    )
    .await;
    problem(
        app.authed(Method::GET, "/v1/goals", "")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

#[tokio::test]
async fn changing_time_zone_does_not_rewrite_history() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = app.create_goal(&sam, walk()).await;
    let id = goal["id"].as_str().unwrap();
    let today: NaiveDate = goal["started_on"].as_str().unwrap().parse().unwrap();
    let response = app
        .check_in(&sam, id, &today.to_string(), json!({"status": "done"}))
        .await;
    assert_eq!(response.status(), 201);
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        let patched = app
            .authed(Method::PATCH, "/v1/me", &sam.access)
            .json(&json!({"timezone": zone}))
            .send()
            .await
            .unwrap();
        assert_eq!(patched.status(), 200);
        let from = today - Days::new(3);
        let to = today + Days::new(3);
        let list: Value = app
            .get_json(
                &sam,
                &format!("/v1/goals/{id}/check-ins?from={from}&to={to}"),
            )
            .await;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert_eq!(
            list["items"][0]["date"],
            today.to_string(),
            "still the day it was recorded for"
        );
    }
}

#[tokio::test]
async fn a_create_sent_again_with_its_key_creates_once() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let post = |account: &tether_tests::Account, key: Option<&str>, body: String| {
        let mut request = app
            .authed(Method::POST, "/v1/goals", &account.access)
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send()
    };
    let body = walk().to_string();

    let first = post(&sam, Some("walk-1"), body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    // The same body, spaced and ordered otherwise: the same request.
    let respaced =
        r#"{ "cadence": {"type": "daily"},  "kind": "build", "title": "Walk for 20 minutes" }"#;
    let again = post(&sam, Some("walk-1"), respaced.to_owned())
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(
        again.json::<Value>().await.unwrap(),
        first,
        "the first answer again"
    );
    assert_eq!(store.count("goals"), 1);

    let other = post(
        &sam,
        Some("walk-1"),
        json!({"title": "Run", "kind": "build", "cadence": {"type": "daily"}}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(bad_fields(&problem(other, 422).await), ["Idempotency-Key"]);
    // Keys are each member's own.
    let kims: Value = post(&kim, Some("walk-1"), body.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(kims["id"], first["id"]);
    // Without a key, each request is a new goal.
    post(&sam, None, body.clone()).await.unwrap();
    post(&sam, None, body.clone()).await.unwrap();
    assert_eq!(store.count("goals"), 4);

    for bad in ["", "has space", &"k".repeat(256)] {
        let response = post(&sam, Some(bad), body.clone()).await.unwrap();
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            ["Idempotency-Key"],
            "{bad:?}"
        );
    }
    let export = app.get_json(&sam, "/v1/me/export").await;
    assert_eq!(export["idempotency_keys"][0]["key"], "walk-1");
    assert_eq!(export["idempotency_keys"][0]["answer"]["id"], first["id"]);
}

#[tokio::test]
async fn racing_retries_with_one_key_create_once() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let request = app
            .authed(Method::POST, "/v1/goals", &sam.access)
            .header("Idempotency-Key", "one-walk")
            .json(&walk());
        racing.spawn(async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()["id"].clone()
        });
    }
    let ids = racing.join_all().await;
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(store.count("goals"), 1);
}

#[tokio::test]
async fn a_patch_that_changes_nothing_leaves_the_goal_as_it_was() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = app.create_goal(&sam, walk()).await;
    let path = format!("/v1/goals/{}", goal["id"].as_str().unwrap());
    for body in [
        json!({}),
        json!({"title": goal["title"], "visibility": "private", "description": null}),
    ] {
        let response = app
            .authed(Method::PATCH, &path, &sam.access)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{body}");
        assert_eq!(response.json::<Value>().await.unwrap(), goal, "{body}");
    }
    assert_eq!(app.get_json(&sam, &path).await, goal);
}
