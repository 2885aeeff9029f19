//! Settings that cannot work stop the start with a sentence naming what to
//! put right (a misspelt variable or key, a pool of no connections, a file
//! that is not a database), and `migrate` says what it did.

use kindred::config::Settings;
use kindred::startup::Application;

use crate::cli::kindred;
use crate::helpers::fresh_database;

/// Runs `kindred ARGS` in `folder` with `env`; returns (succeeded, stdout, stderr).
fn run_in(folder: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let mut command = kindred();
    command.current_dir(folder).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("runs");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn a_misspelt_kindred_variable_stops_the_start_and_is_named() {
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}", folder.path().join("kindred.db").display());
    let env = [("KINDRED_DATABASE_URL", url.as_str()), ("KINDRED_DATABSE_POOL_SIZE", "4")];
    let (succeeded, _, stderr) = run_in(folder.path(), &env, &["migrate"]);
    assert!(!succeeded, "a misspelt variable is refused");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("KINDRED_DATABSE_POOL_SIZE is no setting"), "{stderr}");
}

#[test]
fn an_unknown_key_in_the_configuration_file_stops_the_start_and_is_named_with_the_file() {
    let folder = tempfile::tempdir().expect("folder");
    let file = folder.path().join("kindred.toml");
    let url = format!("sqlite://{}", folder.path().join("kindred.db").display());
    std::fs::write(&file, format!("database_url = \"{url}\"\nbehind_poxy = true\n")).expect("written");
    let (succeeded, _, stderr) = run_in(folder.path(), &[], &["--config", &file.display().to_string(), "migrate"]);
    assert!(!succeeded, "an unknown key is refused");
    assert!(stderr.contains("'behind_poxy'") && stderr.contains(&file.display().to_string()), "{stderr}");
}

#[tokio::test]
async fn a_database_pool_of_no_connections_stops_the_start() {
    let (_database, database_url) = fresh_database();
    let with_pool = |size| Settings {
        addr: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        database_pool_size: size,
        ..Settings::default()
    };
    let Err(error) = Application::build(with_pool(0)) else { panic!("a pool of 0 is refused") };
    assert!(error.to_string().contains("database_pool_size must be at least 1"), "{error}");
    assert!(Application::build(with_pool(1)).is_ok(), "one connection is enough");
}

#[test]
fn a_file_that_is_not_a_database_is_named() {
    let folder = tempfile::tempdir().expect("folder");
    let file = folder.path().join("notes.db");
    std::fs::write(&file, "These are my notes, not a database. ".repeat(20)).expect("written");
    let url = format!("sqlite://{}", file.display());
    let (succeeded, _, stderr) = run_in(folder.path(), &[("KINDRED_DATABASE_URL", &url)], &["migrate"]);
    assert!(!succeeded);
    assert!(stderr.contains(&file.display().to_string()) && stderr.contains("not a database"), "{stderr}");
}

#[test]
fn migrate_says_what_it_applied_and_then_that_nothing_was_left() {
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}", folder.path().join("kindred.db").display());
    let (succeeded, stdout, stderr) = run_in(folder.path(), &[("KINDRED_DATABASE_URL", &url)], &["migrate"]);
    assert!(succeeded, "{stderr}");
    assert!(stdout.starts_with("Applied ") && stdout.contains("the database is up to date"), "{stdout}");
    let (succeeded, stdout, _) = run_in(folder.path(), &[("KINDRED_DATABASE_URL", &url)], &["migrate"]);
    assert!(succeeded);
    assert_eq!(stdout.trim(), "The database is up to date: no migrations to apply.");
}
