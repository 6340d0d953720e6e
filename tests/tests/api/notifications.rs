//! The inbox and the outbox: written with each event, in generic words,
//! read and marked by their member only.

use chrono::NaiveDate;
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Store, TestApp, bad_fields, problem};

fn kinds(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn partnership_events_fill_the_inbox_in_generic_words() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let response = app
        .send_json(
            Method::POST,
            "/v1/partnerships",
            &sam,
            json!({"member_id": ana.id, "group_id": group, "message": "Secret words for ana"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let request: Value = response.json().await.unwrap();
    let id = request["id"].as_str().unwrap().to_owned();

    let inbox = app.get_json(&ana, "/v1/me/notifications").await;
    assert_eq!(kinds(&inbox), ["partnership_request"]);
    let item = &inbox["items"][0];
    assert_eq!(item["partnership_id"], id.as_str());
    assert_eq!(item["group_id"], group.as_str());
    assert_eq!(item["read_at"], Value::Null);
    assert_eq!(item["priority"], "normal");
    let words = format!("{} {}", item["title"], item["body"]);
    assert!(
        !words.contains("Secret") && !words.contains("sam") && !words.contains("Evening"),
        "{words}"
    );
    assert_eq!(store.count("outbox"), 1, "a push waits for each notice");
    assert_eq!(
        app.get_json(&sam, "/v1/me/notifications").await["items"],
        json!([])
    );

    let accepted = app
        .call(Method::POST, &format!("/v1/partnerships/{id}/accept"), &ana)
        .await;
    assert_eq!(accepted.status(), 200);
    let told = app.get_json(&sam, "/v1/me/notifications").await;
    assert_eq!(kinds(&told), ["partnership_accepted"]);
    assert_eq!(store.count("outbox"), 2);

    // Marked read once; nobody else can read or mark it.
    let item_id = inbox["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/me/notifications/{item_id}/read");
    problem(app.call(Method::POST, &path, &eve).await, 404).await;
    problem(app.call(Method::POST, &path, &sam).await, 404).await;
    let read: Value = app
        .call(Method::POST, &path, &ana)
        .await
        .json()
        .await
        .unwrap();
    assert!(read["read_at"].is_string());
    let again: Value = app
        .call(Method::POST, &path, &ana)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["read_at"], read["read_at"], "the first time stays");
    assert_eq!(
        app.get_json(&ana, "/v1/me/notifications?unread=true").await["items"],
        json!([])
    );
    let anonymous = app
        .request(Method::GET, "/v1/me/notifications")
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
    let response = app
        .call(
            Method::GET,
            "/v1/me/notifications?unread=maybe&limit=0",
            &ana,
        )
        .await;
    assert_eq!(
        bad_fields(&problem(response, 422).await),
        ["limit", "unread"]
    );
}

#[tokio::test]
async fn read_all_marks_up_to_the_item_shown_and_pages_newest_first() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let mut others = Vec::new();
    for name in ["ana", "bob", "cat"] {
        others.push(app.register(name).await);
    }
    let refs: Vec<_> = others.iter().collect();
    let group = app.group_of(&sam, &refs).await;
    app.update_profile(&sam, json!({"open_to_partnering": true, "max_partners": 3}))
        .await;
    for other in &others {
        app.request_partner(other, &sam, &group).await;
    }
    let first = app.get_json(&sam, "/v1/me/notifications?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .get_json(
            &sam,
            &format!("/v1/me/notifications?limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["next_cursor"], Value::Null);
    assert!(first["items"][0]["id"].as_str() > rest["items"][0]["id"].as_str());

    // Up to the second newest: it and the oldest are read, the newest not.
    let up_to = first["items"][1]["id"].as_str().unwrap();
    let response = app
        .send_json(
            Method::POST,
            "/v1/me/notifications/read",
            &sam,
            json!({"up_to": up_to}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["marked"], 2);
    let unread = app.get_json(&sam, "/v1/me/notifications?unread=true").await;
    assert_eq!(unread["items"].as_array().unwrap().len(), 1);
    assert_eq!(unread["items"][0]["id"], first["items"][0]["id"]);
    let response = app
        .send_json(
            Method::POST,
            "/v1/me/notifications/read",
            &sam,
            json!({"up_to": "yesterday"}),
        )
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["up_to"]);
    // An id made up to lie in the future would mark what has not arrived.
    let response = app
        .send_json(
            Method::POST,
            "/v1/me/notifications/read",
            &sam,
            json!({"up_to": "ffffffff-ffff-7fff-bfff-ffffffffffff"}),
        )
        .await;
    problem(response, 404).await;
}

#[tokio::test]
async fn partners_hear_of_a_milestone_on_a_shared_goal_once() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let partnership = app.partners(&sam, &ana).await;
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
    let today: NaiveDate = shared["started_on"].as_str().unwrap().parse().unwrap();
    let milestones = |sam_inbox: &Value| {
        sam_inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == "partner_milestone")
            .cloned()
            .collect::<Vec<Value>>()
    };
    // A first day done is a first milestone (a streak of 1).
    for goal in [&shared, &private] {
        let response = app
            .check_in(
                &ana,
                goal["id"].as_str().unwrap(),
                &today.to_string(),
                json!({"status": "done"}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let told = milestones(&app.get_json(&sam, "/v1/me/notifications").await);
    assert_eq!(told.len(), 1, "only the shared goal: {told:?}");
    assert_eq!(told[0]["goal_id"], shared["id"]);
    assert_eq!(told[0]["partnership_id"], partnership.as_str());
    let words = told[0].to_string();
    assert!(!words.contains("river") && !words.contains("Secret"));
    // Taken back and done again: the ledger keeps the first, nobody is
    // told twice.
    let path = format!(
        "/v1/goals/{}/check-ins/{today}",
        shared["id"].as_str().unwrap()
    );
    assert_eq!(app.call(Method::DELETE, &path, &ana).await.status(), 204);
    app.check_in(
        &ana,
        shared["id"].as_str().unwrap(),
        &today.to_string(),
        json!({"status": "done"}),
    )
    .await;
    assert_eq!(
        milestones(&app.get_json(&sam, "/v1/me/notifications").await).len(),
        1
    );
}

#[tokio::test]
async fn a_failed_event_leaves_neither_its_row_nor_its_notice() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    // The outbox refuses every row: the event's transaction must fail whole.
    if store.is_postgres() {
        store.execute(
            "CREATE FUNCTION refuse_push() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'no pushes'; END $$ LANGUAGE plpgsql",
        );
        store.execute(
            "CREATE TRIGGER refuse_push BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_push()",
        );
    } else {
        store.execute(
            "CREATE TRIGGER refuse_push BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no pushes'); END",
        );
    }
    let response = app
        .send_json(
            Method::POST,
            "/v1/partnerships",
            &sam,
            json!({"member_id": ana.id, "group_id": group}),
        )
        .await;
    problem(response, 500).await;
    assert_eq!(
        store.count("partnerships"),
        0,
        "no request without its notice"
    );
    assert_eq!(
        store.count("notifications"),
        0,
        "no notice without its push"
    );
}
