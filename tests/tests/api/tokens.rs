//! Access tokens that must not open anything.

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode, get_current_timestamp};
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TEST_SECRET, TestApp, problem};

fn token(claims: &Value, secret: &str, algorithm: Algorithm) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// The claims the server would issue to `account`'s session, with `sub`
/// as the subject.
fn claims_for(account: &Account, sub: &str) -> Value {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = account.access.split('.').nth(1).unwrap();
    let issued: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let now = get_current_timestamp();
    json!({
        "iss": "tether", "aud": "tether-api", "sub": sub, "sid": issued["sid"],
        "iat": now, "exp": now + 600,
    })
}

fn b64(value: &Value) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn a_forged_or_stale_token_is_refused() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let claims = |sub: &str| claims_for(&sam, sub);
    let now = get_current_timestamp();

    // The well-formed token the server itself would issue works...
    let genuine = token(&claims(&sam.id), TEST_SECRET, Algorithm::HS256);
    let response = app
        .authed(Method::GET, "/v1/me", &genuine)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the test's token matches the server's format"
    );

    // ...and every variation of it does not.
    let mut expired = claims(&sam.id);
    expired["exp"] = json!(now - 120);
    let mut wrong_audience = claims(&sam.id);
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = claims(&sam.id);
    wrong_issuer["iss"] = json!("someone-else");
    let mut without_session = claims(&sam.id);
    without_session.as_object_mut().unwrap().remove("sid");
    let mut no_expiry = claims(&sam.id);
    no_expiry.as_object_mut().unwrap().remove("exp");
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims(&sam.id))
    );
    let forged = [
        ("expired", token(&expired, TEST_SECRET, Algorithm::HS256)),
        (
            "another key",
            token(
                &claims(&sam.id),
                "another-secret-another-secret-0000",
                Algorithm::HS256,
            ),
        ),
        (
            "another algorithm",
            token(&claims(&sam.id), TEST_SECRET, Algorithm::HS512),
        ),
        ("alg none", alg_none),
        (
            "wrong audience",
            token(&wrong_audience, TEST_SECRET, Algorithm::HS256),
        ),
        (
            "wrong issuer",
            token(&wrong_issuer, TEST_SECRET, Algorithm::HS256),
        ),
        (
            "no expiry",
            token(&no_expiry, TEST_SECRET, Algorithm::HS256),
        ),
        (
            "subject not a member id",
            token(&claims("sam"), TEST_SECRET, Algorithm::HS256),
        ),
        (
            "another member's session",
            token(&claims_for(&kim, &sam.id), TEST_SECRET, Algorithm::HS256),
        ),
        (
            "no session",
            token(&without_session, TEST_SECRET, Algorithm::HS256),
        ),
        ("garbage", "not-a-jwt".to_owned()),
        ("a refresh token", sam.refresh.clone()),
    ];
    for (what, token) in forged {
        let response = app
            .authed(Method::GET, "/v1/me", &token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
        problem(response, 401).await;
    }
}

#[tokio::test]
async fn missing_or_malformed_authorization_is_refused() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let anonymous = app.request(Method::GET, "/v1/me").send().await.unwrap();
    problem(anonymous, 401).await;
    for header in [
        format!("Basic {}", sam.access),
        sam.access.clone(),
        "Bearer".to_owned(),
    ] {
        let response = app
            .request(Method::GET, "/v1/me")
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        problem(response, 401).await;
    }
    // The scheme is case-insensitive (RFC 9110).
    let lower = app
        .request(Method::GET, "/v1/me")
        .header("authorization", format!("bearer {}", sam.access))
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), 200);
}
