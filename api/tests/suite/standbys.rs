//! Read standbys: two `chapar serve` instances on a PostgreSQL primary with a
//! streaming hot standby (`pg_basebackup -R`, started by `cargo xtask test`).
//! Lists, searches, tracking and dashboards are served by the standby; a
//! caller's reads right after its own write see it (on the instance it wrote
//! through by memory, on another by `Chapar-Read-After`); a standby that
//! falls behind or stops turns reads back to the primary without an error.

use crate::common;

use std::time::{Duration, Instant};

use common::process::{free_port, Server};
use common::{fresh_database_on, postgres_setting, send, Answer};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use serde_json::json;

struct Cluster {
    primary_url: String,
    standby_url: String,
    standby_ctl: String,
}

fn cluster() -> Option<Cluster> {
    Some(Cluster {
        primary_url: postgres_setting("CHAPAR_TEST_PRIMARY_POSTGRES_URL")?,
        standby_url: postgres_setting("CHAPAR_TEST_STANDBY_POSTGRES_URL")?,
        standby_ctl: postgres_setting("CHAPAR_TEST_STANDBY_POSTGRES_CTL")?,
    })
}

/// The same database's URL on the standby's server.
fn on_standby(database_url: &str, standby_admin_url: &str) -> String {
    let name = database_url.rsplit('/').next().expect("database name");
    let base = standby_admin_url.rsplit_once('/').expect("admin URL").0;
    format!("{base}/{name}")
}

