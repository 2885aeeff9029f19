//! Events: who may create them, the form's errors, members' answers with
//! the waiting list under concurrent answers, the joining link kept for
//! those going, cancellation and reminders told to members, private
//! communities' events hidden from outsiders, and attendance counted.

use jiff::{SignedDuration, Timestamp as Instant, tz::TimeZone};
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

/// A wall-clock time in London `hours` from now, as the form takes it.
fn london_in(hours: i64) -> String {
    let at = Instant::now() + SignedDuration::from_hours(hours);
    at.to_zoned(TimeZone::get("Europe/London").expect("the zone")).strftime("%Y-%m-%dT%H:%M").to_string()
}

fn walk(starts_in_hours: i64) -> Value {
    json!({
        "title": "Saturday walk round the arboretum",
        "description": "Meet by the **lake** gates. <script>alert(1)</script>",
        "starts": london_in(starts_in_hours),
        "ends": london_in(starts_in_hours + 2),
        "time_zone": "Europe/London",
        "place": { "name": "Walsall Arboretum", "address": "Lichfield St, Walsall WS1 2QE" },
        "accessibility": "Flat paths, benches every 200 m.",
    })
}

/// An admin, a public community with a moderator (moss) and an organiser (olive).
struct World {
    app: TestApp,
    admin: Account,
    moss: Account,
    olive: Account,
}

async fn world(visibility: &str) -> World {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", visibility).await;
    let moss = app.register("moss").await;
    let olive = app.register("olive").await;
    for who in [&moss, &olive] {
        app.join(who, "walkers").await.assert_status(200);
    }
    app.put("/api/v1/communities/walkers/moderators/moss", Some(&admin)).await.assert_status(204);
    app.put("/api/v1/communities/walkers/organisers/olive", Some(&moss)).await.assert_status(204);
    World { app, admin, moss, olive }
}

async fn create(app: &TestApp, who: &Account, body: Value) -> i64 {
    let created = app.post("/api/v1/communities/walkers/events", Some(who), body).await;
    created.assert_status(201)["id"].as_i64().expect("an event id")
}

async fn member(app: &TestApp, name: &str) -> Account {
    let account = app.register(name).await;
    app.join(&account, "walkers").await.assert_status(200);
    account
}

async fn inbox(app: &TestApp, who: &Account) -> Vec<Value> {
    let inbox = app.get("/api/v1/notifications", Some(who)).await;
    inbox.assert_status(200)["notifications"].as_array().expect("notifications").clone()
}

