//! Encouragement between active partners: kinds, limits, replays, the
//! lists, and who may send.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn send(app: &TestApp, who: &Account, partnership: &str, body: Value) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/v1/partnerships/{partnership}/encouragements"),
        who,
        body,
    )
    .await
}

#[tokio::test]
async fn cheers_nudges_and_messages_within_their_limits() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let id = app.partners(&sam, &ana).await;
    let shared = app
        .create_goal(
            &ana,
            json!({"title": "Walk by the river", "kind": "build", "cadence": {"type": "daily"}, "visibility": "partners"}),
        )
        .await;
    let private = app
        .create_goal(
            &ana,
            json!({"title": "Secret", "kind": "build", "cadence": {"type": "daily"}}),
        )
        .await;

    let response = send(
        &app,
        &sam,
        &id,
        json!({"kind": "cheer", "goal_id": shared["id"]}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let cheer: Value = response.json().await.unwrap();
    assert_eq!(cheer["kind"], "cheer");
    assert_eq!(cheer["goal"]["title"], "Walk by the river");
    assert_eq!(cheer["partner"]["display_name"], "ana");
    // Many cheers are fine; one nudge a day.
    assert_eq!(
        send(&app, &sam, &id, json!({"kind": "cheer"}))
            .await
            .status(),
        201
    );
    assert_eq!(
        send(&app, &sam, &id, json!({"kind": "nudge"}))
            .await
            .status(),
        201
    );
    let over = send(&app, &sam, &id, json!({"kind": "nudge"})).await;
    let retry: i64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=25 * 3600).contains(&retry), "{retry}");
    problem(over, 429).await;
    // Ana's own day, own count.
    assert_eq!(
        send(&app, &ana, &id, json!({"kind": "nudge"}))
            .await
            .status(),
        201
    );
    // Thirty messages a day.
    for n in 0..30 {
        let response = send(
            &app,
            &sam,
            &id,
            json!({"kind": "message", "text": format!("You've got this ({n})")}),
        )
        .await;
        assert_eq!(response.status(), 201);
    }
    problem(
        send(
            &app,
            &sam,
            &id,
            json!({"kind": "message", "text": "one more"}),
        )
        .await,
        429,
    )
    .await;

    // A private goal is as if it did not exist; so is one's own.
    for goal in [&private["id"], &json!(uuid::Uuid::now_v7().to_string())] {
        problem(
            send(&app, &sam, &id, json!({"kind": "cheer", "goal_id": goal})).await,
            404,
        )
        .await;
    }
    // Bad bodies name their fields.
    for (body, fields) in [
        (json!({}), vec!["kind"]),
        (json!({"kind": "hug"}), vec!["kind"]),
        (json!({"kind": "message"}), vec!["text"]),
        (json!({"kind": "message", "text": " "}), vec!["text"]),
        (json!({"kind": "cheer", "text": "hi"}), vec!["text"]),
        (
            json!({"kind": "message", "text": "x".repeat(501)}),
            vec!["text"],
        ),
        (
            json!({"kind": "cheer", "goal_id": "a goal"}),
            vec!["goal_id"],
        ),
    ] {
        let response = send(&app, &ana, &id, body.clone()).await;
        assert_eq!(bad_fields(&problem(response, 422).await), fields, "{body}");
    }

    // Received and sent, newest first; the notice never holds the words.
    let received = app.get_json(&ana, "/v1/me/encouragements?limit=200").await;
    let items = received["items"].as_array().unwrap();
    assert_eq!(items.len(), 33);
    assert_eq!(items[0]["text"], "You've got this (29)");
    assert_eq!(items[0]["partner"]["display_name"], "sam");
    let sent = app
        .get_json(&ana, "/v1/me/encouragements?direction=sent")
        .await;
    assert_eq!(sent["items"].as_array().unwrap().len(), 1);
    assert_eq!(sent["items"][0]["kind"], "nudge");
    let inbox = app.get_json(&ana, "/v1/me/notifications?limit=200").await;
    let text = inbox.to_string();
    assert!(
        !text.contains("got this") && !text.contains("river"),
        "{text}"
    );
    assert_eq!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == "encouragement")
            .count(),
        33
    );
    // The goal made private: the list no longer names it.
    app.send_json(
        Method::PATCH,
        &format!("/v1/goals/{}", shared["id"].as_str().unwrap()),
        &ana,
        json!({"visibility": "private"}),
    )
    .await;
    let later = app.get_json(&ana, "/v1/me/encouragements?limit=200").await;
    let first = later["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(first["goal"], Value::Null);
    problem(
        app.call(Method::GET, "/v1/me/encouragements?direction=up", &ana)
            .await,
        422,
    )
    .await;
}

