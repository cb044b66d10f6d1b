//! Public tracking: the applicant follows a letter with tracking code and
//! national code, without an account.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use shared::letters::{
    PublicAnswer, PublicAttachment, PublicEvent, TrackingAnswer, TrackingRequest,
};
use shared::workflow::Status;
use shared::ErrorCode;

use crate::auth::tokens;
use crate::client_ip::client_ip;
use crate::db::confidential::{self, ReadOf};
use crate::db::directory::agency_names;
use crate::db::letters::{self as db, utc};
use crate::error::ApiError;
use crate::read_your_writes::ReadAfter;
use crate::state::AppState;

/// How long the file links of a tracking answer work: long enough to read
/// the answer and download its files, short enough that a forwarded or
/// logged link soon stops working.
const DOWNLOAD_LINK_TTL_SECS: i64 = 3600;

/// Follow a letter with its tracking code and the applicant's national code
/// (or a legal person's national ID).
///
/// No login. An unknown code and a wrong national code get the very same
/// 404, so the endpoint cannot be used to learn which codes exist; it is rate
/// limited per IP and per tracking code (429 with `Retry-After`). The
/// timeline shows public steps only (no staff names, no internal notes).
/// Once answered, the answer comes with its files, each with a download link
/// that works for an hour.
#[utoipa::path(
    tag = "public",
    request_body = TrackingRequest,
    params(ReadAfter),
    responses(
        (status = 200, description = "Status, timeline and answer", body = TrackingAnswer),
        (status = 404, description = "No letter with this code and national code", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The tracking code is mistyped (check digit)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many lookups", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tracking")]
pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: super::body::JsonObject<TrackingRequest>,
    after: ReadAfter,
) -> Result<web::Json<TrackingAnswer>, ApiError> {
    let code = shared::tracking::parse(&body.tracking_code)
        .map_err(|e| ApiError::validation("tracking_code", e.code()))?;
    let answer = look_up(&state, &req, code, &body.national_id, after).await?;
    Ok(web::Json(answer))
}

/// The letter with tracking code `code` (as [`shared::tracking::parse`]
/// read it) if `national_id` is its applicant's, as the applicant may see
/// it: for the API and the server's tracking page alike, with the same rate
/// limits and the same 404 for a wrong code and a wrong national code.
pub async fn look_up(
    state: &AppState,
    req: &HttpRequest,
    code: String,
    national_id: &str,
    after: ReadAfter,
) -> Result<TrackingAnswer, ApiError> {
    state.tracking_limits.check(&client_ip(req), &code).await?;
    let national_id = shared::identifiers::lookup_national_id(national_id);
    let auth = state.auth.clone();
    let (answer, confidential) = state
        .db
        .read(after.0, move |conn| {
            let row = db::letter_by_tracking_code(conn, &code)?
                .filter(|row| row.applicant_national_id == national_id)
                .ok_or(ApiError::NotFound)?;
            let events = db::events_of(conn, row.id)?;
            let mut ids: Vec<i32> = events
                .iter()
                .flat_map(|e| [e.agency_id, e.to_agency_id])
                .flatten()
                .collect();
            ids.push(row.holder_agency_id);
            ids.extend(row.answer_agency_id);
            let agencies = agency_names(conn, &ids)?;
            let named = |id: i32| agencies.get(&id).cloned().unwrap_or_default();
            let public_events = events
                .iter()
                .filter(|e| !e.internal)
                .map(|e| {
                    let agency = e.agency_id.or(e.to_agency_id);
                    PublicEvent {
                        kind: e.kind.clone(),
                        status: Status::parse(&e.status).unwrap_or(Status::Registered),
                        agency_code: agency.map(|id| named(id).code),
                        agency_name: agency.map(|id| named(id).name),
                        to_agency_code: e.to_agency_id.map(|id| named(id).code),
                        to_agency_name: e.to_agency_id.map(|id| named(id).name),
                        note: if e.kind == "rejected" {
                            e.note.clone()
                        } else {
                            String::new()
                        },
                        at: utc(e.created_at),
                    }
                })
                .collect();
            let answer = row
                .answer(named)
                .map(|answer| public_answer(conn, row.id, answer, &auth.keys))
                .transpose()?;
            let answer = TrackingAnswer {
                tracking_code: row.tracking_code.clone(),
                status: row.status(),
                subject: row.subject.clone(),
                holder_agency_code: named(row.holder_agency_id).code,
                holder_agency_name: named(row.holder_agency_id).name,
                registered_at: utc(row.created_at),
                due_at: row
                    .status()
                    .awaits_agency()
                    .then_some(row.due_at)
                    .flatten()
                    .map(utc),
                events: public_events,
                answer,
                related: db::relations_of(conn, &[row.id])?
                    .remove(&row.id)
                    .unwrap_or_default(),
                copies: db::copies_of(conn, row.id)?,
            };
            Ok((answer, row.is_confidential().then_some(row.id)))
        })
        .await?;
    // The applicant reads their own confidential letter: recorded all the same.
    if let Some(letter_id) = confidential {
        let actor = confidential::APPLICANT.to_owned();
        super::record_confidential_read(state, letter_id, actor, ReadOf::Tracking).await?;
    }
    Ok(answer)
}