#[tokio::test]
async fn only_organisers_moderators_and_admins_create_events() {
    let World { app, admin, moss, olive } = world("public").await;
    let mia = member(&app, "mia").await;
    let refused = app.post("/api/v1/communities/walkers/events", Some(&mia), walk(48)).await;
    refused.assert_error(403, "forbidden");
    app.post("/api/v1/communities/walkers/events", None, walk(48)).await.assert_error(401, "not_signed_in");
    for who in [&olive, &moss, &admin] {
        create(&app, who, walk(48)).await;
    }
    // An organiser who leaves the community organises no more.
    app.delete("/api/v1/communities/walkers/membership", Some(&olive)).await.assert_status(204);
    app.post("/api/v1/communities/walkers/events", Some(&olive), walk(48)).await.assert_error(403, "forbidden");

    let listed = app.get("/api/v1/communities/walkers/events", None).await;
    let listed = listed.assert_status(200);
    assert_eq!(listed["events"].as_array().expect("events").len(), 3);
    assert_eq!(listed["may_organise"], false);
    assert_eq!(listed["calendar"], "/api/v1/communities/walkers/calendar.ics");
    let first = &listed["events"][0];
    assert_eq!(
        first["description_html"],
        "<p>Meet by the <strong>lake</strong> gates. &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    );
    assert_eq!(first["place"]["name"], "Walsall Arboretum");
    assert_eq!(first["time_zone"], "Europe/London");
}

#[tokio::test]
async fn a_wrong_event_form_lists_every_wrong_field_and_stores_nothing() {
    let World { app, moss, .. } = world("public").await;
    let mut body = walk(48);
    body["title"] = json!("Hi");
    body["time_zone"] = json!("Mars/Olympus");
    body["capacity"] = json!(0);
    let refused = app.post("/api/v1/communities/walkers/events", Some(&moss), body).await;
    refused.assert_error(422, "invalid_event");
    let fields: Vec<&str> = refused.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["title", "time_zone", "capacity"]);

    let cases = [
        (json!({ "ends": london_in(47) }), "ends"),
        (json!({ "ends": london_in(48 + 24 * 8) }), "ends"),
        (json!({ "starts": "next Tuesday" }), "starts"),
        (json!({ "capacity": 100_001 }), "capacity"),
        (json!({ "online": true }), "online_url"),
        (json!({ "online": true, "online_url": "javascript:alert(1)" }), "online_url"),
        (json!({ "online_url": "https://meet.example/walk" }), "online_url"),
        (json!({ "place": null }), "place.name"),
        (json!({ "place": { "name": "Arboretum", "latitude": 52.5 } }), "place.latitude"),
        (json!({ "accessibility": "a".repeat(2_001) }), "accessibility"),
        (json!({ "title": "t".repeat(121) }), "title"),
    ];
    for (change, field) in cases {
        let mut body = walk(48);
        for (key, value) in change.as_object().expect("an object") {
            body[key] = value.clone();
        }
        let refused = app.post("/api/v1/communities/walkers/events", Some(&moss), body).await;
        refused.assert_error(422, "invalid_event");
        assert_eq!(refused.body["error"]["fields"][0]["field"], field, "{change}");
    }
    let mut most = walk(48);
    most["capacity"] = json!(100_000);
    most["ends"] = json!(london_in(48 + 24 * 7));
    create(&app, &moss, most).await;
    let listed = app.get("/api/v1/communities/walkers/events", None).await;
    assert_eq!(listed.assert_status(200)["events"].as_array().expect("events").len(), 1, "nothing else was stored");
}

#[tokio::test]
async fn an_in_person_event_takes_the_place_communitys_own_place_by_default() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let place = json!({ "name": "Walsall", "region": "West Midlands", "latitude": 52.586, "longitude": -1.982 });
    let community = json!({ "slug": "walkers", "name": "Walsall walkers", "kind": "place", "place": place,
        "visibility": "public" });
    app.post("/api/v1/communities", Some(&admin), community).await.assert_status(201);
    let mut body = walk(48);
    body.as_object_mut().expect("an object").remove("place");
    let id = create(&app, &admin, body).await;
    let event = app.get(&format!("/api/v1/events/{id}"), None).await;
    assert_eq!(
        event.assert_status(200)["place"],
        json!({ "name": "Walsall", "address": "West Midlands", "latitude": 52.586, "longitude": -1.982 })
    );
}

