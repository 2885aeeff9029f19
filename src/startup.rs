//! Builds the running application from settings: opens the database, binds
//! the listener (port 0 in tests) and returns a server ready to run.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{self, ErrorHandlers};
use actix_web::{App, HttpServer, web};

use crate::auth::csrf;
use crate::auth::password::Passwords;
use crate::auth::session_cache::SessionCache;
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db};
use crate::domain::instance::InstanceSettings;
use crate::headers;
use crate::instance::LiveInstance;
use crate::live::broker;
use crate::live::hub::Hub;
use crate::mail::{self, Mailer};
use crate::metrics::{self, Metrics};
use crate::moderate::review_due;
use crate::notify::notifier::Notifier;
use crate::pages::PageCache;
use crate::privacy::retention;
use crate::refuse;
use crate::routes::{self, errors};
use crate::safeguarding;
use crate::safety::Safety;
use crate::safety::limits::{self, LocalLimits};
use crate::state::AppState;
use crate::{instance, setup};

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    /// Opens everything the settings name; an error says what is wrong in
    /// one sentence (a bad database URL, a port in use).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        if settings.database_pool_size == 0 {
            anyhow::bail!("database_pool_size must be at least 1: the server reads through that many connections");
        }
        let url = DatabaseUrl::parse(&settings.database_url)?;
        let db = Db::open(&url, settings.database_pool_size)?;
        let listener = TcpListener::bind(&settings.addr)
            .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", settings.addr))?;
        let local = listener.local_addr()?;
        let public_url = settings.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
        let public_origin = origin_of(&public_url)?;
        if settings.metrics_token.as_ref().is_some_and(|token| token.trim().chars().count() < MIN_METRICS_TOKEN_CHARS) {
            anyhow::bail!("the metrics_token must be at least {MIN_METRICS_TOKEN_CHARS} characters long");
        }
        check_webhook(&settings)?;
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        let hub = Hub::new(
            db.clone(),
            settings.live_queue_capacity,
            settings.live_connections_per_member,
            settings.live_messages_per_second,
            !url.is_sqlite(),
            SessionCache::new(
                SESSIONS_REMEMBERED,
                Duration::from_secs(settings.session_cache_seconds),
                url.is_sqlite(),
            ),
        );
        if let DatabaseUrl::Postgres(url) = &url {
            tokio::spawn(broker::listen(url.clone(), hub.clone()));
        }
        let notifier = Notifier::new();
        tokio::spawn(notifier.clone().run(db.clone(), hub.clone(), NOTIFIER_SWEEP));
        let purge_every = Duration::from_secs(settings.purge_interval_seconds.max(1));
        tokio::spawn(retention::run(db.clone(), settings.ip_retention_days, purge_every));
        tokio::spawn(review_due::run(db.clone(), settings.directory_review_months, purge_every));
        let mut connection = url.connect()?;
        let instance = Arc::new(LiveInstance::load(InstanceSettings::defaults(&settings)?, &mut connection)?);
        let setup_link = setup::announce(&mut connection, &public_origin)?;
        drop(connection);
        tokio::spawn(instance::follow(db.clone(), instance.clone()));
        let pages = PageCache::new(settings.page_cache_entries, Duration::from_secs(settings.page_cache_seconds));
        let mut metrics = Metrics::default();
        metrics.count_caches(&pages, &hub.sessions);
        let state = web::Data::new(AppState {
            db,
            hub,
            notifier,
            passwords: Passwords::new(cores)?,
            mailer: Mailer::from_settings(&settings)?,
            mail_clock: mail::digest::Clock::from_settings(&settings)?,
            mornings: mail::digest::Mornings::from_settings(&settings)?,
            metrics,
            safety: Safety::load(instance.clone())?,
            instance,
            setup_link,
            pages,
            local_limits: LocalLimits::new(&settings),
            secure_cookies: public_origin.starts_with("https://"),
            public_origin,
            #[cfg(feature = "bench")]
            bench_hub: tokio::sync::broadcast::channel(settings.live_queue_capacity.max(16)).0,
            settings,
        });
        tokio::spawn(limits::housekeeping(state.clone().into_inner()));
        tokio::spawn(safeguarding::sweeper::run(state.clone().into_inner()));
        tokio::spawn(mail::worker::run(state.clone().into_inner()));
        tokio::spawn(mail::digest::run(state.clone().into_inner()));
        tokio::spawn(crate::notify::reminders::run(state.clone().into_inner()));
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(errors::json_config())
                .app_data(errors::path_config())
                .app_data(errors::query_config())
                .wrap(middleware::from_fn(csrf::enforce))
                .wrap(middleware::from_fn(refuse::nul_in_address))
                .wrap(ErrorHandlers::new().default_handler(errors::to_json))
                .wrap(middleware::from_fn(headers::secure))
                .wrap(middleware::Compress::default())
                .wrap(middleware::from_fn(routes::live::uncompressed_upgrades))
                .wrap(middleware::from_fn(metrics::record))
                .wrap(access_log())
                .configure(routes::configure)
                .default_service(web::to(routes::client::fallback))
        })
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
        .listen(listener)?
        .run();
        tracing::info!(address = %local, "Kindred is listening");
        Ok(Self { port: local.port(), server, state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state, for tests that inspect what the server did.
    pub fn state(&self) -> Arc<AppState> {
        self.state.clone().into_inner()
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully: websockets
    /// close with 1012 (service restart) so clients reconnect, requests in
    /// flight get `SHUTDOWN_GRACE` to finish, and SQLite's write-ahead log is
    /// merged and emptied, so a cold copy of the database file is whole.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self { mut server, state, .. } = self;
        let handle = server.handle();
        tokio::select! {
            stopped = &mut server => return stopped,
            () = stop_signal() => {}
        }
        tracing::info!("stopping: closing live connections and finishing requests in flight");
        state.hub.shut_down();
        // The server's own future carries out the stop, so both are awaited.
        let ((), served) = tokio::join!(handle.stop(true), server);
        served?;
        state.hub.forget_presence().await;
        if let Err(error) = state.db.empty_the_log().await {
            tracing::warn!(error = error.message(), "the database's write-ahead log was left as it was");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// Resolves on the first SIGTERM (a service manager stopping us) or SIGINT (Ctrl-C).
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut terminate), Ok(mut interrupt)) => {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        }
        (Err(error), _) | (_, Err(error)) => {
            tracing::error!(%error, "cannot listen for stop signals; stop the server with SIGKILL");
            std::future::pending::<()>().await;
        }
    }
}

