//! The SPA's HTTP client: thin wrappers over gloo-net that return the
//! `shared` wire types, or an [`ApiError`] carrying the server's problem
//! document so pages can show messages next to the fields they concern.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use shared::system::HealthStatus;
use shared::Problem;

#[derive(Debug, Clone)]
pub enum ApiError {
    /// The server could not be reached.
    Network(String),
    /// The server answered with a problem document.
    Problem(Problem),
    /// The server answered something this client does not understand.
    Unexpected(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network: {e}"),
            ApiError::Problem(p) => write!(f, "{}", p.detail.as_deref().unwrap_or(&p.title)),
            ApiError::Unexpected(e) => write!(f, "{e}"),
        }
    }
}

async fn read<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    if res.ok() {
        return res
            .json::<T>()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()));
    }
    match res.json::<Problem>().await {
        Ok(problem) => Err(ApiError::Problem(problem)),
        Err(_) => Err(ApiError::Unexpected(format!("HTTP {}", res.status()))),
    }
}

pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let res = Request::get(path)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(res).await
}

/// Readiness of the server and its database.
pub async fn readiness() -> Result<HealthStatus, ApiError> {
    get_json("/readyz").await
}
