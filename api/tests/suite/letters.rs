//! Letters at the counter: registration, idempotency, validation, scoping,
//! attachments, the hash chain and public tracking.

use crate::common;

use common::{urlencode, TestApp};
use serde_json::{json, Value};

fn letter(national_id: &str) -> Value {
    json!({
        "applicant": {
            "kind": "natural",
            "national_id": national_id,
            "first_name": "علي",
            "last_name": "رضایی",
            "mobile": "+989121234567"
        },
        "recipient_agency_code": "water",
        "subject": "بررسی قبض آب",
        "body": "مبلغ قبض این ماه بیش از حد معمول است.",
        "priority": "normal"
    })
}

/// Registers a letter as the Bandar Abbas operator; answers (token, letter).
async fn register(app: &TestApp) -> (String, Value) {
    let op = app.token("op-bnd-1021").await;
    let res = app
        .post_as(&op, "/api/v1/letters", &letter("۰۴۹۹۳۷۰۸۹۹"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (op, res.json())
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";

both_backends! {
    async fn registering_creates_the_letter_its_events_delivery_and_sms(app) {
        app.seed_demo();
        let (op, created) = register(&app).await;
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        assert_eq!(code.len(), 12);
        assert!(shared::tracking::parse(&code).is_ok());
        assert_eq!(created["status"], "delivered");
        assert_eq!(created["applicant"]["national_id"], "0499370899");
        assert_eq!(created["applicant"]["first_name"], "علی");
        assert_eq!(created["applicant"]["mobile"], "09121234567");
        assert_eq!(created["holder_agency_code"], "water");
        assert_eq!(created["counter_office_code"], "bnd-1021");
        assert_eq!(created["allowed_actions"], json!(["receive", "reject", "withdraw"]));
        assert!(created["due_at"].is_string());

        let id = created["id"].as_i64().expect("id");
        // The answer is the letter as stored: read back, it is the same.
        let stored = app.get_as(&op, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(stored, created);
        let events = app.get_as(&op, &format!("/api/v1/letters/{id}/events")).await.json();
        let kinds: Vec<&str> = events.as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds, ["registered", "delivered"]);
        assert_eq!(events[1]["agency_code"], "water");
        assert_eq!(events[1]["prev_hash"], events[0]["hash"]);

        let sms = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.json();
        let sms = sms["items"].as_array().expect("items").clone();
        assert_eq!(sms.len(), 1);
        assert_eq!(sms[0]["status"], "pending");
        assert_eq!(sms[0]["mobile"], "09121234567");
        assert!(sms[0]["text"].as_str().unwrap_or_default().contains(&shared::sms::persian_digits(&shared::tracking::display(&code))));

        let verify = app.get_as(&op, &format!("/api/v1/letters/{id}/verify")).await.json();
        assert_eq!(verify, json!({"intact": true, "events": 2, "broken_at_seq": null}));
    }

    async fn a_retried_registration_with_the_same_key_writes_nothing_new(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let send = |body: Value| {
            let req = app
                .server
                .post("/api/v1/letters")
                .bearer_auth(&op)
                .insert_header(("content-type", "application/json"))
                .insert_header(("Idempotency-Key", "counter-7-retry-1"));
            app.send(req, Some(body.to_string().into_bytes()))
        };
        let first = send(letter("0499370899")).await;
        assert_eq!(first.status, 201);
        let again = send(letter("0499370899")).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.json(), first.json());
        // With the first answer's headers too.
        for name in ["location", "etag"] {
            assert!(first.header(name).is_some(), "{name}");
            assert_eq!(again.header(name), first.header(name), "{name}");
        }
        let list = app.get_as(&op, "/api/v1/letters").await.json();
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

        let other = send(letter("1234567891")).await;
        assert_eq!(other.status, 422);
        assert_eq!(other.json()["errors"][0]["field"], "Idempotency-Key");

        // A first request with a key still running: a concurrent duplicate gets 409.
        app.execute("INSERT INTO idempotency_keys (principal, idem_key, request_hash, created_at) \
                     VALUES ('op-bnd-1021', 'in-flight', 'x', CURRENT_TIMESTAMP)");
        let req = app.server.post("/api/v1/letters").bearer_auth(&op)
            .insert_header(("content-type", "application/json"))
            .insert_header(("Idempotency-Key", "in-flight"));
        let busy = app.send(req, Some(letter("0499370899").to_string().into_bytes())).await;
        assert_eq!(busy.status, 409, "{}", busy.text());
        assert_eq!(app.get_as(&op, "/api/v1/letters").await.json()["items"].as_array().map(Vec::len), Some(1));

        // A key past its 48 hours, not yet swept, is new again.
        app.execute("UPDATE idempotency_keys SET created_at = '2000-01-01 00:00:00' \
                     WHERE idem_key = 'counter-7-retry-1'");
        let renewed = send(letter("0499370899")).await;
        assert_eq!(renewed.status, 201, "{}", renewed.text());
        assert_eq!(renewed.header("idempotent-replayed"), None);
        assert_ne!(renewed.json()["id"], first.json()["id"]);
        let replayed = send(letter("0499370899")).await;
        assert_eq!(replayed.json(), renewed.json(), "the renewed key answers its new letter");
    }

    async fn concurrent_requests_with_one_key_make_one_letter_and_all_answer_it(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let send = || {
            let req = app.server.post("/api/v1/letters").bearer_auth(&op)
                .insert_header(("content-type", "application/json"))
                .insert_header(("Idempotency-Key", "double-click"));
            app.send(req, Some(letter("0499370899").to_string().into_bytes()))
        };
        let answers = futures_util::future::join_all((0..6).map(|_| send())).await;
        for answer in &answers {
            assert_eq!(answer.status, 201, "{}", answer.text());
            assert_eq!(answer.json(), answers[0].json());
        }
        let first: Vec<_> = answers.iter().filter(|a| a.header("idempotent-replayed").is_none()).collect();
        assert_eq!(first.len(), 1, "one request registered, the others replayed its answer");
        let list = app.get_as(&op, "/api/v1/letters").await.json();
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
        let id = answers[0].json()["id"].as_i64().expect("id");
        let sms = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.json();
        assert_eq!(sms["items"].as_array().map(Vec::len), Some(1), "one SMS");
    }

    async fn bad_input_names_each_field_and_writes_nothing(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let mut body = letter("0499370898");
        body["applicant"]["mobile"] = json!("02112345678");
        body["recipient_agency_code"] = json!("");
        let res = app.post_as(&op, "/api/v1/letters", &body).await;
        assert_eq!(res.status, 422);
        assert!(res.content_type().starts_with("application/problem+json"));
        let fields: Vec<String> = res.json()["errors"].as_array().expect("errors").iter()
            .map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(fields, ["applicant.national_id", "applicant.mobile", "recipient_agency_code"]);

        let unknown_agency = app.post_as(&op, "/api/v1/letters", &json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "a", "last_name": "b", "mobile": "09121234567"},
            "recipient_agency_code": "nope", "subject": "s", "body": "b"
        })).await;
        assert_eq!(unknown_agency.status, 422);
        assert_eq!(unknown_agency.json()["errors"][0]["field"], "recipient_agency_code");
        let list = app.get_as(&op, "/api/v1/letters").await.json();
        assert_eq!(list["items"], json!([]));

        // Clerks and agency clients do not register letters.
        let clerk = app.token("clerk-water").await;
        assert_eq!(app.post_as(&clerk, "/api/v1/letters", &letter("0499370899")).await.status, 403);
    }

    async fn letters_are_visible_only_to_their_office_and_agencies(app) {
        app.seed_demo();
        let (_op, created) = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let other_office = app.token("op-qsh-2034").await;
        let other_agency = app.token("clerk-tax").await;
        let clerk = app.token("clerk-water").await;
        let auditor = app.token("auditor").await;
        for path in [format!("/api/v1/letters/{id}"), format!("/api/v1/letters/{id}/events"), format!("/api/v1/letters/{id}/verify"), format!("/api/v1/notifications?letter_id={id}")] {
            assert_eq!(app.get_as(&other_office, &path).await.status, 404, "{path}");
            assert_eq!(app.get_as(&other_agency, &path).await.status, 404, "{path}");
            assert_eq!(app.get_as(&clerk, &path).await.status, 200, "{path}");
            assert_eq!(app.get_as(&auditor, &path).await.status, 200, "{path}");
        }
        assert_eq!(app.get_as(&other_office, "/api/v1/letters").await.json()["items"], json!([]));
        assert_eq!(app.get_as(&clerk, "/api/v1/letters").await.json()["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(app.get_as(&other_office, "/api/v1/notifications").await.status, 422);
    }

    async fn the_list_filters_and_searches_in_persian(app) {
        app.seed_demo();
        let (op, created) = register(&app).await;
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let persian_code = shared::sms::persian_digits(&code);
        for q in ["رضايي", "۰۴۹۹۳۷۰۸۹۹", persian_code.as_str(), "قبض"] {
            let path = format!("/api/v1/letters?q={}", urlencode(q));
            let res = app.get_as(&op, &path).await.json();
            assert_eq!(res["items"].as_array().map(Vec::len), Some(1), "q={q}");
        }
        assert_eq!(app.get_as(&op, "/api/v1/letters?q=nothing-like-this").await.json()["items"], json!([]));
        assert_eq!(app.get_as(&op, "/api/v1/letters?status=delivered&agency=water&overdue=false").await.json()["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(app.get_as(&op, "/api/v1/letters?status=answered").await.json()["items"], json!([]));
        assert_eq!(app.get_as(&op, "/api/v1/letters?overdue=true").await.json()["items"], json!([]));
        assert_eq!(app.get_as(&op, "/api/v1/letters?status=bogus").await.status, 400);
    }

    async fn a_word_finds_every_word_it_begins(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let mut ids = Vec::new();
        for last_name in ["کریمی", "کريميان", "کریم", "عبدالکریمی"] {
            let mut body = letter("0499370899");
            body["applicant"]["last_name"] = json!(last_name);
            let res = app.post_as(&op, "/api/v1/letters", &body).await;
            assert_eq!(res.status, 201, "{}", res.text());
            ids.push(res.json()["id"].as_i64().expect("id"));
        }
        let found = |q: &'static str| {
            let (app, op) = (&app, op.clone());
            async move {
                let res = app.get_as(&op, &format!("/api/v1/letters?q={}", urlencode(q))).await.json();
                res["items"].as_array().expect("items").iter().filter_map(|l| l["id"].as_i64()).collect::<Vec<_>>()
            }
        };
        // Newest first; a word matches the words it begins, never one it ends.
        assert_eq!(found("کریمی").await, [ids[1], ids[0]]);
        assert_eq!(found("كريم").await, [ids[2], ids[1], ids[0]]);
        assert_eq!(found("کریمیان").await, [ids[1]]);
        assert_eq!(found("کریمی علی").await, [ids[1], ids[0]]);
        assert_eq!(found("کریمیانی").await, Vec::<i64>::new());
    }

    async fn etags_let_readers_skip_unchanged_letters(app) {
        app.seed_demo();
        let (op, created) = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let res = app.get_as(&op, &format!("/api/v1/letters/{id}")).await;
        let etag = res.header("etag").expect("etag").to_owned();
        let req = app.server.get(format!("/api/v1/letters/{id}")).bearer_auth(&op).insert_header(("If-None-Match", etag));
        assert_eq!(app.send(req, None).await.status, 304);
    }

    async fn a_tampered_history_is_detected(app) {
        app.seed_demo();
        let (op, created) = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        app.execute(&format!("UPDATE letter_events SET note = 'edited later' WHERE letter_id = {id} AND seq = 1"));
        let verify = app.get_as(&op, &format!("/api/v1/letters/{id}/verify")).await.json();
        assert_eq!(verify["intact"], false);
        assert_eq!(verify["broken_at_seq"], 1);
    }

    async fn public_tracking_needs_the_right_national_code(app) {
        app.seed_demo();
        let (_op, created) = register(&app).await;
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let res = app.post_json("/api/v1/tracking", &json!({"tracking_code": shared::tracking::display(&code), "national_id": "۴۹۹۳۷۰۸۹۹"})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        // The applicant learns by when the agency should answer.
        assert_eq!(res.json()["due_at"], created["due_at"]);
        let answer = res.json();
        assert_eq!(answer["status"], "delivered");
        assert_eq!(answer["holder_agency_code"], "water");
        let kinds: Vec<&str> = answer["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds, ["registered", "delivered"]);
        assert!(!res.text().contains("op-bnd-1021"), "no staff names in public answers");

        let wrong_person = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "1234567891"})).await;
        // Another well-formed code that does not exist.
        let unknown_code = shared::tracking::from_random([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
        let unknown = app.post_json("/api/v1/tracking", &json!({"tracking_code": unknown_code, "national_id": "0499370899"})).await;
        assert_eq!(wrong_person.status, 404);
        assert_eq!(unknown.status, 404);
        assert_eq!(wrong_person.body, unknown.body);

        let typo = app.post_json("/api/v1/tracking", &json!({"tracking_code": "123456789012", "national_id": "0499370899"})).await;
        assert!(typo.status == 422 || typo.status == 404);
    }
}

/// A tracking lookup of a well-formed but unknown code from `client` (sent
/// as `X-Forwarded-For`); answers the status.
async fn lookup_from(app: &TestApp, client: &str, n: u32) -> u16 {
    let code = shared::tracking::from_random([n, 7, 3, 9, n / 10, 2, 8, 1, 6, 4, n / 100]);
    let req = app
        .server
        .post("/api/v1/tracking")
        .insert_header(("content-type", "application/json"))
        .insert_header(("x-forwarded-for", client));
    let body = json!({"tracking_code": code, "national_id": "1234567891"});
    app.send(req, Some(body.to_string().into_bytes()))
        .await
        .status
        .as_u16()
}

both_backends! {
    async fn public_tracking_is_rate_limited_per_code(app) {
        app.seed_demo();
        let (_op, created) = register(&app).await;
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let res = app
                .post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "1234567891"}))
                .await;
            statuses.push(res.status.as_u16());
        }
        assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 10, "{statuses:?}");
        assert_eq!(statuses.last(), Some(&429));
    }
}

