//! The directory of local support: suggestions seen only by their author
//! and the reviewers until approved, search by words, category and
//! distance, entries due for review in the moderation queue, saved lists,
//! and finding communities by kind, region and distance.

use std::time::Duration;

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app, spawn_app_with};

const WALSALL: (f64, f64) = (52.586, -1.982);
const BIRMINGHAM: (f64, f64) = (52.480, -1.903);
const LONDON: (f64, f64) = (51.507, -0.128);

fn entry(name: &str, place: Option<(f64, f64)>, categories: &[&str]) -> Value {
    let mut entry = json!({
        "name": name,
        "organisation": "Walsall Council",
        "description": "Gentle **walks**, all welcome.",
        "audience": "Adults with long-term conditions",
        "referral": ["self_referral", "link_worker"],
        "cost": "Free",
        "phone": "01922 650000",
        "email": "walks@walsall.example.org",
        "website": "https://walsall.example.org/walks",
        "opening_times": "Tuesdays 10:00",
        "accessibility": "Step-free route",
        "categories": categories,
    });
    match place {
        Some((latitude, longitude)) => {
            entry["address"] = json!("The Arboretum, Walsall");
            entry["latitude"] = json!(latitude);
            entry["longitude"] = json!(longitude);
        }
        None => entry["online"] = json!(true),
    }
    entry
}

async fn add(app: &TestApp, who: &Account, body: Value) -> i64 {
    app.post("/api/v1/directory", Some(who), body).await.assert_status(201)["id"].as_i64().expect("an id")
}

fn names(page: &Value) -> Vec<String> {
    page["entries"].as_array().expect("entries").iter().map(|e| e["name"].as_str().unwrap_or_default().into()).collect()
}

#[tokio::test]
async fn a_suggested_entry_is_invisible_to_others_until_approved() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walsall", "public").await;
    let (mia, moss, olly) = (app.register("mia").await, app.register("moss").await, app.register("olly").await);
    app.join(&mia, "walsall").await.assert_status(200);
    app.join(&olly, "walsall").await.assert_status(200);
    app.put("/api/v1/communities/walsall/moderators/moss", Some(&admin)).await.assert_status(204);

    let mut suggestion = entry("Arboretum health walk", Some(WALSALL), &["walking"]);
    suggestion["community"] = json!("walsall");
    let created = app.post("/api/v1/directory", Some(&mia), suggestion).await;
    let body = created.assert_status(201);
    assert_eq!(body["status"], "suggested");
    assert_eq!(body["description_html"], "<p>Gentle <strong>walks</strong>, all welcome.</p>\n");
    let id = body["id"].as_i64().expect("an id");
    let path = format!("/api/v1/directory/{id}");

    // Nobody but its author and the reviewers knows it exists.
    app.get(&path, None).await.assert_error(404, "not_found");
    app.get(&path, Some(&olly)).await.assert_error(404, "not_found");
    assert_eq!(app.get(&path, Some(&mia)).await.assert_status(200)["status"], "suggested");
    assert_eq!(app.get(&path, Some(&moss)).await.assert_status(200)["status"], "suggested");
    for who in [None, Some(&olly), Some(&mia)] {
        let page = app.get("/api/v1/directory?community=walsall", who).await;
        assert!(names(page.assert_status(200)).is_empty(), "a suggestion is not listed");
    }
    app.put(&format!("/api/v1/me/directory/{id}"), Some(&olly)).await.assert_error(404, "not_found");

    // The review list shows it to the community's moderator, and only they (or an admin) approve it.
    let waiting = app.get("/api/v1/directory/suggestions", Some(&moss)).await;
    assert_eq!(waiting.assert_status(200)[0]["id"], id);
    app.get("/api/v1/directory/suggestions", Some(&olly)).await.assert_error(403, "forbidden");
    app.post(&format!("{path}/review"), Some(&mia), json!({})).await.assert_error(403, "forbidden");
    app.post(&format!("{path}/review"), Some(&moss), json!({})).await.assert_status(204);

    let shown = app.get(&path, None).await;
    assert_eq!(shown.assert_status(200)["status"], "approved");
    assert!(shown.body["reviewed_at"].is_string());
    assert_eq!(
        names(app.get("/api/v1/directory?community=walsall", None).await.assert_status(200)),
        ["Arboretum health walk"]
    );
    assert!(
        app.get("/api/v1/directory/suggestions", Some(&moss))
            .await
            .assert_status(200)
            .as_array()
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn a_members_only_communitys_directory_answers_404_to_outsiders() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "private", "members").await;
    let olly = app.register("olly").await;
    let mut walk = entry("Quiet walk", Some(WALSALL), &[]);
    walk["community"] = json!("private");
    let id = add(&app, &admin, walk).await;
    app.get(&format!("/api/v1/directory/{id}"), Some(&olly)).await.assert_error(404, "not_found");
    app.get("/api/v1/directory?community=private", Some(&olly)).await.assert_error(404, "not_found");
    assert!(names(app.get("/api/v1/directory", Some(&olly)).await.assert_status(200)).is_empty());
    assert_eq!(names(app.get("/api/v1/directory", Some(&admin)).await.assert_status(200)), ["Quiet walk"]);
}

