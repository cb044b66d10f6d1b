//! The SMS outbox as staff see it.

use actix_web::{get, web};
use serde::Deserialize;
use serde::Serialize;
use shared::directory::Page;

use super::page_limit;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::letters::{self as db, utc, Scope};
use crate::error::ApiError;

/// One SMS to an applicant.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i32,
    pub letter_id: i32,
    /// The workflow step it reports (`registered`, `received`, …).
    pub event_kind: String,
    pub mobile: String,
    pub text: String,
    /// `pending`, `sent`, `failed`, `delivered` or `undelivered`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only the SMS of this letter.
    pub letter_id: Option<i32>,
    /// Cursor: the `next_cursor` of the previous page (newest first).
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    pub limit: Option<i64>,
}

/// The SMS outbox, newest first. Admins and auditors see every message;
/// others the messages of letters they may read (`letter_id` required).
#[utoipa::path(
    tag = "letters",
    params(NotificationQuery),
    security(("bearer" = []), ("oauth2" = ["letters:read"])),
    responses(
        (status = 200, description = "A page of SMS messages", body = Page<Notification>),
        (status = 404, description = "The letter is not the caller's", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "letter_id is required for this caller", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notifications")]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<NotificationQuery>,
) -> Result<web::Json<Page<Notification>>, ApiError> {
    let scope = principal.letters_scope()?;
    let (letter_id, after, limit) = (query.letter_id, query.after, page_limit(query.limit));
    if scope != Scope::All && letter_id.is_none() {
        return Err(ApiError::validation(
            "letter_id",
            "name the letter whose messages you want",
        ));
    }
    let items: Vec<Notification> = state
        .db
        .run(move |conn| {
            if let Some(id) = letter_id {
                db::letter_in_scope(conn, id, scope)?;
            }
            let ids = letter_id.map(|id| vec![id]);
            Ok(db::notifications_of(conn, ids.as_deref(), after, limit)?)
        })
        .await?
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            letter_id: r.letter_id,
            event_kind: r.event_kind,
            mobile: r.mobile,
            text: r.text,
            status: r.status,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: utc(r.created_at),
            sent_at: r.sent_at.map(utc),
        })
        .collect();
    let next_cursor = super::next_cursor(&items, limit, |n| n.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}
