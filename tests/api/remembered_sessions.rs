//! A server trusts a session it read a moment ago (`session_cache_seconds`),
//! yet whatever ends a session or changes what it says takes effect on the
//! very next request. Run with an hour's memory, so only those changes can end it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, Api, PASSWORD, Reply, TestApp, spawn_app_with};
use crate::metrics::{TOKEN, scrape, value_of};
use crate::safeguarding::until;

async fn remembering_for_an_hour() -> TestApp {
    spawn_app_with(|settings| {
        settings.session_cache_seconds = 3600;
        settings.metrics_token = Some(TOKEN.into());
    })
    .await
}

/// `who`'s `/me`, once the server answers it from memory (on PostgreSQL,
/// a fresh server remembers nothing until its LISTEN connection is open).
pub async fn me_from_memory(api: &Api, who: &Account) -> Value {
    until("the server trusts the session from memory", || async {
        let before = value_of(&scrape(api, TOKEN).await, "kindred_session_cache_hits_total").unwrap_or(0.0);
        let me = api.get("/api/v1/me", Some(who)).await.assert_status(200).clone();
        let after = value_of(&scrape(api, TOKEN).await, "kindred_session_cache_hits_total").unwrap_or(0.0);
        (after > before).then_some(me)
    })
    .await
}

/// Waits, with a generous bound, until `who`'s session no longer works on
/// `api`, for a change only another process heard (or none did); returns the refusal.
pub async fn until_refused(api: &Api, who: &Account, what: &str) -> Reply {
    until(what, || async {
        let me = api.get("/api/v1/me", Some(who)).await;
        (me.status == 401).then_some(me)
    })
    .await
}

async fn second_session(app: &TestApp, username: &str) -> Account {
    let reply = app.sign_in(username, PASSWORD).await;
    Account { token: reply.assert_status(200)["token"].as_str().expect("a token").to_owned() }
}

#[tokio::test]
async fn a_remembered_session_ends_on_the_next_request_after_sign_out_or_a_password_change() {
    let app = remembering_for_an_hour().await;
    let amy = app.register("amy").await;
    let phone = second_session(&app, "amy").await;
    let laptop = second_session(&app, "amy").await;
    for session in [&amy, &phone, &laptop] {
        me_from_memory(&app, session).await;
    }

    let sessions = app.get("/api/v1/me/sessions", Some(&phone)).await.assert_status(200).clone();
    let phone_id =
        sessions.as_array().expect("a list").iter().find(|row| row["current"] == true).expect("current")["id"]
            .as_i64()
            .expect("an id");
    app.delete(&format!("/api/v1/me/sessions/{phone_id}"), Some(&amy)).await.assert_status(204);
    app.get("/api/v1/me", Some(&phone)).await.assert_error(401, "session_invalid");
    me_from_memory(&app, &laptop).await;

    app.delete("/api/v1/sessions/current", Some(&laptop)).await.assert_status(204);
    app.get("/api/v1/me", Some(&laptop)).await.assert_error(401, "session_invalid");

    let laptop = second_session(&app, "amy").await;
    me_from_memory(&app, &laptop).await;
    let change = json!({ "current_password": PASSWORD, "new_password": "a new calm long password" });
    app.send(Method::PUT, "/api/v1/me/password", Some(&amy), Some(change)).await.assert_status(204);
    app.get("/api/v1/me", Some(&laptop)).await.assert_error(401, "session_invalid");
    app.get("/api/v1/me", Some(&amy)).await.assert_status(200);
}

#[tokio::test]
async fn a_remembered_session_shows_a_new_display_name_and_safeguarding_role_at_once() {
    let app = remembering_for_an_hour().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    assert_eq!(me_from_memory(&app, &amy).await["is_safeguarding_lead"], false);

    app.put("/api/v1/admin/safeguarding-leads/amy", Some(&admin)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.assert_status(200)["is_safeguarding_lead"], true);
    me_from_memory(&app, &amy).await;
    app.delete("/api/v1/admin/safeguarding-leads/amy", Some(&admin)).await.assert_status(204);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.assert_status(200)["is_safeguarding_lead"], false);

    me_from_memory(&app, &amy).await;
    let rename = json!({ "display_name": "Amy R" });
    app.send(Method::PUT, "/api/v1/me/display-name", Some(&amy), Some(rename)).await.assert_status(200);
    assert_eq!(app.get("/api/v1/me", Some(&amy)).await.assert_status(200)["display_name"], "Amy R");
}

#[tokio::test]
async fn tokens_that_match_no_session_are_never_remembered() {
    let app = remembering_for_an_hour().await;
    let stranger = Account { token: "not-a-session-token".into() };
    for _ in 0..3 {
        app.get("/api/v1/me", Some(&stranger)).await.assert_error(401, "session_invalid");
    }
    let metrics = scrape(&app, TOKEN).await;
    assert_eq!(value_of(&metrics, "kindred_session_cache_hits_total"), Some(0.0), "{metrics}");
    assert_eq!(value_of(&metrics, "kindred_session_cache_loads_total"), Some(3.0), "{metrics}");
}
