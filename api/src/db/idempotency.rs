//! Idempotency records: a retried `POST` with the same `Idempotency-Key`
//! answers the first response and writes nothing new.
//!
//! A key is claimed and completed inside the work's transaction, so a
//! request that fails or dies leaves no claim behind. A second request with
//! the key while the first runs waits for it (PostgreSQL's unique index;
//! SQLite's single writer) and then replays its answer; a claim still open
//! ("in progress", no status) answers 409 unless older than
//! [`STALE_AFTER_SECS`]. Keys are kept for [`KEEP_HOURS`], then swept by a
//! periodic job ([`sweep_expired`]).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use shared::ErrorCode;

use super::directory::now;
use super::schema::idempotency_keys;
use super::DbConnection;
use crate::error::ApiError;

pub const STALE_AFTER_SECS: i64 = 60;
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

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum Claim {
    /// New key: do the work, then [`complete`] it.
    Proceed(i32),
    /// Seen and finished: answer this again.
    Replay { status: u16, body: String },
}

pub fn claim(
    conn: &mut DbConnection,
    principal: &str,
    key: &str,
    request_hash: &str,
) -> Result<Claim, ApiError> {
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::validation(
            "Idempotency-Key",
            ErrorCode::IdempotencyKeyFormat,
        ));
    }
    let at = now();
    // The common case in one statement: a new key is claimed. A key already
    // there (or claimed meanwhile by a request that committed first) is read.
    let claimed: Option<i32> = on_backend!(conn, |c| diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(principal),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::created_at.eq(at),
        ))
        .on_conflict((idempotency_keys::principal, idempotency_keys::idem_key))
        .do_nothing()
        .returning(idempotency_keys::id)
        .get_result(c)
        .optional())?;
    if let Some(id) = claimed {
        return Ok(Claim::Proceed(id));
    }
    let row: IdempotencyRow = idempotency_keys::table
        .filter(idempotency_keys::principal.eq(principal))
        .filter(idempotency_keys::idem_key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)?;
    match row {
        _ if row.created_at < at - Duration::hours(KEEP_HOURS) => {
            // Expired but not yet swept: the key is new again.
            diesel::update(idempotency_keys::table.find(row.id))
                .set((
                    idempotency_keys::request_hash.eq(request_hash),
                    idempotency_keys::status_code.eq(None::<i32>),
                    idempotency_keys::response_body.eq(None::<String>),
                    idempotency_keys::created_at.eq(at),
                ))
                .execute(conn)?;
            Ok(Claim::Proceed(row.id))
        }
        _ if row.status_code.is_none()
            && row.created_at > at - Duration::seconds(STALE_AFTER_SECS) =>
        {
            Err(ApiError::Conflict(
                ErrorCode::IdempotencyInProgress,
                "A request with this Idempotency-Key is still being processed.".into(),
            ))
        }
        _ if row.request_hash != request_hash => {
            Err(ApiError::Validation(vec![shared::FieldError::new(
                "Idempotency-Key",
                shared::ErrorCode::IdempotencyKeyReused,
            )]))
        }
        IdempotencyRow {
            status_code: Some(status),
            response_body,
            ..
        } => Ok(Claim::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body: response_body.unwrap_or_default(),
        }),
        row => {
            diesel::update(idempotency_keys::table.find(row.id))
                .set(idempotency_keys::created_at.eq(at))
                .execute(conn)?;
            Ok(Claim::Proceed(row.id))
        }
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

/// Stores the response (inside the work's transaction).
pub fn complete(conn: &mut DbConnection, id: i32, status: u16, body: &str) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find(id))
        .set((
            idempotency_keys::status_code.eq(Some(i32::from(status))),
            idempotency_keys::response_body.eq(Some(body)),
        ))
        .execute(conn)
        .map(drop)
}
