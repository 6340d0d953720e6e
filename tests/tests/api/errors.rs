//! Every failure is a problem document, whatever went wrong.

use reqwest::Method;
use serde_json::json;
use tether_tests::{Store, TestApp, bad_fields, problem};

#[tokio::test]
async fn unknown_route_is_a_problem_404() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app
        .request(Method::GET, "/v1/nothing-here")
        .send()
        .await
        .unwrap();
    let body = problem(response, 404).await;
    assert_eq!(body["type"], "urn:tether:problem:not-found");
}

#[tokio::test]
async fn wrong_method_is_a_problem_405_with_allow() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app.request(Method::PUT, "/v1/me").send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, PATCH, DELETE");
    problem(response, 405).await;
    let response = app
        .request(Method::GET, "/v1/auth/login")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "POST");
    problem(response, 405).await;
}

#[tokio::test]
async fn malformed_json_is_a_problem_400() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app
        .request(Method::POST, "/v1/auth/login")
        .header("content-type", "application/json")
        .body(r#"{"email": "sam@example.org", "password": "#)
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON"));
}

#[tokio::test]
async fn another_content_type_is_a_problem_415() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .request(Method::POST, "/v1/auth/login")
            .body(r#"{"email":"sam@example.org","password":"x"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        problem(request.send().await.unwrap(), 415).await;
    }
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_problem_413() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({
            "email": "sam@example.org",
            "password": "x".repeat(70 * 1024),
            "display_name": "Sam",
            "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    problem(response, 413).await;
}

#[tokio::test]
async fn unknown_missing_and_mistyped_fields_are_named() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let cases = [
        (
            json!({"email": "a@example.org", "password": "x", "admin": true}),
            "admin",
        ),
        (json!({"email": "a@example.org"}), "password"),
        (json!({"email": 42, "password": "x"}), "email"),
        (json!(["a@example.org"]), "body"),
    ];
    for (body, field) in cases {
        let response = app
            .request(Method::POST, "/v1/auth/login")
            .json(&body)
            .send()
            .await
            .unwrap();
        let body = problem(response, 422).await;
        assert_eq!(bad_fields(&body), [field]);
    }
}

#[tokio::test]
async fn problems_carry_no_internals() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    // A duplicate hits a unique index: the answer must not say so.
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({
            "email": sam.email, "password": "another long password",
            "display_name": "Sam", "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    let text = problem(response, 409).await.to_string().to_lowercase();
    for leak in [
        "unique",
        "constraint",
        "sql",
        "diesel",
        "members",
        "panicked",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

/// Words of serde's that must never reach a member.
const SERDE_WORDS: [&str; 7] = [
    "invalid type",
    "expected",
    "variant",
    "missing field",
    "unknown field",
    "internally tagged",
    "`",
];

fn assert_plain_words(problem: &serde_json::Value) {
    let text = problem.to_string();
    for word in SERDE_WORDS {
        assert!(!text.contains(word), "{word:?} in {problem}");
    }
}

#[tokio::test]
async fn one_answer_names_every_bad_field_in_plain_words() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({"email": 42, "display_name": ["Sam"], "admin": true}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(
        bad_fields(&body),
        ["admin", "display_name", "email", "password", "timezone"]
    );
    assert_eq!(body["errors"]["email"], json!(["must be text"]));
    assert_eq!(body["errors"]["display_name"], json!(["must be text"]));
    assert_eq!(body["errors"]["password"], json!(["is required"]));
    assert_eq!(body["errors"]["timezone"], json!(["is required"]));
    assert!(
        body["errors"]["admin"][0]
            .as_str()
            .unwrap()
            .contains("the fields are display_name, email, password, timezone"),
        "{body}"
    );
    assert_plain_words(&body);

    // Shape and meaning together: every field named at once.
    let sam = app.register("sam").await;
    let response = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .json(&json!({
            "title": 7,
            "kind": "grow",
            "cadence": {"type": "monthly"},
            "visibility": null,
            "reminder_time": true,
        }))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(
        bad_fields(&body),
        ["cadence.type", "kind", "reminder_time", "title"]
    );
    assert_eq!(
        body["errors"]["cadence.type"],
        json!(["must be one of daily, weekly, days"])
    );
    assert_eq!(
        body["errors"]["kind"],
        json!(["must be one of build, quit"])
    );
    assert_eq!(body["errors"]["reminder_time"], json!(["must be text"]));
    assert_plain_words(&body);
}

#[tokio::test]
async fn a_number_out_of_range_is_named_like_any_bad_field() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = app.daily_goal(&sam).await;
    let path = format!("/v1/goals/{goal}/check-ins/{today}");
    for (raw, field) in [
        (r#"{"status": "done", "mood": 1e400}"#, "mood"),
        (
            r#"{"status": "done", "mood": -1e400, "note": 1e400}"#,
            "mood",
        ),
        (r#"{"max_partners": 1e400}"#, "max_partners"),
        (
            r#"{"quiet_hours": {"start": 1e400, "end": "07:00"}}"#,
            "quiet_hours.start",
        ),
    ] {
        let target = if field.contains("partners") || field.starts_with("quiet") {
            ("/v1/me", Method::PATCH)
        } else {
            (path.as_str(), Method::PUT)
        };
        let response = app
            .authed(target.1, target.0, &sam.access)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let body = problem(response, 422).await;
        assert!(
            bad_fields(&body).contains(&field.to_owned()),
            "{raw}: {body}"
        );
        assert_plain_words(&body);
    }
    let cadence = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .header("content-type", "application/json")
        .body(
            r#"{"title": "Walk", "kind": "build", "cadence": {"type": "weekly", "times": 1e400}}"#,
        )
        .send()
        .await
        .unwrap();
    let body = problem(cadence, 422).await;
    assert_eq!(bad_fields(&body), ["cadence.times"]);
    assert_eq!(
        body["errors"]["cadence.times"],
        json!(["must be a whole number"])
    );
}
