//! A member's data export (every kind of data, built in the background)
//! and erasure: afterwards no table on either backend holds the member's
//! username, email or display name, except content the instance's policy
//! keeps anonymised; threads keep their shape.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use kindred::config::ErasureContent;
use kindred::db::AnyConnection;
use reqwest::header;
use serde_json::{Value, json};

use crate::gzip_pages::assert_pieces_match_heads;
use crate::helpers::{Account, PASSWORD, TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};
use crate::remembered_sessions::until_refused;
use crate::smtp::SmtpSink;

const USERNAME: &str = "quillon7";
const EMAIL: &str = "quillon7@mail.example";

/// Everything a member can leave behind, seeded through the API.
struct Seeded {
    admin: Account,
    member: Account,
    ben: Account,
    thread: i64,
    first_post: i64,
    bens_reply: i64,
}

async fn seed(app: &TestApp, sink: &SmtpSink) -> Seeded {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let member = app.register(USERNAME).await;
    let ben = app.register("ben").await;
    for who in [&member, &ben] {
        app.join(who, "copd").await.assert_status(200);
    }
    let put_email = app.send(reqwest::Method::PUT, "/api/v1/me/email", Some(&member), Some(json!({ "email": EMAIL })));
    put_email.await.assert_status(202);
    let token = sink.letter_to(EMAIL, 1).await.token();
    app.post(&format!("/api/v1/email-verifications/{token}"), None, json!({})).await.assert_status(204);

    let watch = json!({ "level": "watching" });
    let follow = app.send(reqwest::Method::PUT, "/api/v1/communities/copd/follow", Some(&member), Some(watch));
    follow.await.assert_status(204);
    let (thread, first_post) = app.thread(&member, "copd", "Breathing exercises", "What helps you?").await;
    app.patch(&format!("/api/v1/posts/{first_post}"), Some(&member), json!({ "body": "What helps you most?" }))
        .await
        .assert_status(200);
    let bens_reply = app.reply(&ben, thread, Some(first_post), "Pursed-lip breathing").await;
    app.reply(&member, thread, Some(bens_reply), "Thanks, signed quillon7").await;
    app.put(&format!("/api/v1/posts/{bens_reply}/reactions/hug"), Some(&member)).await.assert_status(200);
    app.put("/api/v1/blocks/admin", Some(&member)).await.assert_status(204);
    app.put(&format!("/api/v1/blocks/{USERNAME}"), Some(&ben)).await.assert_status(204);

    let room = default_room(app, &member, "copd").await;
    let mut live = LiveClient::connect(app, &member).await;
    live.subscribe(room, None).await;
    live.say(room, "Morning all", &format!("{USERNAME}-1")).await;
    live.next_of("ack").await;
    live.close().await;
    let mute = json!({ "minutes": 5 });
    app.send(reqwest::Method::PUT, &format!("/api/v1/rooms/{room}/mutes/{USERNAME}"), Some(&admin), Some(mute))
        .await
        .assert_status(204);
    let report = json!({ "post_id": bens_reply, "reason": "other", "details": "Seems off-topic." });
    app.post("/api/v1/reports", Some(&member), report).await.assert_status(201);
    let actions = app.get("/api/v1/me/moderation", Some(&member)).await;
    let mute_entry = actions.assert_status(200)["entries"][0]["id"].as_i64().expect("the mute is logged");
    let appeal = json!({ "log_id": mute_entry, "body": "I was only answering a question." });
    app.post("/api/v1/appeals", Some(&member), appeal).await.assert_status(201);
    let link = app.post("/api/v1/me/invitations", Some(&member), json!({ "expires_in_days": 30 })).await;
    let code = link.assert_status(201)["code"].as_str().expect("a code").to_owned();
    let version = app.guidelines_version().await;
    let mut cleo = app.registration("cleo", &version);
    cleo["invitation"] = json!(code);
    app.post("/api/v1/accounts", None, cleo).await.assert_status(201);
    let suggestion = json!({ "community": "copd", "name": "Breathe easy, asked for by quillon7", "online": true });
    app.post("/api/v1/directory", Some(&member), suggestion).await.assert_status(201);
    let walk = json!({ "name": "Walsall walking group", "area_served": "Walsall" });
    let walk = app.post("/api/v1/directory", Some(&admin), walk).await.assert_status(201)["id"].as_i64().expect("id");
    app.put(&format!("/api/v1/me/directory/{walk}"), Some(&member)).await.assert_status(204);
    app.put(&format!("/api/v1/communities/copd/organisers/{USERNAME}"), Some(&admin)).await.assert_status(204);
    let event = json!({ "title": "Breathe easy walk", "starts": "2030-06-01T10:00", "ends": "2030-06-01T12:00",
        "time_zone": "Europe/London", "place": { "name": "The park" } });
    let created = app.post("/api/v1/communities/copd/events", Some(&member), event).await;
    let event = created.assert_status(201)["id"].as_i64().expect("an event id");
    let going = json!({ "answer": "going" });
    let rsvp = format!("/api/v1/events/{event}/rsvp");
    app.send(reqwest::Method::PUT, &rsvp, Some(&member), Some(going)).await.assert_status(200);
    let link = app.post("/api/v1/me/calendar-links", Some(&member), json!({ "community": "copd" })).await;
    link.assert_status(201);
    app.post("/api/v1/me/export", Some(&member), json!({})).await.assert_status(202);
    Seeded { admin, member, ben, thread, first_post, bens_reply }
}

