//! The directory of agencies: readable by every authenticated caller (the
//! SPA's agency picker, agency systems), written by admins.

use actix_web::{get, patch, post, web, HttpResponse};
use shared::directory::{Agency, AgencyUpdate, NewAgency, Page};
use shared::ErrorCode;

use super::{next_cursor, DirectoryQuery};
use crate::auth::{Admin, Principal};
use crate::db::directory::{self as dir, now, AgencyChangeset, AgencyRow, NewAgencyRow};
use crate::error::ApiError;
use crate::state::AppState;

/// List agencies, by code, with search and cursor paging.
#[utoipa::path(
    tag = "directory",
    params(DirectoryQuery),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "A page of agencies", body = Page<Agency>),
        (status = 401, description = "Not authenticated", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agencies")]
pub async fn list(
    _caller: Principal,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Result<web::Json<Page<Agency>>, ApiError> {
    let filter = query.filter()?;
    let limit = filter.limit;
    let items = state
        .db
        .run(move |conn| {
            let rows = dir::list_agencies(conn, &filter)?;
            Ok(dir::agencies_to_wire(conn, rows)?)
        })
        .await?;
    let next_cursor = next_cursor(&items, limit, |a| a.code.clone());
    Ok(web::Json(Page { items, next_cursor }))
}

/// One agency by code.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Agency code")),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The agency", body = Agency),
        (status = 404, description = "No such agency", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/agencies/{code}")]
pub async fn get(
    _caller: Principal,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<Agency>, ApiError> {
    let code = code.into_inner().to_ascii_lowercase();
    let agency = state
        .db
        .run(move |conn| {
            let row = dir::agency_by_code(conn, &code)?;
            Ok(dir::agencies_to_wire(conn, vec![row])?)
        })
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(agency))
}

/// Connect a new agency (admin).
#[utoipa::path(
    tag = "directory",
    request_body = NewAgency,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Agency),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/agencies")]
pub async fn create(
    _admin: Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<NewAgency>,
) -> Result<HttpResponse, ApiError> {
    let new = body.validate().map_err(ApiError::Validation)?;
    let agency = state
        .db
        .write(move |conn| {
            let parent_id = match &new.parent_code {
                Some(code) => Some(
                    dir::agency_by_code(conn, code)
                        .map_err(|_| ApiError::validation("parent_code", ErrorCode::AgencyUnknown))?
                        .id,
                ),
                None => None,
            };
            let at = now();
            let row = dir::insert_agency(
                conn,
                &NewAgencyRow {
                    code: &new.code,
                    name: &new.name,
                    name_en: &new.name_en,
                    parent_id,
                    sla_days: new.sla_days,
                    sla_working_days: new.sla_working_days,
                    active: true,
                    search_text: AgencyRow::search_text_of(&new.code, &new.name, &new.name_en),
                    created_at: at,
                    updated_at: at,
                    reference_pattern: new.reference_pattern.as_deref(),
                },
            )
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict(code, _) => {
                    ApiError::Conflict(code, format!("An agency with code `{}` exists.", new.code))
                }
                other => other,
            })?;
            Ok(row.into_wire(new.parent_code.clone()))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/agencies/{}", agency.code)))
        .json(agency))
}

/// Edit or (de)activate an agency (admin). Agencies are never deleted:
/// history keeps pointing at them.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Agency code")),
    request_body = AgencyUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Agency),
        (status = 404, description = "No such agency", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/agencies/{code}")]
pub async fn update(
    _admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: super::body::JsonObject<AgencyUpdate>,
) -> Result<web::Json<Agency>, ApiError> {
    let update = body.validate().map_err(ApiError::Validation)?;
    let code = code.into_inner().to_ascii_lowercase();
    let agency = state
        .db
        .write(move |conn| {
            let row = dir::agency_by_code(conn, &code)?;
            let name = update.name.clone().unwrap_or(row.name.clone());
            let name_en = update.name_en.clone().unwrap_or(row.name_en.clone());
            dir::update_agency(
                conn,
                row.id,
                &AgencyChangeset {
                    search_text: Some(AgencyRow::search_text_of(&row.code, &name, &name_en)),
                    name: Some(name),
                    name_en: Some(name_en),
                    sla_days: update.sla_days,
                    sla_working_days: update.sla_working_days,
                    active: update.active,
                    updated_at: Some(now()),
                    reference_pattern: update
                        .reference_pattern
                        .clone()
                        .map(|p| Some(p).filter(|p| !p.is_empty())),
                },
            )?;
            let row = dir::agency_by_code(conn, &code)?;
            Ok(dir::agencies_to_wire(conn, vec![row])?)
        })
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(agency))
}
