//! Letters at the counter: registration (idempotent), reading with row-level
//! scoping, the timeline and its hash-chain check, and attachments.

use actix_multipart::Multipart;
use actix_web::http::header::{self, IfNoneMatch};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use shared::directory::Page;
use shared::letters::{
    Attachment, ChainVerification, DuplicateCheck, Letter, LetterEvent, LetterSummary, NewLetter,
    PossibleDuplicate, PossibleDuplicates,
};
use shared::workflow::Status;
use shared::ErrorCode;

use super::page_limit;
use crate::auth::policy::{letter_as_seen, may_read_text, sees_internal_note, NoteAuthor};
use crate::auth::secrets::{hash_secret, random_token};
use crate::auth::Principal;
use crate::db::confidential::ReadOf;
use crate::db::directory::{self as dir, now};
use crate::db::idempotency::{self, Replay};
use crate::db::letters::{self as db, Codes, LetterFilter};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::read_your_writes::ReadAfter;
use crate::state::AppState;
use crate::workflow;

/// Before registering: does the applicant already have an open letter at
/// this agency, registered in the last 30 days, about the same matter? The
/// subjects are compared word by word after Persian normalisation
/// (ي/ی, ك/ک, digits, half-spaces, diacritics; token overlap, see
/// `shared::duplicates`). Only letters the caller may read are looked at.
/// Nothing is blocked: register anyway with their tracking codes in
/// `duplicates_seen`, which the `registered` event records.
#[utoipa::path(
    tag = "letters",
    request_body = DuplicateCheck,
    params(ReadAfter),
    security(("bearer" = []), ("oauth2" = ["letters:write"])),
    responses(
        (status = 200, description = "The possible duplicates, most similar first (none: `items` is empty)", body = PossibleDuplicates),
        (status = 403, description = "Not an operator or office client with letters:write", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, or the agency is unknown", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/possible-duplicates")]
pub async fn possible_duplicates(
    principal: Principal,
    state: web::Data<AppState>,
    body: super::body::JsonObject<DuplicateCheck>,
    after: ReadAfter,
) -> Result<web::Json<PossibleDuplicates>, ApiError> {
    principal.registering_office()?;
    let scope = principal.letters_scope()?;
    let check = body.validate().map_err(ApiError::Validation)?;
    let items = state
        .db
        .read(after.0, move |conn| {
            let agency = dir::agency_by_code(conn, &check.recipient_agency_code).map_err(|_| {
                ApiError::validation("recipient_agency_code", ErrorCode::AgencyNotActive)
            })?;
            let at = now();
            let since = at - chrono::Duration::days(shared::duplicates::WINDOW_DAYS);
            let rows =
                db::open_letters_of_applicant(conn, scope, &check.national_id, agency.id, since)?;
            let codes = Codes::of_summaries(conn, &rows)?;
            let mut items: Vec<PossibleDuplicate> = rows
                .iter()
                .map(|r| (r, shared::duplicates::overlap(&check.subject, &r.subject)))
                .filter(|(_, overlap)| *overlap >= shared::duplicates::SIMILAR)
                .map(|(r, overlap)| PossibleDuplicate {
                    letter: db::summary(r, &codes, at),
                    overlap,
                })
                .collect();
            items.sort_by(|a, b| b.overlap.total_cmp(&a.overlap));
            Ok(items)
        })
        .await?;
    Ok(web::Json(PossibleDuplicates { items }))
}

/// Register a letter for a walk-in applicant.
///
/// Counter operators, or API clients with `letters:write` bound to a counter
/// office. In one transaction: the letter with a new tracking code, its
/// `registered` and `delivered` events, the delivery into the recipient
/// agency's inbox with a due date from the agency's SLA, and the applicant's
/// SMS. Send an `Idempotency-Key` header so a retried request never makes two
/// letters: the same key with the same body answers the first response again
/// (`Idempotent-Replayed: true`); with another body, 422. A request sent
/// while the first with its key is still running waits for it and answers
/// the same. Keys are kept 48 hours.
#[utoipa::path(
    tag = "letters",
    request_body = NewLetter,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried registration safe")),
    security(("bearer" = []), ("oauth2" = ["letters:write"])),
    responses(
        (status = 201, description = "Registered; `Location` and `ETag` set", body = Letter, headers(
            ("Chapar-Write-Position" = String, description = "With read standbys deployed: the WAL position this write reached (every successful write answers it); send it back as `Chapar-Read-After`"),
        )),
        (status = 403, description = "Not an operator or office client with letters:write", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key holds it without an answer yet: retry with the same key", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (each named by its JSON path), or the key reused with another body", body = shared::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many writes waiting, or the database unreachable: nothing was written; retry after `Retry-After` seconds (with the same Idempotency-Key)", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters")]
