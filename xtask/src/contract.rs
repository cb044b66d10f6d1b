//! The contract, checked continuously: schemathesis (pinned in
//! `xtask/schemathesis.txt`, settings in `xtask/schemathesis.toml`) drives a
//! live demo server against `openapi.yaml` with the tokens of an admin, a
//! counter operator and an agency system, on SQLite and on PostgreSQL. Every
//! check, positive data, a bounded number of examples per operation, a fixed
//! seed; any failure fails the suite.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{cmd, postgres, tools};

/// Examples per operation and caller (three callers, two databases).
const EXAMPLES: &str = "10";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(root: &Path, database_url: &str, dir: &Path, port: u16) -> Result<Server> {
    let log = std::fs::File::create(dir.join("server.log"))?;
    let child = Command::new(root.join("target/debug/chapar"))
        .args([
            "serve",
            "--demo",
            "--no-dispatcher",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .args([
            "--database-url",
            database_url,
            "--static-dir",
            "/nonexistent",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .env("CHAPAR_LOGIN_PER_IP_PER_MINUTE", "1000")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .context("start chapar serve")?;
    let server = Server(child);
    let started = Instant::now();
    while cmd("curl", &["-sf", &format!("http://127.0.0.1:{port}/readyz")])
        .output()
        .is_err()
    {
        if started.elapsed() > Duration::from_secs(60) {
            bail!(
                "the server did not become ready; see {}",
                dir.join("server.log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(server)
}

fn token(base: &str, path: &str, content_type: &str, body: &str) -> Result<String> {
    let answer = cmd(
        "curl",
        &[
            "-sS",
            "--fail-with-body",
            "-H",
            &format!("content-type: {content_type}"),
            "-d",
            body,
            &format!("{base}{path}"),
        ],
    )
    .output()?;
    let json: Value =
        serde_json::from_str(&answer).with_context(|| format!("not JSON: {answer}"))?;
    json["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

/// The three callers' tokens.
fn tokens(base: &str) -> Result<Vec<(&'static str, String)>> {
    let login = |user: &str| {
        let body = format!(r#"{{"username":"{user}","password":"chapar-demo"}}"#);
        token(base, "/api/v1/auth/login", "application/json", &body)
    };
    Ok(vec![
        ("admin", login("admin")?),
        ("operator", login("op-bnd-1021")?),
        (
            "agency system",
            token(
                base,
                "/api/v1/auth/token",
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=demo-water&client_secret=demo-secret-water",
            )?,
        ),
    ])
}

fn check(root: &Path, st: &Path, label: &str, database_url: &str) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("chapar-contract-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let port = tools::free_port()?;
    let _server = start(root, database_url, &dir, port)?;
    let base = format!("http://127.0.0.1:{port}");
    for (caller, token) in tokens(&base)? {
        println!("xtask: schemathesis on {label} as {caller}");
        cmd(
            st,
            &[
                "--config-file",
                &root.join("xtask/schemathesis.toml").to_string_lossy(),
                "run",
                &root.join("openapi.yaml").to_string_lossy(),
                "--url",
                &base,
                "-H",
                &format!("Authorization: Bearer {token}"),
                "--max-examples",
                EXAMPLES,
                "--seed",
                "1",
                "--workers",
                "2",
                "--phases",
                "examples,fuzzing",
                "--mode",
                "positive",
                "--no-shrink",
            ],
        )
        .env("NO_COLOR", "1")
        .run()
        .with_context(|| format!("schemathesis found failures on {label} as {caller}"))?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

pub fn run(root: &Path, server: crate::Server) -> Result<()> {
    let st = tools::python_tool(root, "schemathesis", "xtask/schemathesis.txt", "st")?;
    server.ensure()?;
    let sqlite_dir =
        std::env::temp_dir().join(format!("chapar-contract-db-{}", std::process::id()));
    std::fs::create_dir_all(&sqlite_dir)?;
    let sqlite = format!("sqlite://{}", sqlite_dir.join("chapar.db").display());
    check(root, &st, "SQLite", &sqlite)?;
    let _ = std::fs::remove_dir_all(&sqlite_dir);
    let cluster = postgres::Cluster::start()?;
    check(root, &st, "PostgreSQL", &cluster.url())
}
