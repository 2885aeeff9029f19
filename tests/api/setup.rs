//! First run without a terminal: the setup link a new instance prints
//! creates the first admin once, and never after an admin exists.

use serde_json::json;

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app};

/// The API path of the setup link the server printed.
fn setup_path(app: &TestApp) -> String {
    let link = app.state.setup_link.clone().expect("a new instance prints a setup link");
    assert!(link.starts_with(&format!("{}/setup/", app.address)), "{link}");
    let token = link.rsplit('/').next().expect("a token");
    assert!(token.len() >= 40, "the token is long enough not to be guessed: {token}");
    format!("/api/v1/setup/{token}")
}

#[tokio::test]
async fn a_setup_link_creates_the_first_admin_once() {
    let app = spawn_app().await;
    let path = setup_path(&app);
    app.get(&path, None).await.assert_status(204);

    let wrong = json!({ "username": "a", "password": "short", "email": "not an address" });
    let refused = app.post(&path, None, wrong).await;
    refused.assert_error(422, "invalid_account");
    let fields: Vec<&str> = refused.body["error"]["fields"]
        .as_array()
        .expect("every wrong field")
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    assert_eq!(fields, ["username", "password", "email"], "all at once: {}", refused.body);
    app.get(&path, None).await.assert_status(204);

    let admin = json!({ "username": "founder", "password": PASSWORD, "email": "founder@example.org" });
    let created = app.post(&path, None, admin.clone()).await;
    let founder = Account { token: created.assert_status(201)["token"].as_str().expect("signed in").to_owned() };
    let me = app.get("/api/v1/me", Some(&founder)).await;
    let me = me.assert_status(200);
    assert_eq!(me["is_admin"], true);
    assert_eq!(me["email"], "founder@example.org");
    assert_eq!(me["needs_acceptance"], json!([]), "the founder accepted what they publish");
    app.get("/api/v1/admin/settings", Some(&founder)).await.assert_status(200);

    app.get(&path, None).await.assert_error(410, "setup_link_used");
    let again = json!({ "username": "second", "password": PASSWORD });
    app.post(&path, None, again).await.assert_error(410, "setup_link_used");
    app.sign_in("second", PASSWORD).await.assert_status(401);
}

#[tokio::test]
async fn a_setup_link_stops_working_once_an_admin_is_made_on_the_command_line() {
    let app = spawn_app().await;
    let path = setup_path(&app);
    app.admin("operator").await;
    app.get(&path, None).await.assert_error(410, "setup_link_used");
    let founder = json!({ "username": "founder", "password": PASSWORD });
    app.post(&path, None, founder).await.assert_error(410, "setup_link_used");
    app.sign_in("founder", PASSWORD).await.assert_status(401);
}

#[tokio::test]
async fn two_people_opening_the_link_at_once_make_one_admin() {
    let app = spawn_app().await;
    let path = setup_path(&app);
    let (first, second) = tokio::join!(
        app.post(&path, None, json!({ "username": "first", "password": PASSWORD })),
        app.post(&path, None, json!({ "username": "second", "password": PASSWORD })),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 410], "{first:?} {second:?}");
}

#[tokio::test]
async fn an_instance_with_an_admin_prints_no_setup_link() {
    let app = spawn_app().await;
    app.admin("operator").await;
    assert!(app.state_beside().setup_link.is_none());
}