#[tokio::test]
async fn twenty_answers_at_once_for_ten_places_leave_ten_going_and_ten_waiting_in_arrival_order() {
    let World { app, olive, .. } = world("public").await;
    let mut body = walk(48);
    body["capacity"] = json!(10);
    let id = create(&app, &olive, body).await;
    let mut people = Vec::new();
    for n in 0..20 {
        people.push(member(&app, &format!("walker{n}")).await);
    }
    let path = format!("/api/v1/events/{id}/rsvp");
    let answers =
        people.iter().map(|who| app.send(reqwest::Method::PUT, &path, Some(who), Some(json!({ "answer": "going" }))));
    let replies = futures_util::future::join_all(answers).await;
    let mut going = 0;
    for reply in &replies {
        match reply.assert_status(200)["my_answer"].as_str() {
            Some("going") => going += 1,
            Some("waiting") => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(going, 10);

    let listed = app.get(&format!("/api/v1/events/{id}/rsvps"), Some(&olive)).await;
    let listed = listed.assert_status(200).as_array().expect("answers").clone();
    let statuses: Vec<&str> = listed.iter().filter_map(|row| row["answer"].as_str()).collect();
    assert_eq!(statuses, [["going"; 10], ["waiting"; 10]].concat(), "everyone going answered before everyone waiting");
    let waiting: Vec<String> =
        listed[10..].iter().map(|row| row["username"].as_str().expect("a name").to_owned()).collect();
    for (place, name) in waiting.iter().enumerate() {
        let index: usize = name.trim_start_matches("walker").parse().expect("a walker");
        let seen = app.get(&format!("/api/v1/events/{id}"), Some(&people[index])).await;
        assert_eq!(seen.assert_status(200)["waiting_position"], place + 1, "{name} is in line in arrival order");
    }
    let event = app.get(&format!("/api/v1/events/{id}"), None).await;
    let event = event.assert_status(200);
    assert_eq!(
        (event["going"].as_i64(), event["waiting"].as_i64(), event["places_left"].as_i64()),
        (Some(10), Some(10), Some(0))
    );

    // A withdrawal gives the place to the first in line, who is told; the rest move up.
    let first_going: usize =
        listed[0]["username"].as_str().expect("a name").trim_start_matches("walker").parse().expect("n");
    let withdrawn =
        app.send(reqwest::Method::PUT, &path, Some(&people[first_going]), Some(json!({ "answer": "not_going" })));
    assert_eq!(withdrawn.await.assert_status(200)["my_answer"], "not_going");
    let first_waiting: usize = waiting[0].trim_start_matches("walker").parse().expect("n");
    let promoted = app.get(&format!("/api/v1/events/{id}"), Some(&people[first_waiting])).await;
    assert_eq!(promoted.assert_status(200)["my_answer"], "going");
    let told = inbox(&app, &people[first_waiting]).await;
    assert_eq!(told[0]["kind"], "event_place_offered");
    assert_eq!(told[0]["event_id"], id);
    assert!(told[0]["summary"].as_str().expect("a summary").contains("it is yours"));
    let second: usize = waiting[1].trim_start_matches("walker").parse().expect("n");
    let moved_up = app.get(&format!("/api/v1/events/{id}"), Some(&people[second])).await;
    assert_eq!(moved_up.assert_status(200)["waiting_position"], 1);
    assert!(inbox(&app, &people[second]).await.is_empty(), "only the promoted member is told");
}

#[tokio::test]
async fn the_joining_link_is_shown_only_to_those_going_and_those_who_organise() {
    let World { app, olive, admin, .. } = world("public").await;
    let mut body = walk(48);
    body["online"] = json!(true);
    body["online_url"] = json!("https://meet.example/walk-talk");
    body.as_object_mut().expect("an object").remove("place");
    let id = create(&app, &olive, body).await;
    let mia = member(&app, "mia").await;
    let path = format!("/api/v1/events/{id}");
    for who in [None, Some(&mia)] {
        assert!(app.get(&path, who).await.assert_status(200)["online_url"].is_null());
    }
    let listed = app.get("/api/v1/communities/walkers/events", Some(&mia)).await;
    assert!(listed.assert_status(200)["events"][0]["online_url"].is_null());
    let rsvp = format!("/api/v1/events/{id}/rsvp");
    let maybe = app.send(reqwest::Method::PUT, &rsvp, Some(&mia), Some(json!({ "answer": "maybe" }))).await;
    assert!(maybe.assert_status(200)["online_url"].is_null());
    let going = app.send(reqwest::Method::PUT, &rsvp, Some(&mia), Some(json!({ "answer": "going" }))).await;
    assert_eq!(going.assert_status(200)["online_url"], "https://meet.example/walk-talk");
    for who in [&mia, &olive, &admin] {
        assert_eq!(app.get(&path, Some(who)).await.assert_status(200)["online_url"], "https://meet.example/walk-talk");
    }
}

#[tokio::test]
async fn cancelling_tells_everyone_going_or_waiting_and_ends_answers_and_edits() {
    let World { app, olive, moss, .. } = world("public").await;
    let mut body = walk(48);
    body["capacity"] = json!(1);
    let id = create(&app, &olive, body).await;
    let (going, waiting, maybe) = (member(&app, "gus").await, member(&app, "wendy").await, member(&app, "may").await);
    let rsvp = format!("/api/v1/events/{id}/rsvp");
    for (who, answer) in [(&going, "going"), (&waiting, "going"), (&maybe, "maybe")] {
        app.send(reqwest::Method::PUT, &rsvp, Some(who), Some(json!({ "answer": answer }))).await.assert_status(200);
    }
    let cancel = format!("/api/v1/events/{id}/cancellation");
    app.post(&cancel, Some(&going), json!({})).await.assert_error(403, "forbidden");
    app.post(&cancel, Some(&moss), json!({})).await.assert_status(204);
    app.post(&cancel, Some(&moss), json!({})).await.assert_error(409, "event_cancelled");
    for who in [&going, &waiting] {
        let told = inbox(&app, who).await;
        assert_eq!((told[0]["kind"].as_str(), told[0]["event_id"].as_i64()), (Some("event_cancelled"), Some(id)));
        assert!(told[0]["summary"].as_str().expect("a summary").ends_with("is cancelled."));
    }
    assert!(inbox(&app, &maybe).await.is_empty(), "a maybe is not told");
    let event = app.get(&format!("/api/v1/events/{id}"), None).await;
    assert_eq!(event.assert_status(200)["cancelled"], true);
    let again = app.send(reqwest::Method::PUT, &rsvp, Some(&maybe), Some(json!({ "answer": "going" }))).await;
    again.assert_error(409, "event_cancelled");
    let edit = app.send(reqwest::Method::PUT, &format!("/api/v1/events/{id}"), Some(&olive), Some(walk(50))).await;
    edit.assert_error(409, "event_cancelled");
}

#[tokio::test]
async fn a_private_communitys_events_answer_404_to_outsiders() {
    let World { app, olive, .. } = world("members").await;
    let id = create(&app, &olive, walk(48)).await;
    let outsider = app.register("olly").await;
    for who in [None, Some(&outsider)] {
        app.get("/api/v1/communities/walkers/events", who).await.assert_error(404, "not_found");
        app.get(&format!("/api/v1/events/{id}"), who).await.assert_error(404, "not_found");
    }
    let rsvp = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/events/{id}/rsvp"),
            Some(&outsider),
            Some(json!({ "answer": "going" })),
        )
        .await;
    rsvp.assert_error(404, "not_found");
    let listed = app.get("/api/v1/communities/walkers/events", Some(&olive)).await;
    assert!(listed.assert_status(200)["calendar"].is_null(), "no public feed for a private community");
}

#[tokio::test]
async fn an_edit_raises_the_sequence_and_a_member_who_is_not_an_organiser_cannot_edit() {
    let World { app, olive, .. } = world("public").await;
    let id = create(&app, &olive, walk(48)).await;
    let mia = member(&app, "mia").await;
    let path = format!("/api/v1/events/{id}");
    let mut changed = walk(72);
    changed["title"] = json!("Sunday walk round the arboretum");
    let refused = app.send(reqwest::Method::PUT, &path, Some(&mia), Some(changed.clone())).await;
    refused.assert_error(403, "forbidden");
    let edited = app.send(reqwest::Method::PUT, &path, Some(&olive), Some(changed)).await;
    let edited = edited.assert_status(200);
    assert_eq!(
        (edited["title"].as_str(), edited["sequence"].as_i64()),
        (Some("Sunday walk round the arboretum"), Some(1))
    );
}

#[tokio::test]
async fn organisers_record_who_came_and_read_counts_per_event_and_per_month() {
    let World { app, olive, moss, .. } = world("public").await;
    let soon = create(&app, &olive, walk(48)).await;
    let past = create(&app, &olive, walk(-3)).await;
    let (amy, ben, cat) = (member(&app, "amy").await, member(&app, "ben").await, member(&app, "cat").await);
    let rsvp = format!("/api/v1/events/{soon}/rsvp");
    app.send(reqwest::Method::PUT, &rsvp, Some(&amy), Some(json!({ "answer": "going" }))).await.assert_status(200);
    let early = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/events/{soon}/attendance"),
            Some(&olive),
            Some(json!({ "came": ["amy"] })),
        )
        .await;
    early.assert_error(409, "event_not_started");
    let over = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/events/{past}/rsvp"),
            Some(&amy),
            Some(json!({ "answer": "going" })),
        )
        .await;
    over.assert_error(409, "event_over");

    let record = format!("/api/v1/events/{past}/attendance");
    let by_member = app.send(reqwest::Method::PUT, &record, Some(&cat), Some(json!({ "came": ["amy"] }))).await;
    by_member.assert_error(403, "forbidden");
    let stranger = app.register("stranger").await;
    drop(stranger);
    let outsider = app.send(reqwest::Method::PUT, &record, Some(&olive), Some(json!({ "came": ["stranger"] }))).await;
    outsider.assert_error(422, "not_a_member");
    let came = app.send(reqwest::Method::PUT, &record, Some(&olive), Some(json!({ "came": ["amy", "ben"] }))).await;
    came.assert_status(204);
    let answers = app.get(&format!("/api/v1/events/{past}/rsvps"), Some(&moss)).await;
    let attended: Vec<(&str, bool)> = answers
        .assert_status(200)
        .as_array()
        .expect("answers")
        .iter()
        .map(|row| (row["username"].as_str().unwrap_or(""), row["attended"] == true))
        .collect();
    assert_eq!(attended, [("amy", true), ("ben", true)]);
    drop(cat);

    let report = app.get("/api/v1/communities/walkers/attendance", Some(&moss)).await;
    let report = report.assert_status(200);
    assert_eq!(report["events"].as_array().expect("events").len(), 1, "only events that have begun");
    assert_eq!((report["events"][0]["id"].as_i64(), report["events"][0]["came"].as_i64()), (Some(past), Some(2)));
    assert_eq!(report["months"][0]["came"], 2);
    assert_eq!(report["months"][0]["month"].as_str().map(str::len), Some(7));
    app.get("/api/v1/communities/walkers/attendance", Some(&amy)).await.assert_error(403, "forbidden");
    drop(ben);
}

#[tokio::test]
async fn members_going_are_reminded_within_the_hour_before_once() {
    let World { app, olive, .. } = world("public").await;
    let mut body = walk(1);
    body["starts"] = json!(london_in(0).as_str().to_owned());
    let soon = Instant::now() + SignedDuration::from_mins(40);
    let local = soon.to_zoned(TimeZone::get("Europe/London").expect("zone")).strftime("%Y-%m-%dT%H:%M").to_string();
    body["starts"] = json!(local);
    let id = create(&app, &olive, body).await;
    let amy = member(&app, "amy").await;
    let rsvp = format!("/api/v1/events/{id}/rsvp");
    app.send(reqwest::Method::PUT, &rsvp, Some(&amy), Some(json!({ "answer": "going" }))).await.assert_status(200);
    let mut told = Vec::new();
    for _ in 0..100 {
        told = inbox(&app, &amy).await;
        if !told.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!((told[0]["kind"].as_str(), told[0]["event_id"].as_i64()), (Some("event_reminder"), Some(id)));
    assert!(told[0]["summary"].as_str().expect("a summary").starts_with("Coming up:"));
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(inbox(&app, &amy).await[0]["count"], 1, "reminded once, not again at the day's lead");
}
