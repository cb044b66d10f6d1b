//! The one SQLite writer: SQLite lets one connection write at a time, and
//! writers that race for the lock wait in `busy_timeout` sleeps (unfairly,
//! and past it with "database is locked"). So every write of an SQLite
//! installation goes to one dedicated connection on its own thread, through
//! a bounded queue, and is committed with the writes queued behind it (group
//! commit): one transaction per group, each write in its own savepoint, so a
//! failing write is undone alone while the others commit. A caller hears
//! back only after its group committed; a full queue or a failed commit
//! answers 503 (with `Retry-After`), never "database is locked". The
//! group's dashboard rollup changes are summed and written once, just
//! before its commit.
//!
//! Copying the write-ahead log back into the database file (a checkpoint,
//! with its `fsync`s) is done beside the writer by a thread of its own, not
//! by the writer at every thousandth page as SQLite would: it was a tenth
//! of the writer thread's time under registrations.
//!
//! PostgreSQL needs none of this: its writers lock rows, not the database.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use shared::rollup::Rollup;

use super::{rollups, write_transaction, DbConnection};
use crate::error::ApiError;

/// Writes waiting at most; past this a write answers 503 at once.
const QUEUE: usize = 1024;
/// Writes committed together at most.
const MAX_GROUP: usize = 64;
/// The checkpointer runs at most this often (each run `fsync`s twice).
/// Short, so that each run's `fsync` of the log has little to write: on
/// ext4 the writer's own appends to the log wait while an `fsync` flushes
/// it. At 250 ms a run flushed what a quarter second of registrations
/// wrote and held the writer for tens of ms (registration p99 at 4
/// connections 80–90 ms on a 2-core VM); at 20 ms, 26 ms, for ~6 % of a
/// core while writes arrive (`bench/results/2026-12-06.md`, "Checkpoint
/// interval").
const CHECKPOINT_EVERY: Duration = Duration::from_millis(20);
/// Pages of log past which the writer checkpoints itself, should the
/// checkpointer fall behind (80 MB; SQLite's own default is 1,000).
const WRITER_CHECKPOINTS_PAST: u32 = 20_000;

/// Told after the group's commit whether it held.
type Completion = Box<dyn FnOnce(Result<(), ApiError>) + Send>;
/// A write, run in its savepoint; adds its dashboard rollup change to the
/// group's (see [`rollups::deferred`]) and answers how to tell its caller.
type Job = Box<dyn FnOnce(&mut DbConnection, &mut Rollup) -> Completion + Send>;

/// The handle of the writer thread (cheap to clone).
#[derive(Clone)]
pub struct Writer {
    jobs: SyncSender<Job>,
}

impl Writer {
    /// Starts the writer thread on `conn`, and the checkpointer on
    /// `checkpoints` (a second connection to the same file).
    pub fn start(mut conn: DbConnection, checkpoints: DbConnection) -> anyhow::Result<Writer> {
        conn.batch_execute(&format!(
            "PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINTS_PAST}"
        ))?;
        let (committed, commits) = sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint(checkpoints, commits))?;
        let (jobs, queue) = sync_channel::<Job>(QUEUE);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(conn, queue, committed))?;
        Ok(Writer { jobs })
    }

    /// Runs `work` on the writer connection inside a transaction and answers
    /// once that transaction committed.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let (done, answer) = tokio::sync::oneshot::channel::<Result<T, ApiError>>();
        let job: Job = Box::new(move |conn, group_change| {
            // A nested transaction: a savepoint inside the group's transaction.
            let (result, change) = rollups::deferred(|| conn.transaction(work));
            if result.is_ok() {
                group_change.merge(change);
            }
            Box::new(move |committed| {
                let _ = done.send(committed.and(result));
            })
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::warn!("SQLite write queue full: answering 503");
                return Err(ApiError::Unavailable(
                    "Too many writes are waiting; try again in a moment.".into(),
                ));
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::Unavailable("The database writer stopped.".into()))
            }
        }
        answer.await.unwrap_or_else(|_| {
            Err(ApiError::Unavailable(
                "The write could not be completed; try again.".into(),
            ))
        })
    }
}

