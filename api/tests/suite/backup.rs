//! `chapar backup`: a consistent copy of the live SQLite database, taken
//! while registrations keep arriving, that a fresh server serves as it was.

use crate::common;

use std::time::Duration;

use common::process::{free_port, Server};
use serde_json::{json, Value};

fn backup(database_url: &str, to: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chapar"))
        .args(["backup", "--to"])
        .arg(to)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "error")
        .output()
        .expect("run chapar backup")
}

async fn register(client: &awc::Client, server: &Server, token: &str, n: usize) -> i64 {
    let mut res = client
        .post(server.url("/api/v1/letters"))
        .bearer_auth(token)
        .send_json(&json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": format!("درخواست {n}"), "body": "متن"
        }))
        .await
        .expect("registration sent");
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.expect("body");
    body["id"].as_i64().expect("id")
}

#[actix_web::test]
async fn a_backup_taken_under_writes_is_whole_and_serves() {
    let dir = tempfile::tempdir().expect("dir");
    let database_url = format!("sqlite://{}", dir.path().join("chapar.db").display());
    let live = Server::start(&database_url, dir.path(), free_port(), true, &[]);
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    live.wait_ready(&client).await;
    let token = live.login(&client, "op-bnd-1021").await;
    let mut before = Vec::new();
    for n in 0..20 {
        before.push(register(&client, &live, &token, n).await);
    }

    // The copy is taken while more letters are being registered.
    let copy = dir.path().join("copy.db");
    let writing = async {
        let mut during = 0;
        for n in 20..60 {
            register(&client, &live, &token, n).await;
            during += 1;
        }
        during
    };
    let copy_path = copy.clone();
    let url = database_url.clone();
    let (out, during) = futures_util::join!(
        actix_web::rt::task::spawn_blocking(move || backup(&url, &copy_path)),
        writing
    );
    let out = out.expect("backup task");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(during, 40, "registrations went on during the backup");
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up to"));

    // An existing file is never overwritten.
    let again = backup(&database_url, &copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // A server on the copy has every letter registered before the backup.
    let restored_dir = tempfile::tempdir().expect("dir");
    let restored = Server::start(
        &format!("sqlite://{}", copy.display()),
        restored_dir.path(),
        free_port(),
        false,
        &[(
            "CHAPAR_JWT_SECRET",
            "backup-test-secret-of-32-bytes-at-least".into(),
        )],
    );
    restored.wait_ready(&client).await;
    let token = restored.login(&client, "op-bnd-1021").await;
    for id in before {
        let res = client
            .get(restored.url(&format!("/api/v1/letters/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("read sent");
        assert_eq!(res.status(), 200, "letter {id} is in the backup");
    }
}

#[test]
fn postgres_is_pointed_to_its_own_tools() {
    let out = backup(
        "postgres://postgres@127.0.0.1:1/chapar",
        std::path::Path::new("/tmp/never-written.db"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_basebackup"));
}
