//! Check-ins: idempotent PUTs on a date, the backfill window, and progress.

use chrono::{Days, NaiveDate};
use reqwest::Method;
use serde_json::{Value, json};
use tether_tests::{Account, Store, TestApp, bad_fields, problem};

/// A goal started `days_ago` days before the member's today, and that today.
async fn goal_started(
    app: &TestApp,
    account: &Account,
    kind: &str,
    days_ago: u64,
) -> (String, NaiveDate) {
    let probe = app
        .create_goal(
            account,
            json!({"title": "probe", "kind": "build", "cadence": {"type": "daily"}}),
        )
        .await;
    let today: NaiveDate = probe["started_on"].as_str().unwrap().parse().unwrap();
    let goal = app
        .create_goal(
            account,
            json!({
                "title": "the goal", "kind": kind, "cadence": {"type": "daily"},
                "started_on": (today - Days::new(days_ago)).to_string(),
            }),
        )
        .await;
    (goal["id"].as_str().unwrap().to_owned(), today)
}

fn ago(today: NaiveDate, days: u64) -> String {
    (today - Days::new(days)).to_string()
}

#[tokio::test]
async fn the_same_put_twice_stores_one_check_in() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "build", 3).await;
    let body = json!({"status": "done", "note": "Felt good", "mood": 4});

    let first = app
        .check_in(&sam, &goal, &today.to_string(), body.clone())
        .await;
    assert_eq!(first.status(), 201);
    assert_eq!(
        first.headers()["location"],
        format!("/v1/goals/{goal}/check-ins/{today}").as_str()
    );
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["date"], today.to_string());
    assert_eq!(
        first["note_shared"], false,
        "a note is private unless shared"
    );
    let again = app.check_in(&sam, &goal, &today.to_string(), body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        again, first,
        "the same PUT again changes nothing, updated_at included"
    );
    assert_eq!(store.count("check_ins"), 1);

    let replaced: Value = app
        .check_in(
            &sam,
            &goal,
            &today.to_string(),
            json!({"status": "skipped"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(replaced["status"], "skipped");
    assert_eq!(
        replaced["note"],
        Value::Null,
        "a PUT replaces the whole check-in"
    );
    assert_eq!(replaced["created_at"], first["created_at"]);
    assert_ne!(replaced["updated_at"], first["updated_at"]);
    assert_eq!(store.count("check_ins"), 1);
}

#[tokio::test]
async fn twenty_racing_puts_store_one_row() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "build", 0).await;
    let mut racing = tokio::task::JoinSet::new();
    for i in 0..20 {
        let request = app
            .authed(
                Method::PUT,
                &format!("/v1/goals/{goal}/check-ins/{today}"),
                &sam.access,
            )
            .json(&json!({"status": "done", "mood": 1 + i % 5}));
        racing.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses = racing.join_all().await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(store.count("check_ins"), 1);
}

#[tokio::test]
async fn days_from_the_last_two_weeks_only() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "build", 30).await;
    let done = json!({"status": "done"});
    assert_eq!(
        app.check_in(&sam, &goal, &ago(today, 14), done.clone())
            .await
            .status(),
        201
    );
    let too_old = problem(
        app.check_in(&sam, &goal, &ago(today, 15), done.clone())
            .await,
        422,
    )
    .await;
    assert_eq!(bad_fields(&too_old), ["date"]);
    assert!(
        too_old["errors"]["date"][0]
            .as_str()
            .unwrap()
            .contains("14 days"),
        "{too_old}"
    );
    let tomorrow = (today + Days::new(1)).to_string();
    assert_eq!(
        bad_fields(
            &problem(
                app.check_in(&sam, &goal, &tomorrow, done.clone()).await,
                422
            )
            .await
        ),
        ["date"]
    );

    let (young, _) = goal_started(&app, &sam, "build", 2).await;
    let before_start = problem(
        app.check_in(&sam, &young, &ago(today, 3), done.clone())
            .await,
        422,
    )
    .await;
    assert!(
        before_start["errors"]["date"][0]
            .as_str()
            .unwrap()
            .contains("before the goal started")
    );
    for bad in ["2026-13-01", "yesterday", "2026-1-1"] {
        let response = app.check_in(&sam, &goal, bad, done.clone()).await;
        assert_eq!(bad_fields(&problem(response, 422).await), ["date"], "{bad}");
    }
    // Taking back follows the same window.
    let old = app
        .call(
            Method::DELETE,
            &format!("/v1/goals/{goal}/check-ins/{}", ago(today, 15)),
            &sam,
        )
        .await;
    assert_eq!(bad_fields(&problem(old, 422).await), ["date"]);
}

