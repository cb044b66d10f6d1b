//! Read-only PostgreSQL hot standbys (streaming replicas) that serve the
//! reads which dominate a busy deployment — public tracking, letter lists and
//! searches, the dashboard — so the primary keeps its cores for writes.
//!
//! Which reads may see a standby is decided by WAL positions, not by a timer:
//!
//! - A monitor thread samples the primary's WAL insert position and each
//!   standby's replay position every [`SAMPLE_EVERY`]. A standby is *fresh*
//!   when it has replayed everything the primary had written
//!   [`MAX_STALENESS`] ago; a stale, stopped or unreachable one serves
//!   nothing until it catches up.
//! - Read-your-writes: after a successful write request the primary's
//!   position is remembered for the caller (by token subject) and sent back
//!   as `Chapar-Write-Position`. The caller's reads then go only to a standby
//!   that has replayed that position — otherwise to the primary. The memory
//!   is per instance; a client whose requests are spread over instances
//!   sends the header back as `Chapar-Read-After` (the SPA does), and any
//!   instance honours it.
//! - A read that fails on a standby (connection lost, a query cancelled by
//!   a recovery conflict) runs again on the primary: a standby going away
//!   costs latency, never an error.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::r2d2;
use diesel::sql_types::BigInt;
use prometheus_client::metrics::counter::Counter;

use super::{DatabaseUrl, DbConnection, Manager, Pool, SessionSettings};

/// How often the positions are sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// How far behind the primary a standby may be and still serve reads that
/// carry no position of their own (public tracking, another user's lists).
pub const MAX_STALENESS: Duration = Duration::from_secs(1);
/// The wait for a standby connection before the read goes to the primary.
const STANDBY_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(300);
/// Remembered writes older than this are forgotten: by then every fresh
/// standby has replayed them (it is at most [`MAX_STALENESS`] behind).
const REMEMBER_FOR: Duration = Duration::from_secs(10);

/// The response header naming the WAL position a write reached.
pub const WRITE_POSITION_HEADER: &str = "Chapar-Write-Position";
/// The request header asking that a read see at least that position.
pub const READ_AFTER_HEADER: &str = "Chapar-Read-After";

/// A WAL position (PostgreSQL's `pg_lsn`) as a byte offset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalPosition(pub u64);

impl WalPosition {
    /// PostgreSQL's own notation, `16/B374D848` (hexadecimal high/low words).
    pub fn parse(text: &str) -> Option<WalPosition> {
        let (high, low) = text.trim().split_once('/')?;
        let high = u64::from_str_radix(high, 16).ok()?;
        let low = u64::from_str_radix(low, 16).ok()?;
        (high <= u64::from(u32::MAX) && low <= u64::from(u32::MAX))
            .then_some(WalPosition(high << 32 | low))
    }
}

impl std::fmt::Display for WalPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}/{:X}", self.0 >> 32, self.0 & 0xFFFF_FFFF)
    }
}

struct Standby {
    /// For logs: the URL without its password.
    name: String,
    url: DatabaseUrl,
    pool: Pool,
    /// Replay position at the last sample (0 until one answers).
    replayed: AtomicU64,
    fresh: AtomicBool,
}

/// The standbys of one primary, their positions, and who wrote what lately.
pub struct Standbys {
    standbys: Vec<Standby>,
    next: AtomicUsize,
    /// Callers' latest write positions, by token subject.
    writes: Mutex<HashMap<String, (WalPosition, Instant)>>,
    /// Reads served by a standby, and reads that fell back to the primary
    /// after a standby failed under them (for `/metrics`).
    pub served: Counter,
    pub fell_back: Counter,
}