pub async fn register(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    body: super::body::JsonObject<NewLetter>,
) -> Result<HttpResponse, ApiError> {
    let (office_id, _) = principal.registering_office()?;
    let raw = body.into_inner();
    let letter = raw.validate().map_err(ApiError::Validation)?;
    let key = req
        .headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| ApiError::validation("Idempotency-Key", ErrorCode::IdempotencyKeyFormat))?;
    if let Some(key) = &key {
        idempotency::check_key(key)?;
    }
    let request_hash = hash_secret(&serde_json::to_string(&raw).unwrap_or_default());
    let actor = principal.actor();
    let (keyed, actor_then, hash_then) = (key.clone(), actor.clone(), request_hash.clone());
    let created = state
        .db
        .write(move |conn| {
            // One transaction: the key is recorded with the answer, last, so
            // a failure records nothing and a retry starts afresh.
            let registered = workflow::register(conn, office_id, &actor, &letter, |wire| {
                let Some(key) = &keyed else { return Ok(None) };
                let body =
                    serde_json::to_string(wire).map_err(|e| ApiError::Internal(e.to_string()))?;
                Ok(Some(idempotency::Answer {
                    principal: &actor,
                    key,
                    request_hash: &request_hash,
                    status: 201,
                    body,
                }))
            })?;
            Ok((Box::new(registered.wire), registered.delivered_to))
        })
        .await;
    let (letter, agencies) = match (created, key) {
        (Ok(created), _) => created,
        // The key was answered before (or meanwhile): nothing new was
        // written; answer as the first time.
        (Err(e), Some(key)) if idempotency::is_taken(&e) => {
            let replay = state
                .db
                .write(move |conn| idempotency::recorded(conn, &actor_then, &key, &hash_then))
                .await?;
            return Ok(replayed(replay));
        }
        (Err(e), _) => return Err(e),
    };
    for agency in agencies {
        state.inbox.delivered(agency);
    }
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/letters/{}", letter.id)))
        .insert_header((
            header::ETAG,
            format!("\"{}-{}\"", letter.id, letter.version),
        ))
        .json(letter))
}