/// One line per request: method, path, status, size and time. Never the
/// query string or a body; a path that carries a token is logged without
/// it, and one that names a member as its route's pattern (`{username}`),
/// so the log holds no member's name (an erasure could not reach it there).
fn access_log() -> middleware::Logger {
    // Read from the answer: once routed, a request names its route's
    // pattern without matching every route again.
    middleware::Logger::new("%{request}xo %s %b %Dms")
        .custom_response_replace("request", |response| {
            let request = response.request();
            format!("{} {}", request.method(), logged_path(request.path(), request.match_pattern().as_deref()))
        })
        .exclude("/healthz")
        .exclude("/metrics")
}

/// Sessions a process remembers at most (a few hundred bytes each).
const SESSIONS_REMEMBERED: usize = 10_000;

/// How often the notifier looks for posts queued by other processes or
/// left by one that stopped (its own posts it tells at once).
const NOTIFIER_SWEEP: Duration = Duration::from_secs(1);

/// How long requests in flight get to finish once the server is told to
/// stop; with the log merged after, the process is gone within 5 seconds.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Shortest metrics token (and webhook secret) accepted: long enough not to be guessed.
const MIN_METRICS_TOKEN_CHARS: usize = 16;

/// Paths whose last segment is a secret (an email link's token).
const SECRET_PATHS: [&str; 5] = [
    "/api/v1/password-resets/",
    "/api/v1/email-verifications/",
    "/api/v1/setup/",
    "/setup/",
    "/api/v1/mail-unsubscribe/",
];

