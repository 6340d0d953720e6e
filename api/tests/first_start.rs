//! The README's first command, as a newcomer runs it: `tether` with no
//! settings in an empty folder says where the docs are and that it made a
//! signing key.

#![allow(clippy::unwrap_used)]

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

#[test]
fn the_first_start_says_where_the_docs_are_and_that_it_made_a_key() {
    let folder = std::env::temp_dir().join(format!("tether-first-start-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_tether"))
        .current_dir(&folder)
        .env_clear()
        .env("TETHER_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut log = String::new();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let Some(Ok(line)) = lines.next() else { break };
        log.push_str(&line);
        log.push('\n');
        if line.contains("serving") {
            break;
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&folder).unwrap();
    assert!(log.contains("generated a signing key"), "{log}");
    assert!(
        log.contains(&format!("http://127.0.0.1:{port}/docs/")),
        "{log}"
    );
}