#[tokio::test]
async fn distance_filtering_orders_entries_by_distance() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    add(&app, &admin, entry("London lunch club", Some(LONDON), &["food"])).await;
    add(&app, &admin, entry("Online breathing class", None, &["breathing"])).await;
    add(&app, &admin, entry("Birmingham walking football", Some(BIRMINGHAM), &["walking", "sport"])).await;
    add(&app, &admin, entry("Walsall health walk", Some(WALSALL), &["walking"])).await;

    let from_walsall = format!("latitude={}&longitude={}", WALSALL.0, WALSALL.1);
    let page = app.get(&format!("/api/v1/directory?{from_walsall}"), None).await;
    let page = page.assert_status(200);
    assert_eq!(
        names(page),
        ["Walsall health walk", "Birmingham walking football", "London lunch club", "Online breathing class"]
    );
    let distances: Vec<Option<f64>> =
        page["entries"].as_array().expect("entries").iter().map(|e| e["distance_km"].as_f64()).collect();
    assert!(distances[0].expect("a distance") < 0.1);
    assert!((12.0..14.0).contains(&distances[1].expect("a distance")));
    assert!(distances[2].expect("a distance") > 150.0);
    assert_eq!(distances[3], None, "an online entry has no distance");

    let near = app.get(&format!("/api/v1/directory?{from_walsall}&within_km=30"), None).await;
    assert_eq!(names(near.assert_status(200)), ["Walsall health walk", "Birmingham walking football"]);
    let walking = app.get(&format!("/api/v1/directory?{from_walsall}&category=Walking&q=football"), None).await;
    assert_eq!(names(walking.assert_status(200)), ["Birmingham walking football"]);
    // Without a place, by name; pages follow one another.
    let first = app.get("/api/v1/directory?limit=2", None).await;
    assert_eq!(names(first.assert_status(200)), ["Birmingham walking football", "London lunch club"]);
    assert_eq!(first.body["next_offset"], 2);
    let second = app.get("/api/v1/directory?limit=2&offset=2", None).await;
    assert_eq!(names(second.assert_status(200)), ["Online breathing class", "Walsall health walk"]);
    assert!(second.body["next_offset"].is_null());

    let detail = app.get("/api/v1/directory?q=lunch", None).await.assert_status(200)["entries"][0]["id"].clone();
    let shown = app.get(&format!("/api/v1/directory/{detail}?{from_walsall}"), None).await;
    assert!(shown.assert_status(200)["distance_km"].as_f64().expect("a distance") > 150.0);
    assert_eq!(shown.body["referral"], json!(["self_referral", "link_worker"]));
    assert_eq!(shown.body["website"], "https://walsall.example.org/walks");

    app.get("/api/v1/directory?within_km=5", None).await.assert_error(422, "invalid_distance");
    app.get(&format!("/api/v1/directory?{from_walsall}&within_km=20001"), None)
        .await
        .assert_error(422, "invalid_distance");
    app.get("/api/v1/directory?latitude=91&longitude=0", None).await.assert_error(422, "invalid_coordinates");
    app.get("/api/v1/directory?limit=101", None).await.assert_error(422, "invalid_limit");
    let long_words = format!("/api/v1/directory?q={}", "a".repeat(201));
    app.get(&long_words, None).await.assert_error(422, "invalid_query");
}

