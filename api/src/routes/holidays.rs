//! Holidays for working-day SLAs: every staff member reads them, admins edit.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use shared::directory::Holiday;

use crate::auth::{Admin, Staff};
use crate::db::directory as dir;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HolidayQuery {
    /// From this day on (default: a year ago).
    pub from: Option<chrono::NaiveDate>,
}

/// Holidays, in date order.
#[utoipa::path(tag = "directory", params(HolidayQuery), security(("bearer" = [])), responses((status = 200, description = "Holidays", body = Vec<Holiday>)))]
#[get("/holidays")]
pub async fn list(
    _staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<HolidayQuery>,
) -> Result<web::Json<Vec<Holiday>>, ApiError> {
    let from = query
        .from
        .unwrap_or_else(|| (dir::now() - chrono::Duration::days(365)).date());
    let rows = state
        .db
        .run(move |conn| Ok(dir::list_holidays(conn, from)?))
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(day, name)| Holiday { day, name })
            .collect(),
    ))
}

/// Add a holiday, or rename one (admin). Due dates already set do not move.
#[utoipa::path(
    tag = "directory",
    request_body = Holiday,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Saved"),
        (status = 422, description = "Empty name", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/holidays")]
pub async fn save(
    _admin: Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<Holiday>,
) -> Result<HttpResponse, ApiError> {
    let mut e = shared::validate::Errors::default();
    let name = e.text("name", &body.name, 200);
    e.finish(()).map_err(ApiError::Validation)?;
    let day = body.day;
    state
        .db
        .write(move |conn| Ok(dir::upsert_holiday(conn, day, &name)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Remove a holiday (admin).
#[utoipa::path(
    tag = "directory",
    params(("day" = String, Path, description = "YYYY-MM-DD")),
    security(("bearer" = [])),
    responses((status = 204, description = "Removed"), (status = 404, description = "No holiday that day", body = shared::Problem, content_type = "application/problem+json"))
)]
#[delete("/holidays/{day}")]
pub async fn remove(
    _admin: Admin,
    state: web::Data<AppState>,
    day: web::Path<chrono::NaiveDate>,
) -> Result<HttpResponse, ApiError> {
    let day = day.into_inner();
    let n = state
        .db
        .write(move |conn| Ok(dir::delete_holiday(conn, day)?))
        .await?;
    if n == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}
