//! The authorization matrix: every operation of the OpenAPI document, asked
//! by every kind of caller, must answer what `docs/authorization.md` says.
//! An operation without a row fails, so the table cannot go stale.
//!
//! Each cell is one request made so that an authorised caller succeeds: the
//! letters it acts on are made fresh in the state the action needs, bodies
//! are valid, names are unique. A cell reads `✓` for 2xx, else the status.
//! `UPDATE_AUTHORIZATION=1` rewrites the table from what the server answers
//! (review the diff: it is the policy).

use crate::common;

use std::collections::BTreeMap;

use actix_web::http::Method;
use chapar::db::schema::{agencies, deliveries, notifications};
use common::{Answer, TestApp};
use diesel::prelude::*;
use serde_json::{json, Value};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/authorization.md");
const BEGIN: &str = "<!-- matrix:begin -->";
const END: &str = "<!-- matrix:end -->";

/// The callers, in the table's column order.
const CALLERS: [&str; 11] = [
    "anonymous",
    "operator",
    "operator-other",
    "clerk",
    "clerk-before",
    "clerk-other",
    "system",
    "system-inbox-read",
    "portal",
    "auditor",
    "admin",
];

const APPLICANT_ID: &str = "0499370899";

/// The world every cell runs in: the demo province, a letter registered by
/// office `bnd-1021` for `water`, referred to `electricity` (which holds it),
/// with a file and a note, and a token per caller.
struct World {
    tokens: BTreeMap<&'static str, String>,
    letter: i64,
    tracking_code: String,
    attachment: i64,
    notification: i64,
    download: String,
    client_id: i64,
    user_id: i64,
    serial: std::cell::Cell<u32>,
}

impl World {
    async fn build(app: &TestApp) -> World {
        app.seed_demo();
        let mut tokens = BTreeMap::new();
        for (caller, username) in [
            ("operator", "op-bnd-1021"),
            ("operator-other", "op-qsh-2034"),
            ("clerk", "clerk-electricity"),
            ("clerk-before", "clerk-water"),
            ("clerk-other", "clerk-gas"),
            ("auditor", "auditor"),
            ("admin", "admin"),
        ] {
            tokens.insert(caller, app.token(username).await);
        }
        let admin = tokens["admin"].clone();
        let system = app
            .post_json(
                "/api/v1/auth/token",
                &json!({"grant_type": "client_credentials", "client_id": "demo-electricity",
                        "client_secret": "demo-secret-electricity"}),
            )
            .await;
        tokens.insert(
            "system",
            system.json()["access_token"]
                .as_str()
                .expect("token")
                .to_owned(),
        );
        let inbox_read = json!({"name": "electricity reader", "scopes": ["inbox:read"], "agency_code": "electricity"});
        tokens.insert(
            "system-inbox-read",
            app.client_token(&admin, inbox_read).await,
        );
        let portal = json!({"name": "bnd portal", "scopes": ["letters:read", "letters:write"], "counter_office_code": "bnd-1021"});
        tokens.insert("portal", app.client_token(&admin, portal).await);
        let clients = app.get_as(&admin, "/api/v1/api-clients").await.json();
        let client_id = clients["items"][0]["id"].as_i64().expect("a client");
        let users = app.get_as(&admin, "/api/v1/users?limit=200").await.json();
        let user_id = users["items"]
            .as_array()
            .and_then(|u| u.iter().find(|u| u["username"] == "op-jsk-5019"))
            .and_then(|u| u["id"].as_i64())
            .expect("a user");

        let mut world = World {
            tokens,
            letter: 0,
            tracking_code: String::new(),
            attachment: 0,
            notification: 0,
            download: String::new(),
            client_id,
            user_id,
            serial: std::cell::Cell::new(0),
        };
        let (letter, code) = world.received_at_electricity(app).await;
        let op = world.tokens["operator"].clone();
        let file = app
            .upload(
                &op,
                &format!("/api/v1/letters/{letter}/attachments"),
                &[("نامه.pdf", b"%PDF-1.4 x")],
            )
            .await;
        assert_eq!(file.status, 201, "{}", file.text());
        world.attachment = file.json()[0]["id"].as_i64().expect("attachment id");
        let clerk = world.tokens["clerk"].clone();
        let note = app
            .post_as(
                &clerk,
                &format!("/api/v1/letters/{letter}/notes"),
                &json!({"note": "تماس گرفته شد"}),
            )
            .await;
        assert!(note.status.is_success(), "{}", note.text());
        world.notification = world.notification_of(app, letter);
        world.letter = letter;
        world.tracking_code = code;
        world.download = world.answered_download(app).await;
        world
    }

