//! Partner suggestions and a facilitator's pairing of a whole group.

use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

fn days_ago(days: u64) -> String {
    (Utc::now().date_naive() - Days::new(days)).to_string()
}

fn codes(suggestion: &Value) -> Vec<String> {
    suggestion["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_newcomer_and_a_mentor_are_suggested_to_each_other_first() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let nat = app.register("nat").await;
    let ben = app.register("ben").await;
    let gil = app.register("gil").await;
    let eve = app.register("eve").await;
    let group = app.group_of(&sam, &[&nat, &ben, &gil]).await;
    app.update_profile(
        &nat,
        json!({"open_to_partnering": true, "recovery_focus": ["alcohol"], "recovery_since": days_ago(30)}),
    )
    .await;
    app.update_profile(
        &ben,
        json!({"open_to_partnering": true, "recovery_focus": ["alcohol"], "recovery_since": days_ago(3 * 365 + 1),
               "willing_to_mentor": true, "max_partners": 3}),
    )
    .await;
    // Open, but sharing nothing with nat, and saying nothing of their recovery.
    app.update_profile(
        &gil,
        json!({"open_to_partnering": true, "recovery_focus": ["gambling"], "timezone": "Pacific/Auckland"}),
    )
    .await;

    let for_nat = app
        .get_json(&nat, &format!("/v1/partners/suggestions?group_id={group}"))
        .await;
    let items = for_nat["items"].as_array().unwrap();
    assert_eq!(items[0]["member_id"], ben.id.as_str(), "{for_nat}");
    assert_eq!(items[0]["display_name"], "ben");
    let reasons = codes(&items[0]);
    assert!(reasons.contains(&"shared_focus".to_owned()), "{reasons:?}");
    assert!(reasons.contains(&"mentor".to_owned()), "{reasons:?}");
    assert!(
        items[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|reason| !reason["text"].as_str().unwrap().is_empty())
    );
    assert!(items[0]["score"].as_u64().unwrap() > items[1]["score"].as_u64().unwrap());
    let suggested: Vec<&str> = items
        .iter()
        .map(|s| s["member_id"].as_str().unwrap())
        .collect();
    assert!(!suggested.contains(&nat.id.as_str()), "never oneself");
    assert!(
        !suggested.contains(&sam.id.as_str()),
        "not open to partnering"
    );

    // Page by page, the same ranking.
    let first = app.get_json(&nat, "/v1/partners/suggestions?limit=1").await;
    assert_eq!(first["items"][0]["member_id"], ben.id.as_str());
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get_json(
            &nat,
            &format!("/v1/partners/suggestions?limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(second["items"][0]["member_id"], items[1]["member_id"]);

    let for_ben = app.get_json(&ben, "/v1/partners/suggestions").await;
    assert_eq!(for_ben["items"][0]["member_id"], nat.id.as_str());
    assert!(codes(&for_ben["items"][0]).contains(&"mentee".to_owned()));
    // Gil said nothing of their recovery: never a newcomer or a mentor.
    let for_gil = app.get_json(&gil, "/v1/partners/suggestions").await;
    for suggestion in for_gil["items"].as_array().unwrap() {
        let reasons = codes(suggestion);
        assert!(
            !reasons.contains(&"mentor".to_owned()) && !reasons.contains(&"mentee".to_owned()),
            "{suggestion}"
        );
    }

    // Declined: left alone for a while, in suggestions too.
    let asked = app.request_partner(&gil, &nat, &group).await;
    let declined = app
        .call(
            Method::POST,
            &format!("/v1/partnerships/{}/decline", asked["id"].as_str().unwrap()),
            &nat,
        )
        .await;
    assert_eq!(declined.status(), 200);
    for (who, other) in [(&gil, &nat), (&nat, &gil)] {
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

    // Asked: no longer suggested to each other.
    app.request_partner(&nat, &ben, &group).await;
    let after = app.get_json(&nat, "/v1/partners/suggestions").await;
    assert!(
        after["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["member_id"] != ben.id.as_str())
    );

    // Another's group, a bad id, a bad limit, no token.
    problem(
        app.call(
            Method::GET,
            &format!("/v1/partners/suggestions?group_id={group}"),
            &eve,
        )
        .await,
        404,
    )
    .await;
    assert_eq!(
        app.get_json(&eve, "/v1/partners/suggestions").await["items"],
        json!([])
    );
    let response = app
        .call(
            Method::GET,
            "/v1/partners/suggestions?group_id=x&limit=0",
            &nat,
        )
        .await;
    assert_eq!(
        bad_fields(&problem(response, 422).await),
        ["group_id", "limit"]
    );
    let anonymous = app
        .request(Method::GET, "/v1/partners/suggestions")
        .send()
        .await
        .unwrap();
    problem(anonymous, 401).await;
}

async fn pair(app: &TestApp, who: &Account, group: &str) -> reqwest::Response {
    app.send_json(
        Method::POST,
        &format!("/v1/groups/{group}/pairings"),
        who,
        json!({}),
    )
    .await
}

#[tokio::test]
async fn a_facilitator_pairs_a_group_of_six_into_three_pairs() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let mut others = Vec::new();
    for name in ["ana", "bob", "cat", "dan", "eli"] {
        others.push(app.register(name).await);
    }
    let refs: Vec<&Account> = others.iter().collect();
    let group = app.group_of(&sam, &refs).await;
    for who in std::iter::once(&sam).chain(others.iter()) {
        app.update_profile(who, json!({"open_to_partnering": true}))
            .await;
    }
    let eve = app.register("eve").await;
    problem(pair(&app, &eve, &group).await, 404).await;
    problem(pair(&app, &others[0], &group).await, 403).await;

    let response = pair(&app, &sam, &group).await;
    assert_eq!(response.status(), 200);
    let pairing: Value = response.json().await.unwrap();
    let pairs = pairing["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3, "{pairing}");
    assert_eq!(pairing["unpaired"], json!([]));
    let mut everyone: Vec<&str> = pairs
        .iter()
        .flat_map(|p| p["members"].as_array().unwrap())
        .map(|m| m["member_id"].as_str().unwrap())
        .collect();
    everyone.sort_unstable();
    everyone.dedup();
    assert_eq!(everyone.len(), 6, "each paired once");
    // Each pair has a proposal neither has said yes to; it is a
    // partnership only once both accept.
    let everyone_account = |id: &str| {
        std::iter::once(&sam)
            .chain(others.iter())
            .find(|a| a.id == id)
            .unwrap()
    };
    for pair in pairs {
        let id = pair["partnership_id"].as_str().unwrap();
        let first = everyone_account(pair["members"][0]["member_id"].as_str().unwrap());
        let second = everyone_account(pair["members"][1]["member_id"].as_str().unwrap());
        for who in [first, second] {
            let seen = app.get_json(who, &format!("/v1/partnerships/{id}")).await;
            assert_eq!(seen["status"], "pending");
            assert_eq!(seen["you_accepted"], false);
            assert_eq!(seen["partner_accepted"], false);
        }
        let accept = |who: &Account| {
            app.authed(
                Method::POST,
                &format!("/v1/partnerships/{id}/accept"),
                &who.access,
            )
            .send()
        };
        let half: Value = accept(second).await.unwrap().json().await.unwrap();
        assert_eq!(half["status"], "pending", "one yes is not a partnership");
        assert_eq!(half["you_accepted"], true);
        problem(
            app.call(
                Method::GET,
                &format!("/v1/partnerships/{id}/progress"),
                second,
            )
            .await,
            404,
        )
        .await;
        let both: Value = accept(first).await.unwrap().json().await.unwrap();
        assert_eq!(both["status"], "active");
    }

    // Pairing again: everyone has all the partners they want (one).
    let again: Value = pair(&app, &sam, &group).await.json().await.unwrap();
    assert_eq!(again["pairs"], json!([]));
    let reasons: Vec<&str> = again["unpaired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["at_capacity"; 6]);
}

#[tokio::test]
async fn an_odd_group_leaves_one_out_and_says_why() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let ana = app.register("ana").await;
    let bob = app.register("bob").await;
    let group = app.group_of(&sam, &[&ana, &bob]).await;
    for who in [&sam, &ana, &bob] {
        app.update_profile(who, json!({"open_to_partnering": true}))
            .await;
    }
    let pairing: Value = pair(&app, &sam, &group).await.json().await.unwrap();
    assert_eq!(pairing["pairs"].as_array().unwrap().len(), 1);
    assert_eq!(pairing["unpaired"][0]["reason"], "odd_one_out");
    let response = app
        .send_json(
            Method::POST,
            &format!("/v1/groups/{group}/pairings"),
            &sam,
            json!({"everyone": true}),
        )
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["everyone"]);
}
