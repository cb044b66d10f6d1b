//! A deployment as the country runs it: three `chapar serve` processes on
//! one PostgreSQL database and one S3 bucket, sharing a JWT secret, each
//! running its own SMS dispatcher. A letter registered on one is polled,
//! acknowledged and answered on another and tracked on the third; its
//! attachment, uploaded on one, downloads from another; every SMS is sent
//! once; an instance killed mid-run loses nothing the others acknowledged.

use crate::common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chapar::db::Db;
use common::fake_kavenegar::{Behaviour, FakeKavenegar, API_KEY};
use common::process::{free_port, Server};
use common::{multipart, send, Answer};
use diesel::prelude::*;
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn letter(key: &str) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": format!("درخواست {key}"), "body": "متن"
    })
}

async fn post(client: &awc::Client, url: String, token: &str, body: &Value) -> Answer {
    let req = client
        .post(url)
        .bearer_auth(token)
        .insert_header(("content-type", "application/json"));
    send(req, Some(body.to_string().into_bytes())).await
}

async fn get(client: &awc::Client, url: String, token: &str) -> Answer {
    send(client.get(url).bearer_auth(token), None).await
}

/// The SMS rows in the outbox, and the ids the gateway accepted.
fn outbox_ids(db: &Db) -> BTreeSet<i32> {
    use chapar::db::schema::notifications;
    let mut conn = db.pool().get().expect("connection");
    notifications::table
        .select(notifications::id)
        .load::<i32>(&mut *conn)
        .expect("notifications")
        .into_iter()
        .collect()
}

