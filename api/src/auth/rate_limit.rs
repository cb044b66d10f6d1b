//! Rate limits of the login, token and public tracking endpoints, per client
//! IP and per name (username, client id, tracking code), answered 429 with
//! `Retry-After`.
//!
//! Where the count lives follows the deployment. On SQLite (one process) it
//! is in memory (GCRA, the `governor` crate). On PostgreSQL, where several
//! stateless instances serve one database, it is in the database, so N
//! instances enforce the budget of one: a sliding window approximated from
//! per-minute counters (the current minute's hits plus the previous minute's,
//! weighted by how much of it the window still covers), one upsert round
//! trip per attempt. The database is the shared store the deployment already
//! has; a cache server would be one more thing to run and secure.

use std::num::NonZeroU32;

use chrono::{DurationRound, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text, Timestamp};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::db::{Db, DbConnection, Kept};
use crate::error::ApiError;

pub struct RateLimits {
    /// Names this limit's rows in the shared table (`login`, `tracking`).
    kind: &'static str,
    per_ip_per_minute: u32,
    per_name_per_minute: u32,
    store: Store,
}

enum Store {
    InProcess {
        per_ip: DefaultKeyedRateLimiter<String>,
        per_name: DefaultKeyedRateLimiter<String>,
    },
    Shared(Db),
}

fn limiter(per_minute: u32) -> DefaultKeyedRateLimiter<String> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(n))
}

impl RateLimits {
    /// Limits counted where `db`'s deployment shares them (see the module).
    pub fn new(
        kind: &'static str,
        db: &Db,
        per_ip_per_minute: u32,
        per_name_per_minute: u32,
    ) -> Self {
        match db.backend() {
            crate::db::Backend::Postgres => RateLimits {
                kind,
                per_ip_per_minute,
                per_name_per_minute,
                store: Store::Shared(db.clone()),
            },
            crate::db::Backend::Sqlite => {
                Self::in_process(kind, per_ip_per_minute, per_name_per_minute)
            }
        }
    }

    /// Limits counted in this process alone.
    pub fn in_process(
        kind: &'static str,
        per_ip_per_minute: u32,
        per_name_per_minute: u32,
    ) -> Self {
        RateLimits {
            kind,
            per_ip_per_minute,
            per_name_per_minute,
            store: Store::InProcess {
                per_ip: limiter(per_ip_per_minute),
                per_name: limiter(per_name_per_minute),
            },
        }
    }

    /// Counts one attempt from `ip` for `name`; refuses it when either is over its quota.
    pub async fn check(&self, ip: &str, name: &str) -> Result<(), ApiError> {
        match &self.store {
            Store::InProcess { per_ip, per_name } => {
                for (limiter, key) in [(per_ip, ip), (per_name, name)] {
                    if limiter.len() > 100_000 {
                        limiter.retain_recent();
                    }
                    if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                        let wait = not_until.wait_time_from(DefaultClock::default().now());
                        return Err(ApiError::TooManyRequests {
                            retry_after_secs: wait.as_secs().max(1),
                        });
                    }
                }
                Ok(())
            }
            Store::Shared(db) => {
                let buckets = vec![
                    (format!("{}:ip:{ip}", self.kind), self.per_ip_per_minute),
                    (
                        format!("{}:name:{name}", self.kind),
                        self.per_name_per_minute,
                    ),
                ];
                // One autocommitted upsert, through the read path on
                // purpose: a write transaction would add BEGIN and COMMIT
                // round trips to every login and tracking request, and a
                // retry after a lost connection at worst counts an attempt
                // twice (stricter, never looser).
                db.run(move |conn| count_shared(conn, &buckets)).await
            }
        }
    }
}

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Text)]
    bucket: String,
    #[diesel(sql_type = BigInt)]
    current: i64,
    #[diesel(sql_type = BigInt)]
    previous: i64,
}