/// The first answer to an `Idempotency-Key` again, with its headers: where
/// the letter is, its version.
fn replayed(Replay { status, body }: Replay) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut replay = HttpResponse::build(status);
    replay.insert_header(("Idempotent-Replayed", "true"));
    if let Ok(letter) = serde_json::from_str::<Letter>(&body) {
        replay
            .insert_header((header::LOCATION, format!("/api/v1/letters/{}", letter.id)))
            .insert_header((
                header::ETAG,
                format!("\"{}-{}\"", letter.id, letter.version),
            ));
    }
    replay.content_type("application/json").body(body)
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LetterQuery {
    pub status: Option<Status>,
    /// Code of the agency that holds the letter now.
    pub agency: Option<String>,
    /// Code of the registering counter office.
    pub office: Option<String>,
    /// Registered on or after this day (UTC, `YYYY-MM-DD`).
    pub from: Option<NaiveDate>,
    /// Registered before the end of this day (UTC, `YYYY-MM-DD`).
    pub to: Option<NaiveDate>,
    /// Only letters past (`true`) or within (`false`) their due date.
    pub overdue: Option<bool>,
    /// Search. A tracking code (any formatting: `4076-4232-3733`, Persian
    /// digits, spaces) or a 10/11-digit national code is looked up exactly;
    /// anything else is a words search over subject, applicant name,
    /// national code, tracking code and the agency's secretariat number:
    /// every word must match as a prefix (Persian-normalised).
    pub q: Option<String>,
    /// Cursor: the `next_cursor` of the previous page.
    pub after: Option<String>,
    /// `created` (default: newest first) or `due` (letters still at an agency,
    /// most urgent first).
    #[param(pattern = "^(created|due)$")]
    pub sort: Option<String>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List letters, newest first, with filters and cursor paging. Operators see
/// their office's letters, clerks the letters that are or were at their
/// agency, admins and auditors all.
#[utoipa::path(
    tag = "letters",
    params(LetterQuery, ReadAfter),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "A page of letters", body = Page<LetterSummary>),
        (status = 400, description = "Bad filter", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/letters")]
pub async fn list(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<LetterQuery>,
    after: ReadAfter,
) -> Result<web::Json<Page<LetterSummary>>, ApiError> {
    let scope = principal.letters_scope()?;
    let q = query.into_inner();
    let limit = page_limit(q.limit)?;
    let by_due = sorted_by_due(&q)?;
    let page = match &q.after {
        None => ListPage::First,
        Some(a) => ListPage::after(a, by_due)
            .ok_or_else(|| ApiError::validation("after", ErrorCode::CursorInvalid))?,
    };
    let items = state
        .db
        .read(after.0, move |conn| list_page(conn, scope, &q, page, limit))
        .await?;
    let next_cursor = super::next_cursor(&items, limit, |l: &LetterSummary| {
        ListPage::following(l, by_due).cursor()
    });
    Ok(web::Json(Page { items, next_cursor }))
}

/// Whether a letters query is sorted by due date (else newest first).
pub fn sorted_by_due(q: &LetterQuery) -> Result<bool, ApiError> {
    match q.sort.as_deref() {
        None | Some("created") => Ok(false),
        Some("due") => Ok(true),
        Some(_) => Err(ApiError::invalid_choice("sort", "`created` or `due`")),
    }
}

/// Where a page of the letters list starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPage {
    First,
    /// Newest first: below this id.
    BeforeId(i32),
    /// By due date: after this (due date, id).
    AfterDue(chrono::NaiveDateTime, i32),
}

impl ListPage {
    /// The page a cursor names, in the list's order; `None` for a bad cursor.
    pub fn after(cursor: &str, by_due: bool) -> Option<ListPage> {
        if by_due {
            let (due, id) = crate::db::inbox::parse_due_cursor(cursor)?;
            Some(ListPage::AfterDue(due, id))
        } else {
            cursor.parse().ok().map(ListPage::BeforeId)
        }
    }

    /// The page that follows the row `last`.
    pub fn following(last: &LetterSummary, by_due: bool) -> ListPage {
        match (by_due, last.due_at) {
            (true, Some(due)) => ListPage::AfterDue(due.naive_utc(), last.id),
            _ => ListPage::BeforeId(last.id),
        }
    }

    fn cursor(self) -> String {
        match self {
            ListPage::First => String::new(),
            ListPage::BeforeId(id) => id.to_string(),
            ListPage::AfterDue(due, id) => crate::db::inbox::due_cursor(due, id),
        }
    }
}

/// One page of the letters `q` asks for, in `scope`.
pub fn list_page(
    conn: &mut crate::db::DbConnection,
    scope: db::Scope,
    q: &LetterQuery,
    page: ListPage,
    limit: i64,
) -> Result<Vec<LetterSummary>, ApiError> {
    // An unknown code matches nothing (id -1), rather than being ignored.
    let holder_agency_id = q.agency.as_ref().map(|code| {
        dir::agency_by_code(conn, &code.to_ascii_lowercase())
            .map(|a| a.id)
            .unwrap_or(-1)
    });
    let office_id = q.office.as_ref().map(|code| {
        dir::office_by_code(conn, &code.to_ascii_lowercase())
            .map(|o| o.id)
            .unwrap_or(-1)
    });
    let filter = LetterFilter {
        status: q.status,
        holder_agency_id,
        office_id,
        from: q.from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        to: q
            .to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
        overdue: q.overdue,
        q: q.q.as_deref().and_then(shared::search::parse_letter_search),
        before_id: match page {
            ListPage::BeforeId(id) => Some(id),
            _ => None,
        },
        by_due: sorted_by_due(q)?,
        after_due: match page {
            ListPage::AfterDue(due, id) => Some((due, id)),
            _ => None,
        },
        limit,
    };
    let rows = db::list_letters(conn, scope, &filter)?;
    let codes = Codes::of_summaries(conn, &rows)?;
    let at = now();
    Ok(rows.iter().map(|r| db::summary(r, &codes, at)).collect())
}

