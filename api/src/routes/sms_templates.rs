//! SMS templates: the texts of every step, editable by admins with a live
//! preview (and its length in SMS parts). Unknown placeholders are refused.

use actix_web::{delete, get, post, put, web, HttpResponse};
use shared::sms::{SmsTemplate, TemplateBody, TemplatePreview, TEMPLATES};

use crate::auth::Admin;
use crate::db::directory::now;
use crate::db::notifications as outbox;
use crate::error::ApiError;
use crate::state::AppState;

fn all(edited: &std::collections::HashMap<String, String>) -> Vec<SmsTemplate> {
    TEMPLATES
        .iter()
        .map(|t| {
            let body = edited.get(t.kind).cloned();
            SmsTemplate {
                kind: t.kind.to_owned(),
                edited: body.is_some(),
                body: body.unwrap_or_else(|| t.default.to_owned()),
                default: t.default.to_owned(),
                placeholders: t.placeholders.iter().map(|p| (*p).to_owned()).collect(),
            }
        })
        .collect()
}

/// Every SMS template, as in use (admin).
#[utoipa::path(tag = "sms", security(("bearer" = [])), responses((status = 200, description = "Templates", body = Vec<SmsTemplate>)))]
#[get("/sms/templates")]
pub async fn list(
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<SmsTemplate>>, ApiError> {
    let edited = state
        .db
        .run(|conn| Ok(outbox::edited_templates(conn)?))
        .await?;
    Ok(web::Json(all(&edited)))
}

/// Change the text of one kind of SMS (admin). Only the kind's placeholders
/// may be used (`{code}`, `{agency}`, `{reason}`, `{due}` as listed).
#[utoipa::path(
    tag = "sms",
    params(("kind" = String, Path, pattern = "^(registered|received|referred|answered|rejected|closed|withdrawn|overdue)$", description = "registered, received, referred, answered, rejected, closed, withdrawn, overdue")),
    request_body = TemplateBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved", body = SmsTemplate),
        (status = 422, description = "Empty text, unknown kind or placeholder", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/sms/templates/{kind}")]
pub async fn save(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    body: super::body::JsonObject<TemplateBody>,
) -> Result<web::Json<SmsTemplate>, ApiError> {
    let kind = kind.into_inner();
    let text = shared::sms::validate_template(&kind, &body.body).map_err(ApiError::Validation)?;
    let by = admin.actor();
    let k = kind.clone();
    let edited = state
        .db
        .write(move |conn| {
            outbox::save_template(conn, &k, &text, &by, now())?;
            Ok(outbox::edited_templates(conn)?)
        })
        .await?;
    all(&edited)
        .into_iter()
        .find(|t| t.kind == kind)
        .map(web::Json)
        .ok_or(ApiError::NotFound)
}

/// Go back to the built-in text (admin).
#[utoipa::path(
    tag = "sms",
    params(("kind" = String, Path, pattern = "^(registered|received|referred|answered|rejected|closed|withdrawn|overdue)$", description = "Message kind")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Reset (also when it was not edited)"),
        (status = 404, description = "No such message kind", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/sms/templates/{kind}")]
pub async fn reset(
    _admin: Admin,
    state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let kind = kind.into_inner();
    if shared::sms::template(&kind).is_none() {
        return Err(ApiError::NotFound);
    }
    state
        .db
        .write(move |conn| Ok(outbox::reset_template(conn, &kind)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Fill a draft with sample values and count its SMS parts (Persian is
/// UCS-2: 70 characters in one part, 67 per part when longer).
#[utoipa::path(
    tag = "sms",
    params(("kind" = String, Path, pattern = "^(registered|received|referred|answered|rejected|closed|withdrawn|overdue)$", description = "Message kind")),
    request_body = TemplateBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The preview", body = TemplatePreview),
        (status = 422, description = "Invalid template", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sms/templates/{kind}/preview")]
pub async fn preview(
    _admin: Admin,
    kind: web::Path<String>,
    body: super::body::JsonObject<TemplateBody>,
) -> Result<web::Json<TemplatePreview>, ApiError> {
    let text = shared::sms::validate_template(&kind, &body.body).map_err(ApiError::Validation)?;
    Ok(web::Json(shared::sms::preview(&text)))
}
