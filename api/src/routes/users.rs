//! Staff accounts (admin).

use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use shared::auth::Role;
use shared::directory::{NewUser, Page, User, UserUpdate};
use shared::ErrorCode;

use super::{next_cursor, page_limit};
use crate::auth::Admin;
use crate::db::directory::{self as dir, now};
use crate::db::users::{self, user_to_wire, UserChangeset, UserFilter};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Free text over username and display name.
    pub q: Option<String>,
    pub role: Option<Role>,
    /// Cursor: the `next_cursor` of the previous page.
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List staff accounts (admin).
#[utoipa::path(
    tag = "admin",
    params(UserQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<UserQuery>,
) -> Result<web::Json<Page<User>>, ApiError> {
    let filter = UserFilter {
        q: query
            .q
            .as_deref()
            .map(shared::normalize::normalize_text)
            .filter(|q| !q.is_empty()),
        role: query.role,
        after: query.after,
        limit: page_limit(query.limit)?,
    };
    let limit = filter.limit;
    let items: Vec<User> = state
        .db
        .run(move |conn| Ok(users::list_users(conn, &filter)?))
        .await?
        .into_iter()
        .map(user_to_wire)
        .collect();
    let next_cursor = next_cursor(&items, limit, |u| u.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}

/// One staff account (admin).
#[utoipa::path(
    tag = "admin",
    params(("id" = i32, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 404, description = "No such user", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<User>, ApiError> {
    let id = id.into_inner();
    let user = state
        .db
        .run(move |conn| Ok(users::user_with_bindings(conn, id)?))
        .await?;
    Ok(web::Json(user_to_wire(user)))
}

/// Create a staff account (admin). Operators name their counter office,
/// clerks their agency. The password is stored as an argon2id hash.
#[utoipa::path(
    tag = "admin",
    request_body = NewUser,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = User),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create(
    _admin: Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let new = body.validate().map_err(ApiError::Validation)?;
    let password_hash = state.auth.passwords.hash(new.password.clone()).await?;
    let user = state
        .db
        .write(move |conn| {
            let office_id = match &new.counter_office_code {
                Some(code) => Some(
                    dir::office_by_code(conn, code)
                        .map_err(|_| {
                            ApiError::validation("counter_office_code", ErrorCode::OfficeUnknown)
                        })?
                        .id,
                ),
                None => None,
            };
            let agency_id = match &new.agency_code {
                Some(code) => Some(
                    dir::agency_by_code(conn, code)
                        .map_err(|_| ApiError::validation("agency_code", ErrorCode::AgencyUnknown))?
                        .id,
                ),
                None => None,
            };
            let id = users::create_user(conn, &new, &password_hash, office_id, agency_id)?;
            Ok(users::user_with_bindings(conn, id)?)
        })
        .await?;
    let user = user_to_wire(user);
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/users/{}", user.id)))
        .json(user))
}

/// Rename, reset the password of, or (de)activate a staff account (admin).
/// Deactivating or resetting the password also revokes the user's refresh
/// tokens; access tokens already issued run out within their short lifetime.
#[utoipa::path(
    tag = "admin",
    params(("id" = i32, Path, description = "User id")),
    request_body = UserUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 404, description = "No such user", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or one that cannot be changed here (`role`, bindings)", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<UserUpdate>,
) -> Result<web::Json<User>, ApiError> {
    let update = body.validate().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    let password_hash = match update.password.clone() {
        Some(p) => Some(state.auth.passwords.hash(p).await?),
        None => None,
    };
    let user = state
        .db
        .write(move |conn| {
            let at = now();
            let revoke = update.active == Some(false) || password_hash.is_some();
            let changes = UserChangeset {
                display_name: update.display_name.clone(),
                password_hash,
                active: update.active,
                updated_at: Some(at),
            };
            if users::update_user(conn, id, &changes)? == 0 {
                return Err(ApiError::NotFound);
            }
            if revoke {
                users::revoke_all_of_user(conn, id, at)?;
            }
            Ok(users::user_with_bindings(conn, id)?)
        })
        .await?;
    Ok(web::Json(user_to_wire(user)))
}
