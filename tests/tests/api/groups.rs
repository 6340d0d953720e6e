//! Groups: creating, joining by invite code, the member list, roles,
//! leaving, and who may see or touch any of it.

use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

#[tokio::test]
async fn create_join_and_list_a_group() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;

    let response = app
        .send_json(
            Method::POST,
            "/v1/groups",
            &sam,
            json!({"name": "  Tuesday circle ", "description": "We meet online.", "focus": "grief"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let group: Value = response.json().await.unwrap();
    let id = group["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/groups/{id}"));
    assert_eq!(group["name"], "Tuesday circle");
    assert_eq!(group["description"], "We meet online.");
    assert_eq!(group["focus"], "grief");
    assert_eq!(group["role"], "facilitator", "the creator facilitates");
    assert_eq!(group["member_count"], 1);
    let code = group["invite_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 12);
    assert!(
        code.chars().all(|c| !"0O1lI".contains(c)),
        "no look-alikes: {code}"
    );

    // Typed as a person would: lower case, with hyphens and a space.
    let typed = format!(
        " {}-{}-{}",
        &code[..4].to_lowercase(),
        &code[4..8],
        &code[8..].to_lowercase()
    );
    let joined = app.join_group(&ana, &typed).await;
    assert_eq!(joined["id"], id);
    assert_eq!(joined["role"], "member");
    assert_eq!(joined["member_count"], 2);
    assert_eq!(
        joined["invite_code"],
        Value::Null,
        "only facilitators see the code"
    );
    // Joining again changes nothing.
    let again = app.join_group(&ana, &code).await;
    assert_eq!(again["member_count"], 2);

    let mine = app.get_json(&ana, "/v1/groups").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["id"], id);
    assert_eq!(mine["next_cursor"], Value::Null);
    let seen = app.get_json(&sam, &format!("/v1/groups/{id}")).await;
    assert_eq!(seen["member_count"], 2);
    assert_eq!(seen["invite_code"], code);

    app.update_profile(
        &ana,
        json!({"recovery_focus": ["grief"], "open_to_partnering": true,
               "recovery_since": "2026-01-01", "bio": "private-ish"}),
    )
    .await;
    let members = app
        .get_json(&sam, &format!("/v1/groups/{id}/members"))
        .await;
    let items = members["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let ana_listed = items
        .iter()
        .find(|m| m["member_id"] == ana.id.as_str())
        .unwrap();
    assert_eq!(ana_listed["display_name"], "ana");
    assert_eq!(ana_listed["recovery_focus"], json!(["grief"]));
    assert_eq!(ana_listed["role"], "member");
    assert_eq!(ana_listed["open_to_partnering"], true);
    assert_eq!(ana_listed["willing_to_mentor"], false);
    let mut keys: Vec<&String> = ana_listed.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "display_name",
            "joined_at",
            "member_id",
            "open_to_partnering",
            "recovery_focus",
            "role",
            "willing_to_mentor"
        ],
        "never an email, a recovery date, a time zone, a bio or a goal"
    );
    // One at a time, with a cursor.
    let first = app
        .get_json(&sam, &format!("/v1/groups/{id}/members?limit=1"))
        .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get_json(
            &sam,
            &format!("/v1/groups/{id}/members?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_ne!(
        second["items"][0]["member_id"],
        first["items"][0]["member_id"]
    );
    assert_eq!(second["next_cursor"], Value::Null);
}

#[tokio::test]
async fn a_new_group_names_each_bad_field() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    for (body, fields) in [
        (json!({}), vec!["focus", "name"]),
        (json!({"name": " ", "focus": "alcohol"}), vec!["name"]),
        (
            json!({"name": "x".repeat(81), "focus": "chocolate"}),
            vec!["focus", "name"],
        ),
        (
            json!({"name": "Circle", "focus": "alcohol", "description": "y".repeat(1001)}),
            vec!["description"],
        ),
        (
            json!({"name": "Circle", "focus": "alcohol", "colour": "blue"}),
            vec!["colour"],
        ),
        (json!({"name": 7, "focus": "alcohol"}), vec!["name"]),
    ] {
        let response = app
            .send_json(Method::POST, "/v1/groups", &sam, body.clone())
            .await;
        let problem = problem(response, 422).await;
        assert_eq!(bad_fields(&problem), fields, "{body}");
    }
    let response = app
        .request(Method::POST, "/v1/groups")
        .json(&json!({"name": "Circle", "focus": "alcohol"}))
        .send()
        .await
        .unwrap();
    problem(response, 401).await;
    assert_eq!(store.count("recovery_groups"), 0);
}

