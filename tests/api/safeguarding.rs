//! Safeguarding, black-box: an urgent item reaches the instance's and the
//! community's safeguarding leads at once (live and in the inbox), by mail
//! with nothing but a link, through a signed webhook that is tried again,
//! and reaches the admins when nobody claims it in time.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{Account, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, PATIENCE};
use crate::smtp::SmtpSink;

pub const CRISIS_TEXT: &str = "I can't go on any more, I want to end it all tonight.";

/// A public community with its own safeguarding lead (cara), an instance
/// lead (lee), a moderator who is no lead (moira), members amy and ben, and
/// a second community with a lead of its own (otto).
pub struct Cast {
    pub app: TestApp,
    pub admin: Account,
    pub lee: Account,
    pub cara: Account,
    pub otto: Account,
    pub moira: Account,
    pub amy: Account,
    pub ben: Account,
    pub slug: String,
}

pub async fn cast_with(adjust: impl FnOnce(&mut kindred::config::Settings)) -> Cast {
    let app = spawn_app_with(adjust).await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "breathe-easy", "public").await;
    let other = app.community(&admin, "young-carers", "members").await;
    let [lee, cara, otto, moira, amy, ben] = [
        app.register("lee").await,
        app.register("cara").await,
        app.register("otto").await,
        app.register("moira").await,
        app.register("amy").await,
        app.register("ben").await,
    ];
    for member in [&moira, &amy, &ben] {
        app.join(member, &slug).await.assert_status(200);
    }
    app.put(&format!("/api/v1/communities/{slug}/moderators/moira"), Some(&admin)).await.assert_status(204);
    app.put("/api/v1/admin/safeguarding-leads/lee", Some(&admin)).await.assert_status(204);
    app.put(&format!("/api/v1/admin/communities/{slug}/safeguarding-leads/cara"), Some(&admin))
        .await
        .assert_status(204);
    app.put(&format!("/api/v1/admin/communities/{other}/safeguarding-leads/otto"), Some(&admin))
        .await
        .assert_status(204);
    Cast { app, admin, lee, cara, otto, moira, amy, ben, slug }
}

/// Waits, with a generous bound, until `probe` finds what it looks for.
pub async fn until<T, F: Future<Output = Option<T>>>(what: &str, mut probe: impl FnMut() -> F) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Cast {
    pub async fn inbox(&self, who: &Account) -> Value {
        self.app.get("/api/v1/notifications", Some(who)).await.assert_status(200).clone()
    }

    /// `who`'s inbox lines of `kind`.
    pub async fn lines_of(&self, who: &Account, kind: &str) -> Vec<Value> {
        let inbox = self.inbox(who).await;
        inbox["notifications"].as_array().expect("lines").iter().filter(|line| line["kind"] == kind).cloned().collect()
    }

    /// Ben replies in a crisis; returns (thread, post id, the reply as answered).
    pub async fn crisis_reply(&self) -> (i64, i64, Value) {
        let (thread, _) = self.app.thread(&self.amy, &self.slug, "Evenings", "How are evenings for you?").await;
        let reply = self
            .app
            .post(&format!("/api/v1/threads/{thread}/posts"), Some(&self.ben), json!({ "body": CRISIS_TEXT }))
            .await;
        let reply = reply.assert_status(201).clone();
        (thread, reply["id"].as_i64().expect("post id"), reply)
    }

    /// The open queue item about a post, as an admin sees it.
    pub async fn item_about(&self, post_id: i64) -> Value {
        let queue = self.app.get("/api/v1/moderation/queue", Some(&self.admin)).await;
        let items = queue.assert_status(200)["items"].as_array().expect("items").clone();
        items.into_iter().find(|item| item["subject_id"] == post_id).expect("an item about the post")
    }
}

/// Gives `username` a verified address, as the verification link would.
fn verified_email(app: &TestApp, username: &str, email: &str) {
    use diesel::prelude::*;
    use kindred::db::schema::users;
    let mut connection = app.connect();
    diesel::update(users::table.filter(users::username.eq(username)))
        .set((users::email.eq(Some(email)), users::email_verified_at.eq(Some(1_i64))))
        .execute(&mut connection)
        .expect("email set");
}

