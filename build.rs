//! Builds the web client (`frontend/`) into `frontend/dist` before the
//! server is compiled, so the binary embeds it (see `src/routes/client.rs`).
//! Cargo runs this again only when the client's sources change; it installs
//! the client's packages only when they are missing or the lock file is
//! newer. Needs Node.js 20 or newer and npm.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// The client's sources. Never `dist` or `node_modules`: the build writes
/// those, and watching them would rebuild forever.
const SOURCES: [&str; 5] = ["src", "index.html", "package.json", "package-lock.json", "vite.config.ts"];

const NEEDS_NODE: &str = "building Kindred's web client needs Node.js 20 or newer and npm: please install them";

fn main() {
    for source in SOURCES {
        println!("cargo::rerun-if-changed=frontend/{source}");
    }
    if let Err(message) = build_client(Path::new("frontend")) {
        // Fails the build with this one line as its error.
        println!("cargo::error={message}");
    }
}

fn build_client(frontend: &Path) -> Result<(), String> {
    check_node()?;
    if needs_install(frontend) {
        run(frontend, &["ci", "--no-audit", "--no-fund"])?;
    }
    run(frontend, &["run", "build"])
}

fn check_node() -> Result<(), String> {
    let output = Command::new("node").arg("--version").output().map_err(|_| NEEDS_NODE.to_owned())?;
    let version = String::from_utf8_lossy(&output.stdout);
    let major = version.trim().trim_start_matches('v').split('.').next().and_then(|major| major.parse::<u32>().ok());
    match major {
        Some(major) if major >= 20 && npm().arg("--version").output().is_ok_and(|npm| npm.status.success()) => Ok(()),
        _ => Err(format!("{NEEDS_NODE} (found node {})", version.trim())),
    }
}

/// True when `node_modules` is missing or older than the lock file.
fn needs_install(frontend: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|meta| meta.modified()).ok();
    let installed = modified(&frontend.join("node_modules/.package-lock.json"));
    let locked = modified(&frontend.join("package-lock.json")).unwrap_or(SystemTime::now());
    installed.is_none_or(|installed| locked > installed)
}

fn run(frontend: &Path, args: &[&str]) -> Result<(), String> {
    let command = format!("npm {}", args.join(" "));
    let status = npm().args(args).current_dir(frontend).status().map_err(|error| format!("{command}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{command}` failed in frontend/ ({status}); see its output above"))
    }
}

fn npm() -> Command {
    Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
}
