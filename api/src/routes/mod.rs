//! Every route of the server, registered in one place so that utoipa sees
//! them all. One file per resource.

pub mod agencies;
pub mod answer_templates;
pub mod api_clients;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod body;
pub mod counter_offices;
pub mod exports;
pub mod holidays;
pub mod inbox;
pub mod letters;
pub mod me;
pub mod notifications;
pub mod reports;
pub mod sms_templates;
pub mod system;
pub mod tracking;
pub mod users;
pub mod workflow;

use crate::error::ApiError;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers all routes (ops endpoints at the root, the API under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(system::healthz)
        .service(system::readyz)
        .service(system::metrics)
        .service(utoipa_actix_web::scope("/api/v1").configure(configure_v1));
}

fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(auth::token)
        .service(me::me)
        .service(agencies::list)
        .service(agencies::create)
        .service(agencies::get)
        .service(agencies::update)
        .service(counter_offices::list)
        .service(counter_offices::create)
        .service(counter_offices::get)
        .service(counter_offices::update)
        .service(answer_templates::list)
        .service(answer_templates::create)
        .service(answer_templates::update)
        .service(answer_templates::remove)
        .service(holidays::list)
        .service(holidays::save)
        .service(holidays::remove)
        .service(users::list)
        .service(users::create)
        .service(users::get)
        .service(users::update)
        .service(api_clients::list)
        .service(api_clients::create)
        .service(api_clients::update)
        .service(audit::auth_events)
        .service(audit::confidential_reads)
        .service(letters::possible_duplicates)
        .service(letters::register)
        .service(exports::letters)
        .service(exports::inbox)
        .service(exports::dashboard)
        .service(letters::list)
        .service(letters::get)
        .service(letters::events)
        .service(letters::verify)
        .service(letters::upload_attachments)
        .service(attachments::download)
        .service(notifications::list)
        .service(notifications::attempts)
        .service(notifications::retry)
        .service(notifications::stats)
        .service(notifications::list_opt_outs)
        .service(notifications::add_opt_out)
        .service(notifications::remove_opt_out)
        .service(notifications::add_letter_opt_out)
        .service(notifications::remove_letter_opt_out)
        .service(sms_templates::list)
        .service(sms_templates::save)
        .service(sms_templates::reset)
        .service(sms_templates::preview)
        .service(reports::summary)
        .service(tracking::track)
        .service(tracking::download_answer_file)
        .service(inbox::poll)
        .service(inbox::ack)
        .service(workflow::refer)
        .service(workflow::answer)
        .service(workflow::reject)
        .service(workflow::withdraw)
        .service(workflow::close)
        .service(workflow::note);
}

/// Default and largest page sizes of every list.
pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// The page size asked for: 1–200 (default 50); outside, 422 naming `limit`.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::validation("limit", shared::ErrorCode::PageSize)),
    }
}

/// Query of the directory lists (`GET /agencies`, `GET /counter-offices`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Free text over code and names (Persian-normalised: ي/ی, ك/ک, Persian digits).
    pub q: Option<String>,
    /// Only active (`true`) or inactive (`false`) entries.
    pub active: Option<bool>,
    /// Cursor: the `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Page size (1–200, default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

impl DirectoryQuery {
    pub fn filter(&self) -> Result<crate::db::directory::ListFilter, ApiError> {
        Ok(crate::db::directory::ListFilter {
            q: self
                .q
                .as_deref()
                .map(|q| shared::directory::search_text(&[q]))
                .filter(|q| !q.is_empty()),
            active: self.active,
            // The page starts after this code; a code holds no control
            // characters (and PostgreSQL refuses a NUL in text), so they go.
            after: self
                .after
                .as_deref()
                .map(|a| a.chars().filter(|c| !c.is_control()).collect()),
            limit: page_limit(self.limit)?,
        })
    }
}

/// `next_cursor` for a page: the key of its last item when the page is full.
pub fn next_cursor<T>(items: &[T], limit: i64, key: impl Fn(&T) -> String) -> Option<String> {
    if items.len() as i64 == limit {
        items.last().map(key)
    } else {
        None
    }
}

/// The wire form of `row` as `principal` may see it (a confidential letter
/// concealed, or its read recorded), inside the caller's write.
pub(crate) fn letter_shown(
    conn: &mut crate::db::DbConnection,
    principal: &crate::auth::Principal,
    row: &crate::db::letters::LetterRow,
) -> Result<shared::letters::Letter, ApiError> {
    let wire = crate::db::letters::to_wire(conn, row)?;
    let (letter, read) = crate::auth::policy::letter_as_seen(principal, row, wire);
    if read {
        let what = crate::db::confidential::ReadOf::Letter;
        crate::db::confidential::record_read(conn, row.id, &principal.actor(), what)?;
    }
    Ok(letter)
}

/// Records, in its own write, a read of a confidential letter that a
/// read-only handler has served.
pub(crate) async fn record_confidential_read(
    state: &crate::state::AppState,
    letter_id: i32,
    actor: String,
    what: crate::db::confidential::ReadOf,
) -> Result<(), ApiError> {
    state
        .db
        .write(move |conn| {
            Ok(crate::db::confidential::record_read(
                conn, letter_id, &actor, what,
            )?)
        })
        .await
}

/// Answers 200 with `body` and its `ETag`, or 304 when the client's
/// `If-None-Match` already names that `ETag` (`etag` is quoted, `"…"`).
pub fn with_etag<T: serde::Serialize>(
    etag: String,
    if_none_match: Option<&actix_web::web::Header<actix_web::http::header::IfNoneMatch>>,
    body: &T,
) -> actix_web::HttpResponse {
    use actix_web::http::header::{EntityTag, IfNoneMatch, ETAG};
    let tag = EntityTag::new_strong(etag.trim_matches('"').to_owned());
    if let Some(actix_web::web::Header(IfNoneMatch::Items(items))) = if_none_match {
        if items.iter().any(|t| t.weak_eq(&tag)) {
            return actix_web::HttpResponse::NotModified()
                .insert_header((ETAG, etag))
                .finish();
        }
    }
    actix_web::HttpResponse::Ok()
        .insert_header((ETAG, etag))
        .json(body)
}
