//! The `kindred` command line: help, the admin commands, and clear failure
//! on a bad database setting.

use std::io::Write;
use std::process::{Command, Stdio};

use kindred::db::DatabaseUrl;

use crate::helpers::{Api, PASSWORD, spawn_app};
use crate::remembered_sessions::until_refused;

pub fn kindred() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kindred"));
    command.env_remove("KINDRED_CONFIG").env("RUST_LOG", "warn");
    command
}

#[test]
fn help_lists_every_subcommand() {
    let output = kindred().arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    for subcommand in ["serve", "migrate", "backup", "admin"] {
        assert!(text.contains(subcommand), "{subcommand} in {text}");
    }
    let admin = kindred().args(["admin", "--help"]).output().expect("runs");
    let text = String::from_utf8_lossy(&admin.stdout);
    for subcommand in ["create-user", "create-community", "reset-password"] {
        assert!(text.contains(subcommand), "{subcommand} in {text}");
    }
}

/// Runs `kindred ARGS` in an empty folder with `database_url` and checks
/// it fails with one line containing `expected`, leaving no file.
fn assert_fails_in_one_line(database_url: &str, args: &[&str], expected: &str) {
    let folder = tempfile::tempdir().expect("folder");
    let output = kindred()
        .current_dir(folder.path())
        .env("KINDRED_DATABASE_URL", database_url)
        .args(args)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert_eq!(std::fs::read_dir(folder.path()).expect("list").count(), 0, "no stray file");
}

#[test]
fn an_unsupported_database_url_fails_with_one_line_and_creates_nothing() {
    assert_fails_in_one_line("mysql://localhost/kindred", &["migrate"], "mysql");
}

#[test]
fn an_unreachable_postgres_fails_with_one_line_and_creates_nothing() {
    assert_fails_in_one_line("postgres://nobody@127.0.0.1:1/kindred", &["serve"], "cannot connect to PostgreSQL");
}

fn run_with_password(app_url: &str, args: &[&str], stdin_text: &str) -> std::process::Output {
    let mut child = kindred()
        .env("KINDRED_DATABASE_URL", app_url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child.stdin.take().expect("stdin").write_all(stdin_text.as_bytes()).expect("write");
    child.wait_with_output().expect("finishes")
}

#[tokio::test]
async fn the_admin_commands_create_an_admin_a_community_and_reset_a_password() {
    let app = spawn_app().await;
    let twice = format!("{PASSWORD}\n{PASSWORD}\n");
    let created = run_with_password(&app.database_url, &["admin", "create-user", "--admin", "root_admin"], &twice);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let signed_in = app.sign_in("root_admin", PASSWORD).await;
    let token = signed_in.assert_status(200)["token"].as_str().expect("token").to_owned();
    let admin = crate::helpers::Account { token };
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.body["is_admin"], true);

    let mismatch =
        run_with_password(&app.database_url, &["admin", "create-user", "other"], "one password\ntwo password\n");
    assert!(!mismatch.status.success());

    let community = kindred()
        .env("KINDRED_DATABASE_URL", &app.database_url)
        .args(["admin", "create-community", "--slug", "leith-shed", "--name", "Leith men's shed"])
        .args(["--kind", "place", "--place", "Leith", "--region", "Edinburgh", "--visibility", "members"])
        .output()
        .expect("runs");
    assert!(community.status.success(), "{}", String::from_utf8_lossy(&community.stderr));
    let shown = app.get("/api/v1/communities/leith-shed", None).await;
    assert_eq!(shown.assert_status(200)["visibility"], "members");
    assert_eq!(shown.body["place"]["region"], "Edinburgh");

    let new_password = "another calm password";
    let reset = run_with_password(
        &app.database_url,
        &["admin", "reset-password", "root_admin"],
        &format!("{new_password}\n{new_password}\n"),
    );
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    // The command line cannot tell a running SQLite server, which trusts a
    // session it read within `session_cache_seconds` (2): the session ends there within that.
    until_refused(&app, &admin, "the running server sees the session ended").await.assert_error(401, "session_invalid");
    app.sign_in("root_admin", PASSWORD).await.assert_error(401, "invalid_credentials");
    app.sign_in("root_admin", new_password).await.assert_status(200);
}

