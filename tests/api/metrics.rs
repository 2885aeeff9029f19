//! `/metrics` for the admin's Prometheus: off without a token, refused
//! without the right one, and counting what happened by route, not by id.

use kindred::config::Settings;
use kindred::startup::Application;
use serde_json::json;

use crate::helpers::{Api, TestApp, fresh_database, spawn_app, spawn_app_with};
use crate::live_client::LiveClient;

pub const TOKEN: &str = "a metrics token long enough";
const CRISIS_TEXT: &str = "I can't go on any more, I want to end it all tonight.";

async fn with_metrics() -> TestApp {
    spawn_app_with(|settings| settings.metrics_token = Some(TOKEN.into())).await
}

/// What Prometheus sends in `Accept` when it scrapes.
const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// The metrics text as Prometheus reads it with `token`.
pub async fn scrape(app: &Api, token: &str) -> String {
    let request = app.client.get(app.url("/metrics")).bearer_auth(token).header("accept", PROMETHEUS_ACCEPT);
    let response = request.send().await.expect("answers");
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"].to_str().expect("text").to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    response.text().await.expect("a body")
}

/// The value of the series written exactly as `series`, if present.
pub fn value_of(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_are_off_until_a_token_is_set() {
    let app = spawn_app().await;
    app.get("/metrics", None).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn metrics_are_refused_without_the_token() {
    let app = with_metrics().await;
    app.get("/metrics", None).await.assert_error(401, "metrics_token_invalid");
    let wrong = app.client.get(app.url("/metrics")).bearer_auth("a metrics token long enougH").send().await;
    assert_eq!(wrong.expect("answers").status(), 401);
}

#[tokio::test]
async fn a_metrics_token_under_16_characters_stops_the_server_from_starting() {
    let (_database, database_url) = fresh_database();
    let with_token = |token: &str| Settings {
        addr: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        metrics_token: Some(token.into()),
        ..Settings::default()
    };
    let Err(error) = Application::build(with_token("fifteen chars!!")) else { panic!("a short token is refused") };
    assert!(error.to_string().contains("at least 16 characters"), "{error}");
    assert!(Application::build(with_token("sixteen chars!!!")).is_ok(), "16 characters are enough");
}

#[tokio::test]
async fn requests_are_counted_by_route_and_status_class() {
    let app = with_metrics().await;
    let admin = app.admin("ada").await;
    let slug = app.community(&admin, "copd", "public").await;
    app.get(&format!("/api/v1/communities/{slug}"), None).await.assert_status(200);
    app.get(&format!("/api/v1/communities/{slug}"), None).await.assert_status(200);
    app.get("/api/v1/communities/nowhere", None).await.assert_status(404);

    let text = scrape(&app, TOKEN).await;
    let community = r#"route="/api/v1/communities/{slug}""#;
    assert_eq!(
        value_of(&text, &format!(r#"kindred_http_requests_total{{method="GET",{community},status="2xx"}}"#)),
        Some(2.0)
    );
    assert_eq!(
        value_of(&text, &format!(r#"kindred_http_requests_total{{method="GET",{community},status="4xx"}}"#)),
        Some(1.0)
    );
    assert_eq!(value_of(&text, &format!(r#"kindred_http_request_duration_seconds_count{{{community}}}"#)), Some(3.0));
    assert!(!text.contains("nowhere"), "a path's values never become labels");
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn the_backlogs_and_live_connections_are_read_when_scraped() {
    let app = with_metrics().await;
    let admin = app.admin("ada").await;
    let slug = app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    for member in [&amy, &ben] {
        app.join(member, &slug).await.assert_status(200);
    }
    let before = scrape(&app, TOKEN).await;
    assert_eq!(value_of(&before, r#"kindred_moderation_queue_open_items{urgency="urgent"}"#), Some(0.0));
    assert_eq!(value_of(&before, "kindred_live_connections"), Some(0.0));

    let (thread, first) = app.thread(&amy, &slug, "Evenings", "How are evenings for you?").await;
    let spammy = app.reply(&amy, thread, Some(first), "Visit my shop").await;
    app.post("/api/v1/reports", Some(&ben), json!({ "post_id": spammy, "reason": "spam" })).await.assert_status(201);
    app.reply(&ben, thread, Some(first), CRISIS_TEXT).await;
    let _live = LiveClient::connect(&app, &amy).await;

    let after = scrape(&app, TOKEN).await;
    assert_eq!(value_of(&after, r#"kindred_moderation_queue_open_items{urgency="urgent"}"#), Some(1.0));
    assert_eq!(value_of(&after, r#"kindred_moderation_queue_open_items{urgency="routine"}"#), Some(1.0));
    let waited = value_of(&after, "kindred_moderation_queue_oldest_urgent_seconds").expect("the urgent wait");
    assert!(waited >= 0.0);
    assert_eq!(value_of(&after, "kindred_live_connections"), Some(1.0));
    assert!(value_of(&after, "kindred_notification_outbox_posts").is_some());
}

#[tokio::test]
async fn without_asking_for_openmetrics_every_metric_has_help_and_type_in_the_classic_format() {
    let app = with_metrics().await;
    app.get("/api/v1/instance", None).await.assert_status(200);
    let response = app.client.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.expect("answers");
    let kind = response.headers()["content-type"].to_str().expect("text").to_owned();
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    let text = response.text().await.expect("a body");

    let declared = |prefix: &str| -> std::collections::HashMap<String, String> {
        text.lines()
            .filter_map(|line| line.strip_prefix(prefix)?.split_once(' '))
            .map(|(name, rest)| (name.to_owned(), rest.to_owned()))
            .collect()
    };
    let (help, types) = (declared("# HELP "), declared("# TYPE "));
    let samples: Vec<&str> = text.lines().filter(|line| !line.starts_with('#') && !line.is_empty()).collect();
    assert!(samples.len() >= 5, "there are samples: {text}");
    for sample in samples {
        let name = sample.split(['{', ' ']).next().unwrap_or_default();
        let family = if types.contains_key(name) {
            name
        } else {
            ["_bucket", "_sum", "_count"].iter().find_map(|suffix| name.strip_suffix(suffix)).unwrap_or(name)
        };
        assert!(types.contains_key(family), "{name} has a # TYPE line");
        assert!(help.get(family).is_some_and(|text| !text.trim().is_empty()), "{name} has # HELP text");
    }
    assert!(!text.contains("# EOF"), "the classic format has no EOF marker");
}
