//! Staff logins with rotating refresh tokens, and the OAuth2
//! client-credentials grant for agency systems and integrators.

use actix_web::http::{header, StatusCode};
use actix_web::{post, web, HttpRequest, HttpResponse, ResponseError};
use base64::Engine;
use diesel::prelude::*;
use shared::auth::{
    ClientCredentialsRequest, ClientToken, LoginRequest, OAuthError, RefreshRequest, TokenPair,
};
use shared::directory::normalize_username;
use shared::ErrorCode;

use crate::auth::secrets::{hash_secret, random_token, successor_token};
use crate::auth::tokens::{issue_access, Subject};
use crate::client_ip::client_ip;
use crate::db::directory::now;
use crate::db::users::{self, NewRefreshToken, UserWithBindings};
use crate::db::{api_clients, DbConnection};
use crate::error::ApiError;
use crate::state::AppState;

const WRONG_LOGIN: &str = "Wrong username or password.";

fn staff_subject((user, office_code, agency_code): &UserWithBindings) -> Subject {
    Subject {
        sub: format!("user:{}", user.id),
        name: user.username.clone(),
        role: user.role(),
        office: user.counter_office_id.zip(office_code.clone()),
        agency: user.agency_id.zip(agency_code.clone()),
        scope: String::new(),
    }
}

/// How long a rotated refresh token still answers with its successor
/// instead of counting as stolen. A page that finds its access token expired
/// sends several requests at once, each of which may refresh; on a slow line
/// they arrive seconds apart. The OAuth 2.0 Security BCP (RFC 9700, 4.14.2)
/// asks that a reused refresh token revoke the family; a short leeway for
/// the same successor keeps that for a token replayed later, while the
/// client's own concurrent requests keep the session.
pub const REFRESH_GRACE_SECS: i64 = 15;

/// Stores `refresh_token` in the family and signs a new access token.
fn issue_pair(
    conn: &mut DbConnection,
    state: &AppState,
    user: &UserWithBindings,
    family: &str,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let created_at = now();
    users::insert_refresh_token(
        conn,
        &NewRefreshToken {
            user_id: user.0.id,
            family,
            token_hash: &hash_secret(&refresh_token),
            expires_at: created_at + chrono::Duration::days(state.auth.refresh_ttl_days),
            created_at,
        },
    )?;
    signed_pair(state, user, refresh_token)
}

/// A new access token beside an existing refresh token.
fn signed_pair(
    state: &AppState,
    user: &UserWithBindings,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access_token = issue_access(
        &state.auth.keys,
        staff_subject(user),
        state.auth.access_ttl_secs,
    )
    .map_err(|e| ApiError::Internal(format!("jwt: {e}")))?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: state.auth.access_ttl_secs,
    })
}

/// A token rotated moments ago, presented again by a request that raced
/// the rotation: the same successor (while unused) with a new access token.
fn racing_refresh(
    conn: &mut DbConnection,
    state: &AppState,
    row: &users::RefreshTokenRow,
    successor: String,
    at: chrono::NaiveDateTime,
) -> Result<Option<TokenPair>, ApiError> {
    let recent = row
        .rotated_at
        .is_some_and(|rotated| at - rotated <= chrono::Duration::seconds(REFRESH_GRACE_SECS));
    if row.revoked_at.is_some() || !recent {
        return Ok(None);
    }
    let next = users::refresh_token_by_hash(conn, &hash_secret(&successor))?;
    match next {
        Some(next) if next.rotated_at.is_none() && next.revoked_at.is_none() => {
            let user = users::user_with_bindings(conn, row.user_id)?;
            if next.expires_at < at || !user.0.active || user.0.role().is_none() {
                return Ok(None);
            }
            signed_pair(state, &user, successor).map(Some)
        }
        _ => Ok(None),
    }
}

/// Log in with username and password.
///
/// Answers a short-lived access JWT and a single-use refresh token. "No such
/// user", "wrong password" and "inactive account" get the same answer (and
/// take about the same time). Rate limited per IP and per username.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        (status = 401, description = "Wrong username or password", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing field", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: super::body::JsonObject<LoginRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let ip = client_ip(&req);
    let username = normalize_username(&body.username);
    state.auth.limits.check(&ip, &username).await?;
    let lookup = username.clone();
    let user = state
        .db
        .run(move |c| Ok(users::user_by_username(c, &lookup).optional()?))
        .await?;
    let hash = user.as_ref().map(|u| u.0.password_hash.clone());
    let password_ok = state
        .auth
        .passwords
        .verify(body.into_inner().password, hash)
        .await?;
    let st = state.clone();
    state
        .db
        .write(move |conn| {
            let failure = match &user {
                None => Some("unknown user"),
                Some(_) if !password_ok => Some("wrong password"),
                Some(u) if !u.0.active => Some("inactive user"),
                Some(u) if u.0.role().is_none() => Some("unknown role"),
                Some(_) => None,
            };
            let user = match (failure, user) {
                (None, Some(user)) => user,
                (reason, _) => {
                    // Recorded (committed) although the login is refused.
                    let reason = reason.unwrap_or("unknown user");
                    users::record_auth_event(conn, "login_failed", &username, &ip, reason)?;
                    return Ok(None);
                }
            };
            let pair = issue_pair(conn, &st, &user, &random_token(16), random_token(32))?;
            users::record_auth_event(conn, "login", &username, &ip, "")?;
            Ok(Some(pair))
        })
        .await?
        .map(web::Json)
        .ok_or_else(|| ApiError::Unauthorized(ErrorCode::AuthWrongLogin, WRONG_LOGIN.into()))
}

