//! What an instance admin's Prometheus reads at `/metrics`: requests by
//! route and status, their durations, live connections, and the backlogs
//! that show trouble early (moderation items waiting, urgent ones and how
//! long the oldest has waited; posts whose readers are not yet told).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::auth::session_cache::SessionCache;
use crate::state::AppState;

/// A request's labels: the route's pattern (so `/threads/{id}` is one
/// series, not one per thread), its method and its status class.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UrgencyLabels {
    urgency: &'static str,
}

/// How much is waiting, read from the database when metrics are asked for.
pub struct Backlogs {
    pub open_items: i64,
    pub urgent_items: i64,
    /// How long the oldest open urgent item has waited.
    pub oldest_urgent_wait: Duration,
    pub untold_posts: i64,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    live_connections: Gauge,
    active_rooms: Gauge,
    queue_items: Family<UrgencyLabels, Gauge>,
    oldest_urgent_seconds: Gauge,
    untold_posts: Gauge,
}

/// From 2 ms to about 8 s, doubling.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.002, 2.0, 13))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut metrics = Metrics {
            registry: Registry::with_prefix("kindred"),
            requests: Family::default(),
            durations: Family::new_with_constructor(duration_histogram),
            live_connections: Gauge::default(),
            active_rooms: Gauge::default(),
            queue_items: Family::default(),
            oldest_urgent_seconds: Gauge::default(),
            untold_posts: Gauge::default(),
        };
        let registry = &mut metrics.registry;
        registry.register("http_requests", "HTTP requests answered", metrics.requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer an HTTP request", metrics.durations.clone());
        registry.register(
            "moderation_queue_open_items",
            "Moderation queue items not yet resolved, instance-wide",
            metrics.queue_items.clone(),
        );
        let gauges = [
            ("live_connections", "Live websockets open in this process", &metrics.live_connections),
            ("live_rooms_active", "Chat rooms with a subscriber in this process", &metrics.active_rooms),
            (
                "moderation_queue_oldest_urgent_seconds",
                "How long the oldest unresolved urgent item has waited (0 when none waits)",
                &metrics.oldest_urgent_seconds,
            ),
            ("notification_outbox_posts", "Posts whose readers are not yet notified", &metrics.untold_posts),
        ];
        for (name, help, gauge) in gauges {
            registry.register(name, help, gauge.clone());
        }
        metrics
    }
}

impl Metrics {
    fn observe(&self, method: &Method, route: Option<String>, status: StatusCode, took: Duration) {
        let route = route.unwrap_or_else(|| "other".to_owned());
        let status = match status.as_u16() {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        self.durations.get_or_create(&RouteLabels { route: route.clone() }).observe(took.as_secs_f64());
        self.requests.get_or_create(&RequestLabels { method: method.as_str().to_owned(), route, status }).inc();
    }

    /// Counts the page cache's and the session cache's hits and loads too.
    pub fn count_caches(&mut self, pages: &crate::pages::PageCache, sessions: &SessionCache) {
        let registry = &mut self.registry;
        registry.register("page_cache_hits", "Thread pages served from the page cache", pages.hits.clone());
        registry.register("page_cache_loads", "Thread pages loaded from the database", pages.loads.clone());
        registry.register("session_cache_hits", "Sessions trusted from memory", sessions.hits.clone());
        registry.register("session_cache_loads", "Sessions read from the database", sessions.loads.clone());
    }

    /// The text Prometheus reads (OpenMetrics), with the gauges set from
    /// this moment's live connections and `backlogs`.
    pub fn render(&self, state: &AppState, backlogs: &Backlogs) -> String {
        self.live_connections.set(state.hub.connection_count() as i64);
        self.active_rooms.set(state.hub.active_rooms().len() as i64);
        let routine = backlogs.open_items - backlogs.urgent_items;
        self.queue_items.get_or_create(&UrgencyLabels { urgency: "urgent" }).set(backlogs.urgent_items);
        self.queue_items.get_or_create(&UrgencyLabels { urgency: "routine" }).set(routine);
        self.oldest_urgent_seconds.set(backlogs.oldest_urgent_wait.as_secs() as i64);
        self.untold_posts.set(backlogs.untold_posts);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The classic Prometheus text format (0.0.4) of OpenMetrics text: there a
/// counter's family is named with its `_total` (as its samples are), and
/// there is no `# EOF`.
pub fn classic_text(open_metrics: &str) -> String {
    let counters: HashSet<&str> =
        open_metrics.lines().filter_map(|line| line.strip_prefix("# TYPE ")?.strip_suffix(" counter")).collect();
    let mut text = String::with_capacity(open_metrics.len());
    for line in open_metrics.lines().filter(|line| *line != "# EOF") {
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let (name, rest) = line.strip_prefix(prefix)?.split_once(' ')?;
            counters.contains(name).then(|| format!("{prefix}{name}_total {rest}"))
        });
        text.push_str(renamed.as_deref().unwrap_or(line));
        text.push('\n');
    }
    text
}

/// Counts and times every request by its route's pattern.
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let method = request.method().clone();
    let answered = next.call(request).await;
    if let Some(state) = state {
        // Read from the answer: once routed, a request names its route's
        // pattern without matching every route again. An error that is no
        // answer (none of Kindred's middleware returns one) counts as "other".
        let (status, route) = match &answered {
            Ok(response) => (response.status(), response.request().match_pattern()),
            Err(error) => (error.as_response_error().status_code(), None),
        };
        state.metrics.observe(&method, route, status, started.elapsed());
    }
    answered
}

#[cfg(test)]
mod tests {
    use super::classic_text;

    #[test]
    fn the_classic_text_names_a_counter_family_with_its_total_and_has_no_eof() {
        let open = "# HELP k_requests Requests.\n# TYPE k_requests counter\nk_requests_total 3\n\
                    # HELP k_open Open.\n# TYPE k_open gauge\nk_open 1\n# EOF\n";
        assert_eq!(
            classic_text(open),
            "# HELP k_requests_total Requests.\n# TYPE k_requests_total counter\nk_requests_total 3\n\
             # HELP k_open Open.\n# TYPE k_open gauge\nk_open 1\n"
        );
    }
}
