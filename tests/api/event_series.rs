//! Repeating events: a weekly or monthly-by-weekday series, each date an
//! event of its own (answered, waited for, cancelled and moved on its own),
//! bounded in length, with the community's feed read back by an
//! independent parser (Python's icalendar and recurring-ical-events, run on
//! tests/data/calendar_expand.py): the 10:00 walk stays 10:00 in London
//! across the clock change, RRULE and EXDATE expand to the expected dates, a
//! moved date lands where it was moved, SEQUENCE rises on every change and
//! a cancelled event says STATUS:CANCELLED.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

fn walk(title: &str, starts: &str, ends: &str, repeat: Option<Value>) -> Value {
    let mut body = json!({ "title": title, "starts": starts, "ends": ends, "time_zone": "Europe/London",
        "place": { "name": "Walsall Arboretum" } });
    if let Some(repeat) = repeat {
        body["repeat"] = repeat;
    }
    body
}

async fn create(app: &TestApp, who: &Account, slug: &str, body: Value) -> Value {
    let created = app.post(&format!("/api/v1/communities/{slug}/events"), Some(who), body).await;
    created.assert_status(201).clone()
}

/// The dates of the series the event `first` begins.
async fn dates(app: &TestApp, who: Option<&Account>, first: &Value) -> Vec<Value> {
    let series = first["series"]["id"].as_i64().expect("a series");
    let found = app.get(&format!("/api/v1/event-series/{series}"), who).await;
    found.assert_status(200)["dates"].as_array().expect("dates").clone()
}

fn id(event: &Value) -> i64 {
    event["id"].as_i64().expect("an event id")
}

async fn put(app: &TestApp, who: &Account, path: &str, body: Value) -> crate::helpers::Reply {
    app.send(reqwest::Method::PUT, path, Some(who), Some(body)).await
}

/// The Python that runs the independent check: `KINDRED_ICS_PYTHON`, or the
/// virtual environment under `target/ci/ics-venv` (made here, once per run,
/// with the packages pinned in `.ci/ics-requirements.txt` when it is missing,
/// so `cargo test --workspace` alone runs the check on a new machine), or
/// python3 on the path when no environment can be made.
fn python() -> Option<PathBuf> {
    static CHOSEN: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CHOSEN
        .get_or_init(|| {
            if let Some(chosen) = std::env::var_os("KINDRED_ICS_PYTHON") {
                return Some(chosen.into());
            }
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let venv = root.join("target/ci/ics-venv");
            let python = venv.join("bin/python");
            let quiet = |command: &mut Command| {
                command.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|status| status.success())
            };
            if !python.exists() && quiet(Command::new("python3").arg("-m").arg("venv").arg(&venv)) {
                let requirements = root.join(".ci/ics-requirements.txt");
                let mut install = Command::new(&python);
                install
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
                    .arg(requirements);
                if !quiet(&mut install) {
                    eprintln!("could not install the iCalendar check's packages into {}", venv.display());
                }
            }
            if python.exists() {
                return Some(python);
            }
            quiet(Command::new("python3").arg("--version")).then(|| "python3".into())
        })
        .clone()
}

/// Fetches a feed and reads it with the independent parser: what it says
/// as written, and the dates it expands to between `from` and `until`.
/// None (after saying why) only when there is no python3 at all.
async fn expand(app: &TestApp, path: &str, from: &str, until: &str) -> Option<Value> {
    expand_as(app, path, from, until, |text| text).await
}

/// `expand`, with the feed's text changed by `change` before it is read.
async fn expand_as(
    app: &TestApp,
    path: &str,
    from: &str,
    until: &str,
    change: impl FnOnce(String) -> String,
) -> Option<Value> {
    let response = app.client.get(app.url(path)).send().await.expect("an answer");
    assert_eq!(response.status(), 200, "{path}");
    let text = change(response.text().await.expect("the calendar"));
    let Some(python) = python() else {
        eprintln!("SKIPPED: python3 is missing, so the independent iCalendar check cannot run (see .ci/run)");
        return None;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/calendar_expand.py");
    let mut child = Command::new(&python)
        .arg(script)
        .args([from, until, "Europe/London"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("the calendar is written to python");
    let output = child.wait_with_output().expect("python finishes");
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the independent parser refused the feed or is missing: {errors}\n{text}");
    Some(serde_json::from_slice(&output.stdout).expect("the parser's JSON"))
}

/// The expanded dates titled `summary`.
fn expanded<'a>(found: &'a Value, summary: &str) -> Vec<&'a Value> {
    found["expanded"].as_array().expect("expanded dates").iter().filter(|date| date["summary"] == summary).collect()
}

/// (UTC start, London wall clock) of each expanded date titled `summary`.
fn starts(found: &Value, summary: &str) -> Vec<(String, String)> {
    let text = |value: &Value| value.as_str().expect("a time").to_owned();
    expanded(found, summary).into_iter().map(|date| (text(&date["starts_utc"]), text(&date["starts_local"]))).collect()
}

/// An RRULE's parts in the parser's order (sorted), from ours.
fn rule(ours: &str) -> Value {
    let mut parts: Vec<&str> = ours.split(';').collect();
    parts.sort_unstable();
    json!(parts)
}

/// The VEVENTs written for `summary`, the series or single event first and its overrides after.
fn written<'a>(found: &'a Value, summary: &str) -> Vec<&'a Value> {
    let all = found["written"].as_array().expect("written events");
    let mut mine: Vec<&Value> = all.iter().filter(|event| event["summary"] == summary).collect();
    mine.sort_by_key(|event| !event["recurrence_id"].is_null());
    mine
}

