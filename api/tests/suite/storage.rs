//! Attachment storage: an S3-compatible bucket behaves like the local
//! directory, a store that cannot be reached is a clear 503 with nothing
//! written, and a wrong configuration stops the server at start.
//! (The attachment tests of `letters.rs` run on both stores as well.)

use crate::common;

use chapar::config::{S3Settings, StorageSettings};
use chapar::db::Backend;
use chapar::storage::{Storage, SweepReport};
use common::{fresh_s3_bucket, TestApp};
use futures_util::TryStreamExt;
use object_store::ObjectStore;
use serde_json::json;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";

/// Settings of a bucket on a loopback port nobody listens on.
fn unreachable_bucket() -> S3Settings {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    S3Settings {
        bucket: "nowhere".into(),
        endpoint: Some(format!("http://127.0.0.1:{port}")),
        region: "us-east-1".into(),
        access_key_id: Some("k".into()),
        secret_access_key: Some("s".into()),
        prefix: "attachments".into(),
    }
}

/// Every object key in the bucket, read with a client of our own.
async fn keys_in(bucket: &S3Settings) -> Vec<String> {
    let store = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(&bucket.bucket)
        .with_region(&bucket.region)
        .with_endpoint(bucket.endpoint.as_deref().expect("endpoint"))
        .with_allow_http(true)
        .with_access_key_id("chapar-test")
        .with_secret_access_key("chapar-test-secret")
        .build()
        .expect("client");
    store
        .list(None)
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .expect("list bucket")
}

async fn unreachable_store_is_a_503_and_writes_nothing(backend: Backend) {
    let Some(app) =
        TestApp::start_with_storage(backend, StorageSettings::S3(unreachable_bucket())).await
    else {
        return;
    };
    app.seed_demo();
    let (op, id) = app.register_letter("op-bnd-1021", "water").await;
    let res = app
        .upload(
            &op,
            &format!("/api/v1/letters/{id}/attachments"),
            &[("a.pdf", PDF)],
        )
        .await;
    assert_eq!(res.status, 503, "{}", res.text());
    assert!(res.content_type().starts_with("application/problem+json"));
    let letter = app
        .get_as(&op, &format!("/api/v1/letters/{id}"))
        .await
        .json();
    assert_eq!(letter["attachments"], json!([]));
}

#[actix_web::test]
async fn unreachable_store_is_a_503_and_writes_nothing_sqlite() {
    unreachable_store_is_a_503_and_writes_nothing(Backend::Sqlite).await;
}

#[actix_web::test]
async fn unreachable_store_is_a_503_and_writes_nothing_postgres() {
    unreachable_store_is_a_503_and_writes_nothing(Backend::Postgres).await;
}

#[actix_web::test]
async fn the_start_check_refuses_an_unreachable_store_and_a_missing_bucket() {
    let limits = (1024, 10);
    let unreachable = Storage::s3(&unreachable_bucket(), limits.0, limits.1).expect("builds");
    assert!(unreachable.check().await.is_err());

    let dir = tempfile::tempdir().expect("dir");
    let local = Storage::local(dir.path(), limits.0, limits.1).expect("local");
    local.check().await.expect("a local directory is fine");

    let Some(bucket) = fresh_s3_bucket().await else {
        return;
    };
    let existing = Storage::s3(&bucket, limits.0, limits.1).expect("builds");
    existing.check().await.expect("the fresh bucket is usable");
    let missing = S3Settings {
        bucket: format!("{}-missing", bucket.bucket),
        ..bucket
    };
    let missing = Storage::s3(&missing, limits.0, limits.1).expect("builds");
    assert!(missing.check().await.is_err());
}

#[actix_web::test]
async fn refused_uploads_leave_no_object_in_the_bucket() {
    let Some(bucket) = fresh_s3_bucket().await else {
        return;
    };
    let app = TestApp::start_with_storage(Backend::Sqlite, StorageSettings::S3(bucket.clone()))
        .await
        .expect("app");
    app.seed_demo();
    let (op, id) = app.register_letter("op-bnd-1021", "water").await;
    let path = format!("/api/v1/letters/{id}/attachments");
    assert_eq!(app.upload(&op, &path, &[("ok.pdf", PDF)]).await.status, 201);
    assert_eq!(app.upload(&op, &path, &[("x.pdf", ELF)]).await.status, 415);
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    assert_eq!(
        app.upload(&op, &path, &[("big.pdf", &big)]).await.status,
        413
    );

    let keys = keys_in(&bucket).await;
    assert_eq!(keys.len(), 1, "only the accepted file is stored: {keys:?}");
    assert!(
        keys[0].starts_with(&format!("attachments/letters/{id}/")),
        "{keys:?}"
    );
}

every_store! {
    async fn orphan_objects_are_swept_and_recorded_files_kept(app) {
        app.seed_demo();
        let (op, id) = app.register_letter("op-bnd-1021", "water").await;
        let res = app.upload(&op, &format!("/api/v1/letters/{id}/attachments"), &[("a.pdf", PDF)]).await;
        assert_eq!(res.status, 201, "{}", res.text());
        let attachment = res.json()[0]["id"].as_i64().expect("id");
        // What a crash between storing a file and recording it leaves behind.
        let storage = Storage::from_settings(&app.settings).expect("storage");
        let orphan = format!("letters/{id}/left-by-a-crash");
        storage.put_bytes(&orphan, PDF.to_vec()).await.expect("put");

        // Recent objects may be uploads in progress: left alone.
        let young = storage.sweep_orphans(&app.db, chrono::Duration::hours(1), false).await.expect("sweep");
        assert_eq!(young, SweepReport { examined: 2, orphans: 0, deleted: 0 });
        // (A negative age makes every object old enough.)
        let old = chrono::Duration::seconds(-5);
        let dry = storage.sweep_orphans(&app.db, old, true).await.expect("sweep");
        assert_eq!(dry, SweepReport { examined: 2, orphans: 1, deleted: 0 });
        assert!(storage.exists(&orphan).await.expect("head"));

        let swept = storage.sweep_orphans(&app.db, old, false).await.expect("sweep");
        assert_eq!(swept, SweepReport { examined: 2, orphans: 1, deleted: 1 });
        assert!(!storage.exists(&orphan).await.expect("head"));
        let file = app.get_as(&op, &format!("/api/v1/attachments/{attachment}")).await;
        assert_eq!((file.status.as_u16(), file.body.as_slice()), (200, PDF));
    }
}
