//! The SPA's HTTP client: thin wrappers over gloo-net that return the
//! `shared` wire types, or an [`ApiError`] carrying the server's problem
//! document so pages can show messages next to the fields they concern.
//!
//! The session's tokens live here (the SPA is single-threaded) and in local
//! storage, so a reload keeps the user logged in. An answer of 401 triggers
//! one refresh (rotating the refresh token) and one retry.

use std::cell::RefCell;

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use shared::system::HealthStatus;
use shared::Problem;

const STORAGE_KEY: &str = "chapar.session";

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

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tokens {
    access_token: String,
    refresh_token: String,
}

thread_local! {
    static TOKENS: RefCell<Option<Tokens>> = RefCell::new(load_tokens());
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_tokens() -> Option<Tokens> {
    let raw = storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

fn set_tokens(tokens: Option<Tokens>) {
    if let Some(s) = storage() {
        let _ = match &tokens {
            Some(t) => s.set_item(STORAGE_KEY, &serde_json::to_string(t).unwrap_or_default()),
            None => s.remove_item(STORAGE_KEY),
        };
    }
    TOKENS.with(|cell| *cell.borrow_mut() = tokens);
}

pub fn has_session() -> bool {
    TOKENS.with(|cell| cell.borrow().is_some())
}

fn access_token() -> Option<String> {
    TOKENS.with(|cell| cell.borrow().as_ref().map(|t| t.access_token.clone()))
}

fn refresh_token() -> Option<String> {
    TOKENS.with(|cell| cell.borrow().as_ref().map(|t| t.refresh_token.clone()))
}

async fn read<T: DeserializeOwned>(res: Response) -> Result<T, ApiError> {
    if res.ok() {
        if res.status() == 204 {
            return serde_json::from_str("null").map_err(|e| ApiError::Unexpected(e.to_string()));
        }
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

async fn send_once<B: Serialize>(
    method: Method,
    path: &str,
    body: Option<&B>,
    bearer: Option<String>,
) -> Result<Response, ApiError> {
    let mut builder = RequestBuilder::new(path).method(method);
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .json(body)
            .map_err(|e| ApiError::Unexpected(e.to_string()))?,
        None => builder
            .build()
            .map_err(|e| ApiError::Unexpected(e.to_string()))?,
    };
    request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))
}

/// Exchanges the refresh token for a new pair; clears the session when refused.
async fn refresh() -> Result<(), ApiError> {
    let Some(refresh_token) = refresh_token() else {
        return Err(ApiError::Unexpected("not logged in".into()));
    };
    let res = send_once(
        Method::POST,
        "/api/v1/auth/refresh",
        Some(&RefreshRequest { refresh_token }),
        None,
    )
    .await?;
    match read::<TokenPair>(res).await {
        Ok(pair) => {
            set_tokens(Some(Tokens {
                access_token: pair.access_token,
                refresh_token: pair.refresh_token,
            }));
            Ok(())
        }
        Err(err) => {
            set_tokens(None);
            Err(err)
        }
    }
}

/// An authenticated call; on 401, one refresh and one retry.
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let res = send_once(method.clone(), path, body, access_token()).await?;
    if res.status() == 401 && refresh_token().is_some() {
        refresh().await?;
        let res = send_once(method, path, body, access_token()).await?;
        return read(res).await;
    }
    read(res).await
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call::<(), T>(Method::GET, path, None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    call(Method::POST, path, Some(body)).await
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    call(Method::PATCH, path, Some(body)).await
}

/// Logs in and remembers the tokens; answers who logged in.
pub async fn login(username: String, password: String) -> Result<Me, ApiError> {
    let res = send_once(
        Method::POST,
        "/api/v1/auth/login",
        Some(&LoginRequest { username, password }),
        None,
    )
    .await?;
    let pair: TokenPair = read(res).await?;
    set_tokens(Some(Tokens {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
    }));
    get::<Me>("/api/v1/me").await
}

/// Revokes the refresh token on the server (best effort) and forgets the session.
pub async fn logout() {
    if let Some(refresh_token) = refresh_token() {
        let _ = send_once(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&RefreshRequest { refresh_token }),
            None,
        )
        .await;
    }
    set_tokens(None);
}

/// Readiness of the server and its database.
pub async fn readiness() -> Result<HealthStatus, ApiError> {
    let res = send_once::<()>(Method::GET, "/readyz", None, None).await?;
    read(res).await
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}
