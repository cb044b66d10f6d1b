//! Server configuration: one struct, read from flags with environment
//! fallbacks. Every variable is listed in the README's configuration table.

use std::path::PathBuf;

/// Where the database lives; shared by every sub-command that touches it.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite://data/chapar.db` (relative), `sqlite:///abs/path.db` or `postgres://user:pass@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/chapar.db")]
    pub database_url: String,
    /// Most connections the pool keeps open.
    #[arg(long, env = "CHAPAR_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
    /// Longest wait for a pooled connection, in milliseconds, before a
    /// request is answered 503 with `Retry-After`.
    #[arg(long, env = "CHAPAR_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 800)]
    pub db_acquire_timeout_ms: u64,
    /// PostgreSQL hot standbys (comma-separated URLs) that serve public
    /// tracking, letter lists and searches and the dashboard; writes and a
    /// caller's reads of its own recent writes stay on the primary.
    #[arg(long, env = "CHAPAR_READ_DATABASE_URL", value_delimiter = ',')]
    pub read_database_url: Vec<String>,
}

impl DatabaseArgs {
    /// The pool these settings describe, with `max_size` connections at most.
    pub fn connect(&self, max_size: u32) -> anyhow::Result<crate::db::Db> {
        crate::db::Db::connect_with(
            &self.database_url,
            max_size,
            std::time::Duration::from_millis(self.db_acquire_timeout_ms),
        )?
        .with_standbys(&self.read_database_url, max_size)
    }
}

/// `chapar serve` settings.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CHAPAR_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Directory for files the server keeps (keys, attachments).
    #[arg(long, env = "CHAPAR_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Directory of the built SPA (`index.html`, wasm); not served when absent.
    #[arg(long, env = "CHAPAR_STATIC_DIR", default_value = "web/dist")]
    pub static_dir: PathBuf,
    /// Worker threads of the HTTP server (default: one per core).
    #[arg(long, env = "CHAPAR_WORKERS")]
    pub workers: Option<usize>,
    /// Seed demo data (agencies, offices, users, API clients) into an empty
    /// database and print the demo logins.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub sms: crate::sms::SmsArgs,
    /// Do not run the SMS dispatcher in this process (run `chapar dispatch`
    /// separately instead).
    #[arg(long, env = "CHAPAR_NO_DISPATCHER")]
    pub no_dispatcher: bool,
    /// Largest attachment, in bytes.
    #[arg(long, env = "CHAPAR_ATTACHMENT_MAX_BYTES", default_value_t = 10 * 1024 * 1024)]
    pub attachment_max_bytes: u64,
    /// Most attachments a letter (or an answer) may have.
    #[arg(long, env = "CHAPAR_ATTACHMENT_MAX_FILES", default_value_t = 10)]
    pub attachment_max_files: i64,
    #[command(flatten)]
    pub s3: S3Args,
    /// The address applicants use (tracking links in SMS).
    #[arg(
        long,
        env = "CHAPAR_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Public tracking lookups allowed per client IP per minute.
    #[arg(long, env = "CHAPAR_TRACKING_PER_IP_PER_MINUTE", default_value_t = 30)]
    pub tracking_per_ip_per_minute: u32,
    /// Public tracking lookups allowed per tracking code per minute (bounds
    /// guessing the national code of a known tracking code).
    #[arg(
        long,
        env = "CHAPAR_TRACKING_PER_CODE_PER_MINUTE",
        default_value_t = 10
    )]
    pub tracking_per_code_per_minute: u32,
    /// Load balancers or reverse proxies (addresses or CIDR networks,
    /// comma-separated) whose `X-Forwarded-For` names the client for per-IP
    /// rate limits; nobody's by default.
    #[arg(long, env = "CHAPAR_TRUSTED_PROXIES", default_value = "", value_parser = crate::client_ip::TrustedProxies::parse)]
    pub trusted_proxies: crate::client_ip::TrustedProxies,
}

/// An S3-compatible bucket for attachments (AWS, MinIO, Ceph, ArvanCloud…).
/// Without a bucket, attachments stay in `<data dir>/attachments`.
#[derive(Clone, clap::Args)]
pub struct S3Args {
    /// Bucket for attachment bytes; setting it switches storage to S3. The
    /// bucket must exist: the server checks it can reach it at start.
    #[arg(long, env = "CHAPAR_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// Endpoint of an S3-compatible service, e.g. `https://s3.example.ir` or
    /// `http://127.0.0.1:9000`; path-style requests. Omit for AWS itself.
    #[arg(long, env = "CHAPAR_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// Region (most S3-compatible services accept the default).
    #[arg(long, env = "CHAPAR_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// Access key id; without it the standard `AWS_*` variables apply.
    #[arg(long, env = "CHAPAR_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// Secret access key.
    #[arg(long, env = "CHAPAR_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Key prefix inside the bucket, so that one bucket can serve several
    /// installations.
    #[arg(long, env = "CHAPAR_S3_PREFIX", default_value = "attachments")]
    pub s3_prefix: String,
}

