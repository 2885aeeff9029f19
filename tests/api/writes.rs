//! Writes on SQLite go through one writer that commits several queued
//! writes together, each committing or failing on its own; and SQLite is
//! built so that the statements those writes cache stay prepared.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use kindred::db::{DatabaseUrl, Db};
use kindred::error::ApiError;

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What write `n` does: most store their number; some store it and then
/// fail, some store it and then panic. Only the first kind may remain.
fn write_number(connection: &mut kindred::db::AnyConnection, n: i64) -> Result<i64, ApiError> {
    diesel::sql_query("INSERT INTO numbers (n) VALUES (?)").bind::<BigInt, _>(n).execute(connection)?;
    if n % 7 == 0 {
        return Err(ApiError::conflict("seventh", "Every seventh write fails after storing."));
    }
    assert!(n % 13 != 0, "every thirteenth write panics after storing");
    Ok(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_committed_together_succeed_or_fail_one_by_one() {
    let folder = tempfile::tempdir().expect("a folder");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", folder.path().join("writes.db").display())).expect("url");
    let db = Db::open(&url, 4).expect("the database");
    db.write(|connection| Ok(connection.batch_execute("CREATE TABLE numbers (n INTEGER NOT NULL)")?))
        .await
        .expect("the table");

    let writes: Vec<_> = (1..=300i64)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move { (n, db.write(move |connection| write_number(connection, n)).await) })
        })
        .collect();
    let mut expected = Vec::new();
    for write in writes {
        let (n, outcome) = write.await.expect("the task");
        match outcome {
            Ok(stored) => {
                assert_eq!(stored, n);
                expected.push(n);
            }
            Err(error) if n % 7 == 0 => assert_eq!(error.code(), "seventh"),
            Err(error) => {
                assert_eq!(n % 13, 0, "write {n} failed: {}", error.message());
                assert_eq!(error.code(), "internal");
            }
        }
    }

    let stored: Vec<i64> = db
        .read(|connection| {
            let rows: Vec<Stored> = diesel::sql_query("SELECT n FROM numbers ORDER BY n").load(connection)?;
            Ok(rows.into_iter().map(|row| row.n).collect())
        })
        .await
        .expect("the numbers");
    assert_eq!(stored, expected, "exactly the writes that succeeded are stored");
    assert_eq!(stored.len(), 300 - 300 / 7 - 300 / 13 + 300 / 91);
}

#[derive(QueryableByName)]
struct CompileOption {
    #[diesel(sql_type = diesel::sql_types::Text)]
    compile_options: String,
}

/// `.cargo/config.toml` builds SQLite with the query planner stability
/// guarantee; without it every `.first()` re-prepares its statement.
#[tokio::test]
async fn sqlite_is_built_so_cached_statements_stay_prepared() {
    let folder = tempfile::tempdir().expect("a folder");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", folder.path().join("options.db").display())).expect("url");
    let mut connection = url.connect().expect("a connection");
    let options: Vec<CompileOption> =
        diesel::sql_query("PRAGMA compile_options").load(&mut connection).expect("the compile options");
    assert!(options.iter().any(|option| option.compile_options == "ENABLE_QPSG"));
}
