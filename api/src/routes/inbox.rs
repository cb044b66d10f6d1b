//! An agency's inbox over REST: poll (with long-poll), acknowledge.

use shared::{ErrorCode, FieldError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use actix_web::http::header::{self, IfNoneMatch};
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use shared::auth::ClientScope;
use shared::inbox::{AckRequest, InboxItem, InboxPage};
use shared::letters::Letter;

use super::page_limit;
use crate::auth::Principal;
use crate::db::directory::{agency_names, now};
use crate::db::inbox::{self, InboxCursor, InboxFilter, InboxView};
use crate::db::letters::{self as db, utc};
use crate::error::ApiError;
use crate::notify::InboxNotifier;
use crate::state::AppState;
use crate::workflow;

/// Longest long-poll wait, in seconds.
pub const MAX_WAIT_SECS: u64 = 30;

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Cursor: the `next_cursor` of the previous page (deliveries after it).
    pub after: Option<String>,
    /// `delivery` (default: delivery order) or `due` (most urgent first).
    #[param(pattern = "^(delivery|due)$")]
    pub sort: Option<String>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Seconds (≤ 30) to wait for a delivery when the page would be empty.
    #[param(minimum = 0, maximum = 30)]
    pub wait: Option<u64>,
    /// `new` (default: not yet acknowledged) or `open` (everything still at the agency).
    #[param(pattern = "^(new|open)$")]
    pub view: Option<String>,
    /// Only deliveries past their due date.
    pub overdue: Option<bool>,
    /// `original` (letters the agency must act on) or `copy` (copies, رونوشت,
    /// for information); both when left out.
    #[param(pattern = "^(original|copy)$")]
    pub kind: Option<String>,
    /// Search, as the letters list searches: a tracking code (any
    /// formatting) or a national code exactly, else words (subject,
    /// applicant's name, secretariat number) each matched as a prefix,
    /// Persian-normalised.
    pub q: Option<String>,
    /// Delivered on or after this day (UTC, `YYYY-MM-DD`).
    pub from: Option<NaiveDate>,
    /// Delivered before the end of this day (UTC, `YYYY-MM-DD`).
    pub to: Option<NaiveDate>,
}

/// An inbox page as first read: its deliveries and the counts. With its
/// letters' versions that is everything its `ETag` is made of, read before
/// the letters' wire forms are built, so a poll that changes nothing costs
/// a few index reads, not the page.
struct PageHead {
    at: chrono::NaiveDateTime,
    rows: Vec<inbox::DeliveryRow>,
    new_count: i64,
    overdue_count: i64,
}

impl PageHead {
    fn read(
        conn: &mut crate::db::DbConnection,
        agency: i32,
        (filter, cursor, limit): (&InboxFilter, InboxCursor, i64),
    ) -> Result<PageHead, ApiError> {
        let at = now();
        let rows = inbox::inbox_page(conn, agency, filter, cursor, limit)?;
        let (new_count, overdue_count) = inbox::inbox_counts(conn, agency, at)?;
        Ok(PageHead {
            at,
            rows,
            new_count,
            overdue_count,
        })
    }

    /// The page's tag, from its letters' versions: the same as
    /// [`page_etag`] of the page built from it.
    fn etag(&self, conn: &mut crate::db::DbConnection) -> Result<String, ApiError> {
        let letter_ids: Vec<i32> = self.rows.iter().map(|d| d.letter_id).collect();
        let versions = db::letter_versions(conn, &letter_ids)?;
        let items = self.rows.iter().filter_map(|d| {
            let version = *versions.get(&d.letter_id)?;
            Some((d.id, version, d.acknowledged_at.is_some()))
        });
        Ok(etag_of((self.new_count, self.overdue_count), items))
    }

    /// The page: each delivery with its letter's wire form.
    fn page(
        self,
        conn: &mut crate::db::DbConnection,
        by_due: bool,
        limit: i64,
    ) -> Result<InboxPage, ApiError> {
        let PageHead {
            at,
            rows,
            new_count,
            overdue_count,
            ..
        } = self;
        let from_ids: Vec<i32> = rows.iter().filter_map(|d| d.from_agency_id).collect();
        let from = agency_names(conn, &from_ids)?;
        let letter_ids: Vec<i32> = rows.iter().map(|d| d.letter_id).collect();
        let letter_rows = db::letters_by_ids(conn, &letter_ids)?;
        let mut letters: std::collections::HashMap<i32, Letter> =
            db::to_wire_many(conn, &letter_rows)?
                .into_iter()
                // A list: confidential text only in the audited detail.
                .map(|l| (l.id, l.concealed()))
                .collect();
        let mut items = Vec::with_capacity(rows.len());
        for d in rows {
            let Some(letter) = letters.remove(&d.letter_id) else {
                continue;
            };
            let from = d.from_agency_id.and_then(|id| from.get(&id));
            items.push(InboxItem {
                delivery_id: d.id,
                letter,
                copy: d.is_copy,
                from_agency_code: from.map(|a| a.code.clone()),
                from_agency_name: from.map(|a| a.name.clone()),
                delivered_at: utc(d.delivered_at),
                due_at: utc(d.due_at),
                overdue: !d.is_copy && d.due_at < at,
                acknowledged_at: d.acknowledged_at.map(utc),
                agency_reference: d.agency_reference,
                agency_reference_date: d.agency_reference_date,
            });
        }
        let next_cursor = super::next_cursor(&items, limit, |i| {
            if by_due {
                inbox::due_cursor(i.due_at.naive_utc(), i.delivery_id)
            } else {
                i.delivery_id.to_string()
            }
        });
        Ok(InboxPage {
            items,
            next_cursor,
            new_count,
            overdue_count,
        })
    }
}

