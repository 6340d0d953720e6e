use std::path::Path;

/// The committed spec is what the code generates. To regenerate it:
/// `cargo run -q -p tether-api -- openapi > openapi/openapi.json`.
#[test]
fn committed_spec_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = tether_api::openapi::spec_json().unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date; regenerate it with\n  \
         cargo run -q -p tether-api -- openapi > openapi/openapi.json"
    );
}

/// Every operation says how it fails, not only how it succeeds.
#[test]
fn every_operation_documents_its_errors() {
    let spec: serde_json::Value =
        serde_json::from_str(&tether_api::openapi::spec_json().unwrap()).unwrap();
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(
                operation_ids.insert(id.to_owned()),
                "operationId {id} is used twice"
            );
            let responses = operation["responses"].as_object().unwrap();
            // Public operations say so with an empty requirement (`[{}]`).
            let secured = operation["security"].as_array().is_some_and(|all| {
                all.iter()
                    .any(|requirement| requirement.as_object().is_some_and(|r| !r.is_empty()))
            });
            let has_body = operation.get("requestBody").is_some();
            if path != "/v1/health" {
                assert!(
                    responses
                        .keys()
                        .any(|status| status.starts_with('4') || status.starts_with('5')),
                    "{method} {path} documents no error"
                );
            }
            if secured {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
            if has_body {
                for status in ["400", "413", "415", "422"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} lacks {status}"
                    );
                }
            }
        }
    }
}

/// The schemas `value` refers to, by name.
fn refs(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                found.push(
                    reference
                        .trim_start_matches("#/components/schemas/")
                        .to_owned(),
                );
            }
            map.values().for_each(|v| refs(v, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

/// Generated clients type a field that is not `required` as maybe absent:
/// every field the server always sends is required (and nullable where it
/// may be null). Only a problem's `errors` is left out when there are none.
#[test]
fn every_field_the_server_always_sends_is_required() {
    let spec: serde_json::Value =
        serde_json::from_str(&tether_api::openapi::spec_json().unwrap()).unwrap();
    let schemas = &spec["components"]["schemas"];
    let mut pending = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            refs(&operation["responses"], &mut pending);
        }
    }
    let mut checked = std::collections::BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !checked.insert(name.clone()) {
            continue;
        }
        let schema = &schemas[&name];
        refs(schema, &mut pending);
        let Some(properties) = schema["properties"].as_object() else {
            continue;
        };
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        for property in properties.keys() {
            if (name.as_str(), property.as_str()) == ("Problem", "errors") {
                continue;
            }
            assert!(
                required.contains(&property.as_str()),
                "{name}.{property} is always sent but not required"
            );
        }
    }
    assert!(
        checked.contains("GoalView") && checked.contains("ExportView"),
        "{checked:?}"
    );
}

/// An enum of hundreds of values goes stale with its source and gives
/// generators names to trip over (`GMT0`, `GMT+0`): open sets are strings.
#[test]
fn no_enum_is_an_open_set() {
    fn walk(value: &serde_json::Value, path: &str) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(values) = map.get("enum").and_then(|e| e.as_array()) {
                    assert!(values.len() <= 20, "{path} lists {} values", values.len());
                }
                for (key, v) in map {
                    walk(v, &format!("{path}/{key}"));
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, path)),
            _ => {}
        }
    }
    let spec: serde_json::Value =
        serde_json::from_str(&tether_api::openapi::spec_json().unwrap()).unwrap();
    walk(&spec, "");
}

mod patterns {
    //! The spec's patterns accept exactly what the server's parsers accept:
    //! a client or fuzzer that trusts the spec is never refused for it.

    use proptest::prelude::*;
    use regex::Regex;
    use tether_domain::{Lines, Text, TextRule};

