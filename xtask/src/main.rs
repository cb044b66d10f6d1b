//! Project automation. `cargo xtask run` builds the SPA and starts the server
//! on SQLite with demo data; `cargo xtask test` installs or starts everything
//! the suites need and runs them all (this is what CI runs).

mod bench;
mod contract;
mod postgres;
mod s3;
mod tools;
mod web;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [-- serve flags]   build the SPA, then start `chapar serve --demo` on SQLite
  test                   every suite: fmt, clippy, unit + API tests on SQLite and
                         PostgreSQL (attachments also on an S3-compatible server),
                         OpenAPI drift, the schemathesis contract check,
                         release WASM build, browser e2e
  contract               schemathesis against a live server (SQLite, PostgreSQL)
  e2e [playwright args]  build the SPA and run the browser suite alone
  build-web              build the SPA in release mode into web/dist
  openapi                regenerate openapi.yaml from the code
  bench [--letters N] [--db sqlite|postgres] [--save]
                         every hot path (registration, tracking, inbox,
                         searches, list, dashboards, a mixed load, SMS
                         dispatch) at 32 and 4 connections on a database
                         seeded with N letters (default 10,000), SQLite and
                         PostgreSQL, as ratios to /healthz; --save appends the
                         table to bench/results/<date>.md
  bench --instances K [--letters N] [--save]
                         scale-out: 1..K instances on one PostgreSQL,
                         registration and tracking summed over them
  postgres [--standby]   start a throwaway PostgreSQL cluster (and a streaming
                         hot standby of it) and print the URLs
                         (stopped when you press Enter)";

fn main() {
    if let Err(err) = run_cli() {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

fn run_cli() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root()?;
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("run") => run(&root, &args[1..]),
        Some("test") => test(&root),
        Some("build-web") => web::build(&root).map(drop),
        Some("bench") => bench::bench(&root, &args[1..]),
        Some("contract") => contract::run(&root, Server::Build),
        Some("e2e") => e2e(&root, &web::build(&root)?, Server::Build, &args[1..]),
        Some("openapi") => cmd(
            "cargo",
            &["test", "-p", "chapar-api", "--test", "suite", "openapi"],
        )
        .env("UPDATE_OPENAPI", "1")
        .run(),
        Some("postgres") => {
            let cluster = postgres::Cluster::start()?;
            println!("{}", cluster.url());
            println!("stop/start it: sh {}", cluster.control_script()?.display());
            let standby = match args.get(1).map(String::as_str) {
                Some("--standby") => Some(postgres::Cluster::standby_of(&cluster)?),
                _ => None,
            };
            if let Some(standby) = &standby {
                println!("standby: {}", standby.url());
                println!("stop/start it: sh {}", standby.control_script()?.display());
            }
            println!("press Enter to stop");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(())
        }
        _ => {
            println!("{USAGE}");
            Ok(())
        }
    }
}

fn workspace_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .context("xtask lives inside the workspace")
}

/// `cargo xtask run`: SPA, server, demo data, on SQLite under ./data.
fn run(root: &Path, extra: &[String]) -> Result<()> {
    let dist = web::build(root)?;
    Server::Build.ensure()?;
    // `cargo xtask run -- --bind …` hands us the `--` too.
    let extra = match extra.first().map(String::as_str) {
        Some("--") => &extra[1..],
        _ => extra,
    };
    let bind = bind_flag(extra)
        .or_else(|| std::env::var("CHAPAR_BIND").ok())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    println!();
    println!("  Chapar is starting on http://{bind}/");
    println!("    SPA         http://{bind}/");
    println!("    API docs    http://{bind}/api/docs/");
    println!("    health      http://{bind}/healthz");
    println!("  (demo logins are printed below by the server; Ctrl-C stops it)");
    println!();
    let mut serve = cmd(
        "target/debug/chapar",
        &["serve", "--demo", "--static-dir", &dist.to_string_lossy()],
    );
    serve.args(extra);
    serve.run()
}

/// The value of a `--bind X` or `--bind=X` among the extra serve flags.
fn bind_flag(extra: &[String]) -> Option<String> {
    extra
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.strip_prefix("--bind") {
            Some("") => extra.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        })
}

/// The debug server binary (`target/debug/chapar`) the contract and browser
/// suites start: built for them, or already there.
#[derive(Clone, Copy)]
pub enum Server {
    /// Built now (`cargo build -p chapar-api --bin chapar`).
    Build,
    /// Built by the API tests' `cargo test`, for its integration tests
    /// (`CARGO_BIN_EXE_chapar`). Building it again on its own would compile
    /// the api crate and a dozen dependencies a second time, 2.5 minutes
    /// of CI: the tests' dev-dependencies turn on more features of
    /// actix-web and awc, so the two builds resolve different features.
    BuiltByTests,
}

impl Server {
    pub fn ensure(self) -> Result<()> {
        match self {
            Server::Build => cmd("cargo", &["build", "-p", "chapar-api", "--bin", "chapar"]).run(),
            Server::BuiltByTests => Ok(()),
        }
    }
}

