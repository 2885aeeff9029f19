//! Goals and pledges: who may set them, the form's errors, totals exact
//! under fifty concurrent contributions with each milestone told once,
//! each member's entries private to them (with undo), the daily series,
//! the limits, goals counting recruits, and the export and erasure.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::erasure::download;
use crate::helpers::{Account, PASSWORD, TestApp, spawn_app};

/// A day `days` from today, as the form takes it.
fn day_in(days: i64) -> String {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days);
    at.strftime("%Y-%m-%d").to_string()
}

fn walks(target: i64) -> Value {
    json!({ "title": "A thousand walks by spring", "unit": "walks", "target": target, "ends_on": day_in(30) })
}

/// An admin, a public community with a moderator (moss), an organiser (olive) and two members.
struct World {
    app: TestApp,
    admin: Account,
    moss: Account,
    olive: Account,
    mia: Account,
    ned: Account,
}

async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let moss = app.register("moss").await;
    let olive = app.register("olive").await;
    let mia = app.register("mia").await;
    let ned = app.register("ned").await;
    for who in [&moss, &olive, &mia, &ned] {
        app.join(who, "walkers").await.assert_status(200);
    }
    app.put("/api/v1/communities/walkers/moderators/moss", Some(&admin)).await.assert_status(204);
    app.put("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_status(204);
    World { app, admin, moss, olive, mia, ned }
}

async fn set_goal(app: &TestApp, who: &Account, body: Value) -> i64 {
    let created = app.post("/api/v1/communities/walkers/goals", Some(who), body).await;
    created.assert_status(201)["id"].as_i64().expect("a goal id")
}

async fn log(app: &TestApp, who: &Account, goal: i64, amount: i64) -> Value {
    let logged = app.post(&format!("/api/v1/goals/{goal}/entries"), Some(who), json!({ "amount": amount })).await;
    logged.assert_status(201).clone()
}

async fn goal_milestones(app: &TestApp, who: &Account) -> Vec<Value> {
    let inbox = app.get("/api/v1/notifications", Some(who)).await;
    let all = inbox.assert_status(200)["notifications"].as_array().expect("notifications").clone();
    all.into_iter().filter(|line| line["kind"] == "goal_milestone").collect()
}

#[tokio::test]
async fn only_organisers_moderators_and_admins_set_goals() {
    let World { app, admin, moss, olive, mia, .. } = world().await;
    app.post("/api/v1/communities/walkers/goals", Some(&mia), walks(1000)).await.assert_error(403, "forbidden");
    app.post("/api/v1/communities/walkers/goals", None, walks(1000)).await.assert_error(401, "not_signed_in");
    for who in [&olive, &moss, &admin] {
        set_goal(&app, who, walks(1000)).await;
    }
    let listed = app.get("/api/v1/communities/walkers/goals", None).await;
    let listed = listed.assert_status(200);
    assert_eq!(listed["goals"].as_array().expect("goals").len(), 3);
    assert_eq!(listed["may_organise"], false);
    let first = &listed["goals"][0];
    assert_eq!((first["title"].as_str(), first["unit"].as_str()), (Some("A thousand walks by spring"), Some("walks")));
    assert_eq!(
        (first["total"].as_i64(), first["target"].as_i64(), first["state"].as_str()),
        (Some(0), Some(1000), Some("open"))
    );
    assert_eq!(first["ends_on"], day_in(30));

    let id = first["id"].as_i64().expect("an id");
    let mut edited = walks(500);
    edited["title"] = json!("Five hundred walks");
    let changed = app.send(reqwest::Method::PUT, &format!("/api/v1/goals/{id}"), Some(&olive), Some(edited)).await;
    assert_eq!(changed.assert_status(200)["target"], 500);
    let refused = app.send(reqwest::Method::PUT, &format!("/api/v1/goals/{id}"), Some(&mia), Some(walks(5))).await;
    refused.assert_error(403, "forbidden");
    app.post(&format!("/api/v1/goals/{id}/closure"), Some(&mia), json!({})).await.assert_error(403, "forbidden");
    app.post(&format!("/api/v1/goals/{id}/closure"), Some(&olive), json!({})).await.assert_status(204);
    app.post(&format!("/api/v1/goals/{id}/closure"), Some(&olive), json!({})).await.assert_error(409, "goal_closed");
    assert_eq!(app.get(&format!("/api/v1/goals/{id}"), None).await.assert_status(200)["state"], "closed");
}

