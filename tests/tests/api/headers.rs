//! Headers on every answer: nosniff everywhere, no-store wherever a token
//! or personal data may be in the body.

use reqwest::{Method, Response};
use serde_json::json;
use tether_tests::{PASSWORD, Store, TestApp};

fn assert_private(response: &Response, what: &str) {
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["cache-control"], "no-store", "{what}");
}

#[tokio::test]
async fn every_api_answer_is_nosniff_and_no_store() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let register = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({
            "email": "sam@example.org", "password": PASSWORD,
            "display_name": "Sam", "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    assert_private(&register, "register");
    let login = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": "sam@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_private(&login, "login");
    let session: serde_json::Value = login.json().await.unwrap();
    let (access, refresh) = (
        session["access_token"].as_str().unwrap(),
        session["refresh_token"].as_str().unwrap(),
    );
    let refreshed = app
        .request(Method::POST, "/v1/auth/refresh")
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_private(&refreshed, "refresh");

    let goal = app
        .authed(Method::POST, "/v1/goals", access)
        .json(&json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}}))
        .send()
        .await
        .unwrap();
    assert_private(&goal, "create goal");
    let goal: serde_json::Value = goal.json().await.unwrap();
    let id = goal["id"].as_str().unwrap();
    let today = goal["started_on"].as_str().unwrap();
    let check_in = app
        .authed(
            Method::PUT,
            &format!("/v1/goals/{id}/check-ins/{today}"),
            access,
        )
        .json(&json!({"status": "done", "note": "private words"}))
        .send()
        .await
        .unwrap();
    assert_private(&check_in, "check-in");
    for path in [
        "/v1/me".to_owned(),
        "/v1/me/export".to_owned(),
        "/v1/goals".to_owned(),
        format!("/v1/goals/{id}"),
        format!("/v1/goals/{id}/check-ins"),
        format!("/v1/goals/{id}/check-ins/{today}"),
        format!("/v1/goals/{id}/progress"),
        "/v1/health".to_owned(),
        "/v1/ready".to_owned(),
    ] {
        let response = app.authed(Method::GET, &path, access).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_private(&response, &path);
    }
    // Problems too: a 401, a 404, a 405, a 422.
    for (method, path, token) in [
        (Method::GET, "/v1/me", "not a token"),
        (Method::GET, "/v1/nowhere", access),
        (Method::PUT, "/v1/me", access),
        (Method::GET, "/v1/goals?limit=0", access),
    ] {
        let response = app.authed(method, path, token).send().await.unwrap();
        assert!(response.status().is_client_error(), "{path}");
        assert_private(&response, path);
    }
}

#[tokio::test]
async fn the_public_spec_is_nosniff_too() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    for path in ["/openapi.json", "/docs/"] {
        let response = app.request(Method::GET, path).send().await.unwrap();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
}
