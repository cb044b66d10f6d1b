//! Database access: one connection type over SQLite and PostgreSQL, an r2d2
//! pool, embedded migrations, and [`Db::run`] which moves diesel work onto the
//! blocking pool so async workers never wait on the database.

/// An insert (or upsert, in `$finish`) of many rows: one multi-row statement
/// per chunk of [`CHUNK`] on PostgreSQL
/// (a round trip each), one statement per row on SQLite (diesel builds no
/// multi-row upsert there, and the embedded database has no round trips).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr, |$q:ident| $finish:expr) => {
        match &mut *$conn {
            DbConnection::Sqlite(c) => {
                for row in $rows.iter() {
                    let $q = diesel::insert_into($table).values(row);
                    $finish.execute(c)?;
                }
            }
            DbConnection::Postgres(c) => {
                for chunk in $rows.chunks($crate::db::CHUNK) {
                    let $q = diesel::insert_into($table).values(chunk);
                    $finish.execute(c)?;
                }
            }
        }
    };
}

/// `$body` built and run for the backend underneath `$conn`: for what
/// diesel's multi-backend connection does not build (multi-row inserts,
/// `ON CONFLICT`, `RETURNING` with them).
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match &mut *$conn {
            DbConnection::Sqlite($c) => $body,
            DbConnection::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Rows per statement of [`insert_rows!`] (SQLite allows 32,766 bound values).
pub(crate) const CHUNK: usize = 2_000;

pub mod answer_templates;
pub mod api_clients;
pub mod confidential;
pub mod directory;
pub mod idempotency;
pub mod inbox;
pub mod letters;
pub mod notifications;
pub mod reports;
pub mod rollups;
pub mod schema;
pub mod settled;
pub mod standbys;
pub mod together;
pub mod users;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// How long a request waits for a pooled connection: short, so that while the
/// database is unreachable every request is answered 503 within a second
/// rather than holding its client for the pool's 30 s default.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(800);
/// The wait for the fresh connection of a retried read.
const RETRY_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(150);

/// A connection to either backend. Queries written against [`schema`] run on
/// both; backend-specific SQL matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// Path of the SQLite file.
    Sqlite(PathBuf),
    /// A libpq connection URL.
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://relative/path.db`, `sqlite:///abs/path.db`,
    /// `sqlite:path.db` and `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                format!("unsupported database URL `{url}`: use sqlite://path.db or postgres://…")
            })?;
        if path.is_empty() {
            return Err("the SQLite URL names no file".into());
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one connection of the right type. (Diesel's own multi-connection
    /// `establish` hides the real error when PostgreSQL is down.)
    pub fn establish(&self) -> ConnectionResult<DbConnection> {
        match self {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url).map(DbConnection::Postgres),
            DatabaseUrl::Sqlite(path) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(DbConnection::Sqlite)
            }
        }
    }
}

/// A raw statement (`sql_query`) of constant text, which the connection
/// then keeps prepared. diesel cannot know that a `sql_query`'s text never
/// changes, so it keeps none, and PostgreSQL parses and plans such a
/// statement on every call (0.2–0.3 ms for the hot ones). Only for texts
/// that are constants: each distinct text is one more prepared statement
/// per connection. Load its rows (`load`, `get_result`): `execute` hands
/// diesel a reference, whose impl asks the `sql_query` inside, which
/// answers that it may never be kept.
pub struct Kept<Q>(pub Q);

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for Kept<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// Kept by its text (no static type id: that of `sql_query` is `()`).
impl<Q> diesel::query_builder::QueryId for Kept<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for Kept<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Kept<Q> {}

/// SQL of constant text as an expression of type `ST`, around an optional
/// value bound as `BT`: what diesel's `sql` literal writes, but a statement
/// with it may be kept prepared (the literal marks every statement it is
/// part of as one never to keep, so PostgreSQL planned a province
/// dashboard's statements on every call: 0.8 ms of its 3.6 ms there). Its
/// query id is not static: statements that differ only in such text are
/// kept apart, by their SQL.
#[derive(Debug, Clone)]
pub(crate) struct Fixed<ST, BT = diesel::sql_types::Integer, T = i32> {
    before: &'static str,
    bound: Option<T>,
    after: &'static str,
    /// Whether a statement with it may be kept prepared ([`Fixed::never_kept`]).
    kept: bool,
    types: std::marker::PhantomData<(ST, BT)>,
}