#[tokio::test]
async fn an_entry_with_bad_details_is_refused_with_a_sentence_and_not_stored() {
    let app = spawn_app().await;
    let mia = app.register("mia").await;
    let with = |field: &str, value: Value| {
        let mut body = entry("Walsall health walk", Some(WALSALL), &["walking"]);
        body[field] = value;
        body
    };
    let cases = [
        (with("name", json!("x")), "invalid_entry"),
        (with("name", json!("n".repeat(121))), "invalid_entry"),
        (with("description", json!("d".repeat(5001))), "invalid_entry"),
        (with("organisation", json!("o".repeat(121))), "invalid_entry"),
        (with("opening_times", json!("t".repeat(501))), "invalid_entry"),
        (with("website", json!("javascript:alert(1)")), "invalid_website"),
        (with("website", json!(format!("https://example.org/{}", "p".repeat(300)))), "invalid_website"),
        (with("email", json!("not an address")), "invalid_email"),
        (with("phone", json!("ring us")), "invalid_phone"),
        (with("latitude", json!(95.0)), "invalid_coordinates"),
        (with("longitude", Value::Null), "invalid_coordinates"),
        (with("categories", json!(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"])), "invalid_categories"),
        (with("categories", json!(["c".repeat(41)])), "invalid_categories"),
        (json!({ "name": "Somewhere unknown" }), "invalid_location"),
    ];
    for (body, code) in cases {
        app.post("/api/v1/directory", Some(&mia), body).await.assert_error(422, code);
    }
    app.post("/api/v1/directory", None, entry("Walk", Some(WALSALL), &[])).await.assert_error(401, "not_signed_in");
    let mut elsewhere = entry("Walk", Some(WALSALL), &[]);
    elsewhere["community"] = json!("nowhere");
    app.post("/api/v1/directory", Some(&mia), elsewhere).await.assert_error(404, "not_found");
    let mine = app
        .get(&format!("/api/v1/directory/{}", add(&app, &mia, entry("Walk", Some(WALSALL), &[])).await), Some(&mia))
        .await;
    assert_eq!(mine.assert_status(200)["status"], "suggested");
    let mut connection = app.connect();
    let stored: i64 =
        kindred::db::schema::directory_entries::table.count().get_result(&mut connection).expect("a count");
    assert_eq!(stored, 1, "only the good entry was stored");
    // Text that looks like HTML is shown as text.
    let script = entry("Walk with <script>alert(1)</script> friends", Some(WALSALL), &[]);
    let mut script = script;
    script["description"] = json!("<img src=x onerror=alert(1)> **hello**");
    let shown = app.post("/api/v1/directory", Some(&mia), script).await;
    let html = shown.assert_status(201)["description_html"].as_str().expect("html").to_owned();
    assert!(!html.contains("<img"), "{html}");
}

#[tokio::test]
async fn a_stale_entry_reaches_the_queue_and_dismissing_it_there_marks_it_reviewed() {
    let app = spawn_app_with(|settings| {
        settings.directory_review_months = 0;
        settings.purge_interval_seconds = 1;
    })
    .await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walsall", "public").await;
    let moss = app.register("moss").await;
    app.put("/api/v1/communities/walsall/moderators/moss", Some(&admin)).await.assert_status(204);
    let mut walk = entry("Arboretum health walk", Some(WALSALL), &[]);
    walk["community"] = json!("walsall");
    let id = add(&app, &admin, walk).await;
    let reviewed_at = app.get(&format!("/api/v1/directory/{id}"), None).await.assert_status(200)["reviewed_at"].clone();

    let mut item = Value::Null;
    for _ in 0..300 {
        let queue = app.get("/api/v1/moderation/queue?community=walsall", Some(&moss)).await;
        let items = queue.assert_status(200)["items"].as_array().expect("items").clone();
        if let Some(found) = items.into_iter().find(|item| item["subject"] == "directory_entry") {
            item = found;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(item["subject_id"], id, "the entry reached its community's queue");
    assert_eq!(item["urgent"], false, "as a routine item");
    assert_eq!(item["offered"], json!(["dismiss"]));
    let olly = app.register("olly").await;
    let dismiss =
        json!({ "action": "dismiss", "item_id": item["id"], "reason": "Checked with the council: still runs." });
    app.post("/api/v1/moderation/actions", Some(&olly), dismiss.clone()).await.assert_error(403, "forbidden");
    tokio::time::sleep(Duration::from_millis(5)).await;
    app.post("/api/v1/moderation/actions", Some(&moss), dismiss).await.assert_status(201);
    let after = app.get(&format!("/api/v1/directory/{id}"), None).await.assert_status(200)["reviewed_at"].clone();
    assert_ne!(after, reviewed_at, "dismissing the item marked the entry reviewed");
}

#[tokio::test]
async fn a_member_saves_entries_to_their_own_list_and_erasure_empties_it() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let mia = app.register("mia").await;
    let walk = add(&app, &admin, entry("Walsall health walk", Some(WALSALL), &[])).await;
    let lunch = add(&app, &admin, entry("London lunch club", Some(LONDON), &[])).await;
    for id in [walk, lunch, walk] {
        app.put(&format!("/api/v1/me/directory/{id}"), Some(&mia)).await.assert_status(204);
    }
    let saved = app.get("/api/v1/me/directory", Some(&mia)).await;
    assert_eq!(saved.assert_status(200).as_array().expect("a list").len(), 2);
    app.delete(&format!("/api/v1/me/directory/{lunch}"), Some(&mia)).await.assert_status(204);
    let saved = app.get("/api/v1/me/directory", Some(&mia)).await;
    assert_eq!(saved.assert_status(200)[0]["name"], "Walsall health walk");
    assert!(
        app.get("/api/v1/me/directory", Some(&admin)).await.assert_status(200).as_array().expect("a list").is_empty()
    );
    app.get("/api/v1/me/directory", None).await.assert_error(401, "not_signed_in");

    let erase = app.send(
        reqwest::Method::DELETE,
        "/api/v1/me",
        Some(&mia),
        Some(json!({ "password": crate::helpers::PASSWORD })),
    );
    erase.await.assert_status(204);
    let mut connection = app.connect();
    let saves: i64 = kindred::db::schema::directory_saves::table.count().get_result(&mut connection).expect("a count");
    assert_eq!(saves, 0);
}

#[tokio::test]
async fn removing_an_entry_takes_it_out_of_the_directory() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    let mia = app.register("mia").await;
    let suggested = add(&app, &mia, entry("Walsall health walk", Some(WALSALL), &[])).await;
    app.delete(&format!("/api/v1/directory/{suggested}"), Some(&mia)).await.assert_error(403, "forbidden");
    app.delete(&format!("/api/v1/directory/{suggested}"), Some(&admin)).await.assert_status(204);
    app.get(&format!("/api/v1/directory/{suggested}"), Some(&mia)).await.assert_error(404, "not_found");
}

async fn place_community(app: &TestApp, admin: &Account, slug: &str, region: &str, at: (f64, f64)) {
    let body = json!({
        "slug": slug, "name": format!("{slug} group"), "kind": "place", "visibility": "public",
        "place": { "name": slug, "region": region, "latitude": at.0, "longitude": at.1 },
    });
    app.post("/api/v1/communities", Some(admin), body).await.assert_status(201);
}

fn slugs(reply: &Value) -> Vec<String> {
    reply.as_array().expect("a list").iter().map(|c| c["slug"].as_str().unwrap_or_default().into()).collect()
}

#[tokio::test]
async fn distance_filtering_orders_communities_by_distance() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    place_community(&app, &admin, "london", "London", LONDON).await;
    place_community(&app, &admin, "birmingham", "West Midlands", BIRMINGHAM).await;
    place_community(&app, &admin, "walsall", "West Midlands", WALSALL).await;
    app.community(&admin, "copd", "public").await;

    let from_walsall = format!("latitude={}&longitude={}", WALSALL.0, WALSALL.1);
    let near = app.get(&format!("/api/v1/communities?{from_walsall}"), None).await;
    assert_eq!(slugs(near.assert_status(200)), ["walsall", "birmingham", "london", "copd"]);
    assert!((12.0..14.0).contains(&near.body[1]["distance_km"].as_f64().expect("a distance")));
    let within = app.get(&format!("/api/v1/communities?{from_walsall}&within_km=50"), None).await;
    assert_eq!(slugs(within.assert_status(200)), ["walsall", "birmingham"]);
    let region = app.get("/api/v1/communities?region=west%20midlands", None).await;
    assert_eq!(slugs(region.assert_status(200)), ["birmingham", "walsall"]);
    let conditions = app.get("/api/v1/communities?kind=condition", None).await;
    assert_eq!(slugs(conditions.assert_status(200)), ["copd"]);
    app.get("/api/v1/communities?within_km=5", None).await.assert_error(422, "invalid_distance");
}

/// The published HSDS 3.0 service schema (see tests/data/hsds/README.md), compiled with format checks on.
fn hsds_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let text = include_str!("../data/hsds/service_with_definitions.json");
    let schema: Value = serde_json::from_str(text).expect("the schema is JSON");
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let location = "file:///hsds/service_with_definitions.json";
    compiler.add_resource(location, schema).expect("the schema is added");
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(location, &mut schemas).expect("the schema compiles");
    (schemas, index)
}

/// What an entry says, without what the server gives it (id, dates, distance).
fn written(entry: &Value) -> Value {
    let mut entry = entry.clone();
    for key in ["id", "reviewed_at", "distance_km", "community"] {
        entry.as_object_mut().expect("an entry").remove(key);
    }
    entry
}

#[tokio::test]
async fn the_hsds_export_validates_against_the_published_schema_and_an_import_of_it_reproduces_the_entries() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walsall", "public").await;
    app.community(&admin, "private", "members").await;
    let mut in_walsall = entry("Walsall health walk", Some(WALSALL), &["walking", "outdoors"]);
    in_walsall["community"] = json!("walsall");
    add(&app, &admin, in_walsall).await;
    add(&app, &admin, entry("Online breathing class", None, &["breathing"])).await;
    let sparse = json!({ "name": "Men's shed", "area_served": "Leith" });
    add(&app, &admin, sparse).await;
    let mut hidden = entry("Members-only group", Some(LONDON), &[]);
    hidden["community"] = json!("private");
    add(&app, &admin, hidden).await;
    let mia = app.register("mia").await;
    add(&app, &mia, entry("A suggestion not yet approved", Some(LONDON), &[])).await;

    let export = app.get("/api/v1/directory/hsds", None).await;
    let export = export.assert_status(200).clone();
    let services = export["contents"].as_array().expect("services");
    let names: Vec<&str> = services.iter().map(|s| s["name"].as_str().expect("a name")).collect();
    assert_eq!(names, ["Walsall health walk", "Online breathing class", "Men's shed"], "approved public entries only");
    assert_eq!(export["total_items"], 3);
    let (schemas, index) = hsds_schema();
    for service in services {
        if let Err(error) = schemas.validate(service, index) {
            panic!("{} does not validate: {error:#}\n{service:#}", service["name"]);
        }
    }
    let walk = &services[0];
    assert_eq!(walk["organization"]["name"], "Walsall Council");
    assert_eq!(walk["service_at_locations"][0]["location"]["latitude"], WALSALL.0);
    assert_eq!(walk["contacts"][0]["email"], "walks@walsall.example.org");
    assert_eq!(walk["schedules"][0]["description"], "Tuesdays 10:00");
    // A schema that checks nothing would pass anything: a broken service fails.
    let mut broken = walk.clone();
    broken["status"] = json!("open for business");
    assert!(schemas.validate(&broken, index).is_err());

    // Into another instance: the same entries, approved.
    let other = spawn_app().await;
    let other_admin = other.admin("admin").await;
    let imported = other.post("/api/v1/directory/hsds", Some(&other_admin), export.clone()).await;
    assert_eq!(imported.assert_status(201)["imported"], 3);
    let before = app.get("/api/v1/directory", None).await;
    let after = other.get("/api/v1/directory", None).await;
    let before: Vec<Value> =
        before.assert_status(200)["entries"].as_array().expect("entries").iter().map(written).collect();
    let after: Vec<Value> =
        after.assert_status(200)["entries"].as_array().expect("entries").iter().map(written).collect();
    assert_eq!(after, before);

    // Only admins import, and a bad service stops the whole import.
    other
        .post("/api/v1/directory/hsds", Some(&other.register("olly").await), export.clone())
        .await
        .assert_error(403, "forbidden");
    let mut bad = export.clone();
    bad["contents"][1]["url"] = json!("javascript:alert(1)");
    let refused = other.post("/api/v1/directory/hsds", Some(&other_admin), bad).await;
    refused.assert_error(422, "invalid_website");
    assert!(
        refused.body["error"]["message"].as_str().expect("a message").starts_with("Service 2 (Online breathing class)")
    );
    let count = other.get("/api/v1/directory", None).await;
    assert_eq!(count.assert_status(200)["entries"].as_array().expect("entries").len(), 3, "nothing more was stored");
    other
        .post("/api/v1/directory/hsds", Some(&other_admin), json!({ "contents": "no" }))
        .await
        .assert_error(422, "invalid_hsds");
}

