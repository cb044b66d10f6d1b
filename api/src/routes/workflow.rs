//! Workflow steps on a letter: refer, answer, reject (the holding agency),
//! withdraw and close (the registering office), and internal notes.
//!
//! Each step runs in one transaction that checks the state machine, changes
//! the letter only if its version is unchanged, appends the event and writes
//! the applicant's SMS. `If-Match` with the letter's `ETag` turns a stale
//! write into 412; two clerks answering at once: one wins, the other gets 412
//! (or 409 once the state has moved on).

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use shared::inbox::{AnswerRequest, NoteRequest, ReferRequest, RejectRequest};
use shared::letters::Letter;

use crate::auth::Principal;

use crate::error::ApiError;
use crate::state::AppState;
use crate::workflow::{self, Step};

fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Runs a step and answers the letter as it is now.
async fn run_step(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: i32,
    step: OwnedStep,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match(&req);
    let (outcome, letter) = state
        .db
        .write(move |conn| {
            let step = match &step {
                OwnedStep::Refer(r) => Step::Refer {
                    to_agency_code: &r.to_agency_code,
                    note: &r.note,
                    copies: &r.copies,
                },
                OwnedStep::Answer(a) => Step::Answer { body: &a.body },
                OwnedStep::Reject(r) => Step::Reject { reason: &r.reason },
                OwnedStep::Withdraw => Step::Withdraw,
                OwnedStep::Close => Step::Close,
            };
            let outcome = workflow::take(conn, &principal, id, if_match.as_deref(), step)?;
            let letter = super::letter_shown(conn, &principal, &outcome.letter)?;
            Ok((outcome.delivered_to, letter))
        })
        .await?;
    for agency in outcome {
        state.inbox.delivered(agency);
    }
    Ok(HttpResponse::Ok()
        .insert_header((
            header::ETAG,
            format!("\"{}-{}\"", letter.id, letter.version),
        ))
        .json(letter))
}

enum OwnedStep {
    Refer(ReferRequest),
    Answer(AnswerRequest),
    Reject(RejectRequest),
    Withdraw,
    Close,
}

/// Refer the letter to another agency: a new delivery there (new due date);
/// it leaves this agency's inbox; both agencies keep read access to it.
/// `copies` sends copies (رونوشت) to further agencies, for information.
/// The holding agency's clerks, or its clients with `inbox:write`; the
/// letter must be `received`.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id"), ("If-Match" = Option<String>, Header, description = "The letter's ETag")),
    request_body = ReferRequest,
    security(("bearer" = []), ("oauth2" = ["inbox:write"])),
    responses(
        (status = 200, description = "Referred", body = Letter),
        (status = 403, description = "The letter is not at the caller's agency, or the agency has it only as a copy (`letter.copy_only`)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the letter's state (`current_status`, `allowed_actions`)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The letter changed since the given ETag", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/refer")]
pub async fn refer(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<ReferRequest>,
) -> Result<HttpResponse, ApiError> {
    let r = body.validate().map_err(ApiError::Validation)?;
    run_step(req, principal, state, id.into_inner(), OwnedStep::Refer(r)).await
}

/// Answer the letter (the holding agency; the letter must be `received`).
/// Attach files first with `POST /letters/{id}/attachments?kind=answer`.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id"), ("If-Match" = Option<String>, Header, description = "The letter's ETag")),
    request_body = AnswerRequest,
    security(("bearer" = []), ("oauth2" = ["inbox:write"])),
    responses(
        (status = 200, description = "Answered", body = Letter),
        (status = 403, description = "The letter is not at the caller's agency, or the agency has it only as a copy (`letter.copy_only`)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the letter's state", body = shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The letter changed since the given ETag", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/answer")]
pub async fn answer(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<AnswerRequest>,
) -> Result<HttpResponse, ApiError> {
    let a = body.validate().map_err(ApiError::Validation)?;
    run_step(req, principal, state, id.into_inner(), OwnedStep::Answer(a)).await
}

/// Reject the letter as outside the agency's remit or incomplete; the reason
/// reaches the applicant by SMS and on public tracking.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id"), ("If-Match" = Option<String>, Header, description = "The letter's ETag")),
    request_body = RejectRequest,
    security(("bearer" = []), ("oauth2" = ["inbox:write"])),
    responses(
        (status = 200, description = "Rejected", body = Letter),
        (status = 403, description = "The letter is not at the caller's agency, or the agency has it only as a copy (`letter.copy_only`)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the letter's state", body = shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The letter changed since the given ETag", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/reject")]
pub async fn reject(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<RejectRequest>,
) -> Result<HttpResponse, ApiError> {
    let r = body.validate().map_err(ApiError::Validation)?;
    run_step(req, principal, state, id.into_inner(), OwnedStep::Reject(r)).await
}

/// Withdraw the letter on the applicant's request, before an answer (the
/// registering office's operator).
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id"), ("If-Match" = Option<String>, Header, description = "The letter's ETag")),
    security(("bearer" = []), ("oauth2" = ["letters:write"])),
    responses(
        (status = 200, description = "Withdrawn", body = Letter),
        (status = 409, description = "Not allowed in the letter's state", body = shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The letter changed since the given ETag", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/withdraw")]
pub async fn withdraw(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    run_step(req, principal, state, id.into_inner(), OwnedStep::Withdraw).await
}

/// Close the letter: the operator has handed the answer to the applicant.
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id"), ("If-Match" = Option<String>, Header, description = "The letter's ETag")),
    security(("bearer" = []), ("oauth2" = ["letters:write"])),
    responses(
        (status = 200, description = "Closed", body = Letter),
        (status = 409, description = "Not allowed in the letter's state", body = shared::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The letter changed since the given ETag", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/close")]
pub async fn close(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    run_step(req, principal, state, id.into_inner(), OwnedStep::Close).await
}

/// Add an internal note (staff who can see the letter; never public).
#[utoipa::path(
    tag = "workflow",
    params(("id" = i32, Path, description = "Letter id")),
    request_body = NoteRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Added to the timeline"),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty note", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/notes")]
pub async fn note(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    body: super::body::JsonObject<NoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let n = body.validate().map_err(ApiError::Validation)?;
    let id = id.into_inner();
    state
        .db
        .write(move |conn| workflow::add_note(conn, &principal, id, &n.note))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
