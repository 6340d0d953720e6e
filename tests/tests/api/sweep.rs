//! The sweep deletes what nothing needs any more; what has expired is
//! neither used nor exported before it is deleted.

use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;
use tether_tests::{Store, TestApp, problem};

/// Moves every row of `table` far into the past, behind the server's back.
fn age(store: &Store, table: &str, column: &str) {
    store.execute(&format!(
        "UPDATE {table} SET {column} = '2000-01-01 00:00:00'"
    ));
}

/// Waits until `done` holds, up to five seconds.
async fn eventually(mut done: impl FnMut() -> bool, what: &str) {
    for _ in 0..50 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within five seconds");
}

#[tokio::test]
async fn ended_and_expired_sessions_go_with_their_refresh_tokens() {
    let store = Store::new();
    let app = TestApp::spawn_with(
        &store,
        &[
            ("TETHER_SWEEP_INTERVAL", "1s"),
            ("TETHER_REFRESH_TOKEN_TTL", "1h"),
        ],
    )
    .await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let mut refresh = sam.refresh.clone();
    for _ in 0..3 {
        let session: Value = app
            .request(Method::POST, "/v1/auth/refresh")
            .json(&json!({"refresh_token": refresh}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        refresh = session["refresh_token"].as_str().unwrap().to_owned();
    }
    let logout = app
        .request(Method::POST, "/v1/auth/logout")
        .json(&json!({"refresh_token": kim.refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);

    // Kim's ended session goes; Sam's, alive, stays with its four tokens.
    eventually(|| store.count("sessions") == 1, "the ended session's purge").await;
    assert_eq!(store.count("refresh_tokens"), 4);

    // Spent tokens past their own expiry serve nothing, even in a live
    // session: they go, and the current one works on.
    store.execute(
        "UPDATE refresh_tokens SET expires_at = '2000-01-01 00:00:00' WHERE spent_at IS NOT NULL",
    );
    eventually(
        || store.count("refresh_tokens") == 1,
        "the expired tokens' purge",
    )
    .await;
    let next = app
        .request(Method::POST, "/v1/auth/refresh")
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), 200);

    // Once Sam's session has expired, it goes too, every token with it.
    store.execute("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'");
    eventually(
        || store.count("sessions") == 0,
        "the expired session's purge",
    )
    .await;
    assert_eq!(store.count("refresh_tokens"), 0);
}

#[tokio::test]
async fn an_idempotency_key_expires_after_a_day() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_SWEEP_INTERVAL", "1s")]).await;
    let sam = app.register("sam").await;
    let create = |key: &'static str| {
        app.authed(Method::POST, "/v1/goals", &sam.access)
            .header("Idempotency-Key", key)
            .json(&json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}}))
            .send()
    };
    for key in ["first-key", "second-key"] {
        assert_eq!(create(key).await.unwrap().status(), 201);
    }
    age(&store, "idempotency_keys", "created_at");
    // Expired: not exported, not replayed...
    let export: Value = app.get_json(&sam, "/v1/me/export").await;
    assert_eq!(export["idempotency_keys"], json!([]));
    let again = create("first-key").await.unwrap();
    assert_eq!(again.status(), 201);
    assert!(again.headers().get("idempotent-replayed").is_none());
    assert_eq!(store.count("goals"), 3, "the key is free: a new goal");
    // ...and deleted by the sweep, all but the new answer.
    eventually(
        || store.count("idempotency_keys") == 1,
        "the answers' purge",
    )
    .await;
}

#[tokio::test]
async fn counted_sign_in_attempts_go_once_no_limit_counts_them() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_SWEEP_INTERVAL", "1s")]).await;
    let sam = app.register("sam").await;
    let wrong = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": sam.email, "password": "a wrong guess"}))
        .send()
        .await
        .unwrap();
    problem(wrong, 401).await;
    assert!(store.count("throttle_events") >= 3);
    age(&store, "throttle_events", "at");
    eventually(
        || store.count("throttle_events") == 0,
        "the attempts' purge",
    )
    .await;
}

#[tokio::test]
async fn archived_goals_are_bounded() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = |title: &str| json!({"title": title, "kind": "build", "cadence": {"type": "daily"}});
    let kept = app.create_goal(&sam, goal("Kept")).await;
    // 999 goals archived, behind the server's back, and one through it.
    store.execute(&format!(
        "INSERT INTO goals (id, member_id, title, kind, cadence, visibility, started_on, \
         created_at, updated_at, archived_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999) \
         SELECT 'archived-' || i, '{}', 'Old', 'build', 'daily', 'private', '2026-01-01', \
         '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-02 00:00:00' FROM n",
        sam.id
    ));
    let last = app.create_goal(&sam, goal("Last")).await;
    let path = format!("/v1/goals/{}", last["id"].as_str().unwrap());
    assert_eq!(app.call(Method::DELETE, &path, &sam).await.status(), 204);
    let response = app
        .authed(Method::POST, "/v1/goals", &sam.access)
        .json(&goal("One too many"))
        .send()
        .await
        .unwrap();
    let body = problem(response, 409).await;
    assert!(
        body["detail"].as_str().unwrap().contains("1,000 archived"),
        "{body}"
    );
    // What is kept stays.
    let path = format!("/v1/goals/{}", kept["id"].as_str().unwrap());
    assert_eq!(app.get_json(&sam, &path).await, kept);
}

#[tokio::test]
async fn a_quit_goals_milestones_reached_by_days_passing_are_recorded_by_the_sweep() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_SWEEP_INTERVAL", "1s")]).await;
    let sam = app.register("sam").await;
    let (_, today) = app.daily_goal(&sam).await;
    let today: chrono::NaiveDate = today.parse().unwrap();
    let started = (today - chrono::Days::new(7)).to_string();
    let goal = app
        .create_goal(
            &sam,
            json!({"title": "No alcohol", "kind": "quit", "cadence": {"type": "daily"}, "started_on": started}),
        )
        .await;
    // Seven days kept without a single check-in: reading progress shows
    // the milestones at once, computed, and records nothing...
    let progress = app.progress(&sam, goal["id"].as_str().unwrap()).await;
    let thresholds: Vec<i64> = progress["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["threshold"].as_i64().unwrap())
        .collect();
    assert_eq!(thresholds, [1, 3, 7]);
    assert_eq!(store.count("milestones"), 0, "a read writes nothing");
    // ...the sweep records them, once.
    eventually(|| store.count("milestones") == 3, "the milestones' record").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(store.count("milestones"), 3);
    let export: Value = app.get_json(&sam, "/v1/me/export").await;
    assert_eq!(
        export["milestones"][2]["reached_on"],
        (today - chrono::Days::new(1)).to_string()
    );
}
