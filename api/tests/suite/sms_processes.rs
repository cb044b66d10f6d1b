//! The dispatcher as a real process (`chapar dispatch`): several processes
//! on one PostgreSQL send each message exactly once; a dispatcher killed with
//! SIGKILL mid-batch loses no message.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::fake_kavenegar::{Behaviour, FakeKavenegar, API_KEY};
use common::TestApp;
use serde_json::json;

/// Kills its processes when dropped (also when a test fails).
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn dispatch_process(database_url: &str, fake: &FakeKavenegar, lease_secs: u64) -> Child {
    Command::new(env!("CARGO_BIN_EXE_chapar"))
        .arg("dispatch")
        .env("DATABASE_URL", database_url)
        .env("CHAPAR_SMS_PROVIDER", "kavenegar")
        .env("CHAPAR_KAVENEGAR_API_KEY", API_KEY)
        .env("CHAPAR_KAVENEGAR_BASE_URL", &fake.base_url)
        .env("CHAPAR_SMS_HOURLY_CAP", "1000000")
        .env("CHAPAR_SMS_BATCH", "20")
        .env("CHAPAR_SMS_POLL_MS", "20")
        .env("CHAPAR_SMS_LEASE_SECS", lease_secs.to_string())
        .env("CHAPAR_SMS_BACKOFF_BASE_MS", "50")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start chapar dispatch")
}

async fn register_one(app: &TestApp) -> i64 {
    let op = app.token("op-bnd-1021").await;
    let res = app
        .post_as(&op, "/api/v1/letters", &json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی", "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": "قبض", "body": "متن"
        }))
        .await;
    assert_eq!(res.status, 201);
    res.json()["id"].as_i64().expect("id")
}

async fn count_status(app: &TestApp, status: &str) -> i64 {
    use chapar::db::schema::notifications;
    use diesel::prelude::*;
    let status = status.to_owned();
    app.db
        .run(move |conn| {
            Ok(notifications::table
                .filter(notifications::status.eq(&status))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .expect("count")
}

async fn wait_until_all_sent(app: &TestApp, total: i64, limit: Duration) {
    let started = Instant::now();
    while count_status(app, "sent").await < total {
        assert!(
            started.elapsed() < limit,
            "only {} of {total} sent after {limit:?}",
            count_status(app, "sent").await
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn two_dispatch_processes_on_postgres_send_each_message_exactly_once() {
    let Some(app) = TestApp::with_demo(chapar::db::Backend::Postgres).await else {
        return;
    };
    let letter = register_one(&app).await;
    app.execute(&format!(
        "INSERT INTO notifications (letter_id, event_kind, mobile, text, status, attempts, next_attempt_at, created_at, updated_at) \
         SELECT {letter}, 'registered', '09120000000', 'پیام ' || i, 'pending', 0, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC' \
         FROM generate_series(1, 999) AS i"
    ));
    let fake = FakeKavenegar::start(Behaviour {
        delay: Duration::from_millis(2),
        ..Default::default()
    });
    let started = Instant::now();
    let _workers = Processes(vec![
        dispatch_process(&app.database_url, &fake, 30),
        dispatch_process(&app.database_url, &fake, 30),
    ]);
    wait_until_all_sent(&app, 1000, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    let mut accepted = fake.accepted();
    let total = accepted.len();
    accepted.sort_unstable();
    accepted.dedup();
    assert_eq!(accepted.len(), 1000, "every message reached the gateway");
    assert_eq!(total, 1000, "and none twice");
    println!(
        "two dispatch processes sent 1000 messages in {elapsed:.1?} ({:.0} messages/s, including process start)",
        1000.0 / elapsed.as_secs_f64()
    );
}

#[actix_web::test]
async fn a_dispatcher_killed_mid_batch_loses_no_message() {
    let app = TestApp::with_demo(chapar::db::Backend::Sqlite)
        .await
        .expect("app");
    let letter = register_one(&app).await;
    app.execute(&format!(
        "INSERT INTO notifications (letter_id, event_kind, mobile, text, status, attempts, next_attempt_at, created_at, updated_at) \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 199) \
         SELECT {letter}, 'registered', '09120000000', 'پیام ' || i, 'pending', 0, '2000-01-01 00:00:00', '2000-01-01 00:00:00', '2000-01-01 00:00:00' FROM n"
    ));
    // A slow gateway, so the kill lands while messages are in flight.
    let fake = FakeKavenegar::start(Behaviour {
        delay: Duration::from_millis(150),
        ..Default::default()
    });
    let mut first = Processes(vec![dispatch_process(&app.database_url, &fake, 2)]);
    let started = Instant::now();
    while fake.accepted().len() < 50 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the dispatcher did not start sending"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    first.0[0].kill().expect("kill -9");
    let _ = first.0[0].wait();
    // Let the gateway finish requests that were already in its hands.
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;
    let accepted_before = fake.accepted();
    let sent_before = count_status(&app, "sent").await;
    // Accepted by the gateway, but the dispatcher died before recording it.
    let unrecorded = accepted_before.len() as i64 - sent_before;

    let _second = Processes(vec![dispatch_process(&app.database_url, &fake, 2)]);
    wait_until_all_sent(&app, 200, Duration::from_secs(120)).await;
    let accepted = fake.accepted();
    let mut unique = accepted.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 200, "every message reached the gateway");
    let duplicates = accepted.len() - unique.len();
    println!(
        "killed after {} accepted / {sent_before} recorded: {unrecorded} acknowledgements lost, {duplicates} messages seen twice by the gateway",
        accepted_before.len()
    );
    assert_eq!(
        duplicates as i64, unrecorded,
        "only messages whose acknowledgement was lost are sent twice"
    );
    assert!(duplicates <= 20, "at most one batch was in flight");
}
