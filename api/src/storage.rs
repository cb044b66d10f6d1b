//! Attachment bytes live in an object store (a local directory under the data
//! dir by default, or an S3-compatible bucket); their metadata and SHA-256 in
//! the database.
//!
//! Uploads are streamed: each chunk is hashed, counted against the size limit
//! and written as it arrives, never buffered whole. (S3 multipart uploads hold
//! at most one 5 MiB part in memory, S3's smallest part size.)

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ClientOptions, ObjectStore, RetryConfig, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::config::{S3Settings, Settings, StorageSettings};
use crate::db::Db;
use crate::error::ApiError;

/// Parts of one upload in flight at once (S3); bounds the memory of an upload.
const UPLOAD_CONCURRENCY: usize = 2;

pub struct Storage {
    store: Arc<dyn ObjectStore>,
    pub max_file_bytes: u64,
    pub max_files_per_letter: i64,
}

/// What an orphan sweep found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    /// Objects looked at.
    pub examined: usize,
    /// Objects old enough that no attachment row names.
    pub orphans: usize,
    /// Orphans removed (0 in a dry run).
    pub deleted: usize,
}

/// Objects are listed and checked against the database this many at a time.
const SWEEP_BATCH: usize = 500;

/// A stored upload.
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub sha256: String,
    pub content_type: &'static str,
}

impl Storage {
    /// The store the settings name: `<data dir>/attachments` or an S3 bucket.
    /// Nothing is contacted here; see [`Storage::check`].
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Storage> {
        match &settings.storage {
            StorageSettings::Local => Storage::local(
                &settings.data_dir.join("attachments"),
                settings.attachment_max_bytes,
                settings.attachment_max_files,
            ),
            StorageSettings::S3(s3) => Storage::s3(
                s3,
                settings.attachment_max_bytes,
                settings.attachment_max_files,
            ),
        }
    }

