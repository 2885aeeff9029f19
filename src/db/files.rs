//! A SQLite database's files on disk. They hold members' health
//! conversations, so they are private to the account that runs Kindred: the
//! folder is made 0700 and the database and its `-wal` and `-shm` files
//! 0600, whatever the umask (SQLite gives the `-wal` and `-shm` files the
//! main file's permissions). The write-ahead log is emptied on demand (at a
//! stop, after an erasure), so the main file alone holds every commit.

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use diesel::sql_types::Integer;
use diesel::{RunQueryDsl, SqliteConnection};

const PRIVATE_FOLDER: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;

/// Creates the database's folder (0700) and file (0600) if missing, and
/// narrows an existing database's files to 0600 (a folder that already
/// exists is left as its owner set it).
pub fn make_private(database: &Path) -> anyhow::Result<()> {
    if let Some(folder) = database.parent().filter(|folder| !folder.as_os_str().is_empty() && !folder.exists()) {
        DirBuilder::new()
            .recursive(true)
            .mode(PRIVATE_FOLDER)
            .create(folder)
            .map_err(|error| anyhow::anyhow!("cannot create the database folder {}: {error}", folder.display()))?;
    }
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(PRIVATE_FILE)
        .open(database)
        .map_err(|error| anyhow::anyhow!("cannot open SQLite database {}: {error}", database.display()))?;
    for file in [database.to_owned(), with_suffix(database, "-wal"), with_suffix(database, "-shm")] {
        narrow(&file)?;
    }
    Ok(())
}

/// Takes group and other access away from `file`, if it exists.
fn narrow(file: &Path) -> anyhow::Result<()> {
    let Ok(metadata) = std::fs::metadata(file) else { return Ok(()) };
    if metadata.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(file, Permissions::from_mode(PRIVATE_FILE))
            .map_err(|error| anyhow::anyhow!("cannot make {} private (0600): {error}", file.display()))?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies every commit in the write-ahead log into the database file and
/// truncates the log to nothing; fails if a reader or writer kept it from
/// finishing (after waiting as long as `busy_timeout` allows).
pub fn empty_the_log(connection: &mut SqliteConnection) -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = Integer)]
        busy: i32,
    }
    let outcome: Vec<Checkpoint> = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").load(connection)?;
    if outcome.iter().any(|checkpoint| checkpoint.busy != 0) {
        anyhow::bail!("the write-ahead log could not be emptied: the database was busy");
    }
    Ok(())
}
