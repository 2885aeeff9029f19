//! The SQLite database on disk: private to the account that runs Kindred
//! (folder 0700, files 0600) whatever the umask, since it holds members'
//! health conversations.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::helpers::{Account, spawn_app_with};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|error| panic!("{} exists: {error}", path.display())).permissions().mode()
        & 0o777
}

/// Starts a server on the SQLite file at `database`, writes once (so the
/// `-wal` and `-shm` files exist) and returns the app while it runs.
async fn serve_and_write(database: &Path) -> (crate::helpers::TestApp, Account) {
    let url = format!("sqlite://{}", database.display());
    let app = spawn_app_with(move |settings| settings.database_url = url).await;
    let amy = app.register("amy").await;
    (app, amy)
}

#[tokio::test]
async fn a_new_database_folder_is_0700_and_its_files_0600() {
    let root = tempfile::tempdir().expect("a folder");
    let folder = root.path().join("data");
    let database = folder.join("kindred.db");
    let (_app, _amy) = serve_and_write(&database).await;
    assert_eq!(mode(&folder), 0o700, "the data folder");
    for file in ["kindred.db", "kindred.db-wal", "kindred.db-shm"] {
        assert_eq!(mode(&folder.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn an_existing_world_readable_database_is_made_0600() {
    let root = tempfile::tempdir().expect("a folder");
    let database = root.path().join("kindred.db");
    std::fs::write(&database, b"").expect("an empty database file");
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).expect("0644");
    let (_app, _amy) = serve_and_write(&database).await;
    for file in ["kindred.db", "kindred.db-wal", "kindred.db-shm"] {
        assert_eq!(mode(&root.path().join(file)), 0o600, "{file}");
    }
}