impl<ST, BT, T> Fixed<ST, BT, T> {
    /// The same SQL, marking every statement it is part of as one never to
    /// keep prepared: for a condition whose best plan depends on its value.
    pub(crate) fn never_kept(self) -> Self {
        Fixed {
            kept: false,
            ..self
        }
    }
}

/// [`Fixed`] SQL without a bound value.
pub(crate) fn fixed<ST>(sql: &'static str) -> Fixed<ST> {
    Fixed {
        before: sql,
        bound: None,
        after: "",
        kept: true,
        types: std::marker::PhantomData,
    }
}

/// [`Fixed`] SQL with `value` bound (as `BT`) between `before` and `after`.
pub(crate) fn fixed_around<ST, BT, T>(
    before: &'static str,
    value: T,
    after: &'static str,
) -> Fixed<ST, BT, T> {
    Fixed {
        before,
        bound: Some(value),
        after,
        kept: true,
        types: std::marker::PhantomData,
    }
}

impl<ST, BT, T> diesel::query_builder::QueryId for Fixed<ST, BT, T> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST, BT, T> Expression for Fixed<ST, BT, T>
where
    ST: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType,
{
    type SqlType = ST;
}

impl<ST, BT, T, QS> diesel::expression::AppearsOnTable<QS> for Fixed<ST, BT, T> where
    Self: Expression
{
}

impl<ST, BT, T, QS> diesel::expression::SelectableExpression<QS> for Fixed<ST, BT, T> where
    Self: Expression
{
}

impl<ST, BT, T, GB> diesel::expression::ValidGrouping<GB> for Fixed<ST, BT, T> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl<ST, BT, T> diesel::query_builder::QueryFragment<QueryBackend> for Fixed<ST, BT, T>
where
    QueryBackend: diesel::sql_types::HasSqlType<BT>,
    T: diesel::serialize::ToSql<BT, QueryBackend>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, QueryBackend>,
    ) -> QueryResult<()> {
        if !self.kept {
            out.unsafe_to_cache_prepared();
        }
        out.push_sql(self.before);
        if let Some(value) = &self.bound {
            out.push_bind_param::<BT, _>(value)?;
        }
        out.push_sql(self.after);
        Ok(())
    }
}

/// The diesel backend of [`DbConnection`]: what a query built once for
/// both databases (a boxed query, an expression of our own) is built for.
pub(crate) type QueryBackend = <DbConnection as diesel::Connection>::Backend;

/// A condition on the rows of `T`, chosen at run time.
pub(crate) type Condition<T> =
    Box<dyn BoxableExpression<T, QueryBackend, SqlType = diesel::sql_types::Bool>>;

/// `column = ANY(ids)`, but `column = id` for one: for `= ANY($1)`
/// PostgreSQL's kept plan assumes ten ids and costs more than a plan for
/// the one, so a one-letter read (a detail, a tracking answer) was planned
/// on every call (a tracking request: 0.18 ms of its 1.2 ms in PostgreSQL).
pub(crate) fn among<T, C>(column: C, ids: &[i32]) -> Condition<T>
where
    C: ExpressionMethods + Expression<SqlType = diesel::sql_types::Integer>,
    diesel::dsl::Eq<C, i32>:
        BoxableExpression<T, QueryBackend, SqlType = diesel::sql_types::Bool> + 'static,
    diesel::dsl::EqAny<C, Vec<i32>>:
        BoxableExpression<T, QueryBackend, SqlType = diesel::sql_types::Bool> + 'static,
{
    match ids {
        [one] => Box::new(column.eq(*one)),
        _ => Box::new(column.eq_any(ids.to_vec())),
    }
}

/// r2d2 manager that opens connections with [`DatabaseUrl::establish`].
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.url.establish().map_err(r2d2::Error::ConnectionError)
    }

    /// Asked at every checkout: a statement the connection keeps prepared,
    /// so PostgreSQL does not parse and plan `SELECT 1` twice a request.
    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        diesel::select(1.into_sql::<diesel::sql_types::Integer>())
            .execute(conn)
            .map(|_| ())
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection left inside a transaction, or whose transaction could
    /// not be closed, is dropped rather than handed to the next request.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::TransactionManager;
        <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Per-connection settings. SQLite: WAL is set once on the file before the