    fn next(&self) -> u32 {
        self.serial.set(self.serial.get() + 1);
        self.serial.get()
    }

    fn token(&self, caller: &str) -> Option<&str> {
        self.tokens.get(caller).map(String::as_str)
    }

    /// A letter of `bnd-1021` for `water`, not yet acknowledged.
    async fn registered(&self, app: &TestApp) -> (i64, String) {
        let body = json!({
            "applicant": {"kind": "natural", "national_id": APPLICANT_ID, "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": "نمونه", "body": "متن", "priority": "normal"
        });
        let res = app
            .post_as(&self.tokens["operator"], "/api/v1/letters", &body)
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let letter = res.json();
        (
            letter["id"].as_i64().expect("id"),
            letter["tracking_code"].as_str().expect("code").to_owned(),
        )
    }

    /// The open delivery of `letter` to `agency`.
    fn delivery(&self, app: &TestApp, letter: i64, agency: &str) -> i64 {
        let mut conn = app.db.pool().get().expect("connection");
        deliveries::table
            .inner_join(agencies::table.on(agencies::id.eq(deliveries::agency_id)))
            .filter(deliveries::letter_id.eq(letter as i32))
            .filter(agencies::code.eq(agency))
            .order(deliveries::id.desc())
            .select(deliveries::id)
            .first::<i32>(&mut conn)
            .map(i64::from)
            .expect("delivery")
    }

    fn notification_of(&self, app: &TestApp, letter: i64) -> i64 {
        let mut conn = app.db.pool().get().expect("connection");
        notifications::table
            .filter(notifications::letter_id.eq(letter as i32))
            .select(notifications::id)
            .first::<i32>(&mut conn)
            .map(i64::from)
            .expect("notification")
    }

    async fn ack(&self, app: &TestApp, clerk: &str, letter: i64, agency: &str) {
        let delivery = self.delivery(app, letter, agency);
        let res = app
            .post_as(
                &self.tokens[clerk],
                &format!("/api/v1/inbox/{delivery}/ack"),
                &json!({}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }

    /// Registered for `water`, acknowledged, referred to `electricity` (not yet acknowledged there).
    async fn referred_to_electricity(&self, app: &TestApp) -> (i64, String) {
        let (letter, code) = self.registered(app).await;
        self.ack(app, "clerk-before", letter, "water").await;
        let refer = json!({"to_agency_code": "electricity", "note": "در حوزه برق"});
        let res = app
            .post_as(
                &self.tokens["clerk-before"],
                &format!("/api/v1/letters/{letter}/refer"),
                &refer,
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        (letter, code)
    }

    /// As [`Self::referred_to_electricity`], and acknowledged by `electricity`.
    async fn received_at_electricity(&self, app: &TestApp) -> (i64, String) {
        let (letter, code) = self.referred_to_electricity(app).await;
        self.ack(app, "clerk", letter, "electricity").await;
        (letter, code)
    }

    async fn answered(&self, app: &TestApp) -> (i64, String) {
        let (letter, code) = self.received_at_electricity(app).await;
        let res = app
            .post_as(
                &self.tokens["clerk"],
                &format!("/api/v1/letters/{letter}/answer"),
                &json!({"body": "انجام شد"}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        (letter, code)
    }

    /// The public download link of an answer file.
    async fn answered_download(&self, app: &TestApp) -> String {
        let (letter, code) = self.received_at_electricity(app).await;
        let clerk = &self.tokens["clerk"];
        let file = app
            .upload(
                clerk,
                &format!("/api/v1/letters/{letter}/attachments?kind=answer"),
                &[("پاسخ.pdf", b"%PDF-1.4 y")],
            )
            .await;
        assert_eq!(file.status, 201, "{}", file.text());
        let res = app
            .post_as(
                clerk,
                &format!("/api/v1/letters/{letter}/answer"),
                &json!({"body": "پیوست"}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let tracked = app
            .post_json(
                "/api/v1/tracking",
                &json!({"tracking_code": code, "national_id": APPLICANT_ID}),
            )
            .await;
        let url = tracked.json()["answer"]["attachments"][0]["download_url"]
            .as_str()
            .expect("download url")
            .to_owned();
        url.split_once("/api/")
            .map(|(_, rest)| format!("/api/{rest}"))
            .expect("path")
    }

    /// A refresh token of a new admin login.
    async fn refresh_token(&self, app: &TestApp) -> String {
        let res = app.login("admin", chapar::demo::DEMO_PASSWORD).await;
        res.json()["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned()
    }
}

/// The request of one cell: method, path, body (multipart when `Upload`).
enum Body {
    None,
    Json(Value),
    Upload,
}

/// Builds the request of `operation` for a cell (creating what it acts on).
async fn request_of(app: &TestApp, w: &World, operation: &str) -> (Method, String, Body) {
    let (method, template) = operation.split_once(' ').expect("METHOD path");
    let method = Method::from_bytes(method.as_bytes()).expect("method");
    let n = w.next();
    let letter = w.letter;
    let fresh = |path: &str, id: i64| path.replace("{id}", &id.to_string());
    let json = Body::Json;
    let admin = &w.tokens["admin"];
    let (path, body) = match operation {
        "POST /api/v1/inbox/{delivery_id}/ack" => {
            let (fresh_letter, _) = w.referred_to_electricity(app).await;
            let delivery = w.delivery(app, fresh_letter, "electricity");
            (
                template.replace("{delivery_id}", &delivery.to_string()),
                json(json!({"agency_reference": "۱۲۳"})),
            )
        }
        "POST /api/v1/letters/{id}/answer" => (
            fresh(template, w.received_at_electricity(app).await.0),
            json(json!({"body": "پاسخ"})),
        ),
        "POST /api/v1/letters/{id}/refer" => (
            fresh(template, w.received_at_electricity(app).await.0),
            json(json!({"to_agency_code": "gas", "note": ""})),
        ),
        "POST /api/v1/letters/{id}/reject" => (
            fresh(template, w.received_at_electricity(app).await.0),
            json(json!({"reason": "ناقص"})),
        ),
        "POST /api/v1/letters/{id}/withdraw" => (
            fresh(template, w.received_at_electricity(app).await.0),
            json(json!({})),
        ),
        "POST /api/v1/letters/{id}/close" => {
            (fresh(template, w.answered(app).await.0), json(json!({})))
        }
        "POST /api/v1/letters/{id}/attachments" => (
            fresh(template, w.received_at_electricity(app).await.0),
            Body::Upload,
        ),
        "POST /api/v1/letters/{id}/notes" => (
            fresh(template, letter),
            json(json!({"note": format!("یادداشت {n}")})),
        ),
        "POST /api/v1/letters/{id}/sms-opt-out" => {
            (fresh(template, letter), json(json!({"note": "به درخواست"})))
        }
        "POST /api/v1/letters" => (
            template.to_owned(),
            json(json!({
                "applicant": {"kind": "natural", "national_id": APPLICANT_ID, "first_name": "علی",
                              "last_name": "رضایی", "mobile": "09121234567"},
                "recipient_agency_code": "water", "subject": "نمونه", "body": "متن"
            })),
        ),
        "POST /api/v1/letters/possible-duplicates" => (
            template.to_owned(),
            json(
                json!({"national_id": APPLICANT_ID, "recipient_agency_code": "water", "subject": "نمونه"}),
            ),
        ),
        "GET /api/v1/attachments/{id}" => (fresh(template, w.attachment), Body::None),
        "GET /api/v1/tracking/attachments/{id}" => (w.download.clone(), Body::None),
        "POST /api/v1/tracking" => (
            template.to_owned(),
            json(json!({"tracking_code": w.tracking_code, "national_id": APPLICANT_ID})),
        ),
        "GET /api/v1/notifications" => (format!("{template}?letter_id={letter}"), Body::None),
        "GET /api/v1/reports/summary/export" => (format!("{template}?table=agencies"), Body::None),
        "GET /api/v1/notifications/{id}/attempts" | "POST /api/v1/notifications/{id}/retry" => (
            fresh(template, w.notification),
            if method == Method::POST {
                json(json!({}))
            } else {
                Body::None
            },
        ),
        "POST /api/v1/agencies" => (
            template.to_owned(),
            json(json!({"code": format!("m{n}"), "name": format!("دستگاه {n}"), "sla_days": 7})),
        ),
        "POST /api/v1/counter-offices" => (
            template.to_owned(),
            json(
                json!({"code": format!("mx-{n}"), "name": format!("دفتر {n}"), "province": "هرمزگان", "city": "بندرعباس"}),
            ),
        ),
        "POST /api/v1/api-clients" => (
            template.to_owned(),
            json(
                json!({"name": format!("client {n}"), "scopes": ["inbox:read"], "agency_code": "gas"}),
            ),
        ),
        "PATCH /api/v1/api-clients/{id}" => {
            (fresh(template, w.client_id), json(json!({"active": true})))
        }
        "POST /api/v1/users" => (
            template.to_owned(),
            json(
                json!({"username": format!("user-{n}"), "display_name": "کاربر", "password": "a long passphrase",
                        "role": "operator", "counter_office_code": "jsk-5019"}),
            ),
        ),
        "GET /api/v1/users/{id}" => (fresh(template, w.user_id), Body::None),
        "PATCH /api/v1/users/{id}" => (
            fresh(template, w.user_id),
            json(json!({"display_name": "متصدی جاسک"})),
        ),
        "POST /api/v1/answer-templates" => (
            template.to_owned(),
            json(
                json!({"agency_code": "electricity", "name": format!("قالب {n}"), "body": "{applicant} گرامی، پاسخ نامهٔ {code}"}),
            ),
        ),
        "PUT /api/v1/answer-templates/{id}" | "DELETE /api/v1/answer-templates/{id}" => {
            let made = app
                .post_as(
                    admin,
                    "/api/v1/answer-templates",
                    &json!({"agency_code": "electricity", "name": format!("قالب {n}"), "body": "پاسخ"}),
                )
                .await;
            assert_eq!(made.status, 201, "{}", made.text());
            let id = made.json()["id"].as_i64().expect("id");
            let body = if method == Method::PUT {
                json(json!({"name": format!("قالب {n} ویرایش"), "body": "پاسخ {today}"}))
            } else {
                Body::None
            };
            (fresh(template, id), body)
        }
        "POST /api/v1/holidays" => (
            template.to_owned(),
            json(json!({"day": holiday(n), "name": "تعطیل"})),
        ),
        "DELETE /api/v1/holidays/{day}" => {
            let day = holiday(n);
            let made = app
                .post_as(
                    admin,
                    "/api/v1/holidays",
                    &json!({"day": day, "name": "تعطیل"}),
                )
                .await;
            assert_eq!(made.status, 204, "{}", made.text());
            (template.replace("{day}", &day), Body::None)
        }
        "PUT /api/v1/sms/templates/{kind}" => (
            template.replace("{kind}", "registered"),
            json(json!({"body": "نامه شما با کد {code} برای {agency} ثبت شد."})),
        ),
        "DELETE /api/v1/sms/templates/{kind}" => {
            (template.replace("{kind}", "registered"), Body::None)
        }
        "POST /api/v1/sms/templates/{kind}/preview" => (
            template.replace("{kind}", "registered"),
            json(json!({"body": "ثبت شد: {code}"})),
        ),
        "POST /api/v1/sms/opt-outs" => (template.to_owned(), json(json!({"mobile": mobile(n)}))),
        "DELETE /api/v1/sms/opt-outs/{mobile}" => {
            let made = app
                .post_as(admin, "/api/v1/sms/opt-outs", &json!({"mobile": mobile(n)}))
                .await;
            assert!(made.status.is_success(), "{}", made.text());
            (template.replace("{mobile}", &mobile(n)), Body::None)
        }
        "GET /api/v1/counter-offices/{code}" => {
            (template.replace("{code}", "bnd-1021"), Body::None)
        }
        "PATCH /api/v1/agencies/{code}" => (
            template.replace("{code}", "gas"),
            json(json!({"sla_days": 7})),
        ),
        "PATCH /api/v1/counter-offices/{code}" => (
            template.replace("{code}", "qsh-2034"),
            json(json!({"phone": "076-35252034"})),
        ),
        "POST /api/v1/auth/login" => (
            template.to_owned(),
            json(json!({"username": "auditor", "password": chapar::demo::DEMO_PASSWORD})),
        ),
        "POST /api/v1/auth/refresh" | "POST /api/v1/auth/logout" => (
            template.to_owned(),
            json(json!({"refresh_token": w.refresh_token(app).await})),
        ),
        "POST /api/v1/auth/token" => (
            template.to_owned(),
            json(
                json!({"grant_type": "client_credentials", "client_id": "demo-gas", "client_secret": "demo-secret-gas"}),
            ),
        ),
        _ => {
            let path = template
                .replace("{id}", &letter.to_string())
                .replace("{code}", "water")
                .replace("{kind}", "registered");
            let body = if method == Method::GET || method == Method::DELETE {
                Body::None
            } else {
                json(json!({}))
            };
            (path, body)
        }
    };
    (method, path, body)
}

/// A distinct future day per cell.
fn holiday(n: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("day")
        + chrono::Duration::days(i64::from(n)))
    .to_string()
}

fn mobile(n: u32) -> String {
    format!("0935{:07}", n)
}

async fn send(
    app: &TestApp,
    token: Option<&str>,
    (method, path, body): (Method, String, Body),
) -> Answer {
    if let Body::Upload = body {
        return app
            .upload(token.unwrap_or(""), &path, &[("پیوست.pdf", b"%PDF-1.4 z")])
            .await;
    }
    let mut req = app.server.request(method, app.server.url(&path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    match body {
        Body::Json(value) => {
            let req = req.insert_header(("content-type", "application/json"));
            app.send(req, Some(value.to_string().into_bytes())).await
        }
        _ => app.send(req, None).await,
    }
}

fn outcome(answer: &Answer) -> String {
    if answer.status.is_success() || answer.status.as_u16() == 304 {
        "✓".to_owned()
    } else {
        answer.status.as_u16().to_string()
    }
}

/// Every documented operation as `METHOD /path`, in the document's order.
fn operations() -> Vec<String> {
    let spec = chapar::openapi::spec();
    let mut ops = Vec::new();
    for (path, item) in &spec.paths.paths {
        for method in chapar::openapi::methods(item) {
            ops.push(format!("{method} {path}"));
        }
    }
    ops
}

/// The table of the document: operation → cells by caller.
fn documented() -> BTreeMap<String, Vec<String>> {
    let doc = std::fs::read_to_string(DOC).expect("docs/authorization.md");
    let table = doc
        .split(BEGIN)
        .nth(1)
        .and_then(|rest| rest.split(END).next())
        .unwrap_or_default();
    table
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            (cells[0].trim_matches('`').to_owned(), cells[1..].to_vec())
        })
        .collect()
}

fn table(rows: &BTreeMap<String, Vec<String>>, order: &[String]) -> String {
    let mut out = format!(
        "| operation | {} |\n|---|{}\n",
        CALLERS.join(" | "),
        "---|".repeat(CALLERS.len())
    );
    for op in order {
        out.push_str(&format!("| `{op}` | {} |\n", rows[op].join(" | ")));
    }
    out
}

/// A demo server whose login limits let every cell log in (refresh and
/// logout cells each need a login of their own).
async fn matrix_app(backend: chapar::db::Backend) -> Option<TestApp> {
    TestApp::start_configured(backend, |settings| {
        settings.login_per_ip_per_minute = 10_000;
        settings.login_per_name_per_minute = 10_000;
        settings.tracking_per_ip_per_minute = 10_000;
        settings.tracking_per_code_per_minute = 10_000;
    })
    .await
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_matrix_says_sqlite() {
    let app = matrix_app(chapar::db::Backend::Sqlite)
        .await
        .expect("sqlite app");
    check_matrix(app).await;
}

#[actix_web::test]
async fn every_operation_answers_every_caller_as_the_matrix_says_postgres() {
    if let Some(app) = matrix_app(chapar::db::Backend::Postgres).await {
        check_matrix(app).await;
    }
}

async fn check_matrix(app: TestApp) {
    let world = World::build(&app).await;
    let order = operations();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in &order {
        let mut row = Vec::new();
        for caller in CALLERS {
            let request = request_of(&app, &world, op).await;
            row.push(outcome(&send(&app, world.token(caller), request).await));
        }
        seen.insert(op.clone(), row);
    }
    if std::env::var_os("UPDATE_AUTHORIZATION").is_some()
        && app.backend == chapar::db::Backend::Sqlite
    {
        let doc = std::fs::read_to_string(DOC).expect("doc");
        let (head, rest) = doc.split_once(BEGIN).expect("begin marker");
        let (_, tail) = rest.split_once(END).expect("end marker");
        std::fs::write(
            DOC,
            format!("{head}{BEGIN}\n{}{END}{tail}", table(&seen, &order)),
        )
        .expect("write doc");
        return;
    }
    let expected = documented();
    let mut wrong = Vec::new();
    for op in &order {
        match expected.get(op) {
            None => wrong.push(format!("{op}: no row in docs/authorization.md")),
            Some(cells) => {
                for (i, caller) in CALLERS.iter().enumerate() {
                    let (want, got) = (
                        cells.get(i).map(String::as_str).unwrap_or("?"),
                        seen[op][i].as_str(),
                    );
                    if want != got {
                        wrong.push(format!(
                            "{op} as {caller}: the matrix says {want}, the server answered {got}"
                        ));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cells differ:\n{}",
        wrong.len(),
        order.len() * CALLERS.len(),
        wrong.join("\n")
    );
}
