//! API clients of agency systems and integrators (admin).

use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use shared::directory::{ApiClient, ApiClientUpdate, CreatedApiClient, NewApiClient, Page};
use shared::ErrorCode;

use super::{next_cursor, page_limit};
use crate::auth::secrets::{hash_secret, random_token};
use crate::auth::Admin;
use crate::db::api_clients::{
    self as clients, client_to_wire, ApiClientChangeset, NewApiClientRow,
};
use crate::db::directory::{self as dir, now};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    /// Cursor: the `next_cursor` of the previous page.
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List API clients (admin). Secrets are never shown again.
#[utoipa::path(
    tag = "admin",
    params(ClientQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of API clients", body = Page<ApiClient>),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-clients")]
pub async fn list(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<ClientQuery>,
) -> Result<web::Json<Page<ApiClient>>, ApiError> {
    let (after, limit) = (query.after, page_limit(query.limit)?);
    let items: Vec<ApiClient> = state
        .db
        .run(move |conn| Ok(clients::list_clients(conn, after, limit)?))
        .await?
        .into_iter()
        .map(client_to_wire)
        .collect();
    let next_cursor = next_cursor(&items, limit, |c| c.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}

/// Create an API client bound to one agency or counter office (admin).
///
/// The answer holds `client_id` and `client_secret`; the secret is shown
/// only this once (its SHA-256 is stored).
#[utoipa::path(
    tag = "admin",
    request_body = NewApiClient,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the secret is shown once", body = CreatedApiClient),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-clients")]
pub async fn create(
    _admin: Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<NewApiClient>,
) -> Result<HttpResponse, ApiError> {
    let new = body.validate().map_err(ApiError::Validation)?;
    let secret = random_token(32);
    let secret_hash = hash_secret(&secret);
    let client = state
        .db
        .write(move |conn| {
            let (agency_id, office_id, binding) = match (&new.agency_code, &new.counter_office_code)
            {
                (Some(code), _) => {
                    let a = dir::agency_by_code(conn, code).map_err(|_| {
                        ApiError::validation("agency_code", ErrorCode::AgencyUnknown)
                    })?;
                    (Some(a.id), None, a.code)
                }
                (None, Some(code)) => {
                    let o = dir::office_by_code(conn, code).map_err(|_| {
                        ApiError::validation("counter_office_code", ErrorCode::OfficeUnknown)
                    })?;
                    (None, Some(o.id), o.code)
                }
                (None, None) => {
                    return Err(ApiError::validation(
                        "agency_code",
                        ErrorCode::ClientBinding,
                    ))
                }
            };
            let client_id = format!(
                "cl_{binding}_{}",
                &random_token(6)
                    .to_ascii_lowercase()
                    .replace(['-', '_'], "x")
            );
            let at = now();
            let id = clients::insert_client(
                conn,
                &NewApiClientRow {
                    client_id: &client_id,
                    name: &new.name,
                    secret_hash: &secret_hash,
                    scopes: &new.scopes.join(" "),
                    agency_id,
                    counter_office_id: office_id,
                    active: true,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            Ok(clients::client_by_id(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiClient {
        client: client_to_wire(client),
        client_secret: secret,
    }))
}

/// Rename or (de)activate an API client (admin). A deactivated client gets
/// no new tokens; tokens already issued run out within their lifetime.
#[utoipa::path(
    tag = "admin",
    params(("id" = i32, Path, description = "API client row id")),
    request_body = ApiClientUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = ApiClient),
        (status = 404, description = "No such client", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/api-clients/{id}")]
pub async fn update(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<ApiClientUpdate>,
) -> Result<web::Json<ApiClient>, ApiError> {
    let id = id.into_inner();
    let mut e = shared::validate::Errors::default();
    let name = body.name.as_deref().map(|n| e.text("name", n, 200));
    let changes = e
        .finish(ApiClientChangeset {
            name,
            active: body.active,
            updated_at: Some(now()),
        })
        .map_err(ApiError::Validation)?;
    let client = state
        .db
        .write(move |conn| {
            if clients::update_client(conn, id, &changes)? == 0 {
                return Err(ApiError::NotFound);
            }
            Ok(clients::client_by_id(conn, id)?)
        })
        .await?;
    Ok(web::Json(client_to_wire(client)))
}
