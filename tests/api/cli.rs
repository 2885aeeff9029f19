//! The `kindred` command line: help, the admin commands, and clear failure
//! on a bad database setting.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::{PASSWORD, spawn_app};

fn kindred() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kindred"));
    command.env_remove("KINDRED_CONFIG").env("RUST_LOG", "warn");
    command
}

#[test]
fn help_lists_every_subcommand() {
    let output = kindred().arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    for subcommand in ["serve", "migrate", "admin"] {
        assert!(text.contains(subcommand), "{subcommand} in {text}");
    }
    let admin = kindred().args(["admin", "--help"]).output().expect("runs");
    let text = String::from_utf8_lossy(&admin.stdout);
    for subcommand in ["create-user", "create-community", "reset-password"] {
        assert!(text.contains(subcommand), "{subcommand} in {text}");
    }
}

/// Runs `kindred SUBCOMMAND` in an empty folder with `database_url` and
/// checks it fails with one line containing `expected`, leaving no file.
fn assert_fails_in_one_line(database_url: &str, subcommand: &str, expected: &str) {
    let folder = tempfile::tempdir().expect("folder");
    let output = kindred()
        .current_dir(folder.path())
        .env("KINDRED_DATABASE_URL", database_url)
        .arg(subcommand)
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
    assert_fails_in_one_line("mysql://localhost/kindred", "migrate", "mysql");
}

#[test]
fn an_unreachable_postgres_fails_with_one_line_and_creates_nothing() {
    assert_fails_in_one_line("postgres://nobody@127.0.0.1:1/kindred", "serve", "cannot connect to PostgreSQL");
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
    app.get("/api/v1/me", Some(&admin)).await.assert_error(401, "session_invalid");
    app.sign_in("root_admin", PASSWORD).await.assert_error(401, "invalid_credentials");
    app.sign_in("root_admin", new_password).await.assert_status(200);
}
