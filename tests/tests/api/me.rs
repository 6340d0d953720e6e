//! The caller's own profile, export and erasure.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, PASSWORD, Store, TestApp, bad_fields, problem};

async fn me(app: &TestApp, account: &Account) -> Value {
    let response = app.call(Method::GET, "/v1/me", account).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn patch(app: &TestApp, account: &Account, body: Value) -> reqwest::Response {
    app.authed(Method::PATCH, "/v1/me", &account.access)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_member_sees_only_their_own_profile() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    assert_eq!(me(&app, &sam).await["email"], "sam@example.org");
    assert_eq!(me(&app, &kim).await["email"], "kim@example.org");
    assert_eq!(
        patch(&app, &sam, json!({"bio": "Sam's words"}))
            .await
            .status(),
        200
    );
    assert_eq!(
        me(&app, &kim).await["bio"],
        Value::Null,
        "one member's change is not another's"
    );
}

#[tokio::test]
async fn patch_changes_the_fields_given_and_keeps_the_rest() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let before = me(&app, &sam).await;
    let response = patch(
        &app,
        &sam,
        json!({
            "display_name": " Sammy ",
            "timezone": "Asia/Tokyo",
            "bio": "  One day at a time.  ",
            "recovery_focus": ["grief", "alcohol", "grief"],
            "recovery_since": "2024-02-29",
            "open_to_partnering": true,
            "max_partners": 3,
            "willing_to_mentor": true,
            "quiet_hours": {"start": "22:30", "end": "07:00"},
            "partner_alerts": true,
        }),
    )
    .await;
    assert_eq!(response.status(), 200);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after["display_name"], "Sammy");
    assert_eq!(after["timezone"], "Asia/Tokyo");
    assert_eq!(after["bio"], "One day at a time.");
    assert_eq!(after["recovery_focus"], json!(["alcohol", "grief"]));
    assert_eq!(after["recovery_since"], "2024-02-29");
    assert_eq!(after["open_to_partnering"], true);
    assert_eq!(after["max_partners"], 3);
    assert_eq!(after["willing_to_mentor"], true);
    assert_eq!(
        after["quiet_hours"],
        json!({"start": "22:30", "end": "07:00"})
    );
    assert_eq!(after["partner_alerts"], true);
    assert_eq!(after["email"], before["email"]);
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(
        me(&app, &sam).await,
        after,
        "what was answered is what is stored"
    );

    // An empty patch changes nothing; null clears what may be empty.
    let unchanged: Value = patch(&app, &sam, json!({})).await.json().await.unwrap();
    assert_eq!(unchanged["bio"], after["bio"]);
    let cleared: Value = patch(
        &app,
        &sam,
        json!({"bio": null, "recovery_since": null, "quiet_hours": null, "recovery_focus": []}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(cleared["bio"], Value::Null);
    assert_eq!(cleared["recovery_since"], Value::Null);
    assert_eq!(cleared["quiet_hours"], Value::Null);
    assert_eq!(cleared["recovery_focus"], json!([]));
    assert_eq!(cleared["display_name"], "Sammy");
    // A window that starts where it ends is no window.
    let empty: Value = patch(
        &app,
        &sam,
        json!({"quiet_hours": {"start": "09:00", "end": "09:00"}}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(empty["quiet_hours"], Value::Null);
}

#[tokio::test]
async fn patch_names_every_bad_field_and_changes_nothing() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let before = me(&app, &sam).await;
    let response = patch(
        &app,
        &sam,
        json!({
            "display_name": "",
            "timezone": "Europe/Atlantis",
            "bio": "x".repeat(501),
            "recovery_focus": ["alcohol", "sadness"],
            "recovery_since": "2999-01-01",
            "max_partners": 6,
            "quiet_hours": {"start": "7:00", "end": "25:00"},
            "open_to_partnering": null,
        }),
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        bad_fields(&body),
        [
            "bio",
            "display_name",
            "max_partners",
            "open_to_partnering",
            "quiet_hours.end",
            "quiet_hours.start",
            "recovery_focus",
            "recovery_since",
            "timezone",
        ]
    );
    assert_eq!(
        body["errors"]["recovery_since"][0],
        "must not be in the future"
    );
    assert_eq!(me(&app, &sam).await, before);

    for (field, value) in [
        ("max_partners", json!(0)),
        ("max_partners", json!("two")),
        ("recovery_since", json!("1899-12-31")),
        ("recovery_since", json!("yesterday")),
        ("display_name", json!(null)),
        ("email", json!("new@example.org")),
    ] {
        let response = patch(&app, &sam, json!({ field: value })).await;
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            [field],
            "{field} = {value}"
        );
    }
}

#[tokio::test]
async fn me_needs_a_token() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let response = app
            .request(method.clone(), "/v1/me")
            .json(&json!({"password": PASSWORD}))
            .send()
            .await
            .unwrap();
        problem(response, 401).await;
    }
    problem(
        app.request(Method::GET, "/v1/me/export")
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

/// Every table, and the key of the export that holds its rows. A table
/// added without export support fails `export_covers_every_table`.
const EXPORTED_TABLES: [(&str, &str); 19] = [
    ("blocks", "blocks"),
    ("check_ins", "check_ins"),
    ("encouragements", "encouragements_sent"),
    ("goals", "goals"),
    ("group_members", "groups"),
    ("idempotency_keys", "idempotency_keys"),
    ("members", "member"),
    ("milestones", "milestones"),
    ("notifications", "notifications"),
    ("outbox", "pushes"),
    ("partnerships", "partnerships"),
    ("recovery_groups", "groups"),
    ("refresh_tokens", "sessions"),
    ("report_groups", "reports_filed"),
    ("reports", "reports_filed"),
    ("sessions", "sessions"),
    ("strategies", "strategies"),
    ("strategy_marks", "helpful_marks"),
    ("throttle_events", "failed_sign_ins"),
];

#[tokio::test]
async fn export_covers_every_table() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let tables = store.tables();
    let exported: Vec<&str> = EXPORTED_TABLES.iter().map(|(table, _)| *table).collect();
    assert_eq!(
        tables, exported,
        "every table must be in the export (and in this list)"
    );

    let response = app.call(Method::GET, "/v1/me/export", &sam).await;
    assert_eq!(response.status(), 200);
    let export: Value = response.json().await.unwrap();
    for (_, key) in EXPORTED_TABLES {
        assert!(export.get(key).is_some(), "export lacks {key}");
    }
    assert_eq!(export["member"]["email"], "sam@example.org");
    assert_eq!(export["sessions"].as_array().unwrap().len(), 1);
    let text = export.to_string();
    assert!(!text.contains(&sam.refresh), "no secrets in the export");
    assert!(!text.contains("argon2"), "no password hash in the export");
}

