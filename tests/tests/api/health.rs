use reqwest::Method;
use tether_tests::{Store, TestApp};

#[tokio::test]
async fn health_and_readiness_answer() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let health = app.request(Method::GET, "/v1/health").send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        health.headers().contains_key("x-request-id"),
        "every answer carries a request id"
    );
    assert_eq!(
        health.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
    let ready = app.request(Method::GET, "/v1/ready").send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "ready"
    );
}

#[tokio::test]
async fn not_ready_without_its_schema() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let ready = app.request(Method::GET, "/v1/ready").send().await.unwrap();
    assert_eq!(ready.status(), 200);
    store.execute("DROP TABLE __diesel_schema_migrations");
    let ready = app.request(Method::GET, "/v1/ready").send().await.unwrap();
    let body = tether_tests::problem(ready, 503).await;
    assert!(!body.to_string().contains("diesel"), "no internals: {body}");
    // Alive all the same: the process itself is fine.
    let health = app.request(Method::GET, "/v1/health").send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn the_spec_and_its_docs_are_served() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let spec = app
        .request(Method::GET, "/openapi.json")
        .send()
        .await
        .unwrap();
    assert_eq!(spec.status(), 200);
    let spec: serde_json::Value = spec.json().await.unwrap();
    assert_eq!(spec["info"]["title"], "Tether API");
    let docs = app.request(Method::GET, "/docs/").send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "Swagger UI is served from the binary"
    );
    let redirect = app.request(Method::GET, "/docs").send().await.unwrap();
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert_eq!(redirect.headers()["location"], "/docs/");
}

#[tokio::test]
async fn the_docs_call_nobody() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    // Under a host name other than localhost, Swagger UI would ask
    // validator.swagger.io about our spec unless told not to.
    let config = app
        .request(Method::GET, "/docs/swagger-initializer.js")
        .header("host", "tether.example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(config.status(), 200);
    let config = config.text().await.unwrap();
    assert!(config.contains(r#""validatorUrl": "none""#), "{config}");
    assert!(!config.contains("swagger.io"), "{config}");
}

#[tokio::test]
async fn generated_signing_key_keeps_tokens_valid_across_restarts() {
    let store = Store::new();
    if store.is_postgres() {
        // PostgreSQL refuses to start without a configured key (a unit test
        // in the api crate covers that); the key file is SQLite's.
        return;
    }
    let no_secret = [("TETHER_JWT_SECRET", "")];
    let first = TestApp::spawn_with(&store, &no_secret).await;
    let sam = first.register("sam").await;
    drop(first);
    let second = TestApp::spawn_with(&store, &no_secret).await;
    let me = second
        .authed(Method::GET, "/v1/me", &sam.access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        200,
        "a token from before the restart still works"
    );
}