#[tokio::test]
async fn an_urgent_item_reaches_every_lead_for_it_live_and_in_the_inbox_at_once() {
    let cast = cast_with(|_| {}).await;
    let mut lee_live = LiveClient::connect(&cast.app, &cast.lee).await;
    let mut cara_live = LiveClient::connect(&cast.app, &cast.cara).await;

    let (_, post_id, _) = cast.crisis_reply().await;
    let item_id = cast.item_about(post_id).await["id"].as_i64().expect("item id");
    for live in [&mut lee_live, &mut cara_live] {
        let frame = live.next_of("notification").await;
        let line = &frame["notification"];
        assert_eq!(line["kind"], "safeguarding_alert", "{frame}");
        assert_eq!(line["item_id"], item_id);
        assert_eq!(line["community"], cast.slug);
        assert_eq!(frame["unread_count"], 1);
        let said = line.to_string();
        assert!(!said.contains("end it all") && !said.contains("ben"), "names no member and no text: {said}");
    }
    // In the inbox too; not for the other community's lead, a moderator who
    // is no lead, or the author.
    assert_eq!(cast.lines_of(&cast.cara, "safeguarding_alert").await.len(), 1);
    for bystander in [&cast.otto, &cast.moira, &cast.ben] {
        assert!(cast.lines_of(bystander, "safeguarding_alert").await.is_empty());
    }
    // The community's lead sees the item in their queue and may open it; the other community's may not.
    let queue = cast.app.get("/api/v1/moderation/queue", Some(&cast.cara)).await;
    assert_eq!(queue.assert_status(200)["items"][0]["id"], item_id);
    cast.app.get(&format!("/api/v1/moderation/items/{item_id}"), Some(&cast.cara)).await.assert_status(200);
    cast.app.get(&format!("/api/v1/moderation/items/{item_id}"), Some(&cast.otto)).await.assert_error(403, "forbidden");

    // A risk-of-harm report makes an urgent item that alerts them as well.
    let (thread, first) = cast.app.thread(&cast.amy, &cast.slug, "Mornings", "Mornings are slow.").await;
    let worrying = cast.app.reply(&cast.ben, thread, Some(first), "Thanks, see you tomorrow.").await;
    cast.app
        .post("/api/v1/reports", Some(&cast.amy), json!({ "post_id": worrying, "reason": "risk_of_harm" }))
        .await
        .assert_status(201);
    let frame = cara_live.next_of("notification").await;
    assert_eq!(frame["notification"]["kind"], "safeguarding_alert");
    assert_eq!(frame["unread_count"], 2);
    // A second report of the same item adds to it and alerts nobody again.
    cast.app
        .post("/api/v1/reports", Some(&cast.moira), json!({ "post_id": worrying, "reason": "risk_of_harm" }))
        .await
        .assert_status(201);
    assert_eq!(cast.lines_of(&cast.cara, "safeguarding_alert").await.len(), 2);
    assert_eq!(cast.inbox(&cast.cara).await["unread_count"], 2);
}

#[tokio::test]
async fn only_admins_appoint_a_communitys_safeguarding_leads() {
    let cast = cast_with(|_| {}).await;
    let path = format!("/api/v1/admin/communities/{}/safeguarding-leads", cast.slug);
    cast.app.put(&format!("{path}/amy"), Some(&cast.moira)).await.assert_error(403, "forbidden");
    cast.app.get(&path, Some(&cast.moira)).await.assert_error(403, "forbidden");
    cast.app.put(&format!("{path}/nobody"), Some(&cast.admin)).await.assert_error(404, "not_found");
    assert_eq!(cast.app.get(&path, Some(&cast.admin)).await.assert_status(200), &json!(["cara"]));
    let me = cast.app.get("/api/v1/me", Some(&cast.cara)).await;
    assert_eq!(me.assert_status(200)["safeguards"], json!([cast.slug]), "a client knows to offer the desk");
    cast.app.delete(&format!("{path}/cara"), Some(&cast.admin)).await.assert_status(204);
    assert_eq!(cast.app.get(&path, Some(&cast.admin)).await.assert_status(200), &json!([]));
    // Stood down, cara no longer hears of urgent items there.
    cast.crisis_reply().await;
    until("the instance lead is told", || async {
        (!cast.lines_of(&cast.lee, "safeguarding_alert").await.is_empty()).then_some(())
    })
    .await;
    assert!(cast.lines_of(&cast.cara, "safeguarding_alert").await.is_empty());
}