impl std::fmt::Debug for S3Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        S3Settings::from_args(self).fmt(f)
    }
}

/// Where attachment bytes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageSettings {
    /// `<data dir>/attachments` on the local disk (the embedded default).
    Local,
    /// An S3-compatible bucket.
    S3(S3Settings),
}

/// A resolved S3 configuration; its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub prefix: String,
}

impl S3Settings {
    fn from_args(args: &S3Args) -> Option<S3Settings> {
        let bucket = args.s3_bucket.as_deref().map(str::trim).unwrap_or("");
        (!bucket.is_empty()).then(|| S3Settings {
            bucket: bucket.to_owned(),
            endpoint: args.s3_endpoint.clone().filter(|e| !e.trim().is_empty()),
            region: args.s3_region.clone(),
            access_key_id: args.s3_access_key_id.clone().filter(|k| !k.is_empty()),
            secret_access_key: args.s3_secret_access_key.clone().filter(|k| !k.is_empty()),
            prefix: args.s3_prefix.trim_matches('/').to_owned(),
        })
    }
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl From<&S3Args> for StorageSettings {
    fn from(args: &S3Args) -> StorageSettings {
        S3Settings::from_args(args).map_or(StorageSettings::Local, StorageSettings::S3)
    }
}

/// Token and login settings.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// JWT signing secret (at least 32 characters) shared by all instances;
    /// by default a key is generated once in `<data dir>/jwt-keys/`.
    #[arg(long, env = "CHAPAR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key id (`kid`) of `CHAPAR_JWT_SECRET`; change it when rotating.
    #[arg(long, env = "CHAPAR_JWT_KID", default_value = "env")]
    pub jwt_kid: String,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "CHAPAR_ACCESS_TTL_SECS", default_value_t = 900)]
    pub access_ttl_secs: i64,
    /// Lifetime of refresh tokens, in days.
    #[arg(long, env = "CHAPAR_REFRESH_TTL_DAYS", default_value_t = 14)]
    pub refresh_ttl_days: i64,
    /// Login/token attempts allowed per client IP per minute.
    #[arg(long, env = "CHAPAR_LOGIN_PER_IP_PER_MINUTE", default_value_t = 30)]
    pub login_per_ip_per_minute: u32,
    /// Login/token attempts allowed per username or client id per minute.
    #[arg(long, env = "CHAPAR_LOGIN_PER_NAME_PER_MINUTE", default_value_t = 10)]
    pub login_per_name_per_minute: u32,
}

/// Everything the app needs at run time, independent of how it was read
/// (flags, environment, or a test's defaults).
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub static_dir: Option<PathBuf>,
    pub jwt_secret: Option<String>,
    pub jwt_kid: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    pub login_per_ip_per_minute: u32,
    pub login_per_name_per_minute: u32,
    /// Password hashes computed at once (each takes ~19 MiB and one core).
    pub hash_concurrency: usize,
    pub attachment_max_bytes: u64,
    pub attachment_max_files: i64,
    pub storage: StorageSettings,
    pub tracking_per_ip_per_minute: u32,
    pub tracking_per_code_per_minute: u32,
    pub trusted_proxies: crate::client_ip::TrustedProxies,
}

impl Settings {
    /// Defaults of the embedded mode, with files under `data_dir`.
    pub fn new(data_dir: PathBuf) -> Settings {
        Settings {
            data_dir,
            static_dir: None,
            jwt_secret: None,
            jwt_kid: "env".into(),
            access_ttl_secs: 900,
            refresh_ttl_days: 14,
            login_per_ip_per_minute: 30,
            login_per_name_per_minute: 10,
            hash_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            attachment_max_bytes: 10 * 1024 * 1024,
            attachment_max_files: 10,
            storage: StorageSettings::Local,
            tracking_per_ip_per_minute: 30,
            tracking_per_code_per_minute: 10,
            trusted_proxies: Default::default(),
        }
    }

    pub fn from_serve_args(args: &ServeArgs, static_dir: Option<PathBuf>) -> Settings {
        Settings {
            static_dir,
            jwt_secret: args.auth.jwt_secret.clone(),
            jwt_kid: args.auth.jwt_kid.clone(),
            access_ttl_secs: args.auth.access_ttl_secs,
            refresh_ttl_days: args.auth.refresh_ttl_days,
            login_per_ip_per_minute: args.auth.login_per_ip_per_minute,
            login_per_name_per_minute: args.auth.login_per_name_per_minute,
            attachment_max_bytes: args.attachment_max_bytes,
            attachment_max_files: args.attachment_max_files,
            storage: (&args.s3).into(),
            tracking_per_ip_per_minute: args.tracking_per_ip_per_minute,
            tracking_per_code_per_minute: args.tracking_per_code_per_minute,
            trusted_proxies: args.trusted_proxies.clone(),
            ..Settings::new(args.data_dir.clone())
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}
