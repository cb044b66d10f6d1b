//! Operational wire types (health and readiness).

use serde::{Deserialize, Serialize};

/// Answer of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthStatus {
    /// `ok` when healthy, `unavailable` otherwise.
    #[cfg_attr(feature = "openapi", schema(example = "ok"))]
    pub status: String,
    /// The server's version.
    #[cfg_attr(feature = "openapi", schema(example = "0.1.0"))]
    pub version: String,
    /// The database backend in use (`sqlite` or `postgres`), on `/readyz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}
