//! Partnerships: asking, answering, ending, what an active partner sees,
//! and that nobody else sees or moves any of it.

use chrono::{Days, NaiveDate};
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn act(app: &TestApp, who: &Account, id: &str, action: &str) -> reqwest::Response {
    app.call(
        Method::POST,
        &format!("/v1/partnerships/{id}/{action}"),
        who,
    )
    .await
}

#[tokio::test]
async fn a_request_is_made_accepted_and_shows_on_both_sides() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;

    // Not open to partnering yet: private by default.
    let ask = json!({"member_id": ana.id, "group_id": group, "message": "Shall we?"});
    let response = app
        .send_json(Method::POST, "/v1/partnerships", &sam, ask.clone())
        .await;
    problem(response, 409).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let response = app
        .send_json(Method::POST, "/v1/partnerships", &sam, ask.clone())
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let request: Value = response.json().await.unwrap();
    let id = request["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/v1/partnerships/{id}"));
    assert_eq!(request["status"], "pending");
    assert_eq!(request["side"], "requester");
    assert_eq!(request["partner"]["display_name"], "ana");
    assert_eq!(request["message"], "Shall we?");
    assert_eq!(request["group_id"], group.as_str());

    // One open request a pair, whoever asks.
    problem(
        app.send_json(Method::POST, "/v1/partnerships", &sam, ask)
            .await,
        409,
    )
    .await;
    app.update_profile(&sam, json!({"open_to_partnering": true}))
        .await;
    problem(
        app.send_json(
            Method::POST,
            "/v1/partnerships",
            &ana,
            json!({"member_id": sam.id, "group_id": group}),
        )
        .await,
        409,
    )
    .await;

    let theirs = app.get_json(&ana, "/v1/partnerships?status=pending").await;
    assert_eq!(theirs["items"][0]["id"], id.as_str());
    assert_eq!(theirs["items"][0]["side"], "invitee");
    assert_eq!(theirs["items"][0]["partner"]["display_name"], "sam");
    assert_eq!(theirs["items"][0]["partner"]["member_id"], sam.id.as_str());

    // Only the invitee accepts.
    problem(act(&app, &sam, &id, "accept").await, 403).await;
    let response = act(&app, &ana, &id, "accept").await;
    assert_eq!(response.status(), 200);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status"], "active");
    assert!(accepted["responded_at"].is_string());
    for who in [&sam, &ana] {
        let active = app.get_json(who, "/v1/partnerships?status=active").await;
        assert_eq!(active["items"].as_array().unwrap().len(), 1);
        assert_eq!(active["items"][0]["id"], id.as_str());
        let pending = app.get_json(who, "/v1/partnerships?status=pending").await;
        assert_eq!(pending["items"], json!([]));
    }
    assert_eq!(
        app.get_json(&sam, &format!("/v1/partnerships/{id}")).await["status"],
        "active"
    );

    // Either side ends it, without a reason.
    let response = act(&app, &sam, &id, "end").await;
    assert_eq!(response.status(), 200);
    let ended: Value = response.json().await.unwrap();
    assert_eq!(ended["status"], "ended");
    problem(act(&app, &ana, &id, "end").await, 409).await;
    let all = app.get_json(&ana, "/v1/partnerships").await;
    assert_eq!(all["items"][0]["status"], "ended");
    // Ended on, ana may not ask sam again for a while; sam, who ended it,
    // may ask ana.
    let response = app
        .send_json(
            Method::POST,
            "/v1/partnerships",
            &ana,
            json!({"member_id": sam.id, "group_id": group}),
        )
        .await;
    problem(response, 409).await;
    app.request_partner(&sam, &ana, &group).await;
}

#[tokio::test]
async fn declined_and_cancelled_requests_close() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;

    // Taken back: asking again is fine.
    let first = app.request_partner(&sam, &ana, &group).await;
    let first = first["id"].as_str().unwrap();
    problem(act(&app, &ana, first, "cancel").await, 403).await;
    problem(act(&app, &sam, first, "end").await, 409).await;
    let cancelled: Value = act(&app, &sam, first, "cancel").await.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    problem(act(&app, &ana, first, "accept").await, 409).await;

    // Declined: the one declined may not ask again for a while.
    let second = app.request_partner(&sam, &ana, &group).await;
    let second = second["id"].as_str().unwrap();
    problem(act(&app, &sam, second, "decline").await, 403).await;
    let declined: Value = act(&app, &ana, second, "decline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined["status"], "declined");
    problem(act(&app, &ana, second, "accept").await, 409).await;
    let again = app
        .send_json(
            Method::POST,
            "/v1/partnerships",
            &sam,
            json!({"member_id": ana.id, "group_id": group}),
        )
        .await;
    problem(again, 409).await;
    let closed = app.get_json(&sam, "/v1/partnerships?status=declined").await;
    assert_eq!(closed["items"].as_array().unwrap().len(), 1);
    problem(
        app.call(Method::GET, "/v1/partnerships?status=happy", &sam)
            .await,
        422,
    )
    .await;
}

