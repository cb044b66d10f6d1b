//! The SMS outbox: claiming messages with leases, recording each attempt,
//! opt-outs and per-number caps.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

use super::letters::NotificationRow;
use super::schema::{notification_attempts, notifications, sms_opt_outs};
use super::{write_transaction, DbConnection};

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Integer)]
    id: i32,
}

/// Claims up to `limit` due messages for `owner` until `until`.
///
/// PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several dispatchers (in several
/// processes) claim disjoint batches without waiting on each other. SQLite:
/// the write lock serialises claims (one writer at a time anyway). A lease
/// that expired (its dispatcher died) makes the message claimable again.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    limit: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<NotificationRow>> {
    let ids: Vec<i32> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "UPDATE notifications SET lease_owner = $1, leased_until = $2 \
             WHERE id IN (SELECT id FROM notifications \
                          WHERE status = 'pending' AND next_attempt_at <= $3 \
                            AND (leased_until IS NULL OR leased_until < $3) \
                          ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load::<Claimed>(pg)?
        .into_iter()
        .map(|c| c.id)
        .collect(),
        DbConnection::Sqlite(_) => write_transaction(conn, |conn| {
            let ids: Vec<i32> = notifications::table
                .filter(notifications::status.eq("pending"))
                .filter(notifications::next_attempt_at.le(now))
                .filter(
                    notifications::leased_until
                        .is_null()
                        .or(notifications::leased_until.lt(now)),
                )
                .order(notifications::id.asc())
                .limit(limit)
                .select(notifications::id)
                .load(conn)?;
            if ids.is_empty() {
                return Ok(ids);
            }
            diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
                .set((
                    notifications::lease_owner.eq(Some(owner)),
                    notifications::leased_until.eq(Some(until)),
                ))
                .execute(conn)?;
            Ok::<_, diesel::result::Error>(ids)
        })?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    notifications::table
        .filter(notifications::id.eq_any(ids))
        .order(notifications::id.asc())
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Which of `mobiles` have opted out of SMS.
pub fn opted_out_among(
    conn: &mut DbConnection,
    mobiles: &[String],
) -> QueryResult<HashSet<String>> {
    sms_opt_outs::table
        .filter(sms_opt_outs::mobile.eq_any(mobiles))
        .select(sms_opt_outs::mobile)
        .load::<String>(conn)
        .map(|found| found.into_iter().collect())
}

/// Messages sent to each of `mobiles` in the hour before `now` (numbers
/// sent nothing are absent): one query for a whole batch, each number read
/// through the `(mobile, sent_at)` index.
pub fn sent_last_hour(
    conn: &mut DbConnection,
    mobiles: &[String],
    now: NaiveDateTime,
) -> QueryResult<HashMap<String, i64>> {
    notifications::table
        .filter(notifications::mobile.eq_any(mobiles))
        .filter(notifications::sent_at.gt(now - Duration::hours(1)))
        .group_by(notifications::mobile)
        .select((notifications::mobile, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)
        .map(|counts| counts.into_iter().collect())
}

/// What became of one attempt.
pub enum Outcome {
    Sent {
        provider_message_id: Option<String>,
        provider_status: Option<String>,
    },
    /// Try again at `at`.
    Retry {
        error: String,
        at: NaiveDateTime,
    },
    Failed {
        error: String,
    },
    /// Not attempted (cap): try again at `at` without counting an attempt.
    Postpone {
        reason: String,
        at: NaiveDateTime,
    },
}

impl Outcome {
    /// Why the message was not sent (none when it was).
    pub fn error(&self) -> Option<&str> {
        match self {
            Outcome::Sent { .. } => None,
            Outcome::Retry { error, .. } | Outcome::Failed { error } => Some(error),
            Outcome::Postpone { reason, .. } => Some(reason),
        }
    }

    /// The outcome's name in attempt rows and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Sent { .. } => "sent",
            Outcome::Retry { .. } => "retry",
            Outcome::Failed { .. } => "failed",
            Outcome::Postpone { .. } => "postponed",
        }
    }
}

