//! The SPA's HTTP client: thin wrappers over gloo-net that return the
//! `shared` wire types, or an [`ApiError`] carrying the server's problem
//! document so pages can show messages next to the fields they concern.
//!
//! The session's tokens live here (the SPA is single-threaded) and in local
//! storage, so a reload keeps the user logged in. An answer of 401 triggers
//! one refresh (rotating the refresh token) and one retry; requests that
//! find the access token expired together share that one refresh. When the
//! server refuses the refresh, the session has ended: the tokens are dropped
//! and [`SESSION_ENDED`] is dispatched on the window for the app to show.

use std::cell::RefCell;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::auth::{LoginRequest, Me, RefreshRequest, TokenPair};
use shared::system::HealthStatus;
use shared::Problem;

use crate::i18n::{code_text, digits, Lang};

const STORAGE_KEY: &str = "chapar.session";

#[derive(Debug, Clone)]
pub enum ApiError {
    /// The server could not be reached (the browser's reason, for the console).
    Network(String),
    /// The server answered with a problem document.
    Problem(Problem),
    /// Too many requests (429): `Retry-After`, when the server said it.
    RateLimited {
        problem: Problem,
        retry_after_secs: Option<u64>,
    },
    /// The server answered something this client does not understand.
    Unexpected(String),
}