#[tokio::test]
async fn a_member_asks_no_more_partners_than_they_want() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;
    for who in [&ana, &bob] {
        app.update_profile(who, json!({"open_to_partnering": true}))
            .await;
    }
    // One place (the default): one open request at a time.
    app.request_partner(&sam, &ana, &group).await;
    let response = app
        .send_json(
            Method::POST,
            "/v1/partnerships",
            &sam,
            json!({"member_id": bob.id, "group_id": group}),
        )
        .await;
    problem(response, 409).await;
    // A request received takes none of ana's places: she may still ask.
    app.request_partner(&ana, &bob, &group).await;
}

#[tokio::test]
async fn a_request_names_each_bad_field_and_reaches_only_group_mates() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    app.update_profile(&eve, json!({"open_to_partnering": true}))
        .await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let group = app.group_of(&sam, &[&ana]).await;
    let elsewhere = app.group_of(&eve, &[]).await;

    for (body, fields) in [
        (json!({}), vec!["group_id", "member_id"]),
        (
            json!({"member_id": "nobody", "group_id": group}),
            vec!["member_id"],
        ),
        (
            json!({"member_id": ana.id, "group_id": group, "message": "m".repeat(501)}),
            vec!["message"],
        ),
        (
            json!({"member_id": sam.id, "group_id": group}),
            vec!["member_id"],
        ),
    ] {
        let response = app
            .send_json(Method::POST, "/v1/partnerships", &sam, body.clone())
            .await;
        assert_eq!(bad_fields(&problem(response, 422).await), fields, "{body}");
    }
    // Someone in no group with the caller, or a group the caller is not in:
    // as if there were nobody.
    for body in [
        json!({"member_id": eve.id, "group_id": group}),
        json!({"member_id": eve.id, "group_id": elsewhere}),
        json!({"member_id": ana.id, "group_id": elsewhere}),
    ] {
        let response = app
            .send_json(Method::POST, "/v1/partnerships", &sam, body.clone())
            .await;
        problem(response, 404).await;
    }
    let response = app
        .request(Method::POST, "/v1/partnerships")
        .json(&json!({"member_id": ana.id, "group_id": group}))
        .send()
        .await
        .unwrap();
    problem(response, 401).await;

    // A stranger sees and moves nothing of another pair's partnership.
    let request = app.request_partner(&sam, &ana, &group).await;
    let id = request["id"].as_str().unwrap();
    problem(
        app.call(Method::GET, &format!("/v1/partnerships/{id}"), &eve)
            .await,
        404,
    )
    .await;
    for action in ["accept", "decline", "cancel", "end"] {
        problem(act(&app, &eve, id, action).await, 404).await;
    }
    problem(
        app.call(
            Method::GET,
            &format!("/v1/partnerships/{id}/progress"),
            &eve,
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        app.get_json(&eve, "/v1/partnerships").await["items"],
        json!([])
    );
    let anonymous = app
        .request(Method::GET, &format!("/v1/partnerships/{id}"))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn racing_accepts_never_exceed_max_partners() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let ana = app.register("ana").await;
    let askers = [
        app.register("sam").await,
        app.register("bob").await,
        app.register("kim").await,
        app.register("lee").await,
    ];
    let refs: Vec<&Account> = askers.iter().collect();
    let group = app.group_of(&ana, &refs).await;
    app.update_profile(&ana, json!({"open_to_partnering": true, "max_partners": 2}))
        .await;
    let mut ids = Vec::new();
    for asker in &askers {
        let request = app.request_partner(asker, &ana, &group).await;
        ids.push(request["id"].as_str().unwrap().to_owned());
    }
    let mut accepts = tokio::task::JoinSet::new();
    for id in &ids {
        let accept = app.authed(
            Method::POST,
            &format!("/v1/partnerships/{id}/accept"),
            &ana.access,
        );
        accepts.spawn(async move { accept.send().await.unwrap().status().as_u16() });
    }
    let statuses = accepts.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        2,
        "{statuses:?}"
    );
    let active = app.get_json(&ana, "/v1/partnerships?status=active").await;
    assert_eq!(active["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_partner_sees_exactly_the_shared_goals_and_notes() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let id = app.partners(&sam, &ana).await;
    let shared = app
        .create_goal(
            &ana,
            json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}, "visibility": "partners", "started_on": "2026-01-01"}),
        )
        .await;
    let shared_id = shared["id"].as_str().unwrap().to_owned();
    let private = app
        .create_goal(
            &ana,
            json!({"title": "Secret", "kind": "build", "cadence": {"type": "daily"}}),
        )
        .await;
    let archived = app
        .create_goal(
            &ana,
            json!({"title": "Old", "kind": "build", "cadence": {"type": "daily"}, "visibility": "partners"}),
        )
        .await;
    app.call(
        Method::DELETE,
        &format!("/v1/goals/{}", archived["id"].as_str().unwrap()),
        &ana,
    )
    .await;
    let today: NaiveDate = app.progress(&ana, &shared_id).await["today"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let day = |n: u64| (today - Days::new(n)).to_string();
    app.check_in(
        &ana,
        &shared_id,
        &day(1),
        json!({"status": "done", "note": "shared words", "note_shared": true, "mood": 5}),
    )
    .await;
    app.check_in(
        &ana,
        &shared_id,
        &day(2),
        json!({"status": "done", "note": "private words", "mood": 1}),
    )
    .await;
    app.check_in(
        &ana,
        private["id"].as_str().unwrap(),
        &day(1),
        json!({"status": "done"}),
    )
    .await;

    let path = format!("/v1/partnerships/{id}/progress");
    let seen = app.get_json(&sam, &path).await;
    assert_eq!(seen["partner"]["display_name"], "ana");
    let goals = seen["goals"].as_array().unwrap();
    assert_eq!(goals.len(), 1, "only the shared, active goal: {seen}");
    assert_eq!(goals[0]["id"], shared_id.as_str());
    assert_eq!(goals[0]["title"], "Walk");
    let days = goals[0]["check_ins"].as_array().unwrap();
    assert_eq!(
        days.clone(),
        vec![
            json!({"date": day(2), "status": "done", "note": null}),
            json!({"date": day(1), "status": "done", "note": "shared words"}),
        ]
    );
    let text = seen.to_string();
    assert!(!text.contains("private words") && !text.contains("mood") && !text.contains("Secret"));
    // The same numbers the owner sees.
    let own = app.progress(&ana, &shared_id).await;
    for figure in [
        "current_streak",
        "best_streak",
        "strength",
        "completion",
        "today",
    ] {
        assert_eq!(goals[0]["progress"][figure], own[figure], "{figure}");
    }
    // The owner sees the partner's side too.
    let mirrored = app.get_json(&ana, &path).await;
    assert_eq!(mirrored["goals"], json!([]), "sam shares nothing");

    // Made private: gone at once.
    let response = app
        .send_json(
            Method::PATCH,
            &format!("/v1/goals/{shared_id}"),
            &ana,
            json!({"visibility": "private"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.get_json(&sam, &path).await["goals"], json!([]));
    // Ended: the view is gone for both.
    assert_eq!(act(&app, &ana, &id, "end").await.status(), 200);
    problem(app.call(Method::GET, &path, &sam).await, 404).await;
    problem(app.call(Method::GET, &path, &ana).await, 404).await;
}

#[tokio::test]
async fn a_pending_request_shows_no_progress() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let request = app.request_partner(&sam, &ana, &group).await;
    let id = request["id"].as_str().unwrap();
    for who in [&sam, &ana] {
        problem(
            app.call(Method::GET, &format!("/v1/partnerships/{id}/progress"), who)
                .await,
            404,
        )
        .await;
    }
}

#[tokio::test]
async fn a_request_unanswered_for_30_days_expires() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let request = app.request_partner(&sam, &ana, &group).await;
    let id = request["id"].as_str().unwrap().to_owned();
    store.execute(&format!(
        "UPDATE partnerships SET requested_at = '2020-01-01 00:00:00' WHERE id = '{id}'"
    ));
    let seen = app.get_json(&ana, &format!("/v1/partnerships/{id}")).await;
    assert_eq!(seen["status"], "expired");
    assert_eq!(
        app.get_json(&ana, "/v1/partnerships?status=pending").await["items"],
        json!([])
    );
    let expired = app.get_json(&ana, "/v1/partnerships?status=expired").await;
    assert_eq!(expired["items"][0]["id"], id.as_str());
    problem(act(&app, &ana, &id, "accept").await, 409).await;
    // The pair may ask again.
    let again = app.request_partner(&sam, &ana, &group).await;
    assert_eq!(again["status"], "pending");
    assert_eq!(
        app.get_json(&sam, &format!("/v1/partnerships/{id}")).await["status"],
        "expired"
    );
}

#[tokio::test]
async fn erasure_leaves_no_copy_of_the_member_in_others_kept_answers() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.group_of(&sam, &[&ana]).await;
    app.update_profile(&ana, json!({"open_to_partnering": true}))
        .await;
    let asked = app
        .authed(Method::POST, "/v1/partnerships", &sam.access)
        .header("Idempotency-Key", "ask-ana")
        .json(&json!({"member_id": ana.id, "group_id": group}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 201);
    let mentions = format!("idempotency_keys WHERE body LIKE '%{}%'", ana.id);
    assert_eq!(store.count(&mentions), 1, "sam's kept answer names ana");
    let erased = app
        .authed(Method::DELETE, "/v1/me", &ana.access)
        .json(&json!({"password": tether_tests::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), 204);
    assert_eq!(store.count(&mentions), 0);
    assert_eq!(
        app.get_json(&sam, "/v1/partnerships").await["items"],
        json!([]),
        "the partnership went with her"
    );
}
