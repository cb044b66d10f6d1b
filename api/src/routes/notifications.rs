//! The SMS outbox as staff see it.

use actix_web::{delete, get, post, web, HttpResponse};
use serde::Deserialize;
use serde::Serialize;
use shared::directory::Page;
use shared::ErrorCode;

use super::page_limit;
use crate::auth::{policy, Admin, Principal, Staff};
use crate::db::directory::now;
use crate::db::letters::{self as db, utc, Scope};
use crate::db::notifications as outbox;
use crate::error::ApiError;
use crate::state::AppState;

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
    /// When a pending message is tried (again).
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    /// The gateway's id (Kavenegar `messageid`).
    pub provider_message_id: Option<String>,
    /// What the gateway last said about it.
    pub provider_status: Option<String>,
}

/// One attempt to send an SMS.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attempt {
    pub attempt: i32,
    pub at: chrono::DateTime<chrono::Utc>,
    /// `sent`, `retry` or `failed`.
    pub outcome: String,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// Queue health for the dashboard header.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SmsStats {
    pub pending: i64,
    pub failed: i64,
    /// Age of the oldest message still waiting (a stuck gateway shows here).
    pub oldest_pending_seconds: Option<i64>,
}

/// A number that does not want SMS.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"mobile": "09121234567", "note": "به درخواست متقاضی"}))]
pub struct OptOut {
    #[schema(pattern = "^09[0-9]{9}$")]
    pub mobile: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only the SMS of this letter.
    pub letter_id: Option<i32>,
    /// `pending`, `sent`, `failed`, `delivered` or `undelivered`.
    #[param(pattern = "^(pending|sent|failed|delivered|undelivered)$")]
    pub status: Option<String>,
    /// Cursor: the `next_cursor` of the previous page (newest first).
    pub after: Option<i32>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// The SMS outbox, newest first. Admins and auditors see every message;
/// others the messages of letters they may read (`letter_id` required).
#[utoipa::path(
    tag = "letters",
    params(NotificationQuery),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
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
    let (letter_id, after, limit) = (query.letter_id, query.after, page_limit(query.limit)?);
    let status = query.status.clone();
    if let Some(s) = &status {
        if !db::NOTIFICATION_STATUSES.contains(&s.as_str()) {
            return Err(ApiError::invalid_choice(
                "status",
                "pending, sent, failed, delivered or undelivered",
            ));
        }
    }
    if scope != Scope::All && letter_id.is_none() {
        return Err(ApiError::validation("letter_id", ErrorCode::LetterRequired));
    }
    let items: Vec<Notification> = state
        .db
        .run(move |conn| {
            if let Some(id) = letter_id {
                db::letter_in_scope(conn, id, scope)?;
            }
            let ids = letter_id.map(|id| vec![id]);
            Ok(db::notifications_of(
                conn,
                ids.as_deref(),
                status.as_deref(),
                after,
                limit,
            )?)
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
            next_attempt_at: utc(r.next_attempt_at),
            provider_message_id: r.provider_message_id,
            provider_status: r.provider_status,
        })
        .collect();
    let next_cursor = super::next_cursor(&items, limit, |n| n.id.to_string());
    Ok(web::Json(Page { items, next_cursor }))
}

/// The attempts of one SMS (admins and auditors).
#[utoipa::path(
    tag = "sms",
    params(("id" = i32, Path, description = "SMS id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Attempts, oldest first", body = Vec<Attempt>),
        (status = 403, description = "Admins and auditors only", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SMS", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notifications/{id}/attempts")]
pub async fn attempts(
    Staff(staff): Staff,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<Vec<Attempt>>, ApiError> {
    policy::require_overseer(&staff)?;
    let id = id.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            if !outbox::exists(conn, id)? {
                return Err(ApiError::NotFound);
            }
            Ok(outbox::attempts_of(conn, id)?)
        })
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|r| Attempt {
                attempt: r.attempt,
                at: utc(r.at),
                outcome: r.outcome,
                error: r.error,
                duration_ms: r.duration_ms,
            })
            .collect(),
    ))
}