fn logged_path(path: &str, pattern: Option<&str>) -> String {
    if let Some(pattern) = pattern.filter(|pattern| pattern.contains("{username}")) {
        return pattern.to_owned();
    }
    match SECRET_PATHS.iter().find(|prefix| path.starts_with(*prefix)) {
        Some(prefix) => format!("{prefix}<token>"),
        None => path.to_owned(),
    }
}

/// The safeguarding webhook needs an http(s) URL and a secret long enough
/// not to be guessed; one without the other stops the start.
fn check_webhook(settings: &Settings) -> anyhow::Result<()> {
    match settings.safeguarding_webhook() {
        None => Ok(()),
        Some((url, _)) if !(url.starts_with("https://") || url.starts_with("http://")) => {
            anyhow::bail!("the safeguarding_webhook_url must start with https:// (or http://)")
        }
        Some((_, secret)) if secret.chars().count() < MIN_METRICS_TOKEN_CHARS => anyhow::bail!(
            "the safeguarding_webhook_url needs a safeguarding_webhook_secret of at least {MIN_METRICS_TOKEN_CHARS} characters"
        ),
        Some(_) => Ok(()),
    }
}

/// `scheme://host[:port]` of a URL, as browsers send it in `Origin`.
fn origin_of(url: &str) -> anyhow::Result<String> {
    let (scheme, rest) =
        url.split_once("://").ok_or_else(|| anyhow::anyhow!("the public URL '{url}' needs a scheme, e.g. https://"))?;
    if scheme != "http" && scheme != "https" {
        anyhow::bail!("the public URL '{url}' must start with http:// or https://");
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() {
        anyhow::bail!("the public URL '{url}' names no host");
    }
    // The web client, the API and the links in letters all live at the root.
    if !path.is_empty() {
        anyhow::bail!(
            "the public URL '{url}' has a path; Kindred is served at the root of its host, e.g. {scheme}://{host}"
        );
    }
    Ok(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::{logged_path, origin_of};

    #[test]
    fn the_public_url_is_an_origin_at_the_root_of_its_host() {
        assert_eq!(origin_of("https://community.example.org").ok().as_deref(), Some("https://community.example.org"));
        assert_eq!(origin_of("http://127.0.0.1:8080/").ok().as_deref(), Some("http://127.0.0.1:8080"));
        let refused = origin_of("https://example.org/kindred").err().map(|error| error.to_string());
        assert!(refused.is_some_and(|message| message.contains("served at the root")));
        assert!(origin_of("ftp://example.org").is_err());
        assert!(origin_of("https://").is_err());
    }

    #[test]
    fn the_access_log_never_shows_a_link_token() {
        assert_eq!(logged_path("/api/v1/password-resets/abc123", None), "/api/v1/password-resets/<token>");
        assert_eq!(logged_path("/api/v1/email-verifications/abc123", None), "/api/v1/email-verifications/<token>");
        assert_eq!(logged_path("/api/v1/password-resets", None), "/api/v1/password-resets");
        assert_eq!(logged_path("/setup/abc123", None), "/setup/<token>");
        assert_eq!(logged_path("/api/v1/setup/abc123", None), "/api/v1/setup/<token>");
        assert_eq!(logged_path("/api/v1/mail-unsubscribe/7.replies.sig", None), "/api/v1/mail-unsubscribe/<token>");
        assert_eq!(logged_path("/api/v1/threads/7", Some("/api/v1/threads/{id}")), "/api/v1/threads/7");
    }

    #[test]
    fn the_access_log_never_names_a_member() {
        let pattern = Some("/api/v1/members/{username}");
        assert_eq!(logged_path("/api/v1/members/quinn", pattern), "/api/v1/members/{username}");
        let blocks = Some("/api/v1/blocks/{username}");
        assert_eq!(logged_path("/api/v1/blocks/quinn", blocks), "/api/v1/blocks/{username}");
    }
}
