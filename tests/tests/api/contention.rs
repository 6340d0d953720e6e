//! Many writers at once: SQLite has one write lock, so they queue for it,
//! and none may fail for it ("database is locked") or with a 5xx.

use reqwest::Method;
use serde_json::json;
use tether_tests::{Store, TestApp};

#[tokio::test]
async fn sixty_four_concurrent_writers_all_succeed() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let mut goals = Vec::new();
    for name in ["sam", "kim"] {
        let member = app.register(name).await;
        for _ in 0..32 {
            let (goal, today) = app.daily_goal(&member).await;
            goals.push((member.clone(), goal, today));
        }
    }
    for round in 0..3 {
        let mut writers = tokio::task::JoinSet::new();
        for (i, (member, goal, today)) in goals.iter().enumerate() {
            // Check-ins, and, from every fourth writer, a profile change
            // and a goal change too: several tables at once.
            let check_in = app
                .authed(
                    Method::PUT,
                    &format!("/v1/goals/{goal}/check-ins/{today}"),
                    &member.access,
                )
                .json(&json!({"status": if round % 2 == 0 { "done" } else { "skipped" }}));
            writers.spawn(async move { check_in.send().await.unwrap().status().as_u16() });
            if i % 4 == 0 {
                let patch = app
                    .authed(Method::PATCH, "/v1/me", &member.access)
                    .json(&json!({"bio": format!("round {round}, writer {i}")}));
                writers.spawn(async move { patch.send().await.unwrap().status().as_u16() });
                let rename = app
                    .authed(Method::PATCH, &format!("/v1/goals/{goal}"), &member.access)
                    .json(&json!({"title": format!("Walk, round {round}")}));
                writers.spawn(async move { rename.send().await.unwrap().status().as_u16() });
            }
        }
        let statuses = writers.join_all().await;
        assert!(
            statuses.iter().all(|status| (200..300).contains(status)),
            "round {round}: {statuses:?}"
        );
    }
    assert_eq!(store.count("check_ins"), 64);
}