#[tokio::test]
async fn a_wrong_goal_form_lists_every_wrong_field_and_stores_nothing() {
    let World { app, moss, .. } = world().await;
    let body = json!({ "title": "Hi", "unit": "", "target": 0, "ends_on": day_in(-1) });
    let refused = app.post("/api/v1/communities/walkers/goals", Some(&moss), body).await;
    refused.assert_error(422, "invalid_goal");
    let fields: Vec<&str> = refused.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["title", "unit", "target", "ends_on"]);
    for (change, field) in [
        (json!({ "target": 10_000_001 }), "target"),
        (json!({ "ends_on": "31 May" }), "ends_on"),
        (json!({ "ends_on": day_in(4 * 366) }), "ends_on"),
        (json!({ "unit": "u".repeat(41) }), "unit"),
    ] {
        let mut body = walks(100);
        if let (Value::Object(body), Value::Object(change)) = (&mut body, change) {
            body.extend(change);
        }
        let refused = app.post("/api/v1/communities/walkers/goals", Some(&moss), body).await;
        refused.assert_error(422, "invalid_goal");
        assert_eq!(refused.body["error"]["fields"][0]["field"], field);
    }
    let listed = app.get("/api/v1/communities/walkers/goals", None).await;
    assert_eq!(listed.assert_status(200)["goals"].as_array().expect("goals").len(), 0);
}

#[tokio::test]
async fn fifty_concurrent_contributions_sum_exactly_and_each_milestone_is_told_once() {
    let World { app, olive, mia, ned, .. } = world().await;
    let goal = set_goal(&app, &olive, walks(100)).await;
    app.put(&format!("/api/v1/goals/{goal}/pledge"), Some(&ned)).await.assert_status(200);
    let path = format!("/api/v1/goals/{goal}/entries");
    // Logging an entry pledges too: each logs one first (4 of 100, short of
    // the first milestone), so both are told of every milestone whichever
    // of the concurrent entries lands first.
    for who in [&mia, &olive] {
        app.post(&path, Some(who), json!({ "amount": 2 })).await.assert_status(201);
    }
    let entries: Vec<_> = (2..50)
        .map(|i| {
            let who = if i % 2 == 0 { &mia } else { &olive };
            app.post(&path, Some(who), json!({ "amount": 2 }))
        })
        .collect();
    for reply in futures_util::future::join_all(entries).await {
        reply.assert_status(201);
    }
    let seen = app.get(&format!("/api/v1/goals/{goal}"), None).await;
    let seen = seen.assert_status(200);
    assert_eq!((seen["total"].as_i64(), seen["percent"].as_i64()), (Some(100), Some(100)));
    assert_eq!(
        (seen["pledgers"].as_i64(), seen["contributors"].as_i64(), seen["milestone"].as_i64()),
        (Some(3), Some(2), Some(4))
    );
    let mut connection = app.connect();
    use kindred::db::schema::goal_entries;
    let rows: Vec<i64> = goal_entries::table.select(goal_entries::amount).load(&mut connection).expect("entries");
    assert_eq!((rows.len(), rows.iter().sum::<i64>()), (50, 100));

    // Each of the four milestones once, to everyone who pledged (logging pledges too).
    for who in [&ned, &mia, &olive] {
        let told = goal_milestones(&app, who).await;
        assert_eq!(told.len(), 1, "one line per goal");
        assert_eq!((told[0]["count"].as_i64(), told[0]["goal_id"].as_i64()), (Some(4), Some(goal)));
        assert_eq!(told[0]["community"], "walkers");
        assert!(told[0]["summary"].as_str().expect("a summary").contains("reached its target of 100 walks"));
    }
    // Falling back below a milestone and passing it again tells nobody again.
    let entry = log(&app, &mia, goal, 1).await["entry"]["id"].as_i64().expect("an entry id");
    app.delete(&format!("/api/v1/goals/{goal}/entries/{entry}"), Some(&mia)).await.assert_status(204);
    let mine = app.get(&format!("/api/v1/goals/{goal}/entries"), Some(&mia)).await;
    let first = mine.assert_status(200)["entries"][0]["id"].as_i64().expect("an entry");
    app.delete(&format!("/api/v1/goals/{goal}/entries/{first}"), Some(&mia)).await.assert_status(204);
    log(&app, &mia, goal, 2).await;
    assert_eq!(goal_milestones(&app, &ned).await[0]["count"], 4);
}

