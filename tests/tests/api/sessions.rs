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
