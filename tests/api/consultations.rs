//! Consultations: the organisation asks, members answer and support
//! answers, the organisation owes a dated response to each answer that
//! reached the threshold, and everyone sees when it is overdue.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn moment(from_now_ms: i64) -> String {
    let now = kindred::domain::time::Timestamp::now().0;
    kindred::domain::time::Timestamp(now + from_now_ms).to_rfc3339()
}

/// An admin (the organisation), a public community and three members in it.
async fn world(app: &TestApp, visibility: &str) -> (Account, [Account; 3]) {
    let admin = app.posting_admin("trust").await;
    app.community(&admin, "copd", visibility).await;
    let members = [app.register("amy").await, app.register("ben").await, app.register("cat").await];
    for member in &members {
        assert!(matches!(app.join(member, "copd").await.status, 200 | 201 | 204), "joined");
    }
    (admin, members)
}

async fn open(app: &TestApp, who: &Account, threshold: i64) -> crate::helpers::Reply {
    app.post(
        "/api/v1/communities/copd/consultations",
        Some(who),
        json!({
            "question": "What would make pulmonary rehab easier to attend?",
            "background": "The trust is **redesigning** rehab classes for next year.",
            "closes_at": moment(DAY_MS),
            "respond_by": moment(8 * DAY_MS),
            "support_threshold": threshold,
        }),
    )
    .await
}

/// Opens a consultation and returns its id and its thread's.
async fn opened(app: &TestApp, admin: &Account, threshold: i64) -> (i64, i64) {
    let reply = open(app, admin, threshold).await;
    let body = reply.assert_status(201);
    (body["id"].as_i64().expect("id"), body["thread_id"].as_i64().expect("thread"))
}

/// Moves a consultation's dates as if time had passed: `closed` days since
/// it closed, with the response date `respond_in` days from now.
fn time_passes(app: &TestApp, id: i64, closed_days_ago: i64, respond_in_days: i64) {
    let now = kindred::domain::time::Timestamp::now().0;
    let (closes, respond) = (now - closed_days_ago * DAY_MS, now + respond_in_days * DAY_MS);
    app.connect()
        .batch_execute(&format!(
            "UPDATE consultations SET closes_at = {closes}, respond_by = {respond} WHERE id = {id}"
        ))
        .expect("dates moved");
}

fn answer(view: &Value, post_id: i64) -> &Value {
    view["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|answer| answer["post"]["id"] == post_id)
        .expect("the answer")
}

#[tokio::test]
async fn only_the_organisation_its_admins_and_staff_opens_a_consultation_and_a_bad_one_lists_every_wrong_field() {
    let app = spawn_app().await;
    let (admin, [amy, ..]) = world(&app, "public").await;
    open(&app, &amy, 2).await.assert_error(403, "forbidden");
    let wrong = app
        .post(
            "/api/v1/communities/copd/consultations",
            Some(&admin),
            json!({ "question": "?", "background": "Why we ask.", "closes_at": moment(-DAY_MS), "respond_by": "next week", "support_threshold": 0 }),
        )
        .await;
    wrong.assert_error(422, "invalid_consultation");
    let fields: Vec<&str> = wrong.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    assert_eq!(fields, ["question", "respond_by", "closes_at", "support_threshold"]);
    let listed = app.get("/api/v1/communities/copd/consultations", None).await;
    assert!(
        listed.assert_status(200)["consultations"].as_array().expect("a list").is_empty(),
        "nothing stored half-way"
    );

    let staff = |on: bool| {
        app.send(
            if on { reqwest::Method::PUT } else { reqwest::Method::DELETE },
            "/api/v1/admin/members/amy/badges/staff",
            Some(&admin),
            Some(json!({})),
        )
    };
    assert!(matches!(staff(true).await.status, 200 | 204), "amy is badged staff");
    let me = app.get("/api/v1/me", Some(&amy)).await;
    assert_eq!(me.assert_status(200)["speaks_for_institution"], true);
    let by_staff = open(&app, &amy, 2).await;
    let by_staff = by_staff.assert_status(201);
    assert_eq!(by_staff["author"]["badges"][0]["kind"], "staff", "her badge shows as she asks: {by_staff}");
    assert!(matches!(staff(false).await.status, 200 | 204), "the badge is taken away");
    open(&app, &amy, 2).await.assert_error(403, "forbidden");

    let opened = open(&app, &admin, 2).await;
    let opened = opened.assert_status(201);
    assert_eq!(opened["stage"], "open");
    assert_eq!(opened["question"], "What would make pulmonary rehab easier to attend?");
    assert!(opened["background_html"].as_str().expect("background").contains("<strong>redesigning</strong>"));
    let listed = app.get("/api/v1/communities/copd/consultations", None).await;
    assert_eq!(listed.assert_status(200)["consultations"].as_array().expect("a list").len(), 2);
    assert_eq!(listed.body["consultations"][0]["stage"], "open");
}

#[tokio::test]
async fn members_answer_and_support_once_never_their_own_until_it_closes() {
    let app = spawn_app().await;
    let (admin, [amy, ben, cat]) = world(&app, "public").await;
    let (id, thread) = opened(&app, &admin, 2).await;
    let amys = app.reply(&amy, thread, None, "Evening classes, so people who work can come.").await;
    let bens = app.reply(&ben, thread, None, "Transport: the hospital bus stops at four.").await;
    let support = |post: i64| format!("/api/v1/consultations/{id}/answers/{post}/support");

    app.put(&support(amys), Some(&ben)).await.assert_status(204);
    app.put(&support(amys), Some(&ben)).await.assert_error(409, "already_supported");
    app.put(&support(amys), Some(&amy)).await.assert_error(403, "own_answer");
    app.put(&support(amys), None).await.assert_status(401);
    app.put(&support(amys), Some(&cat)).await.assert_status(204);
    app.put(&support(bens), Some(&cat)).await.assert_status(204);
    app.delete(&support(bens), Some(&cat)).await.assert_status(204);

    let seen = app.get(&format!("/api/v1/consultations/{id}"), Some(&amy)).await;
    let seen = seen.assert_status(200);
    assert_eq!(answer(seen, amys)["supports"], 2);
    assert_eq!(answer(seen, amys)["mine"], true);
    assert_eq!(answer(seen, amys)["supported_by_me"], false);
    assert_eq!(answer(seen, bens)["supports"], 0);
    let as_ben = app.get(&format!("/api/v1/consultations/{id}"), Some(&ben)).await;
    assert_eq!(answer(as_ben.assert_status(200), amys)["supported_by_me"], true);

    let respond = format!("/api/v1/consultations/{id}/answers/{amys}/responses");
    let early = app.post(&respond, Some(&admin), json!({ "status": "adopted", "body": "We will." })).await;
    early.assert_error(409, "consultation_open");

    time_passes(&app, id, 1, 7);
    let late = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&cat), json!({ "body": "Parking!" })).await;
    late.assert_error(409, "consultation_closed");
    app.put(&support(bens), Some(&amy)).await.assert_error(409, "consultation_closed");
    let closed = app.get(&format!("/api/v1/consultations/{id}"), None).await;
    let closed = closed.assert_status(200);
    assert_eq!(closed["stage"], "awaiting_responses");
    assert_eq!(closed["responses_owed"], 1);
    assert_eq!(answer(closed, amys)["response_owed"], true);
    assert_eq!(answer(closed, bens)["response_owed"], false);
}