/// Per-IP limits of public tracking (5 a minute here, so that no token comes
/// back during the test), with and without a trusted load balancer.
async fn per_ip_limits(backend: chapar::db::Backend) {
    let limit = |trusted: &'static str| {
        move |settings: &mut chapar::config::Settings| {
            settings.tracking_per_ip_per_minute = 5;
            settings.trusted_proxies =
                chapar::client_ip::TrustedProxies::parse(trusted).expect("list");
        }
    };
    // Nobody is trusted by default: a forged X-Forwarded-For changes nothing.
    let Some(app) = TestApp::start_configured(backend, limit("")).await else {
        return;
    };
    let mut statuses = Vec::new();
    for n in 0..6 {
        statuses.push(lookup_from(&app, &format!("203.0.113.{n}"), n).await);
    }
    assert_eq!(statuses, [404, 404, 404, 404, 404, 429]);

    // Behind a trusted balancer, each applicant has a budget of their own.
    let app = TestApp::start_configured(backend, limit("127.0.0.1"))
        .await
        .expect("app");
    for n in 0..5 {
        assert_eq!(lookup_from(&app, "203.0.113.1", n).await, 404);
    }
    assert_eq!(lookup_from(&app, "203.0.113.1", 5).await, 429);
    assert_eq!(lookup_from(&app, "203.0.113.2", 6).await, 404);
    // A fake address put in front by the limited applicant does not help it.
    assert_eq!(lookup_from(&app, "198.51.100.9, 203.0.113.1", 7).await, 429);
}

