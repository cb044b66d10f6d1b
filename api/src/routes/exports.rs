//! CSV exports of the letters list and the inbox, for spreadsheets (the
//! format is `shared::export`). An export is the list the same caller would
//! page through with the same filters, scoped exactly like it: it is read
//! page by page with the list's own cursor and streamed as it is read, so a
//! hundred thousand rows never sit in memory, and a slow download holds no
//! database connection between pages.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use bytes::Bytes;
use futures_util::stream::{self, Stream};
use serde::Deserialize;
use shared::auth::ClientScope;
use shared::export::{self, DashboardTable, BOM};

use super::inbox::{inbox_cursor, inbox_filter, read_page, InboxQuery};
use super::letters::{list_page, sorted_by_due, LetterQuery, ListPage};
use super::reports::SummaryQuery;
use crate::auth::{policy, Principal};
use crate::db::directory::now;
use crate::db::inbox::InboxCursor;
use crate::error::ApiError;
use crate::read_your_writes::ReadAfter;
use crate::state::AppState;

/// Rows read per query while exporting.
const PAGE: i64 = 500;

/// The filtered letters list as CSV (UTF-8 with BOM, Persian headers, dates
/// Jalali and ISO): every letter the list would page through with the same
/// filters and order (`after` and `limit` are ignored), streamed.
#[utoipa::path(
    tag = "letters",
    params(LetterQuery, ReadAfter),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The letters, one per line after the header row", content_type = "text/csv", body = String),
        (status = 400, description = "Bad filter", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/letters/export")]
pub async fn letters(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<LetterQuery>,
    after: ReadAfter,
) -> Result<HttpResponse, ApiError> {
    let scope = principal.letters_scope()?;
    let q = query.into_inner();
    let by_due = sorted_by_due(&q)?;
    let header = export::line(&export::LETTER_COLUMNS);
    let pages = stream::unfold(Some(ListPage::First), move |page| {
        let (state, q, position) = (state.clone(), q.clone(), after.0);
        async move {
            let page = page?;
            let read = state
                .db
                .read(position, move |conn| list_page(conn, scope, &q, page, PAGE))
                .await;
            Some(match read {
                Err(e) => (Err(abort(e)), None),
                Ok(rows) => {
                    let next = (rows.len() as i64 == PAGE)
                        .then(|| rows.last().map(|l| ListPage::following(l, by_due)))
                        .flatten();
                    let text: String = rows.iter().map(export::letter_line).collect();
                    (Ok(Bytes::from(text)), next)
                }
            })
        }
    });
    Ok(csv("letters", header, pages))
}

/// The agency's inbox as CSV, as `GET /inbox` would page through it with the
/// same `view`, `sort`, `overdue` and `kind` (`after`, `limit`, `wait` are ignored).
/// Clerks, or API clients with `inbox:read`.
#[utoipa::path(
    tag = "inbox",
    params(InboxQuery),
    security(("bearer" = []), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The deliveries, one per line after the header row", content_type = "text/csv", body = String),
        (status = 403, description = "Not a clerk or an agency client with inbox:read", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/inbox/export")]
pub async fn inbox(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let agency = policy::agency_worker(&principal, ClientScope::InboxRead)?;
    let query = InboxQuery {
        after: None,
        ..query.into_inner()
    };
    let filter = inbox_filter(&query)?;
    let first = inbox_cursor(&query)?;
    let header = export::line(&export::INBOX_COLUMNS);
    let pages = stream::unfold(Some(first), move |cursor: Option<InboxCursor>| {
        let (state, filter) = (state.clone(), filter.clone());
        async move {
            let cursor = cursor?;
            let read = read_page(&state, agency, filter, cursor, PAGE).await;
            Some(match read {
                Err(e) => (Err(abort(e)), None),
                Ok(page) => {
                    let text: String = page.items.iter().map(export::inbox_line).collect();
                    let next = page.next_cursor.as_deref().and_then(|c| match cursor {
                        InboxCursor::Delivery(_) => {
                            c.parse().ok().map(|id| InboxCursor::Delivery(Some(id)))
                        }
                        InboxCursor::Due(_) => {
                            crate::db::inbox::parse_due_cursor(c).map(|d| InboxCursor::Due(Some(d)))
                        }
                    });
                    (Ok(Bytes::from(text)), next)
                }
            })
        }
    });
    Ok(csv("inbox", header, pages))
}

/// A failure after the first bytes were sent: the status is gone, so the
/// download is cut short (the client sees an incomplete file, never a
/// complete-looking one).
fn abort(e: ApiError) -> actix_web::Error {
    tracing::warn!(error = %e, "export cut short");
    actix_web::error::ErrorInternalServerError("export cut short")
}

/// Which table of the dashboard to export (beside its period, [`SummaryQuery`]).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableQuery {
    /// `days` (registrations and answers per day), `agencies` (backlog and
    /// answers), `offices` (registrations) or `statuses`.
    #[param(pattern = "^(days|agencies|offices|statuses)$")]
    pub table: String,
}

/// One table of the dashboard as CSV (UTF-8 with BOM, Persian headers,
/// days Jalali and ISO), with the figures `GET /reports/summary` gives the
/// same caller for the same period.
#[utoipa::path(
    tag = "reports",
    params(TableQuery, SummaryQuery, ReadAfter),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The table, one row per line after the header row", content_type = "text/csv", body = String),
        (status = 400, description = "Bad query: `table` missing, or a day not a date", body = shared::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not bound to an office or agency, or no read scope", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`table` not one of the four; `from` after `to`, or the period longer than 366 days", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/summary/export")]
pub async fn dashboard(
    principal: Principal,
    state: web::Data<AppState>,
    table: web::Query<TableQuery>,
    period: web::Query<SummaryQuery>,
    after: ReadAfter,
) -> Result<HttpResponse, ApiError> {
    let table = DashboardTable::parse(&table.table).ok_or_else(|| {
        ApiError::invalid_choice("table", "`days`, `agencies`, `offices` or `statuses`")
    })?;
    let summary =
        super::reports::computed(principal, &state, period.from, period.to, after).await?;
    let name = format!("dashboard-{}", table.name());
    Ok(csv(&name, table.csv(&summary), stream::empty()))
}

/// The streamed answer: BOM and header row first, then each page's lines.
fn csv<S>(name: &str, header: String, pages: S) -> HttpResponse
where
    S: Stream<Item = Result<Bytes, actix_web::Error>> + 'static,
{
    use futures_util::StreamExt;
    let (y, m, d) =
        shared::jalali::from_gregorian(shared::reports::tehran_day(crate::db::letters::utc(now())));
    let head =
        stream::once(
            async move { Ok::<_, actix_web::Error>(Bytes::from(format!("{BOM}{header}"))) },
        );
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-{y}-{m:02}-{d:02}.csv\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(head.chain(pages))
}
