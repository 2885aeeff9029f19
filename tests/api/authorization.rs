//! The authorization rules as one table: a small world (twelve roles, the
//! three visibilities, held, hidden and deleted content, blocks, sanctions,
//! a live subscription) and, for every operation the API documents, what
//! each role gets, as status codes. An operation in `/api/v1/openapi.json`
//! with no row fails the test, so a new endpoint joins the table.
//!
//! On a mismatch the test prints the rows as they now answer, in the table's
//! own syntax: check each change against the policy before copying it in.

use std::collections::{BTreeSet, HashMap};

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};

/// The roles, in the order of each row's status codes.
const ROLES: [&str; 12] = [
    "visitor",
    "outsider",
    "member",
    "pending",
    "moderator",
    "other_mod",
    "lead",
    "admin",
    "banned",
    "suspended",
    "muted",
    "blocked",
];
/// Their usernames (the visitor has none).
const NAMES: [&str; 12] = ["", "olly", "mia", "pat", "moss", "omar", "lee", "admin", "bob", "sue", "muriel", "blake"];
/// The three communities, one per visibility: Ava writes in each.
const PLACES: [(&str, &str); 3] = [("public", "open-c"), ("members", "members-c"), ("approval", "approval-c")];
/// A public community moderated by `other_mod` alone: its ids are "from another community".
const ELSEWHERE: &str = "elsewhere";
const HOLD_WORD: &str = "zebra";
/// How far ava's stories in the members-only community travel.
const REACHES: [&str; 3] = ["community", "instance", "public"];

/// What one community holds for the probes.
#[derive(Default, Clone)]
struct Place {
    slug: String,
    thread: i64,
    first: i64,
    reply: i64,
    held_thread: i64,
    hidden: i64,
    deleted: i64,
    room: i64,
    message: i64,
    held_message: i64,
    deleted_message: i64,
    item: i64,
    hide_log: i64,
    warn_log: i64,
    appeal: i64,
    filter: i64,
    /// A consultation the organisation opened, and Ava's answer in it.
    consultation: i64,
    answer: i64,
    /// Directory entries: approved (by the admin), ava's suggestion, and one to remove.
    entry: i64,
    suggestion: i64,
    doomed: i64,
    event: i64,
    cancel_event: i64,
    /// A weekly series of two dates.
    series: i64,
    /// A goal (with ava's entry in it) and one to close.
    goal: i64,
    ava_entry: i64,
    close_goal: i64,
}

struct World {
    app: TestApp,
    /// Each role's session (none for the visitor), and a second one to end.
    sessions: Vec<Option<Account>>,
    spares: Vec<Option<Account>>,
    ava: Account,
    places: Vec<Place>,
    elsewhere: Place,
    ava_session: i64,
    ava_notification: i64,
    /// An urgent item about ava ("I'm worried about this person") and the
    /// support conversation the instance's safeguarding lead opened from it.
    urgent_item: i64,
    support: i64,
    /// Ava's invitation link: (id, code).
    ava_link: (i64, String),
    /// The instance-wide directory's entries, as `Place` holds a community's.
    directory: Place,
    /// Ava's stories in the members-only community, by reach.
    stories: Vec<(&'static str, i64)>,
}

async fn sign_in(app: &TestApp, username: &str) -> Account {
    let reply = app.sign_in(username, PASSWORD).await;
    Account { token: reply.assert_status(200)["token"].as_str().expect("a token").to_owned() }
}

/// Ava's thread, reply, held thread, hidden and deleted replies, chat
/// messages (visible, held, deleted), a reported item and a hide under appeal.
async fn furnish(app: &TestApp, admin: &Account, moss: &Account, ava: &Account, slug: &str) -> Place {
    let (thread, first) = app.thread(ava, slug, &format!("Walking in {slug}"), "Visible words to read").await;
    let reply = app.reply(ava, thread, Some(first), "A visible reply").await;
    let held = app
        .post(
            &format!("/api/v1/communities/{slug}/threads"),
            Some(ava),
            json!({ "title": "Held back", "body": format!("A word the filter holds: {HOLD_WORD}") }),
        )
        .await;
    let held = held.assert_status(201);
    assert_eq!(held["posts"][0]["moderation"]["state"], "held");
    let held_thread = held["thread"]["id"].as_i64().expect("thread id");
    let hidden = app.reply(ava, thread, Some(first), "Hidden by a moderator").await;
    let hide = json!({ "action": "hide", "post_id": hidden, "reason": "Checking it." });
    let hide_log = app.post("/api/v1/moderation/actions", Some(admin), hide).await;
    let hide_log = hide_log.assert_status(201)["id"].as_i64().expect("log id");
    let appeal = json!({ "log_id": hide_log, "body": "Please look at this again." });
    let appeal = app.post("/api/v1/appeals", Some(ava), appeal).await;
    let appeal = appeal.assert_status(201)["id"].as_i64().expect("appeal id");
    let deleted = app.reply(ava, thread, Some(first), "Deleted by its author").await;
    app.delete(&format!("/api/v1/posts/{deleted}"), Some(ava)).await.assert_status(204);

    let room = default_room(app, ava, slug).await;
    let mut live = LiveClient::connect(app, ava).await;
    live.subscribe(room, None).await;
    let mut said = Vec::new();
    for (text, id) in [("Hello room", "m1"), (HOLD_WORD, "m2"), ("Soon gone", "m3")] {
        live.say(room, text, id).await;
        said.push(live.next_of("ack").await["id"].as_i64().expect("message id"));
    }
    live.close().await;
    app.delete(&format!("/api/v1/messages/{}", said[2]), Some(ava)).await.assert_status(204);

    let warn = json!({ "action": "warn", "member": "signer", "community": slug, "reason": "A reminder." });
    let warn_log = app.post("/api/v1/moderation/actions", Some(moss), warn).await;
    let warn_log = warn_log.assert_status(201)["id"].as_i64().expect("log id");
    let report = json!({ "post_id": reply, "reason": "other" });
    let mia = sign_in(app, "mia").await;
    app.post("/api/v1/reports", Some(&mia), report).await.assert_status(201);
    let queue = app.get(&format!("/api/v1/moderation/queue?community={slug}"), Some(admin)).await;
    let items = queue.assert_status(200)["items"].as_array().expect("items").clone();
    let item = items.iter().find(|item| item["subject_id"] == reply).expect("the report's item")["id"].as_i64();
    let filter = json!({ "community": slug, "term": format!("walrus{slug}"), "action": "flag" });
    let filter = app.post("/api/v1/moderation/filters", Some(moss), filter).await;
    let in_a_day = kindred::domain::time::Timestamp::now().plus_seconds(24 * 3600);
    let consultation = json!({
        "question": "What would help?",
        "background": "We are asking.",
        "closes_at": in_a_day.to_rfc3339(),
        "respond_by": in_a_day.plus_seconds(24 * 3600).to_rfc3339(),
    });
    let consultation = app.post(&format!("/api/v1/communities/{slug}/consultations"), Some(admin), consultation).await;
    let consultation = consultation.assert_status(201);
    let (consultation, consultation_thread) =
        (consultation["id"].as_i64().expect("id"), consultation["thread_id"].as_i64().expect("thread id"));
    let answer = app.reply(ava, consultation_thread, None, "Evening classes.").await;
    let (entry, suggestion, doomed) = directory_entries(app, admin, ava, Some(slug)).await;
    let mut events = Vec::new();
    for _ in 0..2 {
        let created = app.post(&format!("/api/v1/communities/{slug}/events"), Some(admin), event_draft()).await;
        events.push(created.assert_status(201)["id"].as_i64().expect("an event id"));
    }
    let mut weekly = event_draft();
    weekly["repeat"] = json!({ "frequency": "weekly", "count": 2 });
    let weekly = app.post(&format!("/api/v1/communities/{slug}/events"), Some(admin), weekly).await;
    let series = weekly.assert_status(201)["series"]["id"].as_i64().expect("a series id");
    let mut goals = Vec::new();
    for _ in 0..2 {
        let created = app.post(&format!("/api/v1/communities/{slug}/goals"), Some(admin), goal_draft()).await;
        goals.push(created.assert_status(201)["id"].as_i64().expect("a goal id"));
    }
    let ava_entry = app.post(&format!("/api/v1/goals/{}/entries", goals[0]), Some(ava), json!({ "amount": 3 })).await;
    let ava_entry = ava_entry.assert_status(201)["entry"]["id"].as_i64().expect("an entry id");
    Place {
        slug: slug.to_owned(),
        thread,
        first,
        reply,
        held_thread,
        hidden,
        deleted,
        room,
        message: said[0],
        held_message: said[1],
        deleted_message: said[2],
        item: item.expect("an item id"),
        hide_log,
        warn_log,
        appeal,
        filter: filter.assert_status(201)["id"].as_i64().expect("filter id"),
        consultation,
        answer,
        entry,
        suggestion,
        doomed,
        event: events[0],
        cancel_event: events[1],
        series,
        goal: goals[0],
        ava_entry,
        close_goal: goals[1],
    }
}

/// An approved entry, ava's suggestion and an entry to remove, in a community's directory or the instance's.
async fn directory_entries(app: &TestApp, admin: &Account, ava: &Account, slug: Option<&str>) -> (i64, i64, i64) {
    let mut ids = Vec::new();
    for (who, name) in [(admin, "A walk"), (ava, "Ava's suggestion"), (admin, "Soon removed")] {
        let body = json!({ "community": slug, "name": name, "online": true });
        ids.push(
            app.post("/api/v1/directory", Some(who), body).await.assert_status(201)["id"].as_i64().expect("an id"),
        );
    }
    (ids[0], ids[1], ids[2])
}

/// An event far enough ahead that it has not begun.
fn event_draft() -> Value {
    json!({
        "title": "A walk",
        "starts": "2030-06-01T10:00",
        "ends": "2030-06-01T12:00",
        "time_zone": "Europe/London",
        "place": { "name": "The park" },
    })
}

/// A goal that ends a year after the test.
fn goal_draft() -> Value {
    let ends_on = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 365)).strftime("%Y-%m-%d");
    json!({ "title": "A hundred walks", "unit": "walks", "target": 100, "ends_on": ends_on.to_string() })
}