/// pool exists (setting it here races between connections); temporary
/// storage in memory, because the bundled SQLite keeps it in files by
/// default, and the writer's per-write savepoints journal every page they
/// touch there (a fifth of the writer's time went to those `pwrite`s); and
/// no memory map of the file: each connection maps the file on its own,
/// and every page a connection ever touched stayed in the server's
/// resident memory, so that it grew with the database (the bench's server
/// at 10,000 letters: 226 MiB, of it 141 MiB of mapped file, against
/// 111 MiB without a map). Reads through the kernel's page cache were as
/// fast on this machine (1,000,000 letters, c32: tracking, inbox polls,
/// searches and dashboards within the noise of the two runs each).
/// PostgreSQL: no parallel workers: the API's queries are short and many at
/// once, and on a small machine starting workers costs more than it saves.
#[derive(Debug)]
struct SessionSettings;

/// [`SessionSettings`] of an SQLite connection (also what `chapar seed`
/// puts back after its load).
pub(crate) const SQLITE_SESSION_SETTINGS: &str =
    "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
     PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 0;";

impl CustomizeConnection<DbConnection, r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        match conn {
            DbConnection::Sqlite(conn) => conn.batch_execute(SQLITE_SESSION_SETTINGS),
            DbConnection::Postgres(conn) => {
                conn.batch_execute("SET max_parallel_workers_per_gather = 0")
            }
        }
        .map_err(r2d2::Error::QueryError)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The database handle kept in the app state.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    /// SQLite only: the one connection that writes (see [`writer`]).
    writer: Option<writer::Writer>,
    /// PostgreSQL only: the URL, for connections outside the pool (`LISTEN`).
    postgres_url: Option<std::sync::Arc<str>>,
    /// PostgreSQL only, optional: hot standbys for [`Db::read`].
    standbys: Option<std::sync::Arc<standbys::Standbys>>,
}

impl Db {
    /// Opens the pool (creating the SQLite file and its directory if needed)
    /// and applies pending migrations.
    pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Db> {
        Db::connect_with(url, max_size, DEFAULT_ACQUIRE_TIMEOUT)
    }

    /// [`Db::connect`] with how long a request waits for a pooled connection
    /// before it is answered 503 (the database unreachable, or every
    /// connection busy for that long).
    pub fn connect_with(url: &str, max_size: u32, acquire_timeout: Duration) -> anyhow::Result<Db> {
        let url = DatabaseUrl::parse(url).map_err(anyhow::Error::msg)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            prepare_sqlite_file(path)?;
        }
        let backend = url.backend();
        let postgres_url = match &url {
            DatabaseUrl::Postgres(url) => Some(url.as_str().into()),
            DatabaseUrl::Sqlite(_) => None,
        };
        let mut builder = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(acquire_timeout);
        builder = builder.connection_customizer(Box::new(SessionSettings));
        let writer = match &url {
            DatabaseUrl::Sqlite(_) => {
                let mut conn = url.establish()?;
                SessionSettings.on_acquire(&mut conn)?;
                run_migrations(&mut conn)?;
                let mut checkpoints = url.establish()?;
                SessionSettings.on_acquire(&mut checkpoints)?;
                Some(writer::Writer::start(conn, checkpoints)?)
            }
            DatabaseUrl::Postgres(_) => None,
        };
        let pool = builder
            .build(Manager { url })
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let db = Db {
            pool,
            backend,
            writer,
            postgres_url,
            standbys: None,
        };
        if db.writer.is_none() {
            run_migrations(&mut *db.pool.get()?)?;
        }
        Ok(db)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL of a PostgreSQL database (`None` on SQLite).
    pub fn postgres_url(&self) -> Option<&str> {
        self.postgres_url.as_deref()
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Serves [`Db::read`]s from the hot standbys at `urls` as well (each
    /// with a pool of up to `max_size`); none: the primary serves them all.
    pub fn with_standbys(mut self, urls: &[String], max_size: u32) -> anyhow::Result<Db> {
        let urls: Vec<String> = urls
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        if urls.is_empty() {
            return Ok(self);
        }
        let Some(primary) = self.postgres_url.clone() else {
            anyhow::bail!("read databases need a PostgreSQL primary");
        };
        self.standbys = Some(standbys::Standbys::start(&urls, max_size, &primary)?);
        Ok(self)
    }

    /// The standbys, when there are any.
    pub fn standbys(&self) -> Option<&standbys::Standbys> {
        self.standbys.as_deref()
    }

    /// Runs `work` in a write transaction: on SQLite through the one writer
    /// (queued, group-committed), on PostgreSQL on a pooled connection.
    /// Answers after the commit.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write(work).await,
            // Never retried: a connection lost during COMMIT leaves unknown
            // whether it landed, so the client retries (with its key).
            None => {
                let pool = self.pool.clone();
                actix_web::web::block(move || write_transaction(&mut *pool.get()?, work)).await?
            }
        }
    }

