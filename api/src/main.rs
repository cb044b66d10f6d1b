//! `chapar`: the Chapar server and its administration commands.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use chapar::config::{DatabaseArgs, LogFormat, ServeArgs, Settings};
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

// Parsed once at start-up: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API and the SPA.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Create an administrator (for the first login of a new installation).
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// Shown name; the username when absent.
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (first line); otherwise from
        /// `CHAPAR_ADMIN_PASSWORD`.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Run only the SMS dispatcher (e.g. as a separate worker process).
    Dispatch {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        sms: chapar::sms::SmsArgs,
    },
    /// Remove attachment objects that no attachment row names (left by a
    /// crash between storing a file and recording it). `chapar serve` also
    /// does this every 6 hours.
    SweepAttachments {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Directory of the local attachment store (`<data dir>/attachments`).
        #[arg(long, env = "CHAPAR_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        #[command(flatten)]
        s3: chapar::config::S3Args,
        /// Only objects older than this are considered (uploads in progress
        /// are never touched).
        #[arg(long, default_value_t = 24)]
        min_age_hours: i64,
        /// Report the orphans, remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Fill an empty database with a year of realistic history (the demo
    /// province grown to 50 agencies and 505 offices, and N letters), for
    /// benchmarks and trials at volume.
    Seed {
        /// How many letters.
        #[arg(long, default_value_t = 10_000)]
        letters: usize,
        /// Seed of the random generator (the same seed, the same data).
        #[arg(long, default_value_t = 1405)]
        random_seed: u64,
        /// Tracking link base written into the seeded SMS texts.
        #[arg(
            long,
            env = "CHAPAR_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Copy the SQLite database, consistently, while the server runs (for
    /// PostgreSQL use pg_basebackup and WAL archiving).
    Backup {
        /// The new file to write (never overwritten).
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
    },
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
        Command::CreateAdmin {
            username,
            display_name,
            password_stdin,
            database,
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var("CHAPAR_ADMIN_PASSWORD")
                    .context("give the password with --password-stdin or CHAPAR_ADMIN_PASSWORD")?
            };
            let db = Db::connect(&database.database_url, 1)?;
            let mut conn = db.pool().get()?;
            let user = chapar::admin::create_admin(
                &mut conn,
                &username,
                display_name.as_deref(),
                &password,
            )
            .map_err(|e| anyhow::anyhow!("{}", chapar::admin::describe_error(&e)))?;
            println!("created administrator `{}` (id {})", user.username, user.id);
            Ok(())
        }
        Command::Dispatch { database, sms } => dispatch(database, sms),
        Command::Seed {
            letters,
            random_seed,
            public_url,
            database,
        } => {
            chapar::sms::set_public_url(&public_url);
            let db = Db::connect(&database.database_url, 1)?;
            let mut conn = db.pool().get()?;
            let report = chapar::seed::seed(&mut conn, letters, random_seed)
                .map_err(|e| anyhow::anyhow!("seeding failed: {e}"))?;
            println!(
                "seeded {} letters ({} events, {} deliveries, {} SMS, {} attachment rows) in {:.1} s",
                report.letters,
                report.events,
                report.deliveries,
                report.notifications,
                report.attachments,
                report.seconds
            );
            Ok(())
        }
        Command::SweepAttachments {
            database,
            data_dir,
            s3,
            min_age_hours,
            dry_run,
        } => sweep_attachments(database, data_dir, s3, min_age_hours, dry_run),
        Command::Backup { to, database } => {
            let backup = chapar::db::backup_sqlite(&database.database_url, &to)?;
            println!(
                "backed up to {} ({} bytes) in {:.1} s",
                to.display(),
                backup.bytes,
                backup.seconds
            );
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
    let db = args.database.connect(args.database.db_pool_size)?;
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
    if args.demo {
        let mut conn = db.pool().get()?;
        match chapar::demo::seed_if_empty(&mut conn) {
            Ok(Some(data)) => println!("{}", chapar::demo::describe(&data)),
            Ok(None) => println!(
                "\nThe database already has data; demo data was not seeded. Demo accounts, if seeded \
                 earlier, use the password `{}`.\n",
                chapar::demo::DEMO_PASSWORD
            ),
            Err(e) => anyhow::bail!("seeding demo data failed: {e}"),
        }
    }
    chapar::sms::set_public_url(&args.public_url);
    let settings = Settings::from_serve_args(&args, static_dir);
    let provider = chapar::sms::providers::Provider::from_args(&args.sms)?;
    let state = AppState::new(db, &settings)?;
    state.storage.check().await?;
    match &settings.storage {
        chapar::config::StorageSettings::Local => {}
        chapar::config::StorageSettings::S3(s3) => {
            tracing::info!(bucket = %s3.bucket, prefix = %s3.prefix, "attachments go to S3")
        }
    }
    if args.no_dispatcher {
        tracing::info!("SMS dispatcher not started here (--no-dispatcher)");
    } else {
        let dispatcher = chapar::sms::dispatcher::Dispatcher::new(
            state.db.clone(),
            provider,
            (&args.sms).into(),
            Some(state.metrics.clone()),
        );
        actix_web::rt::spawn(dispatcher.run());
    }
    actix_web::rt::spawn(sweep_orphans_periodically(state.clone()));
    actix_web::rt::spawn(sweep_idempotency_keys_periodically(state.clone()));
    if state.db.backend() == chapar::db::Backend::Postgres {
        actix_web::rt::spawn(sweep_rate_limits_periodically(state.clone()));
        actix_web::rt::spawn(fold_pending_counts_periodically(state.clone()));
    }
    actix_web::rt::spawn(prune_report_rows_periodically(state.clone()));
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

/// Every 6 hours (first 10 minutes after start), removes attachment objects
/// older than a day that no row names. Several instances may do this at once:
/// removing an object twice is harmless.
async fn sweep_orphans_periodically(state: chapar::AppState) {
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(600),
        std::time::Duration::from_secs(6 * 3600),
    );
    loop {
        ticks.tick().await;
        match state
            .storage
            .sweep_orphans(&state.db, chrono::Duration::hours(24), false)
            .await
        {
            Ok(report) if report.orphans > 0 => tracing::info!(
                examined = report.examined,
                orphans = report.orphans,
                removed = report.deleted,
                "orphan attachment objects removed"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "orphan attachment sweep failed"),
        }
    }
}

/// Every hour (first a minute after start), removes idempotency keys past
/// their keeping time. Harmless when several instances do it at once.
async fn sweep_idempotency_keys_periodically(state: chapar::AppState) {
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(60),
        std::time::Duration::from_secs(3600),
    );
    loop {
        ticks.tick().await;
        let swept = state
            .db
            .write(|conn| Ok(chapar::db::idempotency::sweep_expired(conn)?))
            .await;
        match swept {
            Ok(0) => {}
            Ok(n) => tracing::info!(keys = n, "expired idempotency keys removed"),
            Err(e) => tracing::warn!(error = %e, "idempotency key sweep failed"),
        }
    }
}