#[tokio::test]
async fn a_weekly_walk_stays_at_ten_in_london_across_the_clock_change_with_a_date_cancelled_and_one_moved() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    // Six Sundays from 14 March 2027; UK clocks go forward on Sunday 28 March.
    let repeat = json!({ "frequency": "weekly", "count": 6 });
    let first =
        create(&app, &admin, "walkers", walk("Sunday walk", "2027-03-14T10:00", "2027-03-14T12:00", Some(repeat)))
            .await;
    assert_eq!(
        (first["starts_local"].as_str(), first["series"]["moved"].as_bool()),
        (Some("2027-03-14T10:00"), Some(false))
    );
    let dates = dates(&app, None, &first).await;
    let locals: Vec<&str> = dates.iter().map(|date| date["starts_local"].as_str().expect("a start")).collect();
    assert_eq!(
        locals,
        [
            "2027-03-14T10:00",
            "2027-03-21T10:00",
            "2027-03-28T10:00",
            "2027-04-04T10:00",
            "2027-04-11T10:00",
            "2027-04-18T10:00"
        ]
    );
    assert_eq!(dates[2]["starts_at"], "2027-03-28T09:00:00Z", "10:00 BST is 09:00 UTC");

    let feed = "/api/v1/communities/walkers/calendar.ics";
    let Some(before) = expand(&app, feed, "2027-03-01", "2027-05-01").await else { return };
    let ten = |day: &str, utc_hour: &str| (format!("{day}T{utc_hour}:00:00Z"), format!("{day}T10:00"));
    assert_eq!(
        starts(&before, "Sunday walk"),
        [
            ten("2027-03-14", "10"),
            ten("2027-03-21", "10"),
            ten("2027-03-28", "09"),
            ten("2027-04-04", "09"),
            ten("2027-04-11", "09"),
            ten("2027-04-18", "09")
        ]
    );
    let series = written(&before, "Sunday walk");
    assert_eq!(series.len(), 1, "one VEVENT for the whole series");
    assert_eq!(series[0]["rrule"], rule("FREQ=WEEKLY;INTERVAL=1;BYDAY=SU;COUNT=6"));
    let zones: Vec<&Value> = expanded(&before, "Sunday walk").into_iter().map(|date| &date["zone"]).collect();
    assert!(zones.iter().all(|zone| *zone == "Europe/London"), "written on London's clock: {zones:?}");
    assert_eq!(series[0]["sequence"], 0);

    // One date cancelled (an EXDATE), another moved to the Monday evening (an override).
    app.post(&format!("/api/v1/events/{}/cancellation", id(&dates[3])), Some(&admin), json!({}))
        .await
        .assert_status(204);
    let Some(cancelled) = expand(&app, feed, "2027-03-01", "2027-05-01").await else { return };
    let series = written(&cancelled, "Sunday walk");
    assert_eq!(
        (series[0]["sequence"].as_i64(), series[0]["exdates"].clone()),
        (Some(1), json!(["2027-04-04T09:00:00Z"]))
    );
    let moved = walk("Sunday walk", "2027-04-12T18:00", "2027-04-12T20:00", None);
    let moved = put(&app, &admin, &format!("/api/v1/events/{}", id(&dates[4])), moved).await;
    let moved = moved.assert_status(200);
    assert_eq!(
        (moved["series"]["occurrence"].as_str(), moved["series"]["moved"].as_bool()),
        (Some("2027-04-11T10:00"), Some(true))
    );

    let Some(after) = expand(&app, feed, "2027-03-01", "2027-05-01").await else { return };
    assert_eq!(
        starts(&after, "Sunday walk"),
        [
            ten("2027-03-14", "10"),
            ten("2027-03-21", "10"),
            ten("2027-03-28", "09"),
            ("2027-04-12T17:00:00Z".to_owned(), "2027-04-12T18:00".to_owned()),
            ten("2027-04-18", "09")
        ]
    );
    // The feed's own VTIMEZONE places the dates as well: renamed, so the parser cannot look the zone up.
    let renamed = |text: String| text.replace("Europe/London", "Walsall-Walkers-Time");
    let Some(own) = expand_as(&app, feed, "2027-03-01", "2027-05-01", renamed).await else { return };
    assert_eq!(starts(&own, "Sunday walk"), starts(&after, "Sunday walk"));
    let series = written(&after, "Sunday walk");
    assert_eq!(series.len(), 2, "the series and the moved date's override");
    assert_eq!(series[0]["uid"], series[1]["uid"]);
    assert_eq!(series[1]["recurrence_id"], "2027-04-11T09:00:00Z");
    assert!(series.iter().all(|event| event["sequence"] == 2), "the sequence rose again: {series:?}");
}

