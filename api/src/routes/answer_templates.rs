//! Answer templates: an agency's named answer texts. Its clerks and its
//! system clients (`inbox:read`) read them, its clerks and admins keep
//! them (the rules are `policy::answer_templates_readable` and
//! `policy::may_manage_answer_templates`). Placeholders are filled by the
//! answering side (`shared::answer_templates::fill`).

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use shared::answer_templates::{AnswerTemplate, AnswerTemplateRequest};
use shared::ErrorCode;

use crate::auth::{policy, Principal};
use crate::db::answer_templates::{self as templates, TemplateRow};
use crate::db::directory::{self as dir, now};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Admins: only this agency's templates (default: every agency's).
    pub agency: Option<String>,
}

/// The answer templates of the caller's agency (admins: of every agency, or
/// of `agency`), by agency and name.
#[utoipa::path(
    tag = "workflow",
    params(TemplateQuery),
    security(("bearer" = []), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "Templates", body = Vec<AnswerTemplate>),
        (status = 403, description = "Not an agency's clerk or client, nor an admin", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency (admins' `agency`)", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/answer-templates")]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<TemplateQuery>,
) -> Result<web::Json<Vec<AnswerTemplate>>, ApiError> {
    let own = policy::answer_templates_readable(&principal)?;
    let wanted = query.into_inner().agency;
    let items = state
        .db
        .run(move |conn| {
            let agency = match (own, wanted.as_deref()) {
                (Some(own), _) => Some(own),
                (None, Some(code)) => {
                    Some(dir::agency_by_code(conn, &code.to_ascii_lowercase())?.id)
                }
                (None, None) => None,
            };
            let rows = templates::list(conn, agency)?;
            Ok(templates::to_wire(conn, rows)?)
        })
        .await?;
    Ok(web::Json(items))
}

/// Add a template to an agency: a clerk's own (leave `agency_code` out),
/// or, for admins, the agency named by `agency_code`.
#[utoipa::path(
    tag = "workflow",
    request_body = AnswerTemplateRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = AnswerTemplate),
        (status = 403, description = "Not a clerk of that agency, nor an admin", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The agency has a template of this name", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (an unknown placeholder is named); admins must name the agency", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/answer-templates")]
pub async fn create(
    principal: Principal,
    state: web::Data<AppState>,
    body: super::body::JsonObject<AnswerTemplateRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.validate().map_err(ApiError::Validation)?;
    policy::answer_templates_readable(&principal)?;
    let template = state
        .db
        .write(move |conn| {
            let agency = target_agency(conn, &principal, request.agency_code.as_deref())?;
            if !policy::may_manage_answer_templates(&principal, agency) {
                return Err(ApiError::forbidden(
                    "only the agency's clerks and admins keep its answer templates",
                ));
            }
            let row = templates::insert(
                conn,
                agency,
                &request.name,
                &request.body,
                &principal.actor(),
                now(),
            )
            .map_err(named_conflict)?;
            one(conn, row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/answer-templates/{}", template.id),
        ))
        .json(template))
}

/// Change a template's name and text.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Template id")),
    request_body = AnswerTemplateRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = AnswerTemplate),
        (status = 403, description = "Not a clerk of its agency, nor an admin", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template at the caller's agency", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The agency has another template of this name", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/answer-templates/{id}")]
pub async fn update(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<AnswerTemplateRequest>,
) -> Result<web::Json<AnswerTemplate>, ApiError> {
    let request = body.validate().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    let template = state
        .db
        .write(move |conn| {
            managed(conn, &principal, id)?;
            let row = templates::update(
                conn,
                id,
                &request.name,
                &request.body,
                &principal.actor(),
                now(),
            )
            .map_err(named_conflict)?;
            one(conn, row)
        })
        .await?;
    Ok(web::Json(template))
}

/// Remove a template (answers written from it stay as written).
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Template id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a clerk of its agency, nor an admin", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such template at the caller's agency", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/answer-templates/{id}")]
pub async fn remove(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            managed(conn, &principal, id)?;
            Ok(templates::delete(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The agency a new template is for: the clerk's own, or the one an admin names.
fn target_agency(
    conn: &mut DbConnection,
    p: &Principal,
    named: Option<&str>,
) -> Result<i32, ApiError> {
    let own = p.agency.as_ref().map(|(id, _)| *id);
    match (own, named) {
        (Some(own), None) => Ok(own),
        (_, Some(code)) => Ok(dir::agency_by_code(conn, code)
            .map_err(|_| ApiError::validation("agency_code", ErrorCode::AgencyUnknown))?
            .id),
        (None, None) => Err(ApiError::validation("agency_code", ErrorCode::Required)),
    }
}

/// The template `id`, if the caller sees it (else 404, as if it did not
/// exist) and may change it (else 403).
fn managed(conn: &mut DbConnection, p: &Principal, id: i32) -> Result<TemplateRow, ApiError> {
    let row = templates::find(conn, id)?;
    if policy::answer_templates_readable(p)?.is_some_and(|own| own != row.agency_id) {
        return Err(ApiError::NotFound);
    }
    if !policy::may_manage_answer_templates(p, row.agency_id) {
        return Err(ApiError::forbidden(
            "only the agency's clerks and admins keep its answer templates",
        ));
    }
    Ok(row)
}

fn one(conn: &mut DbConnection, row: TemplateRow) -> Result<AnswerTemplate, ApiError> {
    templates::to_wire(conn, vec![row])?
        .pop()
        .ok_or(ApiError::NotFound)
}

fn named_conflict(e: diesel::result::Error) -> ApiError {
    match ApiError::from(e) {
        ApiError::Conflict(code, _) => ApiError::Conflict(
            code,
            "The agency has an answer template of this name.".into(),
        ),
        other => other,
    }
}
