//! Calendar feeds, read back with an independent iCalendar parser (the
//! `ical` crate): times right on the Sunday UK clocks change, stable UIDs,
//! SEQUENCE rising on edit, STATUS:CANCELLED on cancel, a public
//! community's feed open to all, others only through a member's private,
//! revocable link, and a member's own feed of the events they answered.

use std::io::BufReader;

use ical::parser::ical::component::IcalEvent;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

fn event(title: &str, starts: &str, ends: &str) -> Value {
    json!({ "title": title, "starts": starts, "ends": ends, "time_zone": "Europe/London",
        "place": { "name": "Walsall Arboretum", "address": "Lichfield St, Walsall" },
        "description": "Tea, cake; and a chat." })
}

async fn create(app: &TestApp, who: &Account, slug: &str, body: Value) -> i64 {
    let created = app.post(&format!("/api/v1/communities/{slug}/events"), Some(who), body).await;
    created.assert_status(201)["id"].as_i64().expect("an event id")
}

/// Fetches a feed and parses it with the independent parser.
async fn feed(app: &TestApp, path: &str, who: Option<&Account>) -> Vec<IcalEvent> {
    let mut request = app.client.get(app.url(path));
    if let Some(who) = who {
        request = request.bearer_auth(&who.token);
    }
    let response = request.send().await.expect("an answer");
    assert_eq!(response.status(), 200, "{path}");
    let kind = response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or("").to_owned();
    assert!(kind.starts_with("text/calendar"), "{kind}");
    let text = response.text().await.expect("text");
    let mut calendars = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = calendars.next().expect("a calendar").expect("it parses");
    assert!(calendars.next().is_none(), "one calendar");
    calendar.events
}

fn property<'a>(event: &'a IcalEvent, name: &str) -> &'a str {
    event
        .properties
        .iter()
        .find(|property| property.name == name)
        .and_then(|property| property.value.as_deref())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn by_summary<'a>(events: &'a [IcalEvent], summary: &str) -> &'a IcalEvent {
    events.iter().find(|event| property(event, "SUMMARY") == summary).unwrap_or_else(|| panic!("no {summary}"))
}

#[tokio::test]
async fn times_are_right_on_the_sunday_uk_clocks_change_and_the_feed_parses() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    create(&app, &admin, "walkers", event("Saturday walk", "2026-03-28T10:00", "2026-03-28T12:00")).await;
    let sunday = create(&app, &admin, "walkers", event("Sunday walk", "2026-03-29T10:00", "2026-03-29T12:00")).await;
    create(&app, &admin, "walkers", event("Autumn walk", "2026-10-25T10:00", "2026-10-25T12:00")).await;

    let events = feed(&app, "/api/v1/communities/walkers/calendar.ics", None).await;
    assert_eq!(events.len(), 3);
    // GMT the day before, BST (UTC+1) from the Sunday the clocks go forward, GMT again in late October.
    assert_eq!(property(by_summary(&events, "Saturday walk"), "DTSTART"), "20260328T100000Z");
    assert_eq!(property(by_summary(&events, "Sunday walk"), "DTSTART"), "20260329T090000Z");
    assert_eq!(property(by_summary(&events, "Sunday walk"), "DTEND"), "20260329T110000Z");
    assert_eq!(property(by_summary(&events, "Autumn walk"), "DTSTART"), "20261025T100000Z");
    let walk = by_summary(&events, "Sunday walk");
    assert_eq!(property(walk, "DESCRIPTION"), "Tea\\, cake\\; and a chat.", "text stays escaped as written");
    assert_eq!(property(walk, "LOCATION"), "Walsall Arboretum\\, Lichfield St\\, Walsall");

    // One event downloads on its own, with the same UID.
    let single = feed(&app, &format!("/api/v1/events/{sunday}/calendar.ics"), None).await;
    assert_eq!(single.len(), 1);
    assert_eq!(property(&single[0], "UID"), property(walk, "UID"));
    let response =
        app.client.get(app.url(&format!("/api/v1/events/{sunday}/calendar.ics"))).send().await.expect("answer");
    let disposition = response.headers().get("content-disposition").and_then(|value| value.to_str().ok());
    assert_eq!(disposition, Some(format!("attachment; filename=\"event-{sunday}.ics\"").as_str()));
}

