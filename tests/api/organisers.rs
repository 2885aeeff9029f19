//! A community's organisers: appointed and removed by its moderators and
//! admins (each change in the admin log), listed to whoever may read the
//! community, and only from among its members.

use serde_json::Value;

use crate::helpers::spawn_app;

fn usernames(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().filter_map(|organiser| organiser["username"].as_str()).collect()
}

#[tokio::test]
async fn a_moderator_appoints_and_removes_organisers_and_the_admin_log_records_both() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let moss = app.register("moss").await;
    let olive = app.register("olive").await;
    let mia = app.register("mia").await;
    for who in [&moss, &olive, &mia] {
        app.join(who, "walkers").await.assert_status(200);
    }
    app.put("/api/v1/communities/walkers/moderators/moss", Some(&admin)).await.assert_status(204);

    app.put("/api/v1/communities/walkers/organisers/olive", Some(&mia)).await.assert_error(403, "forbidden");
    app.put("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_status(204);
    app.put("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_status(204);
    let listed = app.get("/api/v1/communities/walkers/organisers", None).await;
    assert_eq!(usernames(listed.assert_status(200)), ["olive"]);
    // An organiser does not appoint others.
    app.put("/api/v1/communities/walkers/organisers/mia", Some(&olive)).await.assert_error(403, "forbidden");

    app.delete("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_status(204);
    app.delete("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_error(404, "not_found");
    let listed = app.get("/api/v1/communities/walkers/organisers", Some(&mia)).await;
    assert!(usernames(listed.assert_status(200)).is_empty());

    let log = app.get("/api/v1/admin/log", Some(&admin)).await;
    let entries: Vec<(String, String)> = log.assert_status(200)["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["subject"] == "walkers" && entry["action"] != "community_created")
        .map(|entry| {
            (entry["action"].as_str().unwrap_or("").to_owned(), entry["new_value"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    assert_eq!(
        entries,
        [("organiser_removed".to_owned(), "olive".to_owned()), ("organiser_appointed".to_owned(), "olive".to_owned())],
        "one entry per real change, newest first"
    );
}

#[tokio::test]
async fn only_members_become_organisers_and_a_private_communitys_organisers_are_hidden_from_outsiders() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "quiet", "members").await;
    let outsider = app.register("olly").await;
    let refused = app.put("/api/v1/communities/quiet/organisers/olly", Some(&admin)).await;
    refused.assert_error(422, "not_a_member");
    app.join(&outsider, "quiet").await.assert_status(200);
    app.put("/api/v1/communities/quiet/organisers/olly", Some(&admin)).await.assert_status(204);
    app.put("/api/v1/communities/quiet/organisers/nobody", Some(&admin)).await.assert_error(404, "not_found");

    let stranger = app.register("stranger").await;
    app.get("/api/v1/communities/quiet/organisers", Some(&stranger)).await.assert_error(404, "not_found");
    app.get("/api/v1/communities/quiet/organisers", None).await.assert_error(404, "not_found");
}