impl ApiError {
    /// What the user reads: words for the problem's code in their language,
    /// never the server's English `detail` or the browser's error string.
    pub fn text(&self, lang: Lang) -> String {
        let t = crate::i18n::strings(lang);
        match self {
            ApiError::Network(cause) => {
                leptos::logging::warn!("{cause}");
                t.network_error.to_owned()
            }
            ApiError::RateLimited {
                retry_after_secs: Some(n),
                ..
            } => t.wait_seconds.replace("{n}", &digits(lang, &n.to_string())),
            ApiError::Problem(p) | ApiError::RateLimited { problem: p, .. } => {
                code_text(lang, p.code, None, None)
            }
            ApiError::Unexpected(cause) => {
                leptos::logging::warn!("{cause}");
                t.unexpected_answer.to_owned()
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Tokens {
    access_token: String,
    refresh_token: String,
}

/// The window event dispatched when the server ends the session.
pub const SESSION_ENDED: &str = "chapar-session-ended";

type Refreshing = Shared<LocalBoxFuture<'static, Result<(), ApiError>>>;

thread_local! {
    static TOKENS: RefCell<Option<Tokens>> = RefCell::new(load_tokens());
    /// The refresh in flight, which concurrent requests wait for.
    static REFRESHING: RefCell<Option<Refreshing>> = const { RefCell::new(None) };
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

/// A successful answer's body as text (`null` for 204 No Content), or the
/// failure as an [`ApiError`]. Not generic, like everything up to the
/// parsing of the text ([`parse`]): one copy in the bundle, not one per
/// answer type.
async fn read_text(res: Response) -> Result<String, ApiError> {
    if res.ok() {
        if res.status() == 204 {
            return Ok("null".into());
        }
        return res
            .text()
            .await
            .map_err(|e| ApiError::Unexpected(e.to_string()));
    }
    let retry_after_secs = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse().ok());
    match res.json::<Problem>().await {
        Ok(problem) if problem.status == 429 => Err(ApiError::RateLimited {
            problem,
            retry_after_secs,
        }),
        Ok(problem) => Err(ApiError::Problem(problem)),
        Err(_) => Err(ApiError::Unexpected(format!("HTTP {}", res.status()))),
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Unexpected(e.to_string()))
}

/// What a request carries besides its path.
enum Body<'a> {
    None,
    /// JSON, serialized already.
    Json(String),
    Form(&'a web_sys::FormData),
}

fn json<B: Serialize>(body: &B) -> Result<Body<'static>, ApiError> {
    serde_json::to_string(body)
        .map(Body::Json)
        .map_err(|e| ApiError::Unexpected(e.to_string()))
}

thread_local! {
    /// The server's `Chapar-Write-Position` of this tab's last write, sent
    /// back as `Chapar-Read-After`: whichever instance serves the next read
    /// (a read standby, maybe), it shows what the user just did.
    static WRITE_POSITION: RefCell<Option<String>> = const { RefCell::new(None) };
}

async fn send_with(
    method: Method,
    path: &str,
    body: &Body<'_>,
    bearer: Option<String>,
    headers: &[(&str, &str)],
) -> Result<Response, ApiError> {
    let mut builder = RequestBuilder::new(path).method(method);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if let Some(token) = bearer {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(position) = WRITE_POSITION.with(|p| p.borrow().clone()) {
        builder = builder.header("Chapar-Read-After", &position);
    }
    let request = match body {
        Body::Json(text) => builder
            .header("Content-Type", "application/json")
            .body(text.clone()),
        Body::Form(form) => builder.body((*form).clone()),
        Body::None => builder.build(),
    }
    .map_err(|e| ApiError::Unexpected(e.to_string()))?;
    let res = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if let Some(position) = res.headers().get("chapar-write-position") {
        WRITE_POSITION.with(|p| *p.borrow_mut() = Some(position));
    }
    Ok(res)
}

/// Exchanges the refresh token for a new pair, once for all the requests
/// waiting on it.
async fn refresh() -> Result<(), ApiError> {
    let pending = REFRESHING.with(|cell| cell.borrow().clone());
    let shared = pending.unwrap_or_else(|| {
        let started = refresh_once().boxed_local().shared();
        REFRESHING.with(|cell| *cell.borrow_mut() = Some(started.clone()));
        started
    });
    shared.await
}

/// After a 401 for the access token `sent`: a refresh, unless another
/// request has already replaced that token (then the retry uses the new one).
async fn renew(sent: Option<String>) -> Result<(), ApiError> {
    if access_token() != sent {
        return Ok(());
    }
    refresh().await
}

async fn refresh_once() -> Result<(), ApiError> {
    let result = rotate().await;
    REFRESHING.with(|cell| *cell.borrow_mut() = None);
    result
}

async fn rotate() -> Result<(), ApiError> {
    let Some(sent) = refresh_token() else {
        return Err(ApiError::Unexpected("not logged in".into()));
    };
    let body = json(&RefreshRequest {
        refresh_token: sent.clone(),
    })?;
    let res = send_with(Method::POST, "/api/v1/auth/refresh", &body, None, &[]).await?;
    match read_text(res)
        .await
        .and_then(|text| parse::<TokenPair>(&text))
    {
        Ok(pair) => {
            set_tokens(Some(Tokens {
                access_token: pair.access_token,
                refresh_token: pair.refresh_token,
            }));
            Ok(())
        }
        // Refused (not unreachable): the session is over, unless another
        // tab or request has meanwhile stored a newer one.
        Err(err @ ApiError::Problem(_)) => {
            if refresh_token().as_deref() == Some(sent.as_str()) {
                set_tokens(None);
                announce_session_ended();
            }
            Err(err)
        }
        Err(err) => Err(err),
    }
}

fn announce_session_ended() {
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new(SESSION_ENDED)) {
        let _ = window.dispatch_event(&event);
    }
}

/// Sends a request with the session's access token; on 401, one refresh
/// and one retry.
async fn send_authenticated(
    method: Method,
    path: &str,
    body: &Body<'_>,
    headers: &[(&str, &str)],
) -> Result<Response, ApiError> {
    let sent = access_token();
    let res = send_with(method.clone(), path, body, sent.clone(), headers).await?;
    if res.status() == 401 && refresh_token().is_some() {
        renew(sent).await?;
        return send_with(method, path, body, access_token(), headers).await;
    }
    Ok(res)
}

/// An authenticated call's answer, as text.
async fn call_text(
    method: Method,
    path: &str,
    body: &Body<'_>,
    headers: &[(&str, &str)],
) -> Result<String, ApiError> {
    read_text(send_authenticated(method, path, body, headers).await?).await
}

/// An authenticated call; on 401, one refresh and one retry.
pub async fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let body = match body {
        Some(b) => json(b)?,
        None => Body::None,
    };
    parse(&call_text(method, path, &body, &[]).await?)
}

/// A POST with extra headers (e.g. `Idempotency-Key`), refreshing once on 401.
pub async fn post_with_headers<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    parse(&call_text(Method::POST, path, &json(body)?, headers).await?)
}

/// Uploads files as `multipart/form-data` (one part named `file` each).
pub async fn upload<T: DeserializeOwned>(
    path: &str,
    files: &[web_sys::File],
) -> Result<T, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Unexpected("FormData".into()))?;
    for file in files {
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| ApiError::Unexpected("FormData".into()))?;
    }
    parse(&call_text(Method::POST, path, &Body::Form(&form), &[]).await?)
}

