//! Staff and partner badges: only admins grant and remove them, the admin
//! log records each change, and they show beside the name on posts, chat
//! messages (live and in the history) and the member page.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};
use crate::live_client::{LiveClient, default_room};

fn labels(author: &Value) -> Vec<String> {
    author["badges"].as_array().into_iter().flatten().filter_map(|b| b["label"].as_str().map(str::to_owned)).collect()
}

async fn badge_log(app: &TestApp, admin: &Account) -> Vec<(String, Value, Value)> {
    let log = app.get("/api/v1/admin/log", Some(admin)).await;
    log.assert_status(200)["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["action"].as_str().is_some_and(|action| action.starts_with("badge_")))
        .map(|entry| {
            (entry["action"].as_str().unwrap_or("").to_owned(), entry["old_value"].clone(), entry["new_value"].clone())
        })
        .collect()
}

#[tokio::test]
async fn only_admins_grant_badges_and_the_admin_log_records_each_change() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    let path = |kind: &str| format!("/api/v1/admin/members/amy/badges/{kind}");
    let nurse = json!({ "detail": "Nurse" });

    app.send(reqwest::Method::PUT, &path("clinician"), Some(&amy), Some(nurse.clone()))
        .await
        .assert_error(403, "forbidden");
    app.send(reqwest::Method::PUT, &path("clinician"), None, Some(nurse.clone())).await.assert_status(401);
    app.send(reqwest::Method::PUT, &path("clinician"), Some(&admin), Some(json!({})))
        .await
        .assert_error(422, "badge_detail_required");
    app.send(reqwest::Method::PUT, &path("link_worker"), Some(&admin), Some(nurse.clone()))
        .await
        .assert_error(422, "badge_detail_unexpected");
    let long = json!({ "detail": "x".repeat(81) });
    app.send(reqwest::Method::PUT, &path("partner"), Some(&admin), Some(long))
        .await
        .assert_error(422, "invalid_badge_detail");
    app.send(reqwest::Method::PUT, &path("wizard"), Some(&admin), Some(json!({}))).await.assert_error(404, "not_found");
    app.send(reqwest::Method::PUT, "/api/v1/admin/members/nobody/badges/staff", Some(&admin), Some(json!({})))
        .await
        .assert_error(404, "not_found");
    assert!(badge_log(&app, &admin).await.is_empty(), "nothing refused was recorded");

    let granted = app.send(reqwest::Method::PUT, &path("clinician"), Some(&admin), Some(nurse)).await;
    assert_eq!(labels(granted.assert_status(200)), ["Clinician: Nurse"]);
    let partner = json!({ "detail": "Age UK Walsall" });
    app.send(reqwest::Method::PUT, &path("partner"), Some(&admin), Some(partner)).await.assert_status(200);
    let midwife = json!({ "detail": "Midwife" });
    let changed = app.send(reqwest::Method::PUT, &path("clinician"), Some(&admin), Some(midwife)).await;
    assert_eq!(labels(changed.assert_status(200)), ["Clinician: Midwife", "Partner: Age UK Walsall"]);
    app.delete(&path("partner"), Some(&amy)).await.assert_error(403, "forbidden");
    app.delete(&path("partner"), Some(&admin)).await.assert_status(204);
    app.delete(&path("partner"), Some(&admin)).await.assert_error(404, "not_found");

    let found = app.get("/api/v1/admin/members?q=amy", Some(&admin)).await;
    assert_eq!(labels(&found.assert_status(200)[0]), ["Clinician: Midwife"]);
    let log = badge_log(&app, &admin).await;
    assert_eq!(
        log,
        [
            ("badge_removed".to_owned(), json!("Partner: Age UK Walsall"), Value::Null),
            ("badge_granted".to_owned(), json!("Clinician: Nurse"), json!("Clinician: Midwife")),
            ("badge_granted".to_owned(), Value::Null, json!("Partner: Age UK Walsall")),
            ("badge_granted".to_owned(), Value::Null, json!("Clinician: Nurse")),
        ]
    );
}

#[tokio::test]
async fn badges_show_beside_the_name_on_posts_chat_messages_and_the_member_page() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    app.community(&admin, "copd", "public").await;
    for who in [&amy, &ben] {
        app.join(who, "copd").await.assert_status(200);
    }
    let clinician = json!({ "detail": "Respiratory nurse" });
    let put = |kind: &'static str, body: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            let path = format!("/api/v1/admin/members/amy/badges/{kind}");
            app.send(reqwest::Method::PUT, &path, Some(admin), Some(body)).await.assert_status(200);
        }
    };
    put("staff", json!({})).await;
    put("clinician", clinician).await;
    let expected = ["Staff", "Clinician: Respiratory nurse"];

    let (thread, first) = app.thread(&amy, "copd", "Inhaler technique", "Ask me anything about inhalers.").await;
    let reply = app
        .post(
            &format!("/api/v1/threads/{thread}/posts"),
            Some(&amy),
            json!({ "parent_id": first, "body": "And spacers." }),
        )
        .await;
    assert_eq!(labels(&reply.assert_status(201)["author"]), expected, "the new post shows them");
    app.reply(&ben, thread, Some(first), "Thank you!").await;
    let page = app.get(&format!("/api/v1/threads/{thread}"), Some(&ben)).await;
    let posts = page.assert_status(200)["posts"].as_array().expect("posts").clone();
    assert_eq!(labels(&posts[0]["author"]), expected);
    let bens = posts.iter().find(|post| post["author"]["username"] == "ben").expect("ben's reply");
    assert!(bens["author"].get("badges").is_none(), "no badges, none shown");
    let visitor = app.get(&format!("/api/v1/threads/{thread}"), None).await;
    assert_eq!(labels(&visitor.assert_status(200)["posts"][0]["author"]), expected, "visitors see them too");

    let member_page = app.get("/api/v1/members/amy", Some(&ben)).await;
    assert_eq!(labels(member_page.assert_status(200)), expected);

    let room = default_room(&app, &amy, "copd").await;
    let mut listening = LiveClient::connect(&app, &ben).await;
    listening.subscribe(room, None).await;
    let mut speaking = LiveClient::connect(&app, &amy).await;
    speaking.subscribe(room, None).await;
    speaking.say(room, "Clinic is open on Tuesday.", "c1").await;
    let heard = listening.next_of("message").await;
    assert_eq!(labels(&heard["author"]), expected, "{heard}");
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&ben)).await;
    let said = history.assert_status(200).as_array().and_then(|all| all.last()).expect("the message").clone();
    assert_eq!(labels(&said["author"]), expected, "{said}");
}