/// The writer thread: takes the first waiting write, everything queued
/// behind it (up to [`MAX_GROUP`]), runs them in one transaction, commits,
/// then tells each caller.
fn serve(mut conn: DbConnection, queue: Receiver<Job>, committed: SyncSender<()>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let mut completions: Vec<Completion> = Vec::with_capacity(group.len());
        let outcome = write_transaction(&mut conn, |conn| {
            let mut change = Rollup::default();
            for job in group.drain(..) {
                match catch_unwind(AssertUnwindSafe(|| job(conn, &mut change))) {
                    Ok(completion) => completions.push(completion),
                    // A write that panicked may have left its savepoint half
                    // done: undo the whole group (its callers hear 503).
                    Err(_) => return Err(GroupError::Panicked),
                }
            }
            change.prune();
            rollups::apply(conn, &change)?;
            Ok(())
        });
        match &outcome {
            // Full: the checkpointer already has a commit to copy.
            Ok(()) => drop(committed.try_send(())),
            Err(e) => {
                tracing::error!(error = %e, writes = completions.len(), "SQLite group commit failed")
            }
        }
        for completion in completions {
            completion(
                outcome.as_ref().map(|_| ()).map_err(|_| {
                    ApiError::Unavailable("The write was not saved; try again.".into())
                }),
            );
        }
    }
}

/// The checkpointer thread: after a commit, copies what it can of the log
/// into the database file without waiting for readers or blocking the
/// writer (`PASSIVE`), then rests [`CHECKPOINT_EVERY`].
fn checkpoint(mut conn: DbConnection, commits: Receiver<()>) {
    while commits.recv().is_ok() {
        if let Err(e) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
            tracing::warn!(error = %e, "SQLite checkpoint failed; the next commit retries it");
        }
        std::thread::sleep(CHECKPOINT_EVERY);
    }
}

#[derive(Debug, thiserror::Error)]
enum GroupError {
    #[error("a write panicked")]
    Panicked,
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use shared::rollup::{DayKey, RollupScope};

    use super::*;
    use crate::db::schema::report_days;
    use crate::db::Db;

    fn one_registration() -> Rollup {
        let mut change = Rollup::default();
        change.days.insert(
            DayKey {
                scope: RollupScope::Province,
                day: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
                kind: "registered",
            },
            1,
        );
        change
    }

    /// What the writer commits reaches the database file without the writer
    /// checkpointing (its threshold is far above one write's pages).
    #[actix_web::test]
    async fn the_checkpointer_copies_commits_into_the_database_file() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("c.db");
        let db = Db::connect(&format!("sqlite://{}", file.display()), 2).expect("db");
        let size = || std::fs::metadata(&file).expect("file").len();
        let before = size();
        db.write(|conn| {
            conn.batch_execute(
                "CREATE TABLE ballast (b BLOB); \
                 INSERT INTO ballast VALUES (zeroblob(2000000));",
            )?;
            Ok(())
        })
        .await
        .expect("write");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size() < before + 2_000_000 {
            assert!(std::time::Instant::now() < deadline, "not checkpointed");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The group's rollups hold the changes of the writes that succeeded,
    /// and nothing of one that failed after adding its change.
    #[actix_web::test]
    async fn a_failed_write_leaves_no_count_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}/c.db", dir.path().display());
        let db = Db::connect(&url, 2).expect("db");
        let writes = (0..6).map(|i| {
            db.write(move |conn| {
                rollups::add_step(conn, one_registration())?;
                match i % 3 {
                    0 => Err(ApiError::Unavailable("refused".into())),
                    _ => Ok(()),
                }
            })
        });
        let results = futures_util::future::join_all(writes).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
        let counted: Vec<i64> = report_days::table
            .select(report_days::n)
            .load(&mut *db.pool().get().expect("conn"))
            .expect("days");
        assert_eq!(counted, vec![4]);
    }
}