#[tokio::test]
async fn the_alert_email_carries_only_a_link_never_the_post_or_the_member() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let cast = cast_with(|settings| settings.smtp_url = Some(url)).await;
    verified_email(&cast.app, "cara", "cara@example.org");
    verified_email(&cast.app, "lee", "lee@example.org");
    verified_email(&cast.app, "moira", "moira@example.org");

    let (_, post_id, _) = cast.crisis_reply().await;
    let item_id = cast.item_about(post_id).await["id"].as_i64().expect("item id");
    for address in ["cara@example.org", "lee@example.org"] {
        let letter = sink.letter_to(address, 1).await;
        let text = letter.data.replace("=\n", "").replace("=3D", "=");
        assert!(text.contains("Subject: An urgent safeguarding item is waiting"), "{text}");
        assert!(text.contains(&format!("/moderation/items/{item_id}")), "the letter links to the item: {text}");
        for private in ["end it all", "ben", "breathe", "Breathe", "Evenings", "COPD"] {
            assert!(!text.contains(private), "the letter must not say {private:?}: {text}");
        }
    }
    // Only the leads are mailed.
    assert!(sink.letters_to("moira@example.org").is_empty());
}

/// Moves every alert back in time by `minutes`, in one statement, as the clock would.
fn age_alerts(app: &TestApp, minutes: i64) {
    use diesel::prelude::*;
    use kindred::db::schema::safeguarding_alerts as alerts;
    let mut connection = app.connect();
    diesel::update(alerts::table)
        .set(alerts::raised_at.eq(alerts::raised_at - minutes * 60_000))
        .execute(&mut connection)
        .expect("alerts aged");
}

#[tokio::test]
async fn an_urgent_item_nobody_claims_in_time_is_escalated_to_the_admins_and_a_claimed_one_is_not() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let cast = cast_with(|settings| settings.smtp_url = Some(url)).await;
    verified_email(&cast.app, "admin", "admin@example.org");
    let mut admin_live = LiveClient::connect(&cast.app, &cast.admin).await;
    let (_, claimed_post, _) = cast.crisis_reply().await;
    let (_, waiting_post, _) = cast.crisis_reply().await;
    let claimed = cast.item_about(claimed_post).await["id"].as_i64().expect("item id");
    let waiting = cast.item_about(waiting_post).await["id"].as_i64().expect("item id");
    cast.app.put(&format!("/api/v1/moderation/items/{claimed}/claim"), Some(&cast.cara)).await.assert_status(204);

    // Nine minutes on, within the default ten, nothing is escalated; at eleven the waiting one is.
    age_alerts(&cast.app, 9);
    assert!(cast.lines_of(&cast.admin, "safeguarding_escalation").await.is_empty());
    age_alerts(&cast.app, 2);
    let frame = admin_live.next_of("notification").await;
    assert_eq!(frame["notification"]["kind"], "safeguarding_escalation", "{frame}");
    assert_eq!(frame["notification"]["item_id"], waiting);
    let lines = cast.lines_of(&cast.admin, "safeguarding_escalation").await;
    assert_eq!(lines.len(), 1, "the claimed item is not escalated: {lines:?}");
    assert_eq!(lines[0]["count"], 1, "escalated once");
    let letter = sink.letter_to("admin@example.org", 1).await;
    let text = letter.data.replace("=\n", "").replace("=3D", "=");
    assert!(text.contains("Subject: An urgent safeguarding item has not been picked up"), "{text}");
    assert!(text.contains(&format!("/moderation/items/{waiting}")) && !text.contains("end it all"), "{text}");
    // The lead was told at once as before; only the admins hear of the wait.
    assert!(cast.lines_of(&cast.cara, "safeguarding_escalation").await.is_empty());
}

/// One request the test's webhook receiver took.
#[derive(Debug, Clone)]
struct Delivery {
    signature: String,
    body: Vec<u8>,
}

/// A tiny HTTP server that answers 500 to the first delivery and 204 to the rest.
async fn webhook_receiver() -> (String, Arc<Mutex<Vec<Delivery>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}/hooks/kindred", listener.local_addr().expect("an address"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            let delivery = loop {
                let read = stream.read(&mut chunk).await.unwrap_or(0);
                if read == 0 {
                    break None;
                }
                request.extend_from_slice(&chunk[..read]);
                if let Some(delivery) = parse_request(&request) {
                    break Some(delivery);
                }
            };
            let Some(delivery) = delivery else { continue };
            let first = {
                let mut all = kept.lock().expect("deliveries");
                all.push(delivery);
                all.len() == 1
            };
            let answer: &[u8] = if first {
                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            } else {
                b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"
            };
            let _ = stream.write_all(answer).await;
            let _ = stream.shutdown().await;
        }
    });
    (url, received)
}

