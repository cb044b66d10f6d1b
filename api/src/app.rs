//! The one place the actix app is assembled: used by `chapar serve`, the
//! integration tests and the OpenAPI generator alike.

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpResponse};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::rate_limit::RateLimits;
use crate::auth::AuthState;
use crate::client_ip::TrustedProxies;
use crate::config::Settings;
use crate::db::Db;
use crate::error;
use crate::metrics::{observe_requests, Metrics};
use crate::notify::InboxNotifier;
use crate::openapi;
use crate::routes;
use crate::spa::{self, SpaFiles};
use crate::storage::Storage;

/// Largest JSON or form body accepted (attachments go through multipart, not JSON).
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

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
}

impl AppState {
    pub fn new(db: Db, settings: &Settings) -> anyhow::Result<Self> {
        Ok(AppState {
            db,
            metrics: Arc::new(Metrics::default()),
            auth: AuthState::from_settings(settings)?,
            storage: Arc::new(Storage::from_settings(settings)?),
            inbox: Arc::new(InboxNotifier::default()),
            tracking_limits: Arc::new(RateLimits::new(
                settings.tracking_per_ip_per_minute,
                settings.tracking_per_code_per_minute,
            )),
            static_dir: settings.static_dir.clone(),
            trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
            reports: Arc::new(tokio::sync::Semaphore::new(2)),
        })
    }
}

/// Builds the whole application: API routes, OpenAPI + Swagger UI, SPA files,
/// problem+json for every error, metrics and request logs.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let metrics = web::Data::from(state.metrics.clone());
    let spa_files = web::Data::new(SpaFiles::new(state.static_dir.clone()));
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .app_data(web::Data::new(state))
        .app_data(metrics)
        .app_data(spa_files)
        .app_data(
            web::JsonConfig::default()
                .limit(JSON_LIMIT_BYTES)
                .error_handler(error::json_error),
        )
        .app_data(
            web::FormConfig::default()
                .limit(JSON_LIMIT_BYTES)
                .error_handler(error::form_error),
        )
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .configure(routes::configure)
        .split_for_parts();
    app.service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi::finish(api)))
        .service(web::resource("/api/docs").to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("Location", "/api/docs/"))
                .finish()
        }))
        .default_service(web::to(spa::serve))
        .wrap(security_headers())
        .wrap(ErrorHandlers::new().default_handler(error::problemize))
        .wrap(Compress::default())
        .wrap(from_fn(observe_requests))
}

/// Headers every response carries: no MIME sniffing, no framing (staff pages
/// cannot be clickjacked), and no `Referer`, so links that carry a tracking
/// code or a download token never leak to another site. The SPA's own
/// Content-Security-Policy is added in `spa`.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
}