    /// Runs read-only `work` with a pooled connection on the blocking thread
    /// pool (on SQLite, writes belong in [`Db::write`]). A read whose
    /// connection was lost under it (the server restarted, a failover) runs
    /// once more on a fresh one: the pool checks connections on checkout, so
    /// the dead one is dropped, not handed out again.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let first = work(&mut *pool.get()?);
            match first {
                Err(ApiError::ConnectionLost(cause)) => {
                    tracing::warn!(%cause, "database connection lost under a read; retrying once");
                    // Briefly: if the database itself is down, say so now.
                    work(&mut *pool.get_timeout(RETRY_ACQUIRE_TIMEOUT)?)
                }
                other => other,
            }
        })
        .await?
    }

    /// Runs read-only `work` that may be served by a hot standby which has
    /// replayed `after` (see [`standbys`]): list, search, tracking and report
    /// reads. Without a fit standby, or when the standby fails under it, the
    /// primary serves it through [`Db::run`].
    pub async fn read<T, F>(&self, after: standbys::WalPosition, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: Fn(&mut DbConnection) -> Result<T, ApiError> + Send + Sync + 'static,
    {
        let Some(standbys) = self.standbys.clone() else {
            return self.run(work).await;
        };
        let Some((i, pool)) = standbys.pick(after) else {
            return self.run(work).await;
        };
        let pool = pool.clone();
        let work = std::sync::Arc::new(work);
        let on_standby = work.clone();
        let first = actix_web::web::block(move || on_standby(&mut *pool.get()?)).await?;
        match first {
            Err(
                e
                @ (ApiError::ConnectionLost(_) | ApiError::Unavailable(_) | ApiError::Internal(_)),
            ) => {
                standbys.failed(i, &e.to_string());
                self.run(move |conn| work(conn)).await
            }
            other => {
                standbys.served.inc();
                other
            }
        }
    }
}

/// Creates the directory of the SQLite file and switches it to WAL mode.
fn prepare_sqlite_file(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    Ok(())
}

/// Applies every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    for version in applied {
        tracing::info!(%version, "applied migration");
    }
    rollups::ensure_built(conn).map_err(|e| anyhow::anyhow!("dashboard rollups: {e}"))?;
    Ok(())
}

/// What [`backup_sqlite`] wrote.
pub struct Backup {
    pub bytes: u64,
    pub seconds: f64,
}

/// A consistent copy of the live SQLite database at `url` in the new file
/// `to`, taken while the server keeps serving: `VACUUM INTO` reads one
/// snapshot (in WAL mode the writer is never blocked) and writes it compact;
/// the copy is written beside `to` and renamed into place only after its
/// `integrity_check` passed, so `to` is never a partial file.
pub fn backup_sqlite(url: &str, to: &Path) -> anyhow::Result<Backup> {
    use diesel::sql_types::Text;
    let started = std::time::Instant::now();
    let path = match DatabaseUrl::parse(url).map_err(anyhow::Error::msg)? {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(_) => anyhow::bail!(
            "`chapar backup` copies a SQLite database; back PostgreSQL up with \
             pg_basebackup and WAL archiving (see docs/deployment.md)"
        ),
    };
    if !path.is_file() {
        anyhow::bail!("no database at {}", path.display());
    }
    if to.exists() {
        anyhow::bail!("{} exists already; choose a new file", to.display());
    }
    let partial = to.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let mut live = SqliteConnection::establish(&path.to_string_lossy())?;
    live.batch_execute("PRAGMA busy_timeout = 5000;")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(partial.to_string_lossy())
        .execute(&mut live)?;
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    let mut copy = SqliteConnection::establish(&partial.to_string_lossy())?;
    let check: Check = diesel::sql_query("PRAGMA integrity_check").get_result(&mut copy)?;
    drop(copy);
    if check.integrity_check != "ok" {
        let _ = std::fs::remove_file(&partial);
        anyhow::bail!(
            "the copy failed its integrity check: {}",
            check.integrity_check
        );
    }
    std::fs::rename(&partial, to)?;
    Ok(Backup {
        bytes: std::fs::metadata(to)?.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Reverts every applied migration (used by the up/down/up test).
pub fn revert_all_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    match conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(drop),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(drop),
    }
    .map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))
}