/// What a poll found.
enum Polled {
    /// The page the client has already (its `If-None-Match`).
    Unchanged {
        etag: String,
        empty: bool,
    },
    Page {
        etag: String,
        page: InboxPage,
    },
}

impl Polled {
    fn is_empty(&self) -> bool {
        match self {
            Polled::Unchanged { empty, .. } => *empty,
            Polled::Page { page, .. } => page.items.is_empty(),
        }
    }
}

/// Reads a page of the inbox, unless its tag is one of `known` (the
/// client's `If-None-Match`): then only enough to tell.
fn poll_page(
    state: &AppState,
    agency: i32,
    (filter, cursor, limit): (InboxFilter, InboxCursor, i64),
    known: Vec<header::EntityTag>,
) -> impl std::future::Future<Output = Result<Polled, ApiError>> + 'static {
    let db_handle = state.db.clone();
    async move {
        db_handle
            .run(move |conn| {
                let head = PageHead::read(conn, agency, (&filter, cursor, limit))?;
                // Without a tag to compare, the versions are not read twice.
                if !known.is_empty() {
                    let etag = head.etag(conn)?;
                    let tag = header::EntityTag::new_strong(etag.trim_matches('"').to_owned());
                    if known.iter().any(|k| k.weak_eq(&tag)) {
                        let empty = head.rows.is_empty();
                        return Ok(Polled::Unchanged { etag, empty });
                    }
                }
                let page = head.page(conn, matches!(cursor, InboxCursor::Due(_)), limit)?;
                Ok(Polled::Page {
                    etag: page_etag(&page),
                    page,
                })
            })
            .await
    }
}

/// A page of the inbox (the export reads it page by page).
pub async fn read_page(
    state: &AppState,
    agency: i32,
    filter: InboxFilter,
    cursor: InboxCursor,
    limit: i64,
) -> Result<InboxPage, ApiError> {
    match poll_page(state, agency, (filter, cursor, limit), Vec::new()).await? {
        Polled::Page { page, .. } => Ok(page),
        Polled::Unchanged { .. } => Err(ApiError::Internal("an unconditional read".into())),
    }
}

/// The deliveries an inbox query asks for.
pub fn inbox_filter(query: &InboxQuery) -> Result<InboxFilter, ApiError> {
    let view = match query.view.as_deref() {
        None | Some("new") => InboxView::New,
        Some("open") => InboxView::Open,
        Some(_) => return Err(ApiError::invalid_choice("view", "`new` or `open`")),
    };
    let copies = match query.kind.as_deref() {
        None => None,
        Some("original") => Some(false),
        Some("copy") => Some(true),
        Some(_) => return Err(ApiError::invalid_choice("kind", "`original` or `copy`")),
    };
    Ok(InboxFilter {
        view,
        overdue_only: query.overdue.unwrap_or(false),
        copies,
        search: query
            .q
            .as_deref()
            .and_then(shared::search::parse_letter_search),
        delivered_from: query.from.and_then(|d| d.and_hms_opt(0, 0, 0)),
        delivered_before: query
            .to
            .and_then(|d| d.succ_opt())
            .and_then(|d| d.and_hms_opt(0, 0, 0)),
    })
}

/// Where an inbox query's page starts, in its order.
pub fn inbox_cursor(query: &InboxQuery) -> Result<InboxCursor, ApiError> {
    let bad_cursor = || ApiError::validation("after", ErrorCode::CursorInvalid);
    let after = query.after.as_deref();
    match query.sort.as_deref() {
        None | Some("delivery") => Ok(InboxCursor::Delivery(
            after
                .map(|a| a.parse::<i32>().map_err(|_| bad_cursor()))
                .transpose()?,
        )),
        Some("due") => Ok(InboxCursor::Due(
            after
                .map(|a| inbox::parse_due_cursor(a).ok_or_else(bad_cursor))
                .transpose()?,
        )),
        Some(_) => Err(ApiError::invalid_choice("sort", "`delivery` or `due`")),
    }
}

/// A tag of the page's content: unchanged inbox, unchanged tag.
fn page_etag(page: &InboxPage) -> String {
    let items = page
        .items
        .iter()
        .map(|i| (i.delivery_id, i.letter.version, i.acknowledged_at.is_some()));
    etag_of((page.new_count, page.overdue_count), items)
}

