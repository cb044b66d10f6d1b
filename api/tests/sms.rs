//! The SMS dispatcher against a fake Kavenegar gateway: every outbox row ends
//! sent or failed as it should, retries back off, the API key never leaks,
//! opt-outs and hourly caps hold, delivery reports arrive.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chapar::sms::dispatcher::Dispatcher;
use chapar::sms::providers::{http_client, Provider};
use chapar::sms::SmsConfig;
use common::fake_kavenegar::{Behaviour, FakeKavenegar, API_KEY};
use common::TestApp;
use serde_json::{json, Value};

fn config() -> SmsConfig {
    SmsConfig {
        max_attempts: 4,
        backoff_base_ms: 2,
        backoff_max_ms: 20,
        lease: Duration::from_secs(30),
        batch: 10,
        timeout: Duration::from_millis(800),
        hourly_cap: 1000,
        poll: Duration::from_millis(5),
    }
}

fn dispatcher(app: &TestApp, fake: &FakeKavenegar, config: SmsConfig) -> Dispatcher {
    Dispatcher::new(
        app.db.clone(),
        Provider::kavenegar(API_KEY, Some("10004346"), &fake.base_url),
        config,
        None,
    )
}

async fn register(app: &TestApp, op: &str, mobile: &str) -> i64 {
    let res = app
        .post_as(op, "/api/v1/letters", &json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی", "last_name": "رضایی", "mobile": mobile},
            "recipient_agency_code": "water", "subject": "قبض", "body": "متن"
        }))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().expect("id")
}