impl Standbys {
    /// Pools for the standbys at `urls` (not connected yet: a standby down at
    /// start-up is only not used) and their monitor, sampling `primary`.
    pub fn start(urls: &[String], max_size: u32, primary: &str) -> anyhow::Result<Arc<Standbys>> {
        let primary = DatabaseUrl::parse(primary).map_err(anyhow::Error::msg)?;
        let mut standbys = Vec::new();
        for url in urls {
            let parsed = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
            if !matches!(parsed, DatabaseUrl::Postgres(_)) {
                anyhow::bail!("a read database must be PostgreSQL: {url}");
            }
            let pool = r2d2::Pool::builder()
                .max_size(max_size.max(1))
                .min_idle(Some(0))
                .connection_timeout(STANDBY_ACQUIRE_TIMEOUT)
                .connection_customizer(Box::new(SessionSettings))
                // The monitor says when a standby goes and comes back; r2d2
                // would log each failed attempt, ten a second.
                .error_handler(Box::new(r2d2::NopErrorHandler))
                .build_unchecked(Manager {
                    url: parsed.clone(),
                });
            standbys.push(Standby {
                name: without_password(url),
                url: parsed,
                pool,
                replayed: AtomicU64::new(0),
                fresh: AtomicBool::new(false),
            });
        }
        let standbys = Arc::new(Standbys {
            standbys,
            next: AtomicUsize::new(0),
            writes: Mutex::new(HashMap::new()),
            served: Counter::default(),
            fell_back: Counter::default(),
        });
        let weak = Arc::downgrade(&standbys);
        std::thread::Builder::new()
            .name("chapar-standbys".into())
            .spawn(move || monitor(weak, primary))?;
        Ok(standbys)
    }

