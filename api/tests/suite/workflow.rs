//! The agency inbox and the letter workflow: polling, acknowledging,
//! referring, answering, closing; state and version conflicts; long polls.

use crate::common;

use std::time::{Duration, Instant};

use common::{urlencode, TestApp};
use serde_json::{json, Value};

fn letter() -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی", "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water",
        "subject": "بررسی قبض آب",
        "body": "مبلغ قبض آب این ماه بیش از حد معمول است."
    })
}

async fn register(app: &TestApp) -> Value {
    let op = app.token("op-bnd-1021").await;
    let res = app.post_as(&op, "/api/v1/letters", &letter()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

/// An agency system's token (client credentials).
async fn client_token(app: &TestApp, agency: &str) -> String {
    let res = app
        .post_raw(
            "/api/v1/auth/token",
            "application/x-www-form-urlencoded",
            &format!("grant_type=client_credentials&client_id=demo-{agency}&client_secret=demo-secret-{agency}"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn event_kinds(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    app.get_as(token, &format!("/api/v1/letters/{id}/events"))
        .await
        .json()
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn sms_kinds(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let mut kinds: Vec<String> = app
        .get_as(token, &format!("/api/v1/notifications?letter_id={id}"))
        .await
        .json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["event_kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    kinds.reverse();
    kinds
}

both_backends! {
    async fn a_letter_lives_from_registration_to_closing(app) {
        app.seed_demo();
        let created = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let op = app.token("op-bnd-1021").await;
        let water = client_token(&app, "water").await;

        // The water company's system polls and acknowledges.
        let page = app.get_as(&water, "/api/v1/inbox").await.json();
        assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(page["new_count"], 1);
        let item = &page["items"][0];
        assert_eq!(item["letter"]["id"], id);
        assert!(item["due_at"].is_string());
        let delivery = item["delivery_id"].as_i64().expect("delivery");
        let acked = app.post_as(&water, &format!("/api/v1/inbox/{delivery}/ack"), &json!({"agency_reference": "۱۴۰۵/۱۲"})).await;
        assert_eq!(acked.status, 200, "{}", acked.text());
        assert_eq!(acked.json()["status"], "received");
        assert_eq!(app.get_as(&water, "/api/v1/inbox").await.json()["items"], json!([]));

        // It is the municipality's matter: refer.
        let referred = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"), &json!({"to_agency_code": "municipality", "note": "در حوزه شهرداری"})).await;
        assert_eq!(referred.status, 200, "{}", referred.text());
        assert_eq!(referred.json()["status"], "delivered");
        assert_eq!(referred.json()["holder_agency_code"], "municipality");
        // Names for people beside the codes for programs.
        assert_eq!(referred.json()["holder_agency_name"], "شهرداری بندرعباس");
        assert!(referred.json()["counter_office_name"].as_str().is_some_and(|n| !n.is_empty() && n != "bnd-1021"));
        let history = app.get_as(&op, &format!("/api/v1/letters/{id}/events")).await.json();
        let referral = history.as_array().expect("events").iter().find(|e| e["kind"] == "referred").expect("referral").clone();
        assert_eq!(referral["to_agency_name"], "شهرداری بندرعباس");
        assert_eq!(referral["actor"], "client:demo-water");
        assert!(referral["actor_name"].as_str().is_some_and(|n| !n.starts_with("client:")), "{referral}");
        assert!(history[0]["actor_name"].as_str().is_some_and(|n| n.starts_with("متصدی")), "{}", history[0]);
        // Water keeps read access, but may no longer act.
        assert_eq!(app.get_as(&water, &format!("/api/v1/letters/{id}")).await.status, 200);
        assert_eq!(app.post_as(&water, &format!("/api/v1/letters/{id}/answer"), &json!({"body": "x"})).await.status, 403);

        // The municipality's clerk works in the SPA with the same API.
        let clerk = app.token("clerk-municipality").await;
        // A words search finds the letter for each agency it reached, and
        // for its office, and for nobody else.
        let words = format!("/api/v1/letters?q={}", urlencode("قبض آب"));
        for (token, found) in [(&clerk, 1), (&water, 1), (&op, 1), (&app.token("clerk-tax").await, 0), (&app.token("op-qsh-2034").await, 0)] {
            let items = app.get_as(token, &words).await.json()["items"].as_array().map(Vec::len);
            assert_eq!(items, Some(found));
        }
        let page = app.get_as(&clerk, "/api/v1/inbox").await.json();
        assert_eq!(page["items"][0]["from_agency_code"], "water");
        let delivery = page["items"][0]["delivery_id"].as_i64().expect("delivery");
        assert_eq!(app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
        let answered = app.post_as(&clerk, &format!("/api/v1/letters/{id}/answer"), &json!({"body": "قبض اصلاح شد."})).await;
        assert_eq!(answered.status, 200, "{}", answered.text());
        assert_eq!(answered.json()["answer"]["agency_code"], "municipality");
        assert_eq!(answered.json()["allowed_actions"], json!(["close"]));

        // The operator hands the answer over.
        let closed = app.post_as(&op, &format!("/api/v1/letters/{id}/close"), &json!({})).await;
        assert_eq!(closed.status, 200, "{}", closed.text());
        assert_eq!(closed.json()["status"], "closed");

        assert_eq!(
            event_kinds(&app, &op, id).await,
            ["registered", "delivered", "received", "referred", "received", "answered", "closed"]
        );
        assert_eq!(sms_kinds(&app, &op, id).await, ["registered", "received", "referred", "received", "answered", "closed"]);
        // The answer's SMS links to the public tracking page of this letter.
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let outbox = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.json();
        let answered_sms = outbox["items"].as_array().expect("items").iter().find(|n| n["event_kind"] == "answered").expect("answered SMS").clone();
        assert!(answered_sms["text"].as_str().unwrap_or_default().contains(&format!("/track?code={code}")), "{answered_sms}");
        let verify = app.get_as(&op, &format!("/api/v1/letters/{id}/verify")).await.json();
        assert_eq!(verify["intact"], true);

        // The applicant sees the answer publicly.
        let code = created["tracking_code"].as_str().expect("code");
        let public = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "0499370899"})).await.json();
        assert_eq!(public["status"], "closed");
        assert_eq!(public["answer"]["body"], "قبض اصلاح شد.");
    }

    async fn an_unacknowledged_delivery_is_delivered_again_and_acks_are_idempotent(app) {
        app.seed_demo();
        let created = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let water = client_token(&app, "water").await;
        let first = app.get_as(&water, "/api/v1/inbox").await.json();
        // The agency system crashes before acknowledging; after restart it polls again.
        let again = app.get_as(&water, "/api/v1/inbox").await.json();
        assert_eq!(first["items"][0]["delivery_id"], again["items"][0]["delivery_id"]);
        let delivery = again["items"][0]["delivery_id"].as_i64().expect("delivery");
        for _ in 0..2 {
            let res = app.post_as(&water, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await;
            assert_eq!(res.status, 200);
        }
        let op = app.token("op-bnd-1021").await;
        assert_eq!(event_kinds(&app, &op, id).await, ["registered", "delivered", "received"]);
        assert_eq!(sms_kinds(&app, &op, id).await, ["registered", "received"]);
    }

    async fn wrong_states_and_stale_versions_are_refused(app) {
        app.seed_demo();
        let created = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let clerk = app.token("clerk-water").await;
        // Not yet received: answering is not allowed; the problem says what is.
        let res = app.post_as(&clerk, &format!("/api/v1/letters/{id}/answer"), &json!({"body": "x"})).await;
        assert_eq!(res.status, 409);
        let problem = res.json();
        assert_eq!(problem["current_status"], "delivered");
        assert_eq!(problem["allowed_actions"], json!(["receive", "reject", "withdraw"]));

        let page = app.get_as(&clerk, "/api/v1/inbox").await.json();
        let delivery = page["items"][0]["delivery_id"].as_i64().expect("delivery");
        let stale_etag = format!("\"{id}-1\"");
        app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await;
        let req = app.server.post(format!("/api/v1/letters/{id}/reject")).bearer_auth(&clerk)
            .insert_header(("content-type", "application/json")).insert_header(("If-Match", stale_etag));
        let res = app.send(req, Some(json!({"reason": "ناقص"}).to_string().into_bytes())).await;
        assert_eq!(res.status, 412);
        let current = app.get_as(&clerk, &format!("/api/v1/letters/{id}")).await;
        let etag = current.header("etag").expect("etag").to_owned();
        let req = app.server.post(format!("/api/v1/letters/{id}/reject")).bearer_auth(&clerk)
            .insert_header(("content-type", "application/json")).insert_header(("If-Match", etag));
        let res = app.send(req, Some(json!({"reason": "مدارک ناقص است"}).to_string().into_bytes())).await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["status"], "rejected");
        // Final: nothing more is allowed, not even withdrawing.
        let op = app.token("op-bnd-1021").await;
        let res = app.post_as(&op, &format!("/api/v1/letters/{id}/withdraw"), &json!({})).await;
        assert_eq!(res.status, 409);
        assert_eq!(res.json()["allowed_actions"], json!([]));
        let code = created["tracking_code"].as_str().expect("code");
        let public = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "0499370899"})).await.json();
        assert_eq!(public["events"].as_array().and_then(|e| e.last()).map(|e| e["note"].clone()), Some(json!("مدارک ناقص است")));
    }

    async fn two_clerks_answering_at_once_one_wins(app) {
        app.seed_demo();
        let created = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let clerk = app.token("clerk-water").await;
        let page = app.get_as(&clerk, "/api/v1/inbox").await.json();
        let delivery = page["items"][0]["delivery_id"].as_i64().expect("delivery");
        app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await;
        let path = format!("/api/v1/letters/{id}/answer");
        let (first, second) = (json!({"body": "پاسخ اول"}), json!({"body": "پاسخ دوم"}));
        let (a, b) = futures_util::join!(app.post_as(&clerk, &path, &first), app.post_as(&clerk, &path, &second));
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses[0], 200, "{statuses:?}");
        assert!(statuses[1] == 409 || statuses[1] == 412, "{statuses:?}");
        let op = app.token("op-bnd-1021").await;
        let kinds = event_kinds(&app, &op, id).await;
        assert_eq!(kinds.iter().filter(|k| *k == "answered").count(), 1);
    }

    async fn an_agency_never_sees_another_agencys_inbox(app) {
        app.seed_demo();
        let created = register(&app).await;
        let id = created["id"].as_i64().expect("id");
        let water = app.token("clerk-water").await;
        let tax = app.token("clerk-tax").await;
        let tax_client = client_token(&app, "tax").await;
        let delivery = app.get_as(&water, "/api/v1/inbox").await.json()["items"][0]["delivery_id"].as_i64().expect("delivery");
        assert_eq!(app.get_as(&tax, "/api/v1/inbox").await.json()["items"], json!([]));
        assert_eq!(app.get_as(&tax_client, "/api/v1/inbox").await.json()["items"], json!([]));
        assert_eq!(app.post_as(&tax, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 404);
        assert_eq!(app.post_as(&tax, &format!("/api/v1/letters/{id}/reject"), &json!({"reason": "x"})).await.status, 404);
        // Operators have no inbox.
        let op = app.token("op-bnd-1021").await;
        assert_eq!(app.get_as(&op, "/api/v1/inbox").await.status, 403);
    }

    async fn an_unchanged_inbox_answers_304(app) {
        app.seed_demo();
        register(&app).await;
        let water = client_token(&app, "water").await;
        let first = app.get_as(&water, "/api/v1/inbox").await;
        let etag = first.header("etag").expect("etag").to_owned();
        let req = app.server.get("/api/v1/inbox").bearer_auth(&water).insert_header(("If-None-Match", etag.clone()));
        let unchanged = app.send(req, None).await;
        assert_eq!(unchanged.status, 304);
        assert_eq!(unchanged.header("etag"), Some(etag.as_str()), "a 304 names the tag it confirms");
        // Another tag among the client's: the page is sent, with the tag it had.
        let req = app.server.get("/api/v1/inbox").bearer_auth(&water).insert_header(("If-None-Match", "\"stale\""));
        let again = app.send(req, None).await;
        assert_eq!(again.status, 200);
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.json(), first.json());
        register(&app).await;
        let req = app.server.get("/api/v1/inbox").bearer_auth(&water).insert_header(("If-None-Match", etag));
        assert_eq!(app.send(req, None).await.status, 200);
    }

    async fn a_long_poll_returns_soon_after_a_registration(app) {
        app.seed_demo();
        let water = client_token(&app, "water").await;
        let started = Instant::now();
        let (poll, registered_at) = futures_util::join!(
            app.get_as(&water, "/api/v1/inbox?wait=10"),
            async {
                actix_web::rt::time::sleep(Duration::from_millis(500)).await;
                register(&app).await;
                Instant::now()
            }
        );
        let returned_at = Instant::now();
        assert_eq!(poll.status, 200);
        assert_eq!(poll.json()["items"].as_array().map(Vec::len), Some(1));
        assert!(returned_at.duration_since(registered_at) < Duration::from_secs(1), "{:?}", returned_at.duration_since(registered_at));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// 200 idle long polls hold no database connection: the pool stays idle.
#[actix_web::test]
async fn idle_long_polls_hold_no_database_connections() {
    let app = TestApp::with_demo(chapar::db::Backend::Sqlite)
        .await
        .expect("app");
    let water = client_token(&app, "water").await;
    let client = awc::Client::builder()
        .connector(awc::Connector::new().limit(400))
        .timeout(Duration::from_secs(30))
        .finish();
    let url = app.server.url("/api/v1/inbox?wait=4");
    let polls = (0..200).map(|_| {
        let req = client.get(url.clone()).bearer_auth(&water);
        async move { req.send().await.map(|r| r.status().as_u16()) }
    });
    let watcher = async {
        actix_web::rt::time::sleep(Duration::from_millis(2000)).await;
        app.db.pool().state()
    };
    let (results, pool) = futures_util::join!(futures_util::future::join_all(polls), watcher);
    println!(
        "pool while 200 long polls wait: {} connections, {} idle",
        pool.connections, pool.idle_connections
    );
    assert_eq!(
        pool.connections, pool.idle_connections,
        "a waiting poll holds a connection"
    );
    assert!(results.iter().all(|r| matches!(r, Ok(200))), "{results:?}");
}

both_backends! {
    async fn working_day_slas_skip_fridays_and_holidays(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let res = app.post_as(&admin, "/api/v1/agencies", &json!({"code": "ports", "name": "بنادر", "sla_days": 5, "sla_working_days": true})).await;
        assert_eq!(res.status, 201, "{}", res.text());
        assert_eq!(res.json()["sla_working_days"], true);
        // Every day of the coming fortnight except the last two is a holiday.
        // Days are Tehran's (the SLA counts there), also around UTC midnight.
        let tehran_day = shared::reports::tehran_day;
        let today = tehran_day(chrono::Utc::now());
        for i in 0..12 {
            let day = today + chrono::Duration::days(i);
            assert_eq!(app.post_as(&admin, "/api/v1/holidays", &json!({"day": day, "name": "تعطیل آزمایشی"})).await.status, 204);
        }
        let holidays = app.get_as(&admin, "/api/v1/holidays").await.json();
        assert!(holidays.as_array().map(Vec::len).unwrap_or(0) >= 12);

        let op = app.token("op-bnd-1021").await;
        let mut body = letter();
        body["recipient_agency_code"] = json!("ports");
        let created = app.post_as(&op, "/api/v1/letters", &body).await.json();
        let due: chrono::DateTime<chrono::Utc> = created["due_at"].as_str().and_then(|d| d.parse().ok()).expect("due_at");
        // Five working days can only start after the holidays: at least 12 + 5 calendar days.
        assert!(tehran_day(due) >= today + chrono::Duration::days(16), "due {due}");
        // A calendar-day agency is not affected.
        let water = app.post_as(&op, "/api/v1/letters", &letter()).await.json();
        let water_due: chrono::DateTime<chrono::Utc> = water["due_at"].as_str().and_then(|d| d.parse().ok()).expect("due_at");
        assert!(tehran_day(water_due) <= today + chrono::Duration::days(8));

        // Operators do not edit holidays.
        assert_eq!(app.post_as(&op, "/api/v1/holidays", &json!({"day": today, "name": "x"})).await.status, 403);
    }
}

both_backends! {
    async fn the_inbox_and_the_list_sort_by_due_date(app) {
        app.seed_demo();
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(register(&app).await["id"].as_i64().expect("id"));
        }
        // The newest letter is the most urgent, the oldest the least.
        for (i, id) in ids.iter().enumerate() {
            let day = 20 - i * 5;
            app.execute(&format!("UPDATE deliveries SET due_at = '2026-12-{day:02} 06:00:00' WHERE letter_id = {id}"));
            app.execute(&format!("UPDATE letters SET due_at = '2026-12-{day:02} 06:00:00' WHERE id = {id}"));
        }
        let clerk = app.token("clerk-water").await;
        let first = app.get_as(&clerk, "/api/v1/inbox?sort=due&limit=2").await.json();
        let order: Vec<i64> = first["items"].as_array().expect("items").iter().filter_map(|i| i["letter"]["id"].as_i64()).collect();
        assert_eq!(order, [ids[2], ids[1]]);
        let cursor = first["next_cursor"].as_str().expect("cursor").to_owned();
        let second = app.get_as(&clerk, &format!("/api/v1/inbox?sort=due&limit=2&after={cursor}")).await.json();
        assert_eq!(second["items"][0]["letter"]["id"], ids[0]);
        assert_eq!(second["next_cursor"], Value::Null);
        assert_eq!(app.get_as(&clerk, "/api/v1/inbox?sort=due&after=nonsense").await.status, 422);

        let op = app.token("op-bnd-1021").await;
        let list = app.get_as(&op, "/api/v1/letters?sort=due").await.json();
        let order: Vec<i64> = list["items"].as_array().expect("items").iter().filter_map(|l| l["id"].as_i64()).collect();
        assert_eq!(order, [ids[2], ids[1], ids[0]]);
    }
}

both_backends! {
    async fn internal_notes_stay_with_the_organisation_that_wrote_them(app) {
        app.seed_demo();
        let (_, id) = app.register_letter("op-bnd-1021", "water").await;
        let admin = app.token("admin").await;
        let op = app.token("op-bnd-1021").await;
        let water = app.token("clerk-water").await;
        let note = |token: String, text: &'static str| {
            let app = &app;
            async move {
                let res = app.post_as(&token, &format!("/api/v1/letters/{id}/notes"), &json!({"note": text})).await;
                assert!(res.status.is_success(), "{}", res.text());
            }
        };
        note(water.clone(), "یادداشت آب").await;
        note(op.clone(), "یادداشت باجه").await;
        // Received and referred on: the municipality holds the letter now.
        let inbox = app.get_as(&water, "/api/v1/inbox").await.json();
        let delivery = inbox["items"][0]["delivery_id"].as_i64().expect("delivery");
        assert_eq!(app.post_as(&water, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
        let res = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"), &json!({"to_agency_code": "municipality", "note": ""})).await;
        assert_eq!(res.status, 200, "{}", res.text());

        let water_system = app.client_token(&admin, json!({"name": "water system", "scopes": ["letters:read"], "agency_code": "water"})).await;
        let water_notes = app.client_token(&admin, json!({"name": "water notes", "scopes": ["letters:read", "notes:read"], "agency_code": "water"})).await;
        let portal = app.client_token(&admin, json!({"name": "portal", "scopes": ["letters:read"], "counter_office_code": "bnd-1021"})).await;
        let notes_seen = |token: String| {
            let app = &app;
            async move {
                let res = app.get_as(&token, &format!("/api/v1/letters/{id}/events")).await;
                assert_eq!(res.status, 200, "{}", res.text());
                let mut notes: Vec<String> = res.json().as_array().expect("events").iter()
                    .filter(|e| e["internal"] == true)
                    .map(|e| e["note"].as_str().unwrap_or_default().to_owned())
                    .collect();
                notes.sort();
                notes
            }
        };
        let both = vec!["یادداشت آب".to_owned(), "یادداشت باجه".to_owned()];
        assert_eq!(notes_seen(admin.clone()).await, both);
        assert_eq!(notes_seen(water.clone()).await, ["یادداشت آب"]);
        assert_eq!(notes_seen(op.clone()).await, ["یادداشت باجه"]);
        assert_eq!(notes_seen(app.token("clerk-municipality").await).await, Vec::<String>::new());
        assert_eq!(notes_seen(water_system).await, Vec::<String>::new());
        assert_eq!(notes_seen(water_notes).await, ["یادداشت آب"]);
        assert_eq!(notes_seen(portal).await, Vec::<String>::new());
    }
}

both_backends! {
    async fn a_malformed_ack_body_acknowledges_nothing(app) {
        app.seed_demo();
        let (_, id) = app.register_letter("op-bnd-1021", "water").await;
        let clerk = app.token("clerk-water").await;
        let inbox = app.get_as(&clerk, "/api/v1/inbox").await.json();
        let delivery = inbox["items"][0]["delivery_id"].as_i64().expect("delivery");
        let ack = format!("/api/v1/inbox/{delivery}/ack");
        let wrong_type = app.post_as(&clerk, &ack, &json!({"agency_reference": 12345})).await;
        assert_eq!(wrong_type.status, 422, "{}", wrong_type.text());
        assert_eq!(wrong_type.json()["errors"][0]["field"], "agency_reference");
        let req = app.server.post(&ack).bearer_auth(&clerk).insert_header(("content-type", "application/json"));
        let truncated = app.send(req, Some(b"{\"agency_reference\": \"14".to_vec())).await;
        assert_eq!(truncated.status, 400, "{}", truncated.text());
        assert!(truncated.content_type().starts_with("application/problem+json"));
        let letter = app.get_as(&clerk, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(letter["status"], "delivered", "nothing was acknowledged");
        // A good body, and no body at all, still acknowledge.
        let res = app.post_as(&clerk, &ack, &json!({"agency_reference": "۱۴۰۵/۱۲"})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["status"], "received");
    }
}

both_backends! {
    async fn bounded_parameters_are_refused_beyond_their_bounds(app) {
        app.seed_demo();
        let clerk = app.token("clerk-water").await;
        let admin = app.token("admin").await;
        for (token, path, field) in [
            (&clerk, "/api/v1/inbox?wait=31", "wait"),
            (&clerk, "/api/v1/inbox?wait=9223372036854775808", "wait"),
            (&clerk, "/api/v1/inbox?limit=0", "limit"),
            (&admin, "/api/v1/letters?limit=201", "limit"),
            (&admin, "/api/v1/agencies?limit=-1", "limit"),
        ] {
            let res = app.get_as(token, path).await;
            assert_eq!(res.status, 422, "{path}: {}", res.text());
            assert_eq!(res.json()["errors"][0]["field"], field, "{path}");
        }
        assert_eq!(app.get_as(&clerk, "/api/v1/inbox?wait=0&limit=200").await.status, 200);
    }
}
