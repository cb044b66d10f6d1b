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
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}