    /// A fresh standby that has replayed `after`, taken in turn; `None`: the
    /// primary serves this read.
    pub(super) fn pick(&self, after: WalPosition) -> Option<(usize, &Pool)> {
        let n = self.standbys.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n).map(|i| (start + i) % n).find_map(|i| {
            let s = &self.standbys[i];
            (s.fresh.load(Ordering::Acquire) && s.replayed.load(Ordering::Acquire) >= after.0)
                .then_some((i, &s.pool))
        })
    }

    /// How many standbys serve reads now.
    pub fn fresh_count(&self) -> usize {
        self.standbys
            .iter()
            .filter(|s| s.fresh.load(Ordering::Acquire))
            .count()
    }

    /// The standby `i` failed under a read: unused until the monitor sees it
    /// answer again.
    pub(super) fn failed(&self, i: usize, cause: &str) {
        let s = &self.standbys[i];
        if s.fresh.swap(false, Ordering::AcqRel) {
            tracing::warn!(standby = %s.name, %cause, "read standby failed; reads go to the primary");
        }
        self.fell_back.inc();
    }

    /// Remembers that `subject` wrote up to `at`.
    pub fn remember_write(&self, subject: String, at: WalPosition) {
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        if writes.len() >= 1024 {
            writes.retain(|_, (_, when)| when.elapsed() < REMEMBER_FOR);
        }
        let entry = writes.entry(subject).or_insert((at, Instant::now()));
        *entry = (entry.0.max(at), Instant::now());
    }

    /// The position `subject`'s reads must see: its last write here, if recent.
    pub fn last_write_of(&self, subject: &str) -> WalPosition {
        let writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        writes
            .get(subject)
            .filter(|(_, when)| when.elapsed() < REMEMBER_FOR)
            .map(|(at, _)| *at)
            .unwrap_or_default()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user@host/db`.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    lsn: Option<i64>,
}

/// The primary's WAL insert position: every commit so far ends at or before it.
pub fn primary_position(conn: &mut DbConnection) -> QueryResult<WalPosition> {
    position(
        conn,
        "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint AS lsn",
    )
    .map(|p| p.unwrap_or_default())
}

/// A standby's replay position (`None`: the server is not a standby).
fn replay_position(conn: &mut DbConnection) -> QueryResult<Option<WalPosition>> {
    position(
        conn,
        "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS lsn",
    )
}

fn position(conn: &mut DbConnection, sql: &str) -> QueryResult<Option<WalPosition>> {
    let row: Position = diesel::sql_query(sql).get_result(conn)?;
    Ok(row
        .lsn
        .and_then(|lsn| u64::try_from(lsn).ok())
        .map(WalPosition))
}

/// What a standby must have replayed to be fresh, given the primary's recent
/// `(when, position)` samples: the newest one at least [`MAX_STALENESS`] old,
/// or (until there is one) the oldest.
fn freshness_bar(samples: &VecDeque<(Instant, WalPosition)>, now: Instant) -> Option<WalPosition> {
    samples
        .iter()
        .rev()
        .find(|(when, _)| now.duration_since(*when) >= MAX_STALENESS)
        .or(samples.front())
        .map(|(_, at)| *at)
}

/// A connection of the monitor's own (never one of the pools': under load
/// their connections are all busy, which must not read as "unreachable").
struct Probe {
    url: DatabaseUrl,
    conn: Option<DbConnection>,
}

impl Probe {
    fn new(url: DatabaseUrl) -> Probe {
        Probe { url, conn: None }
    }

    /// `query` on the connection, reconnecting first if needed; a failure
    /// drops the connection, so the next sample connects afresh.
    fn ask(
        &mut self,
        query: fn(&mut DbConnection) -> QueryResult<Option<WalPosition>>,
    ) -> Result<Option<WalPosition>, String> {
        if self.conn.is_none() {
            self.conn = Some(self.url.establish().map_err(|e| e.to_string())?);
        }
        let conn = self.conn.as_mut().ok_or("no connection")?;
        query(conn).map_err(|e| {
            self.conn = None;
            e.to_string()
        })
    }
}

/// Samples positions until the standbys are dropped.
fn monitor(standbys: Weak<Standbys>, primary: DatabaseUrl) {
    let mut samples: VecDeque<(Instant, WalPosition)> = VecDeque::new();
    let mut primary = Probe::new(primary);
    let mut probes: Vec<Probe> = match standbys.upgrade() {
        Some(s) => s
            .standbys
            .iter()
            .map(|s| Probe::new(s.url.clone()))
            .collect(),
        None => return,
    };
    let mut complained = vec![false; probes.len()];
    loop {
        std::thread::sleep(SAMPLE_EVERY);
        let Some(standbys) = standbys.upgrade() else {
            return;
        };
        let now = Instant::now();
        match primary.ask(|c| primary_position(c).map(Some)) {
            Ok(Some(at)) => samples.push_back((now, at)),
            // The primary unreachable: nothing can be judged fresh.
            _ => samples.clear(),
        }
        while samples
            .front()
            .is_some_and(|(when, _)| now.duration_since(*when) > MAX_STALENESS * 3)
        {
            samples.pop_front();
        }
        let bar = freshness_bar(&samples, now);
        for (i, s) in standbys.standbys.iter().enumerate() {
            let replayed = probes[i].ask(replay_position);
            let fresh = match (&replayed, bar) {
                (Ok(Some(at)), Some(bar)) => {
                    s.replayed.store(at.0, Ordering::Release);
                    *at >= bar
                }
                _ => false,
            };
            let was = s.fresh.swap(fresh, Ordering::AcqRel);
            match (&replayed, was, fresh) {
                (Ok(None), _, _) if !complained[i] => {
                    complained[i] = true;
                    tracing::error!(standby = %s.name, "read database is not a standby; not used");
                }
                (_, false, true) => tracing::info!(standby = %s.name, "read standby in use"),
                (Err(e), true, false) => {
                    tracing::warn!(standby = %s.name, error = %e, "read standby unreachable")
                }
                (_, true, false) => {
                    tracing::warn!(standby = %s.name, "read standby behind; not used")
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_and_print_as_postgres_writes_them() {
        let at = WalPosition::parse("16/B374D848").expect("a position");
        assert_eq!(at.0, 0x16_B374_D848);
        assert_eq!(at.to_string(), "16/B374D848");
        assert_eq!(WalPosition::parse("0/0"), Some(WalPosition(0)));
        for bad in ["", "16", "x/1", "1/100000000", "-1/0"] {
            assert_eq!(WalPosition::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_standby_is_fresh_once_it_has_what_the_primary_had_a_second_ago() {
        let now = Instant::now();
        let samples: VecDeque<_> = [
            (now - Duration::from_millis(2500), WalPosition(10)),
            (now - Duration::from_millis(1200), WalPosition(20)),
            (now - Duration::from_millis(500), WalPosition(30)),
            (now, WalPosition(40)),
        ]
        .into();
        assert_eq!(freshness_bar(&samples, now), Some(WalPosition(20)));
        // Just started: nothing a second old yet, so the oldest sample.
        let young: VecDeque<_> = samples.iter().skip(2).copied().collect();
        assert_eq!(freshness_bar(&young, now), Some(WalPosition(30)));
        assert_eq!(freshness_bar(&VecDeque::new(), now), None);
    }

    #[test]
    fn logs_never_show_a_password() {
        assert_eq!(
            without_password("postgres://chapar:s3cret@db-2:5432/chapar"),
            "postgres://chapar@db-2:5432/chapar"
        );
        assert_eq!(
            without_password("postgres://db-2/chapar"),
            "postgres://db-2/chapar"
        );
    }
}