#[tokio::test]
async fn monthly_series_land_on_the_second_tuesday_and_the_last_friday_and_a_cancelled_event_says_so() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let second = json!({ "frequency": "monthly", "until": "2027-06-30" });
    create(&app, &admin, "walkers", walk("Second Tuesday talk", "2027-01-12T18:30", "2027-01-12T20:00", Some(second)))
        .await;
    let last = json!({ "frequency": "monthly", "last": true, "interval": 2, "count": 3 });
    create(&app, &admin, "walkers", walk("Last Friday lunch", "2027-01-29T12:00", "2027-01-29T13:00", Some(last)))
        .await;
    // A single event on the Sunday the clocks go forward, edited then cancelled.
    let single =
        create(&app, &admin, "walkers", walk("Spring talk", "2027-03-28T10:00", "2027-03-28T11:00", None)).await;

    let feed = "/api/v1/communities/walkers/calendar.ics";
    let Some(found) = expand(&app, feed, "2027-01-01", "2028-01-01").await else { return };
    let days = |summary: &str, hour: &str| -> Vec<String> {
        starts(&found, summary).into_iter().map(|(_, local)| local.replace(hour, "")).collect()
    };
    assert_eq!(
        days("Second Tuesday talk", "T18:30"),
        ["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13", "2027-05-11", "2027-06-08"]
    );
    assert_eq!(days("Last Friday lunch", "T12:00"), ["2027-01-29", "2027-03-26", "2027-05-28"]);
    assert_eq!(starts(&found, "Spring talk"), [("2027-03-28T09:00:00Z".to_owned(), "2027-03-28T10:00".to_owned())]);
    assert_eq!(written(&found, "Last Friday lunch")[0]["rrule"], rule("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=3"));

    let path = format!("/api/v1/events/{}", id(&single));
    put(&app, &admin, &path, walk("Spring talk", "2027-03-28T11:00", "2027-03-28T12:00", None))
        .await
        .assert_status(200);
    let Some(edited) = expand(&app, feed, "2027-01-01", "2028-01-01").await else { return };
    let talk = written(&edited, "Spring talk");
    assert_eq!((talk[0]["sequence"].as_i64(), talk[0]["status"].as_str()), (Some(1), Some("CONFIRMED")));
    app.post(&format!("{path}/cancellation"), Some(&admin), json!({})).await.assert_status(204);
    let Some(cancelled) = expand(&app, feed, "2027-01-01", "2028-01-01").await else { return };
    let talk = written(&cancelled, "Spring talk");
    assert_eq!((talk[0]["sequence"].as_i64(), talk[0]["status"].as_str()), (Some(2), Some("CANCELLED")));
}

