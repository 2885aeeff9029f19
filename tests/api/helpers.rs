//! Starts the real server for one test: its own port, its own database (a
//! SQLite file, or a fresh PostgreSQL database when
//! `KINDRED_TEST_POSTGRES_URL` is set), and a small HTTP client for it.

use diesel::connection::SimpleConnection;
use kindred::config::Settings;
use kindred::db::{AnyConnection, DatabaseUrl};
use kindred::startup::Application;
use kindred::state::AppState;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::Arc;

pub const PASSWORD: &str = "a calm long password";

/// A server under test, started in this process.
pub struct TestApp {
    pub api: Api,
    pub state: Arc<AppState>,
    _database: TestDatabase,
}

impl std::ops::Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

/// Talks HTTP to a server and reaches its database directly.
#[derive(Clone)]
pub struct Api {
    pub address: String,
    pub database_url: String,
    pub client: reqwest::Client,
}

/// Where the test's data lives; removed when the test ends.
pub enum TestDatabase {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut connection) = kindred::db::establish_postgres(admin_url)
        {
            let _ = connection.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The PostgreSQL server tests run against, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("KINDRED_TEST_POSTGRES_URL").ok().filter(|url| !url.is_empty())
}

/// A fresh, empty database for one test, and its URL.
pub fn fresh_database() -> (TestDatabase, String) {
    match postgres_admin_url() {
        Some(admin_url) => {
            let name = format!("kindred_test_{}", random_suffix());
            let mut admin = kindred::db::establish_postgres(&admin_url).expect("connect to the test PostgreSQL server");
            admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create a test database");
            let url = replace_database_name(&admin_url, &name);
            (TestDatabase::Postgres { admin_url, name }, url)
        }
        None => {
            let folder = tempfile::tempdir().expect("temporary folder");
            let url = format!("sqlite://{}", folder.path().join("kindred.db").display());
            (TestDatabase::Sqlite(folder), url)
        }
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[authority_end..].find('/').map(|i| i + authority_end).unwrap_or(base.len());
    let mut replaced = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        replaced.push('?');
        replaced.push_str(query);
    }
    replaced
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let (database, database_url) = fresh_database();
    let (api, state) = start(database_url, adjust);
    TestApp { api, state, _database: database }
}

/// Starts a server on `database_url` in this process.
fn start(database_url: String, adjust: impl FnOnce(&mut Settings)) -> (Api, Arc<AppState>) {
    let mut settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        database_pool_size: 4,
        ..Settings::default()
    };
    adjust(&mut settings);
    let application = Application::build(settings).expect("the application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state();
    tokio::spawn(application.run_until_stopped());
    (Api::new(address, database_url), state)
}

impl TestApp {
    /// A second server on this test's database, as after a restart with other settings.
    pub fn beside(&self, adjust: impl FnOnce(&mut Settings)) -> Api {
        start(self.database_url.clone(), adjust).0
    }

    /// The state of a second server started on this test's database.
    pub fn state_beside(&self) -> Arc<AppState> {
        start(self.database_url.clone(), |_| {}).1
    }
}

/// A response's status and JSON body (`Value::Null` when there is none).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// Asserts an error reply with this status and code, and a message.
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert_eq!(self.body["error"]["code"], code, "unexpected error: {}", self.body);
        let message = self.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.ends_with('.'), "the message should be a sentence: {message:?}");
    }

    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        &self.body
    }
}

/// The tests' HTTP client. It drops an idle connection well before the
/// server's keep-alive (5 s) closes it, so a request after a long pause
/// (a test storing many rows directly) never goes out on a closed socket.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder().pool_idle_timeout(std::time::Duration::from_secs(2)).build().expect("an HTTP client")
}

/// A signed-in member as the tests drive them.
#[derive(Clone, Debug)]
pub struct Account {
    pub token: String,
}