#[tokio::test]
async fn bad_check_ins_name_their_fields() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (build, today) = goal_started(&app, &sam, "build", 0).await;
    let response = app
        .check_in(
            &sam,
            &build,
            &today.to_string(),
            json!({"status": "slipped", "mood": 6, "note": "x".repeat(2001)}),
        )
        .await;
    let body = problem(response, 422).await;
    assert_eq!(bad_fields(&body), ["mood", "note", "status"]);
    assert!(
        body["errors"]["status"][0]
            .as_str()
            .unwrap()
            .contains("quit goals only")
    );
    for (body, field) in [
        (json!({"status": "great"}), "status"),
        (json!({"status": "done", "mood": 0}), "mood"),
        (json!({"status": "done", "mood": 2.5}), "mood"),
        (
            json!({"status": "done", "note_shared": "yes"}),
            "note_shared",
        ),
        (json!({"status": "done", "feeling": "ok"}), "feeling"),
        (json!({}), "status"),
    ] {
        let response = app
            .check_in(&sam, &build, &today.to_string(), body.clone())
            .await;
        assert_eq!(bad_fields(&problem(response, 422).await), [field], "{body}");
    }
    assert_eq!(store.count("check_ins"), 0);
}

#[tokio::test]
async fn list_and_take_back() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "build", 10).await;
    for days in [9, 5, 1] {
        app.check_in(&sam, &goal, &ago(today, days), json!({"status": "done"}))
            .await;
    }
    let get = |query: String| {
        app.authed(
            Method::GET,
            &format!("/v1/goals/{goal}/check-ins{query}"),
            &sam.access,
        )
        .send()
    };
    let all: Value = get(String::new()).await.unwrap().json().await.unwrap();
    let dates: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [ago(today, 9), ago(today, 5), ago(today, 1)],
        "the last 30 days, oldest first"
    );
    let range: Value = get(format!("?from={}&to={}", ago(today, 6), ago(today, 1)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(range["items"].as_array().unwrap().len(), 2);
    let page: Value = get("?limit=2".into()).await.unwrap().json().await.unwrap();
    let next: Value = get(format!(
        "?limit=2&cursor={}",
        page["next_cursor"].as_str().unwrap()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(next["items"][0]["date"], ago(today, 1));
    let inverted: Value = get(format!("?from={}&to={}", ago(today, 1), ago(today, 9)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        inverted["items"],
        json!([]),
        "a range that ends before it begins holds nothing"
    );
    for (query, field) in [
        ("?from=someday".to_owned(), "from"),
        ("?to=2026-02-30".to_owned(), "to"),
        ("?limit=500".to_owned(), "limit"),
        ("?cursor=tomorrow".to_owned(), "cursor"),
        ("?limit=1&limit=2".to_owned(), "limit"),
    ] {
        let response = get(query.clone()).await.unwrap();
        assert_eq!(
            bad_fields(&problem(response, 422).await),
            [field],
            "{query}"
        );
    }

    let path = format!("/v1/goals/{goal}/check-ins/{}", ago(today, 5));
    assert_eq!(app.call(Method::DELETE, &path, &sam).await.status(), 204);
    problem(app.call(Method::DELETE, &path, &sam).await, 404).await;
    assert_eq!(store.count("check_ins"), 2);
}

// Daily build goal started 13 days ago: done 13..6 days ago (8 days),
// nothing 5 days ago, a rest day 4 days ago, done 3 days ago up to today.
#[tokio::test]
async fn progress_matches_the_hand_computed_answer() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "build", 13).await;
    for days in (0..=13).rev() {
        let status = match days {
            5 => continue,
            4 => "skipped",
            _ => "done",
        };
        let response = app
            .check_in(&sam, &goal, &ago(today, days), json!({"status": status}))
            .await;
        assert_eq!(response.status(), 201, "{days} days ago");
    }
    let progress = app.progress(&sam, &goal).await;
    assert_eq!(progress["today"], today.to_string());
    assert_eq!(progress["unit"], "days");
    assert_eq!(progress["current_streak"], 4);
    assert_eq!(progress["best_streak"], 8);
    // 8 kept, a miss, a rest day, 4 kept; d = ½^(1/13): 0.458
    assert_eq!(progress["strength"], 46);
    let last_7 = progress["completion"]["last_7_days"].as_f64().unwrap();
    assert!(
        (last_7 - 5.0 / 6.0).abs() < 1e-9,
        "6 days ago to today: 5 of 6 due, the rest day not due"
    );
    assert_eq!(progress["quit"], Value::Null);
    let milestones: Vec<(i64, &str)> = progress["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["threshold"].as_i64().unwrap(),
                m["reached_on"].as_str().unwrap(),
            )
        })
        .collect();
    let expected = [(1, ago(today, 13)), (3, ago(today, 11)), (7, ago(today, 7))];
    assert_eq!(
        milestones,
        expected
            .iter()
            .map(|(t, d)| (*t, d.as_str()))
            .collect::<Vec<_>>()
    );
    assert_eq!(store.count("milestones"), 3, "each recorded once");
    let series = progress["series"].as_array().unwrap();
    assert_eq!(series.len(), 90);
    assert_eq!(
        series[89],
        json!({"date": today.to_string(), "state": "done"})
    );
    assert_eq!(
        series[84],
        json!({"date": ago(today, 5), "state": "missed"})
    );
    assert_eq!(
        series[85],
        json!({"date": ago(today, 4), "state": "skipped"})
    );
    assert_eq!(series[0]["state"], "not_due");

    let short: Value = app
        .get_json(&sam, &format!("/v1/goals/{goal}/progress?days=7"))
        .await;
    assert_eq!(short["series"].as_array().unwrap().len(), 7);
    for days in ["0", "367", "many"] {
        let response = app
            .call(
                Method::GET,
                &format!("/v1/goals/{goal}/progress?days={days}"),
                &sam,
            )
            .await;
        assert_eq!(bad_fields(&problem(response, 422).await), ["days"]);
    }
}

