//! The audit trails: authentication events (admins and auditors) and the
//! reads of confidential letters (admins).

use actix_web::{get, web};
use serde::Deserialize;
use shared::auth::AuthEvent;
use shared::directory::Page;
use shared::letters::ConfidentialRead;

use super::{next_cursor, page_limit};
use crate::auth::{Admin, Staff};
use crate::db::{confidential, users};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Cursor: events older than this id (the `next_cursor` of the previous page).
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Authentication events, newest first: logins (ok and failed), refreshes,
/// refresh-token reuse, logouts, client tokens. Admins and auditors.
#[utoipa::path(
    tag = "admin",
    params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of events", body = Page<AuthEvent>),
        (status = 403, description = "Admins and auditors only", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth-events")]
pub async fn auth_events(
    Staff(staff): Staff,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Page<AuthEvent>>, ApiError> {
    crate::auth::policy::require_overseer(&staff)?;
    let limit = page_limit(query.limit)?;
    let before = query.after;
    let items: Vec<AuthEvent> = state
        .db
        .run(move |conn| Ok(users::list_auth_events(conn, before, limit)?))
        .await?
        .into_iter()
        .map(|r| AuthEvent {
            id: r.id,
            at: r.at.and_utc(),
            kind: r.kind,
            principal: r.principal,
            ip: r.ip,
            detail: r.detail,
        })
        .collect();
    let next_cursor = next_cursor(&items, limit, |e| e.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfidentialReadsQuery {
    /// Only the reads of this letter.
    pub letter_id: Option<i32>,
    /// Cursor: reads older than this id (the `next_cursor` of the previous page).
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Who read a confidential letter's text or files, and when, newest first:
/// its detail (staff), its files (staff or the applicant's answer links)
/// and its public tracking page (the applicant). Admins only.
#[utoipa::path(
    tag = "admin",
    params(ConfidentialReadsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of reads", body = Page<ConfidentialRead>),
        (status = 403, description = "Admins only", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/confidential-reads")]
pub async fn confidential_reads(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<ConfidentialReadsQuery>,
) -> Result<web::Json<Page<ConfidentialRead>>, ApiError> {
    let limit = page_limit(query.limit)?;
    let (letter, before) = (query.letter_id, query.after);
    let items = state
        .db
        .run(move |conn| Ok(confidential::list_reads(conn, letter, before, limit)?))
        .await?;
    let next_cursor = next_cursor(&items, limit, |r| r.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}
