//! Outages of PostgreSQL, on a cluster of their own that the test stops and
//! starts (`CHAPAR_TEST_FAULT_POSTGRES_URL`, and the script
//! `CHAPAR_TEST_FAULT_POSTGRES_CTL stop|start`; `cargo xtask test` provides
//! both). While the database is down every request that needs it is answered
//! 503 problem+json with `Retry-After` within a second, `/readyz` too; none
//! answers 500, also those whose connection broke under a running query; and
//! service resumes by itself when the database is back.

use crate::common;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chapar::db::Backend;
use common::TestApp;

/// One answer seen by the load: when it was asked (from the start of the
/// load), how long it took, what it was.
#[derive(Debug, Clone)]
struct Seen {
    asked_at: Duration,
    took: Duration,
    path: String,
    status: u16,
    retry_after: bool,
    problem_json: bool,
}

fn ctl(script: &str, action: &str) {
    let status = Command::new("sh")
        .arg(script)
        .arg(action)
        .status()
        .expect("run the cluster's control script");
    assert!(status.success(), "`{script} {action}` failed");
}

/// Light load, one thread per path (each its own runtime, so it keeps
/// asking while the test stops and starts the database): the readiness
/// probe, a letters list and a letter, until `stop`. Times are from `started`.
fn start_load(
    base: &str,
    token: &str,
    letter_id: i64,
    started: Instant,
    stop: &Arc<AtomicBool>,
) -> (Vec<std::thread::JoinHandle<()>>, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let paths = [
        "/readyz".to_owned(),
        "/api/v1/letters?limit=20".to_owned(),
        format!("/api/v1/letters/{letter_id}"),
    ];
    let threads = paths
        .into_iter()
        .map(|path| {
            let (url, token, stop, record) = (
                format!("{base}{path}"),
                token.to_owned(),
                stop.clone(),
                seen.clone(),
            );
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let client = awc::Client::builder()
                        .timeout(Duration::from_secs(10))
                        .finish();
                    while !stop.load(Ordering::Relaxed) {
                        let asked_at = started.elapsed();
                        let res = client.get(&url).bearer_auth(&token).send().await;
                        let took = started.elapsed() - asked_at;
                        let Ok(mut res) = res else {
                            panic!("{path}: no answer at all after {took:?}");
                        };
                        let _ = res.body().await;
                        let problem_json = res
                            .headers()
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .is_some_and(|v| v.starts_with("application/problem+json"));
                        record.lock().expect("seen").push(Seen {
                            asked_at,
                            took,
                            path: path.clone(),
                            status: res.status().as_u16(),
                            retry_after: res.headers().contains_key("retry-after"),
                            problem_json,
                        });
                        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
                    }
                })
            })
        })
        .collect();
    (threads, seen)
}

#[actix_web::test]
async fn an_outage_of_postgresql_is_answered_503_within_a_second_and_service_resumes() {
    let Some(admin_url) = common::postgres_setting("CHAPAR_TEST_FAULT_POSTGRES_URL") else {
        return;
    };
    let script =
        common::postgres_setting("CHAPAR_TEST_FAULT_POSTGRES_CTL").expect("control script");
    let app = TestApp::start_on_database(
        Backend::Postgres,
        common::fresh_database_on(&admin_url),
        |_| {},
    );
    app.seed_demo();
    let (token, letter_id) = app.register_letter("op-bnd-1021", "water").await;

    let stop = Arc::new(AtomicBool::new(false));
    let base = app.server.url("").trim_end_matches('/').to_owned();
    let started = Instant::now();
    let (load, seen) = start_load(&base, &token, letter_id, started, &stop);
    std::thread::sleep(Duration::from_millis(500));
    let stopped_at = started.elapsed();
    ctl(&script, "stop");
    std::thread::sleep(Duration::from_secs(3));
    let restarted_at = started.elapsed();
    ctl(&script, "start");
    // Service resumes by itself: the probe answers 200 again soon after.
    let resumed = Instant::now();
    while app.get("/readyz").await.status != 200 {
        assert!(
            resumed.elapsed() < Duration::from_secs(10),
            "not ready 10 s after the database came back"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for thread in load {
        thread.join().expect("load thread");
    }

    let seen = seen.lock().expect("seen").clone();
    let unexpected: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.status != 200 && s.status != 503)
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers other than 200/503: {unexpected:#?}"
    );
    let bad_503: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.status == 503)
        .filter(|s| !s.retry_after || !s.problem_json || s.took > Duration::from_secs(1))
        .collect();
    assert!(
        bad_503.is_empty(),
        "503s must be problem+json with Retry-After within 1 s: {bad_503:#?}"
    );
    // While the database was down (past the stop itself), every path was
    // answered 503, quickly.
    let during: Vec<&Seen> = seen
        .iter()
        .filter(|s| {
            s.asked_at > stopped_at + Duration::from_millis(500)
                && s.asked_at + s.took < restarted_at
        })
        .collect();
    for path in ["/readyz", "/api/v1/letters?limit=20"] {
        assert!(
            during.iter().any(|s| s.path == path && s.status == 503),
            "{path} was not answered 503 during the outage: {during:#?}"
        );
    }
    assert!(
        during.iter().all(|s| s.status == 503),
        "answered 200 while the database was down? {during:#?}"
    );
    // And after it, everything answers again.
    let last: Vec<&Seen> = seen.iter().rev().take(3).collect();
    assert!(
        last.iter().all(|s| s.status == 200),
        "the last answers after the restart: {last:#?}"
    );
    eprintln!(
        "outage: {} answers, {} of them 503, slowest 503 {:?}",
        seen.len(),
        seen.iter().filter(|s| s.status == 503).count(),
        seen.iter()
            .filter(|s| s.status == 503)
            .map(|s| s.took)
            .max()
    );
}