/// A transaction for work that writes. On SQLite its first statement takes
/// the write lock (like `BEGIN IMMEDIATE`), so concurrent writers queue on
/// `busy_timeout` instead of failing with "database is locked" when a read
/// transaction tries to upgrade, and the outermost one brings the words
/// index up to date just before it commits
/// ([`letters::index_changed_letters`]). On PostgreSQL the outermost one sends its
/// dashboard counters with its `COMMIT` (see [`rollups::apply_then`]).
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::TransactionManager;
    let outermost = matches!(
        <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth(),
        Ok(None)
    );
    if let (DbConnection::Postgres(_), true) = (&*conn, outermost) {
        return postgres_write(conn, work);
    }
    conn.transaction(|conn| {
        if let (DbConnection::Sqlite(sqlite), true) = (&mut *conn, outermost) {
            // Matches no row, but an UPDATE acquires the write lock before it scans.
            sqlite.batch_execute("UPDATE idempotency_keys SET id = id WHERE id < 0")?;
        }
        let done = work(conn)?;
        if let (DbConnection::Sqlite(sqlite), true) = (&mut *conn, outermost) {
            letters::index_changed_letters(sqlite)?;
        }
        Ok(done)
    })
}

/// [`Connection::transaction`] on PostgreSQL, with the step's rollup change
/// collected while `work` runs and written in the round trip of `COMMIT`.
fn postgres_write<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::TransactionManager;
    type Manager = <DbConnection as Connection>::TransactionManager;
    Manager::begin_transaction(conn)?;
    let (result, change) = rollups::deferred(|| work(conn));
    // diesel follows the server's transaction status after every statement,
    // so a batch that ends in `COMMIT` leaves it outside the transaction.
    let committed =
        result.and_then(|value| Ok(rollups::apply_then(conn, &change, "COMMIT").map(|()| value)?));
    let still_open = matches!(
        Manager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    );
    if still_open {
        // Work or the counters failed inside the transaction (a failed
        // COMMIT has ended it already). A connection that cannot roll back
        // is left broken, and the pool drops it.
        if Manager::rollback_transaction(conn).is_err() {
            Manager::transaction_manager_status_mut(conn).set_in_error();
        }
    }
    committed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_url_forms() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/chapar.db"),
            Ok(DatabaseUrl::Sqlite("data/chapar.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/chapar.db"),
            Ok(DatabaseUrl::Sqlite("/var/lib/chapar.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@localhost/chapar").map(|u| u.backend()),
            Ok(Backend::Postgres)
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    /// `.cargo/config.toml` builds the bundled SQLite with the planner
    /// stability guarantee (without it every paged statement is re-prepared),
    /// a page cache per connection and no memory statistics (with either,
    /// concurrent readers queue on one process-wide mutex).
    #[test]
    fn bundled_sqlite_is_built_for_many_concurrent_readers() {
        #[derive(diesel::QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = diesel::sql_types::Text)]
            compile_options: String,
        }
        let mut conn = diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        let options: Vec<CompileOption> = diesel::sql_query("PRAGMA compile_options")
            .load(&mut conn)
            .expect("compile options");
        let built_with = |option: &str| options.iter().any(|o| o.compile_options == option);
        assert!(
            built_with("ENABLE_QPSG"),
            "SQLite built without SQLITE_ENABLE_QPSG"
        );
        assert!(
            !built_with("ENABLE_MEMORY_MANAGEMENT"),
            "SQLite built with one page cache shared by every connection"
        );
        assert!(
            built_with("DEFAULT_MEMSTATUS=0"),
            "SQLite built with memory statistics (a mutex on every allocation)"
        );
    }
}