// Quit goal started 13 days ago, kept every day but a slip two days ago;
// today not yet checked in.
#[tokio::test]
async fn a_slip_costs_one_day_not_the_past() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let (goal, today) = goal_started(&app, &sam, "quit", 13).await;
    for days in 1..=13 {
        app.check_in(&sam, &goal, &ago(today, days), json!({"status": "done"}))
            .await;
    }
    let before = app.progress(&sam, &goal).await;
    assert_eq!(
        before["quit"],
        json!({"days_kept": 13, "days_since_last_slip": null, "slips": 0})
    );
    let strength_before = before["strength"].as_u64().unwrap();

    let slip = app
        .check_in(
            &sam,
            &goal,
            &ago(today, 2),
            json!({"status": "slipped", "note": "hard day"}),
        )
        .await;
    assert_eq!(slip.status(), 200, "replaces that day's check-in");
    let after = app.progress(&sam, &goal).await;
    assert_eq!(
        after["quit"],
        json!({"days_kept": 12, "days_since_last_slip": 2, "slips": 1})
    );
    assert_eq!(after["best_streak"], 11, "the run before the slip survives");
    assert_eq!(after["current_streak"], 1);
    let strength_after = after["strength"].as_u64().unwrap();
    assert!(
        strength_after < strength_before && strength_after * 10 >= strength_before * 8,
        "a slip lowers strength gradually: {strength_before} -> {strength_after}"
    );
    // Milestones reached before the slip stay recorded.
    let thresholds: Vec<i64> = after["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["threshold"].as_i64().unwrap())
        .collect();
    assert_eq!(thresholds, [1, 3, 7]);
    assert!(
        after["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["metric"] == "days_kept")
    );
}

#[tokio::test]
async fn weekly_goals_count_in_weeks() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let goal = app
        .create_goal(
            &sam,
            json!({"title": "Gym", "kind": "build", "cadence": {"type": "weekly", "times": 1}}),
        )
        .await;
    let id = goal["id"].as_str().unwrap();
    app.check_in(
        &sam,
        id,
        goal["started_on"].as_str().unwrap(),
        json!({"status": "done"}),
    )
    .await;
    let progress = app.progress(&sam, id).await;
    assert_eq!(progress["unit"], "weeks");
    assert_eq!(
        progress["current_streak"], 1,
        "once this week keeps this week"
    );
    assert_eq!(progress["strength"], 21, "one kept week: 1 - ½^(1/3)");
}

