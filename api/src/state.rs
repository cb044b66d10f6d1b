//! The application state every handler and extractor reads: a module of its
//! own, below the routes and the app that assembles them, so `auth`,
//! `client_ip` and the routes depend on it and nothing here depends on them.

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::rate_limit::RateLimits;
use crate::auth::AuthState;
use crate::client_ip::TrustedProxies;
use crate::config::Settings;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::notify::InboxNotifier;
use crate::storage::Storage;

/// Everything a handler may need, shared by all workers.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub metrics: Arc<Metrics>,
    pub auth: Arc<AuthState>,
    pub storage: Arc<Storage>,
    /// Wakes long-polling inbox readers.
    pub inbox: Arc<InboxNotifier>,
    /// Rate limit of public tracking (per IP, and per tracking code).
    pub tracking_limits: Arc<RateLimits>,
    /// The built SPA; `None` serves the API only.
    pub static_dir: Option<PathBuf>,
    /// Proxies whose `X-Forwarded-For` is believed (see `client_ip`).
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Dashboards computed at once: each reads the whole period, so more
    /// would only share the cores and starve the counter's requests.
    pub reports: Arc<tokio::sync::Semaphore>,
    /// The dashboard's figures of days that are over (`db::settled`).
    pub settled_counts: Arc<crate::db::reports::SettledCounts>,
    /// The agencies' and offices' codes and names the dashboard last read.
    pub directory: Arc<crate::db::reports::KeptDirectory>,
}

impl AppState {
    pub fn new(db: Db, settings: &Settings) -> anyhow::Result<Self> {
        let inbox = Arc::new(InboxNotifier::new(db.postgres_url().is_some()));
        if let Some(url) = db.postgres_url() {
            crate::notify::listen_postgres(url.to_owned(), Arc::downgrade(&inbox));
        }
        let auth = AuthState::from_settings(settings, &db)?;
        let tracking_limits = Arc::new(RateLimits::new(
            "tracking",
            &db,
            settings.tracking_per_ip_per_minute,
            settings.tracking_per_code_per_minute,
        ));
        let metrics = Arc::new(Metrics::default());
        if let Some(standbys) = db.standbys() {
            metrics.register_standbys(standbys);
        }
        Ok(AppState {
            db,
            metrics,
            auth,
            storage: Arc::new(Storage::from_settings(settings)?),
            inbox,
            tracking_limits,
            static_dir: settings.static_dir.clone(),
            trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
            reports: Arc::new(tokio::sync::Semaphore::new(2)),
            settled_counts: Arc::default(),
            directory: Arc::new(crate::db::reports::KeptDirectory::with_capacity(2)),
        })
    }
}
