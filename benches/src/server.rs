//! Starts a `kindred` server for a benchmark: a fresh database (a SQLite
//! file, or a new database on a PostgreSQL server), an admin and a
//! community made with the command line, the server pinned to one core when
//! `taskset` is there, and a signed-in client for setup that has accepted
//! the guidelines and the health-data consent (so it may post).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

const PASSWORD: &str = "benchmark password";

pub struct Server {
    child: Child,
    pub address: String,
    pub token: String,
    /// What each setup command printed.
    pub setup_output: Vec<String>,
    _database: FreshDatabase,
}

/// Which database the server keeps its data in.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite,
    /// A new database on the PostgreSQL server at this URL (which may create databases).
    Postgres(String),
}

/// Where a scenario's server runs: which binary, on which core.
#[derive(clap::Args)]
pub struct Placement {
    /// The server binary, built with `--features bench`.
    #[arg(long, default_value_os_t = default_binary())]
    pub server: PathBuf,
    /// The core the server is pinned to.
    #[arg(long, default_value_t = 1)]
    pub server_core: u32,
}

/// The databases a scenario runs on: SQLite, and PostgreSQL when asked.
#[derive(clap::Args)]
pub struct Stores {
    /// Also run on a new database on this PostgreSQL server (a URL that may create databases).
    #[arg(long)]
    pub postgres: Option<String>,
}

impl Stores {
    pub fn all(&self) -> Vec<Store> {
        let mut stores = vec![Store::Sqlite];
        stores.extend(self.postgres.clone().map(Store::Postgres));
        stores
    }
}

impl Store {
    pub fn name(&self) -> &'static str {
        match self {
            Store::Sqlite => "SQLite",
            Store::Postgres(_) => "PostgreSQL",
        }
    }
}

impl Server {
    /// Starts the server with extra environment `settings`, on SQLite.
    pub async fn start(placement: &Placement, settings: &[(&str, String)]) -> anyhow::Result<Server> {
        Self::start_after(placement, settings, &[], &Store::Sqlite).await
    }