async fn outbox(app: &TestApp) -> Vec<Value> {
    let admin = app.token("admin").await;
    app.get_as(&admin, "/api/v1/notifications?limit=200")
        .await
        .json()["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Runs batches until nothing is due (or `rounds` run out).
async fn drain(d: &Dispatcher, rounds: usize) {
    let client = http_client(Duration::from_millis(1800));
    for _ in 0..rounds {
        let report = d.run_batch(&client).await.expect("batch");
        if report.claimed == 0 {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

fn statuses(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

both_backends! {
    async fn every_message_is_sent_through_a_flaky_gateway(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour { fail_share: 0.3, ..Default::default() });
        let mut ids = Vec::new();
        for _ in 0..12 {
            ids.push(register(&app, &op, "09121234567").await);
        }
        let d = dispatcher(&app, &fake, SmsConfig { max_attempts: 20, ..config() });
        drain(&d, 200).await;
        let rows = outbox(&app).await;
        assert_eq!(rows.len(), 12);
        assert!(statuses(&rows).iter().all(|s| s == "sent"), "{:?}", statuses(&rows));
        // Each message reached the gateway exactly once (failed requests were not accepted).
        let mut accepted = fake.accepted();
        accepted.sort_unstable();
        let mut expected: Vec<i32> = rows.iter().filter_map(|r| r["id"].as_i64()).map(|i| i as i32).collect();
        expected.sort_unstable();
        assert_eq!(accepted, expected);
        assert!(rows.iter().any(|r| r["attempts"].as_i64() > Some(1)), "some messages needed retries");
        assert!(rows.iter().all(|r| r["provider_message_id"].is_string()));
    }

    async fn documented_statuses_end_as_they_should(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour::default());
        // (return.status, expected final state, attempts used)
        for (status, expected, attempts) in [(411, "failed", 1), (403, "failed", 1), (413, "failed", 1), (418, "failed", 4), (409, "failed", 4)] {
            fake.set(|b| b.status = Some(status));
            let id = register(&app, &op, "09121234567").await;
            let d = dispatcher(&app, &fake, config());
            drain(&d, 60).await;
            let rows = outbox(&app).await;
            let row = rows.iter().find(|r| r["letter_id"].as_i64() == Some(id)).expect("row");
            assert_eq!(row["status"], expected, "status {status}: {row}");
            assert_eq!(row["attempts"], attempts, "status {status}: {row}");
            assert!(row["last_error"].as_str().unwrap_or_default().contains(&status.to_string()), "{row}");
        }
        fake.set(|b| b.status = None);
        let id = register(&app, &op, "09121234567").await;
        drain(&dispatcher(&app, &fake, config()), 10).await;
        let rows = outbox(&app).await;
        assert_eq!(rows.iter().find(|r| r["letter_id"].as_i64() == Some(id)).map(|r| r["status"].clone()), Some(json!("sent")));
    }

    async fn a_gateway_that_times_out_is_retried(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour { delay: Duration::from_millis(1500), slow_requests: 2, ..Default::default() });
        register(&app, &op, "09121234567").await;
        drain(&dispatcher(&app, &fake, config()), 100).await;
        let rows = outbox(&app).await;
        assert_eq!(rows[0]["status"], "sent", "{}", rows[0]);
        assert_eq!(rows[0]["attempts"], 3);
        let admin = app.token("admin").await;
        let attempts = app.get_as(&admin, &format!("/api/v1/notifications/{}/attempts", rows[0]["id"])).await.json();
        let outcomes: Vec<&str> = attempts.as_array().expect("attempts").iter().filter_map(|a| a["outcome"].as_str()).collect();
        assert_eq!(outcomes, ["retry", "retry", "sent"]);
        assert!(attempts[0]["error"].as_str().unwrap_or_default().contains("no answer"));
    }

    async fn backoff_delays_grow_between_attempts(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour { status: Some(409), ..Default::default() });
        register(&app, &op, "09121234567").await;
        let d = dispatcher(&app, &fake, SmsConfig { max_attempts: 5, backoff_base_ms: 80, backoff_max_ms: 5000, ..config() });
        drain(&d, 400).await;
        let rows = outbox(&app).await;
        assert_eq!(rows[0]["status"], "failed");
        let admin = app.token("admin").await;
        let attempts = app.get_as(&admin, &format!("/api/v1/notifications/{}/attempts", rows[0]["id"])).await.json();
        let times: Vec<chrono::DateTime<chrono::Utc>> = attempts.as_array().expect("attempts").iter()
            .filter_map(|a| a["at"].as_str().and_then(|t| t.parse().ok())).collect();
        assert_eq!(times.len(), 5);
        let gaps: Vec<i64> = times.windows(2).map(|w| (w[1] - w[0]).num_milliseconds()).collect();
        // Equal jitter: the k-th delay lies in [d/2, d] with d = 80 ms doubling, and a
        // message is never retried before its time: the gaps' floors double.
        for (gap, floor) in gaps.iter().zip([40, 80, 160, 320]) {
            assert!(*gap >= floor - 2, "gap {gap} ms below {floor} ms: {gaps:?}");
        }
    }

    async fn opted_out_numbers_get_nothing_and_caps_hold(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour::default());
        let id = register(&app, &op, "09351112233").await;
        // Through the letter, by the registering office only.
        let opt_out = format!("/api/v1/letters/{id}/sms-opt-out");
        let body = json!({"note": "به درخواست متقاضی"});
        assert_eq!(app.post_as(&app.token("op-qsh-2034").await, &opt_out, &body).await.status, 404);
        assert_eq!(app.post_as(&app.token("clerk-water").await, &opt_out, &body).await.status, 403);
        let res = app.post_as(&op, &opt_out, &body).await;
        assert_eq!(res.status, 204, "{}", res.text());
        // The province's list is the admin's.
        assert_eq!(app.get_as(&op, "/api/v1/sms/opt-outs").await.status, 403);
        assert_eq!(app.post_as(&op, "/api/v1/sms/opt-outs", &json!({"mobile": "09121112233"})).await.status, 403);
        let listed = app.get_as(&app.token("admin").await, "/api/v1/sms/opt-outs").await;
        assert_eq!(listed.status, 200);
        assert!(listed.text().contains("09351112233"), "{}", listed.text());
        let letter = app.get_as(&op, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(letter["sms_opt_out"], true);
        // A new letter of the number says so in the registration's answer.
        let again = app
            .post_as(&op, "/api/v1/letters", &json!({
                "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی", "last_name": "رضایی", "mobile": "09351112233"},
                "recipient_agency_code": "water", "subject": "قبض", "body": "متن"
            }))
            .await;
        assert_eq!(again.status, 201, "{}", again.text());
        assert_eq!(again.json()["sms_opt_out"], true);
        let other = app.get_as(&op, &format!("/api/v1/letters/{}", register(&app, &op, "09127778899").await)).await.json();
        assert_eq!(other["sms_opt_out"], false);
        for _ in 0..3 {
            register(&app, &op, "09127778899").await;
        }
        drain(&dispatcher(&app, &fake, SmsConfig { hourly_cap: 2, ..config() }), 20).await;
        let rows = outbox(&app).await;
        let opted = rows.iter().find(|r| r["mobile"] == "09351112233").expect("row");
        assert_eq!(opted["status"], "failed");
        assert!(opted["last_error"].as_str().unwrap_or_default().contains("opted out"));
        let capped: Vec<&Value> = rows.iter().filter(|r| r["mobile"] == "09127778899").collect();
        assert_eq!(capped.iter().filter(|r| r["status"] == "sent").count(), 2);
        let waiting = capped.iter().find(|r| r["status"] == "pending").expect("one waits");
        assert!(waiting["last_error"].as_str().unwrap_or_default().contains("hourly cap"));
        assert_eq!(fake.accepted().len(), 2);
    }

    async fn delivery_reports_mark_messages_delivered(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour { report_status: 10, ..Default::default() });
        register(&app, &op, "09121234567").await;
        let d = dispatcher(&app, &fake, config());
        drain(&d, 5).await;
        let client = http_client(Duration::from_secs(2));
        assert_eq!(d.fetch_reports(&client).await.expect("reports"), 1);
        let rows = outbox(&app).await;
        assert_eq!(rows[0]["status"], "delivered");
    }

    async fn failed_messages_can_be_retried_by_an_admin(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let fake = FakeKavenegar::start(Behaviour { status: Some(411), ..Default::default() });
        register(&app, &op, "09121234567").await;
        drain(&dispatcher(&app, &fake, config()), 5).await;
        let rows = outbox(&app).await;
        assert_eq!(rows[0]["status"], "failed");
        let admin = app.token("admin").await;
        let stats = app.get_as(&admin, "/api/v1/sms/stats").await.json();
        assert_eq!(stats["failed"], 1);
        fake.set(|b| b.status = None);
        let id = rows[0]["id"].as_i64().expect("id");
        assert_eq!(app.post_as(&admin, &format!("/api/v1/notifications/{id}/retry"), &json!({})).await.status, 204);
        drain(&dispatcher(&app, &fake, config()), 5).await;
        assert_eq!(outbox(&app).await[0]["status"], "sent");
        assert_eq!(app.post_as(&op, &format!("/api/v1/notifications/{id}/retry"), &json!({})).await.status, 403);
    }
}