/// `cargo xtask test`: every suite, in order of cost; stops at the first failure.
fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut passed = 0;
    let mut step = |name: &str, f: &mut dyn FnMut() -> Result<()>| -> Result<()> {
        let t = Instant::now();
        println!("\n==> {name}");
        f().with_context(|| format!("step `{name}` failed"))?;
        println!("<== {name}: ok in {:.0?}", t.elapsed());
        passed += 1;
        Ok(())
    };

    step("rustfmt", &mut || {
        cmd("cargo", &["fmt", "--all", "--", "--check"]).run()
    })?;
    step("wasm32 target", &mut || tools::ensure_wasm_target())?;
    step("clippy (server, shared, xtask)", &mut || {
        cmd(
            "cargo",
            &["clippy", "--all-targets", "--", "-D", "warnings"],
        )
        .run()
    })?;
    step("clippy (web, wasm32)", &mut || {
        cmd(
            "cargo",
            &[
                "clippy",
                "-p",
                "chapar-web",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ],
        )
        .run()
    })?;
    step(
        "unit + API tests on SQLite and PostgreSQL (and S3), OpenAPI drift",
        &mut || {
            let cluster = postgres::Cluster::start()?;
            // A second cluster for the outage tests, which stop and start it.
            let faults = postgres::Cluster::start()?;
            // A primary with a streaming hot standby, for the read-replica tests.
            let primary = postgres::Cluster::start()?;
            let standby = postgres::Cluster::standby_of(&primary)?;
            let s3 = s3::S3Server::start(root)?;
            cmd("cargo", &["test"])
                .env("CHAPAR_TEST_POSTGRES_URL", cluster.url())
                .env("CHAPAR_TEST_FAULT_POSTGRES_URL", faults.url())
                .env("CHAPAR_TEST_FAULT_POSTGRES_CTL", faults.control_script()?)
                .env("CHAPAR_TEST_PRIMARY_POSTGRES_URL", primary.url())
                .env("CHAPAR_TEST_STANDBY_POSTGRES_URL", standby.url())
                .env(
                    "CHAPAR_TEST_STANDBY_POSTGRES_CTL",
                    standby.control_script()?,
                )
                .env("CHAPAR_REQUIRE_POSTGRES", "1")
                .env("CHAPAR_TEST_S3_URL", s3.url())
                .env("CHAPAR_REQUIRE_S3", "1")
                .run()
            // `cluster` and `s3` are stopped here, also when the tests failed.
        },
    )?;
    step(
        "contract: schemathesis against openapi.yaml on SQLite and PostgreSQL",
        &mut || contract::run(root, Server::BuiltByTests),
    )?;
    let mut dist = PathBuf::new();
    step("release WASM build", &mut || {
        dist = web::build(root)?;
        Ok(())
    })?;
    step("browser end-to-end suite", &mut || {
        e2e(root, &dist, Server::BuiltByTests, &[])
    })?;
    println!(
        "\nxtask: all suites green in {:.0?}\nsuites: {passed} passed, 0 failed",
        started.elapsed()
    );
    Ok(())
}

/// Runs the Playwright suite in Debian's Chromium against the real binary.
/// Extra arguments go to Playwright (a spec file, `--grep …`).
fn e2e(root: &Path, dist: &Path, server: Server, playwright_args: &[String]) -> Result<()> {
    tools::ensure_chromium()?;
    server.ensure()?;
    let e2e_dir = root.join("e2e");
    tools::npm_ci(&e2e_dir)?;
    let port = tools::free_port()?;
    let short_port = tools::free_port()?;
    let mut playwright = cmd("npx", &["playwright", "test"]);
    playwright.args(playwright_args);
    playwright
        .dir(&e2e_dir)
        .env("CHAPAR_BIN", root.join("target/debug/chapar"))
        .env("CHAPAR_STATIC_DIR", dist)
        .env("CHAPAR_E2E_PORT", port.to_string())
        .env("CHAPAR_E2E_SHORT_PORT", short_port.to_string())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .run()
}

/// A command that is echoed, inherits stdio, and fails on a non-zero exit.
pub struct Cmd(Command);

pub fn cmd(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Cmd {
    let mut command = Command::new(program);
    command.args(args);
    Cmd(command)
}

impl Cmd {
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    pub fn dir(mut self, dir: &Path) -> Self {
        self.0.current_dir(dir);
        self
    }

    pub fn args(&mut self, args: &[String]) {
        self.0.args(args);
    }

    fn describe(&self) -> String {
        let mut s = self.0.get_program().to_string_lossy().into_owned();
        for a in self.0.get_args() {
            s.push(' ');
            s.push_str(&a.to_string_lossy());
        }
        s
    }

    pub fn run(mut self) -> Result<()> {
        let line = self.describe();
        println!("$ {line}");
        let status = self
            .0
            .status()
            .with_context(|| format!("cannot start `{line}`"))?;
        if !status.success() {
            bail!("`{line}` failed ({status})");
        }
        Ok(())
    }

    /// Runs quietly and returns standard output (for version checks).
    pub fn output(mut self) -> Result<String> {
        let line = self.describe();
        let out = self
            .0
            .output()
            .with_context(|| format!("cannot start `{line}`"))?;
        if !out.status.success() {
            bail!(
                "`{line}` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}
