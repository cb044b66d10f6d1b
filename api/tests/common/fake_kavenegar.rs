//! A fake Kavenegar gateway on a loopback port, for the SMS tests: it records
//! every message it accepts and can fail a share of requests, be slow, or
//! answer a chosen `return.status`.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};

pub const API_KEY: &str = "FAKE-KAVENEGAR-KEY-3f9a1c77";

#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Share (0–1) of send requests answered HTTP 502 without accepting.
    pub fail_share: f64,
    /// Answer `return.status` with this instead of 200 (nothing is accepted).
    pub status: Option<i32>,
    /// Hold each answer this long (slower than the client's timeout = a timeout).
    pub delay: Duration,
    /// Requests answered slowly before the gateway becomes fast.
    pub slow_requests: usize,
    /// Kavenegar delivery status answered by `status.json` (10 = delivered).
    pub report_status: i32,
}

#[derive(Debug, Default)]
pub struct Seen {
    /// `localid`s of accepted messages, in order.
    pub accepted: Vec<i32>,
    pub requests: usize,
    pub bad_keys: usize,
}

pub struct FakeKavenegar {
    pub base_url: String,
    pub behaviour: Arc<Mutex<Behaviour>>,
    pub seen: Arc<Mutex<Seen>>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for FakeKavenegar {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)));
    }
}

#[derive(serde::Deserialize)]
struct SendForm {
    receptor: String,
    message: String,
    localid: Option<String>,
}

#[derive(serde::Deserialize)]
struct StatusForm {
    messageid: String,
}

struct Shared {
    behaviour: Arc<Mutex<Behaviour>>,
    seen: Arc<Mutex<Seen>>,
    counter: Mutex<u64>,
}

async fn send(
    path: web::Path<String>,
    form: web::Form<SendForm>,
    shared: web::Data<Shared>,
) -> HttpResponse {
    let key = path.into_inner();
    let behaviour = shared
        .behaviour
        .lock()
        .map(|b| b.clone())
        .unwrap_or_default();
    let request_no = {
        let mut seen = shared.seen.lock().expect("lock");
        seen.requests += 1;
        if key != API_KEY {
            seen.bad_keys += 1;
        }
        seen.requests
    };
    if request_no <= behaviour.slow_requests
        || behaviour.slow_requests == 0 && !behaviour.delay.is_zero()
    {
        actix_web::rt::time::sleep(behaviour.delay).await;
    }
    if key != API_KEY {
        return HttpResponse::Ok().json(serde_json::json!({"return": {"status": 403, "message": "invalid api key"}, "entries": null}));
    }
    if let Some(status) = behaviour.status {
        return HttpResponse::Ok().json(serde_json::json!({"return": {"status": status, "message": "fake error"}, "entries": null}));
    }
    // A deterministic share of failures: every request whose fraction lands under the share.
    let n = {
        let mut c = shared.counter.lock().expect("lock");
        *c += 1;
        *c
    };
    if behaviour.fail_share > 0.0 && ((n as f64 * 0.618_033_988_75) % 1.0) < behaviour.fail_share {
        return HttpResponse::BadGateway().body("upstream trouble");
    }
    let local: i32 = form
        .localid
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or(-1);
    shared.seen.lock().expect("lock").accepted.push(local);
    HttpResponse::Ok().json(serde_json::json!({
        "return": {"status": 200, "message": "تایید شد"},
        "entries": [{
            "messageid": 8_000_000 + i64::from(local),
            "message": form.message,
            "status": 1,
            "statustext": "در صف ارسال",
            "sender": "10004346",
            "receptor": form.receptor,
            "date": 1_356_619_709,
            "cost": 120
        }]
    }))
}

async fn status(form: web::Form<StatusForm>, shared: web::Data<Shared>) -> HttpResponse {
    let code = shared
        .behaviour
        .lock()
        .map(|b| b.report_status)
        .unwrap_or(10);
    let entries: Vec<_> = form
        .messageid
        .split(',')
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .map(|id| serde_json::json!({"messageid": id, "status": code, "statustext": if code == 10 { "رسیده به گوشی" } else { "نرسیده" }}))
        .collect();
    HttpResponse::Ok().json(
        serde_json::json!({"return": {"status": 200, "message": "تایید شد"}, "entries": entries}),
    )
}

impl FakeKavenegar {
    pub fn start(behaviour: Behaviour) -> FakeKavenegar {
        let behaviour = Arc::new(Mutex::new(behaviour));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (b, s) = (behaviour.clone(), seen.clone());
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let shared = web::Data::new(Shared {
                    behaviour: b,
                    seen: s,
                    counter: Mutex::new(0),
                });
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(shared.clone())
                        .route("/v1/{key}/sms/send.json", web::post().to(send))
                        .route("/v1/{key}/sms/status.json", web::post().to(status))
                })
                .workers(2)
                .bind("127.0.0.1:0")
                .expect("bind fake gateway");
                let port = server.addrs()[0].port();
                let server = server.run();
                tx.send((port, server.handle())).expect("send port");
                let _ = server.await;
            });
        });
        let (port, handle) = rx.recv().expect("fake gateway started");
        FakeKavenegar {
            base_url: format!("http://127.0.0.1:{port}"),
            behaviour,
            seen,
            handle,
        }
    }

    pub fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        if let Ok(mut b) = self.behaviour.lock() {
            change(&mut b);
        }
    }

    pub fn accepted(&self) -> Vec<i32> {
        self.seen
            .lock()
            .map(|s| s.accepted.clone())
            .unwrap_or_default()
    }
}