#[tokio::test]
async fn a_check_ins_location_resolves_for_its_owner_only() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    let kim = app.register("kim").await;
    let (goal, today) = goal_started(&app, &sam, "build", 2).await;
    let created = app
        .check_in(
            &sam,
            &goal,
            &today.to_string(),
            json!({"status": "done", "mood": 4}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let stored: Value = created.json().await.unwrap();
    assert_eq!(app.get_json(&sam, &location).await, stored);

    // A day without a check-in, another member, nobody, a date that is no date.
    problem(
        app.call(
            Method::GET,
            &format!("/v1/goals/{goal}/check-ins/{}", ago(today, 1)),
            &sam,
        )
        .await,
        404,
    )
    .await;
    problem(app.call(Method::GET, &location, &kim).await, 404).await;
    problem(
        app.request(Method::GET, &location).send().await.unwrap(),
        401,
    )
    .await;
    let response = app
        .call(
            Method::GET,
            &format!("/v1/goals/{goal}/check-ins/someday"),
            &sam,
        )
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["date"]);
}

#[tokio::test]
async fn a_quit_goal_counts_every_unlogged_day_as_kept() {
    let store = Store::new();
    let app = TestApp::spawn(&store).await;
    let sam = app.register("sam").await;
    // Started 12 days ago, never checked in, a slip 2 days ago.
    let (goal, today) = goal_started(&app, &sam, "quit", 12).await;
    let slip = app
        .check_in(&sam, &goal, &ago(today, 2), json!({"status": "slipped"}))
        .await;
    assert_eq!(slip.status(), 201);
    let progress = app.progress(&sam, &goal).await;
    assert_eq!(
        progress["quit"],
        json!({"days_kept": 11, "days_since_last_slip": 2, "slips": 1})
    );
    assert_eq!(
        progress["current_streak"], 1,
        "yesterday, unlogged and kept"
    );
    assert_eq!(progress["best_streak"], 10);
    assert_eq!(progress["strength"], 42, "ten kept, a slip, one kept");
    assert_eq!(progress["completion"]["last_7_days"], 5.0 / 6.0);
    let states: Vec<(&str, &str)> = progress["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|day| {
            (
                day["date"].as_str().unwrap(),
                day["state"].as_str().unwrap(),
            )
        })
        .collect();
    let on = |days: u64| {
        let date = ago(today, days);
        states
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, s)| *s)
            .unwrap()
    };
    assert_eq!(on(3), "unlogged");
    assert_eq!(on(2), "slipped");
    assert_eq!(on(1), "unlogged");
    assert_eq!(on(0), "pending");
    assert!(
        states.iter().all(|(_, state)| *state != "missed"),
        "{states:?}"
    );

    // A quit goal has no rest days.
    let response = app
        .check_in(&sam, &goal, &ago(today, 1), json!({"status": "skipped"}))
        .await;
    assert_eq!(bad_fields(&problem(response, 422).await), ["status"]);
}