    /// Starts the server after running each of `setup` as `kindred admin ...`
    /// on a fresh database in `store` (the admin `bench` and community
    /// `bench` exist).
    pub async fn start_after(
        placement: &Placement,
        settings: &[(&str, String)],
        setup: &[&[&str]],
        store: &Store,
    ) -> anyhow::Result<Server> {
        let binary = placement.server.as_path();
        let fresh = FreshDatabase::create(store)?;
        let database = fresh.url.clone();
        admin(binary, &database, &["admin", "create-user", "--admin", "bench"], Some(PASSWORD)).await?;
        admin(
            binary,
            &database,
            &["admin", "create-community", "--slug", "bench", "--name", "Benchmark room", "--kind", "condition"],
            None,
        )
        .await?;
        let mut setup_output = Vec::new();
        for args in setup {
            setup_output.push(admin(binary, &database, args, None).await?);
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = if which("taskset") {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", &placement.server_core.to_string()]).arg(binary);
            taskset
        } else {
            Command::new(binary)
        };
        command
            .env("KINDRED_DATABASE_URL", &database)
            .env("KINDRED_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (name, value) in settings {
            command.env(name, value);
        }
        let child = command.spawn().context("starting the server")?;
        let address = format!("127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client.get(format!("http://{address}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let token = sign_in(&address, "bench", PASSWORD).await?;
        accept_consents(&client, &address, &token).await?;
        Ok(Server { child, address, token, setup_output, _database: fresh })
    }

    /// What the first setup command, `kindred admin seed`, reported making.
    pub fn seeded(&self) -> anyhow::Result<Value> {
        Ok(serde_json::from_str(self.setup_output.first().context("no seed was run")?)?)
    }

    /// Signs `username` in; returns the session's token.
    pub async fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<String> {
        sign_in(&self.address, username, password).await
    }

    /// The process id, for reading its memory.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The default room of the benchmark community.
    pub async fn room(&self) -> anyhow::Result<i64> {
        let rooms: Value = reqwest::Client::new()
            .get(format!("http://{}/api/v1/communities/bench/rooms", self.address))
            .bearer_auth(&self.token)
            .send()
            .await?
            .json()
            .await?;
        rooms[0]["id"].as_i64().context("the benchmark room")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn sign_in(address: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let signed_in: Value = reqwest::Client::new()
        .post(format!("http://{address}/api/v1/sessions"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("signing {username} in"))?
        .json()
        .await?;
    Ok(signed_in["token"].as_str().context("a session token")?.to_owned())
}

/// Accepts the current guidelines and health-data consent, without which
/// the server refuses posts and chat messages.
async fn accept_consents(client: &reqwest::Client, address: &str, token: &str) -> anyhow::Result<()> {
    let instance: Value = client.get(format!("http://{address}/api/v1/instance")).send().await?.json().await?;
    for (kind, document) in [("guidelines", "guidelines"), ("health_data", "health_data_consent")] {
        let version = instance[document]["version"].as_str().context("a consent version")?;
        client
            .post(format!("http://{address}/api/v1/me/consents"))
            .bearer_auth(token)
            .json(&json!({ "kind": kind, "version": version }))
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("accepting {kind}"))?;
    }
    Ok(())
}

/// `kindred admin seed` for these many communities, threads per community,
/// replies per thread and members.
pub fn seed_command(communities: u32, threads: u32, replies: u32, members: u32) -> Vec<String> {
    seed_command_with(communities, threads, replies, members, 0)
}

/// `seed_command`, with the last `members_only` communities members-only.
pub fn seed_command_with(communities: u32, threads: u32, replies: u32, members: u32, members_only: u32) -> Vec<String> {
    let mut command = vec!["admin".to_owned(), "seed".to_owned()];
    for (flag, value) in [
        ("--communities", communities),
        ("--threads", threads),
        ("--replies", replies),
        ("--members", members),
        ("--members-only", members_only),
    ] {
        command.push(flag.to_owned());
        command.push(value.to_string());
    }
    command
}

/// Runs `kindred <args>` on the database; returns what it printed.
async fn admin(binary: &Path, database: &str, args: &[&str], password: Option<&str>) -> anyhow::Result<String> {
    let mut child = tokio::process::Command::new(binary)
        .env("KINDRED_DATABASE_URL", database)
        .env("RUST_LOG", "error")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    if let (Some(password), Some(mut stdin)) = (password, child.stdin.take()) {
        stdin.write_all(format!("{password}\n{password}\n").as_bytes()).await?;
    }
    let output = child.wait_with_output().await?;
    anyhow::ensure!(output.status.success(), "kindred {} failed", args.join(" "));
    Ok(String::from_utf8(output.stdout)?)
}

/// A database made for one server and gone when the server is: a SQLite
/// file in a temporary folder, or a PostgreSQL database made with `psql`.
struct FreshDatabase {
    url: String,
    postgres: Option<(String, String)>,
    _folder: tempfile::TempDir,
}

impl FreshDatabase {
    fn create(store: &Store) -> anyhow::Result<Self> {
        let folder = tempfile::tempdir()?;
        let Store::Postgres(server) = store else {
            let url = format!("sqlite://{}", folder.path().join("bench.db").display());
            return Ok(FreshDatabase { url, postgres: None, _folder: folder });
        };
        let unique = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos();
        let name = format!("kindred_bench_{}_{unique}", std::process::id());
        psql(server, &format!("CREATE DATABASE {name}"))?;
        let (prefix, _) = server.rsplit_once('/').context("a PostgreSQL URL ends with /database")?;
        let url = format!("{prefix}/{name}");
        Ok(FreshDatabase { url, postgres: Some((server.clone(), name)), _folder: folder })
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            let _ = psql(server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

fn psql(server: &str, statement: &str) -> anyhow::Result<()> {
    let status = Command::new("psql").args([server, "-q", "-c", statement]).stdout(Stdio::null()).status()?;
    anyhow::ensure!(status.success(), "psql could not run {statement}");
    Ok(())
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// Resident memory of a process, in KiB.
pub fn resident_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("no VmRSS value")?.parse()?)
}

pub fn default_binary() -> PathBuf {
    PathBuf::from("target/release/kindred")
}