/// Put a failed SMS back in the queue now (admin).
#[utoipa::path(
    tag = "sms",
    params(("id" = i32, Path, description = "SMS id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Queued again"),
        (status = 409, description = "The message is not failed", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/notifications/{id}/retry")]
pub async fn retry(
    _admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changed = state
        .db
        .write(move |conn| Ok(outbox::retry_now(conn, id, now())?))
        .await?;
    if changed == 0 {
        return Err(ApiError::Conflict(
            ErrorCode::NotificationNotFailed,
            "Only failed messages can be retried.".into(),
        ));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Queue health: pending and failed counts and the oldest pending age, so a
/// failing gateway is noticed within minutes (admins and auditors).
#[utoipa::path(
    tag = "sms",
    security(("bearer" = [])),
    responses((status = 200, description = "Queue health", body = SmsStats))
)]
#[get("/sms/stats")]
pub async fn stats(
    Staff(staff): Staff,
    state: web::Data<AppState>,
) -> Result<web::Json<SmsStats>, ApiError> {
    policy::require_overseer(&staff)?;
    let (pending, failed, oldest) = state.db.run(|conn| Ok(outbox::queue_stats(conn)?)).await?;
    Ok(web::Json(SmsStats {
        pending,
        failed,
        oldest_pending_seconds: oldest.map(|t| (now() - t).num_seconds().max(0)),
    }))
}

/// Numbers that asked for no SMS, province-wide (admins). Operators record
/// and lift an applicant's opt-out through a letter of their office
/// (`/letters/{id}/sms-opt-out`).
#[utoipa::path(
    tag = "sms",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Opt-outs", body = Vec<OptOut>),
        (status = 403, description = "Not an admin", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sms/opt-outs")]
pub async fn list_opt_outs(
    _admin: Admin,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<OptOut>>, ApiError> {
    let rows = state.db.run(|conn| Ok(outbox::opt_outs(conn)?)).await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(mobile, note, created_by, at)| OptOut {
                mobile,
                note,
                created_by,
                created_at: Some(utc(at)),
            })
            .collect(),
    ))
}

/// Mark a number as not wanting SMS (admins): its messages are not sent
/// (they end `failed` with the reason), and its letters say so.
#[utoipa::path(
    tag = "sms",
    request_body = OptOut,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 403, description = "Not an admin", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a mobile number", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sms/opt-outs")]
pub async fn add_opt_out(
    Admin(staff): Admin,
    state: web::Data<AppState>,
    body: super::body::JsonObject<OptOut>,
) -> Result<HttpResponse, ApiError> {
    let mobile = shared::identifiers::parse_mobile(&body.mobile)
        .map_err(|e| ApiError::validation("mobile", e.code()))?;
    record_opt_out(&state, mobile, &body.note, staff.actor()).await
}

/// The number wants SMS again (admins).
#[utoipa::path(
    tag = "sms",
    params(("mobile" = String, Path, pattern = "^09[0-9]{9}$", description = "Mobile number")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed (also when it was not there)"),
        (status = 403, description = "Not an admin", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/sms/opt-outs/{mobile}")]
pub async fn remove_opt_out(
    _admin: Admin,
    state: web::Data<AppState>,
    mobile: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let mobile = shared::identifiers::parse_mobile(&mobile)
        .map_err(|e| ApiError::validation("mobile", e.code()))?;
    lift_opt_out(&state, mobile).await
}

/// Why an applicant asked for no SMS.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"note": "به درخواست متقاضی"}))]
pub struct OptOutNote {
    #[serde(default)]
    pub note: String,
}

/// The letter's applicant, if the caller may change their opt-out: an
/// operator of the registering office, or an admin (see `auth::policy`).
async fn opt_out_mobile(
    principal: &Principal,
    state: &AppState,
    letter_id: i32,
) -> Result<String, ApiError> {
    let scope = principal.letters_scope()?;
    let letter = state
        .db
        .run(move |conn| Ok(db::letter_in_scope(conn, letter_id, scope)?))
        .await?;
    if !policy::may_change_opt_out(principal, letter.counter_office_id) {
        return Err(ApiError::forbidden(
            "only the registering office's operators (or an admin) do this",
        ));
    }
    Ok(letter.applicant_mobile)
}

/// The applicant of this letter wants no SMS (from now on, for all their
/// letters): operators of the registering office, or admins.
#[utoipa::path(
    tag = "sms",
    params(("id" = i32, Path, description = "Letter id")),
    request_body = OptOutNote,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Recorded"),
        (status = 403, description = "Not the registering office's operator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/sms-opt-out")]
pub async fn add_letter_opt_out(
    Staff(staff): Staff,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<OptOutNote>,
) -> Result<HttpResponse, ApiError> {
    let mobile = opt_out_mobile(&staff, &state, id.into_inner()).await?;
    record_opt_out(&state, mobile, &body.note, staff.actor()).await
}

/// The applicant of this letter wants SMS again: operators of the
/// registering office, or admins.
#[utoipa::path(
    tag = "sms",
    params(("id" = i32, Path, description = "Letter id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed (also when there was none)"),
        (status = 403, description = "Not the registering office's operator", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/letters/{id}/sms-opt-out")]
pub async fn remove_letter_opt_out(
    Staff(staff): Staff,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let mobile = opt_out_mobile(&staff, &state, id.into_inner()).await?;
    lift_opt_out(&state, mobile).await
}

async fn record_opt_out(
    state: &AppState,
    mobile: String,
    note: &str,
    by: String,
) -> Result<HttpResponse, ApiError> {
    let note = shared::normalize::normalize_text(note);
    state
        .db
        .write(move |conn| Ok(outbox::add_opt_out(conn, &mobile, &note, &by, now())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn lift_opt_out(state: &AppState, mobile: String) -> Result<HttpResponse, ApiError> {
    state
        .db
        .write(move |conn| Ok(outbox::remove_opt_out(conn, &mobile)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
