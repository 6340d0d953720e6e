//! Starting the server: what it leaves on disk and what it says when it
//! cannot start.

use std::os::unix::fs::PermissionsExt;
use tether_tests::{Store, TestApp, config};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    let store = Store::sqlite();
    let Store::Sqlite { path, .. } = &store else {
        unreachable!()
    };
    let app = TestApp::spawn(&store).await;
    app.register("sam").await;
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[tokio::test]
async fn a_database_others_could_read_is_made_private() {
    let store = Store::sqlite();
    let Store::Sqlite { path, .. } = &store else {
        unreachable!()
    };
    std::fs::write(path, b"").unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let app = TestApp::spawn(&store).await;
    app.register("sam").await;
    assert_eq!(mode(path), 0o600);
}

#[test]
fn a_database_url_is_reported_without_its_password() {
    let store = Store::sqlite();
    for url in [
        // Nothing listens on port 1: the connection is refused.
        "postgres://tether:hunter2@127.0.0.1:1/tether",
        // A malformed escape, which libpq quotes back.
        "postgres://tether:hunter%zz2@127.0.0.1:1/tether",
        "postgresql://127.0.0.1:1/tether?user=tether&password=hunter2",
    ] {
        let settings = config(&store, &[("TETHER_DATABASE_URL", url)]);
        let message = tether_api::app::start(&settings)
            .expect_err("no database there")
            .to_string();
        assert!(message.starts_with("TETHER_DATABASE_URL: "), "{message}");
        assert!(!message.contains("hunter"), "{url}: {message}");
    }
}