/// The tag of a page of these counts and items (delivery, letter version,
/// acknowledged): unchanged inbox, unchanged tag.
fn etag_of(
    (new_count, overdue_count): (i64, i64),
    items: impl Iterator<Item = (i32, i32, bool)>,
) -> String {
    let mut key = format!("{new_count}:{overdue_count}");
    for (delivery, version, acknowledged) in items {
        key.push_str(&format!(":{delivery}.{version}.{acknowledged}"));
    }
    format!("\"{}\"", &crate::auth::secrets::hash_secret(&key)[..20])
}

/// Poll the agency's inbox: deliveries in delivery order, each with its
/// letter, attachments' metadata and due date.
///
/// Delivery is at-least-once: a delivery stays in the inbox until
/// acknowledged, so a poller that crashed before acknowledging sees it again.
/// Read pages with `after=next_cursor` until `next_cursor` is `null`, then
/// start again from the beginning. With `wait` (≤ 30 s) an empty answer is
/// held until a delivery arrives or the time is up; waiting holds no database
/// connection. Answers carry an `ETag`; `If-None-Match` with it answers 304
/// while nothing changed, so idle agencies poll cheaply. Clerks, or API
/// clients with `inbox:read` bound to the agency.
#[utoipa::path(
    tag = "inbox",
    params(InboxQuery),
    security(("bearer" = []), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "A page of the inbox", body = InboxPage),
        (status = 304, description = "Nothing changed since the given ETag"),
        (status = 403, description = "Not a clerk or an agency client with inbox:read", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/inbox")]
pub async fn poll(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<InboxQuery>,
    if_none_match: Option<web::Header<IfNoneMatch>>,
) -> Result<HttpResponse, ApiError> {
    let agency = crate::auth::policy::agency_worker(&principal, ClientScope::InboxRead)?;
    let filter = inbox_filter(&query)?;
    let limit = page_limit(query.limit)?;
    let cursor = inbox_cursor(&query)?;
    let wait = match query.wait {
        Some(secs) if secs > MAX_WAIT_SECS => {
            return Err(FieldError::limit("wait", ErrorCode::TooLarge, MAX_WAIT_SECS as i64).into())
        }
        secs => Duration::from_secs(secs.unwrap_or(0)),
    };
    let deadline = Instant::now() + wait;
    // Subscribe before the first read so a delivery committed in between is not missed.
    let mut wakeups = state.inbox.subscribe();
    let known: Vec<header::EntityTag> = match if_none_match {
        Some(web::Header(IfNoneMatch::Items(tags))) => tags,
        _ => Vec::new(),
    };
    let read = || {
        poll_page(
            &state,
            agency,
            (filter.clone(), cursor, limit),
            known.clone(),
        )
    };
    let mut polled = read().await?;
    while polled.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        InboxNotifier::wait(&mut wakeups, agency, left).await;
        polled = read().await?;
    }
    Ok(match polled {
        Polled::Unchanged { etag, .. } => HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish(),
        Polled::Page { etag, page } => super::with_etag(etag, None, &page),
    })
}

/// Acknowledge a delivery: the agency has taken the letter in; it becomes
/// `received` and leaves the `new` inbox. Idempotent: acknowledging again
/// changes nothing and answers the letter again. A copy (`copy: true`) is
/// filed instead: it leaves the inbox and the letter does not move. Clerks,
/// or agency clients with `inbox:write`.
#[utoipa::path(
    tag = "inbox",
    params(("delivery_id" = i32, Path, description = "From the inbox item")),
    request_body(content = Option<AckRequest>, description = "Optionally the agency's own registration number"),
    security(("bearer" = []), ("oauth2" = ["inbox:write"])),
    responses(
        (status = 200, description = "Acknowledged; the letter as it is now", body = Letter),
        (status = 400, description = "The body is not JSON", body = shared::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery at the caller's agency", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing acknowledged: `agency_reference` not a string of at most 100 characters, or given to an agency that Chapar numbers (`agency_reference.assigned`); `agency_reference_date` not a date, after today or before the letter's registration, or without a number", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/inbox/{delivery_id}/ack")]
pub async fn ack(
    principal: Principal,
    state: web::Data<AppState>,
    delivery_id: web::Path<i32>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let delivery_id = delivery_id.into_inner();
    // No body (or `null`) acknowledges without a reference; a body must be the request.
    let request: AckRequest = if body.iter().all(u8::is_ascii_whitespace) {
        AckRequest::default()
    } else {
        serde_json::from_slice::<Option<AckRequest>>(&body)
            .map_err(|e| crate::error::from_json(&e, "agency_reference"))?
            .unwrap_or_default()
    };
    let typed = request
        .validate(shared::reports::tehran_day(chrono::Utc::now()))
        .map_err(ApiError::Validation)?;
    let (etag, letter) = state
        .db
        .write(move |conn| {
            let row = workflow::acknowledge(conn, &principal, delivery_id, &typed)?;
            Ok((row.etag(), super::letter_shown(conn, &principal, &row)?))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .json(letter))
}
