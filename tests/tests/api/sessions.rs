//! Refresh-token rotation, reuse detection and logout.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, PASSWORD, Store, TestApp, problem};

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.request(Method::POST, "/v1/auth/refresh")
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

async fn login(app: &TestApp, account: &Account) -> Account {
    let response = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": account.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    Account::from_session(
        &response.json().await.unwrap(),
        account.email.trim_end_matches("@example.org"),
    )
}

#[tokio::test]
async fn refresh_rotates_the_pair() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let response = refresh(&app, &sam.refresh).await;
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["member"]["id"], sam.id.as_str());
    let next = session["refresh_token"].as_str().unwrap();
    assert_ne!(next, sam.refresh);
    let me = app
        .authed(
            Method::GET,
            "/v1/me",
            session["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    // The new one works in turn.
    assert_eq!(refresh(&app, next).await.status(), 200);
}

#[tokio::test]
async fn a_spent_refresh_token_revokes_its_whole_family() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let other_device = login(&app, &sam).await;

    let rotated: Value = refresh(&app, &sam.refresh).await.json().await.unwrap();
    let current = rotated["refresh_token"].as_str().unwrap();
    // The old token comes back: stolen or replayed.
    let replay = refresh(&app, &sam.refresh).await;
    assert_eq!(replay.headers()["www-authenticate"], "Bearer");
    problem(replay, 401).await;
    // So the legitimate successor is dead too...
    problem(refresh(&app, current).await, 401).await;
    // ...but the session on the other device, another family, lives on.
    assert_eq!(refresh(&app, &other_device.refresh).await.status(), 200);
}

#[tokio::test]
async fn racing_refreshes_with_one_token_let_only_one_through() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app
            .request(Method::POST, "/v1/auth/refresh")
            .json(&json!({"refresh_token": sam.refresh}));
        racing.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = racing.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 401),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_is_idempotent() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let rotated: Value = refresh(&app, &sam.refresh).await.json().await.unwrap();
    let current = rotated["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let response = app
            .request(Method::POST, "/v1/auth/logout")
            .json(&json!({"refresh_token": current}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }
    problem(refresh(&app, current).await, 401).await;
    let unknown = app
        .request(Method::POST, "/v1/auth/logout")
        .json(&json!({"refresh_token": "never-issued"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 204);
}

#[tokio::test]
async fn unknown_and_expired_refresh_tokens_are_refused() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_REFRESH_TOKEN_TTL", "1s")]).await;
    problem(refresh(&app, "never-issued").await, 401).await;
    let sam = app.register("sam").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    problem(refresh(&app, &sam.refresh).await, 401).await;
}

#[tokio::test]
async fn refresh_and_logout_name_bad_fields() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    for path in ["/v1/auth/refresh", "/v1/auth/logout"] {
        let response = app
            .request(Method::POST, path)
            .json(&json!({"token": "x"}))
            .send()
            .await
            .unwrap();
        let body = problem(response, 422).await;
        assert!(body["errors"].get("token").is_some(), "{path}: {body}");
    }
}

/// Every endpoint that takes an access token, as `account` may call it.
fn authed_calls(goal: &str, today: &str) -> Vec<(Method, String, Option<Value>)> {
    let goal_path = format!("/v1/goals/{goal}");
    let day = format!("{goal_path}/check-ins/{today}");
    vec![
        (Method::GET, "/v1/me".into(), None),
        (
            Method::PATCH,
            "/v1/me".into(),
            Some(json!({"bio": "hello"})),
        ),
        (Method::GET, "/v1/me/export".into(), None),
        (Method::GET, "/v1/goals".into(), None),
        (
            Method::POST,
            "/v1/goals".into(),
            Some(json!({"title": "Read", "kind": "build", "cadence": {"type": "daily"}})),
        ),
        (Method::GET, goal_path.clone(), None),
        (
            Method::PATCH,
            goal_path.clone(),
            Some(json!({"title": "Walk far"})),
        ),
        (Method::GET, format!("{goal_path}/check-ins"), None),
        (Method::PUT, day.clone(), Some(json!({"status": "done"}))),
        (Method::GET, day.clone(), None),
        (Method::GET, format!("{goal_path}/progress"), None),
        (Method::DELETE, day, None),
        (Method::DELETE, goal_path, None),
        (
            Method::DELETE,
            "/v1/me".into(),
            Some(json!({"password": PASSWORD})),
        ),
    ]
}

async fn send(
    app: &TestApp,
    token: &str,
    (method, path, body): &(Method, String, Option<Value>),
) -> reqwest::Response {
    let mut request = app.authed(method.clone(), path, token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

/// What an expired or forged token gets: the answer every ended session's
/// token must get too.
async fn invalid_token_answer(app: &TestApp) -> Value {
    problem(
        app.authed(Method::GET, "/v1/me", "expired.or.forged")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await
}

#[tokio::test]
async fn signing_out_ends_the_sessions_access_tokens_on_every_process() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    // A second API process on the same database.
    let other = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let phone = login(&app, &sam).await;
    let goal = app
        .create_goal(
            &sam,
            json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}}),
        )
        .await;
    let calls = authed_calls(
        goal["id"].as_str().unwrap(),
        goal["started_on"].as_str().unwrap(),
    );
    assert_eq!(send(&other, &sam.access, &calls[0]).await.status(), 200);

    let logout = app
        .request(Method::POST, "/v1/auth/logout")
        .json(&json!({"refresh_token": sam.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    let refused = invalid_token_answer(&app).await;
    for call in &calls {
        for server in [&app, &other] {
            let response = send(server, &sam.access, call).await;
            assert_eq!(
                problem(response, 401).await,
                refused,
                "{} {}",
                call.0,
                call.1
            );
        }
    }
    // The session on the phone, another sign-in, goes on.
    for call in &calls[..calls.len() - 1] {
        let response = send(&other, &phone.access, call).await;
        assert!(
            response.status().is_success(),
            "{} {}: {}",
            call.0,
            call.1,
            response.status()
        );
    }
}

#[tokio::test]
async fn a_reused_refresh_token_ends_the_sessions_access_tokens() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let other = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let rotated: Value = refresh(&app, &sam.refresh).await.json().await.unwrap();
    let newer = rotated["access_token"].as_str().unwrap();
    assert_eq!(
        other
            .authed(Method::GET, "/v1/goals", newer)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // The spent token comes back: stolen or replayed.
    problem(refresh(&app, &sam.refresh).await, 401).await;
    for token in [sam.access.as_str(), newer] {
        let response = other
            .authed(Method::GET, "/v1/goals", token)
            .send()
            .await
            .unwrap();
        problem(response, 401).await;
    }
}

#[tokio::test]
async fn an_erased_members_tokens_open_nothing() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let other = TestApp::spawn(&store).await;
    let kim = app.register("kim").await;
    let second = login(&app, &kim).await;
    let erased = app
        .authed(Method::DELETE, "/v1/me", &kim.access)
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), 204);
    let refused = invalid_token_answer(&app).await;
    for token in [&kim.access, &second.access] {
        for path in ["/v1/goals", "/v1/me", "/v1/me/export"] {
            let response = other.authed(Method::GET, path, token).send().await.unwrap();
            assert_eq!(problem(response, 401).await, refused, "{path}");
        }
    }
}