/// One attempt to record: which message, its attempt number, what became
/// of it and how long the gateway took.
pub struct Attempt {
    pub id: i32,
    pub attempt: i32,
    pub outcome: Outcome,
    pub duration_ms: i32,
}

/// Records a batch's attempts in one transaction (one commit for the batch,
/// not one per message). For each, whether `owner` still held the lease
/// (false: it expired and another dispatcher took the message over).
pub fn record_all(
    conn: &mut DbConnection,
    owner: &str,
    attempts: &[Attempt],
    now: NaiveDateTime,
) -> QueryResult<Vec<bool>> {
    write_transaction(conn, |conn| {
        attempts
            .iter()
            .map(|a| record(conn, owner, a, now))
            .collect()
    })
}

/// Records one attempt, if `owner` still holds the lease.
fn record(
    conn: &mut DbConnection,
    owner: &str,
    a: &Attempt,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let (id, attempt, duration_ms) = (a.id, a.attempt, a.duration_ms);
    let outcome = &a.outcome;
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::lease_owner.eq(owner))
        .filter(notifications::status.eq("pending"));
    let changed = match outcome {
        Outcome::Sent {
            provider_message_id,
            provider_status,
        } => diesel::update(mine)
            .set((
                notifications::status.eq("sent"),
                notifications::attempts.eq(attempt),
                notifications::sent_at.eq(Some(now)),
                notifications::provider_message_id.eq(provider_message_id.as_deref()),
                notifications::provider_status.eq(provider_status.as_deref()),
                notifications::last_error.eq(None::<String>),
                notifications::leased_until.eq(None::<NaiveDateTime>),
                notifications::updated_at.eq(now),
            ))
            .execute(conn)?,
        Outcome::Retry { error, at } => diesel::update(mine)
            .set((
                notifications::attempts.eq(attempt),
                notifications::next_attempt_at.eq(*at),
                notifications::last_error.eq(Some(error.as_str())),
                notifications::leased_until.eq(None::<NaiveDateTime>),
                notifications::updated_at.eq(now),
            ))
            .execute(conn)?,
        Outcome::Failed { error } => diesel::update(mine)
            .set((
                notifications::status.eq("failed"),
                notifications::attempts.eq(attempt),
                notifications::last_error.eq(Some(error.as_str())),
                notifications::leased_until.eq(None::<NaiveDateTime>),
                notifications::updated_at.eq(now),
            ))
            .execute(conn)?,
        Outcome::Postpone { reason, at } => diesel::update(mine)
            .set((
                notifications::next_attempt_at.eq(*at),
                notifications::last_error.eq(Some(reason.as_str())),
                notifications::leased_until.eq(None::<NaiveDateTime>),
                notifications::updated_at.eq(now),
            ))
            .execute(conn)?,
    };
    // A postponement is not an attempt: the message was not tried.
    if changed == 1 && !matches!(outcome, Outcome::Postpone { .. }) {
        let error = outcome.error();
        diesel::insert_into(notification_attempts::table)
            .values((
                notification_attempts::notification_id.eq(id),
                notification_attempts::attempt.eq(attempt),
                notification_attempts::at.eq(now),
                notification_attempts::outcome.eq(outcome.label()),
                notification_attempts::error.eq(error),
                notification_attempts::duration_ms.eq(duration_ms),
            ))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

#[derive(QueryableByName)]
struct Awaiting {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    provider_message_id: String,
}

/// Sent messages whose delivery is not known yet (for delivery reports),
/// through the partial index of them: however many were sent before
/// `since`, and however many never got a report, only these are read.
/// SQLite is told the index (`INDEXED BY`): without statistics it would
/// rather take every message ever marked sent from `notifications_status`.
pub fn awaiting_report(
    conn: &mut DbConnection,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(i32, String)>> {
    let (indexed_by, since_param, limit_param) = match conn {
        DbConnection::Sqlite(_) => (" INDEXED BY notifications_awaiting_report", "?", "?"),
        DbConnection::Postgres(_) => ("", "$1", "$2"),
    };
    let rows: Vec<Awaiting> = diesel::sql_query(format!(
        "SELECT id, provider_message_id FROM notifications{indexed_by} \
         WHERE status = 'sent' AND provider_message_id IS NOT NULL AND sent_at > {since_param} \
         ORDER BY id LIMIT {limit_param}"
    ))
    .bind::<Timestamp, _>(since)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.provider_message_id))
        .collect())
}