/// Exchange a refresh token for a new pair (rotation).
///
/// Each refresh token is rotated once. Presented again within 15 seconds of
/// its rotation (a client's concurrent requests racing), it answers the same
/// successor refresh token, while that one is unused, with a new access
/// token. Presented again later, or after its successor was used, it means
/// the token was copied: the whole family (every token descended from that
/// login) is revoked and the answer is 401.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access and refresh token", body = TokenPair),
        (status = 401, description = "Unknown, expired, reused or revoked refresh token", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: super::body::JsonObject<RefreshRequest>,
) -> Result<web::Json<TokenPair>, ApiError> {
    let ip = client_ip(&req);
    let presented = body.into_inner().refresh_token;
    let token_hash = hash_secret(&presented);
    let st = state.clone();
    state
        .db
        .write(move |conn| {
            let Some(row) = users::refresh_token_by_hash(conn, &token_hash)? else {
                return Ok(None);
            };
            let at = now();
            let successor = successor_token(&presented, &row.family);
            if !users::claim_refresh_token(conn, row.id, at)? {
                // Read again: a rotation that committed while we waited for the row.
                let row = users::refresh_token_by_hash(conn, &token_hash)?.unwrap_or(row);
                if let Some(pair) = racing_refresh(conn, &st, &row, successor, at)? {
                    return Ok(Some(pair));
                }
                // Committed although the refresh is refused: the family stays revoked.
                let revoked = users::revoke_family(conn, &row.family, at)?;
                let user = format!("user:{}", row.user_id);
                let detail =
                    format!("reused refresh token; revoked {revoked} token(s) of the family");
                users::record_auth_event(conn, "refresh_reuse", &user, &ip, &detail)?;
                return Ok(None);
            }
            let user = users::user_with_bindings(conn, row.user_id)?;
            if row.expires_at < at || !user.0.active || user.0.role().is_none() {
                return Ok(None);
            }
            let pair = issue_pair(conn, &st, &user, &row.family, successor)?;
            users::record_auth_event(conn, "refresh", &user.0.username, &ip, "")?;
            Ok(Some(pair))
        })
        .await?
        .map(web::Json)
        .ok_or_else(|| {
            ApiError::Unauthorized(
                ErrorCode::AuthSessionEnded,
                "The refresh token is not valid; log in again.".into(),
            )
        })
}

/// Log out: revoke the refresh token and its family. Always 204.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out (also when the token was unknown)"))
)]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: super::body::JsonObject<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    let token_hash = hash_secret(&body.refresh_token);
    state
        .db
        .write(move |conn| {
            if let Some(row) = users::refresh_token_by_hash(conn, &token_hash)? {
                users::revoke_family(conn, &row.family, now())?;
                users::record_auth_event(
                    conn,
                    "logout",
                    &format!("user:{}", row.user_id),
                    &ip,
                    "",
                )?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An OAuth2 error answer (RFC 6749 §5.2), not problem+json: OAuth client
/// libraries expect this shape.
#[derive(Debug)]
pub struct OAuthFailure {
    status: StatusCode,
    body: OAuthError,
    /// Seconds until a refused (rate-limited) client may try again.
    retry_after_secs: Option<u64>,
}

impl OAuthFailure {
    fn new(status: StatusCode, error: &str, description: &str) -> Self {
        OAuthFailure {
            status,
            body: OAuthError {
                error: error.into(),
                error_description: description.into(),
            },
            retry_after_secs: None,
        }
    }

    fn invalid_client() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client or wrong secret.",
        )
    }
}

impl std::fmt::Display for OAuthFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.body.error, self.body.error_description)
    }
}

impl ResponseError for OAuthFailure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.insert_header((header::CACHE_CONTROL, "no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"chapar\""));
        }
        if let Some(secs) = self.retry_after_secs {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        // problem+json rewriting skips answers that already have a body type of their own.
        res.content_type("application/json").json(&self.body)
    }
}

