//! `TestApp`: the real app over real HTTP (an `actix_test` server on a loopback
//! port) against a fresh database of its own, on SQLite or PostgreSQL.
//!
//! PostgreSQL tests need `CHAPAR_TEST_POSTGRES_URL` (an admin URL of a
//! throwaway cluster; `cargo xtask test` starts one). Without it they are
//! skipped, unless `CHAPAR_REQUIRE_POSTGRES=1`, which `cargo xtask test` sets
//! so that the PostgreSQL suite can never silently not run.
//!
//! Attachment tests also run against an S3-compatible server at
//! `CHAPAR_TEST_S3_URL` (`cargo xtask test` starts moto's server), with the
//! same rule: skipped without it unless `CHAPAR_REQUIRE_S3=1`.
#![allow(dead_code)]

pub mod fake_kavenegar;
pub mod process;

use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::http::StatusCode;
use chapar::config::{S3Settings, Settings, StorageSettings};
use chapar::db::{Backend, Db};
use chapar::{build_app, AppState};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::Value;

pub struct TestApp {
    pub server: actix_test::TestServer,
    pub backend: Backend,
    pub database_url: String,
    pub db: Db,
    /// The settings the app was started with (its data dir and stores).
    pub settings: Settings,
    _dir: tempfile::TempDir,
}

/// A response read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A name no other test (or earlier run) uses.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The value of a PostgreSQL test setting: `None` (the test skipped) when it
/// is not set, a failure when `CHAPAR_REQUIRE_POSTGRES=1` says it must be.
pub fn postgres_setting(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Some(value),
        _ => {
            if std::env::var("CHAPAR_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("CHAPAR_REQUIRE_POSTGRES=1 but {variable} is not set");
            }
            eprintln!("skipping: {variable} is not set");
            None
        }
    }
}

/// Creates a fresh PostgreSQL database for one test and returns its URL.
pub fn fresh_postgres_database() -> Option<String> {
    let admin_url = postgres_setting("CHAPAR_TEST_POSTGRES_URL")?;
    Some(fresh_database_on(&admin_url))
}

/// Creates a fresh database on the cluster of `admin_url` and returns its URL.
pub fn fresh_database_on(admin_url: &str) -> String {
    let name = unique_name("chapar_test");
    let mut admin = PgConnection::establish(admin_url).expect("connect to the test cluster");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let base = admin_url
        .rsplit_once('/')
        .map(|(base, _)| base.to_owned())
        .expect("admin URL has a database part");
    format!("{base}/{name}")
}

/// Where a test app keeps attachment bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// `<data dir>/attachments`.
    Local,
    /// A fresh bucket on the S3-compatible test server.
    S3,
}

/// Creates a fresh bucket on the S3-compatible test server and returns the
/// settings that point at it (`None` when no server is configured).
pub async fn fresh_s3_bucket() -> Option<S3Settings> {
    let endpoint = match std::env::var("CHAPAR_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => {
            if std::env::var("CHAPAR_REQUIRE_S3").as_deref() == Ok("1") {
                panic!("CHAPAR_REQUIRE_S3=1 but CHAPAR_TEST_S3_URL is not set");
            }
            eprintln!("skipping: CHAPAR_TEST_S3_URL is not set");
            return None;
        }
    };
    // Bucket names: lower case, digits and dashes.
    let bucket = unique_name("chapar").replace('_', "-").to_lowercase();
    // moto does not check signatures, so the bucket is made with a bare PUT;
    // the app itself signs every request as it would against a real service.
    let res = awc::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("S3 test server reachable");
    assert!(res.status().is_success(), "create bucket: {}", res.status());
    Some(S3Settings {
        bucket,
        endpoint: Some(endpoint),
        region: "us-east-1".into(),
        access_key_id: Some("chapar-test".into()),
        secret_access_key: Some("chapar-test-secret".into()),
        prefix: "attachments".into(),
    })
}

impl TestApp {
    /// A server on SQLite, or on PostgreSQL (`None` when PostgreSQL is not configured).
    pub async fn start(backend: Backend) -> Option<TestApp> {
        Self::start_on(backend, Store::Local).await
    }