async fn build() -> World {
    let app = spawn_app_with(|settings| {
        settings.posts_per_hour = 10_000;
        settings.new_member_posts_per_hour = 10_000;
        settings.reports_per_day = 10_000;
        settings.registrations_per_hour = 10_000;
        settings.sign_ins_per_quarter_hour = 10_000;
        settings.password_resets_per_hour = 10_000;
        settings.live_messages_per_second = 1000;
        // The probes report the same posts from many roles: the safety net
        // (tested in safety_net.rs) would hide them after the third.
        settings.auto_hide_reports = 0;
        // Pages kept until a write makes them stale, so a role reads the
        // page members share when another role loaded it first.
        settings.page_cache_seconds = 3600;
        // Sessions trusted from memory for as long: a role's standing
        // (banned, suspended, a moderator) must still count on every request.
        settings.session_cache_seconds = 3600;
    })
    .await;
    let admin = app.admin("admin").await;
    let version = app.guidelines_version().await;
    for kind in ["guidelines", "health_data"] {
        let consent = json!({ "kind": kind, "version": version });
        app.post("/api/v1/me/consents", Some(&admin), consent).await;
    }
    let mut accounts: HashMap<&str, Account> = HashMap::from([("admin", admin.clone())]);
    for name in NAMES.iter().chain(&["ava", "signer", "eraseme", "target"]).filter(|name| !["", "admin"].contains(name))
    {
        accounts.insert(name, app.register(name).await);
    }
    let account = |name: &str| accounts[name].clone();
    for (visibility, slug) in PLACES {
        app.community(&admin, slug, visibility).await;
    }
    app.community(&admin, ELSEWHERE, "public").await;
    // Everyone with a place in the three communities joins them (approval: accepted by the admin).
    for name in ["mia", "moss", "bob", "sue", "muriel", "blake", "ava", "signer"] {
        for (visibility, slug) in PLACES {
            let joined = app.join(&account(name), slug).await;
            if visibility == "approval" {
                joined.assert_status(202);
                let decide = format!("/api/v1/communities/{slug}/membership-requests/{name}");
                app.post(&decide, Some(&admin), json!({ "decision": "accept" })).await.assert_status(204);
            } else {
                joined.assert_status(200);
            }
        }
    }
    app.join(&account("pat"), "approval-c").await.assert_status(202);
    for (_, slug) in PLACES {
        app.put(&format!("/api/v1/communities/{slug}/moderators/moss"), Some(&admin)).await.assert_status(204);
    }
    app.join(&account("omar"), ELSEWHERE).await.assert_status(200);
    app.put(&format!("/api/v1/communities/{ELSEWHERE}/moderators/omar"), Some(&admin)).await.assert_status(204);
    app.put("/api/v1/admin/safeguarding-leads/lee", Some(&admin)).await.assert_status(204);
    let hold = json!({ "term": HOLD_WORD, "action": "hold" });
    app.post("/api/v1/moderation/filters", Some(&admin), hold).await.assert_status(201);
    app.put("/api/v1/blocks/blake", Some(&account("ava"))).await.assert_status(204);

    let mut places = Vec::new();
    for (_, slug) in PLACES {
        places.push(furnish(&app, &admin, &account("moss"), &account("ava"), slug).await);
    }
    let omar = account("omar");
    let (thread, first) = app.thread(&omar, ELSEWHERE, "Over there", "Words from elsewhere").await;
    let elsewhere = Place {
        slug: ELSEWHERE.into(),
        thread,
        first,
        room: default_room(&app, &omar, ELSEWHERE).await,
        ..Place::default()
    };

    // The sanctioned: banned from the three, suspended everywhere, muted in the three.
    for (_, slug) in PLACES {
        let ban = json!({ "action": "ban", "member": "bob", "community": slug, "reason": "Repeated abuse." });
        app.post("/api/v1/moderation/actions", Some(&admin), ban).await.assert_status(201);
        let mute =
            json!({ "action": "mute", "member": "muriel", "community": slug, "minutes": 600, "reason": "Cool off." });
        app.post("/api/v1/moderation/actions", Some(&admin), mute).await.assert_status(201);
    }
    let suspend = json!({ "action": "suspend", "member": "sue", "minutes": 600, "reason": "Cool off." });
    app.post("/api/v1/moderation/actions", Some(&admin), suspend).await.assert_status(201);

    let worried = json!({ "post_id": places[0].first, "reason": "worried_about_person", "details": "Not like her." });
    app.post("/api/v1/reports", Some(&account("signer")), worried).await.assert_status(201);
    let queue = app.get("/api/v1/moderation/queue", Some(&account("lee"))).await;
    let urgent_item = queue.assert_status(200)["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["urgent"] == true))
        .and_then(|item| item["id"].as_i64())
        .expect("an urgent item");
    let opened =
        app.post("/api/v1/support-conversations", Some(&account("lee")), json!({ "item_id": urgent_item })).await;
    let support = opened.assert_status(201)["id"].as_i64().expect("a conversation id");

    let ava = account("ava");
    let sessions = app.get("/api/v1/me/sessions", Some(&ava)).await;
    let ava_session = sessions.assert_status(200)[0]["id"].as_i64().expect("a session id");
    let inbox = app.get("/api/v1/notifications", Some(&ava)).await;
    let ava_notification = inbox.assert_status(200)["notifications"][0]["id"].as_i64().expect("a notification");
    let link = app.post("/api/v1/me/invitations", Some(&ava), json!({})).await;
    let link = link.assert_status(201);
    let ava_link = (link["id"].as_i64().expect("an id"), link["code"].as_str().expect("a code").to_owned());
    let mut spares = Vec::new();
    for name in NAMES {
        spares.push(if name.is_empty() { None } else { Some(sign_in(&app, name).await) });
    }
    let sessions = NAMES.iter().map(|name| (!name.is_empty()).then(|| account(name))).collect();
    let (entry, suggestion, doomed) = directory_entries(&app, &admin, &ava, None).await;
    let directory = Place { entry, suggestion, doomed, ..Place::default() };
    let mut stories = Vec::new();
    for reach in REACHES {
        let draft = json!({ "title": format!("A story for {reach}"), "body": "What happened to me.", "story": reach });
        let told = app.post("/api/v1/communities/members-c/threads", Some(&ava), draft).await;
        stories.push((reach, told.assert_status(201)["thread"]["id"].as_i64().expect("a thread id")));
    }
    World {
        app,
        sessions,
        spares,
        ava,
        places,
        elsewhere,
        ava_session,
        ava_notification,
        urgent_item,
        support,
        ava_link,
        directory,
        stories,
    }
}

/// One request each role makes.
struct Probe {
    /// The operation as the OpenAPI document names it: `GET /api/v1/threads/{id}`.
    op: &'static str,
    /// Its row in the table.
    label: String,
    method: Method,
    path: String,
    body: Option<Value>,
    /// Made with each role's second session (ending sessions).
    spare: bool,
}

fn probe(op: &'static str, what: &str, path: String, body: Option<Value>) -> Probe {
    let method = Method::from_bytes(op.split(' ').next().expect("a method").as_bytes()).expect("a method");
    Probe { op, label: format!("{op} | {what}"), method, path, body, spare: false }
}

/// Every probe, in the order they run: reads, then writes that leave the
/// world as it was (or change only what later rows do not look at), then
/// membership changes and ended sessions last.
fn probes(world: &World) -> Vec<Probe> {
    let mut list = vec![
        probe("GET /api/v1/instance", "instance", "/api/v1/instance".into(), None),
        probe("GET /api/v1/communities", "all", "/api/v1/communities".into(), None),
        probe("GET /api/v1/me", "me", "/api/v1/me".into(), None),
        probe("GET /api/v1/me/moderation", "mine", "/api/v1/me/moderation".into(), None),
        probe("GET /api/v1/me/reports", "mine", "/api/v1/me/reports".into(), None),
        probe("GET /api/v1/me/sessions", "mine", "/api/v1/me/sessions".into(), None),
        probe("GET /api/v1/me/export", "none started", "/api/v1/me/export".into(), None),
        probe("GET /api/v1/blocks", "mine", "/api/v1/blocks".into(), None),
        probe("GET /api/v1/notifications", "mine", "/api/v1/notifications".into(), None),
        probe("GET /api/v1/members/{username}", "ava", "/api/v1/members/ava".into(), None),
        probe("GET /api/v1/search", "words", "/api/v1/search?q=words".into(), None),
        probe("GET /api/v1/moderation/queue", "all", "/api/v1/moderation/queue".into(), None),
        probe("GET /api/v1/moderation/log", "all", "/api/v1/moderation/log".into(), None),
        probe("GET /api/v1/moderation/log/export", "all", "/api/v1/moderation/log/export".into(), None),
        probe("GET /api/v1/moderation/appeals", "open", "/api/v1/moderation/appeals".into(), None),
        probe("GET /api/v1/moderation/filters", "instance", "/api/v1/moderation/filters".into(), None),
        probe("GET /api/v1/admin/settings", "instance", "/api/v1/admin/settings".into(), None),
        probe(
            "PATCH /api/v1/admin/settings",
            "unchanged",
            "/api/v1/admin/settings".into(),
            Some(json!({ "hold_first_posts": 0 })),
        ),
        probe("GET /api/v1/admin/log", "all", "/api/v1/admin/log".into(), None),
        probe("GET /api/v1/admin/members", "by name", "/api/v1/admin/members?q=av".into(), None),
        probe(
            "POST /api/v1/admin/members/{username}/password-reset",
            "no email | ava",
            "/api/v1/admin/members/ava/password-reset".into(),
            Some(json!({})),
        ),
        probe(
            "PATCH /api/v1/admin/communities/{slug}",
            "unchanged | elsewhere",
            "/api/v1/admin/communities/elsewhere".into(),
            Some(json!({})),
        ),
        probe(
            "PUT /api/v1/admin/communities/{slug}/archive",
            "elsewhere",
            "/api/v1/admin/communities/elsewhere/archive".into(),
            None,
        ),
        probe(
            "DELETE /api/v1/admin/communities/{slug}/archive",
            "elsewhere",
            "/api/v1/admin/communities/elsewhere/archive".into(),
            None,
        ),
        probe(
            "DELETE /api/v1/admin/communities/{slug}",
            "not confirmed | elsewhere",
            "/api/v1/admin/communities/elsewhere".into(),
            Some(json!({ "confirm": "somewhere" })),
        ),
        probe("GET /api/v1/setup/{token}", "made up", "/api/v1/setup/made-up".into(), None),
        probe(
            "POST /api/v1/setup/{token}",
            "made up",
            "/api/v1/setup/made-up".into(),
            Some(json!({ "username": "second-admin", "password": PASSWORD })),
        ),
        probe("GET /api/v1/support-conversations", "mine", "/api/v1/support-conversations".into(), None),
        probe(
            "GET /api/v1/support-conversations/{id}",
            "ava's",
            format!("/api/v1/support-conversations/{}", world.support),
            None,
        ),
        probe(
            "GET /api/v1/admin/communities/{slug}/safeguarding-leads",
            "open-c",
            "/api/v1/admin/communities/open-c/safeguarding-leads".into(),
            None,
        ),
        probe("GET /api/v1/me/invitations", "mine", "/api/v1/me/invitations".into(), None),
        probe(
            "POST /api/v1/me/invitations",
            "a week",
            "/api/v1/me/invitations".into(),
            Some(json!({ "expires_in_days": 7 })),
        ),
        probe(
            "DELETE /api/v1/me/invitations/{id}",
            "ava's link",
            format!("/api/v1/me/invitations/{}", world.ava_link.0),
            None,
        ),
        probe(
            "GET /api/v1/invitations/{code}",
            "ava's link",
            format!("/api/v1/invitations/{}", world.ava_link.1),
            None,
        ),
        probe("GET /api/v1/recruiting", "totals", "/api/v1/recruiting".into(), None),
        probe("GET /api/v1/admin/applications", "pending", "/api/v1/admin/applications".into(), None),
        probe(
            "POST /api/v1/admin/applications/{username}",
            "none | target",
            "/api/v1/admin/applications/target".into(),
            Some(json!({ "decision": "accept" })),
        ),
        probe(
            "PUT /api/v1/admin/members/{username}/badges/{kind}",
            "peer supporter | target",
            "/api/v1/admin/members/target/badges/peer_supporter".into(),
            Some(json!({})),
        ),
        probe(
            "DELETE /api/v1/admin/members/{username}/badges/{kind}",
            "peer supporter | target",
            "/api/v1/admin/members/target/badges/peer_supporter".into(),
            None,
        ),
        probe("GET /api/v1/communities/{slug}", "elsewhere", format!("/api/v1/communities/{ELSEWHERE}"), None),
        probe("GET /api/v1/directory", "everything readable", "/api/v1/directory".into(), None),
        probe("GET /api/v1/directory/suggestions", "to review", "/api/v1/directory/suggestions".into(), None),
        probe("GET /api/v1/me/directory", "saved", "/api/v1/me/directory".into(), None),
        probe("GET /api/v1/directory/hsds", "public entries", "/api/v1/directory/hsds".into(), None),
        probe(
            "POST /api/v1/directory/hsds",
            "no services",
            "/api/v1/directory/hsds".into(),
            Some(json!({ "contents": [] })),
        ),
        probe("GET /api/v1/threads/{id}", "elsewhere", format!("/api/v1/threads/{}", world.elsewhere.thread), None),
        probe("GET /api/v1/stories", "all", "/api/v1/stories".into(), None),
        probe(
            "GET /api/v1/rooms/{id}/messages",
            "elsewhere",
            format!("/api/v1/rooms/{}/messages", world.elsewhere.room),
            None,
        ),
        probe(
            "DELETE /api/v1/goals/{id}/entries/{entry}",
            "ava's entry in another goal",
            format!("/api/v1/goals/{}/entries/{}", world.places[0].goal, world.places[1].ava_entry),
            None,
        ),
        probe(
            "PUT /api/v1/consultations/{id}/answers/{post_id}/support",
            "an answer in another consultation",
            format!(
                "/api/v1/consultations/{}/answers/{}/support",
                world.places[0].consultation, world.places[1].answer
            ),
            None,
        ),
        probe(
            "DELETE /api/v1/consultations/{id}/answers/{post_id}/support",
            "an answer in another consultation",
            format!(
                "/api/v1/consultations/{}/answers/{}/support",
                world.places[0].consultation, world.places[1].answer
            ),
            None,
        ),
        probe(
            "POST /api/v1/consultations/{id}/answers/{post_id}/responses",
            "an answer in another consultation",
            format!(
                "/api/v1/consultations/{}/answers/{}/responses",
                world.places[0].consultation, world.places[1].answer
            ),
            Some(json!({ "status": "adopted", "body": "We will." })),
        ),
    ];
    list.extend(directory_probes(&world.directory, None, "instance"));
    for (reach, thread) in &world.stories {
        let what = format!("story | {reach} | members");
        list.push(probe("GET /api/v1/threads/{id}", &what, format!("/api/v1/threads/{thread}"), None));
    }
    let (_, public_story) = world.stories[2];
    list.push(probe(
        "PUT /api/v1/threads/{id}/story",
        "narrow | story | public | members",
        format!("/api/v1/threads/{public_story}/story"),
        Some(json!({ "reach": "instance" })),
    ));
    for (place, (visibility, _)) in world.places.iter().zip(PLACES) {
        list.extend(directory_probes(place, Some(&place.slug), visibility));
        let Place { slug, thread, first, reply, held_thread, hidden, deleted, room, .. } = place.clone();
        let at = |what: &str| format!("{what} | {visibility}");
        list.extend([
            probe("GET /api/v1/communities/{slug}", &at("community"), format!("/api/v1/communities/{slug}"), None),
            probe(
                "GET /api/v1/communities/{slug}/stories",
                &at("stories"),
                format!("/api/v1/communities/{slug}/stories"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/threads",
                &at("threads"),
                format!("/api/v1/communities/{slug}/threads"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/rooms",
                &at("rooms"),
                format!("/api/v1/communities/{slug}/rooms"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/follow",
                &at("community"),
                format!("/api/v1/communities/{slug}/follow"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/organisers",
                &at("organisers"),
                format!("/api/v1/communities/{slug}/organisers"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/moderators",
                &at("moderators"),
                format!("/api/v1/communities/{slug}/moderators"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/membership-requests",
                &at("requests"),
                format!("/api/v1/communities/{slug}/membership-requests"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/consultations",
                &at("consultations"),
                format!("/api/v1/communities/{slug}/consultations"),
                None,
            ),
            probe(
                "GET /api/v1/consultations/{id}",
                &at("consultation"),
                format!("/api/v1/consultations/{}", place.consultation),
                None,
            ),
            probe(
                "GET /api/v1/consultations/{id}/export",
                &at("consultation"),
                format!("/api/v1/consultations/{}/export", place.consultation),
                None,
            ),
            probe("GET /api/v1/threads/{id}", &at("thread"), format!("/api/v1/threads/{thread}"), None),
            probe("GET /api/v1/threads/{id}", &at("held thread"), format!("/api/v1/threads/{held_thread}"), None),
            probe("GET /api/v1/threads/{id}/follow", &at("thread"), format!("/api/v1/threads/{thread}/follow"), None),
            probe("GET /api/v1/threads/{id}/reading", &at("thread"), format!("/api/v1/threads/{thread}/reading"), None),
            probe(
                "GET /api/v1/threads/{id}/reading",
                &at("held thread"),
                format!("/api/v1/threads/{held_thread}/reading"),
                None,
            ),
            probe(
                "GET /api/v1/threads/{id}/follow",
                &at("held thread"),
                format!("/api/v1/threads/{held_thread}/follow"),
                None,
            ),
            probe("GET /api/v1/posts/{id}/revisions", &at("reply"), format!("/api/v1/posts/{reply}/revisions"), None),
            probe(
                "GET /api/v1/posts/{id}/revisions",
                &at("hidden reply"),
                format!("/api/v1/posts/{hidden}/revisions"),
                None,
            ),
            probe("GET /api/v1/rooms/{id}/messages", &at("room"), format!("/api/v1/rooms/{room}/messages"), None),
            probe(
                "GET /api/v1/moderation/queue",
                &at("community"),
                format!("/api/v1/moderation/queue?community={slug}"),
                None,
            ),
            probe(
                "GET /api/v1/moderation/items/{id}",
                &at("reported reply"),
                format!("/api/v1/moderation/items/{}", place.item),
                None,
            ),
            probe(
                "GET /api/v1/moderation/log",
                &at("community"),
                format!("/api/v1/moderation/log?community={slug}"),
                None,
            ),
            probe(
                "GET /api/v1/moderation/log/export",
                &at("community"),
                format!("/api/v1/moderation/log/export?community={slug}"),
                None,
            ),
            probe(
                "GET /api/v1/moderation/filters",
                &at("community"),
                format!("/api/v1/moderation/filters?community={slug}"),
                None,
            ),
            probe(
                "GET /api/v1/moderation/members/{username}/notes",
                &at("ava"),
                format!("/api/v1/moderation/members/ava/notes?community={slug}"),
                None,
            ),
            // Writes that change nothing later rows read, or nothing at all.
            probe(
                "PUT /api/v1/communities/{slug}/follow",
                &at("watch"),
                format!("/api/v1/communities/{slug}/follow"),
                Some(json!({ "level": "normal" })),
            ),
            probe(
                "DELETE /api/v1/communities/{slug}/follow",
                &at("stop"),
                format!("/api/v1/communities/{slug}/follow"),
                None,
            ),
            probe(
                "PUT /api/v1/threads/{id}/follow",
                &at("thread"),
                format!("/api/v1/threads/{thread}/follow"),
                Some(json!({ "level": "watching" })),
            ),
            probe(
                "PUT /api/v1/threads/{id}/reading",
                &at("thread"),
                format!("/api/v1/threads/{thread}/reading"),
                Some(json!({ "post_id": first })),
            ),
            probe(
                "PUT /api/v1/threads/{id}/follow",
                &at("held thread"),
                format!("/api/v1/threads/{held_thread}/follow"),
                Some(json!({ "level": "watching" })),
            ),
            probe(
                "DELETE /api/v1/threads/{id}/follow",
                &at("thread"),
                format!("/api/v1/threads/{thread}/follow"),
                None,
            ),
            probe(
                "POST /api/v1/communities/{slug}/threads",
                &at("new thread"),
                format!("/api/v1/communities/{slug}/threads"),
                Some(json!({ "title": "A new thread", "body": "Some new words" })),
            ),
            probe(
                "POST /api/v1/threads/{id}/posts",
                &at("reply to ava"),
                format!("/api/v1/threads/{thread}/posts"),
                Some(json!({ "parent_id": reply, "body": "A reply to Ava" })),
            ),
            probe(
                "POST /api/v1/threads/{id}/posts",
                &at("held thread"),
                format!("/api/v1/threads/{held_thread}/posts"),
                Some(json!({ "body": "Into the held thread" })),
            ),
            probe(
                "POST /api/v1/threads/{id}/posts",
                &at("parent from elsewhere"),
                format!("/api/v1/threads/{thread}/posts"),
                Some(json!({ "parent_id": world.elsewhere.first, "body": "Crossing over" })),
            ),
            probe(
                "PATCH /api/v1/posts/{id}",
                &at("ava's reply"),
                format!("/api/v1/posts/{reply}"),
                Some(json!({ "body": "Rewritten by someone else" })),
            ),
            probe("DELETE /api/v1/posts/{id}", &at("ava's reply"), format!("/api/v1/posts/{reply}"), None),
            probe("DELETE /api/v1/posts/{id}", &at("deleted reply"), format!("/api/v1/posts/{deleted}"), None),
            probe(
                "PUT /api/v1/posts/{id}/reactions/{kind}",
                &at("ava's reply"),
                format!("/api/v1/posts/{reply}/reactions/hug"),
                None,
            ),
            probe(
                "PUT /api/v1/posts/{id}/reactions/{kind}",
                &at("hidden reply"),
                format!("/api/v1/posts/{hidden}/reactions/hug"),
                None,
            ),
            probe(
                "DELETE /api/v1/posts/{id}/reactions/{kind}",
                &at("ava's reply"),
                format!("/api/v1/posts/{reply}/reactions/hug"),
                None,
            ),
            probe(
                "PUT /api/v1/consultations/{id}/answers/{post_id}/support",
                &at("ava's answer"),
                format!("/api/v1/consultations/{}/answers/{}/support", place.consultation, place.answer),
                None,
            ),
            probe(
                "DELETE /api/v1/consultations/{id}/answers/{post_id}/support",
                &at("ava's answer"),
                format!("/api/v1/consultations/{}/answers/{}/support", place.consultation, place.answer),
                None,
            ),
            probe(
                "POST /api/v1/consultations/{id}/answers/{post_id}/responses",
                &at("still open"),
                format!("/api/v1/consultations/{}/answers/{}/responses", place.consultation, place.answer),
                Some(json!({ "status": "adopted", "body": "We will." })),
            ),
            probe(
                "POST /api/v1/communities/{slug}/consultations",
                &at("new"),
                format!("/api/v1/communities/{slug}/consultations"),
                Some(json!({
                    "question": "Another question?",
                    "background": "Why we ask.",
                    "closes_at": kindred::domain::time::Timestamp::now().plus_seconds(3600).to_rfc3339(),
                    "respond_by": kindred::domain::time::Timestamp::now().plus_seconds(7200).to_rfc3339(),
                })),
            ),
            probe(
                "POST /api/v1/reports",
                &at("ava's first post"),
                "/api/v1/reports".into(),
                Some(json!({ "post_id": first, "reason": "spam" })),
            ),
            probe(
                "POST /api/v1/reports",
                &at("held message"),
                "/api/v1/reports".into(),
                Some(json!({ "message_id": place.held_message, "reason": "spam" })),
            ),
            probe(
                "POST /api/v1/reports",
                &at("message"),
                "/api/v1/reports".into(),
                Some(json!({ "message_id": place.message, "reason": "spam" })),
            ),
            probe(
                "DELETE /api/v1/messages/{id}",
                &at("held message"),
                format!("/api/v1/messages/{}", place.held_message),
                None,
            ),
            probe(
                "DELETE /api/v1/messages/{id}",
                &at("deleted message"),
                format!("/api/v1/messages/{}", place.deleted_message),
                None,
            ),
            probe(
                "POST /api/v1/communities/{slug}/rooms",
                &at("new room"),
                format!("/api/v1/communities/{slug}/rooms"),
                Some(json!({ "name": "Side room" })),
            ),
            probe("DELETE /api/v1/rooms/{id}", &at("default room"), format!("/api/v1/rooms/{room}"), None),
            probe(
                "PUT /api/v1/rooms/{id}/mutes/{username}",
                &at("signer"),
                format!("/api/v1/rooms/{room}/mutes/signer"),
                Some(json!({ "minutes": 5 })),
            ),
            probe(
                "DELETE /api/v1/rooms/{id}/mutes/{username}",
                &at("signer"),
                format!("/api/v1/rooms/{room}/mutes/signer"),
                None,
            ),
            probe(
                "PUT /api/v1/communities/{slug}/safety",
                &at("no holds"),
                format!("/api/v1/communities/{slug}/safety"),
                Some(json!({ "hold_first_posts": 0 })),
            ),
            probe(
                "POST /api/v1/communities/{slug}/membership-requests/{username}",
                &at("nobody asked"),
                format!("/api/v1/communities/{slug}/membership-requests/signer"),
                Some(json!({ "decision": "refuse" })),
            ),
            probe(
                "PUT /api/v1/communities/{slug}/moderators/{username}",
                &at("signer"),
                format!("/api/v1/communities/{slug}/moderators/signer"),
                None,
            ),
            probe(
                "DELETE /api/v1/communities/{slug}/moderators/{username}",
                &at("signer"),
                format!("/api/v1/communities/{slug}/moderators/signer"),
                None,
            ),
            probe(
                "PUT /api/v1/communities/{slug}/organisers/{username}",
                &at("signer"),
                format!("/api/v1/communities/{slug}/organisers/signer"),
                None,
            ),
            probe(
                "DELETE /api/v1/communities/{slug}/organisers/{username}",
                &at("signer"),
                format!("/api/v1/communities/{slug}/organisers/signer"),
                None,
            ),
            probe(
                "PUT /api/v1/moderation/items/{id}/claim",
                &at("reported reply"),
                format!("/api/v1/moderation/items/{}/claim", place.item),
                None,
            ),
            probe(
                "DELETE /api/v1/moderation/items/{id}/claim",
                &at("reported reply"),
                format!("/api/v1/moderation/items/{}/claim", place.item),
                None,
            ),
            probe(
                "POST /api/v1/moderation/actions",
                &at("hide the hidden"),
                "/api/v1/moderation/actions".into(),
                Some(json!({ "action": "hide", "post_id": hidden, "reason": "Again." })),
            ),
            probe(
                "POST /api/v1/moderation/actions",
                &at("restore the visible"),
                "/api/v1/moderation/actions".into(),
                Some(json!({ "action": "restore", "post_id": reply, "reason": "Again." })),
            ),
            probe(
                "POST /api/v1/moderation/actions",
                &at("warn signer"),
                "/api/v1/moderation/actions".into(),
                Some(json!({ "action": "warn", "member": "signer", "community": slug, "reason": "Noted." })),
            ),
            probe(
                "POST /api/v1/moderation/actions",
                &at("warn the moderator"),
                "/api/v1/moderation/actions".into(),
                Some(json!({ "action": "warn", "member": "moss", "community": slug, "reason": "Noted." })),
            ),
            probe(
                "POST /api/v1/moderation/actions",
                &at("lock from elsewhere"),
                "/api/v1/moderation/actions".into(),
                Some(json!({ "action": "unlock", "thread_id": world.elsewhere.thread, "reason": "Checking." })),
            ),
            probe(
                "POST /api/v1/moderation/members/{username}/notes",
                &at("ava"),
                "/api/v1/moderation/members/ava/notes".into(),
                Some(json!({ "body": "Seems fine.", "community": slug })),
            ),
            probe(
                "POST /api/v1/moderation/filters",
                &at("community filter"),
                "/api/v1/moderation/filters".into(),
                Some(json!({ "community": slug, "term": "otter", "action": "flag" })),
            ),
            probe(
                "DELETE /api/v1/moderation/filters/{id}",
                &at("community filter"),
                format!("/api/v1/moderation/filters/{}", place.filter),
                None,
            ),
            probe(
                "POST /api/v1/moderation/log/{id}/reversal",
                &at("warning"),
                format!("/api/v1/moderation/log/{}/reversal", place.warn_log),
                Some(json!({ "reason": "Lifted." })),
            ),
            probe(
                "POST /api/v1/appeals",
                &at("ava's hide"),
                "/api/v1/appeals".into(),
                Some(json!({ "log_id": place.hide_log, "body": "Not mine but please look." })),
            ),
            probe(
                "POST /api/v1/appeals/{id}/decision",
                &at("ava's appeal"),
                format!("/api/v1/appeals/{}/decision", place.appeal),
                Some(json!({ "outcome": "uphold", "reason": "It stands." })),
            ),
        ]);
    }
    for (place, (visibility, _)) in world.places.iter().zip(PLACES) {
        let Place { slug, event, cancel_event, series, .. } = place.clone();
        let at = |what: &str| format!("{what} | {visibility}");
        list.extend([
            probe(
                "GET /api/v1/communities/{slug}/events",
                &at("upcoming"),
                format!("/api/v1/communities/{slug}/events"),
                None,
            ),
            probe(
                "POST /api/v1/communities/{slug}/events",
                &at("new event"),
                format!("/api/v1/communities/{slug}/events"),
                Some(event_draft()),
            ),
            probe("GET /api/v1/events/{id}", &at("event"), format!("/api/v1/events/{event}"), None),
            probe("GET /api/v1/event-series/{id}", &at("weekly"), format!("/api/v1/event-series/{series}"), None),
            probe("PUT /api/v1/events/{id}", &at("unchanged"), format!("/api/v1/events/{event}"), Some(event_draft())),
            probe(
                "PUT /api/v1/events/{id}/rsvp",
                &at("going"),
                format!("/api/v1/events/{event}/rsvp"),
                Some(json!({ "answer": "going" })),
            ),
            probe("GET /api/v1/events/{id}/rsvps", &at("answers"), format!("/api/v1/events/{event}/rsvps"), None),
            probe(
                "PUT /api/v1/events/{id}/attendance",
                &at("not begun"),
                format!("/api/v1/events/{event}/attendance"),
                Some(json!({ "came": [] })),
            ),
            probe(
                "GET /api/v1/communities/{slug}/attendance",
                &at("counts"),
                format!("/api/v1/communities/{slug}/attendance"),
                None,
            ),
            probe(
                "GET /api/v1/communities/{slug}/calendar.ics",
                &at("feed"),
                format!("/api/v1/communities/{slug}/calendar.ics"),
                None,
            ),
            probe(
                "GET /api/v1/events/{id}/calendar.ics",
                &at("event"),
                format!("/api/v1/events/{event}/calendar.ics"),
                None,
            ),
            probe(
                "POST /api/v1/me/calendar-links",
                &at("community link"),
                "/api/v1/me/calendar-links".into(),
                Some(json!({ "community": slug })),
            ),
            probe(
                "POST /api/v1/events/{id}/cancellation",
                &at("cancel"),
                format!("/api/v1/events/{cancel_event}/cancellation"),
                Some(json!({})),
            ),
        ]);
    }
    for (place, (visibility, _)) in world.places.iter().zip(PLACES) {
        let Place { slug, goal, ava_entry, close_goal, .. } = place.clone();
        let at = |what: &str| format!("{what} | {visibility}");
        list.extend([
            probe(
                "GET /api/v1/communities/{slug}/goals",
                &at("goals"),
                format!("/api/v1/communities/{slug}/goals"),
                None,
            ),
            probe(
                "POST /api/v1/communities/{slug}/goals",
                &at("new goal"),
                format!("/api/v1/communities/{slug}/goals"),
                Some(goal_draft()),
            ),
            probe("GET /api/v1/goals/{id}", &at("goal"), format!("/api/v1/goals/{goal}"), None),
            probe("PUT /api/v1/goals/{id}", &at("unchanged"), format!("/api/v1/goals/{goal}"), Some(goal_draft())),
            probe("PUT /api/v1/goals/{id}/pledge", &at("pledge"), format!("/api/v1/goals/{goal}/pledge"), None),
            probe("GET /api/v1/goals/{id}/progress", &at("chart"), format!("/api/v1/goals/{goal}/progress"), None),
            probe("GET /api/v1/goals/{id}/entries", &at("own entries"), format!("/api/v1/goals/{goal}/entries"), None),
            probe(
                "POST /api/v1/goals/{id}/entries",
                &at("log one"),
                format!("/api/v1/goals/{goal}/entries"),
                Some(json!({ "amount": 1 })),
            ),
            probe(
                "DELETE /api/v1/goals/{id}/entries/{entry}",
                &at("ava's entry"),
                format!("/api/v1/goals/{goal}/entries/{ava_entry}"),
                None,
            ),
            probe(
                "POST /api/v1/goals/{id}/closure",
                &at("close"),
                format!("/api/v1/goals/{close_goal}/closure"),
                Some(json!({})),
            ),
        ]);
    }
    list.extend([
        probe("GET /api/v1/me/calendar-links", "mine", "/api/v1/me/calendar-links".into(), None),
        probe("POST /api/v1/me/calendar-links", "my answers", "/api/v1/me/calendar-links".into(), Some(json!({}))),
        probe("DELETE /api/v1/me/calendar-links/{id}", "made up", "/api/v1/me/calendar-links/999999".into(), None),
        probe("GET /api/v1/calendars/{token}.ics", "made up", "/api/v1/calendars/made-up.ics".into(), None),
    ]);
    list.extend([
        probe("POST /api/v1/accounts", "a new account", "/api/v1/accounts".into(), None),
        probe(
            "POST /api/v1/sessions",
            "signer",
            "/api/v1/sessions".into(),
            Some(json!({ "username": "signer", "password": PASSWORD })),
        ),
        probe("POST /api/v1/me/consents", "guidelines", "/api/v1/me/consents".into(), None),
        probe("PUT /api/v1/me/display-name", "a name of their own", "/api/v1/me/display-name".into(), None),
        probe("DELETE /api/v1/me/welcome", "mine", "/api/v1/me/welcome".into(), None),
        probe("GET /api/v1/members/{username}/names", "ava", "/api/v1/members/ava/names".into(), None),
        probe(
            "PUT /api/v1/me/password",
            "wrong current",
            "/api/v1/me/password".into(),
            Some(json!({ "current_password": "not the password", "new_password": "another long password" })),
        ),
        probe(
            "PUT /api/v1/me/email",
            "an address",
            "/api/v1/me/email".into(),
            Some(json!({ "email": "someone@example.org" })),
        ),
        probe("DELETE /api/v1/me/email", "the address", "/api/v1/me/email".into(), None),
        probe("GET /api/v1/me/mail-preferences", "mine", "/api/v1/me/mail-preferences".into(), None),
        probe(
            "PATCH /api/v1/me/mail-preferences",
            "daily replies",
            "/api/v1/me/mail-preferences".into(),
            Some(json!({ "kinds": { "replies": "daily" } })),
        ),
        probe(
            "POST /api/v1/mail-unsubscribe/{token}",
            "forged",
            "/api/v1/mail-unsubscribe/1.replies.bm90IGEgc2lnbmF0dXJl".into(),
            None,
        ),
        probe(
            "POST /api/v1/email-verifications/{token}",
            "made up",
            "/api/v1/email-verifications/made-up-token".into(),
            None,
        ),
        probe(
            "POST /api/v1/password-resets",
            "an address",
            "/api/v1/password-resets".into(),
            Some(json!({ "email": "nobody@example.org" })),
        ),
        probe(
            "POST /api/v1/password-resets/{token}",
            "made up",
            "/api/v1/password-resets/made-up-token".into(),
            Some(json!({ "password": "another long password" })),
        ),
        probe("POST /api/v1/me/export", "start", "/api/v1/me/export".into(), None),
        probe("PUT /api/v1/blocks/{username}", "target", "/api/v1/blocks/target".into(), None),
        probe("DELETE /api/v1/blocks/{username}", "target", "/api/v1/blocks/target".into(), None),
        probe(
            "POST /api/v1/notifications/{id}/read",
            "ava's",
            format!("/api/v1/notifications/{}/read", world.ava_notification),
            None,
        ),
        probe("POST /api/v1/notifications/read-all", "mine", "/api/v1/notifications/read-all".into(), None),
        probe(
            "POST /api/v1/communities",
            "new",
            "/api/v1/communities".into(),
            Some(json!({ "slug": "made-here", "name": "Made here", "kind": "condition", "visibility": "public" })),
        ),
        probe(
            "POST /api/v1/support-conversations/{id}/messages",
            "ava's",
            format!("/api/v1/support-conversations/{}/messages", world.support),
            Some(json!({ "body": "Thank you for checking in." })),
        ),
        probe(
            "POST /api/v1/support-conversations/{id}/close",
            "ava's",
            format!("/api/v1/support-conversations/{}/close", world.support),
            None,
        ),
        probe(
            "POST /api/v1/support-conversations",
            "about ava's urgent item",
            "/api/v1/support-conversations".into(),
            Some(json!({ "item_id": world.urgent_item })),
        ),
        probe(
            "PUT /api/v1/admin/communities/{slug}/safeguarding-leads/{username}",
            "target | open-c",
            "/api/v1/admin/communities/open-c/safeguarding-leads/target".into(),
            None,
        ),
        probe(
            "DELETE /api/v1/admin/communities/{slug}/safeguarding-leads/{username}",
            "target | open-c",
            "/api/v1/admin/communities/open-c/safeguarding-leads/target".into(),
            None,
        ),
        probe(
            "PUT /api/v1/admin/safeguarding-leads/{username}",
            "target",
            "/api/v1/admin/safeguarding-leads/target".into(),
            None,
        ),
        probe(
            "DELETE /api/v1/admin/safeguarding-leads/{username}",
            "target",
            "/api/v1/admin/safeguarding-leads/target".into(),
            None,
        ),
        probe(
            "POST /api/v1/moderation/actions",
            "suspend target",
            "/api/v1/moderation/actions".into(),
            Some(json!({ "action": "suspend", "member": "target", "minutes": 5, "reason": "Checking." })),
        ),
        probe(
            "DELETE /api/v1/admin/members/{username}/sessions",
            "eraseme",
            "/api/v1/admin/members/eraseme/sessions".into(),
            None,
        ),
        probe("DELETE /api/v1/admin/users/{username}", "eraseme", "/api/v1/admin/users/eraseme".into(), None),
        probe(
            "DELETE /api/v1/me",
            "wrong password",
            "/api/v1/me".into(),
            Some(json!({ "password": "not the password" })),
        ),
        probe(
            "DELETE /api/v1/me/sessions/{id}",
            "ava's session",
            format!("/api/v1/me/sessions/{}", world.ava_session),
            None,
        ),
    ]);
    // Membership changes and ended sessions come last: they change the roles.
    for (_, slug) in PLACES {
        list.push(probe(
            "POST /api/v1/communities/{slug}/membership",
            &format!("join | {slug}"),
            format!("/api/v1/communities/{slug}/membership"),
            None,
        ));
    }
    for (_, slug) in PLACES {
        list.push(probe(
            "DELETE /api/v1/communities/{slug}/membership",
            &format!("leave | {slug}"),
            format!("/api/v1/communities/{slug}/membership"),
            None,
        ));
    }
    // Withdrawing the health-data consent stops the role's writing: after every write.
    list.push(probe("DELETE /api/v1/me/consents/health_data", "mine", "/api/v1/me/consents/health_data".into(), None));
    let mut end = probe("DELETE /api/v1/sessions/current", "second session", "/api/v1/sessions/current".into(), None);
    end.spare = true;
    list.push(end);
    list.push(probe("DELETE /api/v1/me/sessions", "the others", "/api/v1/me/sessions".into(), None));
    list
}

/// Every directory operation on one directory's entries (`slug`: a community's, or the instance's).
fn directory_probes(place: &Place, slug: Option<&str>, label: &str) -> Vec<Probe> {
    let at = |what: &str| format!("{what} | {label}");
    let Place { entry, suggestion, doomed, .. } = place.clone();
    let suggested = json!({ "community": slug, "name": "A probe's suggestion", "online": true });
    let mut list = vec![
        probe("GET /api/v1/directory/{id}", &at("entry"), format!("/api/v1/directory/{entry}"), None),
        probe("GET /api/v1/directory/{id}", &at("suggestion"), format!("/api/v1/directory/{suggestion}"), None),
        probe("POST /api/v1/directory", &at("suggest"), "/api/v1/directory".into(), Some(suggested)),
        probe("PUT /api/v1/me/directory/{id}", &at("entry"), format!("/api/v1/me/directory/{entry}"), None),
        probe("PUT /api/v1/me/directory/{id}", &at("suggestion"), format!("/api/v1/me/directory/{suggestion}"), None),
        probe("DELETE /api/v1/me/directory/{id}", &at("entry"), format!("/api/v1/me/directory/{entry}"), None),
        probe(
            "POST /api/v1/directory/{id}/review",
            &at("suggestion"),
            format!("/api/v1/directory/{suggestion}/review"),
            Some(json!({})),
        ),
        probe("DELETE /api/v1/directory/{id}", &at("entry"), format!("/api/v1/directory/{doomed}"), None),
    ];
    if let Some(slug) = slug {
        list.push(probe(
            "GET /api/v1/directory",
            &at("community"),
            format!("/api/v1/directory?community={slug}"),
            None,
        ));
    }
    list
}

impl World {
    /// What each role gets for one probe.
    async fn run(&self, probe: &Probe, registration: &mut usize) -> [u16; 12] {
        let mut statuses = [0; 12];
        for (index, status) in statuses.iter_mut().enumerate() {
            let who = if probe.spare { &self.spares[index] } else { &self.sessions[index] };
            let body = match probe.op {
                // Each role registers an account of its own.
                "POST /api/v1/accounts" => {
                    *registration += 1;
                    let version = self.app.guidelines_version().await;
                    Some(self.app.registration(&format!("newcomer{registration}"), &version))
                }
                "POST /api/v1/me/consents" => {
                    Some(json!({ "kind": "guidelines", "version": self.app.guidelines_version().await }))
                }
                "PUT /api/v1/me/display-name" => Some(json!({ "display_name": format!("Renamed {index}") })),
                _ => probe.body.clone(),
            };
            *status = self.app.send(probe.method.clone(), &probe.path, who.as_ref(), body).await.status;
        }
        statuses
    }

    /// Subscribing to each community's room over the live websocket: 200
    /// when subscribed, else the error's status (401 when the upgrade is refused).
    async fn live_rows(&self) -> Vec<(String, [u16; 12])> {
        let mut rooms: Vec<(String, i64)> = self
            .places
            .iter()
            .zip(PLACES)
            .map(|(place, (visibility, _))| (visibility.to_owned(), place.room))
            .collect();
        rooms.push(("elsewhere".into(), self.elsewhere.room));
        let mut rows: Vec<(String, [u16; 12])> =
            rooms.iter().map(|(what, _)| (format!("LIVE subscribe | {what}"), [0; 12])).collect();
        for (index, session) in self.sessions.iter().enumerate() {
            let Some(account) = session else {
                let refused = LiveClient::try_connect(&self.app, &self.ava_as_visitor()).await.is_err();
                rows.iter_mut().for_each(|row| row.1[index] = if refused { 401 } else { 200 });
                continue;
            };
            let mut client = LiveClient::connect(&self.app, account).await;
            for (row, (_, room)) in rows.iter_mut().zip(&rooms) {
                client.send(json!({ "type": "subscribe", "room": room })).await;
                row.1[index] = loop {
                    let frame = client.next().await.expect("the connection stays open");
                    match frame["type"].as_str() {
                        Some("subscribed") => break 200,
                        Some("error") if frame["code"] == "not_found" => break 404,
                        Some("error") => break 403,
                        _ => continue,
                    }
                };
            }
            client.close().await;
        }
        rows
    }

    /// A made-up token: the upgrade is refused as for anyone signed out.
    fn ava_as_visitor(&self) -> Account {
        Account { token: format!("{}-not-a-session", self.ava.token) }
    }
}

/// Every operation the OpenAPI document lists, as `METHOD /path`.
async fn documented_operations(app: &TestApp) -> BTreeSet<String> {
    let document = app.get("/api/v1/openapi.json", None).await;
    let paths = document.assert_status(200)["paths"].as_object().expect("paths").clone();
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(move |methods| methods.keys().map(move |method| format!("{} {path}", method.to_uppercase())))
        })
        .collect()
}

#[tokio::test]
async fn every_role_gets_what_the_table_says_for_every_operation() {
    let world = build().await;
    let probes = probes(&world);
    let expected: HashMap<&str, [u16; 12]> = EXPECTED.iter().copied().collect();

    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    let mut registration = 0;
    // The live subscriptions first, while every role is as built.
    let mut answered = world.live_rows().await;
    for probe in &probes {
        answered.push((probe.label.clone(), world.run(probe, &mut registration).await));
        seen.insert(probe.op.to_owned());
    }
    for (label, actual) in &answered {
        match expected.get(label.as_str()) {
            Some(want) if want == actual => {}
            Some(want) => wrong.push(format!("    (\"{label}\", {actual:?}), // was {want:?}")),
            None => wrong.push(format!("    (\"{label}\", {actual:?}), // no row")),
        }
    }
    let labels: BTreeSet<&str> = answered.iter().map(|(label, _)| label.as_str()).collect();
    let stale: Vec<&str> = EXPECTED.iter().map(|(label, _)| *label).filter(|label| !labels.contains(label)).collect();
    let missing: Vec<String> = documented_operations(&world.app).await.difference(&seen).cloned().collect();

    assert!(
        missing.is_empty(),
        "operations in the OpenAPI document with no row in this table (add a probe and its row):\n{}",
        missing.join("\n")
    );
    assert!(stale.is_empty(), "rows no probe answers (remove them):\n{}", stale.join("\n"));
    assert!(
        wrong.is_empty(),
        "roles are {ROLES:?}; these rows now answer differently (check each against the policy):\n{}",
        wrong.join("\n")
    );
}

/// Per row, the status each role gets, in the order of `ROLES`:
/// visitor, outsider, member, pending, moderator, other_mod, lead, admin,
/// banned, suspended, muted, blocked.
#[rustfmt::skip]
const EXPECTED: &[(&str, [u16; 12])] = &[
    ("LIVE subscribe | public", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("LIVE subscribe | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("LIVE subscribe | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("LIVE subscribe | elsewhere", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/instance | instance", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities | all", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/me | me", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/me/moderation | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/me/reports | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/me/sessions | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/me/export | none started", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/blocks | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/notifications | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/members/{username} | ava", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/search | words", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/moderation/queue | all", [401, 403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log | all", [401, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log/export | all", [401, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/appeals | open", [401, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/filters | instance", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/admin/settings | instance", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("PATCH /api/v1/admin/settings | unchanged", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/admin/log | all", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/admin/members/{username}/badges/{kind} | peer supporter | target", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/members/{username}/badges/{kind} | peer supporter | target", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("GET /api/v1/me/invitations | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/me/invitations | a week", [401, 201, 201, 201, 201, 201, 201, 201, 201, 403, 201, 201]),
    ("DELETE /api/v1/me/invitations/{id} | ava's link", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/invitations/{code} | ava's link", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/recruiting | totals", [401, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/admin/applications | pending", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/admin/applications/{username} | none | target", [401, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/members/{username}/sessions | eraseme", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("GET /api/v1/admin/members | by name", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/admin/members/{username}/password-reset | no email | ava", [401, 403, 403, 403, 403, 403, 403, 409, 403, 403, 403, 403]),
    ("PATCH /api/v1/admin/communities/{slug} | unchanged | elsewhere", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/admin/communities/{slug}/archive | elsewhere", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/communities/{slug}/archive | elsewhere", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/communities/{slug} | not confirmed | elsewhere", [401, 403, 403, 403, 403, 403, 403, 422, 403, 403, 403, 403]),
    ("GET /api/v1/setup/{token} | made up", [410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410]),
    ("POST /api/v1/setup/{token} | made up", [410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410]),
    ("GET /api/v1/communities/{slug} | elsewhere", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | elsewhere", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/stories | all", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | story | community | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | story | instance | members", [404, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | story | public | members", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("PUT /api/v1/threads/{id}/story | narrow | story | public | members", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("GET /api/v1/rooms/{id}/messages | elsewhere", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug} | community | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/stories | stories | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/consultations | consultations | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/consultations/{id} | consultation | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/consultations/{id}/export | consultation | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/goals/{id}/entries/{entry} | ava's entry in another goal", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("PUT /api/v1/consultations/{id}/answers/{post_id}/support | an answer in another consultation", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("DELETE /api/v1/consultations/{id}/answers/{post_id}/support | an answer in another consultation", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/consultations/{id}/answers/{post_id}/responses | an answer in another consultation", [401, 403, 403, 403, 403, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | public", [401, 403, 204, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | public", [401, 403, 204, 403, 204, 403, 403, 204, 403, 403, 403, 204]),
    ("POST /api/v1/consultations/{id}/answers/{post_id}/responses | still open | public", [401, 403, 403, 403, 403, 403, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/consultations | new | public", [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/threads | threads | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/rooms | rooms | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/follow | community | public", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/organisers | organisers | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/moderators | moderators | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/membership-requests | requests | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/threads/{id} | thread | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | held thread | public", [404, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/follow | thread | public", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/reading | thread | public", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/follow | held thread | public", [401, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/reading | held thread | public", [401, 404, 404, 404, 200, 404, 200, 200, 404, 404, 404, 404]),
    ("GET /api/v1/posts/{id}/revisions | reply | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/posts/{id}/revisions | hidden reply | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/rooms/{id}/messages | room | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/moderation/queue | community | public", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/items/{id} | reported reply | public", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log | community | public", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log/export | community | public", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/filters | community | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/members/{username}/notes | ava | public", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/follow | watch | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/communities/{slug}/follow | stop | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | thread | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/reading | thread | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | held thread | public", [401, 404, 404, 404, 204, 404, 204, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/threads/{id}/follow | thread | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/communities/{slug}/threads | new thread | public", [401, 403, 201, 403, 201, 403, 403, 201, 403, 403, 403, 201]),
    ("POST /api/v1/threads/{id}/posts | reply to ava | public", [401, 403, 201, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("POST /api/v1/threads/{id}/posts | held thread | public", [401, 404, 404, 404, 409, 404, 403, 409, 404, 404, 404, 404]),
    ("POST /api/v1/threads/{id}/posts | parent from elsewhere | public", [401, 403, 404, 403, 404, 403, 403, 404, 403, 404, 404, 404]),
    ("PATCH /api/v1/posts/{id} | ava's reply | public", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | ava's reply | public", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | deleted reply | public", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | ava's reply | public", [401, 403, 200, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | hidden reply | public", [401, 403, 409, 403, 409, 403, 403, 409, 403, 409, 409, 403]),
    ("DELETE /api/v1/posts/{id}/reactions/{kind} | ava's reply | public", [401, 403, 200, 403, 200, 403, 403, 200, 403, 403, 403, 200]),
    ("POST /api/v1/reports | ava's first post | public", [401, 201, 201, 201, 201, 201, 201, 201, 201, 403, 201, 201]),
    ("POST /api/v1/reports | held message | public", [401, 404, 404, 404, 201, 404, 201, 201, 404, 403, 404, 404]),
    ("POST /api/v1/reports | message | public", [401, 201, 201, 201, 201, 201, 201, 201, 201, 403, 201, 201]),
    ("DELETE /api/v1/messages/{id} | held message | public", [401, 404, 404, 404, 409, 404, 409, 409, 404, 404, 404, 404]),
    ("DELETE /api/v1/messages/{id} | deleted message | public", [401, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409]),
    ("POST /api/v1/communities/{slug}/rooms | new room | public", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id} | default room | public", [401, 403, 403, 403, 409, 403, 403, 409, 403, 403, 403, 403]),
    ("PUT /api/v1/rooms/{id}/mutes/{username} | signer | public", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id}/mutes/{username} | signer | public", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/safety | no holds | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/membership-requests/{username} | nobody asked | public", [401, 403, 403, 403, 404, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/moderators/{username} | signer | public", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/moderators/{username} | signer | public", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/organisers/{username} | signer | public", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/organisers/{username} | signer | public", [401, 403, 403, 403, 204, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/moderation/items/{id}/claim | reported reply | public", [401, 403, 403, 403, 204, 403, 409, 409, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/items/{id}/claim | reported reply | public", [401, 403, 403, 403, 204, 403, 204, 204, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | hide the hidden | public", [401, 403, 403, 403, 409, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | restore the visible | public", [401, 403, 403, 403, 409, 403, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn signer | public", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn the moderator | public", [401, 403, 403, 403, 422, 403, 403, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | lock from elsewhere | public", [401, 403, 403, 403, 403, 409, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/members/{username}/notes | ava | public", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/filters | community filter | public", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/filters/{id} | community filter | public", [401, 403, 403, 403, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/moderation/log/{id}/reversal | warning | public", [401, 403, 403, 403, 201, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/appeals | ava's hide | public", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/appeals/{id}/decision | ava's appeal | public", [401, 403, 403, 403, 200, 403, 409, 403, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug} | community | members", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/stories | stories | members", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/consultations | consultations | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/consultations/{id} | consultation | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/consultations/{id}/export | consultation | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 403, 403, 204]),
    ("POST /api/v1/consultations/{id}/answers/{post_id}/responses | still open | members", [401, 404, 403, 404, 403, 404, 404, 409, 404, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/consultations | new | members", [401, 404, 403, 404, 403, 404, 404, 201, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/threads | threads | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/rooms | rooms | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/follow | community | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/organisers | organisers | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/moderators | moderators | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/membership-requests | requests | members", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/threads/{id} | thread | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | held thread | members", [404, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/follow | thread | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/reading | thread | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/follow | held thread | members", [401, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/reading | held thread | members", [401, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/posts/{id}/revisions | reply | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("GET /api/v1/posts/{id}/revisions | hidden reply | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("GET /api/v1/rooms/{id}/messages | room | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/moderation/queue | community | members", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/items/{id} | reported reply | members", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log | community | members", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log/export | community | members", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/filters | community | members", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/members/{username}/notes | ava | members", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/follow | watch | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("DELETE /api/v1/communities/{slug}/follow | stop | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | thread | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/reading | thread | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | held thread | members", [401, 404, 404, 404, 204, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/threads/{id}/follow | thread | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("POST /api/v1/communities/{slug}/threads | new thread | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]),
    ("POST /api/v1/threads/{id}/posts | reply to ava | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 403]),
    ("POST /api/v1/threads/{id}/posts | held thread | members", [401, 404, 404, 404, 409, 404, 404, 409, 404, 404, 404, 404]),
    ("POST /api/v1/threads/{id}/posts | parent from elsewhere | members", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("PATCH /api/v1/posts/{id} | ava's reply | members", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | ava's reply | members", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | deleted reply | members", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | ava's reply | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | hidden reply | members", [401, 404, 409, 404, 409, 404, 404, 409, 404, 409, 409, 403]),
    ("DELETE /api/v1/posts/{id}/reactions/{kind} | ava's reply | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200]),
    ("POST /api/v1/reports | ava's first post | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 201, 201]),
    ("POST /api/v1/reports | held message | members", [401, 404, 404, 404, 201, 404, 404, 201, 404, 403, 404, 404]),
    ("POST /api/v1/reports | message | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 201, 201]),
    ("DELETE /api/v1/messages/{id} | held message | members", [401, 404, 404, 404, 409, 404, 404, 409, 404, 404, 404, 404]),
    ("DELETE /api/v1/messages/{id} | deleted message | members", [401, 404, 409, 404, 409, 404, 404, 409, 404, 409, 409, 409]),
    ("POST /api/v1/communities/{slug}/rooms | new room | members", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id} | default room | members", [401, 404, 403, 404, 409, 404, 404, 409, 404, 403, 403, 403]),
    ("PUT /api/v1/rooms/{id}/mutes/{username} | signer | members", [401, 404, 403, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id}/mutes/{username} | signer | members", [401, 404, 403, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/safety | no holds | members", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/membership-requests/{username} | nobody asked | members", [401, 403, 403, 403, 404, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/moderators/{username} | signer | members", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/moderators/{username} | signer | members", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/organisers/{username} | signer | members", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/organisers/{username} | signer | members", [401, 403, 403, 403, 204, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/moderation/items/{id}/claim | reported reply | members", [401, 403, 403, 403, 204, 403, 409, 409, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/items/{id}/claim | reported reply | members", [401, 403, 403, 403, 204, 403, 204, 204, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | hide the hidden | members", [401, 403, 403, 403, 409, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | restore the visible | members", [401, 403, 403, 403, 409, 403, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn signer | members", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn the moderator | members", [401, 403, 403, 403, 422, 403, 403, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | lock from elsewhere | members", [401, 403, 403, 403, 403, 409, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/members/{username}/notes | ava | members", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/filters | community filter | members", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/filters/{id} | community filter | members", [401, 403, 403, 403, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/moderation/log/{id}/reversal | warning | members", [401, 403, 403, 403, 201, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/appeals | ava's hide | members", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/appeals/{id}/decision | ava's appeal | members", [401, 403, 403, 403, 200, 403, 409, 403, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug} | community | approval", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/stories | stories | approval", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/consultations | consultations | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/consultations/{id} | consultation | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/consultations/{id}/export | consultation | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/consultations/{id}/answers/{post_id}/support | ava's answer | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 403, 403, 204]),
    ("POST /api/v1/consultations/{id}/answers/{post_id}/responses | still open | approval", [401, 404, 403, 404, 403, 404, 404, 409, 404, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/consultations | new | approval", [401, 404, 403, 404, 403, 404, 404, 201, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/threads | threads | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/rooms | rooms | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/follow | community | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/organisers | organisers | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/moderators | moderators | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/communities/{slug}/membership-requests | requests | approval", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/threads/{id} | thread | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id} | held thread | approval", [404, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/follow | thread | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/reading | thread | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/threads/{id}/follow | held thread | approval", [401, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/threads/{id}/reading | held thread | approval", [401, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("GET /api/v1/posts/{id}/revisions | reply | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("GET /api/v1/posts/{id}/revisions | hidden reply | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("GET /api/v1/rooms/{id}/messages | room | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/moderation/queue | community | approval", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/items/{id} | reported reply | approval", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log | community | approval", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/log/export | community | approval", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/filters | community | approval", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/moderation/members/{username}/notes | ava | approval", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/follow | watch | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("DELETE /api/v1/communities/{slug}/follow | stop | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | thread | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/reading | thread | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/threads/{id}/follow | held thread | approval", [401, 404, 404, 404, 204, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/threads/{id}/follow | thread | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("POST /api/v1/communities/{slug}/threads | new thread | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]),
    ("POST /api/v1/threads/{id}/posts | reply to ava | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 403]),
    ("POST /api/v1/threads/{id}/posts | held thread | approval", [401, 404, 404, 404, 409, 404, 404, 409, 404, 404, 404, 404]),
    ("POST /api/v1/threads/{id}/posts | parent from elsewhere | approval", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("PATCH /api/v1/posts/{id} | ava's reply | approval", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | ava's reply | approval", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("DELETE /api/v1/posts/{id} | deleted reply | approval", [401, 404, 403, 404, 403, 404, 404, 403, 404, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | ava's reply | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/posts/{id}/reactions/{kind} | hidden reply | approval", [401, 404, 409, 404, 409, 404, 404, 409, 404, 409, 409, 403]),
    ("DELETE /api/v1/posts/{id}/reactions/{kind} | ava's reply | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200]),
    ("POST /api/v1/reports | ava's first post | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 201, 201]),
    ("POST /api/v1/reports | held message | approval", [401, 404, 404, 404, 201, 404, 404, 201, 404, 403, 404, 404]),
    ("POST /api/v1/reports | message | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 201, 201]),
    ("DELETE /api/v1/messages/{id} | held message | approval", [401, 404, 404, 404, 409, 404, 404, 409, 404, 404, 404, 404]),
    ("DELETE /api/v1/messages/{id} | deleted message | approval", [401, 404, 409, 404, 409, 404, 404, 409, 404, 409, 409, 409]),
    ("POST /api/v1/communities/{slug}/rooms | new room | approval", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id} | default room | approval", [401, 404, 403, 404, 409, 404, 404, 409, 404, 403, 403, 403]),
    ("PUT /api/v1/rooms/{id}/mutes/{username} | signer | approval", [401, 404, 403, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/rooms/{id}/mutes/{username} | signer | approval", [401, 404, 403, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/safety | no holds | approval", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/communities/{slug}/membership-requests/{username} | nobody asked | approval", [401, 403, 403, 403, 404, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/moderators/{username} | signer | approval", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/moderators/{username} | signer | approval", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("PUT /api/v1/communities/{slug}/organisers/{username} | signer | approval", [401, 403, 403, 403, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/communities/{slug}/organisers/{username} | signer | approval", [401, 403, 403, 403, 204, 403, 403, 404, 403, 403, 403, 403]),
    ("PUT /api/v1/moderation/items/{id}/claim | reported reply | approval", [401, 403, 403, 403, 204, 403, 409, 409, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/items/{id}/claim | reported reply | approval", [401, 403, 403, 403, 204, 403, 204, 204, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | hide the hidden | approval", [401, 403, 403, 403, 409, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | restore the visible | approval", [401, 403, 403, 403, 409, 403, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn signer | approval", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | warn the moderator | approval", [401, 403, 403, 403, 422, 403, 403, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | lock from elsewhere | approval", [401, 403, 403, 403, 403, 409, 403, 409, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/members/{username}/notes | ava | approval", [401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/filters | community filter | approval", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/moderation/filters/{id} | community filter | approval", [401, 403, 403, 403, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/moderation/log/{id}/reversal | warning | approval", [401, 403, 403, 403, 201, 403, 409, 409, 403, 403, 403, 403]),
    ("POST /api/v1/appeals | ava's hide | approval", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/appeals/{id}/decision | ava's appeal | approval", [401, 403, 403, 403, 200, 403, 409, 403, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/events | upcoming | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/communities/{slug}/events | new event | public", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]),
    ("GET /api/v1/events/{id} | event | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/event-series/{id} | weekly | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("PUT /api/v1/events/{id} | unchanged | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/rsvp | going | public", [401, 403, 200, 403, 200, 403, 403, 200, 403, 200, 200, 200]),
    ("GET /api/v1/events/{id}/rsvps | answers | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/attendance | not begun | public", [401, 403, 403, 403, 409, 403, 403, 409, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/attendance | counts | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/events/{id}/cancellation | cancel | public", [401, 403, 403, 403, 204, 403, 403, 409, 403, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/events | upcoming | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("POST /api/v1/communities/{slug}/events | new event | members", [401, 404, 403, 404, 201, 404, 404, 201, 404, 403, 403, 403]),
    ("GET /api/v1/events/{id} | event | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/event-series/{id} | weekly | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("PUT /api/v1/events/{id} | unchanged | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/rsvp | going | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/events/{id}/rsvps | answers | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/attendance | not begun | members", [401, 404, 403, 404, 409, 404, 404, 409, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/attendance | counts | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("POST /api/v1/events/{id}/cancellation | cancel | members", [401, 404, 403, 404, 204, 404, 404, 409, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/events | upcoming | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("POST /api/v1/communities/{slug}/events | new event | approval", [401, 404, 403, 404, 201, 404, 404, 201, 404, 403, 403, 403]),
    ("GET /api/v1/events/{id} | event | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/event-series/{id} | weekly | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("PUT /api/v1/events/{id} | unchanged | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/rsvp | going | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/events/{id}/rsvps | answers | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("PUT /api/v1/events/{id}/attendance | not begun | approval", [401, 404, 403, 404, 409, 404, 404, 409, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/attendance | counts | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]),
    ("POST /api/v1/events/{id}/cancellation | cancel | approval", [401, 404, 403, 404, 204, 404, 404, 409, 404, 403, 403, 403]),
    ("GET /api/v1/communities/{slug}/calendar.ics | feed | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/events/{id}/calendar.ics | event | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/me/calendar-links | community link | public", [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("GET /api/v1/communities/{slug}/calendar.ics | feed | members", [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/events/{id}/calendar.ics | event | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("POST /api/v1/me/calendar-links | community link | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 201, 201, 201]),
    ("GET /api/v1/communities/{slug}/calendar.ics | feed | approval", [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/events/{id}/calendar.ics | event | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("POST /api/v1/me/calendar-links | community link | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 201, 201, 201]),
    ("GET /api/v1/communities/{slug}/goals | goals | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]), // no row
    ("POST /api/v1/communities/{slug}/goals | new goal | public", [401, 403, 403, 403, 201, 403, 403, 201, 403, 403, 403, 403]), // no row
    ("GET /api/v1/goals/{id} | goal | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]), // no row
    ("PUT /api/v1/goals/{id} | unchanged | public", [401, 403, 403, 403, 200, 403, 403, 200, 403, 403, 403, 403]), // no row
    ("PUT /api/v1/goals/{id}/pledge | pledge | public", [401, 403, 200, 403, 200, 403, 403, 200, 403, 403, 403, 200]), // no row
    ("GET /api/v1/goals/{id}/progress | chart | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]), // no row
    ("GET /api/v1/goals/{id}/entries | own entries | public", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]), // no row
    ("POST /api/v1/goals/{id}/entries | log one | public", [401, 403, 201, 403, 201, 403, 403, 201, 403, 403, 403, 201]), // no row
    ("DELETE /api/v1/goals/{id}/entries/{entry} | ava's entry | public", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]), // no row
    ("POST /api/v1/goals/{id}/closure | close | public", [401, 403, 403, 403, 204, 403, 403, 409, 403, 403, 403, 403]), // no row
    ("GET /api/v1/communities/{slug}/goals | goals | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("POST /api/v1/communities/{slug}/goals | new goal | members", [401, 404, 403, 404, 201, 404, 404, 201, 404, 403, 403, 403]), // no row
    ("GET /api/v1/goals/{id} | goal | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("PUT /api/v1/goals/{id} | unchanged | members", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]), // no row
    ("PUT /api/v1/goals/{id}/pledge | pledge | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200]), // no row
    ("GET /api/v1/goals/{id}/progress | chart | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("GET /api/v1/goals/{id}/entries | own entries | members", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("POST /api/v1/goals/{id}/entries | log one | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]), // no row
    ("DELETE /api/v1/goals/{id}/entries/{entry} | ava's entry | members", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]), // no row
    ("POST /api/v1/goals/{id}/closure | close | members", [401, 404, 403, 404, 204, 404, 404, 409, 404, 403, 403, 403]), // no row
    ("GET /api/v1/communities/{slug}/goals | goals | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("POST /api/v1/communities/{slug}/goals | new goal | approval", [401, 404, 403, 404, 201, 404, 404, 201, 404, 403, 403, 403]), // no row
    ("GET /api/v1/goals/{id} | goal | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("PUT /api/v1/goals/{id} | unchanged | approval", [401, 404, 403, 404, 200, 404, 404, 200, 404, 403, 403, 403]), // no row
    ("PUT /api/v1/goals/{id}/pledge | pledge | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 403, 403, 200]), // no row
    ("GET /api/v1/goals/{id}/progress | chart | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("GET /api/v1/goals/{id}/entries | own entries | approval", [401, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]), // no row
    ("POST /api/v1/goals/{id}/entries | log one | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]), // no row
    ("DELETE /api/v1/goals/{id}/entries/{entry} | ava's entry | approval", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]), // no row
    ("POST /api/v1/goals/{id}/closure | close | approval", [401, 404, 403, 404, 204, 404, 404, 409, 404, 403, 403, 403]), // no row
    ("GET /api/v1/me/calendar-links | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/me/calendar-links | my answers", [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("DELETE /api/v1/me/calendar-links/{id} | made up", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/calendars/{token}.ics | made up", [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/accounts | a new account", [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("POST /api/v1/sessions | signer", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/me/consents | guidelines", [401, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    ("PUT /api/v1/me/display-name | a name of their own", [401, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200, 200]),
    ("DELETE /api/v1/me/welcome | mine", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("GET /api/v1/members/{username}/names | ava", [401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 403]),
    ("DELETE /api/v1/me/consents/health_data | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("PUT /api/v1/me/password | wrong current", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("PUT /api/v1/me/email | an address", [401, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202]),
    ("DELETE /api/v1/me/email | the address", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("GET /api/v1/me/mail-preferences | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("PATCH /api/v1/me/mail-preferences | daily replies", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/mail-unsubscribe/{token} | forged", [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/email-verifications/{token} | made up", [410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410]),
    ("POST /api/v1/password-resets | an address", [202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202]),
    ("POST /api/v1/password-resets/{token} | made up", [410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410, 410]),
    ("POST /api/v1/me/export | start", [401, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202, 202]),
    ("PUT /api/v1/blocks/{username} | target", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/blocks/{username} | target", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/notifications/{id}/read | ava's", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/notifications/read-all | mine", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/communities | new", [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403]),
    ("GET /api/v1/support-conversations | mine", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/support-conversations/{id} | ava's", [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404]),
    ("GET /api/v1/admin/communities/{slug}/safeguarding-leads | open-c", [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST /api/v1/support-conversations/{id}/messages | ava's", [401, 404, 404, 404, 404, 404, 201, 404, 404, 404, 404, 404]),
    ("POST /api/v1/support-conversations/{id}/close | ava's", [401, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404, 404]),
    ("POST /api/v1/support-conversations | about ava's urgent item", [401, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403]),
    ("PUT /api/v1/admin/communities/{slug}/safeguarding-leads/{username} | target | open-c", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/communities/{slug}/safeguarding-leads/{username} | target | open-c", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("PUT /api/v1/admin/safeguarding-leads/{username} | target", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/safeguarding-leads/{username} | target", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("POST /api/v1/moderation/actions | suspend target", [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403]),
    ("DELETE /api/v1/admin/users/{username} | eraseme", [401, 403, 403, 403, 403, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/me | wrong password", [401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("DELETE /api/v1/me/sessions/{id} | ava's session", [401, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("POST /api/v1/communities/{slug}/membership | join | open-c", [401, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200, 200]),
    ("POST /api/v1/communities/{slug}/membership | join | members-c", [401, 200, 200, 200, 200, 200, 200, 200, 403, 403, 200, 200]),
    ("POST /api/v1/communities/{slug}/membership | join | approval-c", [401, 202, 200, 202, 200, 202, 202, 202, 403, 403, 200, 200]),
    ("DELETE /api/v1/communities/{slug}/membership | leave | open-c", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/communities/{slug}/membership | leave | members-c", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/communities/{slug}/membership | leave | approval-c", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/sessions/current | second session", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE /api/v1/me/sessions | the others", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    // The directory of local support.
    ("GET /api/v1/directory/hsds | public entries", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST /api/v1/directory/hsds | no services", [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403, 403]),
    ("GET /api/v1/directory | everything readable", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/directory/suggestions | to review", [401, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403]),
    ("GET /api/v1/me/directory | saved", [401, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | entry | instance", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | suggestion | instance", [404, 404, 404, 404, 404, 404, 404, 200, 404, 404, 404, 404]),
    ("POST /api/v1/directory | suggest | instance", [401, 201, 201, 201, 201, 201, 201, 201, 201, 403, 201, 201]),
    ("PUT /api/v1/me/directory/{id} | entry | instance", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("PUT /api/v1/me/directory/{id} | suggestion | instance", [401, 404, 404, 404, 404, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/me/directory/{id} | entry | instance", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/directory/{id}/review | suggestion | instance", [401, 404, 404, 404, 404, 404, 404, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/directory/{id} | entry | instance", [401, 403, 403, 403, 403, 403, 403, 204, 404, 404, 404, 404]),
    ("GET /api/v1/directory/{id} | entry | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | suggestion | public", [404, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("POST /api/v1/directory | suggest | public", [401, 403, 201, 403, 201, 403, 403, 201, 403, 403, 403, 201]),
    ("PUT /api/v1/me/directory/{id} | entry | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("PUT /api/v1/me/directory/{id} | suggestion | public", [401, 404, 404, 404, 204, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/me/directory/{id} | entry | public", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/directory/{id}/review | suggestion | public", [401, 404, 404, 404, 204, 403, 403, 204, 403, 403, 403, 403]),
    ("DELETE /api/v1/directory/{id} | entry | public", [401, 403, 403, 403, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/directory | community | public", [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | entry | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | suggestion | members", [404, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("POST /api/v1/directory | suggest | members", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]),
    ("PUT /api/v1/me/directory/{id} | entry | members", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/me/directory/{id} | suggestion | members", [401, 404, 404, 404, 204, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/me/directory/{id} | entry | members", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/directory/{id}/review | suggestion | members", [401, 404, 404, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/directory/{id} | entry | members", [401, 404, 403, 404, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/directory | community | members", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | entry | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
    ("GET /api/v1/directory/{id} | suggestion | approval", [404, 404, 404, 404, 200, 404, 404, 200, 404, 404, 404, 404]),
    ("POST /api/v1/directory | suggest | approval", [401, 404, 201, 404, 201, 404, 404, 201, 404, 403, 403, 201]),
    ("PUT /api/v1/me/directory/{id} | entry | approval", [401, 404, 204, 404, 204, 404, 404, 204, 404, 204, 204, 204]),
    ("PUT /api/v1/me/directory/{id} | suggestion | approval", [401, 404, 404, 404, 204, 404, 404, 204, 404, 404, 404, 404]),
    ("DELETE /api/v1/me/directory/{id} | entry | approval", [401, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204, 204]),
    ("POST /api/v1/directory/{id}/review | suggestion | approval", [401, 404, 404, 404, 204, 404, 404, 204, 404, 403, 403, 403]),
    ("DELETE /api/v1/directory/{id} | entry | approval", [401, 404, 403, 404, 204, 404, 404, 404, 404, 404, 404, 404]),
    ("GET /api/v1/directory | community | approval", [404, 404, 200, 404, 200, 404, 404, 200, 404, 200, 200, 200]),
];
