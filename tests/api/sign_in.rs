//! Sign-in limits: guesses are counted per account and address together,
//! so nobody can lock the owner out; an account guessed at from many
//! addresses slows down instead of locking.

use serde_json::json;

use crate::helpers::{PASSWORD, Reply, TestApp, read, spawn_app_with};

/// Signs in as if from `address` (the instance runs behind a proxy).
async fn sign_in_from(app: &TestApp, address: &str, username: &str, password: &str) -> Reply {
    let response = app
        .client
        .post(app.url("/api/v1/sessions"))
        .header("X-Forwarded-For", address)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("the server answers");
    read(response).await
}

async fn app_with_limit(limit: u32) -> TestApp {
    spawn_app_with(|settings| {
        settings.sign_ins_per_quarter_hour = limit;
        settings.behind_proxy = true;
    })
    .await
}

#[tokio::test]
async fn guesses_from_one_address_stop_that_address_but_the_owner_gets_in_from_another() {
    let app = app_with_limit(3).await;
    app.register("lead").await;
    for _ in 0..3 {
        sign_in_from(&app, "203.0.113.7", "lead", "a wrong guess!!").await.assert_error(401, "invalid_credentials");
    }
    sign_in_from(&app, "203.0.113.7", "lead", PASSWORD).await.assert_error(429, "too_many_sign_ins");
    sign_in_from(&app, "198.51.100.20", "lead", PASSWORD).await.assert_status(200);
}

#[tokio::test]
async fn guesses_spread_over_many_addresses_never_lock_the_account() {
    let app = app_with_limit(2).await;
    app.register("lead").await;
    for n in 1..=5 {
        let address = format!("203.0.113.{n}");
        sign_in_from(&app, &address, "lead", "a wrong guess!!").await.assert_error(401, "invalid_credentials");
    }
    sign_in_from(&app, "198.51.100.20", "lead", PASSWORD).await.assert_status(200);
}

#[tokio::test]
async fn a_username_no_account_could_have_is_answered_like_a_wrong_password() {
    let app = app_with_limit(30).await;
    for username in ["0\u{0}W", "ü\u{6}]", "", &"x".repeat(5_000)] {
        app.sign_in(username, "whatever it is").await.assert_error(401, "invalid_credentials");
    }
}