#[tokio::test]
async fn a_members_contribution_is_not_visible_to_another_member() {
    let World { app, olive, mia, ned, .. } = world().await;
    let goal = set_goal(&app, &olive, walks(1000)).await;
    let logged = log(&app, &mia, goal, 7).await;
    assert_eq!((logged["entry"]["amount"].as_i64(), logged["goal"]["my_total"].as_i64()), (Some(7), Some(7)));
    let entry = logged["entry"]["id"].as_i64().expect("an entry id");

    for who in [Some(&ned), Some(&olive), None] {
        let seen = app.get(&format!("/api/v1/goals/{goal}"), who).await;
        let seen = seen.assert_status(200);
        assert_eq!((seen["total"].as_i64(), seen["contributors"].as_i64()), (Some(7), Some(1)));
        assert!(seen.get("my_total").is_none(), "only the member's own total is ever shown");
        assert!(!seen.to_string().contains("mia"), "nobody is named beside the totals");
    }
    let theirs = app.get(&format!("/api/v1/goals/{goal}/entries"), Some(&ned)).await;
    assert_eq!(theirs.assert_status(200)["entries"], json!([]));
    app.delete(&format!("/api/v1/goals/{goal}/entries/{entry}"), Some(&ned)).await.assert_error(404, "not_found");
    app.delete(&format!("/api/v1/goals/{goal}/entries/{entry}"), Some(&olive)).await.assert_error(404, "not_found");
    let progress = app.get(&format!("/api/v1/goals/{goal}/progress"), Some(&ned)).await;
    let progress = progress.assert_status(200);
    assert_eq!(progress["days"].as_array().expect("days").len(), 1);
    assert_eq!((progress["days"][0]["added"].as_i64(), progress["days"][0]["cumulative"].as_i64()), (Some(7), Some(7)));
    assert!(!progress.to_string().contains("mia"));

    let mine = app.get(&format!("/api/v1/goals/{goal}/entries"), Some(&mia)).await;
    assert_eq!(mine.assert_status(200)["entries"][0]["amount"], 7);
    app.delete(&format!("/api/v1/goals/{goal}/entries/{entry}"), Some(&mia)).await.assert_status(204);
    app.delete(&format!("/api/v1/goals/{goal}/entries/{entry}"), Some(&mia)).await.assert_error(404, "not_found");
    assert_eq!(app.get(&format!("/api/v1/goals/{goal}"), None).await.assert_status(200)["total"], 0);
}

#[tokio::test]
async fn entries_have_limits_and_an_ended_or_closed_goal_takes_none() {
    let World { app, olive, mia, .. } = world().await;
    let goal = set_goal(&app, &olive, walks(1000)).await;
    let entries = format!("/api/v1/goals/{goal}/entries");
    for amount in [json!(0), json!(-3), json!(10_001)] {
        app.post(&entries, Some(&mia), json!({ "amount": amount })).await.assert_error(422, "invalid_amount");
    }
    app.post(&entries, Some(&mia), json!({ "amount": 1.5 })).await.assert_error(400, "invalid_body");
    app.post(&entries, Some(&mia), json!({ "amount": 10_000 })).await.assert_status(201);
    let outsider = app.register("otto").await;
    app.post(&entries, Some(&outsider), json!({ "amount": 1 })).await.assert_error(403, "forbidden");
    app.post(&entries, None, json!({ "amount": 1 })).await.assert_error(401, "not_signed_in");

    app.post(&format!("/api/v1/goals/{goal}/closure"), Some(&olive), json!({})).await.assert_status(204);
    app.post(&entries, Some(&mia), json!({ "amount": 1 })).await.assert_error(409, "goal_closed");
    app.put(&format!("/api/v1/goals/{goal}/pledge"), Some(&mia)).await.assert_error(409, "goal_closed");
    let edit = app.send(reqwest::Method::PUT, &format!("/api/v1/goals/{goal}"), Some(&olive), Some(walks(5))).await;
    edit.assert_error(409, "goal_closed");

    // A goal whose last day has passed takes no more.
    let ended = set_goal(&app, &olive, walks(10)).await;
    let mut connection = app.connect();
    use kindred::db::schema::goals;
    diesel::update(goals::table.find(ended)).set(goals::ends_at.eq(1)).execute(&mut connection).expect("backdated");
    let refused = app.post(&format!("/api/v1/goals/{ended}/entries"), Some(&mia), json!({ "amount": 1 })).await;
    refused.assert_error(409, "goal_ended");
    assert_eq!(app.get(&format!("/api/v1/goals/{ended}"), None).await.assert_status(200)["state"], "ended");
}

async fn invitation_code(app: &TestApp, who: &Account) -> String {
    let made = app.post("/api/v1/me/invitations", Some(who), json!({})).await;
    made.assert_status(201)["code"].as_str().expect("a code").to_owned()
}

