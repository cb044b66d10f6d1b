//! Wakes long-polling inbox readers when a delivery is committed.
//!
//! In-process: a broadcast of agency ids. Waiting readers hold no database
//! connection and no blocking thread, only this subscription. With several
//! API instances (PostgreSQL), a reader is not woken by a delivery committed
//! on another instance; it re-checks every [`RECHECK_SECS`] instead, so such
//! a delivery is seen within that time.

use std::time::Duration;

use tokio::sync::broadcast;

pub const RECHECK_SECS: u64 = 2;

pub struct InboxNotifier {
    sender: broadcast::Sender<i32>,
}

impl Default for InboxNotifier {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(1024);
        InboxNotifier { sender }
    }
}

impl InboxNotifier {
    /// Call after the transaction that delivered to `agency_id` committed.
    pub fn delivered(&self, agency_id: i32) {
        let _ = self.sender.send(agency_id);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<i32> {
        self.sender.subscribe()
    }

    /// Waits until a delivery to `agency_id`, the re-check interval, or
    /// `deadline` — whichever comes first.
    pub async fn wait(receiver: &mut broadcast::Receiver<i32>, agency_id: i32, max: Duration) {
        let wait = max.min(Duration::from_secs(RECHECK_SECS));
        let _ = tokio::time::timeout(wait, async {
            loop {
                match receiver.recv().await {
                    Ok(id) if id == agency_id => return,
                    Ok(_) => continue,
                    // Missed some messages: one of them may have been ours.
                    Err(broadcast::error::RecvError::Lagged(_)) => return,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        })
        .await;
    }
}
