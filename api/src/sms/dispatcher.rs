//! The outbox dispatcher: claims due messages in small batches (leases),
//! sends them concurrently, and records the batch's results in one
//! transaction (one commit per batch, not per message); failures are retried
//! with exponential backoff and jitter up to a maximum, then marked failed.
//!
//! Started by `chapar serve`, or alone as `chapar dispatch` (several may run
//! against one PostgreSQL). A dispatcher that dies mid-send leaves leased
//! messages that another takes over when the lease expires; the gateway sees
//! such a message twice only if the first attempt reached it but its answer
//! was lost, and then with the same stable id (`localid`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use rand::Rng;

use super::providers::{Accepted, Outgoing, Provider, SendError};
use super::SmsConfig;
use crate::db::directory::now;
use crate::db::letters::NotificationRow;
use crate::db::notifications::{self as outbox, Outcome};
use crate::db::Db;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// How often delivery reports are asked for.
const REPORT_EVERY: Duration = Duration::from_secs(30);

pub struct Dispatcher {
    db: Db,
    provider: Provider,
    config: SmsConfig,
    /// Identifies this dispatcher's leases.
    owner: String,
    metrics: Option<Arc<Metrics>>,
}

/// Counts of one batch.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BatchReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub postponed: usize,
}

impl Dispatcher {
    pub fn new(
        db: Db,
        provider: Provider,
        config: SmsConfig,
        metrics: Option<Arc<Metrics>>,
    ) -> Self {
        let owner = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
            std::process::id(),
            crate::auth::secrets::random_token(4)
        );
        Dispatcher {
            db,
            provider,
            config,
            owner,
            metrics,
        }
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Runs until the process ends.
    pub async fn run(self) {
        tracing::info!(provider = self.provider.name(), owner = %self.owner, "SMS dispatcher started");
        // The dispatcher's own timeout (below) is the one that counts; the client's is a backstop.
        let client = super::providers::http_client(self.config.timeout + Duration::from_secs(1));
        let mut last_report = Instant::now();
        loop {
            match self.run_batch(&client).await {
                Ok(report) if report.claimed > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "SMS dispatcher: batch failed"),
            }
            if last_report.elapsed() >= REPORT_EVERY {
                last_report = Instant::now();
                match self
                    .db
                    .write(|conn| crate::workflow::notify_overdue(conn, 200))
                    .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "overdue notices queued"),
                    Err(e) => tracing::warn!(error = %e, "overdue notices failed"),
                }
                if let Err(e) = self.fetch_reports(&client).await {
                    tracing::warn!(error = %self.provider.scrub(&e.to_string()), "SMS delivery reports failed");
                }
            }
            actix_web::rt::time::sleep(self.config.poll).await;
        }
    }

    /// Claims one batch, sends it, and records the results together.
    pub async fn run_batch(&self, client: &awc::Client) -> Result<BatchReport, ApiError> {
        let claimed = self.claim().await?;
        let mut report = BatchReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        if claimed.is_empty() {
            return Ok(report);
        }
        let decisions = self.decide(claimed).await?;
        let attempts = join_all(
            decisions
                .into_iter()
                .map(|(row, policy)| self.attempt(client, row, policy)),
        )
        .await;
        let (attempts, kept) = self.record(attempts).await?;
        for (attempt, kept) in attempts.iter().zip(kept) {
            // Not kept: the lease expired meanwhile, another dispatcher owns the message.
            let recorded = kept.then_some(&attempt.outcome);
            self.observe(attempt, recorded);
            match recorded {
                Some(Outcome::Sent { .. }) => report.sent += 1,
                Some(Outcome::Retry { .. }) => report.retried += 1,
                Some(Outcome::Failed { .. }) => report.failed += 1,
                Some(Outcome::Postpone { .. }) => report.postponed += 1,
                None => {}
            }
        }
        Ok(report)
    }

    /// Leases up to a batch of due messages to this dispatcher.
    async fn claim(&self) -> Result<Vec<NotificationRow>, ApiError> {
        let (owner, limit, lease) = (self.owner.clone(), self.config.batch, self.config.lease);
        self.db
            .write(move |conn| {
                let at = now();
                let until =
                    at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
                Ok(outbox::claim(conn, &owner, limit, at, until)?)
            })
            .await
    }

    /// What each message's number allows: decided once for the whole batch
    /// (two queries), so concurrent sends cannot overrun the hourly cap
    /// together.
    async fn decide(
        &self,
        claimed: Vec<NotificationRow>,
    ) -> Result<Vec<(NotificationRow, Policy)>, ApiError> {
        let mut mobiles: Vec<String> = claimed.iter().map(|r| r.mobile.clone()).collect();
        mobiles.sort_unstable();
        mobiles.dedup();
        let (opted_out, mut sent) = self
            .db
            .run(move |conn| {
                Ok((
                    outbox::opted_out_among(conn, &mobiles)?,
                    outbox::sent_last_hour(conn, &mobiles, now())?,
                ))
            })
            .await?;
        let cap = self.config.hourly_cap;
        Ok(claimed
            .into_iter()
            .map(|row| {
                let decision = if opted_out.contains(&row.mobile) {
                    Policy::OptedOut
                } else {
                    let sent = sent.entry(row.mobile.clone()).or_default();
                    if *sent < cap {
                        *sent += 1;
                        Policy::Send
                    } else {
                        Policy::Capped
                    }
                };
                (row, decision)
            })
            .collect())
    }

    /// Sends one message as `policy` allows (nothing is written yet).
    async fn attempt(
        &self,
        client: &awc::Client,
        row: NotificationRow,
        policy: Policy,
    ) -> outbox::Attempt {
        let started = Instant::now();
        let (id, attempt) = (row.id, row.attempts + 1);
        let outcome = match policy {
            Policy::OptedOut => Outcome::Failed {
                error: "the number has opted out of SMS".to_owned(),
            },
            Policy::Capped => Outcome::Postpone {
                reason: format!("hourly cap of {} messages reached", self.config.hourly_cap),
                at: now() + chrono::Duration::hours(1),
            },
            Policy::Send => match self.send(client, row).await {
                Ok(accepted) => Outcome::Sent {
                    provider_message_id: accepted.provider_message_id,
                    provider_status: accepted.provider_status,
                },
                Err(e) if e.retryable && attempt < self.config.max_attempts => {
                    let jitter: f64 = rand::thread_rng().gen();
                    let delay = shared::sms::backoff_ms(
                        attempt as u32,
                        self.config.backoff_base_ms,
                        self.config.backoff_max_ms,
                        jitter,
                    );
                    Outcome::Retry {
                        error: e.message,
                        at: now() + chrono::Duration::milliseconds(delay as i64),
                    }
                }
                Err(e) => Outcome::Failed { error: e.message },
            },
        };
        outbox::Attempt {
            id,
            attempt,
            outcome,
            duration_ms: started.elapsed().as_millis().min(i32::MAX as u128) as i32,
        }
    }

    /// One message to the gateway, within the dispatcher's timeout.
    async fn send(
        &self,
        client: &awc::Client,
        row: NotificationRow,
    ) -> Result<Accepted, SendError> {
        let msg = Outgoing {
            id: row.id,
            letter_id: row.letter_id,
            event_kind: row.event_kind,
            mobile: row.mobile,
            text: row.text,
        };
        actix_web::rt::time::timeout(self.config.timeout, self.provider.send(client, &msg))
            .await
            .unwrap_or_else(|_| {
                Err(SendError {
                    retryable: true,
                    message: format!(
                        "no answer from the gateway within {:?}",
                        self.config.timeout
                    ),
                })
            })
    }

    /// Records the batch's attempts in one transaction; hands them back
    /// with, for each, whether this dispatcher still held its lease.
    async fn record(
        &self,
        attempts: Vec<outbox::Attempt>,
    ) -> Result<(Vec<outbox::Attempt>, Vec<bool>), ApiError> {
        let owner = self.owner.clone();
        self.db
            .write(move |conn| {
                let kept = outbox::record_all(conn, &owner, &attempts, now())?;
                Ok((attempts, kept))
            })
            .await
    }

    /// Logs and counts one attempt: its outcome as recorded, or none when
    /// its lease was lost before it could be.
    fn observe(&self, tried: &outbox::Attempt, recorded: Option<&Outcome>) {
        let (id, attempt) = (tried.id, tried.attempt);
        match recorded {
            Some(Outcome::Sent { .. }) => tracing::debug!(id, attempt, "SMS sent"),
            None => tracing::warn!(id, "SMS lease lost before the result was recorded"),
            Some(other) => {
                let error = other.error().unwrap_or_default();
                tracing::info!(id, attempt, outcome = other.label(), error = %error, "SMS not sent")
            }
        }
        if let Some(m) = &self.metrics {
            m.sms(recorded.map_or("lost", Outcome::label));
        }
    }

    /// Asks the gateway what became of recently sent messages.
    pub async fn fetch_reports(&self, client: &awc::Client) -> Result<usize, ApiError> {
        let pending = self
            .db
            .run(|conn| {
                Ok(outbox::awaiting_report(
                    conn,
                    now() - chrono::Duration::days(2),
                    100,
                )?)
            })
            .await?;
        if pending.is_empty() {
            return Ok(0);
        }
        let ids: Vec<String> = pending.into_iter().map(|(_, id)| id).collect();
        let reports = self
            .provider
            .reports(client, &ids)
            .await
            .map_err(ApiError::Unavailable)?;
        let updates: Vec<_> = reports.into_iter().filter(|r| r.status.is_some()).collect();
        let count = updates.len();
        self.db
            .write(move |conn| {
                for r in &updates {
                    outbox::set_delivery(
                        conn,
                        &r.provider_message_id,
                        r.status.unwrap_or("delivered"),
                        &r.provider_status,
                        now(),
                    )?;
                }
                Ok(())
            })
            .await?;
        Ok(count)
    }
}

/// What the number's settings allow for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    Send,
    OptedOut,
    Capped,
}