/// A metric's value in `/metrics` (0 when absent).
async fn metric(client: &awc::Client, server: &Server, name: &str) -> f64 {
    let text = send(client.get(server.url("/metrics")), None).await.text();
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// Waits until the instance counts `fresh` standbys in use.
async fn wait_fresh(client: &awc::Client, server: &Server, fresh: f64) {
    let started = Instant::now();
    while metric(client, server, "chapar_db_standbys_fresh").await != fresh {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} never counted {fresh} fresh standbys",
            server.base
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get(client: &awc::Client, server: &Server, token: &str, path: &str) -> Answer {
    send(client.get(server.url(path)).bearer_auth(token), None).await
}

fn ids(page: &Answer) -> Vec<i64> {
    assert_eq!(page.status, 200, "{}", page.text());
    page.json()["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|l| l["id"].as_i64()).collect())
        .unwrap_or_default()
}

fn replay(standby: &str, sql: &str) {
    PgConnection::establish(standby)
        .expect("connect to the standby")
        .batch_execute(sql)
        .expect("replay control");
}

fn control(script: &str, action: &str) {
    let status = std::process::Command::new("sh")
        .args([script, action])
        .status()
        .expect("run the standby's control script");
    assert!(status.success(), "standby {action}");
}

#[actix_web::test]
async fn reads_go_to_the_standby_and_never_miss_the_callers_own_writes() {
    let Some(cluster) = cluster() else {
        return;
    };
    let database_url = fresh_database_on(&cluster.primary_url);
    let standby_url = on_standby(&database_url, &cluster.standby_url);
    let env: Vec<(&str, String)> = vec![
        (
            "CHAPAR_JWT_SECRET",
            "standby-test-secret-of-32-bytes-or-more!".into(),
        ),
        ("CHAPAR_READ_DATABASE_URL", standby_url.clone()),
    ];
    // Replaying, whatever an earlier failed run left behind.
    replay(&cluster.standby_url, "SELECT pg_wal_replay_resume()");
    let dirs = [
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    ];
    let a = Server::start(&database_url, dirs[0].path(), free_port(), true, &env);
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    a.wait_ready(&client).await;
    let b = Server::start(&database_url, dirs[1].path(), free_port(), false, &env);
    b.wait_ready(&client).await;
    wait_fresh(&client, &a, 1.0).await;
    wait_fresh(&client, &b, 1.0).await;
    let operator = a.login(&client, "op-bnd-1021").await;
    let admin = a.login(&client, "admin").await;

    // Served by the standby: lists, the dashboard, public tracking.
    let before = metric(&client, &a, "chapar_db_standby_reads_total").await;
    for path in [
        "/api/v1/letters",
        "/api/v1/letters?q=test",
        "/api/v1/reports/summary",
    ] {
        let answer = get(&client, &a, &admin, path).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    }
    let served = metric(&client, &a, "chapar_db_standby_reads_total").await - before;
    assert_eq!(served, 3.0, "each read served by the standby");

    // The standby stops replaying: it falls behind from now on.
    replay(&standby_url, "SELECT pg_wal_replay_pause()");
    let letter = json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": "قطعی آب در کوچه",
        "body": "از دیروز آب قطع است.", "priority": "normal",
    });
    let registered = send(
        client
            .post(a.url("/api/v1/letters"))
            .bearer_auth(&operator)
            .insert_header(("Idempotency-Key", common::unique_name("key")))
            .insert_header(("content-type", "application/json")),
        Some(letter.to_string().into_bytes()),
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let id = registered.json()["id"].as_i64().expect("id");
    let position = registered
        .header("chapar-write-position")
        .expect("a write answers its WAL position")
        .to_owned();

    // The writer's own next read, on the instance it wrote through.
    let mine = get(&client, &a, &operator, "/api/v1/letters").await;
    assert!(
        ids(&mine).contains(&id),
        "the operator sees the letter it just registered"
    );
    // On the other instance, with the position it was answered.
    let before_b = metric(&client, &b, "chapar_db_standby_reads_total").await;
    let elsewhere = send(
        client
            .get(b.url("/api/v1/letters"))
            .bearer_auth(&operator)
            .insert_header(("Chapar-Read-After", position.as_str())),
        None,
    )
    .await;
    assert!(
        ids(&elsewhere).contains(&id),
        "Chapar-Read-After is honoured on another instance"
    );
    // The control: without the position, a read the standby serves lacks it.
    let blind = get(&client, &b, &operator, "/api/v1/letters").await;
    if metric(&client, &b, "chapar_db_standby_reads_total").await > before_b {
        println!("the standby served a read without the position; it lacked the letter");
        assert!(
            !ids(&blind).contains(&id),
            "the paused standby lacks the new letter"
        );
    }

    // Behind for longer than a second: nobody is served stale data.
    wait_fresh(&client, &a, 0.0).await;
    let others = get(&client, &a, &admin, "/api/v1/letters").await;
    assert!(ids(&others).contains(&id), "a stale standby serves no one");
    let tracking_code = registered.json()["tracking_code"].clone();
    let tracked = send(
        client
            .post(a.url("/api/v1/tracking"))
            .insert_header(("content-type", "application/json")),
        Some(
            json!({"tracking_code": tracking_code, "national_id": "0499370899"})
                .to_string()
                .into_bytes(),
        ),
    )
    .await;
    assert_eq!(tracked.status, 200, "{}", tracked.text());

    // Caught up again: the standby serves, and has the letter.
    replay(&standby_url, "SELECT pg_wal_replay_resume()");
    wait_fresh(&client, &a, 1.0).await;
    let before = metric(&client, &a, "chapar_db_standby_reads_total").await;
    let caught_up = get(&client, &a, &admin, "/api/v1/letters").await;
    assert!(ids(&caught_up).contains(&id));
    assert_eq!(
        metric(&client, &a, "chapar_db_standby_reads_total").await - before,
        1.0
    );

    // The standby stops: every read is still answered, by the primary.
    control(&cluster.standby_ctl, "stop");
    let mut statuses: Vec<u16> = Vec::new();
    for round in 0..20 {
        let server = if round % 2 == 0 { &a } else { &b };
        statuses.push(
            get(&client, server, &admin, "/api/v1/letters")
                .await
                .status
                .as_u16(),
        );
        statuses.push(
            get(&client, server, &operator, "/api/v1/reports/summary")
                .await
                .status
                .as_u16(),
        );
    }
    control(&cluster.standby_ctl, "start");
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let fell_back = metric(&client, &a, "chapar_db_standby_fallbacks_total").await
        + metric(&client, &b, "chapar_db_standby_fallbacks_total").await;
    println!("reads the stopped standby failed and the primary served: {fell_back}");
    wait_fresh(&client, &a, 1.0).await;
}