#[tokio::test]
async fn a_message_is_replayed_by_its_key() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let id = app.partners(&sam, &ana).await;
    let post = |body: Value| {
        app.authed(
            Method::POST,
            &format!("/v1/partnerships/{id}/encouragements"),
            &sam.access,
        )
        .header("Idempotency-Key", "msg-1")
        .json(&body)
        .send()
    };
    let body = json!({"kind": "message", "text": "Proud of you"});
    let first = post(body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = post(body).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    problem(
        post(json!({"kind": "message", "text": "Something else"}))
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(store.count("encouragements"), 1);
    assert_eq!(store.count("notifications WHERE kind = 'encouragement'"), 1);
}

#[tokio::test]
async fn only_active_partners_encourage() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let pending = app.request_partner(&sam, &ana, &group).await;
    let pending = pending["id"].as_str().unwrap().to_owned();
    // Pending: no encouragement yet, either way.
    for who in [&sam, &ana] {
        problem(
            send(&app, who, &pending, json!({"kind": "cheer"})).await,
            404,
        )
        .await;
    }
    assert_eq!(
        app.call(
            Method::POST,
            &format!("/v1/partnerships/{pending}/accept"),
            &ana
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        send(&app, &ana, &pending, json!({"kind": "cheer"}))
            .await
            .status(),
        201
    );
    // A stranger, no token, and after the end: nothing.
    problem(
        send(&app, &eve, &pending, json!({"kind": "cheer"})).await,
        404,
    )
    .await;
    let anonymous = app
        .request(
            Method::POST,
            &format!("/v1/partnerships/{pending}/encouragements"),
        )
        .json(&json!({"kind": "cheer"}))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
    assert_eq!(
        app.call(
            Method::POST,
            &format!("/v1/partnerships/{pending}/end"),
            &sam
        )
        .await
        .status(),
        200
    );
    problem(
        send(&app, &ana, &pending, json!({"kind": "cheer"})).await,
        404,
    )
    .await;
    assert_eq!(
        app.get_json(&eve, "/v1/me/encouragements").await["items"],
        json!([])
    );
}

#[tokio::test]
async fn moving_ones_time_zone_does_not_reset_the_day() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let id = app.partners(&sam, &ana).await;
    app.update_profile(&sam, json!({"timezone": "Etc/GMT+12"}))
        .await;
    assert_eq!(
        send(&app, &sam, &id, json!({"kind": "nudge"}))
            .await
            .status(),
        201
    );
    problem(send(&app, &sam, &id, json!({"kind": "nudge"})).await, 429).await;
    // A day ahead (26 hours east): that is tomorrow's nudge.
    app.update_profile(&sam, json!({"timezone": "Pacific/Kiritimati"}))
        .await;
    assert_eq!(
        send(&app, &sam, &id, json!({"kind": "nudge"}))
            .await
            .status(),
        201
    );
    problem(send(&app, &sam, &id, json!({"kind": "nudge"})).await, 429).await;
    // Back west: today was spent already, and tomorrow too.
    app.update_profile(&sam, json!({"timezone": "Etc/GMT+12"}))
        .await;
    problem(send(&app, &sam, &id, json!({"kind": "nudge"})).await, 429).await;
}
