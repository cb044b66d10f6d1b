//! The one place the actix app is assembled: used by `chapar serve`, the
//! integration tests and the OpenAPI generator alike.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpResponse};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::error;
use crate::fallback::{self, KnownPaths};
use crate::metrics::observe_requests;
use crate::openapi;
use crate::routes;
use crate::spa::SpaFiles;
pub use crate::state::AppState;

/// Largest JSON or form body accepted (attachments go through multipart, not JSON).
pub const JSON_LIMIT_BYTES: usize = 256 * 1024;

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
    let known_paths = web::Data::new(KnownPaths::from_spec(&api));
    app.app_data(known_paths)
        .configure(crate::pages::configure)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi::finish(api)))
        .service(web::resource("/api/docs").to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("Location", "/api/docs/"))
                .finish()
        }))
        .default_service(web::to(fallback::fallback))
        .wrap(from_fn(crate::read_your_writes::remember_writes))
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
