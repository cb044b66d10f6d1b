//! SMS to applicants: the providers that send, and the dispatcher that works
//! through the outbox (`notifications`), which every workflow step fills in
//! the same transaction as the step itself.

pub mod dispatcher;
pub mod providers;

use std::time::Duration;

/// How SMS are sent; read from flags and the environment (`chapar serve`,
/// `chapar dispatch`).
#[derive(Debug, Clone, clap::Args)]
pub struct SmsArgs {
    /// `log` (writes messages to the log; the embedded default), `kavenegar` or `webhook`.
    #[arg(long, env = "CHAPAR_SMS_PROVIDER", default_value = "log")]
    pub sms_provider: String,
    /// Kavenegar API key (never logged).
    #[arg(long, env = "CHAPAR_KAVENEGAR_API_KEY", hide_env_values = true)]
    pub kavenegar_api_key: Option<String>,
    /// Kavenegar sender line number.
    #[arg(long, env = "CHAPAR_KAVENEGAR_SENDER")]
    pub kavenegar_sender: Option<String>,
    #[arg(
        long,
        env = "CHAPAR_KAVENEGAR_BASE_URL",
        default_value = "https://api.kavenegar.com"
    )]
    pub kavenegar_base_url: String,
    /// Generic gateway: JSON is POSTed here, signed with HMAC-SHA256.
    #[arg(long, env = "CHAPAR_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<String>,
    #[arg(long, env = "CHAPAR_SMS_WEBHOOK_SECRET", hide_env_values = true)]
    pub sms_webhook_secret: Option<String>,
    /// Attempts before a message is marked failed.
    #[arg(long, env = "CHAPAR_SMS_MAX_ATTEMPTS", default_value_t = 8)]
    pub sms_max_attempts: i32,
    /// First retry delay; doubles per attempt (with jitter).
    #[arg(long, env = "CHAPAR_SMS_BACKOFF_BASE_MS", default_value_t = 5_000)]
    pub sms_backoff_base_ms: u64,
    #[arg(long, env = "CHAPAR_SMS_BACKOFF_MAX_MS", default_value_t = 15 * 60 * 1000)]
    pub sms_backoff_max_ms: u64,
    /// How long a claimed message is reserved for the dispatcher that claimed it.
    #[arg(long, env = "CHAPAR_SMS_LEASE_SECS", default_value_t = 60)]
    pub sms_lease_secs: i64,
    /// Messages claimed (and sent concurrently) at a time.
    #[arg(long, env = "CHAPAR_SMS_BATCH", default_value_t = 20)]
    pub sms_batch: i64,
    /// Timeout of one request to the gateway.
    #[arg(long, env = "CHAPAR_SMS_TIMEOUT_SECS", default_value_t = 10)]
    pub sms_timeout_secs: u64,
    /// Most messages one number gets per hour (later ones wait).
    #[arg(long, env = "CHAPAR_SMS_HOURLY_CAP", default_value_t = 20)]
    pub sms_hourly_cap: i64,
    /// Pause between empty polls of the outbox.
    #[arg(long, env = "CHAPAR_SMS_POLL_MS", default_value_t = 500)]
    pub sms_poll_ms: u64,
}

/// The dispatcher's settings, independent of how they were read.
#[derive(Debug, Clone)]
pub struct SmsConfig {
    pub max_attempts: i32,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    pub lease: Duration,
    pub batch: i64,
    pub timeout: Duration,
    pub hourly_cap: i64,
    pub poll: Duration,
}

impl From<&SmsArgs> for SmsConfig {
    fn from(a: &SmsArgs) -> Self {
        SmsConfig {
            max_attempts: a.sms_max_attempts.max(1),
            backoff_base_ms: a.sms_backoff_base_ms,
            backoff_max_ms: a.sms_backoff_max_ms,
            lease: Duration::from_secs(a.sms_lease_secs.max(1) as u64),
            batch: a.sms_batch.clamp(1, 500),
            timeout: Duration::from_secs(a.sms_timeout_secs.max(1)),
            hourly_cap: a.sms_hourly_cap.max(1),
            poll: Duration::from_millis(a.sms_poll_ms.max(10)),
        }
    }
}

/// The address applicants open to track a letter (`{url}` in SMS texts).
/// Set once at start-up from `CHAPAR_PUBLIC_URL`; read where SMS are written,
/// deep inside workflow transactions that have no other reason to see config.
static PUBLIC_URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_owned());
}

/// The public tracking link of a tracking code.
pub fn tracking_link(tracking_code: &str) -> String {
    let base = PUBLIC_URL
        .get()
        .map(String::as_str)
        .unwrap_or("http://127.0.0.1:8080");
    format!("{base}/track?code={tracking_code}")
}