fn backup(database_url: &str, to: &std::path::Path) -> std::process::Output {
    kindred().env("KINDRED_DATABASE_URL", database_url).arg("backup").arg(to).output().expect("runs")
}

#[tokio::test]
async fn a_backup_holds_what_was_committed_while_the_server_went_on_writing() {
    let app = spawn_app().await;
    let admin = app.admin("keeper").await;
    let slug = app.community(&admin, "kept-safe", "public").await;
    let member = app.register("writer").await;
    app.join(&member, &slug).await.assert_status(200);
    let (thread, first) = app.thread(&member, &slug, "Kept safe", "The first post.").await;
    let folder = tempfile::tempdir().expect("folder");
    let to = folder.path().join("kindred-backup.db");
    if app.database_url.starts_with("postgres") {
        let refused = backup(&app.database_url, &to);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("pg_dump"));
        assert!(!to.exists());
        return;
    }
    for number in 0..5 {
        app.reply(&member, thread, Some(first), &format!("Before the backup, {number}.")).await;
    }

    let writer = Api::new(app.address.clone(), app.database_url.clone());
    let writing = tokio::spawn(async move {
        for number in 0..15 {
            writer.reply(&member, thread, Some(first), &format!("During the backup, {number}.")).await;
        }
    });
    let (url, path) = (app.database_url.clone(), to.clone());
    let made = tokio::task::spawn_blocking(move || backup(&url, &path)).await.expect("the backup ran");
    writing.await.expect("the replies were stored");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stdout).contains("checked"));

    let posts_in = |database_url: &str| -> i64 {
        use diesel::prelude::*;
        use kindred::db::schema::posts;
        let mut connection = DatabaseUrl::parse(database_url).expect("a URL").connect().expect("a connection");
        posts::table.filter(posts::thread_id.eq(thread)).count().get_result(&mut connection).expect("counted")
    };
    let backup_url = format!("sqlite://{}", to.display());
    let kept = posts_in(&backup_url);
    assert!((6..=21).contains(&kept), "the first post and 5 replies at least, 21 posts at most: {kept}");
    assert_eq!(posts_in(&app.database_url), 21);
    let migrated = kindred().env("KINDRED_DATABASE_URL", &backup_url).arg("migrate").output().expect("runs");
    assert!(migrated.status.success(), "a server starts on the backup: {}", String::from_utf8_lossy(&migrated.stderr));

    let again = backup(&app.database_url, &to);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(posts_in(&backup_url), kept, "the first backup is untouched");
    let entries: Vec<_> =
        std::fs::read_dir(folder.path()).expect("list").map(|entry| entry.expect("an entry").file_name()).collect();
    assert_eq!(entries, [std::ffi::OsString::from("kindred-backup.db")], "no temporary file is left");
}

#[test]
fn a_backup_into_a_missing_folder_fails_in_one_line() {
    let folder = tempfile::tempdir().expect("folder");
    let database = folder.path().join("kindred.db");
    let url = format!("sqlite://{}", database.display());
    assert!(kindred().env("KINDRED_DATABASE_URL", &url).arg("migrate").status().expect("runs").success());
    assert_fails_in_one_line(&url, &["backup", "no-such-folder/copy.db"], "cannot write in the folder no-such-folder");
    assert_fails_in_one_line(
        &format!("sqlite://{}", folder.path().join("absent.db").display()),
        &["backup", "copy.db"],
        "there is no database",
    );
}

#[test]
fn a_postgres_backup_is_pointed_to_pg_dump_without_connecting() {
    assert_fails_in_one_line("postgres://nobody@127.0.0.1:1/kindred", &["backup", "copy.db"], "pg_dump");
}