/// Everything any test of this binary logs, from here on.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs one process-wide subscriber writing into a buffer. (A scoped,
/// per-thread subscriber misses events while other test threads run: tracing
/// caches each call site's interest process-wide.)
fn capture_logs() -> LogBuffer {
    static BUFFER: std::sync::OnceLock<LogBuffer> = std::sync::OnceLock::new();
    BUFFER
        .get_or_init(|| {
            let buffer = LogBuffer::default();
            let writer = buffer.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::DEBUG)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("the only global subscriber");
            buffer
        })
        .clone()
}

/// The API key is part of Kavenegar's URL: it must never reach a log line or
/// a stored error, whatever goes wrong.
#[actix_web::test]
async fn the_api_key_never_appears_in_logs_or_errors() {
    let buffer = capture_logs();

    let app = TestApp::with_demo(chapar::db::Backend::Sqlite)
        .await
        .expect("app");
    let op = app.token("op-bnd-1021").await;
    let fake = FakeKavenegar::start(Behaviour {
        status: Some(403),
        ..Default::default()
    });
    register(&app, &op, "09121234567").await;
    register(&app, &op, "09121234568").await;
    drain(&dispatcher(&app, &fake, config()), 5).await;
    // A gateway that cannot be reached at all: the connection error names the URL.
    let closed = Dispatcher::new(
        app.db.clone(),
        Provider::kavenegar(API_KEY, None, "http://127.0.0.1:9"),
        config(),
        None,
    );
    app.execute("UPDATE notifications SET status = 'pending', attempts = 0, leased_until = NULL");
    drain(&closed, 20).await;

    let rows = outbox(&app).await;
    let logs = String::from_utf8_lossy(&buffer.0.lock().map(|b| b.clone()).unwrap_or_default())
        .into_owned();
    assert!(
        logs.contains("SMS not sent"),
        "the failures were logged: {logs}"
    );
    assert!(!logs.contains(API_KEY), "API key in the logs");
    for row in &rows {
        assert!(
            !row.to_string().contains(API_KEY),
            "API key in a stored error: {row}"
        );
        assert!(row["last_error"].is_string());
    }
    let admin = app.token("admin").await;
    let attempts = app
        .get_as(
            &admin,
            &format!("/api/v1/notifications/{}/attempts", rows[0]["id"]),
        )
        .await;
    assert!(!attempts.text().contains(API_KEY));
}