impl From<ApiError> for OAuthFailure {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::TooManyRequests { retry_after_secs } => OAuthFailure {
                retry_after_secs: Some(retry_after_secs),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "slow_down",
                    "Too many attempts; try again later.",
                )
            },
            other => {
                tracing::error!(error = %other, "token endpoint");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "Try again later.",
                )
            }
        }
    }
}

/// Reads the grant from a form or JSON body, with the client's credentials in
/// the body or in HTTP Basic auth (RFC 6749 §2.3.1).
fn parse_token_request(
    req: &HttpRequest,
    body: &[u8],
) -> Result<ClientCredentialsRequest, OAuthFailure> {
    let invalid = |d: &str| OAuthFailure::new(StatusCode::BAD_REQUEST, "invalid_request", d);
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut grant: ClientCredentialsRequest = if content_type.starts_with("application/json") {
        serde_json::from_slice(body).map_err(|_| invalid("The JSON body could not be read."))?
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes(body)
            .map_err(|_| invalid("The form body could not be read."))?
    } else {
        return Err(invalid(
            "Send the grant as application/x-www-form-urlencoded or JSON.",
        ));
    };
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|s| s.split_once(':')) {
        grant.client_id = id.to_owned();
        grant.client_secret = secret.to_owned();
    }
    if grant.grant_type != "client_credentials" {
        return Err(OAuthFailure::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only grant_type=client_credentials is supported.",
        ));
    }
    if grant.client_id.is_empty() || grant.client_secret.is_empty() {
        return Err(invalid("client_id and client_secret are required."));
    }
    Ok(grant)
}

/// Get an access token for an API client (OAuth2 client credentials).
///
/// Form (`application/x-www-form-urlencoded`) or JSON body; the client id and
/// secret may also come as HTTP Basic auth. `scope` narrows the token to some
/// of the client's granted scopes. Errors follow RFC 6749 §5.2
/// (`{error, error_description}`): `invalid_request`, `invalid_client` (401),
/// `unsupported_grant_type`, `invalid_scope`. Rate limited per IP and client.
#[utoipa::path(
    tag = "auth",
    request_body(content(
        (ClientCredentialsRequest = "application/x-www-form-urlencoded"),
        (ClientCredentialsRequest = "application/json"),
    )),
    responses(
        (status = 200, description = "An access token for the client", body = ClientToken),
        (status = 400, description = "invalid_request, unsupported_grant_type or invalid_scope", body = OAuthError),
        (status = 401, description = "invalid_client", body = OAuthError),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = OAuthError),
    )
)]
#[post("/auth/token")]
pub async fn token(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthFailure> {
    let grant = parse_token_request(&req, &body)?;
    let ip = client_ip(&req);
    state
        .auth
        .limits
        .check(&ip, &format!("client:{}", grant.client_id))
        .await?;
    let lookup = grant.client_id.clone();
    let client = state
        .db
        .run(move |c| Ok(api_clients::client_by_client_id(c, &lookup)?))
        .await?;
    let secret_ok = client
        .as_ref()
        .is_some_and(|c| c.0.active && c.0.secret_hash == hash_secret(&grant.client_secret));
    let client = match client {
        Some(client) if secret_ok => client,
        _ => {
            let (id, ip) = (grant.client_id.clone(), ip.clone());
            state
                .db
                .write(move |c| {
                    users::record_auth_event(c, "token_failed", &format!("client:{id}"), &ip, "")
                        .map_err(ApiError::from)
                })
                .await?;
            return Err(OAuthFailure::invalid_client());
        }
    };
    let granted: Vec<&str> = client.0.scopes.split_whitespace().collect();
    let scope: Vec<&str> = match grant
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => granted.clone(),
        Some(requested) => {
            let requested: Vec<&str> = requested.split_whitespace().collect();
            if let Some(bad) = requested.iter().find(|s| !granted.contains(s)) {
                return Err(OAuthFailure::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("The scope `{bad}` is not granted to this client."),
                ));
            }
            requested
        }
    };
    let scope = scope.join(" ");
    let (row, agency_code, office_code) = client;
    let subject = Subject {
        sub: format!("client:{}", row.id),
        name: row.client_id.clone(),
        role: None,
        office: row.counter_office_id.zip(office_code),
        agency: row.agency_id.zip(agency_code),
        scope: scope.clone(),
    };
    let access_token = issue_access(&state.auth.keys, subject, state.auth.access_ttl_secs)
        .map_err(|e| OAuthFailure::from(ApiError::Internal(format!("jwt: {e}"))))?;
    let (client_id, detail) = (row.client_id.clone(), scope.clone());
    state
        .db
        .write(move |c| {
            users::record_auth_event(c, "token", &format!("client:{client_id}"), &ip, &detail)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientToken {
            access_token,
            token_type: "Bearer".into(),
            expires_in: state.auth.access_ttl_secs,
            scope,
        }))
}