async fn app_with(content: ErasureContent) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.smtp_url = Some(url);
        settings.erasure_content = content;
    })
    .await;
    (app, sink)
}

/// Polls the export until the document is ready, and returns it.
pub async fn download(app: &TestApp, who: &Account) -> Value {
    let mut document = Value::Null;
    for _ in 0..200 {
        let response =
            app.client.get(app.url("/api/v1/me/export")).bearer_auth(&who.token).send().await.expect("answer");
        assert_eq!(response.status(), 200);
        let attachment = response.headers().get(header::CONTENT_DISPOSITION).cloned();
        let body: Value = response.json().await.expect("JSON");
        if let Some(disposition) = attachment {
            assert!(disposition.to_str().expect("text").starts_with("attachment;"));
            document = body;
            break;
        }
        assert_eq!(body["status"], "pending");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(document.is_object(), "the export became ready");
    document
}

#[tokio::test]
async fn the_export_contains_every_kind_of_data_and_no_secrets() {
    let (app, sink) = app_with(ErasureContent::Anonymise).await;
    let seeded = seed(&app, &sink).await;
    let started = app.post("/api/v1/me/export", Some(&seeded.member), json!({})).await;
    assert_eq!(started.assert_status(202)["status"], "pending");
    let document = download(&app, &seeded.member).await;

    assert_eq!(document["profile"]["username"], USERNAME);
    assert_eq!(document["profile"]["email"], EMAIL);
    let kinds: Vec<&str> =
        document["consents"].as_array().expect("consents").iter().filter_map(|c| c["kind"].as_str()).collect();
    assert_eq!(kinds, ["guidelines", "health_data"]);
    assert_eq!(document["sessions"][0]["ip"], "127.0.0.1");
    assert_eq!(document["blocks"][0]["username"], "admin");
    assert_eq!(document["communities"]["memberships"][0]["community"], "copd");
    assert_eq!(document["threads"][0]["title"], "Breathing exercises");
    let first = &document["posts"][0];
    assert_eq!(first["id"], seeded.first_post);
    assert_eq!(first["body"], "What helps you most?");
    assert_eq!(first["earlier_versions"][0]["body"], "What helps you?");
    assert_eq!(document["posts"].as_array().expect("posts").len(), 2);
    assert_eq!(
        document["reactions"][0],
        json!({ "post_id": seeded.bens_reply, "kind": "hug", "created_at": document["reactions"][0]["created_at"] })
    );
    assert_eq!(document["chat_messages"][0]["body"], "Morning all");
    assert_eq!(document["sanctions"][0]["kind"], "mute");
    assert_eq!(document["moderation_actions"][0]["action"], "mute");
    assert_eq!(document["reports"][0]["subject_id"], seeded.bens_reply);
    assert_eq!(document["appeals"][0]["status"], "open");
    let follows = &document["follows"];
    assert_eq!(follows["communities"][0]["community"], "copd");
    assert_eq!(follows["communities"][0]["level"], "watching");
    assert_eq!(follows["threads"][0]["thread_id"], seeded.thread, "starting a thread follows it");
    assert_eq!(follows["threads"][0]["level"], "watching");
    let reply = &document["notifications"][0];
    assert_eq!(
        (&reply["kind"], &reply["actor"], &reply["subject_id"]),
        (&json!("reply"), &json!("ben"), &json!(seeded.bens_reply))
    );
    assert!(reply["read_at"].is_null());
    assert_eq!(document["invitations"][0]["joined"], 1, "{}", document["invitations"]);
    assert!(document["invitations"][0]["expires_at"].is_string());
    assert_eq!(document["joining"], json!({ "invitation": null, "application": null }));
    assert_eq!(document["directory"]["suggested"][0]["name"], "Breathe easy, asked for by quillon7");
    assert_eq!(document["directory"]["suggested"][0]["status"], "suggested");
    assert_eq!(document["directory"]["saved"][0]["name"], "Walsall walking group");
    assert_eq!(document["organiser_roles"][0]["community"], "copd");
    assert_eq!(document["calendar_links"][0]["community"], "copd");
    assert_eq!(
        (&document["events"][0]["title"], &document["events"][0]["answer"]),
        (&json!("Breathe easy walk"), &json!("going"))
    );
    let text = document.to_string();
    for secret in ["token", "password", &seeded.member.token] {
        assert!(!text.contains(secret), "the export holds no {secret}");
    }
    // Someone else's export is their own.
    app.get("/api/v1/me/export", Some(&seeded.ben)).await.assert_error(404, "not_found");
}

/// (table, column, as text) of every column in the database that holds
/// text or bytes (a kept post head is JSON kept as bytes), with the SQL that
/// reads it as lower-case text.
fn searchable_columns(connection: &mut AnyConnection) -> Vec<(String, String, String)> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(sql_type = Bool)]
        bytes: bool,
    }
    let (query, bytes_as_text): (&str, fn(&str) -> String) = match connection {
        AnyConnection::Sqlite(_) => (
            "SELECT m.name AS table_name, p.name AS column_name, upper(p.type) = 'BLOB' AS bytes \
             FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND upper(p.type) IN ('TEXT', 'BLOB')",
            |column| format!("CAST({column} AS TEXT)"),
        ),
        AnyConnection::Postgres(_) => (
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type = 'bytea' AS bytes \
             FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'bytea')",
            // Bytes outside ASCII are written as escapes; what is looked for is ASCII.
            |column| format!("encode({column}, 'escape')"),
        ),
    };
    let columns: Vec<Column> = diesel::sql_query(query).load(connection).expect("the columns");
    columns
        .into_iter()
        .map(|column| {
            let quoted = format!("\"{}\"", column.column_name);
            let text = if column.bytes { bytes_as_text(&quoted) } else { quoted };
            (column.table_name, column.column_name, format!("lower({text})"))
        })
        .collect()
}

