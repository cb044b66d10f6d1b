//! Several instances of the API on one PostgreSQL database, as a deployment
//! behind a load balancer runs them: a delivery on one wakes long polls on
//! the others, and rate limits hold for all of them together.

use crate::common;

use std::time::{Duration, Instant};

use chapar::db::Backend;
use common::TestApp;
use serde_json::json;

/// Two instances on one PostgreSQL: a delivery committed on one wakes a long
/// poll waiting on the other at once (LISTEN/NOTIFY), not at its re-check.
#[actix_web::test]
async fn a_delivery_on_one_instance_wakes_a_long_poll_on_another() {
    let Some(first) = TestApp::with_demo(Backend::Postgres).await else {
        return;
    };
    let second = TestApp::start_on_database(Backend::Postgres, first.database_url.clone(), |_| {});
    let clerk = second.token("clerk-water").await;
    let mut after = String::new();
    let mut wakes = Vec::new();
    for _ in 0..5 {
        let path = format!("/api/v1/inbox?wait=10{after}");
        let (poll, registered_at) = futures_util::join!(second.get_as(&clerk, &path), async {
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            first.register_letter("op-bnd-1021", "water").await;
            Instant::now()
        });
        let woke = registered_at.elapsed();
        assert_eq!(poll.status, 200, "{}", poll.text());
        let items = poll.json()["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1, "the new delivery, and only it");
        after = format!("&after={}", items[0]["delivery_id"]);
        wakes.push(woke);
    }
    wakes.sort();
    println!(
        "cross-instance wake after the commit: median {:?}, slowest {:?}",
        wakes[2], wakes[4]
    );
    assert!(wakes[4] < Duration::from_millis(300), "{wakes:?}");
}

/// Three instances, one budget: the per-code tracking limit counts the
/// attempts on all three together (shared in the database), not per process.
#[actix_web::test]
async fn tracking_limits_hold_across_three_instances() {
    const PER_CODE: u32 = 5;
    let limit = |s: &mut chapar::config::Settings| {
        s.tracking_per_code_per_minute = PER_CODE;
        s.tracking_per_ip_per_minute = 1_000;
    };
    let Some(first) = TestApp::start_configured(Backend::Postgres, limit).await else {
        return;
    };
    first.seed_demo();
    let (operator, id) = first.register_letter("op-bnd-1021", "water").await;
    let letter = first
        .get_as(&operator, &format!("/api/v1/letters/{id}"))
        .await
        .json();
    let url = first.database_url.clone();
    let instances = [
        first,
        TestApp::start_on_database(Backend::Postgres, url.clone(), limit),
        TestApp::start_on_database(Backend::Postgres, url, limit),
    ];
    let ask = json!({"tracking_code": letter["tracking_code"], "national_id": "0499370899"});
    let mut answered = 0;
    let mut refused = Vec::new();
    for round in 0..4 {
        for app in &instances {
            let res = app.post_json("/api/v1/tracking", &ask).await;
            match res.status.as_u16() {
                429 => refused.push((round, res.header("retry-after").map(str::to_owned))),
                200 => answered += 1,
                other => panic!("tracking answered {other}: {}", res.text()),
            }
        }
    }
    assert_eq!(answered, PER_CODE, "answered in total across the instances");
    assert_eq!(refused.len(), 12 - PER_CODE as usize);
    assert!(
        refused.iter().all(|(_, retry)| retry
            .as_deref()
            .and_then(|r| r.parse::<u64>().ok())
            .is_some_and(|r| r >= 1)),
        "each refusal says when to retry: {refused:?}"
    );
}
