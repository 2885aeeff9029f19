//! Starts a `kindred` server for a benchmark: a fresh SQLite database, an
//! admin and a community made with the command line, the server pinned to
//! one core when `taskset` is there, and a signed-in client for setup that
//! has accepted the guidelines and the health-data consent (so it may post).

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
    _data: tempfile::TempDir,
}

impl Server {
    /// Starts `binary` with extra environment `settings`, on `core` if given.
    pub async fn start(binary: &Path, core: Option<u32>, settings: &[(&str, String)]) -> anyhow::Result<Server> {
        Self::start_after(binary, core, settings, &[]).await
    }

    /// Starts `binary` after running each of `setup` as `kindred admin ...`
    /// on the fresh database (the admin `bench` and community `bench` exist).
    pub async fn start_after(
        binary: &Path,
        core: Option<u32>,
        settings: &[(&str, String)],
        setup: &[&[&str]],
    ) -> anyhow::Result<Server> {
        let data = tempfile::tempdir()?;
        let database = format!("sqlite://{}", data.path().join("bench.db").display());
        admin(binary, &database, &["admin", "create-user", "--admin", "bench"], Some(PASSWORD)).await?;
        admin(
            binary,
            &database,
            &["admin", "create-community", "--slug", "bench", "--name", "Benchmark room", "--kind", "condition"],
            None,
        )
        .await?;
        for args in setup {
            admin(binary, &database, args, None).await?;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = match core {
            Some(core) if which("taskset") => {
                let mut taskset = Command::new("taskset");
                taskset.args(["-c", &core.to_string()]).arg(binary);
                taskset
            }
            _ => Command::new(binary),
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
        let signed_in: Value = client
            .post(format!("http://{address}/api/v1/sessions"))
            .json(&json!({ "username": "bench", "password": PASSWORD }))
            .send()
            .await?
            .json()
            .await?;
        let token = signed_in["token"].as_str().context("signing in")?.to_owned();
        accept_consents(&client, &address, &token).await?;
        Ok(Server { child, address, token, _data: data })
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

async fn admin(binary: &Path, database: &str, args: &[&str], password: Option<&str>) -> anyhow::Result<()> {
    let mut child = tokio::process::Command::new(binary)
        .env("KINDRED_DATABASE_URL", database)
        .env("RUST_LOG", "error")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    if let (Some(password), Some(mut stdin)) = (password, child.stdin.take()) {
        stdin.write_all(format!("{password}\n{password}\n").as_bytes()).await?;
    }
    anyhow::ensure!(child.wait().await?.success(), "kindred {} failed", args.join(" "));
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
