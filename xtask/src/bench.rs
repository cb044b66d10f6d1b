//! `cargo xtask bench [--letters N] [--db sqlite|postgres] [--only a,b] [--save]`: the
//! release server on a database seeded with `chapar seed --letters N`
//! (default 10,000), every scenario at 32 connections (throughput) and at 4
//! (latency), printed as one table with req/s, p50, p99, errors, the ratio
//! to `/healthz` measured in the same run (the machine is shared: only
//! ratios compare across runs) and the server's peak RSS. `--save` appends
//! the table to `bench/results/<date>.md`.
//!
//! The server's SMS dispatcher runs throughout, sending to a zero-latency
//! fake gateway in this process, so every write scenario competes with its
//! writes; the `sms-dispatch` row is its throughput over a backlog
//! registered while it was stopped (the server restarted without it).
//!
//! Load comes from `wrk` (installed with apt-get when missing) on loopback;
//! each scenario runs for `BENCH_SECONDS` (default 10) and stops by itself.
//! `--only register,sms` runs just the scenarios whose names start with one
//! of the words (and `/healthz`, which every ratio needs): for trying a
//! change to one path without the whole table.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::{cmd, tools};

/// A child process ended when dropped, its anonymous memory watched.
struct Process {
    child: Child,
    /// The largest `RssAnon` seen, in kB (sampled every 20 ms).
    peak_anon_kb: Arc<AtomicU64>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A figure of `/proc/<pid>/status`, in kB.
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

impl Process {
    fn watched(child: Child) -> Process {
        let peak_anon_kb = Arc::new(AtomicU64::new(0));
        let (pid, peak) = (child.id(), peak_anon_kb.clone());
        std::thread::spawn(move || {
            while let Some(kb) = status_kb(pid, "RssAnon:") {
                peak.fetch_max(kb, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Process {
            child,
            peak_anon_kb,
        }
    }

    /// Peak memory so far, in MiB: resident (`VmHWM`: the binary's pages
    /// too) and anonymous (the server's own heap and stacks).
    fn peak_mib(&self) -> (f64, f64) {
        let rss = status_kb(self.child.id(), "VmHWM:").unwrap_or(0);
        let anon = self.peak_anon_kb.load(Ordering::Relaxed);
        (rss as f64 / 1024.0, anon as f64 / 1024.0)
    }
}

struct Options {
    letters: usize,
    databases: Vec<&'static str>,
    save: bool,
    seconds: u32,
    /// Scale-out mode: 1..=this many instances on one PostgreSQL.
    instances: Option<usize>,
    /// `--only`: the name prefixes of the scenarios to run; empty runs all.
    only: Vec<String>,
}

impl Options {
    fn runs(&self, scenario: &str) -> bool {
        scenario == "healthz"
            || self.only.is_empty()
            || self
                .only
                .iter()
                .any(|word| scenario.starts_with(word.as_str()))
    }
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        letters: 10_000,
        databases: vec!["sqlite", "postgres"],
        save: false,
        seconds: std::env::var("BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10),
        instances: None,
        only: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--letters" => {
                o.letters = args
                    .next()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .context("--letters needs a number")?
            }
            "--db" => {
                o.databases = match args.next().map(String::as_str) {
                    Some("sqlite") => vec!["sqlite"],
                    Some("postgres") => vec!["postgres"],
                    _ => bail!("--db sqlite or --db postgres"),
                }
            }
            "--save" => o.save = true,
            "--only" => {
                o.only = args
                    .next()
                    .context("--only needs scenario names, comma-separated")?
                    .split(',')
                    .map(str::to_owned)
                    .collect()
            }
            "--instances" => {
                o.instances = Some(
                    args.next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| (1..=8).contains(n))
                        .context("--instances needs a number from 1 to 8")?,
                )
            }
            other => bail!("unknown bench flag `{other}`"),
        }
    }
    Ok(o)
}

pub fn bench(root: &Path, args: &[String]) -> Result<()> {
    let opts = options(args)?;
    if Command::new("wrk").arg("--version").output().is_err() {
        tools::apt_install(&["wrk"])?;
    }
    cmd(
        "cargo",
        &["build", "--release", "-p", "chapar-api", "--bin", "chapar"],
    )
    .run()?;
    let dir = std::env::temp_dir().join(format!("chapar-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut report = String::new();
    if let Some(instances) = opts.instances {
        let cluster = crate::postgres::Cluster::start_with(
            "-c shared_buffers=1GB -c effective_cache_size=8GB",
        )?;
        let table = scale_out(root, &dir, &cluster.url(), instances, &opts)?;
        println!("\n{table}");
        report.push_str(&table);
    }
    for db in opts.databases.iter().filter(|_| opts.instances.is_none()) {
        let table = match *db {
            "sqlite" => {
                let url = format!("sqlite://{}", dir.join("bench.db").display());
                suite(root, &dir, "SQLite", &url, &opts)?
            }
            _ => {
                // Sized as a production server of a million letters would be
                // (the default 128 MB holds a tenth of the letters table).
                let cluster = crate::postgres::Cluster::start_with(
                    "-c shared_buffers=1GB -c effective_cache_size=8GB",
                )?;
                suite(root, &dir, "PostgreSQL", &cluster.url(), &opts)?
            }
        };
        println!("\n{table}");
        report.push_str(&table);
    }
    if opts.save {
        let day = cmd("date", &["-u", "+%Y-%m-%d"]).output()?;
        let path = root.join(format!("bench/results/{}.md", day.trim()));
        std::fs::create_dir_all(root.join("bench/results"))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        file.write_all(report.as_bytes())?;
        println!("saved to {}", path.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A fake SMS gateway that answers every POST at once and counts them.
fn fake_gateway() -> Result<(u16, Arc<AtomicU64>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let count = Arc::new(AtomicU64::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut out = match stream.try_clone() {
                    Ok(out) => out,
                    Err(_) => return,
                };
                let mut reader = BufReader::new(stream);
                loop {
                    let mut length = 0usize;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    seen.fetch_add(1, Ordering::Relaxed);
                    let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
                    if out.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((port, count))
}

fn curl(args: &[&str]) -> Result<String> {
    cmd("curl", &[&["-sS", "--fail-with-body"], args].concat()).output()
}

fn curl_json(args: &[&str]) -> Result<Value> {
    let text = curl(args)?;
    serde_json::from_str(&text).with_context(|| format!("not JSON: {text}"))
}

/// One measured run of wrk.
struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    errors: u64,
}

fn millis(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return None,
    })
}

/// The machine's busy and total CPU time so far (`/proc/stat`, all CPUs).
fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    // idle and iowait
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

/// Waits (at most 10 s) until the machine is nearly idle. A run at 32
/// connections ends with up to 32 requests still being computed (a
/// dashboard's take a few hundred ms, by the server and PostgreSQL); the
/// next run's latencies must not include waiting behind them.
fn settle() {
    let deadline = Instant::now() + Duration::from_secs(10);
    let Some(mut last) = cpu_ticks() else {
        return;
    };
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        let Some(now) = cpu_ticks() else {
            return;
        };
        let (busy, total) = (now.0 - last.0, now.1 - last.1);
        if total > 0 && (busy as f64) < 0.2 * total as f64 {
            return;
        }
        last = now;
    }
}

fn run_wrk(
    base: &str,
    path: &str,
    lua: &str,
    dir: &Path,
    connections: u32,
    seconds: u32,
) -> Result<Measured> {
    let script = dir.join("scenario.lua");
    std::fs::write(&script, lua)?;
    let out = cmd(
        "wrk",
        &[
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "5s",
            "--latency",
            "-s",
            &script.to_string_lossy(),
            &format!("{base}{path}"),
        ],
    )
    .output()?;
    let number_after = |prefix: &str| -> Option<f64> {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .and_then(|v| v.trim().parse().ok())
    };
    let percentile = |p: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(p))
            .and_then(millis)
            .unwrap_or(f64::NAN)
    };
    let requests = out
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let socket_errors: u64 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Socket errors:"))
        .map(|rest| {
            rest.split(',')
                .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Ok(Measured {
        rps: number_after("Requests/sec:")
            .with_context(|| format!("no Requests/sec in wrk output:\n{out}"))?,
        p50_ms: percentile("50%"),
        p99_ms: percentile("99%"),
        requests,
        errors: number_after("Non-2xx or 3xx responses:").unwrap_or(0.0) as u64 + socket_errors,
    })
}

/// Lua lines that give each wrk thread its own number (`tid`), so generated
/// bodies and keys never repeat across threads or runs.
const THREAD_IDS: &str = r#"
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
counter = 0
stamp = os.time()
"#;

/// A registration body with a fresh subject, mobile and `Idempotency-Key`.
const REGISTER_FN: &str = r#"
function register_request(token)
  counter = counter + 1
  local id = string.format("%d-%d-%d", stamp, tid, counter)
  local mobile = string.format("0913%07d", (tid * 1000003 + counter) % 10000000)
  local body = string.format('{"applicant":{"kind":"natural","national_id":"0499370899","first_name":"علی","last_name":"رضایی","mobile":"%s"},"recipient_agency_code":"water","subject":"بررسی قبض آب شماره %s","body":"مبلغ قبض آب این ماه بیش از حد معمول است.","priority":"normal"}', mobile, id)
  return wrk.format("POST", "/api/v1/letters", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token, ["Idempotency-Key"] = "bench-" .. id}, body)
end
"#;

/// A wrk script that registers a fresh letter with each request, as `token`.
fn register_script(token: &str) -> String {
    format!("{THREAD_IDS}{REGISTER_FN}\nrequest = function() return register_request(\"{token}\") end\n")
}

struct Scenario {
    name: &'static str,
    path: String,
    lua: String,
}

fn get_as(token: &str) -> String {
    format!("wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Tokens {
    operator: String,
    admin: String,
    agency: String,
}

fn login(base: &str, username: &str) -> Result<String> {
    let body = format!(r#"{{"username":"{username}","password":"chapar-demo"}}"#);
    let res = curl_json(&[
        "-H",
        "content-type: application/json",
        "-d",
        &body,
        &format!("{base}/api/v1/auth/login"),
    ])?;
    res["access_token"]
        .as_str()
        .map(str::to_owned)
        .context("no access token")
}

/// The last delivery in the agency's inbox (`None` when it is empty), read
/// page by page before the bench registers anything.
fn last_delivery(base: &str, token: &str) -> Result<Option<i64>> {
    let (mut after, mut last) = (String::new(), None);
    loop {
        let page = curl_json(&[
            "-H",
            &format!("authorization: Bearer {token}"),
            &format!("{base}/api/v1/inbox?limit=100{after}"),
        ])?;
        if let Some(item) = page["items"].as_array().and_then(|items| items.last()) {
            last = item["delivery_id"].as_i64();
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => after = format!("&after={cursor}"),
            None => return Ok(last),
        }
    }
}

/// The scenarios; `periods` are the `from`/`to` query strings of the 30- and
/// 366-day dashboards; `seeded_inbox_end` the agency's last delivery before
/// the bench's own registrations.
fn scenarios(
    tokens: &Tokens,
    sample: &Value,
    periods: (String, String),
    seeded_inbox_end: Option<i64>,
) -> Vec<Scenario> {
    let code = sample["tracking_code"].as_str().unwrap_or_default();
    let national_id = sample["applicant_national_id"].as_str().unwrap_or_default();
    let display: String = code
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-");
    let tracking_body = format!(r#"{{"tracking_code":"{code}","national_id":"{national_id}"}}"#);
    let post_tracking = format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{tracking_body}]]\n"
    );
    // The server's tracking page, posted as a browser posts its form.
    let form_body = format!("tracking_code={code}&national_id={national_id}");
    let post_tracking_page = format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nwrk.body = [[{form_body}]]\n"
    );
    let (days30, days366) = periods;
    let mixed = format!(
        r#"{THREAD_IDS}{REGISTER_FN}
request = function()
  local r = counter % 13
  if r == 0 then return register_request("{op}") end
  counter = counter + 1
  if r <= 8 then
    return wrk.format("POST", "/api/v1/tracking", {{["Content-Type"] = "application/json"}}, [[{tracking_body}]])
  elseif r <= 10 then
    return wrk.format("GET", "/api/v1/inbox?limit=50", {{["Authorization"] = "Bearer {agency}"}})
  else
    return wrk.format("GET", "/api/v1/letters?q={word}", {{["Authorization"] = "Bearer {op}"}})
  end
end
"#,
        op = tokens.operator,
        agency = tokens.agency,
        word = urlencode("کریمی"),
    );
    vec![
        Scenario {
            name: "healthz",
            path: "/healthz".into(),
            lua: String::new(),
        },
        Scenario {
            name: "register",
            path: "/api/v1/letters".into(),
            lua: register_script(&tokens.operator),
        },
        Scenario {
            name: "tracking",
            path: "/api/v1/tracking".into(),
            lua: post_tracking,
        },
        Scenario {
            name: "tracking page (HTML)",
            path: "/track".into(),
            lua: post_tracking_page,
        },
        Scenario {
            name: "inbox poll",
            path: "/api/v1/inbox?limit=50".into(),
            lua: get_as(&tokens.agency),
        },
        // The seed's open letters carry files, agency numbers and longer
        // texts; the letters the bench registers do not. At 10,000 letters
        // the page above is mostly the bench's, at 1,000,000 the seed's, so
        // this page of the bench's own letters compares like with like.
        Scenario {
            name: "inbox poll, bench's letters",
            path: match seeded_inbox_end {
                Some(id) => format!("/api/v1/inbox?limit=50&after={id}"),
                None => "/api/v1/inbox?limit=50".into(),
            },
            lua: get_as(&tokens.agency),
        },
        Scenario {
            name: "search by code",
            path: format!("/api/v1/letters?q={}", urlencode(&display)),
            lua: get_as(&tokens.operator),
        },
        Scenario {
            name: "search by word",
            path: format!("/api/v1/letters?q={}", urlencode("کریمی")),
            lua: get_as(&tokens.operator),
        },
        // The same search with a page both volumes fill: at 10,000 letters
        // the operator's office has 12 matches, at 1,000,000 the page above
        // holds 50, so only equal pages compare what history costs.
        Scenario {
            name: "search by word, page of 10",
            path: format!("/api/v1/letters?q={}&limit=10", urlencode("کریمی")),
            lua: get_as(&tokens.operator),
        },
        Scenario {
            name: "letters list",
            path: "/api/v1/letters".into(),
            lua: get_as(&tokens.operator),
        },
        Scenario {
            name: "mixed 1:8:2:2",
            path: "/".into(),
            lua: mixed,
        },
        // Last: a dashboard still computing after its run must not slow the others.
        Scenario {
            name: "dashboard 30 d",
            path: format!("/api/v1/reports/summary?{days30}"),
            lua: get_as(&tokens.admin),
        },
        Scenario {
            name: "dashboard 366 d",
            path: format!("/api/v1/reports/summary?{days366}"),
            lua: get_as(&tokens.admin),
        },
    ]
}

/// The release server on `url`; with `gateway`, its SMS dispatcher sends to
/// the fake gateway on that port (without, it runs no dispatcher). Its
/// database pool is the shipped default (10): with 16, as this bench once
/// set, 16 PostgreSQL backends contended for 2 cores and registrations at
/// 32 connections ran 511–578/s against 589–622/s with 10 (p99 137–183 →
/// 114–121 ms).
fn start_server(
    root: &Path,
    dir: &Path,
    url: &str,
    port: u16,
    gateway: Option<u16>,
) -> Result<Process> {
    start_server_with(root, dir, url, port, gateway, &[])
}

/// [`start_server`] with more environment on top.
fn start_server_with(
    root: &Path,
    dir: &Path,
    url: &str,
    port: u16,
    gateway: Option<u16>,
    env: &[(&str, &str)],
) -> Result<Process> {
    let mut command = Command::new(root.join("target/release/chapar"));
    command.envs(env.iter().copied());
    command
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", url])
        .arg("--data-dir")
        .arg(dir)
        .args(["--static-dir", "/nonexistent"])
        .env("RUST_LOG", "warn")
        .env("CHAPAR_TRACKING_PER_IP_PER_MINUTE", "1000000000")
        .env("CHAPAR_TRACKING_PER_CODE_PER_MINUTE", "1000000000")
        .env("CHAPAR_LOGIN_PER_IP_PER_MINUTE", "1000000")
        .stdout(Stdio::null());
    match gateway {
        Some(port) => command
            .env("CHAPAR_SMS_PROVIDER", "webhook")
            .env(
                "CHAPAR_SMS_WEBHOOK_URL",
                format!("http://127.0.0.1:{port}/sms"),
            )
            .env("CHAPAR_SMS_WEBHOOK_SECRET", "bench-secret")
            .env("CHAPAR_SMS_POLL_MS", "50"),
        None => command.arg("--no-dispatcher"),
    };
    let server = Process::watched(command.spawn().context("start chapar serve")?);
    let started = Instant::now();
    while curl(&[&format!("http://127.0.0.1:{port}/readyz")]).is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the server did not become ready");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(server)
}

/// `chapar seed --letters N` on `url`; answers how long it took.
fn seed(root: &Path, url: &str, letters: usize) -> Result<f64> {
    let seeding = Instant::now();
    cmd(
        root.join("target/release/chapar"),
        &[
            "seed",
            "--letters",
            &letters.to_string(),
            "--database-url",
            url,
        ],
    )
    .env("RUST_LOG", "warn")
    .run()?;
    Ok(seeding.elapsed().as_secs_f64())
}

/// Scale-out mode: 1, 2, … `most` instances on one PostgreSQL database
/// (one JWT secret, each with its SMS dispatcher), 32 connections in total
/// spread evenly over them by one wrk per instance; registration and
/// tracking throughput summed over the instances, with `/healthz` of one
/// instance as the ceiling. On two cores the instances share the CPU: the
/// point is that nothing breaks and the cost per request stays flat.
fn scale_out(root: &Path, dir: &Path, url: &str, most: usize, opts: &Options) -> Result<String> {
    let seeded_in = seed(root, url, opts.letters)?;
    let (gateway, _) = fake_gateway()?;
    let secret = (
        "CHAPAR_JWT_SECRET",
        "bench-scale-out-secret-of-32-bytes-at-least",
    );
    let mut table = format!(
        "\n## Scale-out on PostgreSQL, {} seeded letters (seeded in {seeded_in:.0} s), wrk {} s per row, 32 connections in total\n\n\
         | instances | healthz req/s (one instance) | register req/s | register errors | register × /healthz | tracking req/s | tracking errors | tracking × /healthz |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        opts.letters, opts.seconds
    );
    for n in 1..=most {
        let mut servers = Vec::new();
        let mut bases = Vec::new();
        for i in 0..n {
            let data = dir.join(format!("instance-{i}"));
            std::fs::create_dir_all(&data)?;
            let port = tools::free_port()?;
            servers.push(start_server_with(
                root,
                &data,
                url,
                port,
                Some(gateway),
                &[secret],
            )?);
            bases.push(format!("http://127.0.0.1:{port}"));
        }
        let operator = login(&bases[0], "op-bnd-1021")?;
        let list = curl_json(&[
            "-H",
            &format!("authorization: Bearer {operator}"),
            &format!("{}/api/v1/letters?limit=1", bases[0]),
        ])?;
        let sample = &list["items"][0];
        let health = run_wrk(&bases[0], "/healthz", "", dir, 32, opts.seconds)?;
        let register = spread(
            &bases,
            dir,
            opts.seconds,
            |i| {
                // Each wrk its own key space: thread ids repeat across processes.
                format!("{THREAD_IDS}stamp = stamp * 10 + {i}\n{REGISTER_FN}\nrequest = function() return register_request(\"{operator}\") end\n")
            },
            "/api/v1/letters",
        )?;
        let body = format!(
            r#"{{"tracking_code":"{}","national_id":"{}"}}"#,
            sample["tracking_code"].as_str().unwrap_or_default(),
            sample["applicant_national_id"].as_str().unwrap_or_default()
        );
        let tracking = spread(
            &bases,
            dir,
            opts.seconds,
            |_| {
                format!("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{body}]]\n")
            },
            "/api/v1/tracking",
        )?;
        println!(
            "scale-out  {n} instance(s): healthz {:.0}/s, register {:.0}/s ({} errors), tracking {:.0}/s ({} errors)",
            health.rps, register.0, register.1, tracking.0, tracking.1
        );
        table.push_str(&format!(
            "| {n} | {:.0} | {:.0} | {} | {:.4} | {:.0} | {} | {:.4} |\n",
            health.rps,
            register.0,
            register.1,
            register.0 / health.rps,
            tracking.0,
            tracking.1,
            tracking.0 / health.rps
        ));
        drop(servers);
    }
    Ok(table)
}

/// One wrk per instance at once, 32 connections in total; answers the
/// summed req/s and errors.
fn spread(
    bases: &[String],
    dir: &Path,
    seconds: u32,
    lua: impl Fn(usize) -> String,
    path: &str,
) -> Result<(f64, u64)> {
    let connections = (32 / bases.len()).max(2) as u32;
    settle();
    let runs: Vec<_> = bases
        .iter()
        .enumerate()
        .map(|(i, base)| {
            let own = dir.join(format!("wrk-{i}"));
            let (base, path, lua) = (base.clone(), path.to_owned(), lua(i));
            std::thread::spawn(move || {
                std::fs::create_dir_all(&own)?;
                run_wrk(&base, &path, &lua, &own, connections, seconds)
            })
        })
        .collect();
    let mut total = (0.0, 0);
    for run in runs {
        let m = run
            .join()
            .map_err(|_| anyhow::anyhow!("wrk thread panicked"))??;
        total.0 += m.rps;
        total.1 += m.errors;
    }
    Ok(total)
}

/// Seeds a fresh database, serves it, and runs every scenario on it.
fn suite(root: &Path, dir: &Path, label: &str, url: &str, opts: &Options) -> Result<String> {
    let seeded_in = seed(root, url, opts.letters)?;
    let port = tools::free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let (gateway, sent) = fake_gateway()?;
    let mut server = start_server(root, dir, url, port, Some(gateway))?;
    let tokens = Tokens {
        operator: login(&base, "op-bnd-1021")?,
        admin: login(&base, "admin")?,
        agency: curl_json(&[
            "-d",
            "grant_type=client_credentials&client_id=demo-water&client_secret=demo-secret-water",
            &format!("{base}/api/v1/auth/token"),
        ])?["access_token"]
            .as_str()
            .context("no client token")?
            .to_owned(),
    };
    let list = curl_json(&[
        "-H",
        &format!("authorization: Bearer {}", tokens.operator),
        &format!("{base}/api/v1/letters?limit=1"),
    ])?;
    let sample = list["items"][0].clone();
    let days = |n: i64| {
        cmd("date", &["-u", "-d", &format!("{n} days ago"), "+%Y-%m-%d"])
            .output()
            .map(|d| d.trim().to_owned())
    };
    let today = days(0)?;
    let period = |n: i64| days(n).map(|from| format!("from={from}&to={today}"));
    let seeded_inbox_end = last_delivery(&base, &tokens.agency)?;
    let all = scenarios(
        &tokens,
        &sample,
        (period(29)?, period(365)?),
        seeded_inbox_end,
    );

    let mut rows = Vec::new();
    let mut health = f64::NAN;
    for s in all.iter().filter(|s| opts.runs(s.name)) {
        for connections in [32, 4] {
            settle();
            let m = run_wrk(&base, &s.path, &s.lua, dir, connections, opts.seconds)?;
            if s.name == "healthz" && connections == 32 {
                health = m.rps;
            }
            println!(
                "{label:<10} {:<16} c{connections:<3} {:>9.0} req/s  p50 {:>8.2} ms  p99 {:>8.2} ms  errors {}",
                s.name, m.rps, m.p50_ms, m.p99_ms, m.errors
            );
            rows.push((s.name, connections, m, server.peak_mib()));
        }
    }
    let peak = server.peak_mib();
    let dispatch = if opts.runs("sms") {
        drop(server);
        let (dispatch, restarted) = sms_dispatch(
            root,
            dir,
            (url, port, gateway),
            &sent,
            &tokens.operator,
            opts.seconds,
        )?;
        println!(
            "{label:<10} sms-dispatch     {} of {} messages at {:.0}/s",
            dispatch.drained, dispatch.goal, dispatch.rate
        );
        server = restarted;
        Some(dispatch)
    } else {
        None
    };

    let mut table = format!(
        "\n## {label}, {} seeded letters (seeded in {seeded_in:.0} s), wrk {} s per row\n\n\
         | scenario | conns | req/s | p50 ms | p99 ms | errors | × /healthz | server peak RSS MiB | of it heap MiB |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        opts.letters, opts.seconds
    );
    for (name, connections, m, (rss, heap)) in &rows {
        table.push_str(&format!(
            "| {name} | {connections} | {:.0} | {:.2} | {:.2} | {} | {:.4} | {rss:.0} | {heap:.0} |\n",
            m.rps,
            m.p50_ms,
            m.p99_ms,
            m.errors,
            m.rps / health
        ));
    }
    if let Some(d) = dispatch {
        table.push_str(&format!(
            "| sms-dispatch (zero-latency gateway) | – | {:.0} msg/s | | | {} undelivered of {} | {:.4} | {:.0} | {:.0} |\n",
            d.rate,
            d.goal.saturating_sub(d.drained),
            d.goal,
            d.rate / health,
            server.peak_mib().0.max(peak.0),
            server.peak_mib().1.max(peak.1)
        ));
    }
    Ok(table)
}

/// What the server's SMS dispatcher sent of a backlog.
struct Dispatch {
    rate: f64,
    goal: u64,
    drained: u64,
}

/// SMS dispatch: a backlog registered with the dispatcher stopped, then
/// drained by the server's own dispatcher, restarted (and returned) with it.
fn sms_dispatch(
    root: &Path,
    dir: &Path,
    (url, port, gateway): (&str, u16, u16),
    sent: &AtomicU64,
    operator: &str,
    seconds: u32,
) -> Result<(Dispatch, Process)> {
    let base = format!("http://127.0.0.1:{port}");
    let quiet = start_server(root, dir, url, port, None)?;
    let register = register_script(operator);
    let backlog = run_wrk(&base, "/api/v1/letters", &register, dir, 32, 5.min(seconds))?;
    drop(quiet);
    let goal = backlog.requests - backlog.errors;
    let before = sent.load(Ordering::Relaxed);
    let draining = Instant::now();
    let server = start_server(root, dir, url, port, Some(gateway))?;
    while sent.load(Ordering::Relaxed) - before < goal
        && draining.elapsed() < Duration::from_secs(300)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let drained = sent.load(Ordering::Relaxed) - before;
    // Counted from the restart (which takes a moment of its own).
    let rate = drained as f64 / draining.elapsed().as_secs_f64();
    Ok((
        Dispatch {
            rate,
            goal,
            drained,
        },
        server,
    ))
}