/// One letter with its attachments and the actions its state allows.
///
/// Answers an `ETag`; with `If-None-Match` of the current one, 304. A letter
/// outside the caller's office or agency answers 404, as if it did not exist.
#[utoipa::path(
    tag = "letters",
    params(("id" = i32, Path, description = "Letter id")),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The letter", body = Letter),
        (status = 304, description = "Not modified since the given ETag"),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/letters/{id}")]
pub async fn get(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> Result<HttpResponse, ApiError> {
    let scope = principal.letters_scope()?;
    let id = id.into_inner();
    let actor = principal.actor();
    let (etag, letter, read, confidential) = state
        .db
        .run(move |conn| {
            let row = db::letter_in_scope(conn, id, scope)?;
            let (letter, read) = letter_as_seen(&principal, &row, db::to_wire(conn, &row)?);
            let concealed = row.is_confidential() && !read;
            Ok((
                row.etag_as_seen(concealed),
                letter,
                read,
                row.is_confidential(),
            ))
        })
        .await?;
    if read {
        super::record_confidential_read(&state, id, actor, ReadOf::Letter).await?;
    }
    let mut response = super::with_etag(etag, if_none_match.as_ref(), &letter);
    if confidential {
        // Not kept in the browser's cache, where the next user of a shared counter PC would find it.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}

/// The letter's timeline, oldest first.
///
/// Internal notes are included only for the staff of the organisation that
/// wrote them (the agency, or the registering office), admins and auditors,
/// and that agency's clients granted `notes:read`.
#[utoipa::path(
    tag = "letters",
    params(("id" = i32, Path, description = "Letter id")),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The events", body = Vec<LetterEvent>),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/letters/{id}/events")]
pub async fn events(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<Vec<LetterEvent>>, ApiError> {
    let scope = principal.letters_scope()?;
    let id = id.into_inner();
    let events = state
        .db
        .run(move |conn| {
            let letter = db::letter_in_scope(conn, id, scope)?;
            let mut rows = db::events_of(conn, id)?;
            rows.retain(|e| {
                let author = NoteAuthor::of(e.agency_id, letter.counter_office_id);
                !e.internal || sees_internal_note(&principal, author)
            });
            let mut events = db::events_to_wire(conn, &rows)?;
            // A confidential letter's notes and reasons speak of its text.
            if !may_read_text(&principal, &letter) {
                events.iter_mut().for_each(|e| e.note.clear());
            }
            Ok(events)
        })
        .await?;
    Ok(web::Json(events))
}

/// Recompute the letter's hash chain and say whether its history is intact.
#[utoipa::path(
    tag = "letters",
    params(("id" = i32, Path, description = "Letter id")),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The result of the check", body = ChainVerification),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/letters/{id}/verify")]
pub async fn verify(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<web::Json<ChainVerification>, ApiError> {
    let scope = principal.letters_scope()?;
    let id = id.into_inner();
    let result = state
        .db
        .run(move |conn| {
            db::letter_in_scope(conn, id, scope)?;
            let rows = db::events_of(conn, id)?;
            let broken = db::verify_chain(&rows);
            Ok(ChainVerification {
                intact: broken.is_none(),
                events: rows.len() as i32,
                broken_at_seq: broken,
            })
        })
        .await?;
    Ok(web::Json(result))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// `letter` (default: the applicant's files, by the registering office) or
    /// `answer` (the holding agency's files for its answer, while `received`).
    #[param(pattern = "^(letter|answer)$")]
    pub kind: Option<String>,
}

/// The multipart body of an upload, as documented (the handler streams it).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// One part per file: a PDF, JPEG or PNG.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1)]
    file: Vec<Vec<u8>>,
}

