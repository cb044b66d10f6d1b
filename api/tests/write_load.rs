//! Writes under load: many counter operators registering at once while the
//! SMS dispatcher writes too. On SQLite every write goes through the one
//! writer (group commit), so none waits out a lock or fails with
//! "database is locked".

mod common;

use std::time::{Duration, Instant};

use chapar::sms::dispatcher::Dispatcher;
use chapar::sms::providers::Provider;
use chapar::sms::SmsConfig;
use serde_json::json;

fn fast_dispatcher_config() -> SmsConfig {
    SmsConfig {
        max_attempts: 4,
        backoff_base_ms: 2,
        backoff_max_ms: 20,
        lease: Duration::from_secs(30),
        batch: 20,
        timeout: Duration::from_millis(800),
        hourly_cap: 1000,
        poll: Duration::from_millis(1),
    }
}

both_backends! {
    async fn fifty_registrations_at_once_all_succeed_promptly(app) {
        app.seed_demo();
        let dispatcher = Dispatcher::new(app.db.clone(), Provider::Log, fast_dispatcher_config(), None);
        let sending = actix_web::rt::spawn(dispatcher.run());
        let op = app.token("op-bnd-1021").await;
        let requests = (0..50).map(|i| {
            let op = op.clone();
            let app = &app;
            async move {
                let letter = json!({
                    "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                                  "last_name": "رضایی", "mobile": format!("0912{:07}", 1_000_000 + i)},
                    "recipient_agency_code": "water", "subject": format!("درخواست {i}"),
                    "body": "متن", "priority": "normal"
                });
                let started = Instant::now();
                let res = app.post_as(&op, "/api/v1/letters", &letter).await;
                (res.status.as_u16(), started.elapsed(), res.text())
            }
        });
        let results = futures_util::future::join_all(requests).await;
        sending.abort();
        for (status, took, body) in &results {
            assert_eq!(*status, 201, "{body}");
            assert!(*took < Duration::from_secs(1), "a registration took {took:?}");
        }
        let listed = app.get_as(&op, "/api/v1/letters?limit=200").await.json();
        assert_eq!(listed["items"].as_array().map(Vec::len), Some(50));
    }
}

// Registrations, answers and referrals at once, some of them refused
// (a letter answered twice): on SQLite they commit in groups whose
// dashboard counts are written once per group, and the counts kept must
// be exactly what the letters say, refused steps leaving no trace.
both_backends! {
    async fn concurrent_steps_keep_the_dashboard_counts_exact(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let water = app.token("clerk-water").await;
        let mut earlier = Vec::new();
        for _ in 0..8 {
            earlier.push(app.register_letter("op-bnd-1021", "water").await.1);
        }
        let inbox = app.get_as(&water, "/api/v1/inbox").await.json();
        for item in inbox["items"].as_array().expect("items") {
            let delivery = item["delivery_id"].as_i64().expect("delivery");
            assert_eq!(app.post_as(&water, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
        }
        let registrations = (0..30).map(|i| {
            let (app, op) = (&app, op.clone());
            async move {
                let letter = json!({
                    "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                                  "last_name": "رضایی", "mobile": "09121234567"},
                    "recipient_agency_code": if i % 3 == 0 { "gas" } else { "water" },
                    "subject": format!("درخواست {i}"), "body": "متن", "priority": "normal"
                });
                app.post_as(&op, "/api/v1/letters", &letter).await.status.as_u16()
            }
        });
        let steps = earlier.iter().flat_map(|id| {
            let (action, body) = if id % 2 == 0 {
                ("answer", json!({"body": "انجام شد"}))
            } else {
                ("refer", json!({"to_agency_code": "gas", "note": ""}))
            };
            // Each step twice: one of the two is refused.
            [0, 1].map(|_| {
                let (app, water, body) = (&app, water.clone(), body.clone());
                async move {
                    app.post_as(&water, &format!("/api/v1/letters/{id}/{action}"), &body).await.status.as_u16()
                }
            })
        });
        let (registered, stepped) = futures_util::future::join(
            futures_util::future::join_all(registrations),
            futures_util::future::join_all(steps),
        )
        .await;
        assert!(registered.iter().all(|s| *s == 201), "{registered:?}");
        assert_eq!(stepped.iter().filter(|s| **s == 200).count(), earlier.len(), "{stepped:?}");
        assert_eq!(app.rollup_rows(), app.rolled_up_afresh());
    }
}

/// On PostgreSQL a step's dashboard counters travel with its `COMMIT`. A
/// commit the server refuses (here a deferred check on the letter) must
/// leave neither the letter nor its counts, and every pooled connection
/// must serve the next registrations as if nothing happened.
#[actix_web::test]
async fn a_refused_commit_on_postgresql_leaves_no_letter_and_no_count() {
    let Some(app) = common::TestApp::start(chapar::db::Backend::Postgres).await else {
        return;
    };
    app.seed_demo();
    app.execute(
        "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN RAISE EXCEPTION 'refused at commit'; END $$; \
         CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON letters \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW \
         WHEN (NEW.subject = 'رد هنگام ثبت نهایی') EXECUTE FUNCTION refuse_at_commit();",
    );
    let op = app.token("op-bnd-1021").await;
    let letter = |subject: &str| {
        json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": subject, "body": "متن", "priority": "normal"
        })
    };
    let before = app.rollup_rows();
    let refused = app
        .post_as(&op, "/api/v1/letters", &letter("رد هنگام ثبت نهایی"))
        .await;
    assert_eq!(refused.status, 500, "{}", refused.text());
    assert_eq!(
        app.rollup_rows(),
        before,
        "a refused commit left counts behind"
    );
    // More registrations than the pool has connections, one after another
    // and at once, so each connection serves at least one after the refusal.
    for i in 0..6 {
        let res = app
            .post_as(&op, "/api/v1/letters", &letter(&format!("درخواست {i}")))
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let at_once = (0..8).map(|i| {
        let (app, op, body) = (&app, op.clone(), letter(&format!("همزمان {i}")));
        async move {
            app.post_as(&op, "/api/v1/letters", &body)
                .await
                .status
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(at_once).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let listed = app.get_as(&op, "/api/v1/letters?limit=200").await.json();
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(14));
    assert_eq!(app.rollup_rows(), app.rolled_up_afresh());
}
