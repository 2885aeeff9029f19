//! Notification mail over real SMTP (a sink the test starts): a reply is
//! mailed once, discreetly unless the member asked for details, with RFC
//! 8058 one-click unsubscribe; mail read before its delay is dropped;
//! digests go at each member's local morning by a settable clock; the
//! outbox holds letters while the mail server is down and across a kill.

use std::time::Duration;

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, Api, TestApp, fresh_database, spawn_app_with};
use crate::live_client::eventually;
use crate::processes::ServerProcess;
use crate::smtp::{Received, SmtpSink};

const INSTANCE: &str = "Breathe Easy Walsall";
const PUBLIC_URL: &str = "https://breathe.example.org";
const TITLE: &str = "My viral load results";
const REPLY: &str = "Hang in there, the numbers improve";

/// A community (`hivplus`, named "Community hivplus") where amy started a
/// thread; amy and carol have verified addresses, bartholomew has none.
struct Cast {
    app: TestApp,
    sink: SmtpSink,
    admin: Account,
    amy: Account,
    bart: Account,
    carol: Account,
    thread: i64,
    first_post: i64,
    carol_thread: i64,
    carol_post: i64,
}

async fn cast(adjust: impl FnOnce(&mut kindred::config::Settings)) -> Cast {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.smtp_url = Some(url);
        settings.instance_name = INSTANCE.into();
        settings.public_url = Some(PUBLIC_URL.into());
        settings.email_delay_seconds = 1;
        adjust(settings);
    })
    .await;
    let admin = app.admin("admin").await;
    app.community(&admin, "hivplus", "public").await;
    let amy = app.register("amy").await;
    let bart = app.register("bartholomew").await;
    let carol = app.register("carol").await;
    for who in [&amy, &bart, &carol] {
        app.join(who, "hivplus").await.assert_status(200);
    }
    verify(&app, &sink, &amy, "amy@example.org").await;
    verify(&app, &sink, &carol, "carol@example.org").await;
    let (thread, first_post) = app.thread(&amy, "hivplus", TITLE, "Feeling scared about the numbers").await;
    let (carol_thread, carol_post) = app.thread(&carol, "hivplus", "Carol's question", "Anyone else tired?").await;
    Cast { app, sink, admin, amy, bart, carol, thread, first_post, carol_thread, carol_post }
}

/// Sets and verifies `email` through the link mailed to it (the first letter to it).
async fn verify(app: &Api, sink: &SmtpSink, who: &Account, email: &str) {
    app.send(Method::PUT, "/api/v1/me/email", Some(who), Some(json!({ "email": email }))).await.assert_status(202);
    let token = sink.letter_to(email, 1).await.token();
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_status(204);
}

async fn preferences(app: &Api, who: &Account, change: Value) -> Value {
    app.patch("/api/v1/me/mail-preferences", Some(who), change).await.assert_status(200).clone()
}

/// The token in a letter's `List-Unsubscribe` address.
fn unsubscribe_token(letter: &Received) -> String {
    let header = letter.header("List-Unsubscribe").expect("a List-Unsubscribe header");
    let start = header.find("/mail-unsubscribe/").expect("the unsubscribe address") + "/mail-unsubscribe/".len();
    header[start..].trim_end_matches('>').to_owned()
}