/// A whole request (headers and a body of its content-length), if it has all arrived.
fn parse_request(bytes: &[u8]) -> Option<Delivery> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines().find_map(|line| line.strip_prefix(&format!("{name}:")).map(|value| value.trim().to_owned()))
    };
    let length: usize = header("content-length")?.parse().ok()?;
    if bytes.len() < end + length {
        return None;
    }
    Some(Delivery { signature: header("x-kindred-signature")?, body: bytes[end..end + length].to_vec() })
}

const WEBHOOK_SECRET: &str = "a webhook secret for the tests";

#[tokio::test]
async fn the_webhook_is_signed_names_only_the_link_community_and_risk_and_is_tried_again() {
    let (url, received) = webhook_receiver().await;
    let cast = cast_with(|settings| {
        settings.safeguarding_webhook_url = Some(url);
        settings.safeguarding_webhook_secret = Some(WEBHOOK_SECRET.into());
    })
    .await;
    let (_, post_id, _) = cast.crisis_reply().await;
    let item_id = cast.item_about(post_id).await["id"].as_i64().expect("item id");
    let deliveries = until("the second delivery arrives", || async {
        let all = received.lock().expect("deliveries").clone();
        (all.len() >= 2).then_some(all)
    })
    .await;
    assert_eq!(deliveries[0].body, deliveries[1].body, "the failed delivery is sent again as it was");
    for delivery in &deliveries {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(WEBHOOK_SECRET.as_bytes()).expect("a key");
        mac.update(&delivery.body);
        let expected: String = mac.finalize().into_bytes().iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(delivery.signature, format!("sha256={expected}"), "the signature verifies");
    }
    let payload: Value = serde_json::from_slice(&deliveries[1].body).expect("JSON");
    let url = payload["item_url"].as_str().expect("a link");
    assert!(url.ends_with(&format!("/moderation/items/{item_id}")), "{payload}");
    assert_eq!(payload["community"], cast.slug);
    assert_eq!(payload["risk"], "high");
    let mut keys: Vec<&String> = payload.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["community", "event", "item_url", "risk"], "nothing else: {payload}");
}

#[tokio::test]
async fn a_webhook_without_a_long_enough_secret_stops_the_start() {
    let (_database, database_url) = crate::helpers::fresh_database();
    let settings = |secret: Option<&str>| kindred::config::Settings {
        addr: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        safeguarding_webhook_url: Some("https://oncall.example.org/hook".into()),
        safeguarding_webhook_secret: secret.map(str::to_owned),
        ..kindred::config::Settings::default()
    };
    for secret in [None, Some("fifteen chars!!")] {
        let refused = kindred::startup::Application::build(settings(secret)).err().expect("the start is refused");
        assert!(refused.to_string().contains("safeguarding_webhook_secret of at least 16"), "{refused}");
    }
    assert!(kindred::startup::Application::build(settings(Some("sixteen chars!!!"))).is_ok());
}

#[tokio::test]
async fn with_two_processes_sweeping_an_item_is_escalated_once() {
    let cast = cast_with(|_| {}).await;
    // A second server on the same database: its sweeper runs too.
    let _second = cast.app.beside(|_| {});
    let (_, first_post, _) = cast.crisis_reply().await;
    let first = cast.item_about(first_post).await["id"].as_i64().expect("item id");
    age_alerts(&cast.app, 11);
    until("the first item is escalated", || async {
        let lines = cast.lines_of(&cast.admin, "safeguarding_escalation").await;
        lines.iter().any(|line| line["item_id"] == first).then_some(())
    })
    .await;
    // Both processes go on sweeping: a later item escalates after more sweeps, and the first still once.
    let (_, second_post, _) = cast.crisis_reply().await;
    let second = cast.item_about(second_post).await["id"].as_i64().expect("item id");
    age_alerts(&cast.app, 11);
    let lines = until("the second item is escalated", || async {
        let lines = cast.lines_of(&cast.admin, "safeguarding_escalation").await;
        lines.iter().any(|line| line["item_id"] == second).then_some(lines)
    })
    .await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|line| line["count"] == 1), "each escalated once: {lines:?}");
}
