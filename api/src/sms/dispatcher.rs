//! The outbox dispatcher: claims due messages in small batches (leases),
//! sends them concurrently, and records each result; failures are retried
//! with exponential backoff and jitter up to a maximum, then marked failed.
//!
//! Started by `chapar serve`, or alone as `chapar dispatch` (several may run
//! against one PostgreSQL). A dispatcher that dies mid-send leaves leased
//! messages that another takes over when the lease expires; the gateway sees
//! such a message twice only if the first attempt reached it but its answer
//! was lost, and then with the same stable id (`localid`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use rand::Rng;

use super::providers::{Outgoing, Provider};
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

    /// Claims one batch and sends it.
    pub async fn run_batch(&self, client: &awc::Client) -> Result<BatchReport, ApiError> {
        let (owner, limit, lease) = (self.owner.clone(), self.config.batch, self.config.lease);
        let claimed: Vec<NotificationRow> = self
            .db
            .write(move |conn| {
                let at = now();
                let until =
                    at + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(60));
                Ok(outbox::claim(conn, &owner, limit, at, until)?)
            })
            .await?;
        let mut report = BatchReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        // Policy per number, decided once for the whole batch so concurrent
        // sends cannot overrun the hourly cap together.
        let mut mobiles: Vec<String> = claimed.iter().map(|r| r.mobile.clone()).collect();
        mobiles.sort_unstable();
        mobiles.dedup();
        let cap = self.config.hourly_cap;
        let policy: HashMap<String, (bool, i64)> = self
            .db
            .run(move |conn| {
                let at = now();
                let mut policy = HashMap::new();
                for m in &mobiles {
                    let opted_out = outbox::is_opted_out(conn, m)?;
                    let left = cap - outbox::sent_last_hour(conn, m, at)?;
                    policy.insert(m.clone(), (opted_out, left));
                }
                Ok(policy)
            })
            .await?;
        let mut left: HashMap<String, i64> =
            policy.iter().map(|(m, (_, l))| (m.clone(), *l)).collect();
        let decisions: Vec<(NotificationRow, Policy)> = claimed
            .into_iter()
            .map(|row| {
                let opted_out = policy.get(&row.mobile).is_some_and(|(o, _)| *o);
                let decision = if opted_out {
                    Policy::OptedOut
                } else {
                    match left.get_mut(&row.mobile) {
                        Some(n) if *n > 0 => {
                            *n -= 1;
                            Policy::Send
                        }
                        _ => Policy::Capped,
                    }
                };
                (row, decision)
            })
            .collect();
        let results = join_all(
            decisions
                .into_iter()
                .map(|(row, policy)| self.deliver(client, row, policy)),
        )
        .await;
        for r in results {
            match r? {
                Delivered::Sent => report.sent += 1,
                Delivered::Retry => report.retried += 1,
                Delivered::Failed => report.failed += 1,
                Delivered::Postponed => report.postponed += 1,
                Delivered::Lost => {}
            }
        }
        Ok(report)
    }

    async fn deliver(
        &self,
        client: &awc::Client,
        row: NotificationRow,
        policy: Policy,
    ) -> Result<Delivered, ApiError> {
        let cap = self.config.hourly_cap;
        let attempt = row.attempts + 1;
        let started = Instant::now();
        let (outcome_kind, error, retry_at, accepted) = if policy == Policy::OptedOut {
            (
                Delivered::Failed,
                Some("the number has opted out of SMS".to_owned()),
                None,
                None,
            )
        } else if policy == Policy::Capped {
            (
                Delivered::Postponed,
                Some(format!("hourly cap of {cap} messages reached")),
                Some(now() + chrono::Duration::hours(1)),
                None,
            )
        } else {
            let msg = Outgoing {
                id: row.id,
                letter_id: row.letter_id,
                event_kind: row.event_kind.clone(),
                mobile: row.mobile.clone(),
                text: row.text.clone(),
            };
            let sent = match actix_web::rt::time::timeout(
                self.config.timeout,
                self.provider.send(client, &msg),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => Err(super::providers::SendError {
                    retryable: true,
                    message: format!(
                        "no answer from the gateway within {:?}",
                        self.config.timeout
                    ),
                }),
            };
            match sent {
                Ok(accepted) => (Delivered::Sent, None, None, Some(accepted)),
                Err(e) if e.retryable && attempt < self.config.max_attempts => {
                    let jitter: f64 = rand::thread_rng().gen();
                    let delay = shared::sms::backoff_ms(
                        attempt as u32,
                        self.config.backoff_base_ms,
                        self.config.backoff_max_ms,
                        jitter,
                    );
                    (
                        Delivered::Retry,
                        Some(e.message),
                        Some(now() + chrono::Duration::milliseconds(delay as i64)),
                        None,
                    )
                }
                Err(e) => (Delivered::Failed, Some(e.message), None, None),
            }
        };
        let duration_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
        let error_for_log = error.clone().unwrap_or_default();
        let owner = self.owner.clone();
        let id = row.id;
        let recorded = self
            .db
            .write(move |conn| {
                let error = error.as_deref().unwrap_or_default();
                let outcome = match (&outcome_kind, &accepted) {
                    (Delivered::Sent, Some(a)) => Outcome::Sent {
                        provider_message_id: a.provider_message_id.as_deref(),
                        provider_status: a.provider_status.as_deref(),
                    },
                    (Delivered::Retry, _) => Outcome::Retry {
                        error,
                        at: retry_at.unwrap_or_else(now),
                    },
                    (Delivered::Postponed, _) => Outcome::Postpone {
                        reason: error,
                        at: retry_at.unwrap_or_else(now),
                    },
                    _ => Outcome::Failed { error },
                };
                Ok(outbox::record(
                    conn,
                    id,
                    &owner,
                    attempt,
                    outcome,
                    now(),
                    duration_ms,
                )?)
            })
            .await?;
        if !recorded {
            tracing::warn!(id, "SMS lease lost before the result was recorded");
            return Ok(Delivered::Lost);
        }
        match outcome_kind {
            Delivered::Sent => tracing::debug!(id, attempt, "SMS sent"),
            other => {
                tracing::info!(id, attempt, outcome = ?other, error = %error_for_log, "SMS not sent")
            }
        }
        if let Some(m) = &self.metrics {
            m.sms(match outcome_kind {
                Delivered::Sent => "sent",
                Delivered::Retry => "retry",
                Delivered::Failed => "failed",
                Delivered::Postponed => "postponed",
                Delivered::Lost => "lost",
            });
        }
        Ok(outcome_kind)
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delivered {
    Sent,
    Retry,
    Failed,
    Postponed,
    /// The lease expired meanwhile; another dispatcher owns the message.
    Lost,
}
