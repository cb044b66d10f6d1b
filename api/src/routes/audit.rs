//! The authentication audit trail (admins and auditors).

use actix_web::{get, web};
use serde::Deserialize;
use shared::auth::AuthEvent;
use shared::directory::Page;

use super::{next_cursor, page_limit};
use crate::auth::Staff;
use crate::db::users;
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