#[tokio::test]
async fn each_date_is_answered_on_its_own_and_cancelling_one_tells_only_those_going_to_it() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walkers", "public").await;
    let mut members = Vec::new();
    for name in ["mia", "noor"] {
        let member = app.register(name).await;
        app.join(&member, "walkers").await.assert_status(200);
        members.push(member);
    }
    let mut body =
        walk("Weekly walk", "2030-05-04T10:00", "2030-05-04T12:00", Some(json!({ "frequency": "weekly", "count": 8 })));
    body["capacity"] = json!(1);
    let first = create(&app, &admin, "walkers", body).await;
    let dates = dates(&app, Some(&members[0]), &first).await;
    assert_eq!(dates.len(), 8);
    let rsvp = |date: &Value| format!("/api/v1/events/{}/rsvp", id(date));
    let going = json!({ "answer": "going" });
    assert_eq!(put(&app, &members[0], &rsvp(&dates[0]), going.clone()).await.assert_status(200)["my_answer"], "going");
    // The first date is full, so noor waits for it; the second still has its place.
    assert_eq!(
        put(&app, &members[1], &rsvp(&dates[0]), going.clone()).await.assert_status(200)["my_answer"],
        "waiting"
    );
    let second = put(&app, &members[1], &rsvp(&dates[1]), going.clone()).await;
    let second = second.assert_status(200);
    assert_eq!((second["my_answer"].as_str(), second["places_left"].as_i64()), (Some("going"), Some(0)));

    // The community's list shows the next three dates, not all eight.
    let listed = app.get("/api/v1/communities/walkers/events", None).await;
    let listed = listed.assert_status(200)["events"].as_array().expect("events").clone();
    let listed: Vec<i64> = listed.iter().map(id).collect();
    assert_eq!(listed, dates[..3].iter().map(id).collect::<Vec<_>>());

    app.post(&format!("/api/v1/events/{}/cancellation", id(&dates[1])), Some(&admin), json!({}))
        .await
        .assert_status(204);
    let kinds = |inbox: &Value| -> Vec<(String, i64)> {
        inbox["notifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .map(|note| (note["kind"].as_str().unwrap_or("").to_owned(), note["event_id"].as_i64().unwrap_or(0)))
            .collect()
    };
    let noor = app.get("/api/v1/notifications", Some(&members[1])).await;
    assert!(kinds(noor.assert_status(200)).contains(&("event_cancelled".to_owned(), id(&dates[1]))));
    let mia = app.get("/api/v1/notifications", Some(&members[0])).await;
    assert!(kinds(mia.assert_status(200)).iter().all(|(kind, _)| kind != "event_cancelled"), "mia was not going to it");
    let kept = app.get(&format!("/api/v1/events/{}", id(&dates[0])), Some(&members[1])).await;
    assert_eq!(kept.assert_status(200)["my_answer"], "waiting", "the other dates are untouched");
}

#[tokio::test]
async fn a_series_is_bounded_its_rule_checked_and_its_dates_kept_from_outsiders() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "quiet", "members").await;
    let path = "/api/v1/communities/quiet/events";
    let repeat = |rule: Value| walk("Walk", "2030-01-05T10:00", "2030-01-05T12:00", Some(rule));
    let refused = app.post(path, Some(&admin), repeat(json!({ "frequency": "weekly", "count": 53 }))).await;
    refused.assert_error(422, "invalid_event");
    assert_eq!(refused.assert_status(422)["error"]["fields"][0]["field"], "repeat.count");
    let too_long = json!({ "frequency": "weekly", "until": "2031-01-11" });
    app.post(path, Some(&admin), repeat(too_long)).await.assert_error(422, "invalid_event");
    let no_fifth =
        walk("Walk", "2030-03-30T10:00", "2030-03-30T12:00", Some(json!({ "frequency": "monthly", "count": 3 })));
    app.post(path, Some(&admin), no_fifth).await.assert_error(422, "invalid_event");
    let unknown = repeat(json!({ "frequency": "daily", "count": 3 }));
    assert_eq!(app.post(path, Some(&admin), unknown).await.status, 400);
    let events = app.get(path, Some(&admin)).await;
    assert_eq!(events.assert_status(200)["events"], json!([]), "nothing stored half-way");

    // A year of Saturdays is the most; the dates are the community's, hidden from outsiders.
    let year = create(&app, &admin, "quiet", repeat(json!({ "frequency": "weekly", "until": "2030-12-28" }))).await;
    assert_eq!(dates(&app, Some(&admin), &year).await.len(), 52);
    let series = format!("/api/v1/event-series/{}", year["series"]["id"]);
    app.get(&series, None).await.assert_error(404, "not_found");
    let outsider = app.register("outsider").await;
    app.get(&series, Some(&outsider)).await.assert_error(404, "not_found");
    app.get("/api/v1/event-series/999999", Some(&admin)).await.assert_error(404, "not_found");
    // A date is changed on its own: its series is set when it is created.
    let edit = repeat(json!({ "frequency": "weekly", "count": 2 }));
    put(&app, &admin, &format!("/api/v1/events/{}", id(&year)), edit).await.assert_error(422, "invalid_event");
}
