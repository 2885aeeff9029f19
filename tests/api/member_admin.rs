//! Admins looking after members from the console: finding them by part of
//! a name (with the restrictions in force), signing one out everywhere, and
//! mailing one a password-reset link; each in the admin log.

use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app, spawn_app_with};
use crate::smtp::SmtpSink;

async fn found(app: &TestApp, admin: &Account, q: &str) -> Vec<String> {
    let reply = app.get(&format!("/api/v1/admin/members?q={q}"), Some(admin)).await;
    let list = reply.assert_status(200).as_array().expect("members").clone();
    list.iter().filter_map(|member| member["username"].as_str().map(str::to_owned)).collect()
}

async fn latest_admin_action(app: &TestApp, admin: &Account) -> (String, String) {
    let log = app.get("/api/v1/admin/log", Some(admin)).await.body;
    let entry = &log["entries"][0];
    (entry["action"].as_str().unwrap_or_default().into(), entry["subject"].as_str().unwrap_or_default().into())
}

#[tokio::test]
async fn admins_find_members_by_part_of_a_name_with_their_restrictions() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    app.register("ben").await;
    app.get("/api/v1/admin/members?q=amy", Some(&amy)).await.assert_error(403, "forbidden");
    app.get("/api/v1/admin/members?q=a", Some(&admin)).await.assert_error(422, "invalid_query");
    assert_eq!(found(&app, &admin, "AM").await, ["amy"]);
    assert_eq!(found(&app, &admin, "they").await, ["amy", "ben"], "display names count too");
    assert_eq!(found(&app, &admin, "a%25").await, Vec::<String>::new(), "a % is a character, not a wildcard");

    let suspend = json!({ "action": "suspend", "member": "ben", "minutes": 60, "reason": "Cooling off." });
    app.post("/api/v1/moderation/actions", Some(&admin), suspend).await.assert_status(201);
    let reply = app.get("/api/v1/admin/members?q=ben", Some(&admin)).await;
    let ben = &reply.assert_status(200)[0];
    assert_eq!(ben["sanctions"][0]["kind"], "suspension");
    assert!(ben["sanctions"][0]["ends_at"].as_str().is_some_and(|at| at.starts_with("20")));
    assert_eq!(ben["email_verified"], false);
}

#[tokio::test]
async fn an_admin_signs_a_member_out_everywhere() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
    app.delete("/api/v1/admin/members/amy/sessions", Some(&amy)).await.assert_error(403, "forbidden");
    app.delete("/api/v1/admin/members/nobody/sessions", Some(&admin)).await.assert_error(404, "not_found");
    app.delete("/api/v1/admin/members/amy/sessions", Some(&admin)).await.assert_status(204);
    app.get("/api/v1/me", Some(&amy)).await.assert_error(401, "session_invalid");
    app.get("/api/v1/me", Some(&admin)).await.assert_status(200);
    assert_eq!(latest_admin_action(&app, &admin).await, ("sessions_ended".into(), "amy".into()));
}

#[tokio::test]
async fn an_admin_mails_a_reset_link_to_a_verified_address_only() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| settings.smtp_url = Some(url)).await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    app.register("ben").await;
    app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(&amy), Some(json!({ "email": "amy@example.org" })))
        .await
        .assert_status(202);
    let token = sink.letter_to("amy@example.org", 1).await.token();
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_status(204);

    let reset = |username: &'static str| format!("/api/v1/admin/members/{username}/password-reset");
    app.post(&reset("ben"), Some(&admin), json!({})).await.assert_error(409, "no_verified_email");
    app.post(&reset("amy"), Some(&amy), json!({})).await.assert_error(403, "forbidden");
    app.post(&reset("amy"), Some(&admin), json!({})).await.assert_status(202);
    let letter = sink.letter_to("amy@example.org", 2).await;
    assert!(letter.data.contains("Subject: Reset your Kindred password"), "{}", letter.data);
    let token = letter.token();
    let new_password = json!({ "password": "a brand new password" });
    app.post(&format!("/api/v1/password-resets/{token}"), None, new_password).await.assert_status(204);
    assert_eq!(latest_admin_action(&app, &admin).await, ("reset_link_sent".into(), "amy".into()));
}
