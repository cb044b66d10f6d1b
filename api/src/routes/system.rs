//! Operations endpoints: liveness, readiness and metrics.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use shared::system::HealthStatus;

use crate::error::ApiError;
use crate::state::AppState;

/// Liveness: the process is up and serving requests.
#[utoipa::path(tag = "ops", responses((status = 200, description = "The process is up", body = HealthStatus)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthStatus> {
    web::Json(HealthStatus {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: None,
    })
}

/// Readiness: the database answers a query. 503 when it does not.
#[utoipa::path(
    tag = "ops",
    responses(
        (status = 200, description = "Ready to serve", body = HealthStatus),
        (status = 503, description = "The database is not reachable", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<HealthStatus>, ApiError> {
    state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(|e| ApiError::Unavailable(format!("database: {e}")))
        })
        .await?;
    Ok(web::Json(HealthStatus {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: Some(state.db.backend().name().into()),
    }))
}

/// Prometheus metrics (OpenMetrics text): request counts and latency
/// histograms by route and status, database pool usage.
#[utoipa::path(tag = "ops", responses((status = 200, description = "Metrics in OpenMetrics text format", body = String, content_type = "application/openmetrics-text")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.pool().state();
    state
        .metrics
        .db_connections
        .set(i64::from(pool.connections));
    state
        .metrics
        .db_idle_connections
        .set(i64::from(pool.idle_connections));
    if let Some(standbys) = state.db.standbys() {
        let fresh = i64::try_from(standbys.fresh_count()).unwrap_or(i64::MAX);
        state.metrics.db_standbys_fresh.set(fresh);
    }
    if let Ok((pending, failed, oldest)) = state
        .db
        .run(|conn| Ok(crate::db::notifications::queue_stats(conn)?))
        .await
    {
        state.metrics.sms_queue_depth.set(pending);
        state.metrics.sms_failed_total.set(failed);
        let age = oldest.map(|t| (crate::db::directory::now() - t).num_seconds().max(0));
        state
            .metrics
            .sms_oldest_pending_seconds
            .set(age.unwrap_or(0));
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}
