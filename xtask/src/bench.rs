//! `cargo xtask bench`: throughput of the main endpoints against a release
//! build on SQLite, each reported as a ratio to `/healthz` measured in the same
//! run (the machine is shared, so only ratios compare across runs).
//!
//! Load comes from `wrk` (installed with apt-get when missing) on loopback;
//! each scenario runs for a fixed time and stops by itself.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{cmd, tools};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn curl(args: &[&str]) -> Result<String> {
    cmd("curl", &[&["-sS", "--fail-with-body"], args].concat()).output()
}

/// The value of a string field in a flat JSON answer (enough for tokens and codes).
fn json_field(json: &str, field: &str) -> Option<String> {
    let start = json.find(&format!("\"{field}\":\""))? + field.len() + 4;
    let end = json[start..].find('"')? + start;
    Some(json[start..end].to_owned())
}

struct Scenario {
    name: &'static str,
    path: &'static str,
    lua: String,
}

fn run_wrk(base: &str, scenario: &Scenario, dir: &Path, seconds: u32) -> Result<f64> {
    let script = dir.join(format!("{}.lua", scenario.name));
    std::fs::write(&script, &scenario.lua)?;
    let out = cmd(
        "wrk",
        &[
            "-t2",
            "-c32",
            &format!("-d{seconds}s"),
            "-s",
            &script.to_string_lossy(),
            &format!("{base}{}", scenario.path),
        ],
    )
    .output()?;
    if let Some(line) = out.lines().find(|l| l.contains("Non-2xx")) {
        bail!("{}: {line}\n{out}", scenario.name);
    }
    out.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .with_context(|| format!("no Requests/sec in wrk output:\n{out}"))
}

pub fn bench(root: &Path) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        tools::apt_install(&["wrk"])?;
    }
    cmd(
        "cargo",
        &["build", "--release", "-p", "chapar-api", "--bin", "chapar"],
    )
    .run()?;
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("chapar-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    let mut report = suite(root, &dir, "SQLite", &sqlite, seconds)?;
    let cluster = crate::postgres::Cluster::start()?;
    report.push_str(&suite(root, &dir, "PostgreSQL", &cluster.url(), seconds)?);
    drop(cluster);
    println!("\n{report}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// One server on one database: every scenario, and the ratios to `/healthz`.
fn suite(root: &Path, dir: &Path, label: &str, database_url: &str, seconds: u32) -> Result<String> {
    let port = tools::free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(root.join("target/release/chapar"))
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", database_url])
        .arg("--data-dir")
        .arg(dir)
        .args(["--static-dir", "/nonexistent"])
        .env("RUST_LOG", "warn")
        .env("CHAPAR_TRACKING_PER_IP_PER_MINUTE", "1000000000")
        .env("CHAPAR_TRACKING_PER_CODE_PER_MINUTE", "1000000000")
        .stdout(Stdio::null())
        .spawn()
        .context("start chapar")?;
    let _server = Server(child);
    let started = Instant::now();
    while curl(&[&format!("{base}/readyz")]).is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the server did not become ready");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let login = curl(&[
        "-H",
        "content-type: application/json",
        "-d",
        r#"{"username":"op-bnd-1021","password":"chapar-demo"}"#,
        &format!("{base}/api/v1/auth/login"),
    ])?;
    let token = json_field(&login, "access_token").context("no access token")?;
    let agency_token = json_field(
        &curl(&[
            "-d",
            "grant_type=client_credentials&client_id=demo-water&client_secret=demo-secret-water",
            &format!("{base}/api/v1/auth/token"),
        ])?,
        "access_token",
    )
    .context("no client token")?;
    let letter = r#"{"applicant":{"kind":"natural","national_id":"0499370899","first_name":"علی","last_name":"رضایی","mobile":"09121234567"},"recipient_agency_code":"water","subject":"بررسی قبض آب","body":"مبلغ قبض آب این ماه بیش از حد معمول است.","priority":"normal"}"#;
    let mut code = String::new();
    // A full first inbox page (50) before the inbox scenario.
    for _ in 0..60 {
        let created = curl(&[
            "-H",
            "content-type: application/json",
            "-H",
            &format!("authorization: Bearer {token}"),
            "-d",
            letter,
            &format!("{base}/api/v1/letters"),
        ])?;
        code = json_field(&created, "tracking_code").context("no tracking code")?;
    }
    let post = |body: &str, auth: bool| {
        let mut lua = String::from(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n",
        );
        if auth {
            lua.push_str(&format!(
                "wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"
            ));
        }
        lua.push_str(&format!("wrk.body = [[{body}]]\n"));
        lua
    };
    let scenarios = [
        Scenario {
            name: "healthz",
            path: "/healthz",
            lua: String::new(),
        },
        Scenario {
            name: "inbox-50",
            path: "/api/v1/inbox?limit=50",
            lua: format!("wrk.headers[\"Authorization\"] = \"Bearer {agency_token}\"\n"),
        },
        Scenario {
            name: "tracking",
            path: "/api/v1/tracking",
            lua: post(
                &format!(r#"{{"tracking_code":"{code}","national_id":"0499370899"}}"#),
                false,
            ),
        },
        Scenario {
            name: "register",
            path: "/api/v1/letters",
            lua: post(letter, true),
        },
        // After `register`: the 30-day dashboard over every letter it made
        // (all open, all in the period: the heaviest case per letter).
        Scenario {
            name: "dashboard",
            path: "/api/v1/reports/summary",
            lua: format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"),
        },
    ];
    let mut results = Vec::new();
    for s in &scenarios {
        let rps = run_wrk(&base, s, dir, seconds)?;
        println!("{label:<10} {:<10} {:>10.0} req/s", s.name, rps);
        results.push((s.name, rps));
    }
    let health = results[0].1;
    let mut report = format!(
        "{label}: ratios to /healthz (same run, release build, wrk -t2 -c32 -d{seconds}s)\n"
    );
    report.push_str(&format!("  {:<10} {health:>8.0} req/s\n", "healthz"));
    for (name, rps) in &results[1..] {
        report.push_str(&format!(
            "  {name:<10} {rps:>8.0} req/s = {:.4} × healthz\n",
            rps / health
        ));
    }
    let registered = results
        .iter()
        .find(|(name, _)| *name == "register")
        .map_or(0.0, |(_, rps)| rps * f64::from(seconds));
    report.push_str(&format!(
        "  (the dashboard covered about {:.0} letters)\n",
        60.0 + registered
    ));
    Ok(report)
}
