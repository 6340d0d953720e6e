//! Registering and signing in.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{PASSWORD, Store, TestApp, bad_fields, problem};

/// Sends a registration for `email`.
async fn register(app: &TestApp, email: &str) -> reqwest::Response {
    app.request(Method::POST, "/v1/auth/register")
        .json(&registration(email))
        .send()
        .await
        .unwrap()
}

fn registration(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "  Sam  ",
        "timezone": "America/New_York",
    })
}

#[tokio::test]
async fn register_creates_a_private_account_and_signs_it_in() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = register(&app, "  Sam.Doe@Example.ORG ").await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], "/v1/me");
    let session: Value = response.json().await.unwrap();
    let member = &session["member"];
    assert_eq!(
        member["email"], "sam.doe@example.org",
        "trimmed and lower-cased"
    );
    assert_eq!(member["display_name"], "Sam", "trimmed");
    assert_eq!(member["timezone"], "America/New_York");
    // Private by default: nothing is shared or offered until the member says so.
    assert_eq!(member["open_to_partnering"], false);
    assert_eq!(member["partner_alerts"], false);
    assert_eq!(member["willing_to_mentor"], false);
    assert_eq!(member["recovery_focus"], json!([]));
    assert_eq!(member["bio"], Value::Null);
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 900);
    assert!(session["refresh_token"].as_str().unwrap().len() >= 43);
    assert!(member.get("password_hash").is_none());

    let me = app
        .authed(
            Method::GET,
            "/v1/me",
            session["access_token"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<Value>().await.unwrap()["id"], member["id"]);
}

#[tokio::test]
async fn an_email_registers_once_whatever_its_case() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    app.register("sam").await;
    let response = register(&app, "SAM@example.org").await;
    problem(response, 409).await;
    assert_eq!(store.count("members"), 1);
}

#[tokio::test]
async fn register_names_every_bad_field() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let response = app
        .request(Method::POST, "/v1/auth/register")
        .json(&json!({
            "email": "not-an-address",
            "password": "short",
            "display_name": "   ",
            "timezone": "Mars/Olympus",
        }))
        .send()
        .await
        .unwrap();
    let body = problem(response, 422).await;
    assert_eq!(
        bad_fields(&body),
        ["display_name", "email", "password", "timezone"]
    );
    assert_eq!(
        body["errors"]["password"][0],
        "must be at least 10 characters"
    );
    assert_eq!(store.count("members"), 0);

    for (field, value) in [
        ("password", json!("x".repeat(129))),
        ("display_name", json!("x".repeat(51))),
        ("display_name", json!("Sam\u{0}")),
        ("email", json!(format!("{}@example.org", "x".repeat(250)))),
    ] {
        let mut body = registration("sam@example.org");
        body[field] = value;
        let response = app
            .request(Method::POST, "/v1/auth/register")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(bad_fields(&problem(response, 422).await), [field]);
    }
}

#[tokio::test]
async fn login_signs_in_with_any_case_of_the_email() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let response = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": " SAM@Example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["member"]["id"], sam.id.as_str());
    assert_ne!(
        session["refresh_token"],
        sam.refresh.as_str(),
        "a new session"
    );
}

#[tokio::test]
async fn login_gives_one_answer_for_unknown_email_and_wrong_password() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    app.register("sam").await;
    let mut answers = Vec::new();
    for (email, password) in [
        ("sam@example.org", "not the password at all"),
        ("nobody@example.org", PASSWORD),
    ] {
        let response = app
            .request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        answers.push(problem(response, 401).await);
    }
    assert_eq!(answers[0], answers[1], "nothing tells which accounts exist");
}

#[tokio::test]
async fn too_many_calls_from_one_address_get_429() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_AUTH_RATE", "3")]).await;
    for _ in 0..3 {
        let response = app
            .request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": "nobody@example.org", "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    // Register, refresh and logout share the budget with login.
    for (path, body) in [
        ("/v1/auth/register", registration("sam@example.org")),
        (
            "/v1/auth/login",
            json!({"email": "nobody@example.org", "password": "x"}),
        ),
        ("/v1/auth/refresh", json!({"refresh_token": "x"})),
        ("/v1/auth/logout", json!({"refresh_token": "x"})),
    ] {
        let response = app
            .request(Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after), "{path}: {retry_after}");
        problem(response, 429).await;
    }
    assert_eq!(store.count("members"), 0);
}