/// Every (table, column) whose text contains `needle`, ignoring case.
fn traces(connection: &mut AnyConnection, needle: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        found: i64,
    }
    let placeholder = if matches!(connection, AnyConnection::Sqlite(_)) { "?" } else { "$1" };
    let mut found = Vec::new();
    for (table, column, text) in searchable_columns(connection) {
        let query = format!("SELECT COUNT(*) AS found FROM \"{table}\" WHERE {text} LIKE '%' || {placeholder} || '%'");
        let count: Count =
            diesel::sql_query(query).bind::<Text, _>(needle.to_lowercase()).get_result(connection).expect("a count");
        if count.found > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found
}

async fn erase_and_check(content: ErasureContent, kept_content: &[&str]) {
    let (app, sink) = app_with(content).await;
    let seeded = seed(&app, &sink).await;
    download(&app, &seeded.member).await;
    let mut live = LiveClient::connect(&app, &seeded.member).await;
    let mut connection = app.connect();
    assert!(!traces(&mut connection, USERNAME).is_empty(), "the scan finds the member before erasure");

    let erase = |password: &str| {
        app.send(reqwest::Method::DELETE, "/api/v1/me", Some(&seeded.member), Some(json!({ "password": password })))
    };
    erase("not the password").await.assert_error(403, "wrong_password");
    erase(PASSWORD).await.assert_status(204);
    assert!(live.next().await.is_none(), "the live connection closed");
    app.get("/api/v1/me", Some(&seeded.member)).await.assert_error(401, "session_invalid");
    app.sign_in(USERNAME, PASSWORD).await.assert_error(401, "invalid_credentials");

    use kindred::db::schema::{invitation_joins, invitations};
    let links: i64 = invitations::table.count().get_result(&mut connection).expect("a count");
    let joins: i64 = invitation_joins::table.count().get_result(&mut connection).expect("a count");
    assert_eq!((links, joins), (0, 0), "the member's links, and who came by them, went");
    // No post's text outlives it deflated for gzipped pages.
    assert_pieces_match_heads(&mut connection);
    for needle in [USERNAME, EMAIL, &format!("{USERNAME} (they/them)")] {
        let found = traces(&mut connection, needle);
        assert!(found.iter().all(|place| kept_content.contains(&place.as_str())), "{needle} found in {found:?}");
    }

    // The thread keeps its shape, under "a former member" or as removed posts.
    let page = app.get(&format!("/api/v1/threads/{}", seeded.thread), Some(&seeded.ben)).await;
    let page = page.assert_status(200);
    let posts = page["posts"].as_array().expect("posts");
    assert_eq!(posts.len(), 3);
    assert_eq!(posts[1]["id"], seeded.bens_reply);
    assert_eq!(posts[1]["body_html"], "<p>Pursed-lip breathing</p>\n");
    assert_eq!(posts[1]["reactions"], json!([]), "the member's reactions are gone");
    match content {
        ErasureContent::Anonymise => {
            assert_eq!(posts[0]["author"]["display_name"], "a former member");
            assert!(posts[0].get("blocked").is_none(), "blocks went with the account: {}", posts[0]);
            assert_eq!(page["thread"]["title"], "Breathing exercises");
        }
        ErasureContent::Remove => {
            assert!(posts[0]["deleted"] == true && posts[0]["body_html"].is_null() && posts[0]["author"].is_null());
            assert_eq!(posts[2]["deleted"], true);
            assert_eq!(page["thread"]["title"], "(removed)");
        }
    }
    // Their answers and organiser role went with the account.
    let organisers = app.get("/api/v1/communities/copd/organisers", None).await;
    assert_eq!(organisers.assert_status(200), &json!([]));
    let events = app.get("/api/v1/communities/copd/events", None).await;
    assert_eq!(events.assert_status(200)["events"][0]["going"], 0);
    // The erasure is recorded without personal data.
    #[derive(QueryableByName)]
    struct Recorded {
        #[diesel(sql_type = Text)]
        requested_by: String,
        #[diesel(sql_type = Text)]
        content_policy: String,
    }
    let recorded: Vec<Recorded> = diesel::sql_query("SELECT requested_by, content_policy FROM account_erasures")
        .load(&mut connection)
        .expect("the record");
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].requested_by.as_str(), recorded[0].content_policy.as_str()), ("member", content.as_str()));
}

