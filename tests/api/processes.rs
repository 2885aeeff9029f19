//! Several server processes sharing one PostgreSQL database: live chat
//! fans out across them, and survives the loss of a LISTEN connection.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::RunQueryDsl;

use crate::helpers::{Account, Api, TestDatabase, fresh_database, postgres_admin_url};
use crate::live_client::{LiveClient, PATIENCE, default_room, seqs};
use crate::remembered_sessions::{me_from_memory, until_refused};
use serde_json::Value;

/// A `kindred` server running as its own process; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub api: Api,
}

impl ServerProcess {
    pub async fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_with(database_url, &[]).await
    }

    /// Starts a process with these `KINDRED_*` settings besides.
    pub async fn start_with(database_url: &str, settings: &[(&str, String)]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let child = Command::new(env!("CARGO_BIN_EXE_kindred"))
            .envs(settings.iter().map(|(name, value)| (*name, value.as_str())))
            .env("KINDRED_DATABASE_URL", database_url)
            .env("KINDRED_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .env("KINDRED_LIVE_MESSAGES_PER_SECOND", "1000")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let api = Api::new(format!("http://127.0.0.1:{port}"), database_url.to_owned());
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while api.client.get(api.url("/healthz")).send().await.map(|r| r.status() != 200).unwrap_or(true) {
            assert!(tokio::time::Instant::now() < deadline, "the server process did not become healthy");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        ServerProcess { child, api }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Ends every process's LISTEN connection to the test database.
fn terminate_listeners(database_url: &str) -> usize {
    terminate_backends(database_url, "application_name = 'kindred-live'")
}

/// Ends the connections to the test database that `condition` (SQL on
/// `pg_stat_activity`) picks, never the caller's own, and waits (up to 5 s
/// each) until their processes are gone, as after a restart: a process told
/// to end may otherwise answer a moment longer on a loaded machine. Returns
/// how many ended.
pub fn terminate_backends(database_url: &str, condition: &str) -> usize {
    let mut connection = kindred::db::establish_postgres(database_url).expect("a connection");
    #[derive(diesel::QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ended: bool,
    }
    let ended: Vec<Ended> = diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND {condition}"
    ))
    .load(&mut connection)
    .expect("the connections are found");
    ended.iter().filter(|row| row.ended).count()
}

/// Two processes on one fresh database, with a public community that amy
/// joined through the first and ben through the second.
struct Cast {
    _database: TestDatabase,
    url: String,
    first: ServerProcess,
    second: ServerProcess,
    admin: Account,
    amy: Account,
    ben: Account,
}