#[tokio::test]
async fn too_many_wrong_passwords_lock_the_account_for_a_while() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_LOGIN_FAILURES", "3")]).await;
    let sam = app.register("sam").await;
    let login = |password: &'static str| {
        app.request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": sam.email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(login("a wrong password").await.unwrap().status(), 401);
    }
    // Even the right password waits now: the guesser cannot tell it was right.
    let response = login(PASSWORD).await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 60 && retry_after <= 15 * 60, "{retry_after}");
    problem(response, 429).await;
    // Other accounts are not affected.
    let kim = app.register("kim").await;
    let response = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": kim.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn look_alike_addresses_are_one_mailbox_and_one_account() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    for first in ["sam@example.org", "josé@example.org"] {
        let response = register(&app, first).await;
        assert_eq!(response.status(), 201, "{first}");
    }
    for look_alike in [
        "sam@ｅｘａｍｐｌｅ.org",
        "ｓａｍ@example.org",
        "SAM@EXAMPLE.ORG",
        "jose\u{301}@example.org",
        "JOSE\u{301}@Example.org",
    ] {
        let response = register(&app, look_alike).await;
        problem(response, 409).await;
        // And it signs in to the one account there is.
        let response = app
            .request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": look_alike, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{look_alike}");
    }
    for hidden in [
        "sa\u{200B}m@example.org",
        "sam@exam\u{200D}ple.org",
        "\u{202E}sam@example.org",
    ] {
        let response = register(&app, hidden).await;
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            ["email"],
            "{hidden:?}"
        );
    }
    assert_eq!(store.count("members"), 2);
}

async fn login_from(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn racing_wrong_passwords_meet_the_limit_as_if_one_by_one() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_LOGIN_FAILURES", "10")]).await;
    let sam = app.register("sam").await;
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let request = app
            .request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": sam.email, "password": "a wrong guess"}));
        racing.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let mut statuses = racing.join_all().await;
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [[401; 10], [429; 10]].concat(),
        "exactly ten were checked"
    );
}

#[tokio::test]
async fn registering_a_taken_email_is_no_failed_login() {
    let store = Store::new();
    let app = TestApp::spawn_with(&store, &[("TETHER_LOGIN_FAILURES", "2")]).await;
    let sam = app.register("sam").await;
    for _ in 0..3 {
        let response = register(&app, &sam.email).await;
        problem(response, 409).await;
    }
    let response = login_from(&app, &app.client, &sam.email, PASSWORD).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_stranger_guessing_elsewhere_does_not_lock_the_member_out() {
    let store = Store::new();
    let app = TestApp::spawn_with(
        &store,
        &[
            ("TETHER_LOGIN_FAILURES", "3"),
            ("TETHER_ACCOUNT_FAILURES", "7"),
        ],
    )
    .await;
    let sam = app.register("sam").await;
    let stranger = app.client_from("127.0.0.2");
    let own_phone = app.client_from("127.0.0.3");
    for _ in 0..3 {
        let response = login_from(&app, &stranger, &sam.email, "a wrong guess").await;
        assert_eq!(response.status(), 401);
    }
    // The stranger's address is stopped, even with the right password...
    problem(login_from(&app, &stranger, &sam.email, PASSWORD).await, 429).await;
    // ...while the member, from their own address, signs in.
    assert_eq!(
        login_from(&app, &own_phone, &sam.email, PASSWORD)
            .await
            .status(),
        200
    );

    // Guessing spread over many addresses meets the account's own, higher
    // ceiling: three more addresses, seven wrong passwords in all.
    for (ip, guesses) in [("127.0.0.4", 3), ("127.0.0.5", 1)] {
        let client = app.client_from(ip);
        for _ in 0..guesses {
            assert_eq!(
                login_from(&app, &client, &sam.email, "a wrong guess")
                    .await
                    .status(),
                401
            );
        }
    }
    let response = login_from(&app, &app.client_from("127.0.0.6"), &sam.email, PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 60 && retry_after <= 15 * 60, "{retry_after}");
    problem(response, 429).await;
    // The member sees every wrong password tried on their account.
    let session = login_from(&app, &own_phone, &sam.email, PASSWORD).await;
    assert_eq!(
        session.status(),
        429,
        "the ceiling holds for everyone until it ages"
    );
    let export: Value = app.get_json(&sam, "/v1/me/export").await;
    assert_eq!(export["failed_sign_ins"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn the_limits_hold_across_api_processes() {
    let store = Store::new();
    let vars = [("TETHER_LOGIN_FAILURES", "3")];
    let first = TestApp::spawn_with(&store, &vars).await;
    let second = TestApp::spawn_with(&store, &vars).await;
    let sam = first.register("sam").await;
    for app in [&first, &second, &first] {
        assert_eq!(
            login_from(app, &app.client, &sam.email, "a wrong guess")
                .await
                .status(),
            401
        );
    }
    problem(
        login_from(&second, &second.client, &sam.email, PASSWORD).await,
        429,
    )
    .await;
}
