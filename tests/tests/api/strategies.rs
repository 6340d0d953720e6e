//! The coping strategies board: sharing, "this helped me", the order, and
//! who may see or remove what.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

async fn share(app: &TestApp, who: &Account, group: &str, title: &str) -> Value {
    let response = app
        .send_json(
            Method::POST,
            &format!("/v1/groups/{group}/strategies"),
            who,
            json!({"title": title, "body": "What I do:\n- breathe\n- call someone"}),
        )
        .await;
    assert_eq!(response.status(), 201, "sharing {title}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_board_lists_the_most_helpful_first_then_the_newest() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;

    let walk = share(&app, &ana, &group, "Walk it off").await;
    assert_eq!(walk["author"]["display_name"], "ana");
    assert_eq!(walk["helpful_count"], 0);
    assert_eq!(walk["helped_me"], false);
    let call = share(&app, &ana, &group, "Call a friend").await;
    let tea = share(&app, &bob, &group, "Make tea").await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();

    let helpful = |who: &Account, strategy: &Value, method: Method| {
        let path = format!("/v1/strategies/{}/helpful", id(strategy));
        let request = app.authed(method, &path, &who.access);
        async move { request.send().await.unwrap() }
    };
    // Two found the walk helpful, one the tea; marking twice is once.
    for who in [&sam, &bob, &bob] {
        let response = helpful(who, &walk, Method::POST).await;
        assert_eq!(response.status(), 200);
    }
    let marked: Value = helpful(&sam, &tea, Method::POST)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(marked["helpful_count"], 1);
    assert_eq!(marked["helped_me"], true);
    // Not one's own.
    problem(helpful(&ana, &walk, Method::POST).await, 409).await;

    let board = app
        .get_json(&sam, &format!("/v1/groups/{group}/strategies"))
        .await;
    let order: Vec<Value> = board["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].clone())
        .collect();
    assert_eq!(order, ["Walk it off", "Make tea", "Call a friend"]);
    assert_eq!(board["items"][0]["helpful_count"], 2);
    assert_eq!(board["items"][0]["helped_me"], true);
    assert_eq!(board["items"][2]["helped_me"], false);
    // Page by page, the same order.
    let first = app
        .get_json(&sam, &format!("/v1/groups/{group}/strategies?limit=2"))
        .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = app
        .get_json(
            &sam,
            &format!("/v1/groups/{group}/strategies?limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest["items"][0]["id"], id(&call).as_str());
    assert_eq!(rest["next_cursor"], Value::Null);
    problem(
        app.call(
            Method::GET,
            &format!("/v1/groups/{group}/strategies?cursor=nonsense"),
            &sam,
        )
        .await,
        422,
    )
    .await;

    // Taken back.
    let unmarked: Value = helpful(&bob, &walk, Method::DELETE)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unmarked["helpful_count"], 1);
    assert_eq!(unmarked["helped_me"], false);
}

#[tokio::test]
async fn only_members_see_the_board_and_only_authors_or_facilitators_remove() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;
    let strategy = share(&app, &ana, &group, "Walk it off").await;
    let path = format!("/v1/strategies/{}", strategy["id"].as_str().unwrap());
    let board = format!("/v1/groups/{group}/strategies");

    // A stranger sees nothing and can do nothing.
    problem(app.call(Method::GET, &board, &eve).await, 404).await;
    problem(app.call(Method::GET, &path, &eve).await, 404).await;
    problem(
        app.call(Method::POST, &format!("{path}/helpful"), &eve)
            .await,
        404,
    )
    .await;
    problem(app.call(Method::DELETE, &path, &eve).await, 404).await;
    let response = app
        .send_json(
            Method::POST,
            &board,
            &eve,
            json!({"title": "Spam", "body": "spam"}),
        )
        .await;
    problem(response, 404).await;
    let anonymous = app.request(Method::GET, &board).send().await.unwrap();
    problem(anonymous, 401).await;

    // Bad input names each field.
    for (body, fields) in [
        (json!({}), vec!["body", "title"]),
        (json!({"title": " ", "body": ""}), vec!["body", "title"]),
        (
            json!({"title": "t".repeat(121), "body": "b".repeat(2001)}),
            vec!["body", "title"],
        ),
    ] {
        let response = app
            .send_json(Method::POST, &board, &bob, body.clone())
            .await;
        assert_eq!(bad_fields(&problem(response, 422).await), fields, "{body}");
    }

    // Another member may not remove it; its author and a facilitator may.
    problem(app.call(Method::DELETE, &path, &bob).await, 403).await;
    assert_eq!(app.call(Method::DELETE, &path, &ana).await.status(), 204);
    problem(app.call(Method::GET, &path, &ana).await, 404).await;
    // Its author may take it back after leaving the group.
    let parting = share(&app, &bob, &group, "Leave early").await;
    let parting = format!("/v1/strategies/{}", parting["id"].as_str().unwrap());
    let left = app
        .call(
            Method::DELETE,
            &format!("/v1/groups/{group}/members/{}", bob.id),
            &bob,
        )
        .await;
    assert_eq!(left.status(), 204);
    problem(app.call(Method::GET, &parting, &bob).await, 404).await;
    assert_eq!(app.call(Method::DELETE, &parting, &bob).await.status(), 204);
    let code = app.get_json(&sam, &format!("/v1/groups/{group}")).await["invite_code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.join_group(&bob, &code).await;
    let other = share(&app, &bob, &group, "Make tea").await;
    let other = format!("/v1/strategies/{}", other["id"].as_str().unwrap());
    assert_eq!(app.call(Method::DELETE, &other, &sam).await.status(), 204);
    assert_eq!(store.count("strategies"), 0);
}

#[tokio::test]
async fn one_idempotency_key_is_one_request_not_one_body() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let first = app.group_of(&sam, &[]).await;
    let second = app.group_of(&sam, &[]).await;
    let body = json!({"title": "Breathe", "body": "Slowly."});
    let post = |group: &str| {
        app.authed(
            Method::POST,
            &format!("/v1/groups/{group}/strategies"),
            &sam.access,
        )
        .header("Idempotency-Key", "share-1")
        .json(&body)
        .send()
    };
    let shared = post(&first).await.unwrap();
    assert_eq!(shared.status(), 201);
    let again = post(&first).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    // The same body to another group is another request: not a replay of
    // the first group's answer.
    problem(post(&second).await.unwrap(), 422).await;
    assert_eq!(store.count("strategies"), 1);
}