    static SPEC: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        serde_json::from_str(&tether_api::openapi::spec_json().unwrap()).unwrap()
    });

    fn pattern(schema: &str, field: &str) -> Regex {
        let pattern = SPEC["components"]["schemas"][schema]["properties"][field]["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{schema}.{field} has a pattern"));
        Regex::new(pattern).unwrap()
    }

    /// Letters, and the characters where readings of "white space" and
    /// "control" differ.
    const TRICKY: [char; 24] = [
        'a', 'Z', 'é', ' ', '\t', '\n', '\r', '\u{0b}', '\u{0}', '\u{7f}', '\u{85}', '\u{9f}',
        '\u{a0}', '\u{1680}', '\u{2028}', '\u{3000}', '\u{200b}', '\u{180e}', '\u{200d}',
        '\u{202e}', '\u{2066}', '\u{feff}', '\u{3164}', '\u{fe0f}',
    ];

    fn text(max: usize) -> impl Strategy<Value = String> {
        proptest::collection::vec(prop::sample::select(TRICKY.to_vec()), 0..max)
            .prop_map(String::from_iter)
    }

    /// Engines read `\s`, `\d`, `\w` and `\b` differently (ECMA, Python
    /// with `re.ASCII`, Rust): the spec spells its classes out instead.
    #[test]
    fn no_pattern_leans_on_an_engine_reading() {
        fn walk(value: &serde_json::Value, found: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(pattern)) = map.get("pattern") {
                        found.push(pattern.clone());
                    }
                    map.values().for_each(|v| walk(v, found));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
                _ => {}
            }
        }
        let mut patterns = Vec::new();
        walk(&SPEC, &mut patterns);
        assert!(patterns.len() >= 5, "{patterns:?}");
        for pattern in patterns {
            let spelled = pattern.replace(r"[\s\S]", "");
            for class in [r"\s", r"\S", r"\d", r"\D", r"\w", r"\W", r"\b"] {
                assert!(!spelled.contains(class), "{pattern} uses {class}");
            }
        }
    }

    /// Whether the spec's schema for `schema.field` takes `raw`.
    fn spec_takes(schema: &str, field: &str, raw: &str) -> bool {
        let property = &SPEC["components"]["schemas"][schema]["properties"][field];
        let max = property["maxLength"]
            .as_u64()
            .map_or(usize::MAX, |n| n as usize);
        pattern(schema, field).is_match(raw) && raw.chars().count() <= max
    }

    /// What the server makes of `raw` under `rule`: a one-line field
    /// (a name, a title) must not be empty; a multi-line one may be.
    fn server_takes(raw: &str, rule: TextRule) -> bool {
        match rule.lines {
            Lines::One => Text::required(raw, rule).is_ok(),
            Lines::Many => Text::parse(raw, rule).is_ok(),
        }
    }

    /// Every text field of every request, with the rule the server applies.
    const TEXT_FIELDS: [(&str, &str, TextRule); 8] = [
        ("RegisterRequest", "display_name", TextRule::DISPLAY_NAME),
        ("UpdateMeRequest", "display_name", TextRule::DISPLAY_NAME),
        ("UpdateMeRequest", "bio", TextRule::BIO),
        ("CreateGoalRequest", "title", TextRule::GOAL_TITLE),
        ("UpdateGoalRequest", "title", TextRule::GOAL_TITLE),
        ("CreateGoalRequest", "description", TextRule::DESCRIPTION),
        ("UpdateGoalRequest", "description", TextRule::DESCRIPTION),
        ("CheckInRequest", "note", TextRule::NOTE),
    ];

    proptest! {
        #[test]
        fn text_fields(raw in text(130)) {
            for (schema, field, rule) in TEXT_FIELDS {
                prop_assert_eq!(
                    spec_takes(schema, field, &raw),
                    server_takes(&raw, rule),
                    "{}.{}: {:?}", schema, field, raw
                );
            }
        }

        #[test]
        fn long_text_fields(raw in "[a \n]{990,2010}") {
            for (schema, field, rule) in TEXT_FIELDS {
                prop_assert_eq!(
                    spec_takes(schema, field, &raw),
                    server_takes(&raw, rule),
                    "{}.{}: {} characters", schema, field, raw.chars().count()
                );
            }
        }

        #[test]
        fn time_of_day(raw in "[0-9:]{3,6}|[0-2][0-9]:[0-6][0-9]\n?") {
            let spec = pattern("QuietHours", "start");
            prop_assert_eq!(
                spec.is_match(&raw),
                tether_api::http::parse::time_of_day(&raw).is_ok(),
                "{:?}", raw
            );
        }
    }
}
