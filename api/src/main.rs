//! `chapar`: the Chapar server and its administration commands.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use chapar::config::{DatabaseArgs, LogFormat, ServeArgs};
use chapar::db::Db;
use chapar::{build_app, telemetry, AppState};

#[derive(Parser)]
#[command(
    name = "chapar",
    version,
    about = "Chapar: government correspondence through the service counter offices"
)]
struct Cli {
    /// Log format.
    #[arg(
        long,
        env = "CHAPAR_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API and the SPA.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Print the OpenAPI document (YAML), or write it to a file.
    Openapi {
        /// File to write; standard output when absent.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Migrate(args) => {
            Db::connect(&args.database_url, 1)?;
            tracing::info!("migrations are up to date");
            Ok(())
        }
        Command::Openapi { output } => {
            let yaml = chapar::openapi::spec_yaml()?;
            match output {
                Some(path) => std::fs::write(&path, yaml)
                    .with_context(|| format!("cannot write {}", path.display())),
                None => {
                    print!("{yaml}");
                    Ok(())
                }
            }
        }
    }
}

#[actix_web::main]
async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.data_dir)
        .with_context(|| format!("cannot create data dir {}", args.data_dir.display()))?;
    let db = Db::connect(&args.database.database_url, args.database.db_pool_size)?;
    let static_dir = args
        .static_dir
        .join("index.html")
        .is_file()
        .then(|| args.static_dir.clone());
    match &static_dir {
        Some(dir) => tracing::info!(dir = %dir.display(), "serving the SPA"),
        None => tracing::warn!(
            dir = %args.static_dir.display(),
            "no SPA build found (run `cargo xtask run`); serving the API only"
        ),
    }
    let state = AppState::new(db, static_dir);
    let mut server = actix_web::HttpServer::new(move || build_app(state.clone()));
    if let Some(workers) = args.workers {
        server = server.workers(workers);
    }
    let server = server
        .bind(&args.bind)
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    for addr in server.addrs() {
        tracing::info!("Chapar is listening on http://{addr}");
    }
    server.run().await?;
    Ok(())
}