async fn cast() -> Cast {
    assert!(postgres_admin_url().is_some(), "set KINDRED_TEST_POSTGRES_URL to run this test");
    let (_database, url) = fresh_database();
    let first = ServerProcess::start(&url).await;
    let second = ServerProcess::start(&url).await;
    let admin = first.api.admin("admin").await;
    first.api.community(&admin, "copd", "public").await;
    let amy = first.api.register("amy").await;
    let ben = second.api.register("ben").await;
    first.api.join(&amy, "copd").await.assert_status(200);
    second.api.join(&ben, "copd").await.assert_status(200);
    Cast { _database, url, first, second, admin, amy, ben }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: .ci/run sets KINDRED_TEST_POSTGRES_URL and runs it with --include-ignored"]
async fn chat_reaches_clients_of_another_process_and_survives_a_lost_listen_connection() {
    let Cast { _database, url, first, second, admin, amy, ben } = cast().await;
    let room = default_room(&first.api, &amy, "copd").await;

    let mut amy_live = LiveClient::connect(&first.api, &amy).await;
    let mut ben_live = LiveClient::connect(&second.api, &ben).await;
    amy_live.subscribe(room, None).await;
    ben_live.subscribe(room, None).await;

    for n in 0..3 {
        amy_live.say(room, &format!("via the first process {n}"), &format!("a-{n}")).await;
    }
    assert_eq!(seqs(&ben_live.messages(3).await), vec![1, 2, 3]);

    ben_live.say(room, "via the second process", "b-0").await;
    let back = amy_live.messages(4).await;
    assert_eq!(seqs(&back), vec![1, 2, 3, 4], "amy sees her own messages and ben's, in order");

    assert!(terminate_listeners(&url) >= 2, "both processes had a LISTEN connection");
    for n in 0..5 {
        amy_live.say(room, &format!("while the listener is down {n}"), &format!("d-{n}")).await;
    }
    assert_eq!(seqs(&ben_live.messages(6).await), vec![4, 5, 6, 7, 8, 9], "nothing was lost");

    let latest = second.api.get(&format!("/api/v1/rooms/{room}/messages?limit=1"), Some(&ben)).await;
    let message_id = latest.body[0]["id"].as_i64().expect("id");
    second.api.delete(&format!("/api/v1/messages/{message_id}"), Some(&admin)).await.assert_status(204);
    assert_eq!(amy_live.next_of("deleted").await["id"], message_id, "a deletion crosses processes too");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: .ci/run sets KINDRED_TEST_POSTGRES_URL and runs it with --include-ignored"]
async fn a_notification_reaches_a_live_client_connected_to_another_process() {
    let Cast { _database, first, second, amy, ben, .. } = cast().await;
    let (thread, first_post) = first.api.thread(&amy, "copd", "Breathing exercises", "What helps?").await;

    let mut amy_live = LiveClient::connect(&first.api, &amy).await;
    second.api.reply(&ben, thread, Some(first_post), "Singing, @amy").await;
    let frame = amy_live.next_of("notification").await;
    assert_eq!(frame["notification"]["kind"], "reply", "a reply that mentions amy is one notification");
    assert_eq!(frame["unread_count"], 1);

    let room = default_room(&second.api, &ben, "copd").await;
    let mut ben_live = LiveClient::connect(&second.api, &ben).await;
    ben_live.subscribe(room, None).await;
    ben_live.say(room, "See you Friday @amy", "n-1").await;
    let frame = amy_live.next_of("notification").await;
    assert_eq!(frame["notification"]["room"]["id"], room, "a chat mention crosses processes too");
    assert_eq!(frame["unread_count"], 2);
}

/// The usernames a presence frame lists, in its order.
fn present(frame: &Value) -> Vec<String> {
    let members = frame["members"].as_array().expect("a presence frame lists members");
    members.iter().map(|member| member["username"].as_str().expect("a username").to_owned()).collect()
}

/// Reads presence frames until one lists exactly `expected` (sorted by
/// name), waiting up to `patience` for each frame.
async fn presence_becomes(live: &mut LiveClient, expected: &[&str], patience: Duration) {
    loop {
        let frame =
            live.next_within(patience).await.unwrap_or_else(|| panic!("closed before presence was {expected:?}"));
        if frame["type"] == "presence" && present(&frame) == expected {
            return;
        }
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: .ci/run sets KINDRED_TEST_POSTGRES_URL and runs it with --include-ignored"]
async fn presence_shows_members_of_every_process_and_fades_when_a_process_dies() {
    let Cast { _database, first, mut second, amy, ben, .. } = cast().await;
    let room = default_room(&first.api, &amy, "copd").await;

    let mut amy_live = LiveClient::connect(&first.api, &amy).await;
    amy_live.subscribe(room, None).await;
    presence_becomes(&mut amy_live, &["amy"], PATIENCE).await;
    let mut ben_live = LiveClient::connect(&second.api, &ben).await;
    ben_live.subscribe(room, None).await;
    presence_becomes(&mut ben_live, &["amy", "ben"], PATIENCE).await;
    presence_becomes(&mut amy_live, &["amy", "ben"], PATIENCE).await;

    ben_live.close().await;
    presence_becomes(&mut amy_live, &["amy"], PATIENCE).await;

    let mut ben_live = LiveClient::connect(&second.api, &ben).await;
    ben_live.subscribe(room, None).await;
    presence_becomes(&mut amy_live, &["amy", "ben"], PATIENCE).await;
    second.child.kill().expect("the second process is killed");
    let _ = second.child.wait();
    let lease = kindred::live::presence::LEASE + kindred::live::presence::RENEW_EVERY * 2;
    presence_becomes(&mut amy_live, &["amy"], lease).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: .ci/run sets KINDRED_TEST_POSTGRES_URL and runs it with --include-ignored"]
async fn a_session_signed_out_in_one_process_ends_in_the_others_even_across_a_lost_listen_connection() {
    assert!(postgres_admin_url().is_some(), "set KINDRED_TEST_POSTGRES_URL to run this test");
    let (_database, url) = fresh_database();
    // An hour's memory: only a note (or a lost LISTEN connection) can end a session in the second process.
    let remembering =
        [("KINDRED_SESSION_CACHE_SECONDS", "3600".to_owned()), ("KINDRED_METRICS_TOKEN", crate::metrics::TOKEN.into())];
    let first = ServerProcess::start_with(&url, &remembering).await;
    let second = ServerProcess::start_with(&url, &remembering).await;
    let amy = first.api.register("amy").await;

    me_from_memory(&second.api, &amy).await;
    first.api.delete("/api/v1/sessions/current", Some(&amy)).await.assert_status(204);
    until_refused(&second.api, &amy, "the second process hears of the sign-out")
        .await
        .assert_error(401, "session_invalid");

    let again = first.api.sign_in("amy", crate::helpers::PASSWORD).await;
    let amy = Account { token: again.assert_status(200)["token"].as_str().expect("a token").to_owned() };
    me_from_memory(&second.api, &amy).await;
    assert!(terminate_listeners(&url) >= 2, "both processes had a LISTEN connection");
    first.api.delete("/api/v1/sessions/current", Some(&amy)).await.assert_status(204);
    until_refused(&second.api, &amy, "the second process stops trusting what it may have missed")
        .await
        .assert_error(401, "session_invalid");
}
