//! Idempotency records: a retried `POST` with the same `Idempotency-Key`
//! answers the first response and writes nothing new.
//!
//! A key is claimed in its own short transaction before the work starts
//! ("in progress", no status yet), and completed inside the work's
//! transaction. A second request with the key while the first is in progress
//! gets 409; a claim older than [`STALE_AFTER_SECS`] (its request died) may be
//! taken over. Keys are kept for [`KEEP_HOURS`].

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
    conn.transaction(|conn| {
        diesel::delete(
            idempotency_keys::table
                .filter(idempotency_keys::principal.eq(principal))
                .filter(idempotency_keys::created_at.lt(at - Duration::hours(KEEP_HOURS))),
        )
        .execute(conn)?;
        let existing: Option<IdempotencyRow> = idempotency_keys::table
            .filter(idempotency_keys::principal.eq(principal))
            .filter(idempotency_keys::idem_key.eq(key))
            .select(IdempotencyRow::as_select())
            .first(conn)
            .optional()?;
        match existing {
            Some(row)
                if row.status_code.is_none()
                    && row.created_at > at - Duration::seconds(STALE_AFTER_SECS) =>
            {
                Err(ApiError::Conflict(
                    ErrorCode::IdempotencyInProgress,
                    "A request with this Idempotency-Key is still being processed.".into(),
                ))
            }
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
            }) => Ok(Claim::Replay {
                status: u16::try_from(status).unwrap_or(200),
                body: response_body.unwrap_or_default(),
            }),
            Some(row) => {
                diesel::update(idempotency_keys::table.find(row.id))
                    .set(idempotency_keys::created_at.eq(at))
                    .execute(conn)?;
                Ok(Claim::Proceed(row.id))
            }
            None => {
                diesel::insert_into(idempotency_keys::table)
                    .values((
                        idempotency_keys::principal.eq(principal),
                        idempotency_keys::idem_key.eq(key),
                        idempotency_keys::request_hash.eq(request_hash),
                        idempotency_keys::created_at.eq(at),
                    ))
                    .execute(conn)
                    .map_err(|e| match ApiError::from(e) {
                        ApiError::Conflict(..) => ApiError::Conflict(
                            ErrorCode::IdempotencyInProgress,
                            "A request with this Idempotency-Key is still being processed.".into(),
                        ),
                        other => other,
                    })?;
                let id = idempotency_keys::table
                    .filter(idempotency_keys::principal.eq(principal))
                    .filter(idempotency_keys::idem_key.eq(key))
                    .select(idempotency_keys::id)
                    .first(conn)?;
                Ok(Claim::Proceed(id))
            }
        }
    })
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
