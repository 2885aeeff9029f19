//! A copy of the SQLite database made while the server runs: SQLite's
//! `VACUUM INTO` writes one consistent snapshot without holding writers up.
//! A PostgreSQL database is backed up with `pg_dump` instead.

use std::path::Path;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, RunQueryDsl, SqliteConnection};

use super::DatabaseUrl;

/// Copies the database at `source` to `to`, a file that must not exist yet,
/// and returns the copy's size in bytes. The copy is written under a
/// temporary name beside `to`, checked with `PRAGMA integrity_check`, synced
/// to disk and only then given its name, so `to` is a whole, checked copy or
/// nothing at all.
pub fn back_up(source: &DatabaseUrl, to: &Path) -> anyhow::Result<u64> {
    let DatabaseUrl::Sqlite(database) = source else {
        anyhow::bail!(
            "a PostgreSQL database is backed up with pg_dump, for example: \
             pg_dump --format=custom --file=kindred.dump \"$KINDRED_DATABASE_URL\""
        );
    };
    if !database.is_file() {
        anyhow::bail!("there is no database at {}", database.display());
    }
    if to.exists() {
        anyhow::bail!("{} already exists; a backup never replaces a file", to.display());
    }
    let folder = match to.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let copy = tempfile::Builder::new()
        .prefix(".kindred-backup-")
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in the folder {}", folder.display()))?;
    let copy_path = copy.path().to_str().context("the backup's path is not UTF-8")?;

    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(copy_path)
        .execute(&mut open(database)?)
        .context("cannot copy the database")?;
    check(copy.path())?;

    copy.as_file().sync_all().context("cannot sync the backup to disk")?;
    let file = copy
        .persist_noclobber(to)
        .map_err(|error| anyhow::anyhow!("cannot name the backup {}: {}", to.display(), error.error))?;
    Ok(file.metadata()?.len())
}

/// Opens an existing database file, waiting a while for the server's locks.
fn open(path: &Path) -> anyhow::Result<SqliteConnection> {
    let path_text = path.to_str().context("the database's path is not UTF-8")?;
    let mut connection = SqliteConnection::establish(path_text)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    connection.batch_execute("PRAGMA busy_timeout = 5000")?;
    Ok(connection)
}

/// Fails unless SQLite finds the copy whole.
fn check(copy: &Path) -> anyhow::Result<()> {
    #[derive(diesel::QueryableByName)]
    struct Finding {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    let findings: Vec<Finding> = diesel::sql_query("PRAGMA integrity_check").load(&mut open(copy)?)?;
    match findings.as_slice() {
        [only] if only.integrity_check == "ok" => Ok(()),
        _ => {
            let said: Vec<&str> = findings.iter().map(|finding| finding.integrity_check.as_str()).collect();
            anyhow::bail!("the copy failed its integrity check: {}", said.join("; "))
        }
    }
}