both_backends! {
    async fn admins_edit_templates_and_new_messages_use_them(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let admin = app.token("admin").await;
        let bad = app.request_put(&admin, "/api/v1/sms/templates/registered", &json!({"body": "نامه {code} برای {person}"})).await;
        assert_eq!(bad.status, 422);
        assert!(bad.json()["errors"][0]["message"].as_str().unwrap_or_default().contains("{person}"));
        let preview = app.post_as(&admin, "/api/v1/sms/templates/registered/preview", &json!({"body": "ثبت شد: {code} ({agency})"})).await.json();
        assert_eq!(preview["parts"], 1);
        assert!(preview["text"].as_str().unwrap_or_default().contains("۷۲۹۴-۴۰۱۸-۳۶۵۱"));
        let saved = app.request_put(&admin, "/api/v1/sms/templates/registered", &json!({"body": "ثبت شد: {code} نزد {agency}"})).await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        assert_eq!(saved.json()["edited"], true);
        let id = register(&app, &op, "09121234567").await;
        let rows = outbox(&app).await;
        let row = rows.iter().find(|r| r["letter_id"].as_i64() == Some(id)).expect("row");
        assert!(row["text"].as_str().unwrap_or_default().starts_with("ثبت شد: "), "{row}");
        assert!(row["text"].as_str().unwrap_or_default().contains("شرکت آب و فاضلاب"));
        // Reset to the built-in text.
        let req = app.server.delete("/api/v1/sms/templates/registered").bearer_auth(&admin);
        assert_eq!(app.send(req, None).await.status, 204);
        let list = app.get_as(&admin, "/api/v1/sms/templates").await.json();
        assert_eq!(list.as_array().map(Vec::len), Some(8));
        assert!(list.as_array().expect("list").iter().all(|t| t["edited"] == false));
    }

    async fn an_overdue_letter_notifies_its_applicant_once(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let id = register(&app, &op, "09121234567").await;
        app.execute(&format!("UPDATE deliveries SET due_at = '2026-11-20 06:00:00' WHERE letter_id = {id}"));
        let mut conn = app.db.pool().get().expect("connection");
        assert_eq!(chapar::workflow::notify_overdue(&mut conn, 100).expect("notify"), 1);
        assert_eq!(chapar::workflow::notify_overdue(&mut conn, 100).expect("notify again"), 0);
        drop(conn);
        let rows = outbox(&app).await;
        let overdue: Vec<&Value> = rows.iter().filter(|r| r["event_kind"] == "overdue").collect();
        assert_eq!(overdue.len(), 1);
        assert!(overdue[0]["text"].as_str().unwrap_or_default().contains("۲۹ آبان ۱۴۰۵"), "{}", overdue[0]);
    }
}

/// The generic webhook: a JSON POST signed with HMAC-SHA256 over the body.
#[actix_web::test]
async fn the_webhook_provider_signs_what_it_sends() {
    use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
    use hmac::{Hmac, Mac};

    type Received = Arc<Mutex<Vec<(String, String)>>>;
    let received: Received = Arc::default();
    let sink = received.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                let sink = sink.clone();
                App::new().route(
                    "/sms",
                    web::post().to(move |req: HttpRequest, body: web::Bytes| {
                        let sink = sink.clone();
                        async move {
                            let signature = req
                                .headers()
                                .get("X-Chapar-Signature")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_owned();
                            let body = String::from_utf8_lossy(&body).into_owned();
                            let mut seen = sink.lock().expect("lock");
                            seen.push((body, signature));
                            // The first request fails with 503: it must be retried.
                            if seen.len() == 1 {
                                HttpResponse::ServiceUnavailable().finish()
                            } else {
                                HttpResponse::Ok().finish()
                            }
                        }
                    }),
                )
            })
            .workers(1)
            .bind("127.0.0.1:0")
            .expect("bind");
            tx.send(server.addrs()[0].port()).expect("port");
            let _ = server.run().await;
        });
    });
    let port = rx.recv().expect("webhook started");

    let app = TestApp::with_demo(chapar::db::Backend::Sqlite)
        .await
        .expect("app");
    let op = app.token("op-bnd-1021").await;
    register(&app, &op, "09121234567").await;
    let secret = "webhook-secret-of-the-gateway";
    let d = Dispatcher::new(
        app.db.clone(),
        Provider::webhook(&format!("http://127.0.0.1:{port}/sms"), secret),
        config(),
        None,
    );
    drain(&d, 30).await;
    let rows = outbox(&app).await;
    assert_eq!(rows[0]["status"], "sent", "{}", rows[0]);
    assert_eq!(rows[0]["attempts"], 2);
    let seen = received.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    let (body, signature) = &seen[1];
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(signature, &format!("sha256={expected}"));
    let sent: Value = serde_json::from_str(body).expect("json body");
    assert_eq!(sent["mobile"], "09121234567");
    assert_eq!(sent["event"], "registered");
}

both_backends! {
    async fn unknown_messages_and_kinds_are_not_found(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        assert_eq!(app.get_as(&admin, "/api/v1/notifications/999999/attempts").await.status, 404);
        let req = app.server.delete("/api/v1/sms/templates/no-such-kind").bearer_auth(&admin);
        assert_eq!(app.send(req, None).await.status, 404);
        let req = app.server.delete("/api/v1/sms/templates/registered").bearer_auth(&admin);
        assert_eq!(app.send(req, None).await.status, 204);
    }
}
