//! Blocks: what a block ends, what it keeps apart, and that the blocked
//! member is never told.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn block(app: &TestApp, who: &Account, whom: &Account) -> reqwest::Response {
    app.send_json(
        Method::POST,
        "/v1/blocks",
        who,
        json!({"member_id": whom.id}),
    )
    .await
}

#[tokio::test]
async fn a_block_ends_everything_silently_and_keeps_both_apart() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let partnership = app.partners(&sam, &ana).await;
    let group = app.get_json(&sam, "/v1/groups").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.join_group(
        &bob,
        app.get_json(&sam, &format!("/v1/groups/{group}")).await["invite_code"]
            .as_str()
            .unwrap(),
    )
    .await;
    app.update_profile(&sam, json!({"open_to_partnering": true, "max_partners": 3}))
        .await;
    app.update_profile(&bob, json!({"open_to_partnering": true}))
        .await;
    let pending = app.request_partner(&bob, &sam, &group).await;
    let inbox_before = app.get_json(&ana, "/v1/me/notifications").await["items"].clone();

    let response = block(&app, &sam, &ana).await;
    assert_eq!(response.status(), 201);
    let made: Value = response.json().await.unwrap();
    assert_eq!(made["member_id"], ana.id.as_str());
    assert_eq!(made["display_name"], "ana");
    assert_eq!(block(&app, &sam, &bob).await.status(), 201);
    // Blocking again: the block as it stands.
    let again = block(&app, &sam, &ana).await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<Value>().await.unwrap()["created_at"],
        made["created_at"]
    );

    // The partnership ended, the request was cancelled, nobody was told.
    let seen = app
        .get_json(&ana, &format!("/v1/partnerships/{partnership}"))
        .await;
    assert_eq!(seen["status"], "ended");
    let request = app
        .get_json(
            &bob,
            &format!("/v1/partnerships/{}", pending["id"].as_str().unwrap()),
        )
        .await;
    // Declined, as sam could have done: nothing only a block would do.
    assert_eq!(request["status"], "declined");
    assert_eq!(
        app.get_json(&ana, "/v1/me/notifications").await["items"],
        inbox_before
    );
    for who in [&sam, &ana] {
        problem(
            app.call(
                Method::GET,
                &format!("/v1/partnerships/{partnership}/progress"),
                who,
            )
            .await,
            404,
        )
        .await;
    }
    // Requests either way get a stranger's answer, never the word.
    for (from, to) in [(&ana, &sam), (&sam, &ana), (&bob, &sam)] {
        app.update_profile(to, json!({"open_to_partnering": true}))
            .await;
        let response = app
            .send_json(
                Method::POST,
                "/v1/partnerships",
                from,
                json!({"member_id": to.id, "group_id": group}),
            )
            .await;
        let answer = problem(response, 404).await;
        assert!(!answer.to_string().to_lowercase().contains("block"));
    }
    // Neither is suggested to the other.
    for (who, other) in [(&sam, &ana), (&ana, &sam), (&bob, &sam)] {
        let seen = app.get_json(who, "/v1/partners/suggestions").await;
        assert!(
            seen["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["member_id"] != other.id.as_str()),
            "{seen}"
        );
    }
    // Only the blocker sees the block.
    let mine = app.get_json(&sam, "/v1/blocks").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.get_json(&ana, "/v1/blocks").await["items"], json!([]));

    // Lifted: what it ended stays ended; lifting again is a 404.
    let path = format!("/v1/blocks/{}", ana.id);
    assert_eq!(app.call(Method::DELETE, &path, &sam).await.status(), 204);
    problem(app.call(Method::DELETE, &path, &sam).await, 404).await;
    assert_eq!(
        app.get_json(&ana, &format!("/v1/partnerships/{partnership}"))
            .await["status"],
        "ended"
    );
}

#[tokio::test]
async fn only_someone_known_can_be_blocked() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    app.group_of(&sam, &[&ana]).await;
    problem(block(&app, &sam, &eve).await, 404).await;
    problem(block(&app, &eve, &sam).await, 404).await;
    let response = block(&app, &sam, &sam).await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["member_id"]);
    let response = app
        .send_json(
            Method::POST,
            "/v1/blocks",
            &sam,
            json!({"member_id": "someone"}),
        )
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["member_id"]);
    let anonymous = app
        .request(Method::POST, "/v1/blocks")
        .json(&json!({"member_id": ana.id}))
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
    problem(
        app.call(Method::DELETE, &format!("/v1/blocks/{}", ana.id), &eve)
            .await,
        404,
    )
    .await;
    assert_eq!(store.count("blocks"), 0);
}

#[tokio::test]
async fn a_block_unqueues_the_pushes_still_owed_between_the_two() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let with_ana = app.partners(&sam, &ana).await;
    app.update_profile(&sam, json!({"max_partners": 2})).await;
    let with_bob = app.partners(&bob, &sam).await;
    for (who, id) in [(&sam, &with_ana), (&sam, &with_bob)] {
        let cheered = app
            .send_json(
                Method::POST,
                &format!("/v1/partnerships/{id}/encouragements"),
                who,
                json!({"kind": "cheer"}),
            )
            .await;
        assert_eq!(cheered.status(), 201);
    }
    let owed = |member: &str| {
        store.count(&format!(
            "outbox WHERE sent_at IS NULL AND member_id = '{member}'"
        ))
    };
    assert!(owed(&ana.id) >= 1 && owed(&bob.id) >= 1);
    assert_eq!(block(&app, &ana, &sam).await.status(), 201);
    assert_eq!(owed(&ana.id), 0, "nothing more of sam reaches ana's phone");
    assert!(
        owed(&sam.id) >= 1,
        "sam's own pushes tell nothing of the block"
    );
    assert!(
        owed(&bob.id) >= 1,
        "bob's pushes are not ana's block's business"
    );
    assert!(
        !app.get_json(&ana, "/v1/me/notifications").await["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the inbox keeps the record"
    );
}
