//! Free text from members: no NUL or control characters anywhere (which
//! PostgreSQL cannot even store), nothing invisible in one-line names.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    who: &Account,
    body: Value,
) -> reqwest::Response {
    app.authed(method, path, &who.access)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Every free-text field of the API, with a request that carries `text` in
/// it: (field, method, path, body).
fn text_fields(goal: &str, today: &str, text: &str) -> Vec<(&'static str, Method, String, Value)> {
    let goal_body = |field: &str| {
        let mut body = json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}});
        body[field] = json!(text);
        body
    };
    vec![
        (
            "display_name",
            Method::PATCH,
            "/v1/me".into(),
            json!({"display_name": text}),
        ),
        ("bio", Method::PATCH, "/v1/me".into(), json!({"bio": text})),
        (
            "title",
            Method::POST,
            "/v1/goals".into(),
            goal_body("title"),
        ),
        (
            "description",
            Method::POST,
            "/v1/goals".into(),
            goal_body("description"),
        ),
        (
            "title",
            Method::PATCH,
            format!("/v1/goals/{goal}"),
            json!({"title": text}),
        ),
        (
            "description",
            Method::PATCH,
            format!("/v1/goals/{goal}"),
            json!({"description": text}),
        ),
        (
            "note",
            Method::PUT,
            format!("/v1/goals/{goal}/check-ins/{today}"),
            json!({"status": "done", "note": text}),
        ),
    ]
}

#[tokio::test]
async fn a_nul_or_control_character_is_refused_in_every_text_field() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (id, today) = app.daily_goal(&sam).await;
    for bad in [
        "before\u{0}after",
        "bell\u{7}",
        "escape \u{1b}[2J",
        "carriage\rreturn",
    ] {
        for (field, method, path, body) in text_fields(&id, &today, bad) {
            let response = send(&app, method.clone(), &path, &sam, body).await;
            let problem = problem(response, 422).await;
            assert_eq!(
                bad_fields(&problem),
                [field],
                "{method} {path} with {bad:?}"
            );
            assert!(
                problem["errors"][field][0]
                    .as_str()
                    .unwrap()
                    .contains("control characters"),
                "{problem}"
            );
        }
    }
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({
            "email": "kim@example.org", "password": "a long passphrase",
            "display_name": "Kim\u{0}", "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_fields(&problem(response, 422).await), ["display_name"]);
    // Nothing of it was stored.
    assert_eq!(store.count("members"), 1);
    assert_eq!(store.count("goals"), 1);
    assert_eq!(store.count("check_ins"), 0);
}

#[tokio::test]
async fn notes_keep_their_lines_and_tabs() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (id, today) = app.daily_goal(&sam).await;
    let text = "First line\n\tindented, with a quote: \u{202B}שלום\u{202C}";
    for (field, method, path, body) in text_fields(&id, &today, text) {
        if matches!(field, "display_name" | "title") {
            continue;
        }
        let response = send(&app, method, &path, &sam, body).await;
        assert!(
            response.status().is_success(),
            "{field}: {}",
            response.status()
        );
        let stored: Value = response.json().await.unwrap();
        assert_eq!(stored[field], text, "{field}");
    }
}

#[tokio::test]
async fn one_line_names_refuse_invisible_and_direction_characters() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (id, today) = app.daily_goal(&sam).await;
    for disguise in [
        "Sam\u{202E}txt.exe",
        "Sa\u{200B}m",
        "\u{2066}Sam\u{2069}",
        "Sam\u{FEFF}",
        "Sam\nKim",
    ] {
        for (field, method, path, body) in text_fields(&id, &today, disguise) {
            if !matches!(field, "display_name" | "title") {
                continue;
            }
            let response = send(&app, method.clone(), &path, &sam, body).await;
            assert_eq!(
                bad_fields(&problem(response, 422).await),
                [field],
                "{method} {path} with {disguise:?}"
            );
        }
    }
    // Emoji, with their variation selectors, are welcome.
    let response = send(
        &app,
        Method::PATCH,
        "/v1/me",
        &sam,
        json!({"display_name": "Sam ❤\u{FE0F}"}),
    )
    .await;
    assert_eq!(response.status(), 200);
}