#[tokio::test]
async fn export_holds_only_the_callers_data() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let export: Value = app.get_json(&sam, "/v1/me/export").await;
    assert!(!export.to_string().contains(&kim.id));
    assert!(!export.to_string().contains("kim@example.org"));
}

#[tokio::test]
async fn delete_needs_the_right_password() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let response = app
        .authed(Method::DELETE, "/v1/me", &sam.access)
        .json(&json!({"password": "not my password"}))
        .send()
        .await
        .unwrap();
    problem(response, 403).await;
    assert_eq!(store.count("members"), 1, "nothing was erased");
    let response = app
        .authed(Method::DELETE, "/v1/me", &sam.access)
        .json(&json!({"pass": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        bad_fields(&problem(response, 422).await),
        ["pass", "password"],
        "an unknown field, and the one it was meant to be"
    );
}

#[tokio::test]
async fn delete_erases_every_row_of_the_member_and_no_one_elses() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let kim = app.register("kim").await;
    let sam = app.register("sam").await;
    // Give both data in every table: a changed profile, sessions, a goal
    // (sent with an idempotency key) with a check-in, which reaches a
    // milestone, and a wrong password tried on the account.
    for account in [&kim, &sam] {
        let wrong = app
            .request(Method::POST, "/v1/auth/login")
            .json(&json!({"email": account.email, "password": "not the password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);
        let goal = app
            .create_goal(
                account,
                json!({"title": "Walk", "kind": "build", "cadence": {"type": "daily"}}),
            )
            .await;
        let today = goal["started_on"].as_str().unwrap();
        let checked = app
            .check_in(
                account,
                goal["id"].as_str().unwrap(),
                today,
                json!({"status": "done"}),
            )
            .await;
        assert_eq!(checked.status(), 201);
    }
    patch(&app, &sam, json!({"bio": "soon gone"})).await;
    app.request(Method::POST, "/v1/auth/refresh")
        .json(&json!({"refresh_token": sam.refresh}))
        .send()
        .await
        .unwrap();
    // Groups: kim's, which sam joins, and one sam is alone in; a strategy
    // each in kim's, each marked helpful by the other; a partnership.
    let kims = app.create_group(&kim, "Kim's circle").await;
    let kims_id = kims["id"].as_str().unwrap().to_owned();
    app.join_group(&sam, kims["invite_code"].as_str().unwrap())
        .await;
    app.create_group(&sam, "Sam's own").await;
    let mut posts = Vec::new();
    for account in [&kim, &sam] {
        let post = app
            .send_json(
                Method::POST,
                &format!("/v1/groups/{kims_id}/strategies"),
                account,
                json!({"title": "Breathe", "body": "Slowly."}),
            )
            .await;
        assert_eq!(post.status(), 201);
        posts.push(post.json::<Value>().await.unwrap()["id"].clone());
    }
    for (account, post) in [(&kim, &posts[1]), (&sam, &posts[0])] {
        let marked = app
            .call(
                Method::POST,
                &format!("/v1/strategies/{}/helpful", post.as_str().unwrap()),
                account,
            )
            .await;
        assert_eq!(marked.status(), 200);
    }
    app.update_profile(&kim, json!({"open_to_partnering": true}))
        .await;
    // A request kim is told of, and kim's yes sam is told of.
    let asked = app.request_partner(&sam, &kim, &kims_id).await;
    let accepted = app
        .call(
            Method::POST,
            &format!("/v1/partnerships/{}/accept", asked["id"].as_str().unwrap()),
            &kim,
        )
        .await;
    assert_eq!(accepted.status(), 200);
    // A cheer each way.
    for who in [&kim, &sam] {
        let cheered = app
            .send_json(
                Method::POST,
                &format!(
                    "/v1/partnerships/{}/encouragements",
                    asked["id"].as_str().unwrap()
                ),
                who,
                json!({"kind": "cheer"}),
            )
            .await;
        assert_eq!(cheered.status(), 201);
    }
    // Each reports the other to kim's group.
    for (who, whom) in [(&kim, &sam), (&sam, &kim)] {
        let reported = app
            .send_json(
                Method::POST,
                "/v1/reports",
                who,
                json!({"member_id": whom.id, "reason": "other", "group_id": kims_id}),
            )
            .await;
        assert_eq!(reported.status(), 201);
    }
    // Kim blocks sam (which ends their partnership, and unqueues kim's
    // pushes about it; sam's stay owed).
    let blocked = app
        .send_json(
            Method::POST,
            "/v1/blocks",
            &kim,
            json!({"member_id": sam.id}),
        )
        .await;
    assert_eq!(blocked.status(), 201);
    // Counted attempts per client address, or per account and address,
    // name nobody: only an account's own count is the member's.
    let member_rows = |table: &str| match table {
        "throttle_events" => store.count("throttle_events WHERE member_id IS NOT NULL"),
        table => store.count(table),
    };
    let counts_before: Vec<(String, i64)> = store
        .tables()
        .into_iter()
        .map(|t| {
            let n = member_rows(&t);
            (t, n)
        })
        .collect();

    let response = app
        .authed(Method::DELETE, "/v1/me", &sam.access)
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);

    // Only kim's rows are left. Shared things go with sam: the
    // partnership between them, and kim's mark on sam's post.
    let left = |table: &str| match table {
        // Kim's inbox held only news of the partnership, which went.
        "partnerships" | "strategy_marks" | "notifications" | "outbox" | "blocks"
        | "encouragements" => 0,
        // Kim's report about sam stays for the facilitators.
        // A goal's and a group's key each.
        "idempotency_keys" => 2,
        _ => 1,
    };
    for (table, before) in &counts_before {
        assert!(
            *before > left(table),
            "sam had rows in every table: {counts_before:?}"
        );
        assert_eq!(
            member_rows(table),
            left(table),
            "{table} after erasure (before: {counts_before:?})"
        );
    }
    // Kim's group goes on, with kim facilitating it still.
    let group = app.get_json(&kim, &format!("/v1/groups/{kims_id}")).await;
    assert_eq!(group["member_count"], 1);
    assert_eq!(group["role"], "facilitator");
    problem(app.call(Method::GET, "/v1/me", &sam).await, 401).await;
    let login = app
        .request(Method::POST, "/v1/auth/login")
        .json(&json!({"email": sam.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    problem(login, 401).await;
    assert_eq!(me(&app, &kim).await["email"], "kim@example.org");
    // The address is free again.
    app.register("sam").await;
}

#[tokio::test]
async fn a_patch_that_changes_nothing_leaves_the_profile_as_it_was() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let before = me(&app, &sam).await;
    for body in [
        json!({}),
        json!({"display_name": before["display_name"], "timezone": before["timezone"]}),
        json!({"bio": null, "open_to_partnering": false}),
    ] {
        let response = patch(&app, &sam, body.clone()).await;
        assert_eq!(response.status(), 200, "{body}");
        assert_eq!(response.json::<Value>().await.unwrap(), before, "{body}");
    }
    assert_eq!(me(&app, &sam).await, before);
    let changed: Value = patch(&app, &sam, json!({"bio": "New words"}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(changed["updated_at"], before["updated_at"]);
}