#[tokio::test]
async fn creating_a_group_twice_with_one_key_creates_one() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let send = |body: Value| {
        app.authed(Method::POST, "/v1/groups", &sam.access)
            .header("Idempotency-Key", "group-1")
            .json(&body)
            .send()
    };
    let body = json!({"name": "Circle", "focus": "drugs"});
    let first = send(body.clone()).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send(body).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let other = send(json!({"name": "Another", "focus": "drugs"}))
        .await
        .unwrap();
    problem(other, 422).await;
    assert_eq!(store.count("recovery_groups"), 1);
}

#[tokio::test]
async fn strangers_see_no_group_and_members_cannot_manage_it() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&ana]).await;

    for path in [
        format!("/v1/groups/{group}"),
        format!("/v1/groups/{group}/members"),
    ] {
        problem(app.call(Method::GET, &path, &eve).await, 404).await;
        let anonymous = app.request(Method::GET, &path).send().await.unwrap();
        problem(anonymous, 401).await;
    }
    problem(
        app.call(Method::GET, "/v1/groups/not-a-uuid", &sam).await,
        404,
    )
    .await;
    assert_eq!(
        app.get_json(&eve, "/v1/groups").await["items"],
        json!([]),
        "a stranger's list is their own"
    );
    // A stranger gets 404 for managing it; a plain member, who sees it, 403.
    for (who, status) in [(&eve, 404), (&ana, 403)] {
        problem(
            app.call(
                Method::POST,
                &format!("/v1/groups/{group}/invite-code"),
                who,
            )
            .await,
            status,
        )
        .await;
        problem(
            app.send_json(
                Method::PATCH,
                &format!("/v1/groups/{group}/members/{}", sam.id),
                who,
                json!({"role": "member"}),
            )
            .await,
            status,
        )
        .await;
    }
    problem(
        app.call(
            Method::DELETE,
            &format!("/v1/groups/{group}/members/{}", sam.id),
            &ana,
        )
        .await,
        403,
    )
    .await;
    problem(
        app.call(
            Method::DELETE,
            &format!("/v1/groups/{group}/members/{}", ana.id),
            &eve,
        )
        .await,
        404,
    )
    .await;
    let response = app
        .send_json(
            Method::PATCH,
            &format!("/v1/groups/{group}/members/{}", ana.id),
            &sam,
            json!({"role": "boss"}),
        )
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["role"]);
    // A member's view lists two, whatever the stranger tried.
    assert_eq!(
        app.get_json(&ana, &format!("/v1/groups/{group}")).await["member_count"],
        2
    );
}

#[tokio::test]
async fn a_rotated_code_stops_working_and_wrong_codes_are_throttled() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.create_group(&sam, "Circle").await;
    let old = group["invite_code"].as_str().unwrap().to_owned();
    let id = group["id"].as_str().unwrap();

    let response = app
        .call(Method::POST, &format!("/v1/groups/{id}/invite-code"), &sam)
        .await;
    assert_eq!(response.status(), 200);
    let rotated: Value = response.json().await.unwrap();
    let new = rotated["invite_code"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let response = app
        .send_json(
            Method::POST,
            "/v1/groups/join",
            &ana,
            json!({"invite_code": old}),
        )
        .await;
    problem(response, 404).await;
    app.join_group(&ana, &new).await;

    for body in [
        json!({}),
        json!({"invite_code": "short"}),
        json!({"invite_code": 12}),
    ] {
        let response = app
            .send_json(Method::POST, "/v1/groups/join", &bob, body.clone())
            .await;
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            ["invite_code"],
            "{body}"
        );
    }
    // Well-formed guesses are counted per member and per client address:
    // ten wrong ones, then 429 even for the right code.
    let join_from = |ip: &str, who: &Account, code: &str| {
        app.client_from(ip)
            .post(app.url("/v1/groups/join"))
            .bearer_auth(&who.access)
            .json(&json!({"invite_code": code}))
            .send()
    };
    for _ in 0..10 {
        problem(
            join_from("127.0.0.2", &bob, "ABCDEFGHJKMN").await.unwrap(),
            404,
        )
        .await;
    }
    let response = join_from("127.0.0.2", &bob, &new).await.unwrap();
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry));
    problem(response, 429).await;
    // The same member from elsewhere too.
    problem(join_from("127.0.0.3", &bob, &new).await.unwrap(), 429).await;
    // Another member behind the same address (a carrier's NAT) is not
    // locked out by bob's guessing, and a right code is not counted.
    let kim = app.register("kim").await;
    for _ in 0..12 {
        let response = join_from("127.0.0.2", &kim, &new).await.unwrap();
        assert_eq!(response.status(), 200);
    }
    // The address has a ceiling of its own: 100 wrong codes, from however
    // many members.
    for n in 0..10 {
        let guesser = app.register(&format!("guesser{n}")).await;
        for _ in 0..10 {
            problem(
                join_from("127.0.0.5", &guesser, "ABCDEFGHJKMN")
                    .await
                    .unwrap(),
                404,
            )
            .await;
        }
    }
    let lee = app.register("lee").await;
    problem(join_from("127.0.0.5", &lee, &new).await.unwrap(), 429).await;
    assert_eq!(
        join_from("127.0.0.6", &lee, &new).await.unwrap().status(),
        200
    );
    assert_eq!(
        app.get_json(&sam, &format!("/v1/groups/{id}")).await["member_count"],
        4
    );
}

