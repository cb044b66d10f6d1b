//! Crashes: a client registers letters, each with its own `Idempotency-Key`,
//! while the server (the real binary) is SIGKILLed in the middle of the
//! traffic and restarted, several times; whatever was not acknowledged is
//! retried with its key. Afterwards every letter exists exactly once, with
//! its events, its delivery and its SMS row; SQLite's file passes
//! `integrity_check`; and retries after a restart are answered at once (a
//! key's claim commits with the letter, so a dead process holds none).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chapar::db::{Db, DbConnection};
use common::process::{free_port, Server};
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::{json, Value};

const KILLS: usize = 3;
/// Registrations in flight at once (the kill lands among them).
const PARALLEL: usize = 4;

fn letter_body(key: &str) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": format!("درخواست {key}"), "body": "متن"
    })
}

/// What became of one registration request.
enum Outcome {
    /// 201, or 200 replayed: the letter's id.
    Acknowledged(i64),
    /// No answer (the server died), or a 503/409 that says "try again".
    Retry,
}

async fn register(client: &awc::Client, base: &str, token: &str, key: &str) -> Outcome {
    let sent = client
        .post(format!("{base}/api/v1/letters"))
        .bearer_auth(token)
        .insert_header(("Idempotency-Key", key))
        .send_json(&letter_body(key))
        .await;
    let Ok(mut res) = sent else {
        return Outcome::Retry;
    };
    let status = res.status().as_u16();
    let Ok(body) = res.json::<Value>().await else {
        return Outcome::Retry;
    };
    match status {
        200 | 201 => Outcome::Acknowledged(body["id"].as_i64().expect("id")),
        503 | 409 => Outcome::Retry,
        other => panic!("registration answered {other}: {body}"),
    }
}

/// Runs the crash scenario on `database_url`; answers the longest wait from
/// a restart to the answer of a retried request.
async fn crash_and_retry(database_url: &str) -> Duration {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let mut acknowledged: BTreeMap<String, i64> = BTreeMap::new();
    let mut unanswered: BTreeSet<String> = BTreeSet::new();
    let mut next_key = 0;
    let mut slowest_retry = Duration::ZERO;
    let mut retried = 0;
    for round in 0..=KILLS {
        let mut server = Server::start(database_url, dir.path(), port, true, &[]);
        let ready_at = server.wait_ready(&client).await;
        let token = server.login(&client, "op-bnd-1021").await;
        let base = server.base.clone();
        // Every request the last crash cut off, retried with its key: each
        // is answered now, not "still in progress".
        retried += unanswered.len();
        for key in std::mem::take(&mut unanswered) {
            match register(&client, &base, &token, &key).await {
                Outcome::Acknowledged(id) => {
                    slowest_retry = slowest_retry.max(ready_at.elapsed());
                    acknowledged.insert(key, id);
                }
                Outcome::Retry => panic!("retry of {key} after the restart was not answered"),
            }
        }
        if round == KILLS {
            break;
        }
        // Traffic, and the kill in the middle of a batch.
        let kill_after = Duration::from_millis(300 + 150 * round as u64);
        let killed_at = ready_at + kill_after;
        loop {
            let keys: Vec<String> = (0..PARALLEL)
                .map(|_| {
                    next_key += 1;
                    format!("crash-{round}-{next_key}")
                })
                .collect();
            let last_batch = Instant::now() >= killed_at;
            let batch = join_all(keys.iter().map(|k| register(&client, &base, &token, k)));
            let outcomes = if last_batch {
                let kill = async {
                    actix_web::rt::time::sleep(Duration::from_millis(3)).await;
                    server.kill_now();
                };
                futures_util::future::join(batch, kill).await.0
            } else {
                batch.await
            };
            for (key, outcome) in keys.into_iter().zip(outcomes) {
                match outcome {
                    Outcome::Acknowledged(id) => {
                        acknowledged.insert(key, id);
                    }
                    Outcome::Retry => {
                        unanswered.insert(key);
                    }
                }
            }
            if last_batch {
                break;
            }
        }
        server.kill();
    }
    assert!(unanswered.is_empty());
    assert!(
        acknowledged.len() > KILLS * PARALLEL,
        "too little traffic to prove anything"
    );
    assert!(retried > 0, "no request was cut off by a kill");
    check_each_letter_once(database_url, &acknowledged);
    println!(
        "{} letters over {KILLS} kills; {retried} requests cut off and retried; \
         slowest retry answered {slowest_retry:?} after the restart",
        acknowledged.len()
    );
    slowest_retry
}

/// Every key has its own letter, and every letter its events, delivery and
/// SMS row; nothing else was registered.
fn check_each_letter_once(database_url: &str, acknowledged: &BTreeMap<String, i64>) {
    use chapar::db::schema::{deliveries, letter_events, letters, notifications};
    let ids: BTreeSet<i64> = acknowledged.values().copied().collect();
    assert_eq!(
        ids.len(),
        acknowledged.len(),
        "two keys answered with one letter"
    );
    let db = Db::connect(database_url, 1).expect("open the database");
    let mut conn = db.pool().get().expect("connection");
    let stored: Vec<(i32, String)> = letters::table
        .select((letters::id, letters::subject))
        .load(&mut *conn)
        .expect("letters");
    assert_eq!(stored.len(), ids.len(), "letters stored vs acknowledged");
    for (id, subject) in &stored {
        let id = &i64::from(*id);
        assert!(ids.contains(id), "letter {id} was never acknowledged");
        let key = subject.trim_start_matches("درخواست ");
        assert_eq!(
            acknowledged.get(key),
            Some(id),
            "letter {id} under the wrong key"
        );
    }
    let events: i64 = letter_events::table
        .count()
        .get_result(&mut *conn)
        .expect("events");
    let delivered: i64 = deliveries::table
        .count()
        .get_result(&mut *conn)
        .expect("deliveries");
    let sms: i64 = notifications::table
        .count()
        .get_result(&mut *conn)
        .expect("sms");
    let n = stored.len() as i64;
    assert_eq!(events, 2 * n, "registered + delivered per letter");
    assert_eq!(delivered, n, "one delivery per letter");
    assert_eq!(sms, n, "one SMS per letter");
    if let DbConnection::Sqlite(sqlite) = &mut *conn {
        #[derive(QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(sqlite)
            .expect("integrity_check");
        assert_eq!(
            check.first().map(|c| c.integrity_check.as_str()),
            Some("ok")
        );
    }
}

#[actix_web::test]
async fn sqlite_loses_and_duplicates_nothing_across_kills() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    let slowest = crash_and_retry(&url).await;
    assert!(
        slowest < Duration::from_secs(5),
        "a retry waited {slowest:?}"
    );
}

#[actix_web::test]
async fn postgres_loses_and_duplicates_nothing_across_kills() {
    let Some(url) = common::fresh_postgres_database() else {
        return;
    };
    let slowest = crash_and_retry(&url).await;
    assert!(
        slowest < Duration::from_secs(5),
        "a retry waited {slowest:?}"
    );
}