    /// An S3-compatible bucket. Requests are path-style (what MinIO, Ceph and
    /// most non-AWS services expect); plain `http://` is allowed only when the
    /// endpoint says so. Retries are short: a counter operator is waiting.
    pub fn s3(
        settings: &S3Settings,
        max_file_bytes: u64,
        max_files_per_letter: i64,
    ) -> anyhow::Result<Storage> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(60)),
            )
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(20),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let bucket = builder.build()?;
        let store: Arc<dyn ObjectStore> = if settings.prefix.is_empty() {
            Arc::new(bucket)
        } else {
            Arc::new(PrefixStore::new(bucket, settings.prefix.as_str()))
        };
        Ok(Storage {
            store,
            max_file_bytes,
            max_files_per_letter,
        })
    }

    /// Lists the top level of the store (one short request): this proves the
    /// bucket exists, is reachable and accepts the credentials, so a wrong
    /// configuration stops the server at start instead of failing the first
    /// upload at a counter.
    pub async fn check(&self) -> anyhow::Result<()> {
        self.store
            .list_with_delimiter(None)
            .await
            .map(drop)
            .map_err(|e| anyhow::anyhow!("the attachment store cannot be used: {e}"))
    }

    /// Removes objects that no attachment row names and that are older than
    /// `min_age`. An upload stores its object before its row, and a crash in
    /// between (or a failed clean-up) leaves the object behind; the age
    /// margin keeps uploads in progress safe.
    pub async fn sweep_orphans(
        &self,
        db: &Db,
        min_age: chrono::Duration,
        dry_run: bool,
    ) -> anyhow::Result<SweepReport> {
        let cutoff = chrono::Utc::now() - min_age;
        let mut report = SweepReport::default();
        let mut listing = self
            .store
            .list(Some(&ObjectPath::from("letters")))
            .try_chunks(SWEEP_BATCH);
        while let Some(batch) = listing.next().await {
            let batch =
                batch.map_err(|e| anyhow::anyhow!("listing the attachment store: {}", e.1))?;
            report.examined += batch.len();
            let old: Vec<String> = batch
                .into_iter()
                .filter(|meta| meta.last_modified < cutoff)
                .map(|meta| meta.location.to_string())
                .collect();
            if old.is_empty() {
                continue;
            }
            let keys = old.clone();
            let known = db
                .run(move |conn| Ok(crate::db::letters::existing_storage_keys(conn, &keys)?))
                .await
                .map_err(|e| anyhow::anyhow!("reading attachment rows: {e}"))?;
            for key in old.iter().filter(|key| !known.contains(*key)) {
                report.orphans += 1;
                if dry_run {
                    tracing::info!(key, "orphan attachment object (dry run: kept)");
                    continue;
                }
                match self.store.delete(&ObjectPath::from(key.as_str())).await {
                    Ok(()) => report.deleted += 1,
                    Err(e) => tracing::warn!(key, error = %e, "could not remove an orphan object"),
                }
            }
        }
        Ok(report)
    }

    /// Puts `bytes` under `key` as they are (tests and tools; uploads go
    /// through [`Storage::put_stream`]).
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store
            .put(&ObjectPath::from(key), bytes.into())
            .await
            .map(drop)
            .map_err(Into::into)
    }

    /// Whether an object exists under `key`.
    pub async fn exists(&self, key: &str) -> anyhow::Result<bool> {
        match self.store.head(&ObjectPath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// A local directory store (created if missing).
    pub fn local(
        dir: &std::path::Path,
        max_file_bytes: u64,
        max_files_per_letter: i64,
    ) -> anyhow::Result<Storage> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir)?;
        Ok(Storage {
            store: Arc::new(store),
            max_file_bytes,
            max_files_per_letter,
        })
    }

    /// Streams `chunks` into the store under `key`, checking the type from the
    /// first bytes and the size as it goes; nothing is left behind on failure.
    pub async fn put_stream<S, E>(&self, key: &str, mut chunks: S) -> Result<Stored, ApiError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = ObjectPath::from(key);
        let upload = self
            .store
            .put_multipart(&path)
            .await
            .map_err(storage_error)?;
        let mut writer = WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(shared::files::SNIFF_LEN);
        let mut content_type = None;
        let failure = loop {
            let chunk = match chunks.next().await {
                None => break None,
                Some(Err(e)) => {
                    break Some(ApiError::BadRequest(format!(
                        "the upload was interrupted: {e}"
                    )))
                }
                Some(Ok(chunk)) => chunk,
            };
            size += chunk.len() as u64;
            if size > self.max_file_bytes {
                break Some(ApiError::PayloadTooLarge(format!(
                    "a file may have at most {} bytes",
                    self.max_file_bytes
                )));
            }
            if content_type.is_none() && head.len() < shared::files::SNIFF_LEN {
                let need = shared::files::SNIFF_LEN - head.len();
                head.extend_from_slice(&chunk[..need.min(chunk.len())]);
                if head.len() == shared::files::SNIFF_LEN {
                    match shared::files::sniff(&head) {
                        Some(t) => content_type = Some(t),
                        None => break Some(unsupported()),
                    }
                }
            }
            hasher.update(&chunk);
            writer.write(&chunk);
            if let Err(e) = writer.wait_for_capacity(UPLOAD_CONCURRENCY).await {
                break Some(storage_error(e));
            }
        };
        // A file shorter than the sniffing window is judged on what there is.
        if failure.is_none() && content_type.is_none() {
            content_type = shared::files::sniff(&head);
        }
        match (failure, content_type) {
            (None, Some(content_type)) if size > 0 => {
                writer.finish().await.map_err(storage_error)?;
                Ok(Stored {
                    key: key.to_owned(),
                    size,
                    sha256: hasher
                        .finalize()
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect(),
                    content_type,
                })
            }
            (failure, _) => {
                let _ = writer.abort().await;
                Err(failure.unwrap_or_else(unsupported))
            }
        }
    }

    /// Removes an object (an upload whose database row could not be written).
    pub async fn delete(&self, key: &str) {
        if let Err(e) = self.store.delete(&ObjectPath::from(key)).await {
            tracing::warn!(key, error = %e, "could not remove an orphan attachment");
        }
    }

    /// The object's bytes as a stream.
    pub async fn get(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>>, ApiError> {
        let result = self
            .store
            .get(&ObjectPath::from(key))
            .await
            .map_err(storage_error)?;
        Ok(result.into_stream())
    }
}

/// A store that cannot be reached or refuses us is a temporary outage for the
/// caller (503, try again); anything else is our bug (500). Both are logged
/// with the store's own message, which never carries the secret key.
fn storage_error(error: object_store::Error) -> ApiError {
    match error {
        object_store::Error::Generic { .. }
        | object_store::Error::PermissionDenied { .. }
        | object_store::Error::Unauthenticated { .. } => {
            tracing::error!(error = %error, "attachment store unavailable");
            ApiError::Unavailable(
                "The attachment store cannot be reached right now; please try again shortly."
                    .into(),
            )
        }
        other => ApiError::Internal(format!("storage: {other}")),
    }
}

fn unsupported() -> ApiError {
    ApiError::UnsupportedMediaType(
        "Only PDF, JPEG and PNG files are accepted (recognised from their content).".into(),
    )
}