#[tokio::test]
async fn a_group_keeps_a_facilitator_and_is_archived_when_empty() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.create_group(&sam, "Circle").await;
    let code = group["invite_code"].as_str().unwrap().to_owned();
    let id = group["id"].as_str().unwrap().to_owned();
    app.join_group(&ana, &code).await;
    app.join_group(&bob, &code).await;
    let member = |who: &str| format!("/v1/groups/{id}/members/{who}");

    // The only facilitator can neither leave nor step down.
    problem(app.call(Method::DELETE, &member(&sam.id), &sam).await, 409).await;
    let response = app
        .send_json(
            Method::PATCH,
            &member(&sam.id),
            &sam,
            json!({"role": "member"}),
        )
        .await;
    problem(response, 409).await;
    // With another facilitator, they can.
    let response = app
        .send_json(
            Method::PATCH,
            &member(&ana.id),
            &sam,
            json!({"role": "facilitator"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let promoted: Value = response.json().await.unwrap();
    assert_eq!(promoted["role"], "facilitator");
    assert_eq!(promoted["member_id"], ana.id.as_str());
    let response = app.call(Method::DELETE, &member(&sam.id), &sam).await;
    assert_eq!(response.status(), 204);
    problem(
        app.call(Method::GET, &format!("/v1/groups/{id}"), &sam)
            .await,
        404,
    )
    .await;
    // A facilitator removes a member; the removed one sees nothing.
    assert_eq!(
        app.call(Method::DELETE, &member(&bob.id), &ana)
            .await
            .status(),
        204
    );
    problem(
        app.call(Method::GET, &format!("/v1/groups/{id}"), &bob)
            .await,
        404,
    )
    .await;
    problem(app.call(Method::DELETE, &member(&bob.id), &ana).await, 404).await;
    // Removed, not left: the code bob knew opens nothing now.
    let response = app
        .send_json(
            Method::POST,
            "/v1/groups/join",
            &bob,
            json!({"invite_code": code}),
        )
        .await;
    problem(response, 404).await;
    // The last member leaves: the group is archived, its code opens nothing.
    assert_eq!(
        app.call(Method::DELETE, &member(&ana.id), &ana)
            .await
            .status(),
        204
    );
    problem(
        app.call(Method::GET, &format!("/v1/groups/{id}"), &ana)
            .await,
        404,
    )
    .await;
    let response = app
        .send_json(
            Method::POST,
            "/v1/groups/join",
            &bob,
            json!({"invite_code": code}),
        )
        .await;
    problem(response, 404).await;
    assert_eq!(store.count("recovery_groups"), 1, "archived, not deleted");
}

#[tokio::test]
async fn a_group_holds_at_most_200_members() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let group = app.create_group(&sam, "Circle").await;
    let id = group["id"].as_str().unwrap();
    // 199 more members, written behind the server's back: registering them
    // would hash 199 passwords.
    let members: Vec<String> = (0..199)
        .map(|n| {
            format!(
                "('00000000-0000-7000-8000-{n:012}', 'filler{n}@example.org', 'x', 'filler {n}', 'UTC', \
                 '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        })
        .collect();
    store.execute(&format!(
        "INSERT INTO members (id, email, password_hash, display_name, timezone, created_at, updated_at) VALUES {}",
        members.join(", ")
    ));
    let memberships: Vec<String> = (0..199)
        .map(|n| {
            format!("('{id}', '00000000-0000-7000-8000-{n:012}', 'member', '2026-01-01 00:00:00')")
        })
        .collect();
    store.execute(&format!(
        "INSERT INTO group_members (group_id, member_id, role, joined_at) VALUES {}",
        memberships.join(", ")
    ));
    assert_eq!(
        app.get_json(&sam, &format!("/v1/groups/{id}")).await["member_count"],
        200
    );
    let response = app
        .send_json(
            Method::POST,
            "/v1/groups/join",
            &ana,
            json!({"invite_code": group["invite_code"]}),
        )
        .await;
    problem(response, 409).await;
}

#[tokio::test]
async fn erasing_the_only_facilitator_hands_the_group_to_its_longest_standing_member() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;
    let response = app
        .authed(Method::DELETE, "/v1/me", &sam.access)
        .json(&json!({"password": tether_tests::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let seen = app.get_json(&ana, &format!("/v1/groups/{group}")).await;
    assert_eq!(seen["role"], "facilitator", "ana joined first");
    assert_eq!(seen["member_count"], 2);
    assert_eq!(
        app.get_json(&bob, &format!("/v1/groups/{group}")).await["role"],
        "member"
    );
}