/// Upload attachments to a letter (multipart, one or more `file` parts).
///
/// `kind=letter`: the registering office's operator (or office client with
/// `letters:write`), until the letter is answered. `kind=answer`: the holding
/// agency's clerk (or client with `inbox:write`) while the letter is received. Each file is streamed to
/// storage; its type is recognised from its bytes (PDF, JPEG, PNG: anything
/// else is 415 whatever its name), its size checked as it arrives (413), its
/// SHA-256 recorded. At most `CHAPAR_ATTACHMENT_MAX_FILES` per letter.
#[utoipa::path(
    tag = "letters",
    params(("id" = i32, Path, description = "Letter id"), AttachmentQuery),
    request_body(content = inline(UploadForm), content_type = "multipart/form-data", description = "One or more parts named `file`"),
    security(("bearer" = []), ("oauth2" = ["letters:write"])),
    responses(
        (status = 201, description = "Stored", body = Vec<Attachment>),
        (status = 404, description = "No such letter, or not the caller's", body = shared::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Too many attachments, or the letter is already answered", body = shared::Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file is too large", body = shared::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, JPEG or PNG", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/letters/{id}/attachments")]
pub async fn upload_attachments(
    principal: Principal,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    query: web::Query<AttachmentQuery>,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let max = state.storage.max_files_per_letter;
    let kind: &'static str = match query.kind.as_deref() {
        None | Some("letter") => "letter",
        Some("answer") => "answer",
        Some(_) => return Err(ApiError::invalid_choice("kind", "`letter` or `answer`")),
    };
    // The registering office attaches to the letter; the holding agency to its answer.
    let (scope, holder) = if kind == "letter" {
        (db::Scope::Office(principal.registering_office()?.0), None)
    } else {
        let agency = crate::workflow::agency_worker(&principal)?;
        (db::Scope::Agency(agency), Some(agency))
    };
    let check = move |conn: &mut DbConnection| -> Result<(), ApiError> {
        let row = db::letter_in_scope(conn, id, scope)?;
        let open = match holder {
            None => !matches!(
                row.status(),
                Status::Answered | Status::Closed | Status::Rejected | Status::Withdrawn
            ),
            Some(agency) => row.holder_agency_id == agency && row.status() == Status::Received,
        };
        if !open {
            return Err(ApiError::Conflict(
                ErrorCode::AttachmentsClosed,
                format!(
                    "The letter is {}; these attachments can no longer be added.",
                    row.status().as_str()
                ),
            ));
        }
        if db::count_attachments(conn, id, kind)? >= max {
            let full = format!("At most {max} attachments.");
            return Err(ApiError::Conflict(ErrorCode::AttachmentsFull, full));
        }
        Ok(())
    };
    state.db.run(check).await?;
    let actor = principal.actor();
    let mut stored = Vec::new();
    while let Some(field) = payload
        .try_next()
        .await
        .map_err(|e| ApiError::BadRequest(format!("bad multipart body: {e}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let file_name = shared::files::clean_file_name(
            field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or("attachment"),
        );
        let key = format!("letters/{id}/{}", random_token(16));
        let chunks = field.map(|r| r.map_err(|e| e.to_string()));
        let file = state.storage.put_stream(&key, Box::pin(chunks)).await?;
        let (actor, file_name2) = (actor.clone(), file_name.clone());
        let row = state
            .db
            .write(move |conn| {
                check(conn)?;
                Ok(db::insert_attachment(
                    conn,
                    &db::NewAttachmentRow {
                        letter_id: id,
                        kind,
                        file_name: &file_name2,
                        content_type: file.content_type,
                        size_bytes: i64::try_from(file.size).unwrap_or(i64::MAX),
                        sha256: &file.sha256,
                        storage_key: &file.key,
                        uploaded_by: &actor,
                        created_at: now(),
                    },
                )?)
            })
            .await;
        match row {
            Ok(row) => stored.push(Attachment::from(row)),
            Err(err) => {
                state.storage.delete(&key).await;
                return Err(err);
            }
        }
    }
    if stored.is_empty() {
        return Err(ApiError::validation("file", ErrorCode::FileMissing));
    }
    Ok(HttpResponse::Created().json(stored))
}