#[tokio::test]
async fn an_organiser_of_the_community_sees_and_approves_suggestions_as_its_moderators_do() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "walsall", "public").await;
    let (mia, orla) = (app.register("mia").await, app.register("orla").await);
    app.join(&mia, "walsall").await.assert_status(200);
    app.join(&orla, "walsall").await.assert_status(200);
    let mut suggestion = entry("Arboretum health walk", Some(WALSALL), &["walking"]);
    suggestion["community"] = json!("walsall");
    let id =
        app.post("/api/v1/directory", Some(&mia), suggestion).await.assert_status(201)["id"].as_i64().expect("an id");
    let review = format!("/api/v1/directory/{id}/review");
    app.post(&review, Some(&orla), json!({})).await.assert_error(404, "not_found");
    app.get("/api/v1/directory/suggestions", Some(&orla)).await.assert_error(403, "forbidden");
    app.put("/api/v1/communities/walsall/organisers/orla", Some(&admin)).await.assert_status(204);
    let waiting = app.get("/api/v1/directory/suggestions", Some(&orla)).await;
    assert_eq!(
        names(&json!({ "entries": waiting.assert_status(200) })),
        ["Arboretum health walk"],
        "the organiser's list"
    );
    app.post(&review, Some(&orla), json!({})).await.assert_status(204);
    assert_eq!(app.get(&format!("/api/v1/directory/{id}"), None).await.assert_status(200)["status"], "approved");
}