/// Every hour (first two minutes after start), removes the dashboard's day
/// counters that moves left at zero (`db::rollups::prune_recent_days`), and
/// folds its open letters of due days long past into one row per holder
/// (`db::rollups::fold_past_dues`). Harmless when several instances do it.
async fn prune_report_rows_periodically(state: chapar::AppState) {
    let mut ticks = tokio::time::interval_at(
        tokio::time::Instant::now() + std::time::Duration::from_secs(120),
        std::time::Duration::from_secs(3600),
    );
    loop {
        ticks.tick().await;
        let pruned = state
            .db
            .write(|conn| {
                let now = chrono::Utc::now();
                let pruned = chapar::db::rollups::prune_recent_days(conn, now)?;
                Ok(pruned + chapar::db::rollups::fold_past_dues(conn, now)?)
            })
            .await;
        match pruned {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "dashboard counters of past days pruned"),
            Err(e) => tracing::warn!(error = %e, "pruning past days' dashboard counters failed"),
        }
    }
}

/// Ten times a second (PostgreSQL), adds the dashboard counts the steps
/// left pending to the rollups (`db::rollups::fold_pending`), so that a
/// dashboard finds few to add (a fold under registrations costs about
/// 0.1 ms per step); twice a second at most, vacuums what it folded
/// (`db::rollups::vacuum_pending`). Harmless when several instances do it.
async fn fold_pending_counts_periodically(state: chapar::AppState) {
    const VACUUM_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
    let mut ticks = tokio::time::interval(std::time::Duration::from_millis(100));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut unvacuumed, mut vacuumed_at) = (0, tokio::time::Instant::now());
    loop {
        ticks.tick().await;
        let vacuum = unvacuumed > 0 && vacuumed_at.elapsed() >= VACUUM_EVERY;
        let folded = state
            .db
            .run(move |conn| {
                let chapar::db::DbConnection::Postgres(pg) = conn else {
                    return Ok(0);
                };
                let folded = chapar::db::rollups::fold_pending(pg)?;
                if vacuum {
                    chapar::db::rollups::vacuum_pending(pg)?;
                }
                Ok(folded)
            })
            .await;
        match folded {
            Ok(_) if vacuum => (unvacuumed, vacuumed_at) = (0, tokio::time::Instant::now()),
            Ok(folded) => unvacuumed += folded,
            Err(e) => tracing::warn!(error = %e, "adding the pending dashboard counts failed"),
        }
    }
}

/// Every minute, removes the shared rate limit counters past their window.
async fn sweep_rate_limits_periodically(state: chapar::AppState) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        ticks.tick().await;
        let swept = state
            .db
            .write(|conn| Ok(chapar::auth::rate_limit::sweep(conn)?))
            .await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "rate limit sweep failed");
        }
    }
}

#[actix_web::main]
async fn sweep_attachments(
    database: DatabaseArgs,
    data_dir: PathBuf,
    s3: chapar::config::S3Args,
    min_age_hours: i64,
    dry_run: bool,
) -> anyhow::Result<()> {
    let db = Db::connect(&database.database_url, 2)?;
    let mut settings = Settings::new(data_dir);
    settings.storage = (&s3).into();
    let storage = chapar::storage::Storage::from_settings(&settings)?;
    let report = storage
        .sweep_orphans(&db, chrono::Duration::hours(min_age_hours), dry_run)
        .await?;
    println!(
        "examined {} objects: {} orphans, {} removed",
        report.examined, report.orphans, report.deleted
    );
    Ok(())
}

#[actix_web::main]
async fn dispatch(database: DatabaseArgs, sms: chapar::sms::SmsArgs) -> anyhow::Result<()> {
    if let Ok(url) = std::env::var("CHAPAR_PUBLIC_URL") {
        chapar::sms::set_public_url(&url);
    }
    let db = database.connect(database.db_pool_size)?;
    let provider = chapar::sms::providers::Provider::from_args(&sms)?;
    chapar::sms::dispatcher::Dispatcher::new(db, provider, (&sms).into(), None)
        .run()
        .await;
    Ok(())
}