#[tokio::test]
async fn erasure_with_anonymised_content_leaves_no_trace_outside_the_content_it_keeps() {
    erase_and_check(ErasureContent::Anonymise, &["posts.body", "posts.body_html"]).await;
}

#[tokio::test]
async fn erasure_with_removed_content_leaves_no_trace_at_all() {
    erase_and_check(ErasureContent::Remove, &[]).await;
}

#[tokio::test]
async fn an_admin_erases_an_account_on_request_and_others_cannot() {
    let (app, sink) = app_with(ErasureContent::Anonymise).await;
    let seeded = seed(&app, &sink).await;
    let path = format!("/api/v1/admin/users/{USERNAME}");
    app.delete(&path, Some(&seeded.ben)).await.assert_error(403, "forbidden");
    app.delete(&path, Some(&seeded.admin)).await.assert_status(204);
    app.get("/api/v1/me", Some(&seeded.member)).await.assert_error(401, "session_invalid");
    app.delete(&path, Some(&seeded.admin)).await.assert_error(404, "not_found");
    let mut connection = app.connect();
    assert_eq!(traces(&mut connection, EMAIL), Vec::<String>::new());
    // Someone may take the name afterwards.
    app.register(USERNAME).await;
}

#[tokio::test]
async fn the_command_line_erases_an_account() {
    let (app, sink) = app_with(ErasureContent::Remove).await;
    let seeded = seed(&app, &sink).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_kindred"))
        .env_remove("KINDRED_CONFIG")
        .env("RUST_LOG", "warn")
        .env("KINDRED_DATABASE_URL", &app.database_url)
        .env("KINDRED_ERASURE_CONTENT", "remove")
        .args(["admin", "erase-user", USERNAME])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut connection = app.connect();
    // A running SQLite server hears nothing from the command line: it trusts a
    // session it read within `session_cache_seconds` (2), and no longer.
    until_refused(&app, &seeded.member, "the running server sees the session ended")
        .await
        .assert_error(401, "session_invalid");
    for needle in [USERNAME, EMAIL] {
        assert_eq!(traces(&mut connection, needle), Vec::<String>::new(), "{needle}");
    }
}