#[actix_web::test]
async fn per_ip_limits_sqlite() {
    per_ip_limits(chapar::db::Backend::Sqlite).await;
}

#[actix_web::test]
async fn per_ip_limits_postgres() {
    per_ip_limits(chapar::db::Backend::Postgres).await;
}

// Attachments: on the local disk and in an S3-compatible bucket.
every_store! {
    async fn attachments_are_typed_by_content_and_limited(app) {
        app.seed_demo();
        let (op, created) = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let path = format!("/api/v1/letters/{id}/attachments");

        // A PNG named .pdf is stored as what it is.
        let res = app.upload(&op, &path, &[("scan.pdf", PNG), ("نامه.pdf", PDF)]).await;
        assert_eq!(res.status, 201, "{}", res.text());
        let stored = res.json();
        assert_eq!(stored[0]["content_type"], "image/png");
        assert_eq!(stored[1]["content_type"], "application/pdf");
        assert_eq!(stored[1]["file_name"], "نامه.pdf");
        assert_eq!(stored[0]["sha256"].as_str().map(str::len), Some(64));

        // An executable with a .pdf name is refused.
        let res = app.upload(&op, &path, &[("invoice.pdf", ELF)]).await;
        assert_eq!(res.status, 415);
        assert!(res.content_type().starts_with("application/problem+json"));
        // Too large.
        let mut big = PDF.to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        let res = app.upload(&op, &path, &[("big.pdf", &big)]).await;
        assert_eq!(res.status, 413);

        let letter = app.get_as(&op, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(letter["attachments"].as_array().map(Vec::len), Some(2), "refused files leave no row");

        // Download: the right bytes, type and name; the wrong office gets 404.
        let att = stored[1]["id"].as_i64().expect("attachment id");
        let file = app.get_as(&op, &format!("/api/v1/attachments/{att}")).await;
        assert_eq!(file.status, 200);
        assert_eq!(file.content_type(), "application/pdf");
        assert_eq!(file.body, PDF);
        assert!(file.header("content-disposition").unwrap_or_default().starts_with("attachment"));
        let clerk = app.token("clerk-water").await;
        assert_eq!(app.get_as(&clerk, &format!("/api/v1/attachments/{att}")).await.status, 200);
        let stranger = app.token("op-qsh-2034").await;
        assert_eq!(app.get_as(&stranger, &format!("/api/v1/attachments/{att}")).await.status, 404);
        assert_eq!(app.upload(&stranger, &path, &[("x.pdf", PDF)]).await.status, 404);
    }

    async fn the_applicant_downloads_the_answer_files_with_the_tracking_link(app) {
        app.seed_demo();
        let (_op, created) = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let clerk = app.token("clerk-water").await;
        let inbox = app.get_as(&clerk, "/api/v1/inbox").await.json();
        let delivery = inbox["items"][0]["delivery_id"].as_i64().expect("delivery");
        assert_eq!(app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
        let res = app.upload(&clerk, &format!("/api/v1/letters/{id}/attachments?kind=answer"), &[("پاسخ.pdf", PDF)]).await;
        assert_eq!(res.status, 201, "{}", res.text());

        // Before the answer is given, the public sees no files.
        let lookup = json!({"tracking_code": code, "national_id": "0499370899"});
        let before = app.post_json("/api/v1/tracking", &lookup).await.json();
        assert!(before["answer"].is_null(), "{before}");

        let answered = app.post_as(&clerk, &format!("/api/v1/letters/{id}/answer"), &json!({"body": "پاسخ پیوست است."})).await;
        assert_eq!(answered.status, 200, "{}", answered.text());
        let public = app.post_json("/api/v1/tracking", &lookup).await.json();
        assert!(public["due_at"].is_null(), "answered: nothing is due any more");
        let files = public["answer"]["attachments"].as_array().expect("answer files").clone();
        assert_eq!(files.len(), 1, "{public}");
        assert_eq!(files[0]["file_name"], "پاسخ.pdf");
        let url = files[0]["download_url"].as_str().expect("download_url").to_owned();
        assert!(!url.contains("0499370899"), "the national code never goes into a URL");

        let file = app.get(&url).await;
        assert_eq!(file.status, 200, "{}", file.text());
        assert_eq!(file.body, PDF);
        assert_eq!(file.content_type(), "application/pdf");
        assert_eq!(file.header("cache-control"), Some("no-store"));

        // A tampered or foreign token, or a token for another file, does not open it.
        let (path, token) = url.split_once("?token=").expect("token in the link");
        let forged = format!("{path}?token={}x", token);
        assert_eq!(app.get(&forged).await.status, 403);
        let file_id: i64 = path.rsplit('/').next().and_then(|n| n.parse().ok()).expect("file id");
        let other = format!("/api/v1/tracking/attachments/{}?token={token}", file_id + 1);
        let refused = app.get(&other).await;
        assert_eq!(refused.status, 403, "a link is good for its own file only");
        assert_eq!(refused.json()["code"], "download.link_invalid");
        assert_eq!(app.get(&format!("/api/v1/tracking/attachments/{file_id}")).await.status, 400);
    }
}