/// Downloads a protected file and hands it to the browser as a download.
pub async fn download(path: &str, file_name: &str) -> Result<(), ApiError> {
    download_with_progress(path, Some(file_name), |_| ()).await
}

/// Downloads `path` as a file, telling `progress` the bytes received so far
/// as they arrive (exports are streamed: their size is not known before).
/// Without a name, the server's `Content-Disposition` names the file.
pub async fn download_with_progress(
    path: &str,
    file_name: Option<&str>,
    progress: impl Fn(usize),
) -> Result<(), ApiError> {
    let res = send_authenticated(Method::GET, path, &Body::None, &[]).await?;
    if !res.ok() {
        return read_text(res).await.map(drop);
    }
    let named = res.headers().get("content-disposition").and_then(|d| {
        d.split("filename=\"")
            .nth(1)
            .map(|n| n.trim_end_matches('"').to_owned())
    });
    let file_name = file_name
        .map(str::to_owned)
        .or(named)
        .unwrap_or_else(|| "download".into());
    let parts = js_sys::Array::new();
    let mut received = 0;
    if let Some(body) = res.body() {
        use wasm_bindgen::JsCast;
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        loop {
            let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
                .await
                .map_err(|_| ApiError::Network("the download was cut short".into()))?;
            let done = js_sys::Reflect::get(&chunk, &"done".into()).is_ok_and(|d| d.is_truthy());
            if done {
                break;
            }
            if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
                let bytes: js_sys::Uint8Array = value.unchecked_into();
                received += bytes.length() as usize;
                parts.push(&bytes);
                progress(received);
            }
        }
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&res.headers().get("content-type").unwrap_or_default());
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| ApiError::Unexpected("Blob".into()))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| ApiError::Unexpected("URL".into()))?;
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        use wasm_bindgen::JsCast;
        if let Ok(anchor) = document
            .create_element("a")
            .map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>())
        {
            anchor.set_href(&url);
            anchor.set_download(&file_name);
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A random key for `Idempotency-Key` (one per form, so retries are safe).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    call(Method::PUT, path, Some(body)).await
}

/// Logs in and remembers the tokens; answers who logged in.
pub async fn login(username: String, password: String) -> Result<Me, ApiError> {
    let body = json(&LoginRequest { username, password })?;
    let res = send_with(Method::POST, "/api/v1/auth/login", &body, None, &[]).await?;
    let pair: TokenPair = parse(&read_text(res).await?)?;
    set_tokens(Some(Tokens {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
    }));
    get::<Me>("/api/v1/me").await
}

/// Revokes the refresh token on the server (best effort) and forgets the session.
pub async fn logout() {
    if let Some(body) =
        refresh_token().and_then(|t| json(&RefreshRequest { refresh_token: t }).ok())
    {
        let _ = send_with(Method::POST, "/api/v1/auth/logout", &body, None, &[]).await;
    }
    set_tokens(None);
}

/// Readiness of the server and its database.
pub async fn readiness() -> Result<HealthStatus, ApiError> {
    let res = send_with(Method::GET, "/readyz", &Body::None, None, &[]).await?;
    parse(&read_text(res).await?)
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    call::<(), ()>(Method::DELETE, path, None).await
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}
