//! The `kindred` command: serve (the default), migrate, backup, and admin tasks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kindred::config::Settings;
use kindred::db::{self, DatabaseUrl};
use kindred::domain::community::{CommunityKind, Place, Visibility};
use kindred::routes::communities::CommunityDraft;
use kindred::{admin, startup, telemetry};

#[derive(Parser)]
#[command(name = "kindred", version, about = "A self-hosted server for online peer-support communities in health")]
struct Cli {
    /// Settings file (default: ./kindred.toml if present).
    #[arg(long, env = "KINDRED_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (what `kindred` with no subcommand does).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Copy the SQLite database to a new file, checked, while the server runs (PostgreSQL: use pg_dump).
    Backup {
        /// The backup's file name; it must not exist yet.
        to: PathBuf,
    },
    /// Instance administration.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account; the password is asked for twice (or read as two lines from stdin).
    CreateUser {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Make the account an instance admin.
        #[arg(long)]
        admin: bool,
    },
    /// Create a community.
    CreateCommunity {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// condition or place
        #[arg(long, value_parser = ["condition", "place"])]
        kind: String,
        /// public, members or approval
        #[arg(long, value_parser = ["public", "members", "approval"], default_value = "public")]
        visibility: String,
        /// The place's name (place communities).
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Set a new password for an account and end its sessions.
    ResetPassword { username: String },
    /// Erase an account on its member's request: personal data goes, content follows `erasure_content`.
    EraseUser { username: String },
    /// Benchmarks only: communities of seeded members, threads and reply trees; prints what it made as JSON.
    #[cfg(feature = "bench")]
    Seed {
        #[arg(long, default_value_t = 1)]
        communities: u32,
        /// Threads per community.
        #[arg(long, default_value_t = 100)]
        threads: u32,
        /// Replies per thread, on average (exactly this many in each community's first thread).
        #[arg(long, default_value_t = 20)]
        replies: u32,
        #[arg(long, default_value_t = 100)]
        members: u32,
        /// How many of the communities (the last ones) are members-only; the rest are public.
        #[arg(long, default_value_t = 0)]
        members_only: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Benchmarks only: open `items` moderation queue items in a community, written by `author`.
    #[cfg(feature = "bench")]
    SeedQueue {
        #[arg(long)]
        community: String,
        #[arg(long)]
        author: String,
        #[arg(long, default_value_t = 10_000)]
        items: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Benchmarks only: set a goal in `community` by `author`, with `contributors`
    /// seeded members (`member-1`...) pledging and logging to it; prints its id.
    #[cfg(feature = "bench")]
    SeedGoal {
        #[arg(long)]
        community: String,
        #[arg(long)]
        author: String,
        #[arg(long, default_value_t = 10_000)]
        contributors: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Benchmarks only: add `entries` approved entries to the instance-wide directory, suggested by `author`.
    #[cfg(feature = "bench")]
    SeedDirectory {
        #[arg(long)]
        author: String,
        #[arg(long, default_value_t = 10_000)]
        entries: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kindred: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::Backup { to } => {
            let bytes = db::backup::back_up(&DatabaseUrl::parse(&settings.database_url)?, &to)?;
            println!("Backed up the database to {} ({:.1} MiB, checked).", to.display(), bytes as f64 / 1_048_576.0);
            Ok(())
        }
        Command::Admin(command) => run_admin(&settings, command),
    }
}

/// Brings the database's schema up to date and says what that took.
fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let mut connection = DatabaseUrl::parse(&settings.database_url)?.connect()?;
    let applied = db::run_migrations(&mut connection)?;
    match applied.as_slice() {
        [] => println!("The database is up to date: no migrations to apply."),
        [only] => println!("Applied 1 migration ({only}); the database is up to date."),
        [first, .., last] => {
            println!("Applied {} migrations ({first} to {last}); the database is up to date.", applied.len())
        }
    }
    Ok(())
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let application = startup::Application::build(settings)?;
        application.run_until_stopped().await?;
        Ok(())
    })
}

fn run_admin(settings: &Settings, command: AdminCommand) -> anyhow::Result<()> {
    let mut connection = admin::connect(settings)?;
    match command {
        AdminCommand::CreateUser { username, display_name, admin: is_admin } => {
            let password = admin::read_new_password()?;
            admin::create_user(&mut connection, &username, display_name.as_deref(), is_admin, &password)?;
            println!("Created {username}.");
        }
        AdminCommand::CreateCommunity { slug, name, kind, visibility, place, region, description } => {
            let kind = if kind == "place" { CommunityKind::Place } else { CommunityKind::Condition };
            let visibility = match visibility.as_str() {
                "members" => Visibility::Members,
                "approval" => Visibility::Approval,
                _ => Visibility::Public,
            };
            let place = place.map(|name| Place { name, region, latitude: None, longitude: None });
            let draft = CommunityDraft {
                slug: slug.clone(),
                name,
                kind,
                place,
                description,
                rules: String::new(),
                banner: String::new(),
                visibility,
            };
            admin::create_community(&mut connection, draft)?;
            println!("Created community {slug}.");
        }
        AdminCommand::ResetPassword { username } => {
            let password = admin::read_new_password()?;
            admin::reset_password(&mut connection, &username, &password)?;
            println!("Set a new password for {username} and ended their sessions.");
        }
        AdminCommand::EraseUser { username } => {
            admin::erase_user(&mut connection, settings, &username)?;
            println!("Erased the account {username}.");
        }
        #[cfg(feature = "bench")]
        AdminCommand::Seed { communities, threads, replies, members, members_only, seed } => {
            let plan = kindred::seed::Plan { communities, threads, replies, members, members_only, seed };
            let (started, mut next_report) = (std::time::Instant::now(), 0);
            let seeded = kindred::seed::seed_discussions(&mut connection, settings, &plan, |posts| {
                if posts >= next_report {
                    eprintln!("{posts} posts after {:.0} s", started.elapsed().as_secs_f64());
                    next_report = posts + 50_000;
                }
            })?;
            println!("{}", serde_json::to_string(&seeded)?);
        }
        #[cfg(feature = "bench")]
        AdminCommand::SeedQueue { community, author, items, seed } => {
            kindred::seed::seed_queue(&mut connection, &community, &author, items, seed)?;
            println!("Opened {items} queue items in {community}.");
        }
        #[cfg(feature = "bench")]
        AdminCommand::SeedGoal { community, author, contributors, seed } => {
            let goal = kindred::seed::seed_goal(&mut connection, &community, &author, contributors, seed)?;
            println!("{}", serde_json::json!({ "goal": goal }));
        }
        #[cfg(feature = "bench")]
        AdminCommand::SeedDirectory { author, entries, seed } => {
            kindred::seed::seed_directory(&mut connection, &author, entries, seed)?;
            println!("Added {entries} directory entries.");
        }
    }
    Ok(())
}
