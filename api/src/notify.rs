//! Wakes long-polling inbox readers when a delivery is committed.
//!
//! In-process: a broadcast of agency ids. Waiting readers hold no database
//! connection and no blocking thread, only this subscription. On PostgreSQL
//! every instance also listens on the `chapar_inbox` channel, which a
//! trigger on `deliveries` notifies on commit (migration 000012), so a
//! delivery committed on another instance wakes readers here too
//! ([`listen_postgres`]). Readers still re-check every [`RECHECK_SECS`], a
//! net for a notification lost while the listener reconnects.

use std::sync::Weak;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use tokio::sync::broadcast;

pub const RECHECK_SECS: u64 = 2;
/// The PostgreSQL channel the deliveries trigger notifies (payload: agency id).
pub const CHANNEL: &str = "chapar_inbox";
/// How often the listener looks for notifications: diesel's libpq
/// connection offers no socket to await, so the listener thread reads what
/// has arrived (a non-blocking read) this often.
const LISTEN_POLL: Duration = Duration::from_millis(20);
/// The wait before reconnecting after the database went away.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

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
}

impl Default for InboxNotifier {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        InboxNotifier { sender }
    }
}

pub type Subscription = broadcast::Receiver<Wake>;

impl InboxNotifier {
    /// Call after the transaction that delivered to `agency_id` committed.
    pub fn delivered(&self, agency_id: i32) {
        let _ = self.sender.send(Wake::Agency(agency_id));
    }

    fn wake_all(&self) {
        let _ = self.sender.send(Wake::All);
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

/// Starts the thread that hands the deliveries committed on any instance
/// (PostgreSQL `LISTEN`) to `notifier`, with a connection of its own that it
/// re-opens after an outage. The thread ends when the notifier is dropped.
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

/// Listens until the connection breaks (`Err`) or the notifier is gone (`Ok`).
fn listen_until_broken(url: &str, notifier: &Weak<InboxNotifier>) -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(url)?;
    conn.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    // Anything committed while we were not listening has not been announced.
    if let Some(notifier) = notifier.upgrade() {
        notifier.wake_all();
    }
    loop {
        let Some(notifier) = notifier.upgrade() else {
            return Ok(());
        };
        for notification in conn.notifications_iter() {
            match notification?.payload.parse() {
                Ok(agency_id) => notifier.delivered(agency_id),
                Err(_) => notifier.wake_all(),
            }
        }
        drop(notifier);
        std::thread::sleep(LISTEN_POLL);
    }
}
