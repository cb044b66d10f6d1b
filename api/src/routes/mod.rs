//! Every route of the server, registered in one place so that utoipa sees
//! them all. One file per resource.

pub mod system;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers all routes (ops endpoints at the root, the API under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system::healthz)
        .service(system::readyz)
        .service(system::metrics)
        .service(utoipa_actix_web::scope("/api/v1").configure(configure_v1));
}

fn configure_v1(_cfg: &mut ServiceConfig) {}
