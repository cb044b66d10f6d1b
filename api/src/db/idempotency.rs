//! Idempotency records: a retried `POST` with the same `Idempotency-Key`
//! answers the first response and writes nothing new.
//!
//! A key is recorded with its answer at the end of the work's transaction
//! ([`record`]: one statement), so a request that fails or dies leaves no
//! record behind, and the common case — a new key — costs no lookup first.
//! A request whose key is already recorded does its work, fails to record,
//! and is rolled back; its caller then answers what the first one recorded
//! ([`recorded`]). A second request with the key while the first runs waits
//! for it at the record (PostgreSQL's unique index; SQLite's single writer)
//! and then replays its answer. Keys are kept for [`KEEP_HOURS`], then
//! swept by a periodic job ([`sweep_expired`]).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use shared::ErrorCode;

use super::directory::now;
use super::schema::idempotency_keys;
use super::together::Unread;
use super::DbConnection;
use crate::error::ApiError;

pub const KEEP_HOURS: i64 = 48;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub id: i32,
    pub principal: String,
    pub idem_key: String,
    pub request_hash: String,
    pub status_code: Option<i32>,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The first answer to a key, to send again.
#[derive(Debug)]
pub struct Replay {
    pub status: u16,
    pub body: String,
}

/// Checks a key's form before any work is done.
pub fn check_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::validation(
            "Idempotency-Key",
            ErrorCode::IdempotencyKeyFormat,
        ));
    }
    Ok(())
}

/// The error [`record`] answers when the key is recorded already: the
/// caller's transaction is rolled back, and [`recorded`] tells what to answer.
fn taken() -> ApiError {
    ApiError::Conflict(
        ErrorCode::IdempotencyInProgress,
        "A request with this Idempotency-Key is still being processed.".into(),
    )
}

/// Whether `error` is [`record`]'s "the key is recorded already".
pub fn is_taken(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Conflict(ErrorCode::IdempotencyInProgress, _)
    )
}

/// The answer to record under a new key.
pub struct Answer<'a> {
    /// Who sent the key (keys are per principal).
    pub principal: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
    pub status: u16,
    pub body: String,
}

/// Records the answer to a new key, inside the work's transaction: one
/// statement for a new key, which carries the work's unread inserts
/// (`written`; on PostgreSQL they go in the same round trip). A key
/// recorded more than [`KEEP_HOURS`] ago but not yet swept is new again. A
/// live key answers [`is_taken`].
pub fn record(
    conn: &mut DbConnection,
    written: Unread<'_>,
    answer: &Answer<'_>,
) -> Result<(), ApiError> {
    let at = now();
    let status = i32::from(answer.status);
    // What a new key and a renewed expired one both get.
    let values = (
        idempotency_keys::request_hash.eq(answer.request_hash),
        idempotency_keys::status_code.eq(Some(status)),
        idempotency_keys::response_body.eq(Some(answer.body.as_str())),
        idempotency_keys::created_at.eq(at),
    );
    let key_of = (
        idempotency_keys::principal.eq(answer.principal),
        idempotency_keys::idem_key.eq(answer.key),
    );
    let inserted = written.execute_with(
        conn,
        diesel::insert_into(idempotency_keys::table)
            .values((key_of, values))
            .on_conflict((idempotency_keys::principal, idempotency_keys::idem_key))
            .do_nothing(),
    )?;
    if inserted == 1 {
        return Ok(());
    }
    let renewed = diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::principal.eq(answer.principal))
            .filter(idempotency_keys::idem_key.eq(answer.key))
            .filter(idempotency_keys::created_at.lt(at - Duration::hours(KEEP_HOURS))),
    )
    .set(values)
    .execute(conn)?;
    if renewed == 1 {
        Ok(())
    } else {
        Err(taken())
    }
}

/// What to answer a request whose key [`record`] found taken: the first
/// answer again; 422 when the key came with another body; 409 when the
/// key's record holds no answer (a request of an earlier version, still
/// running) or is gone (swept meanwhile: retrying is safe).
pub fn recorded(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> Result<Replay, ApiError> {
    let row: Option<IdempotencyRow> = idempotency_keys::table
        .filter(idempotency_keys::principal.eq(principal))
        .filter(idempotency_keys::idem_key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None
        | Some(IdempotencyRow {
            status_code: None, ..
        }) => Err(taken()),
        Some(row) if row.request_hash != request_hash => {
            Err(ApiError::Validation(vec![shared::FieldError::new(
                "Idempotency-Key",
                shared::ErrorCode::IdempotencyKeyReused,
            )]))
        }
        Some(IdempotencyRow {
            status_code: Some(status),
            response_body,
            ..
        }) => Ok(Replay {
            status: u16::try_from(status).unwrap_or(200),
            body: response_body.unwrap_or_default(),
        }),
    }
}

/// Removes keys older than [`KEEP_HOURS`] (a periodic job: the claim of a
/// new key costs one statement, not a sweep of the caller's old keys too).
pub fn sweep_expired(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::created_at.lt(now() - Duration::hours(KEEP_HOURS))),
    )
    .execute(conn)
}
