//! Wakes long-polling inbox readers when a delivery is committed.
//!
//! In-process: a broadcast of agency ids. Waiting readers hold no database
//! connection and no blocking thread, only this subscription. On PostgreSQL
//! every instance also tells the others, on the `chapar_inbox` channel: the
//! handler that committed a delivery hands its agency to this notifier, and
//! one thread per instance, on a connection of its own, both `NOTIFY`s the
//! agencies gathered since its last round (one notification, ids separated
//! by commas) and `LISTEN`s for the other instances' ([`listen_postgres`]).
//!
//! Why not a trigger in the delivering transaction (as until migration
//! 000019): a transaction that notifies takes PostgreSQL's cluster-wide
//! notify lock and holds it through its commit, so every registration and
//! referral would commit one after another, WAL flush included. Outside the
//! transaction a notification can be lost only with the process (or its
//! connection) between commit and announcement; readers re-check every
//! [`RECHECK_SECS`] anyway, which is also the net for a notification lost
//! while the listener reconnects.

use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex, Weak};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::PgConnection;
use tokio::sync::broadcast;

pub const RECHECK_SECS: u64 = 2;
/// The PostgreSQL channel of deliveries (payload: agency ids, comma-separated).
pub const CHANNEL: &str = "chapar_inbox";
/// How long the listener waits for something to announce before it reads
/// what has arrived: diesel's libpq connection offers no socket to await,
/// so the thread looks (a non-blocking read) at least this often.
const LISTEN_POLL: Duration = Duration::from_millis(20);
/// The least time between two announcements: under load every commit
/// delivers, and one `NOTIFY` round trip per registration was 1 of its 12
/// statements on PostgreSQL; gathered, it is at most 100 a second per
/// instance, for 10 ms more before the other instances' readers wake.
const ANNOUNCE_GAP: Duration = Duration::from_millis(10);
/// The wait before reconnecting after the database went away.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);
/// PostgreSQL refuses payloads of 8000 bytes and more.
const PAYLOAD_LIMIT: usize = 7900;
/// The longest id in a payload: a comma and an `i32`'s digits and sign.
const LONGEST_ID: usize = 12;

/// What woke the readers.
#[derive(Debug, Clone, Copy)]
pub enum Wake {
    /// A delivery to this agency committed.
    Agency(i32),
    /// Deliveries may have been missed (the listener reconnected): everyone re-checks.
    All,
}

pub struct InboxNotifier {
    sender: broadcast::Sender<Wake>,
    /// Agencies delivered to here and not yet announced to the other
    /// instances; `None` with a single process (SQLite). A set, so an outage
    /// of the database holds at most one entry per agency.
    unannounced: Option<(Mutex<BTreeSet<i32>>, Condvar)>,
}

pub type Subscription = broadcast::Receiver<Wake>;