impl Api {
    pub fn new(address: String, database_url: String) -> Self {
        Api { address, database_url, client: http_client() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn send(&self, method: Method, path: &str, who: Option<&Account>, body: Option<Value>) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(account) = who {
            request = request.bearer_auth(&account.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("the server answers")).await
    }

    pub async fn get(&self, path: &str, who: Option<&Account>) -> Reply {
        self.send(Method::GET, path, who, None).await
    }

    pub async fn post(&self, path: &str, who: Option<&Account>, body: Value) -> Reply {
        self.send(Method::POST, path, who, Some(body)).await
    }

    pub async fn put(&self, path: &str, who: Option<&Account>) -> Reply {
        self.send(Method::PUT, path, who, None).await
    }

    pub async fn patch(&self, path: &str, who: Option<&Account>, body: Value) -> Reply {
        self.send(Method::PATCH, path, who, Some(body)).await
    }

    pub async fn delete(&self, path: &str, who: Option<&Account>) -> Reply {
        self.send(Method::DELETE, path, who, None).await
    }

    pub async fn guidelines_version(&self) -> String {
        let instance = self.get("/api/v1/instance", None).await;
        instance.body["guidelines"]["version"].as_str().expect("a guidelines version").to_owned()
    }

    pub fn registration(&self, username: &str, guidelines_version: &str) -> Value {
        json!({
            "username": username,
            "display_name": format!("{username} (they/them)"),
            "password": PASSWORD,
            "guidelines_version": guidelines_version,
            "health_data_consent": true,
        })
    }

    /// Registers a member and returns their session.
    pub async fn register(&self, username: &str) -> Account {
        let version = self.guidelines_version().await;
        let reply = self.post("/api/v1/accounts", None, self.registration(username, &version)).await;
        let body = reply.assert_status(201);
        Account { token: body["token"].as_str().expect("a token").to_owned() }
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Reply {
        self.post("/api/v1/sessions", None, json!({ "username": username, "password": password })).await
    }

    /// Creates an instance admin the way the command line does, and signs in.
    pub async fn admin(&self, username: &str) -> Account {
        let password = kindred::domain::account::Password::parse(PASSWORD.into()).expect("a valid password");
        let mut connection = self.connect();
        kindred::admin::create_user(&mut connection, username, None, true, &password).expect("admin created");
        let reply = self.sign_in(username, PASSWORD).await;
        Account { token: reply.assert_status(200)["token"].as_str().expect("token").into() }
    }

    /// An admin who has accepted the guidelines and the health-data consent,
    /// so may post like a member.
    pub async fn posting_admin(&self, username: &str) -> Account {
        let admin = self.admin(username).await;
        let version = self.guidelines_version().await;
        for kind in ["guidelines", "health_data"] {
            let consent = json!({ "kind": kind, "version": version });
            self.post("/api/v1/me/consents", Some(&admin), consent).await.assert_status(201);
        }
        admin
    }

    /// Stores a visible reply to the thread's first post as `author` would,
    /// straight into the database: no request, no notifications, no limits.
    pub fn store_reply(&self, connection: &mut AnyConnection, thread: i64, author: &str, text: &str) -> i64 {
        use kindred::db::{posts, users};
        use kindred::domain::discussion::{PostBody, render};
        use kindred::domain::moderation::ContentState;

        let author = users::id_by_username(connection, author).expect("the author");
        let parent = posts::first_of(connection, thread).expect("the first post");
        let body = PostBody::parse(text.to_owned()).expect("a body");
        let html = render(body.as_str()).expect("rendered").html;
        let content =
            posts::NewContent { body, html, render_version: 1, content_warning: None, state: ContentState::Visible };
        posts::insert(connection, thread, Some(&parent), author, content).expect("stored").id
    }

    /// A direct connection to the test's database.
    pub fn connect(&self) -> AnyConnection {
        DatabaseUrl::parse(&self.database_url).expect("a valid URL").connect().expect("a connection")
    }

    /// Creates a community as `admin` and returns its slug.
    pub async fn community(&self, admin: &Account, slug: &str, visibility: &str) -> String {
        let reply = self
            .post(
                "/api/v1/communities",
                Some(admin),
                json!({
                    "slug": slug,
                    "name": format!("Community {slug}"),
                    "kind": "condition",
                    "description": "People living with **COPD**.",
                    "visibility": visibility,
                }),
            )
            .await;
        reply.assert_status(201);
        slug.to_owned()
    }

    pub async fn join(&self, who: &Account, slug: &str) -> Reply {
        self.post(&format!("/api/v1/communities/{slug}/membership"), Some(who), json!({})).await
    }

    /// Starts a thread and returns (thread id, first post id).
    pub async fn thread(&self, who: &Account, slug: &str, title: &str, body: &str) -> (i64, i64) {
        let reply = self
            .post(&format!("/api/v1/communities/{slug}/threads"), Some(who), json!({ "title": title, "body": body }))
            .await;
        let page = reply.assert_status(201);
        (page["thread"]["id"].as_i64().expect("thread id"), page["posts"][0]["id"].as_i64().expect("post id"))
    }

    /// Replies under `parent` and returns the new post's id.
    pub async fn reply(&self, who: &Account, thread: i64, parent: Option<i64>, body: &str) -> i64 {
        let reply = self
            .post(&format!("/api/v1/threads/{thread}/posts"), Some(who), json!({ "parent_id": parent, "body": body }))
            .await;
        reply.assert_status(201)["id"].as_i64().expect("post id")
    }
}

pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
    Reply { status, body }
}