async fn join(app: &TestApp, username: &str, code: &str) {
    let version = app.guidelines_version().await;
    let mut body = app.registration(username, &version);
    body["invitation"] = json!(code);
    app.post("/api/v1/accounts", None, body).await.assert_status(201);
}

#[tokio::test]
async fn a_goal_counting_recruits_counts_who_joined_through_a_pledgers_link_after_it_began() {
    let World { app, olive, mia, ned, .. } = world().await;
    let (mia_code, ned_code) = (invitation_code(&app, &mia).await, invitation_code(&app, &ned).await);
    join(&app, "early", &mia_code).await;
    let mut connection = app.connect();
    use kindred::db::schema::invitation_joins;
    diesel::update(invitation_joins::table)
        .set(invitation_joins::joined_at.eq(1))
        .execute(&mut connection)
        .expect("an early join");

    let body = json!({ "title": "Bring in four friends", "target": 4, "ends_on": day_in(30), "counts_recruits": true });
    let goal = set_goal(&app, &olive, body).await;
    app.put(&format!("/api/v1/goals/{goal}/pledge"), Some(&mia)).await.assert_status(200);
    join(&app, "ava", &mia_code).await;
    join(&app, "bea", &ned_code).await; // ned has not pledged
    join(&app, "cal", &mia_code).await;
    let seen = app.get(&format!("/api/v1/goals/{goal}"), None).await;
    let seen = seen.assert_status(200);
    assert_eq!(
        (seen["total"].as_i64(), seen["unit"].as_str(), seen["counts_recruits"].as_bool()),
        (Some(2), Some("people brought in"), Some(true))
    );
    let told = goal_milestones(&app, &mia).await;
    assert_eq!(told[0]["count"], 2, "a quarter and a half of four, told as each came");

    // Ned's recruit since the goal began counts once he pledges.
    app.put(&format!("/api/v1/goals/{goal}/pledge"), Some(&ned)).await.assert_status(200);
    let seen = app.get(&format!("/api/v1/goals/{goal}"), None).await;
    assert_eq!(seen.assert_status(200)["total"], 3);
    let progress = app.get(&format!("/api/v1/goals/{goal}/progress"), None).await;
    assert_eq!(progress.assert_status(200)["days"][0]["cumulative"], 3);
    let refused = app.post(&format!("/api/v1/goals/{goal}/entries"), Some(&mia), json!({ "amount": 1 })).await;
    refused.assert_error(409, "goal_counts_recruits");
    let mut kind_changed = json!({ "title": "Bring in friends", "unit": "walks", "target": 4, "ends_on": day_in(30) });
    let refused = app
        .send(reqwest::Method::PUT, &format!("/api/v1/goals/{goal}"), Some(&olive), Some(kind_changed.clone()))
        .await;
    refused.assert_error(422, "invalid_goal");
    kind_changed["counts_recruits"] = json!(true);
    let edited =
        app.send(reqwest::Method::PUT, &format!("/api/v1/goals/{goal}"), Some(&olive), Some(kind_changed)).await;
    assert_eq!(edited.assert_status(200)["total"], 3);
}

#[tokio::test]
async fn the_export_holds_a_members_pledges_and_entries_and_erasure_takes_them_from_the_total() {
    let World { app, olive, mia, .. } = world().await;
    let goal = set_goal(&app, &olive, walks(1000)).await;
    log(&app, &mia, goal, 5).await;
    log(&app, &mia, goal, 3).await;
    log(&app, &olive, goal, 4).await;
    app.post("/api/v1/me/export", Some(&mia), json!({})).await.assert_status(202);
    let document = download(&app, &mia).await;
    let goals = document["goals"].as_array().expect("goals");
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0]["goal_id"], goal);
    let amounts: Vec<i64> =
        goals[0]["entries"].as_array().expect("entries").iter().filter_map(|e| e["amount"].as_i64()).collect();
    assert_eq!(amounts, [5, 3]);

    let erased =
        app.send(reqwest::Method::DELETE, "/api/v1/me", Some(&mia), Some(json!({ "password": PASSWORD }))).await;
    erased.assert_status(204);
    let seen = app.get(&format!("/api/v1/goals/{goal}"), None).await;
    let seen = seen.assert_status(200);
    assert_eq!(
        (seen["total"].as_i64(), seen["pledgers"].as_i64(), seen["contributors"].as_i64()),
        (Some(4), Some(1), Some(1))
    );
}