/// Whether the file at `path` holds `needle` in any case, as raw bytes.
fn file_holds(path: &std::path::Path, needle: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else { return false };
    let (haystack, needle) = (bytes.to_ascii_lowercase(), needle.to_ascii_lowercase().into_bytes());
    haystack.windows(needle.len()).any(|window| window == needle.as_slice())
}

#[tokio::test]
async fn after_erasure_others_mentions_say_a_former_member_and_no_database_file_holds_the_member() {
    let (app, sink) = app_with(ErasureContent::Remove).await;
    let seeded = seed(&app, &sink).await;
    let mention =
        app.reply(&seeded.ben, seeded.thread, Some(seeded.bens_reply), "Thanks @Quillon7, that helped.").await;
    let room = default_room(&app, &seeded.ben, "copd").await;
    let mut live = LiveClient::connect(&app, &seeded.ben).await;
    live.subscribe(room, None).await;
    live.say(room, "Good to see you @quillon7", "ben-1").await;
    live.next_of("ack").await;
    let files = app.database_url.strip_prefix("sqlite://").map(|path| {
        let main = std::path::PathBuf::from(path);
        let wal = std::path::PathBuf::from(format!("{path}-wal"));
        [main, wal]
    });
    if let Some(files) = &files {
        assert!(files.iter().any(|file| file_holds(file, USERNAME)), "the scan finds the member before erasure");
    }

    let erased =
        app.send(reqwest::Method::DELETE, "/api/v1/me", Some(&seeded.member), Some(json!({ "password": PASSWORD })));
    erased.await.assert_status(204);

    let page = app.get(&format!("/api/v1/threads/{}", seeded.thread), Some(&seeded.ben)).await;
    let posts = page.assert_status(200)["posts"].as_array().expect("posts").clone();
    let reply = posts.iter().find(|post| post["id"] == mention).expect("ben's reply");
    assert_eq!(reply["body_html"], "<p>Thanks a former member, that helped.</p>\n", "no link, no name");
    let messages = app.get(&format!("/api/v1/rooms/{room}/messages?limit=5"), Some(&seeded.ben)).await;
    let messages = messages.assert_status(200).to_string();
    assert!(messages.contains("Good to see you a former member") && !messages.contains("/members/"), "{messages}");

    let mut connection = app.connect();
    for needle in [USERNAME, EMAIL] {
        assert_eq!(traces(&mut connection, needle), Vec::<String>::new(), "{needle}");
    }
    // On SQLite the raw files (the database and its write-ahead log, freed
    // pages included) hold no byte of the name, the display name or the email.
    for file in files.iter().flatten() {
        use kindred::db::schema::{invitation_joins, invitations};
        let links: i64 = invitations::table.count().get_result(&mut connection).expect("a count");
        let joins: i64 = invitation_joins::table.count().get_result(&mut connection).expect("a count");
        assert_eq!((links, joins), (0, 0), "the member's links, and who came by them, went");
        for needle in [USERNAME, EMAIL, &format!("{USERNAME} (they/them)")] {
            assert!(!file_holds(file, needle), "{} holds {needle}", file.display());
        }
    }
}