#[tokio::test]
async fn a_consultation_past_its_response_date_without_its_responses_is_overdue_to_everyone() {
    let app = spawn_app().await;
    let (admin, [amy, ben, cat]) = world(&app, "public").await;
    let (id, thread) = opened(&app, &admin, 2).await;
    let amys = app.reply(&amy, thread, None, "Evening classes, so people who work can come.").await;
    for supporter in [&ben, &cat] {
        app.put(&format!("/api/v1/consultations/{id}/answers/{amys}/support"), Some(supporter))
            .await
            .assert_status(204);
    }
    time_passes(&app, id, 10, -1);
    for who in [None, Some(&amy), Some(&admin)] {
        let seen = app.get(&format!("/api/v1/consultations/{id}"), who).await;
        assert_eq!(seen.assert_status(200)["stage"], "overdue", "overdue to everyone");
    }
    let listed = app.get("/api/v1/communities/copd/consultations", None).await;
    assert_eq!(listed.assert_status(200)["consultations"][0]["stage"], "overdue");

    let respond = format!("/api/v1/consultations/{id}/answers/{amys}/responses");
    app.post(&respond, Some(&amy), json!({ "status": "adopted", "body": "Yes." })).await.assert_error(403, "forbidden");
    let no_reason = app.post(&respond, Some(&admin), json!({ "status": "not_taken_forward", "body": "  " })).await;
    no_reason.assert_error(422, "response_needs_text");
    let unknown = app.post(&respond, Some(&admin), json!({ "status": "maybe", "body": "Hm." })).await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let reason = "Evening staffing is *funded* from April, so classes start then.";
    let responded = app.post(&respond, Some(&admin), json!({ "status": "in_progress", "body": reason })).await;
    let responded = responded.assert_status(201);
    assert_eq!(responded["stage"], "responded");
    assert_eq!(answer(responded, amys)["responses"][0]["status"], "in_progress");
    assert!(answer(responded, amys)["responses"][0]["body_html"].as_str().expect("html").contains("<em>funded</em>"));

    for told in [&amy, &ben, &cat] {
        let inbox = app.get("/api/v1/notifications", Some(told)).await;
        let line = &inbox.assert_status(200)["notifications"][0];
        assert_eq!(line["kind"], "consultation_response");
        assert_eq!(line["consultation_id"], id);
    }
    let admins = app.get("/api/v1/notifications", Some(&admin)).await;
    let admins = admins.assert_status(200)["notifications"].as_array().expect("inbox").clone();
    assert!(admins.iter().all(|line| line["kind"] != "consultation_response"), "not the responder: {admins:?}");

    let update =
        app.post(&respond, Some(&admin), json!({ "status": "done", "body": "Classes began on 3 April." })).await;
    let statuses: Vec<&str> = answer(update.assert_status(201), amys)["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .filter_map(|response| response["status"].as_str())
        .collect();
    assert_eq!(statuses, ["in_progress", "done"], "dated updates, oldest first");
}

#[tokio::test]
async fn answers_and_responses_export_as_csv_and_json_without_names_for_the_organisation_and_moderators() {
    let app = spawn_app().await;
    let (admin, [amy, ben, cat]) = world(&app, "public").await;
    let (id, thread) = opened(&app, &admin, 1).await;
    let amys = app.reply(&amy, thread, None, "Evening classes, \"after work\", please.").await;
    app.reply(&ben, thread, None, "A bus, one that stops at the door.").await;
    app.put(&format!("/api/v1/consultations/{id}/answers/{amys}/support"), Some(&ben)).await.assert_status(204);
    time_passes(&app, id, 1, 7);
    let respond = format!("/api/v1/consultations/{id}/answers/{amys}/responses");
    app.post(&respond, Some(&admin), json!({ "status": "adopted", "body": "Yes, from April." }))
        .await
        .assert_status(201);
    app.post(&respond, Some(&admin), json!({ "status": "done", "body": "Running now." })).await.assert_status(201);

    let export = format!("/api/v1/consultations/{id}/export");
    app.get(&export, Some(&amy)).await.assert_error(403, "forbidden");
    app.put("/api/v1/communities/copd/moderators/cat", Some(&admin)).await.assert_status(204);
    let json_export = app.get(&export, Some(&cat)).await;
    let json_export = json_export.assert_status(200);
    assert_eq!(json_export["answers"].as_array().expect("answers").len(), 2);
    assert_eq!(json_export["answers"][0]["supports"], 1);
    assert_eq!(json_export["answers"][0]["responses"][1]["status"], "done");
    let text = json_export.to_string();
    assert!(!text.contains("amy") && !text.contains("ben"), "no names: {text}");

    let csv_export = app.client.get(app.url(&format!("{export}?format=csv"))).bearer_auth(&admin.token).send().await;
    let csv_export = csv_export.expect("the server answers");
    assert_eq!(csv_export.status(), 200);
    assert!(csv_export.headers()["content-type"].to_str().expect("a type").starts_with("text/csv"));
    let body = csv_export.text().await.expect("text");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header").iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows parse");
    assert_eq!(rows.len(), 3, "two responses to amy's answer and none to ben's: {body}");
    let column = |name: &str| header.iter().position(|heading| heading == name).expect("a column");
    assert_eq!(&rows[0][column("answer")], "Evening classes, \"after work\", please.");
    assert_eq!(&rows[1][column("response_status")], "done");
    assert_eq!(&rows[2][column("response_status")], "");
    let bad = app.get(&format!("{export}?format=pdf"), Some(&admin)).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[tokio::test]
async fn a_private_communitys_consultation_is_not_found_by_outsiders() {
    let app = spawn_app().await;
    let (admin, [amy, ..]) = world(&app, "members").await;
    let id = open(&app, &admin, 2).await.assert_status(201)["id"].as_i64().expect("id");
    let olly = app.register("olly").await;
    app.get(&format!("/api/v1/consultations/{id}"), Some(&olly)).await.assert_error(404, "not_found");
    app.get(&format!("/api/v1/consultations/{id}"), None).await.assert_error(404, "not_found");
    app.get("/api/v1/communities/copd/consultations", Some(&olly)).await.assert_error(404, "not_found");
    app.get(&format!("/api/v1/consultations/{id}"), Some(&amy)).await.assert_status(200);
}

#[tokio::test]
async fn a_members_supports_are_in_their_export_and_leave_with_their_erasure() {
    let app = spawn_app().await;
    let (admin, [amy, ben, _]) = world(&app, "public").await;
    let (id, thread) = opened(&app, &admin, 2).await;
    let amys = app.reply(&amy, thread, None, "Evening classes.").await;
    app.put(&format!("/api/v1/consultations/{id}/answers/{amys}/support"), Some(&ben)).await.assert_status(204);
    app.post("/api/v1/me/export", Some(&ben), json!({})).await.assert_status(202);
    let export = crate::erasure::download(&app, &ben).await;
    assert_eq!(export["consultation_supports"][0]["answer_post_id"], amys);
    app.send(reqwest::Method::DELETE, "/api/v1/me", Some(&ben), Some(json!({ "password": crate::helpers::PASSWORD })))
        .await
        .assert_status(204);
    let seen = app.get(&format!("/api/v1/consultations/{id}"), Some(&amy)).await;
    assert_eq!(answer(seen.assert_status(200), amys)["supports"], 0, "the support left with ben");
}
