//! A flood of sign-ins keeps password hashing's memory bounded: each hash
//! needs 19 MiB, and the working memory is kept and reused, one buffer per
//! hashing permit at most (RSS itself is measured by `kindred-bench s7`).

use serde_json::json;

use crate::helpers::{PASSWORD, spawn_app_with};

#[tokio::test]
async fn a_sign_in_flood_uses_no_more_hashing_memory_than_one_buffer_per_permit() {
    let app = spawn_app_with(|settings| settings.sign_ins_per_quarter_hour = 10_000).await;
    app.register("amy").await;
    let passwords = &app.state.passwords;
    let flood = (0..48).map(|n| {
        let password = if n % 3 == 0 { PASSWORD.to_owned() } else { format!("wrong password {n}") };
        let username = if n % 4 == 0 { "nobody".to_owned() } else { "amy".to_owned() };
        let api = &app.api;
        async move { api.post("/api/v1/sessions", None, json!({ "username": username, "password": password })).await }
    });
    let replies = futures_util::future::join_all(flood).await;
    assert!(replies.iter().any(|reply| reply.status == 200), "the right password still signs in");
    assert!(replies.iter().any(|reply| reply.status == 401), "wrong ones are refused");
    assert!(replies.iter().all(|reply| reply.status == 200 || reply.status == 401), "nothing else: {replies:?}");

    let buffers = passwords.memory_buffers();
    assert!(buffers >= 1, "hashing used kept memory");
    assert!(buffers <= passwords.permits(), "{buffers} buffers for {} permits", passwords.permits());
}
