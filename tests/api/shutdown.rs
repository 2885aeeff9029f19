//! Stopping the server (SIGTERM, as systemd does): live clients are told to
//! reconnect, a request in flight is answered, the process is gone
//! promptly, and SQLite's write-ahead log is merged, so the database file
//! alone holds every commit.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::live_client::{LiveClient, PATIENCE};
use crate::processes::ServerProcess;

/// The close code that tells a websocket client the service is restarting.
const SERVICE_RESTART: u16 = 1012;

/// Reads one HTTP response's head and its `Content-Length` body; returns the head.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = bytes.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
                .and_then(|value| value.parse().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return head;
            }
        }
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut chunk)).await.expect("an answer in time");
        let read = read.expect("the connection reads");
        assert!(read > 0, "the server closed the connection mid-answer: {}", String::from_utf8_lossy(&bytes));
        bytes.extend_from_slice(&chunk[..read]);
    }
}

fn wal_len(database: &Path) -> u64 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|metadata| metadata.len()).unwrap_or(0)
}

#[tokio::test]
async fn sigterm_closes_websockets_with_service_restart_answers_requests_in_flight_exits_and_leaves_the_log_merged() {
    let folder = tempfile::tempdir().expect("a folder");
    let database = folder.path().join("kindred.db");
    let mut server = ServerProcess::start(&format!("sqlite://{}", database.display())).await;
    let amy = server.api.register("amy").await;
    let mut live = LiveClient::connect(&server.api, &amy).await;
    assert!(wal_len(&database) > 0, "the registration is in the write-ahead log");

    // A request in flight: its connection is served (one answer read), then
    // the next request's head is sent and its body held back.
    let address = server.api.address.trim_start_matches("http://").to_owned();
    let mut in_flight = TcpStream::connect(&address).await.expect("connects");
    let health = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n");
    in_flight.write_all(health.as_bytes()).await.expect("sent");
    assert!(read_response(&mut in_flight).await.starts_with("HTTP/1.1 200"));
    let body = r#"{"username":"amy","password":"not her password"}"#;
    let head = format!(
        "POST /api/v1/sessions HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).await.expect("sent");
    // The server reads the head before the stop begins (a connection whose
    // request it has not yet read is idle, and closes at once).
    tokio::time::sleep(Duration::from_millis(500)).await;

    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    assert_eq!(live.close_code().await, Some(SERVICE_RESTART), "the client is told to reconnect");
    // The server is stopping now; the request in flight still gets its answer.
    in_flight.write_all(body.as_bytes()).await.expect("the body is sent");
    let answer = read_response(&mut in_flight).await;
    assert!(answer.starts_with("HTTP/1.1 401"), "the sign-in in flight was answered: {answer}");

    let deadline = tokio::time::Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("the process can be waited for") {
            break status;
        }
        assert!(tokio::time::Instant::now() < deadline, "the server did not exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a stop is not a failure: {status}");
    assert_eq!(wal_len(&database), 0, "the write-ahead log is merged and emptied");

    // A cold copy of the database file alone holds what was committed.
    let copy_folder = tempfile::tempdir().expect("a folder");
    let copy = copy_folder.path().join("copy.db");
    std::fs::copy(&database, &copy).expect("the file is copied");
    let url = kindred::db::DatabaseUrl::parse(&copy.display().to_string()).expect("a path");
    let mut connection = url.connect().expect("the copy opens");
    assert!(kindred::db::users::id_by_username(&mut connection, "amy").is_ok(), "amy's account is in the copy");
}
