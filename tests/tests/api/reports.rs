//! Reports: made by a member, seen by the facilitators of the groups the
//! two share, never by the member reported about.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn report(app: &TestApp, who: &Account, body: Value) -> reqwest::Response {
    app.send_json(Method::POST, "/v1/reports", who, body).await
}

#[tokio::test]
async fn a_report_reaches_the_facilitators_and_never_the_reported() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;

    let response = report(
        &app,
        &bob,
        json!({"member_id": ana.id, "group_id": group, "reason": "harassment", "detail": "Messages at night."}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let filed: Value = response.json().await.unwrap();
    assert_eq!(filed["status"], "open");
    assert_eq!(filed["group_ids"], json!([group]));

    let list = format!("/v1/groups/{group}/reports");
    let seen = app.get_json(&sam, &list).await;
    let item = &seen["items"][0];
    assert_eq!(item["reporter"]["display_name"], "bob");
    assert_eq!(item["member"]["member_id"], ana.id.as_str());
    assert_eq!(item["reason"], "harassment");
    assert_eq!(item["detail"], "Messages at night.");
    // Members (the reported one too) and strangers see nothing.
    for who in [&ana, &bob, &eve] {
        problem(app.call(Method::GET, &list, who).await, 404).await;
    }
    let id = item["id"].as_str().unwrap().to_owned();
    let resolve = format!("/v1/reports/{id}/resolve");
    for who in [&ana, &bob, &eve] {
        problem(
            app.send_json(Method::POST, &resolve, who, json!({})).await,
            404,
        )
        .await;
    }
    let response = app
        .send_json(
            Method::POST,
            &resolve,
            &sam,
            json!({"note": "Talked with both."}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let resolved: Value = response.json().await.unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolution_note"], "Talked with both.");
    problem(
        app.send_json(Method::POST, &resolve, &sam, json!({})).await,
        409,
    )
    .await;
    assert_eq!(
        app.get_json(&sam, &format!("{list}?status=open")).await["items"],
        json!([])
    );
    assert_eq!(
        app.get_json(&sam, &format!("{list}?status=resolved")).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    problem(
        app.call(Method::GET, &format!("{list}?status=maybe"), &sam)
            .await,
        422,
    )
    .await;

    // The reported member's account erased: the report stays, about "a
    // former member".
    let erased = app
        .authed(Method::DELETE, "/v1/me", &ana.access)
        .json(&json!({"password": tether_tests::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(erased.status(), 204);
    let after = app.get_json(&sam, &list).await;
    assert_eq!(after["items"][0]["member"]["member_id"], Value::Null);
    assert_eq!(
        after["items"][0]["member"]["display_name"],
        "a former member"
    );
}

#[tokio::test]
async fn a_facilitator_reported_about_is_not_shown_the_report() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;
    let promoted = app
        .send_json(
            Method::PATCH,
            &format!("/v1/groups/{group}/members/{}", ana.id),
            &sam,
            json!({"role": "facilitator"}),
        )
        .await;
    assert_eq!(promoted.status(), 200);
    // Without a group: every group the two share.
    let response = report(&app, &bob, json!({"member_id": sam.id, "reason": "unsafe"})).await;
    assert_eq!(response.status(), 201);
    let list = format!("/v1/groups/{group}/reports");
    assert_eq!(app.get_json(&sam, &list).await["items"], json!([]));
    let seen = app.get_json(&ana, &list).await;
    let id = seen["items"][0]["id"].as_str().unwrap().to_owned();
    problem(
        app.send_json(
            Method::POST,
            &format!("/v1/reports/{id}/resolve"),
            &sam,
            json!({}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        app.send_json(
            Method::POST,
            &format!("/v1/reports/{id}/resolve"),
            &ana,
            json!({}),
        )
        .await
        .status(),
        200
    );
}

#[tokio::test]
async fn a_report_names_each_bad_field_and_reaches_only_group_mates() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana]).await;
    let elsewhere = app.group_of(&eve, &[]).await;
    for (body, fields) in [
        (json!({}), vec!["member_id", "reason"]),
        (
            json!({"member_id": ana.id, "reason": "rude"}),
            vec!["reason"],
        ),
        (
            json!({"member_id": ana.id, "reason": "other", "detail": "d".repeat(2001)}),
            vec!["detail"],
        ),
        (
            json!({"member_id": sam.id, "reason": "other"}),
            vec!["member_id"],
        ),
        (
            json!({"member_id": ana.id, "reason": "other", "group_id": "g"}),
            vec!["group_id"],
        ),
    ] {
        let response = report(&app, &sam, body.clone()).await;
        assert_eq!(bad_fields(&problem(response, 422).await), fields, "{body}");
    }
    for body in [
        json!({"member_id": eve.id, "reason": "spam"}),
        json!({"member_id": ana.id, "reason": "spam", "group_id": elsewhere}),
    ] {
        problem(report(&app, &sam, body).await, 404).await;
    }
    let anonymous = app
        .request(Method::POST, "/v1/reports")
        .json(&json!({"member_id": ana.id, "reason": "spam", "group_id": group}))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
    assert_eq!(store.count("reports"), 0);
}