    /// A server on `backend` keeping attachments in `store` (`None` when
    /// PostgreSQL or S3 is not configured).
    pub async fn start_on(backend: Backend, store: Store) -> Option<TestApp> {
        let storage = match store {
            Store::Local => StorageSettings::Local,
            Store::S3 => StorageSettings::S3(fresh_s3_bucket().await?),
        };
        Self::start_with_storage(backend, storage).await
    }

    /// A server on `backend` with the given attachment storage (`None` when
    /// PostgreSQL is not configured).
    pub async fn start_with_storage(backend: Backend, storage: StorageSettings) -> Option<TestApp> {
        Self::start_configured(backend, |settings| settings.storage = storage).await
    }

    /// A server on `backend` with settings changed by `configure` (`None`
    /// when PostgreSQL is not configured).
    pub async fn start_configured(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("chapar.db").display()),
            Backend::Postgres => fresh_postgres_database()?,
        };
        let mut settings = Settings::new(dir.path().to_path_buf());
        configure(&mut settings);
        Some(Self::start_with_settings(
            backend,
            database_url,
            dir,
            settings,
        ))
    }

    /// A server on the existing database at `database_url` (another
    /// instance of a deployment, say), with settings changed by `configure`.
    pub fn start_on_database(
        backend: Backend,
        database_url: String,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::new(dir.path().to_path_buf());
        configure(&mut settings);
        Self::start_with_settings(backend, database_url, dir, settings)
    }

    /// A server with the demo province seeded.
    pub async fn with_demo(backend: Backend) -> Option<TestApp> {
        let app = Self::start(backend).await?;
        app.seed_demo();
        Some(app)
    }

    /// A server on SQLite that also serves an SPA from `static_dir`.
    pub fn start_with(
        backend: Backend,
        database_url: String,
        dir: tempfile::TempDir,
        static_dir: Option<std::path::PathBuf>,
    ) -> TestApp {
        let mut settings = Settings::new(dir.path().to_path_buf());
        settings.static_dir = static_dir;
        Self::start_with_settings(backend, database_url, dir, settings)
    }

    fn start_with_settings(
        backend: Backend,
        database_url: String,
        dir: tempfile::TempDir,
        mut settings: Settings,
    ) -> TestApp {
        let db = Db::connect(&database_url, 4).expect("open test database");
        settings.hash_concurrency = 2;
        let state = AppState::new(db.clone(), &settings).expect("app state");
        let app_settings = settings.clone();
        let server = actix_test::start(move || build_app(state.clone()));
        TestApp {
            server,
            backend,
            database_url,
            db,
            settings: app_settings,
            _dir: dir,
        }
    }

    /// Where this app keeps its files (signing keys).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Seeds the demo province (see `chapar::demo`).
    pub fn seed_demo(&self) {
        let mut conn = self.db.pool().get().expect("connection");
        chapar::demo::seed_if_empty(&mut conn)
            .expect("seed")
            .expect("empty database");
    }

    pub async fn login(&self, username: &str, password: &str) -> Answer {
        self.post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"username": username, "password": password}),
        )
        .await
    }

    /// An access token of a demo account.
    pub async fn token(&self, username: &str) -> String {
        let res = self.login(username, chapar::demo::DEMO_PASSWORD).await;
        assert_eq!(res.status, 200, "login {username}: {}", res.text());
        res.json()["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// An access token of a new API client the admin creates with `body`.
    pub async fn client_token(&self, admin: &str, body: Value) -> String {
        let created = self.post_as(admin, "/api/v1/api-clients", &body).await;
        assert_eq!(created.status, 201, "{}", created.text());
        let created = created.json();
        let token = self
            .post_json(
                "/api/v1/auth/token",
                &serde_json::json!({"grant_type": "client_credentials",
                    "client_id": created["client_id"], "client_secret": created["client_secret"]}),
            )
            .await;
        assert_eq!(token.status, 200, "{}", token.text());
        token.json()["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Answer {
        let req = self.server.get(path).bearer_auth(token);
        self.send(req, None).await
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> Answer {
        let req = self
            .server
            .post(path)
            .bearer_auth(token)
            .insert_header(("content-type", "application/json"));
        self.send(req, Some(body.to_string().into_bytes())).await
    }

    pub async fn request_put(&self, token: &str, path: &str, body: &Value) -> Answer {
        let req = self
            .server
            .request(actix_web::http::Method::PUT, self.server.url(path))
            .bearer_auth(token)
            .insert_header(("content-type", "application/json"));
        self.send(req, Some(body.to_string().into_bytes())).await
    }

    pub async fn patch_as(&self, token: &str, path: &str, body: &Value) -> Answer {
        let req = self
            .server
            .request(actix_web::http::Method::PATCH, self.server.url(path))
            .bearer_auth(token)
            .insert_header(("content-type", "application/json"));
        self.send(req, Some(body.to_string().into_bytes())).await
    }

    /// `multipart/form-data` with one part named `file` per (file name, bytes).
    pub async fn upload(&self, token: &str, path: &str, files: &[(&str, &[u8])]) -> Answer {
        let (content_type, body) = multipart(files);
        let req = self
            .server
            .post(path)
            .bearer_auth(token)
            .insert_header(("content-type", content_type));
        self.send(req, Some(body)).await
    }

    /// Registers a demo letter to `agency` as `operator`; answers the
    /// operator's token and the letter's id.
    pub async fn register_letter(&self, operator: &str, agency: &str) -> (String, i64) {
        let token = self.token(operator).await;
        let letter = serde_json::json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": agency, "subject": "نمونه", "body": "متن", "priority": "normal"
        });
        let res = self.post_as(&token, "/api/v1/letters", &letter).await;
        assert_eq!(res.status, 201, "{}", res.text());
        (token, res.json()["id"].as_i64().expect("id"))
    }

    /// Adds the dashboard counts PostgreSQL steps left pending to the
    /// rollups (as the server does twice a second and before a dashboard).
    pub fn fold_pending_counts(&self) {
        let mut conn = self.db.pool().get().expect("connection");
        if let chapar::db::DbConnection::Postgres(pg) = &mut *conn {
            chapar::db::rollups::fold_pending(pg).expect("pending counts");
        }
    }

    /// Every non-zero row of the dashboard's rollups and of the inboxes' new
    /// counts, sorted, as text.
    pub fn rollup_rows(&self) -> Vec<String> {
        use chapar::db::schema::{
            report_answers as a, report_backlog as b, report_days as d, report_offices as o,
            report_status_months as m,
        };
        use diesel::prelude::*;
        fn labelled<R: std::fmt::Debug>(label: &str, rows: Vec<R>) -> Vec<String> {
            rows.iter().map(|r| format!("{label} {r:?}")).collect()
        }
        self.fold_pending_counts();
        let conn = &mut *self.db.pool().get().expect("connection");
        let days = d::table
            .filter(d::n.ne(0))
            .select((d::scope_kind, d::scope_id, d::day, d::kind, d::shard, d::n))
            .load::<(i16, i32, chrono::NaiveDate, String, i32, i64)>(conn)
            .expect("days");
        let months = m::table
            .filter(m::n.ne(0))
            .select((
                m::scope_kind,
                m::scope_id,
                m::month,
                m::kind,
                m::shard,
                m::n,
            ))
            .load::<(i16, i32, chrono::NaiveDate, String, i32, i64)>(conn)
            .expect("months");
        let offices = o::table
            .filter(o::n.ne(0))
            .select((
                o::scope_kind,
                o::scope_id,
                o::grain,
                o::period,
                o::counter_office_id,
                o::n,
            ))
            .load::<(i16, i32, i16, chrono::NaiveDate, i32, i64)>(conn)
            .expect("offices");
        let answers = a::table
            .filter(a::answered.ne(0))
            .select((
                a::scope_kind,
                a::scope_id,
                a::grain,
                a::period,
                a::agency_id,
                a::answered,
                a::on_time,
                a::hours,
            ))
            .load::<(i16, i32, i16, chrono::NaiveDate, i32, i64, i64, Vec<u8>)>(conn)
            .expect("answers");
        let backlog = b::table
            .filter(b::n.ne(0))
            .select((
                b::scope_kind,
                b::scope_id,
                b::holder_agency_id,
                b::due_day,
                b::shard,
                b::n,
            ))
            .load::<(i16, i32, i32, chrono::NaiveDate, i32, i64)>(conn)
            .expect("backlog");
        let inbox = chapar::db::schema::inbox_new::table
            .filter(chapar::db::schema::inbox_new::n.ne(0))
            .select((
                chapar::db::schema::inbox_new::agency_id,
                chapar::db::schema::inbox_new::shard,
                chapar::db::schema::inbox_new::n,
            ))
            .load::<(i32, i32, i64)>(conn)
            .expect("inbox counts");
        let mut rows = labelled("day", days);
        rows.extend(labelled("month", months));
        rows.extend(labelled("office", offices));
        rows.extend(labelled("answers", answers));
        rows.extend(labelled("backlog", backlog));
        rows.extend(labelled("inbox", inbox));
        rows.sort();
        rows
    }

    /// The rollups counted again from the letters (what the workflow steps
    /// kept must equal this).
    pub fn rolled_up_afresh(&self) -> Vec<String> {
        {
            let mut conn = self.db.pool().get().expect("connection");
            chapar::db::write_transaction(&mut conn, chapar::db::rollups::rebuild)
                .expect("rebuild");
        }
        self.rollup_rows()
    }

    /// Runs raw SQL against the app's database (to simulate tampering).
    pub fn execute(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        let mut conn = self.db.pool().get().expect("connection");
        conn.batch_execute(sql).expect("sql");
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.server.get(path), None).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: &str) -> Answer {
        let req = self
            .server
            .post(path)
            .insert_header(("content-type", content_type));
        self.send(req, Some(body.as_bytes().to_vec())).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.post_raw(path, "application/json", &body.to_string())
            .await
    }

    pub async fn send(&self, req: awc::ClientRequest, body: Option<Vec<u8>>) -> Answer {
        send(req, body).await
    }
}