/// The answer with its files, each behind a fresh download link.
/// A download link that is no longer (or never was) good for this file.
fn download_refused() -> ApiError {
    ApiError::Forbidden(
        ErrorCode::DownloadLinkInvalid,
        "This download link has expired or is not valid; look the letter up again.".into(),
    )
}

fn public_answer(
    conn: &mut crate::db::DbConnection,
    letter_id: i32,
    answer: shared::letters::LetterAnswer,
    keys: &crate::auth::keys::Keyring,
) -> Result<PublicAnswer, ApiError> {
    let mut attachments = Vec::new();
    for file in db::attachments_of(conn, letter_id)? {
        if file.kind != "answer" {
            continue;
        }
        let token = tokens::issue_download(keys, file.id, DOWNLOAD_LINK_TTL_SECS)
            .map_err(|e| ApiError::Internal(format!("download token: {e}")))?;
        attachments.push(PublicAttachment {
            download_url: format!("/api/v1/tracking/attachments/{}?token={token}", file.id),
            file_name: file.file_name,
            content_type: file.content_type,
            size_bytes: file.size_bytes,
            sha256: file.sha256,
        });
    }
    Ok(PublicAnswer {
        body: answer.body,
        agency_code: answer.agency_code,
        agency_name: answer.agency_name,
        answered_at: answer.answered_at,
        attachments,
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// The signed token of the link the tracking answer gave.
    pub token: String,
}

/// Download a file of a letter's answer without an account, through the
/// link in the tracking answer (`answer.attachments[].download_url`).
///
/// The link's token names one file and expires after an hour: look the
/// letter up again for a fresh one. Only files of a given answer are served.
#[utoipa::path(
    tag = "public",
    params(("id" = i32, Path, description = "Attachment id"), DownloadQuery),
    responses(
        (status = 200, description = "The bytes, with their recognised type and `Content-Disposition: attachment`", content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"),
        )),
        (status = 400, description = "No `token` in the link", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The link has expired or is not valid", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file of an answer", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tracking/attachments/{id}")]
pub async fn download_answer_file(
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<DownloadQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let granted = tokens::verify_download(&state.auth.keys, &query.token).map_err(|e| {
        tracing::debug!(error = %e, "download token refused");
        download_refused()
    })?;
    if granted != id {
        return Err(download_refused());
    }
    let (row, confidential) = state
        .db
        .run(move |conn| {
            let row = db::attachment_by_id(conn, id)?;
            let letter = db::letter_in_scope(conn, row.letter_id, db::Scope::All)?;
            if row.kind != "answer" || letter.answer_body.is_none() {
                return Err(ApiError::NotFound);
            }
            Ok((row, letter.is_confidential()))
        })
        .await?;
    if confidential {
        let actor = confidential::APPLICANT.to_owned();
        super::record_confidential_read(&state, row.letter_id, actor, ReadOf::File(id)).await?;
    }
    super::attachments::file_response(&state, row).await
}