/// No more than `n` letters reach `address` (waiting a little for a stray one).
async fn no_more_than(sink: &SmtpSink, address: &str, n: usize) {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let letters = sink.letters_to(address);
    assert_eq!(letters.len(), n, "{:#?}", letters.iter().map(Received::subject).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_reply_is_mailed_once_naming_only_the_instance_with_one_click_unsubscribe() {
    let cast = cast(|_| {}).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;

    let letter = cast.sink.letter_to("amy@example.org", 2).await;
    assert_eq!(letter.subject(), format!("You have a new reply on {INSTANCE}"));
    let unsubscribe = letter.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(unsubscribe.starts_with(&format!("<{PUBLIC_URL}/api/v1/mail-unsubscribe/")), "{unsubscribe}");
    assert_eq!(letter.header("List-Unsubscribe-Post").as_deref(), Some("List-Unsubscribe=One-Click"));
    assert!(letter.header("Content-Type").is_some_and(|kind| kind.starts_with("multipart/alternative")));
    let readable = letter.readable();
    for secret in ["hivplus", "Community", "viral load", "Hang in there", "bartholomew", "Feeling scared"] {
        assert!(!readable.contains(secret), "the letter discloses {secret:?}: {readable}");
    }
    assert!(letter.text().contains(&format!("Choose which emails you get: {PUBLIC_URL}/account#mail")));
    assert!(letter.text().contains(&format!("{PUBLIC_URL}/notifications")));
    let html = letter.html();
    assert!(html.contains("<html lang=\"en\">") && html.contains(&format!("<a href=\"{PUBLIC_URL}/account#mail\">")));
    no_more_than(&cast.sink, "amy@example.org", 2).await;
    assert_eq!(cast.sink.letters_to("carol@example.org").len(), 1, "carol heard of nothing");
}

#[tokio::test]
async fn with_details_chosen_the_letter_names_the_thread_community_author_and_quotes_the_reply() {
    let cast = cast(|_| {}).await;
    let chosen = preferences(&cast.app, &cast.amy, json!({ "include_details": true })).await;
    assert_eq!(chosen["include_details"], true);
    assert_eq!(chosen["kinds"]["replies"], "immediately", "the rest stays as it was");
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;

    let letter = cast.sink.letter_to("amy@example.org", 2).await;
    assert_eq!(letter.subject(), format!("bartholomew (they/them) replied to you in “{TITLE}” (Community hivplus)"));
    assert!(letter.text().contains(&format!("> {REPLY}")), "{}", letter.text());
    assert!(letter.html().contains(&format!("<blockquote><p>{REPLY}</p>")), "{}", letter.html());
    assert!(letter.header("List-Unsubscribe").is_some());
}

#[tokio::test]
async fn a_member_who_reads_the_reply_before_the_delay_gets_no_mail() {
    let cast = cast(|settings| settings.email_delay_seconds = 2).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;
    cast.app.reply(&cast.bart, cast.carol_thread, Some(cast.carol_post), REPLY).await;
    cast.app.post("/api/v1/notifications/read-all", Some(&cast.amy), json!({})).await.assert_status(204);

    let carols = cast.sink.letter_to("carol@example.org", 2).await;
    assert_eq!(carols.subject(), format!("You have a new reply on {INSTANCE}"), "carol did not read hers");
    no_more_than(&cast.sink, "amy@example.org", 1).await;
    let mut connection = cast.app.connect();
    let waiting: i64 = kindred::db::schema::mail_outbox::table.count().get_result(&mut connection).expect("a count");
    assert_eq!(waiting, 0, "the unread letter went and the read one was dropped");
}

#[tokio::test]
async fn the_unsubscribe_link_turns_off_that_kind_for_that_member_only_without_a_session() {
    let cast = cast(|_| {}).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;
    let token = unsubscribe_token(&cast.sink.letter_to("amy@example.org", 2).await);
    let (member, rest) = token.split_once('.').expect("member.topic.signature");
    let other = member.parse::<i64>().expect("a member id") + 2;
    for forged in [format!("{other}.{rest}"), token.replacen(".replies.", ".mentions.", 1), "1.replies.abc".into()] {
        let refused = cast.app.post(&format!("/api/v1/mail-unsubscribe/{forged}"), None, json!({})).await;
        refused.assert_error(404, "invalid_link");
    }
    let before_carol = cast.app.get("/api/v1/me/mail-preferences", Some(&cast.carol)).await.body;

    // What a mail client sends (RFC 8058): a form body, no session, no cookie.
    let response = cast
        .app
        .client
        .post(cast.app.url(&format!("/api/v1/mail-unsubscribe/{token}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("JSON")["topic"], "replies");

    let amys = cast.app.get("/api/v1/me/mail-preferences", Some(&cast.amy)).await.body;
    assert_eq!(amys["kinds"]["replies"], "never");
    assert_eq!(amys["kinds"]["mentions"], "immediately");
    assert_eq!(amys["kinds"]["watched"], "weekly");
    assert_eq!(amys["include_details"], false);
    assert_eq!(cast.app.get("/api/v1/me/mail-preferences", Some(&cast.carol)).await.body, before_carol);

    // Another reply sends nothing; a mention still comes.
    let second = cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), "And another thing").await;
    cast.app.reply(&cast.bart, cast.thread, Some(second), "Thinking of you @amy").await;
    let mention = cast.sink.letter_to("amy@example.org", 3).await;
    assert_eq!(mention.subject(), format!("Someone mentioned you on {INSTANCE}"));
    no_more_than(&cast.sink, "amy@example.org", 3).await;
}

#[tokio::test]
async fn preferences_refuse_what_is_not_a_choice() {
    let cast = cast(|_| {}).await;
    let patch = |body| cast.app.patch("/api/v1/me/mail-preferences", Some(&cast.amy), body);
    patch(json!({ "time_zone": "Mars/Olympus" })).await.assert_error(422, "invalid_time_zone");
    patch(json!({ "time_zone": "x".repeat(65) })).await.assert_error(422, "invalid_time_zone");
    patch(json!({ "kinds": { "replies": "hourly" } })).await.assert_error(400, "invalid_body");
    patch(json!({ "kinds": { "everything": "never" } })).await.assert_error(400, "invalid_body");
    let unchanged = cast.app.get("/api/v1/me/mail-preferences", Some(&cast.amy)).await.body;
    assert_eq!(unchanged["time_zone"], Value::Null, "nothing was stored half-way");
    assert_eq!(unchanged["kinds"]["replies"], "immediately");
    let chosen = preferences(&cast.app, &cast.amy, json!({ "time_zone": "Europe/London" })).await;
    assert_eq!(chosen["time_zone"], "Europe/London");
    let cleared = preferences(&cast.app, &cast.amy, json!({ "time_zone": null })).await;
    assert_eq!(cleared["time_zone"], Value::Null);
    assert_eq!(cleared["instance_time_zone"], "UTC");
    cast.app.get("/api/v1/me/mail-preferences", None).await.assert_error(401, "not_signed_in");
}

/// A second server on the cast's database whose digest clock starts at `moment`.
fn server_at(cast: &Cast, moment: &str) -> Api {
    let url = cast.sink.url();
    cast.app.beside(|settings| {
        settings.smtp_url = Some(url);
        settings.instance_name = INSTANCE.into();
        settings.public_url = Some(PUBLIC_URL.into());
        settings.digest_clock_start_for_tests = Some(moment.into());
    })
}

/// The letter to `address` whose subject is `subject`, once it arrives.
async fn letter_titled(sink: &SmtpSink, address: &str, subject: &str) -> Received {
    let find = || sink.letters_to(address).into_iter().find(|letter| letter.subject() == subject);
    eventually(&format!("{subject:?} reaches {address}"), || find().is_some()).await;
    find().expect("the letter")
}

#[tokio::test]
async fn a_digest_arrives_at_each_members_local_morning_with_what_is_unread() {
    // Monday 2 March 2026, 06:00 UTC: 06:00 in London, 15:00 in Tokyo.
    let cast = cast(|settings| settings.digest_clock_start_for_tests = Some("2026-03-02T06:00:00Z".into())).await;
    preferences(&cast.app, &cast.amy, json!({ "kinds": { "replies": "daily" }, "time_zone": "Europe/London" })).await;
    let carols = json!({ "kinds": { "replies": "daily" }, "time_zone": "Asia/Tokyo", "include_details": true });
    preferences(&cast.app, &cast.carol, carols).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), "And a second one").await;
    for _ in 0..3 {
        cast.app.reply(&cast.bart, cast.carol_thread, Some(cast.carol_post), REPLY).await;
    }
    no_more_than(&cast.sink, "amy@example.org", 1).await;

    // 08:00 in London: amy's morning, not carol's (17:00 in Tokyo).
    let _london_morning = server_at(&cast, "2026-03-02T07:59:59Z");
    let daily = letter_titled(&cast.sink, "amy@example.org", &format!("Your daily digest from {INSTANCE}")).await;
    assert!(daily.text().contains("- 2 new replies"), "{}", daily.text());
    assert!(daily.html().contains("<li>2 new replies</li>"), "{}", daily.html());
    assert!(unsubscribe_token(&daily).contains(".daily_digest."));
    // Monday: the weekly digest too, with what she follows by default: a busy thread, unnamed.
    let weekly = letter_titled(&cast.sink, "amy@example.org", &format!("Your weekly digest from {INSTANCE}")).await;
    assert!(
        weekly.text().contains("Busy conversations in your communities:\n\n- 1 busy conversation"),
        "{}",
        weekly.text()
    );
    for letter in [&daily, &weekly] {
        for secret in ["hivplus", "viral load", "Carol's question", "Hang in there", "bartholomew"] {
            assert!(!letter.readable().contains(secret), "a digest discloses {secret:?}");
        }
    }
    no_more_than(&cast.sink, "carol@example.org", 1).await;

    // 08:00 in Tokyo (23:00 UTC): carol's, with the details she chose.
    let _tokyo_morning = server_at(&cast, "2026-03-02T22:59:59Z");
    let digest = cast.sink.letter_to("carol@example.org", 2).await;
    assert!(digest.text().contains("- “Carol's question” (Community hivplus): 3 new replies"), "{}", digest.text());
    no_more_than(&cast.sink, "amy@example.org", 3).await;
}

#[tokio::test]
async fn a_moderator_who_asked_gets_a_daily_count_of_the_queue() {
    let cast = cast(|settings| settings.digest_clock_start_for_tests = Some("2026-03-02T06:00:00Z".into())).await;
    verify(&cast.app, &cast.sink, &cast.admin, "admin@example.org").await;
    preferences(&cast.app, &cast.admin, json!({ "moderator_digest": true })).await;
    let report = json!({ "post_id": cast.first_post, "reason": "other" });
    cast.app.post("/api/v1/reports", Some(&cast.carol), report).await.assert_status(201);

    let _morning = server_at(&cast, "2026-03-02T07:59:59Z");
    eventually("the queue digest reaches the admin", || {
        cast.sink
            .letters_to("admin@example.org")
            .iter()
            .any(|letter| letter.subject().starts_with("The moderation queue"))
    })
    .await;
    let letters = cast.sink.letters_to("admin@example.org");
    let digest = letters.iter().find(|letter| letter.subject().starts_with("The moderation queue")).expect("it");
    assert_eq!(digest.subject(), format!("The moderation queue on {INSTANCE}: 1 open"));
    assert!(digest.text().contains(&format!("{PUBLIC_URL}/moderation")), "{}", digest.text());
    assert!(!digest.readable().contains("viral load"));
    assert!(unsubscribe_token(digest).contains(".queue_digest."));
    no_more_than(&cast.sink, "amy@example.org", 1).await;
}

/// A port nothing listens on (yet).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("an address").port()
}