/// Sends `req` (with `body`) and reads the whole answer.
pub async fn send(req: awc::ClientRequest, body: Option<Vec<u8>>) -> Answer {
    let mut res = match body {
        Some(body) => req.send_body(body).await,
        None => req.send().await,
    }
    .expect("request sent");
    let body = res.body().limit(64 * 1024 * 1024).await.expect("body read");
    Answer {
        status: res.status(),
        headers: res.headers().clone(),
        body: body.to_vec(),
    }
}

/// A `multipart/form-data` body with one part named `file` per (file name,
/// bytes): its content type and bytes.
pub fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "chapar-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Declares each test four times: `name::{sqlite, postgres}` with attachments
/// on the local disk, and `name::{sqlite_s3, postgres_s3}` with attachments
/// in a bucket of the S3-compatible test server.
#[macro_export]
macro_rules! every_store {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::common::{Store, TestApp};
            use chapar::db::Backend;

            async fn run($app: TestApp) $body

            #[actix_web::test]
            async fn sqlite() {
                let app = TestApp::start_on(Backend::Sqlite, Store::Local).await.expect("sqlite test app");
                run(app).await;
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = TestApp::start_on(Backend::Postgres, Store::Local).await {
                    run(app).await;
                }
            }

            #[actix_web::test]
            async fn sqlite_s3() {
                if let Some(app) = TestApp::start_on(Backend::Sqlite, Store::S3).await {
                    run(app).await;
                }
            }

            #[actix_web::test]
            async fn postgres_s3() {
                if let Some(app) = TestApp::start_on(Backend::Postgres, Store::S3).await {
                    run(app).await;
                }
            }
        }
    )*};
}

/// Declares each test twice: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::common::TestApp) $body

            #[actix_web::test]
            async fn sqlite() {
                let app = $crate::common::TestApp::start(chapar::db::Backend::Sqlite)
                    .await
                    .expect("sqlite test app");
                run(app).await;
            }

            #[actix_web::test]
            async fn postgres() {
                if let Some(app) = $crate::common::TestApp::start(chapar::db::Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    )*};
}

/// `s` percent-encoded for a query string.
#[allow(dead_code)]
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