async fn wait_all_sent(db: &Db, fake: &FakeKavenegar) -> (BTreeSet<i32>, Vec<i32>) {
    let started = Instant::now();
    loop {
        let outbox = outbox_ids(db);
        let accepted = fake.accepted();
        let unique: BTreeSet<i32> = accepted.iter().copied().collect();
        if unique == outbox {
            return (outbox, accepted);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} of {} SMS sent after 30 s",
            unique.len(),
            outbox.len()
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn three_instances_share_one_database_one_bucket_and_one_secret() {
    let Some(database_url) = common::fresh_postgres_database() else {
        return;
    };
    let Some(s3) = common::fresh_s3_bucket().await else {
        return;
    };
    let fake = FakeKavenegar::start(Behaviour {
        report_status: 10,
        ..Default::default()
    });
    let env: Vec<(&str, String)> = vec![
        (
            "CHAPAR_JWT_SECRET",
            "a-deployment-wide-secret-of-forty-characters".into(),
        ),
        ("CHAPAR_S3_BUCKET", s3.bucket.clone()),
        (
            "CHAPAR_S3_ENDPOINT",
            s3.endpoint.clone().unwrap_or_default(),
        ),
        ("CHAPAR_S3_REGION", s3.region.clone()),
        (
            "CHAPAR_S3_ACCESS_KEY_ID",
            s3.access_key_id.clone().unwrap_or_default(),
        ),
        (
            "CHAPAR_S3_SECRET_ACCESS_KEY",
            s3.secret_access_key.clone().unwrap_or_default(),
        ),
        ("CHAPAR_SMS_PROVIDER", "kavenegar".into()),
        ("CHAPAR_KAVENEGAR_API_KEY", API_KEY.into()),
        ("CHAPAR_KAVENEGAR_BASE_URL", fake.base_url.clone()),
        ("CHAPAR_SMS_HOURLY_CAP", "1000000".into()),
        ("CHAPAR_SMS_POLL_MS", "20".into()),
        ("CHAPAR_SMS_LEASE_SECS", "2".into()),
        ("CHAPAR_LOGIN_PER_IP_PER_MINUTE", "1000".into()),
    ];
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(20))
        .finish();
    // The first seeds the demo province; the others join it.
    let first = Server::start(&database_url, dirs[0].path(), free_port(), true, &env);
    first.wait_ready(&client).await;
    let mut instances = vec![first];
    for dir in &dirs[1..] {
        instances.push(Server::start(
            &database_url,
            dir.path(),
            free_port(),
            false,
            &env,
        ));
    }
    for server in &instances[1..] {
        server.wait_ready(&client).await;
    }
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);

    // Registered with a file on A.
    let operator = a.login(&client, "op-bnd-1021").await;
    let registered = post(
        &client,
        a.url("/api/v1/letters"),
        &operator,
        &letter("first"),
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let registered = registered.json();
    let id = registered["id"].as_i64().expect("id");
    let (content_type, body) = multipart(&[("قبض.pdf", PDF)]);
    let req = client
        .post(a.url(&format!("/api/v1/letters/{id}/attachments")))
        .bearer_auth(&operator)
        .insert_header(("content-type", content_type));
    let uploaded = send(req, Some(body)).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text());
    let attachment = uploaded.json()[0]["id"].as_i64().expect("attachment id");

    // Polled, acknowledged and answered on B, with A's token valid there too.
    let clerk = b.login(&client, "clerk-water").await;
    assert_eq!(
        get(&client, b.url(&format!("/api/v1/letters/{id}")), &operator)
            .await
            .status,
        200
    );
    let inbox = get(&client, b.url("/api/v1/inbox"), &clerk).await.json();
    let delivery = inbox["items"][0]["delivery_id"]
        .as_i64()
        .expect("delivered to B's inbox");
    let acked = post(
        &client,
        b.url(&format!("/api/v1/inbox/{delivery}/ack")),
        &clerk,
        &json!({}),
    )
    .await;
    assert_eq!(acked.status, 200, "{}", acked.text());
    let file = get(
        &client,
        b.url(&format!("/api/v1/attachments/{attachment}")),
        &clerk,
    )
    .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, PDF, "the bytes uploaded on A, from B");
    let answered = post(
        &client,
        b.url(&format!("/api/v1/letters/{id}/answer")),
        &clerk,
        &json!({"body": "قبض اصلاح شد."}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());

    // Tracked on C.
    let ask = json!({"tracking_code": registered["tracking_code"], "national_id": "0499370899"});
    let tracked = send(
        client
            .post(c.url("/api/v1/tracking"))
            .insert_header(("content-type", "application/json")),
        Some(ask.to_string().into_bytes()),
    )
    .await;
    assert_eq!(tracked.status, 200, "{}", tracked.text());
    assert_eq!(tracked.json()["status"], "answered");

    // Each SMS so far sent once by the three dispatchers together.
    let db = Db::connect(&database_url, 1).expect("database");
    let (outbox, accepted) = wait_all_sent(&db, &fake).await;
    assert_eq!(
        accepted.len(),
        outbox.len(),
        "an SMS sent twice: {accepted:?}"
    );

    // Traffic over all three; C is killed in the middle of it. What C did
    // not acknowledge is retried on A with the same key.
    let mut acknowledged = BTreeSet::new();
    let mut retry = Vec::new();
    for n in 0..30 {
        let key = format!("spread-{n}");
        if n == 15 {
            instances[2].kill();
        }
        let server = &instances[n % 3];
        let res = client
            .post(server.url("/api/v1/letters"))
            .bearer_auth(&operator)
            .insert_header(("Idempotency-Key", key.clone()))
            .send_json(&letter(&key))
            .await;
        match res {
            Ok(mut res) if res.status() == 201 => {
                let body: Value = res.json().await.expect("letter");
                acknowledged.insert(body["id"].as_i64().expect("id"));
            }
            _ => retry.push(key),
        }
    }
    assert!(!retry.is_empty(), "the killed instance refused nothing?");
    for key in &retry {
        let mut res = client
            .post(instances[0].url("/api/v1/letters"))
            .bearer_auth(&operator)
            .insert_header(("Idempotency-Key", key.clone()))
            .send_json(&letter(key))
            .await
            .expect("retry on A");
        assert!(
            res.status() == 201 || res.status() == 200,
            "retry {key}: {}",
            res.status()
        );
        let body: Value = res.json().await.expect("letter");
        assert!(
            acknowledged.insert(body["id"].as_i64().expect("id")),
            "{key} twice"
        );
    }
    use chapar::db::schema::letters;
    let mut conn = db.pool().get().expect("connection");
    let stored: i64 = letters::table
        .count()
        .get_result(&mut *conn)
        .expect("count");
    assert_eq!(stored, 31, "the first letter and thirty more, each once");
    assert_eq!(acknowledged.len(), 30);
    drop(conn);
    // The survivors send every SMS, including any the killed one held.
    let (outbox, accepted) = wait_all_sent(&db, &fake).await;
    assert!(
        outbox.len() > 31,
        "a registration SMS each, and the first one's steps"
    );
    println!(
        "three instances: {stored} letters, {} retried on A after C was killed, \
         {} SMS sent ({} accepts at the gateway)",
        retry.len(),
        outbox.len(),
        accepted.len()
    );
}