#[tokio::test]
async fn the_sequence_rises_on_every_edit_and_a_cancelled_event_says_so_under_the_same_uid() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let id = create(&app, &admin, "walkers", event("Walk", "2030-05-04T10:00", "2030-05-04T12:00")).await;
    let path = format!("/api/v1/events/{id}/calendar.ics");
    let first = feed(&app, &path, None).await;
    assert_eq!((property(&first[0], "SEQUENCE"), property(&first[0], "STATUS")), ("0", "CONFIRMED"));
    let uid = property(&first[0], "UID").to_owned();
    for (round, starts) in [(1, "2030-05-04T11:00"), (2, "2030-05-04T12:00")] {
        let body = event("Walk", starts, "2030-05-04T13:00");
        app.send(reqwest::Method::PUT, &format!("/api/v1/events/{id}"), Some(&admin), Some(body))
            .await
            .assert_status(200);
        let edited = feed(&app, &path, None).await;
        assert_eq!(property(&edited[0], "SEQUENCE"), round.to_string());
        assert_eq!(property(&edited[0], "UID"), uid);
    }
    app.post(&format!("/api/v1/events/{id}/cancellation"), Some(&admin), json!({})).await.assert_status(204);
    let cancelled = feed(&app, &path, None).await;
    assert_eq!((property(&cancelled[0], "STATUS"), property(&cancelled[0], "SEQUENCE")), ("CANCELLED", "3"));
    assert_eq!(property(&cancelled[0], "UID"), uid);
}

#[tokio::test]
async fn a_private_communitys_feed_is_read_through_a_members_revocable_link() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "quiet", "members").await;
    create(&app, &admin, "quiet", event("Quiet walk", "2030-05-04T10:00", "2030-05-04T12:00")).await;
    app.get("/api/v1/communities/quiet/calendar.ics", None).await.assert_error(404, "not_found");
    let mia = app.register("mia").await;
    let refused = app.post("/api/v1/me/calendar-links", Some(&mia), json!({ "community": "quiet" })).await;
    refused.assert_error(404, "not_found");
    app.join(&mia, "quiet").await.assert_status(200);
    let made = app.post("/api/v1/me/calendar-links", Some(&mia), json!({ "community": "quiet" })).await;
    let made = made.assert_status(201).clone();
    let url = made["url"].as_str().expect("an address");
    let path = &url[url.find("/api/v1/").expect("the API path")..];
    let events = feed(&app, path, None).await;
    assert_eq!(property(&events[0], "SUMMARY"), "Quiet walk");
    let listed = app.get("/api/v1/me/calendar-links", Some(&mia)).await;
    let listed = listed.assert_status(200);
    assert_eq!(
        (listed[0]["community"].as_str(), listed[0].get("url")),
        (Some("quiet"), None),
        "the address is shown once"
    );

    // Leaving the community stops the link; so does revoking it.
    app.delete("/api/v1/communities/quiet/membership", Some(&mia)).await.assert_status(204);
    app.get(path, None).await.assert_error(404, "not_found");
    app.join(&mia, "quiet").await.assert_status(200);
    feed(&app, path, None).await;
    let id = made["id"].as_i64().expect("an id");
    let other = app.register("other").await;
    app.delete(&format!("/api/v1/me/calendar-links/{id}"), Some(&other)).await.assert_error(404, "not_found");
    app.delete(&format!("/api/v1/me/calendar-links/{id}"), Some(&mia)).await.assert_status(204);
    app.get(path, None).await.assert_error(404, "not_found");
    app.get("/api/v1/calendars/made-up.ics", None).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn a_members_own_feed_holds_the_events_they_answered_except_those_they_cannot_go_to() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let going = create(&app, &admin, "walkers", event("Going walk", "2030-05-04T10:00", "2030-05-04T12:00")).await;
    let not_going = create(&app, &admin, "walkers", event("Missed walk", "2030-05-05T10:00", "2030-05-05T12:00")).await;
    create(&app, &admin, "walkers", event("Unanswered walk", "2030-05-06T10:00", "2030-05-06T12:00")).await;
    let mia = app.register("mia").await;
    app.join(&mia, "walkers").await.assert_status(200);
    for (id, answer) in [(going, "going"), (not_going, "not_going")] {
        let rsvp = format!("/api/v1/events/{id}/rsvp");
        app.send(reqwest::Method::PUT, &rsvp, Some(&mia), Some(json!({ "answer": answer }))).await.assert_status(200);
    }
    let made = app.post("/api/v1/me/calendar-links", Some(&mia), json!({})).await;
    let made = made.assert_status(201).clone();
    assert!(made["community"].is_null());
    let url = made["url"].as_str().expect("an address");
    let events = feed(&app, &url[url.find("/api/v1/").expect("the API path")..], None).await;
    let titles: Vec<&str> = events.iter().map(|event| property(event, "SUMMARY")).collect();
    assert_eq!(titles, ["Going walk"]);
}
