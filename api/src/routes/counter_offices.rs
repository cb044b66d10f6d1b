//! The directory of counter offices: readable by every authenticated caller,
//! written by admins.

use actix_web::{get, patch, post, web, HttpResponse};
use shared::directory::{CounterOffice, CounterOfficeUpdate, NewCounterOffice, Page};

use super::{next_cursor, DirectoryQuery};
use crate::auth::{Admin, Principal};
use crate::db::directory::{
    self as dir, now, CounterOfficeChangeset, CounterOfficeRow, NewCounterOfficeRow,
};
use crate::error::ApiError;
use crate::state::AppState;

/// List counter offices, by code, with search and cursor paging.
#[utoipa::path(
    tag = "directory",
    params(DirectoryQuery),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "A page of counter offices", body = Page<CounterOffice>),
        (status = 401, description = "Not authenticated", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counter-offices")]
pub async fn list(
    _caller: Principal,
    state: web::Data<AppState>,
    query: web::Query<DirectoryQuery>,
) -> Result<web::Json<Page<CounterOffice>>, ApiError> {
    let filter = query.filter()?;
    let limit = filter.limit;
    let items: Vec<CounterOffice> = state
        .db
        .run(move |conn| Ok(dir::list_offices(conn, &filter)?))
        .await?
        .into_iter()
        .map(CounterOffice::from)
        .collect();
    let next_cursor = next_cursor(&items, limit, |o| o.code.clone());
    Ok(web::Json(Page { items, next_cursor }))
}

/// One counter office by code.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Counter office code")),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The counter office", body = CounterOffice),
        (status = 404, description = "No such counter office", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/counter-offices/{code}")]
pub async fn get(
    _caller: Principal,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<web::Json<CounterOffice>, ApiError> {
    let code = code.into_inner().to_ascii_lowercase();
    let office = state
        .db
        .run(move |conn| Ok(dir::office_by_code(conn, &code)?))
        .await?;
    Ok(web::Json(office.into()))
}

/// Register a new counter office (admin).
#[utoipa::path(
    tag = "directory",
    request_body = NewCounterOffice,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CounterOffice),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/counter-offices")]
pub async fn create(
    _admin: Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<NewCounterOffice>,
) -> Result<HttpResponse, ApiError> {
    let new = body.validate().map_err(ApiError::Validation)?;
    let office = state
        .db
        .write(move |conn| {
            let at = now();
            dir::insert_office(
                conn,
                &NewCounterOfficeRow {
                    code: &new.code,
                    name: &new.name,
                    province: &new.province,
                    city: &new.city,
                    address: &new.address,
                    phone: &new.phone,
                    active: true,
                    search_text: CounterOfficeRow::search_text_of(
                        &new.code,
                        &new.name,
                        &new.province,
                        &new.city,
                    ),
                    created_at: at,
                    updated_at: at,
                },
            )
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict(code, _) => ApiError::Conflict(
                    code,
                    format!("A counter office with code `{}` exists.", new.code),
                ),
                other => other,
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/counter-offices/{}", office.code),
        ))
        .json(CounterOffice::from(office)))
}

/// Edit or (de)activate a counter office (admin); never deleted.
#[utoipa::path(
    tag = "directory",
    params(("code" = String, Path, description = "Counter office code")),
    request_body = CounterOfficeUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = CounterOffice),
        (status = 404, description = "No such counter office", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/counter-offices/{code}")]
pub async fn update(
    _admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: super::body::JsonObject<CounterOfficeUpdate>,
) -> Result<web::Json<CounterOffice>, ApiError> {
    let u = body.validate().map_err(ApiError::Validation)?;
    let code = code.into_inner().to_ascii_lowercase();
    let office = state
        .db
        .write(move |conn| {
            let row = dir::office_by_code(conn, &code)?;
            let name = u.name.clone().unwrap_or(row.name.clone());
            let province = u.province.clone().unwrap_or(row.province.clone());
            let city = u.city.clone().unwrap_or(row.city.clone());
            dir::update_office(
                conn,
                row.id,
                &CounterOfficeChangeset {
                    search_text: Some(CounterOfficeRow::search_text_of(
                        &row.code, &name, &province, &city,
                    )),
                    name: Some(name),
                    province: Some(province),
                    city: Some(city),
                    address: u.address.clone(),
                    phone: u.phone.clone(),
                    active: u.active,
                    updated_at: Some(now()),
                },
            )?;
            Ok(dir::office_by_code(conn, &code)?)
        })
        .await?;
    Ok(web::Json(office.into()))
}
