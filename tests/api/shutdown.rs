//! Stopping the server (SIGTERM, as systemd does): live clients are told to
//! reconnect, the process is gone promptly, and SQLite's write-ahead log is
//! merged, so the database file alone holds every commit.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::live_client::{LiveClient, PATIENCE};
use crate::processes::ServerProcess;

/// The close code that tells a websocket client the service is restarting.
const SERVICE_RESTART: u16 = 1012;

fn wal_len(database: &Path) -> u64 {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|metadata| metadata.len()).unwrap_or(0)
}

#[tokio::test]
async fn sigterm_closes_websockets_with_service_restart_exits_and_leaves_the_log_merged() {
    let folder = tempfile::tempdir().expect("a folder");
    let database = folder.path().join("kindred.db");
    let mut server = ServerProcess::start(&format!("sqlite://{}", database.display())).await;
    let amy = server.api.register("amy").await;
    let mut live = LiveClient::connect(&server.api, &amy).await;
    assert!(wal_len(&database) > 0, "the registration is in the write-ahead log");

    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    assert_eq!(live.close_code().await, Some(SERVICE_RESTART), "the client is told to reconnect");

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