pub fn set_delivery(
    conn: &mut DbConnection,
    provider_message_id: &str,
    status: &str,
    provider_status: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::provider_message_id.eq(provider_message_id))
            .filter(notifications::status.eq("sent")),
    )
    .set((
        notifications::status.eq(status),
        notifications::provider_status.eq(Some(provider_status)),
        notifications::delivered_at.eq(Some(now)),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Puts a failed message back in the queue now ("retry now").
pub fn retry_now(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::status.eq("failed")),
    )
    .set((
        notifications::status.eq("pending"),
        notifications::attempts.eq(0),
        notifications::next_attempt_at.eq(now),
        notifications::leased_until.eq(None::<NaiveDateTime>),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Queue health: (pending, failed, oldest pending's creation time).
pub fn queue_stats(conn: &mut DbConnection) -> QueryResult<(i64, i64, Option<NaiveDateTime>)> {
    let pending = notifications::table
        .filter(notifications::status.eq("pending"))
        .count()
        .get_result(conn)?;
    let failed = notifications::table
        .filter(notifications::status.eq("failed"))
        .count()
        .get_result(conn)?;
    let oldest = notifications::table
        .filter(notifications::status.eq("pending"))
        .select(diesel::dsl::min(notifications::created_at))
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok((pending, failed, oldest))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notification_attempts)]
pub struct AttemptRow {
    pub id: i32,
    pub notification_id: i32,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub outcome: String,
    pub error: Option<String>,
    pub duration_ms: i32,
}

pub fn exists(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(notifications::table.find(id))).get_result(conn)
}

pub fn attempts_of(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<AttemptRow>> {
    notification_attempts::table
        .filter(notification_attempts::notification_id.eq(id))
        .order(notification_attempts::id.asc())
        .select(AttemptRow::as_select())
        .load(conn)
}

pub fn add_opt_out(
    conn: &mut DbConnection,
    mobile: &str,
    note: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if !opted_out_among(conn, &[mobile.to_owned()])?.is_empty() {
        return Ok(());
    }
    diesel::insert_into(sms_opt_outs::table)
        .values((
            sms_opt_outs::mobile.eq(mobile),
            sms_opt_outs::note.eq(note),
            sms_opt_outs::created_by.eq(by),
            sms_opt_outs::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn remove_opt_out(conn: &mut DbConnection, mobile: &str) -> QueryResult<usize> {
    diesel::delete(sms_opt_outs::table.filter(sms_opt_outs::mobile.eq(mobile))).execute(conn)
}

pub fn opt_outs(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, String, NaiveDateTime)>> {
    sms_opt_outs::table
        .order(sms_opt_outs::created_at.desc())
        .select((
            sms_opt_outs::mobile,
            sms_opt_outs::note,
            sms_opt_outs::created_by,
            sms_opt_outs::created_at,
        ))
        .load(conn)
}

/// Admin-edited template bodies by kind.
pub fn edited_templates(
    conn: &mut DbConnection,
) -> QueryResult<std::collections::HashMap<String, String>> {
    use super::schema::sms_templates;
    Ok(sms_templates::table
        .select((sms_templates::kind, sms_templates::body))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

pub fn save_template(
    conn: &mut DbConnection,
    kind: &str,
    body: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use super::schema::sms_templates;
    write_transaction(conn, |conn| {
        let updated = diesel::update(sms_templates::table.find(kind))
            .set((
                sms_templates::body.eq(body),
                sms_templates::updated_by.eq(by),
                sms_templates::updated_at.eq(now),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(sms_templates::table)
                .values((
                    sms_templates::kind.eq(kind),
                    sms_templates::body.eq(body),
                    sms_templates::updated_by.eq(by),
                    sms_templates::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn reset_template(conn: &mut DbConnection, kind: &str) -> QueryResult<usize> {
    use super::schema::sms_templates;
    diesel::delete(sms_templates::table.find(kind)).execute(conn)
}