/// The unannounced agencies, even after a panic elsewhere held the lock
/// (a set of ids cannot be left half-changed).
fn locked(pending: &Mutex<BTreeSet<i32>>) -> std::sync::MutexGuard<'_, BTreeSet<i32>> {
    pending
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl InboxNotifier {
    /// `announce`: tell other instances (PostgreSQL, see [`listen_postgres`]).
    pub fn new(announce: bool) -> Self {
        let (sender, _) = broadcast::channel(1024);
        InboxNotifier {
            sender,
            unannounced: announce.then(Default::default),
        }
    }

    /// Call after the transaction that delivered to `agency_id` committed.
    pub fn delivered(&self, agency_id: i32) {
        self.wake(agency_id);
        if let Some((pending, added)) = &self.unannounced {
            locked(pending).insert(agency_id);
            added.notify_one();
        }
    }

    /// Wakes this instance's readers of `agency_id` only.
    fn wake(&self, agency_id: i32) {
        let _ = self.sender.send(Wake::Agency(agency_id));
    }

    fn wake_all(&self) {
        let _ = self.sender.send(Wake::All);
    }

    /// The agencies to announce: at once if there are some, else those
    /// added within `wait` (possibly none).
    fn take_unannounced(&self, wait: Duration) -> BTreeSet<i32> {
        let Some((pending, added)) = &self.unannounced else {
            std::thread::sleep(wait);
            return BTreeSet::new();
        };
        let (mut guard, _) = added
            .wait_timeout_while(locked(pending), wait, |ids| ids.is_empty())
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *guard)
    }

    /// Puts back what could not be announced (the connection broke).
    fn unannounced_again(&self, ids: BTreeSet<i32>) {
        if let Some((pending, _)) = &self.unannounced {
            locked(pending).extend(ids);
        }
    }

    pub fn subscribe(&self) -> Subscription {
        self.sender.subscribe()
    }

    /// Waits until a delivery to `agency_id`, the re-check interval, or
    /// `deadline` — whichever comes first.
    pub async fn wait(receiver: &mut Subscription, agency_id: i32, max: Duration) {
        let wait = max.min(Duration::from_secs(RECHECK_SECS));
        let _ = tokio::time::timeout(wait, async {
            loop {
                match receiver.recv().await {
                    Ok(Wake::Agency(id)) if id == agency_id => return,
                    Ok(Wake::Agency(_)) => continue,
                    Ok(Wake::All) => return,
                    // Missed some messages: one of them may have been ours.
                    Err(broadcast::error::RecvError::Lagged(_)) => return,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        })
        .await;
    }
}

/// Starts the thread that announces this instance's deliveries to the other
/// instances and hands theirs (PostgreSQL `LISTEN`) to `notifier`, with a
/// connection of its own that it re-opens after an outage. The thread ends
/// when the notifier is dropped.
pub fn listen_postgres(url: String, notifier: Weak<InboxNotifier>) {
    let spawned = std::thread::Builder::new()
        .name("inbox-listen".into())
        .spawn(move || {
            while notifier.strong_count() > 0 {
                match listen_until_broken(&url, &notifier) {
                    Ok(()) => return,
                    Err(err) => {
                        tracing::warn!(error = %err, "inbox listener lost its connection; reconnecting");
                        std::thread::sleep(RECONNECT_AFTER);
                    }
                }
            }
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "cannot start the inbox listener");
    }
}

#[derive(QueryableByName)]
struct BackendPid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

/// Announces and listens until the connection breaks (`Err`) or the notifier
/// is gone (`Ok`).
fn listen_until_broken(url: &str, notifier: &Weak<InboxNotifier>) -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(url)?;
    conn.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    // Our own announcements come back to us: their readers were woken already.
    let own = diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<BackendPid>(&mut conn)?
        .pid;
    // Anything committed while we were not listening has not been announced.
    if let Some(notifier) = notifier.upgrade() {
        notifier.wake_all();
    }
    loop {
        let Some(notifier) = notifier.upgrade() else {
            return Ok(());
        };
        let ids = notifier.take_unannounced(LISTEN_POLL);
        let announced = !ids.is_empty();
        if let Err(err) = announce(&mut conn, &ids) {
            notifier.unannounced_again(ids);
            return Err(err.into());
        }
        for notification in conn.notifications_iter() {
            let notification = notification?;
            if notification.process_id != own {
                wake_for(&notifier, &notification.payload);
            }
        }
        if announced {
            drop(notifier);
            std::thread::sleep(ANNOUNCE_GAP);
        }
    }
}

/// One `NOTIFY` per [`PAYLOAD_LIMIT`] bytes of ids.
fn announce(conn: &mut PgConnection, ids: &BTreeSet<i32>) -> QueryResult<()> {
    for payload in payloads(ids) {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(conn)?;
    }
    Ok(())
}

fn payloads(ids: &BTreeSet<i32>) -> Vec<String> {
    let mut payloads: Vec<String> = Vec::new();
    for id in ids {
        match payloads.last_mut() {
            Some(last) if last.len() + LONGEST_ID < PAYLOAD_LIMIT => {
                last.push(',');
                last.push_str(&id.to_string());
            }
            _ => payloads.push(id.to_string()),
        }
    }
    payloads
}

/// Wakes the readers of each agency in `payload`; of all, if it is not a
/// list of ids (a newer instance's format: better too many wake-ups than none).
fn wake_for(notifier: &InboxNotifier, payload: &str) {
    let ids: Result<Vec<i32>, _> = payload.split(',').map(str::parse).collect();
    match ids {
        Ok(ids) => ids.into_iter().for_each(|id| notifier.wake(id)),
        Err(_) => notifier.wake_all(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_agencies_are_announced_in_payloads_postgresql_accepts() {
        let ids: BTreeSet<i32> = (1_000_000..1_002_000).collect();
        let sent = payloads(&ids);
        assert!(sent.len() > 1);
        assert!(sent.iter().all(|p| p.len() < 8000));
        let announced: BTreeSet<i32> = sent
            .iter()
            .flat_map(|p| p.split(',').map(|id| id.parse::<i32>().expect("an id")))
            .collect();
        assert_eq!(announced, ids);
        assert!(payloads(&BTreeSet::new()).is_empty());
    }

    #[test]
    fn an_announcement_wakes_the_readers_of_each_agency_in_it() {
        let notifier = InboxNotifier::new(false);
        let mut readers = notifier.subscribe();
        wake_for(&notifier, "3,17");
        wake_for(&notifier, "not ids");
        let woken: Vec<String> = std::iter::from_fn(|| readers.try_recv().ok())
            .map(|wake| format!("{wake:?}"))
            .collect();
        assert_eq!(woken, ["Agency(3)", "Agency(17)", "All"]);
    }
}