fn outbox(api: &Api) -> Vec<(i32, Option<i64>)> {
    use kindred::db::schema::mail_outbox::dsl::*;
    let mut connection = api.connect();
    mail_outbox.select((attempts, claimed_until)).load(&mut connection).expect("the outbox")
}

#[tokio::test]
async fn while_the_mail_server_is_down_letters_wait_and_go_once_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(|settings| {
        settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        settings.mail_retry_seconds = 1;
    })
    .await;
    let amy = app.register("amy").await;
    app.send(Method::PUT, "/api/v1/me/email", Some(&amy), Some(json!({ "email": "amy@example.org" })))
        .await
        .assert_status(202);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !outbox(&app).iter().any(|(tries, _)| *tries >= 2) {
        assert!(tokio::time::Instant::now() < deadline, "the letter was tried twice");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let sink = SmtpSink::start_on(port).await;
    let letter = sink.letter_to("amy@example.org", 1).await;
    assert!(letter.subject().starts_with("Confirm your email address"));
    no_more_than(&sink, "amy@example.org", 1).await;
    assert!(outbox(&app).is_empty());
}

#[tokio::test]
async fn after_the_sender_is_killed_between_claim_and_send_every_letter_goes_once() {
    let sink = SmtpSink::start_stalled().await;
    let (_database, url) = fresh_database();
    let settings = [("KINDRED_SMTP_URL", sink.url()), ("KINDRED_MAIL_LEASE_SECONDS", "2".to_owned())];
    let mut first = ServerProcess::start_with(&url, &settings).await;
    let addresses: Vec<String> = (0..5).map(|n| format!("member{n}@example.org")).collect();
    for (n, address) in addresses.iter().enumerate() {
        let who = first.api.register(&format!("member{n}")).await;
        let set = first.api.send(Method::PUT, "/api/v1/me/email", Some(&who), Some(json!({ "email": address })));
        set.await.assert_status(202);
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !(outbox(&first.api).len() == 5 && outbox(&first.api).iter().any(|(_, claimed)| claimed.is_some())) {
        assert!(tokio::time::Instant::now() < deadline, "the process claimed a letter");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.child.kill().expect("kill -9");
    first.child.wait().expect("it ended");
    assert!(sink.letters().is_empty(), "nothing was sent before the kill");

    sink.open();
    let second = ServerProcess::start_with(&url, &settings).await;
    for address in &addresses {
        sink.letter_to(address, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for address in &addresses {
        assert_eq!(sink.letters_to(address).len(), 1, "{address} got one letter");
    }
    assert!(outbox(&second.api).is_empty());
}

#[tokio::test]
#[ignore = "needs PostgreSQL: .ci/run sets KINDRED_TEST_POSTGRES_URL and runs it with --include-ignored"]
async fn two_processes_on_one_database_send_each_letter_once() {
    assert!(crate::helpers::postgres_admin_url().is_some(), "set KINDRED_TEST_POSTGRES_URL to run this test");
    let sink = SmtpSink::start_stalled().await;
    let (_database, url) = fresh_database();
    let settings = [("KINDRED_SMTP_URL", sink.url())];
    let first = ServerProcess::start_with(&url, &settings).await;
    let second = ServerProcess::start_with(&url, &settings).await;
    let addresses: Vec<String> = (0..12).map(|n| format!("member{n}@example.org")).collect();
    for (n, address) in addresses.iter().enumerate() {
        let api = if n % 2 == 0 { &first.api } else { &second.api };
        let who = api.register(&format!("member{n}")).await;
        api.send(Method::PUT, "/api/v1/me/email", Some(&who), Some(json!({ "email": address })))
            .await
            .assert_status(202);
    }
    // Both processes have claimed what they could while the server held back.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sink.open();
    for address in &addresses {
        sink.letter_to(address, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    for address in &addresses {
        assert_eq!(sink.letters_to(address).len(), 1, "{address} got one letter");
    }
}

#[tokio::test]
async fn an_erased_members_waiting_mail_and_choices_are_forgotten() {
    let cast = cast(|settings| settings.email_delay_seconds = 60).await;
    preferences(&cast.app, &cast.amy, json!({ "include_details": true })).await;
    cast.app.reply(&cast.bart, cast.thread, Some(cast.first_post), REPLY).await;
    let waiting = |connection: &mut kindred::db::AnyConnection| -> (i64, i64) {
        use kindred::db::schema::{mail_outbox, mail_preferences};
        let letters = mail_outbox::table.count().get_result(connection).expect("a count");
        let choices = mail_preferences::table.count().get_result(connection).expect("a count");
        (letters, choices)
    };
    let mut connection = cast.app.connect();
    assert_eq!(waiting(&mut connection), (1, 2), "amy's letter waits; amy and carol have choices");

    let erase = json!({ "password": crate::helpers::PASSWORD });
    cast.app.send(Method::DELETE, "/api/v1/me", Some(&cast.amy), Some(erase)).await.assert_status(204);
    assert_eq!(waiting(&mut connection), (0, 1), "only carol's choices are left");
}

#[tokio::test]
async fn a_members_mail_choices_are_in_their_data_export() {
    let cast = cast(|_| {}).await;
    preferences(
        &cast.app,
        &cast.amy,
        json!({ "kinds": { "replies": "weekly" }, "time_zone": "Europe/London", "include_details": true }),
    )
    .await;
    cast.app.post("/api/v1/me/export", Some(&cast.amy), json!({})).await.assert_status(202);
    let document = crate::erasure::download(&cast.app, &cast.amy).await;
    let chosen = &document["mail_preferences"];
    assert_eq!(chosen["cadences"]["replies"], "weekly", "{document}");
    assert_eq!(chosen["cadences"]["mentions"], "immediately");
    assert_eq!(chosen["time_zone"], "Europe/London");
    assert_eq!(chosen["include_details"], true);
}
