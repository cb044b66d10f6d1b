//! Prometheus metrics and the per-request log line.
//!
//! One middleware observes every request: it counts it and its latency by
//! route pattern (never the raw path, which would explode the label set) and
//! status, and writes one `tracing` line with the latency.

use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

/// The server's metrics registry.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// Connections of the database pool, set at scrape time.
    pub db_connections: Gauge,
    pub db_idle_connections: Gauge,
    /// Read standbys in use, set at scrape time (registered with them).
    pub db_standbys_fresh: Gauge,
    sms: Family<SmsLabels, Counter>,
    /// Pending SMS and the age of the oldest, set at scrape time.
    pub sms_queue_depth: Gauge,
    pub sms_failed_total: Gauge,
    pub sms_oldest_pending_seconds: Gauge,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SmsLabels {
    pub outcome: String,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("chapar");
        let requests = Family::<RequestLabels, Counter>::default();
        // 1 ms … ~16 s in powers of two.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        let db_connections = Gauge::default();
        let db_idle_connections = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Latency of HTTP requests, by route",
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open database connections",
            db_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            db_idle_connections.clone(),
        );
        let sms = Family::<SmsLabels, Counter>::default();
        let sms_queue_depth = Gauge::default();
        let sms_failed_total = Gauge::default();
        let sms_oldest_pending_seconds = Gauge::default();
        registry.register(
            "sms_attempts",
            "SMS attempts by outcome (sent, retry, failed, postponed)",
            sms.clone(),
        );
        registry.register(
            "sms_queue_depth",
            "SMS waiting to be sent",
            sms_queue_depth.clone(),
        );
        registry.register(
            "sms_failed_messages",
            "SMS that gave up (status failed)",
            sms_failed_total.clone(),
        );
        registry.register(
            "sms_oldest_pending_seconds",
            "Age of the oldest SMS still waiting",
            sms_oldest_pending_seconds.clone(),
        );
        Metrics {
            registry: Mutex::new(registry),
            requests,
            latency,
            db_connections,
            db_idle_connections,
            db_standbys_fresh: Gauge::default(),
            sms,
            sms_queue_depth,
            sms_failed_total,
            sms_oldest_pending_seconds,
        }
    }
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Counts one dispatcher outcome.
    pub fn sms(&self, outcome: &str) {
        self.sms
            .get_or_create(&SmsLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    /// Adds the read standbys' counters and gauge (set at scrape time).
    pub fn register_standbys(&self, standbys: &crate::db::standbys::Standbys) {
        let mut registry = match self.registry.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        registry.register(
            "db_standby_reads",
            "Reads served by a read standby",
            standbys.served.clone(),
        );
        registry.register(
            "db_standby_fallbacks",
            "Reads that a read standby failed and the primary served",
            standbys.fell_back.clone(),
        );
        registry.register(
            "db_standbys_fresh",
            "Read standbys caught up enough to serve reads",
            self.db_standbys_fresh.clone(),
        );
    }

    /// The OpenMetrics text exposition (which Prometheus scrapes natively).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let registry = match self.registry.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if encode(&mut out, &registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Middleware: counts, times and logs every request.
pub async fn observe_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    // Unmatched paths (static files, 404s) share one label value.
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(other)".to_owned());
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    tracing::info!(
        target: "chapar::http",
        method,
        path,
        route,
        status,
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_by_route_and_status() {
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        m.observe("GET", "/healthz", 200, 0.003);
        let text = m.render();
        assert!(
            text.contains(
                r#"chapar_http_requests_total{method="GET",route="/healthz",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(text.contains("chapar_http_request_duration_seconds_bucket"));
    }
}
