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
            let secured = operation.get("security").is_some();
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