/// One round trip: this minute's counter of each bucket incremented, read
/// back with the previous minute's.
pub fn count_shared(conn: &mut DbConnection, buckets: &[(String, u32)]) -> Result<(), ApiError> {
    let DbConnection::Postgres(pg) = conn else {
        return Err(ApiError::Internal(
            "shared rate limits need PostgreSQL".into(),
        ));
    };
    let now = crate::db::directory::now();
    let minute = now
        .duration_trunc(TimeDelta::minutes(1))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let names: Vec<&str> = buckets.iter().map(|(b, _)| b.as_str()).collect();
    // Kept prepared: PostgreSQL parsed and planned this upsert on every
    // public tracking request (0.2 ms, a sixth of its time there).
    let hits: Vec<Hits> = Kept(
        diesel::sql_query(
            "WITH hit AS ( \
               INSERT INTO rate_limit_windows (bucket, window_start, hits) \
               SELECT b.bucket, $2, 1 FROM unnest($1) AS b(bucket) \
               ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1 \
               RETURNING bucket, hits) \
             SELECT hit.bucket, hit.hits::bigint AS current, COALESCE(prev.hits, 0)::bigint AS previous \
             FROM hit LEFT JOIN rate_limit_windows prev \
               ON prev.bucket = hit.bucket AND prev.window_start = $3",
        )
        .bind::<Array<Text>, _>(&names)
        .bind::<Timestamp, _>(minute)
        .bind::<Timestamp, _>(minute - TimeDelta::minutes(1)),
    )
    .load(pg)?;
    let covered = 1.0 - seconds_into(now, minute) / 60.0;
    for (bucket, per_minute) in buckets {
        let Some(hit) = hits.iter().find(|h| &h.bucket == bucket) else {
            continue;
        };
        let estimate = hit.previous as f64 * covered + hit.current as f64;
        if estimate > f64::from(*per_minute) {
            return Err(ApiError::TooManyRequests {
                retry_after_secs: retry_after(hit, *per_minute, covered),
            });
        }
    }
    Ok(())
}

fn seconds_into(now: NaiveDateTime, minute: NaiveDateTime) -> f64 {
    (now - minute).num_milliseconds() as f64 / 1000.0
}

/// Seconds until the window's estimate falls below the limit again: the
/// previous minute's weight fades, and at the next minute this one's hits
/// become the previous.
fn retry_after(hit: &Hits, per_minute: u32, covered: f64) -> u64 {
    let limit = f64::from(per_minute);
    let remaining_secs = covered * 60.0;
    if hit.current as f64 <= limit && hit.previous > 0 {
        // Waiting for the previous minute's share to fade is enough.
        let needed = (limit - hit.current as f64) / hit.previous as f64;
        let wait = (covered - needed.max(0.0)) * 60.0;
        return (wait.ceil() as u64).clamp(1, 60);
    }
    // This minute alone is over: wait for it to end and fade enough.
    let fade = 1.0 - limit / hit.current.max(1) as f64;
    ((remaining_secs + fade * 60.0).ceil() as u64).clamp(1, 120)
}

/// Removes counters older than the window (a periodic job).
pub fn sweep(conn: &mut DbConnection) -> QueryResult<usize> {
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "DELETE FROM rate_limit_windows WHERE window_start < now() AT TIME ZONE 'UTC' - interval '2 minutes'",
        )
        .execute(pg),
        DbConnection::Sqlite(_) => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn the_same_name_is_limited_from_any_ip() {
        let limits = RateLimits::in_process("login", 100, 2);
        assert!(limits.check("1.1.1.1", "admin").await.is_ok());
        assert!(limits.check("2.2.2.2", "admin").await.is_ok());
        match limits.check("3.3.3.3", "admin").await {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limits.check("3.3.3.3", "someone-else").await.is_ok());
    }

    fn hits(current: i64, previous: i64) -> Hits {
        Hits {
            bucket: String::new(),
            current,
            previous,
        }
    }

    #[test]
    fn the_wait_is_until_the_window_allows_again() {
        // 10 per minute, 10 hits last minute, half of it still covered,
        // 6 this minute: 5 + 6 > 10; at covered 0.4 (6 s later) 4 + 6 = 10.
        assert_eq!(retry_after(&hits(6, 10), 10, 0.5), 6);
        // 11 this minute, 40 s left: wait out the minute, then a tenth more.
        assert_eq!(retry_after(&hits(11, 0), 10, 40.0 / 60.0), 46);
    }
}
