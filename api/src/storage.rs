//! Attachment bytes live in an object store (a local directory under the data
//! dir by default); their metadata and SHA-256 in the database.
//!
//! Uploads are streamed: each chunk is hashed, counted against the size limit
//! and written as it arrives, never buffered whole.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub struct Storage {
    store: Arc<dyn ObjectStore>,
    pub max_file_bytes: u64,
    pub max_files_per_letter: i64,
}

/// A stored upload.
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub sha256: String,
    pub content_type: &'static str,
}

impl Storage {
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
            .map_err(|e| ApiError::Internal(format!("storage: {e}")))?;
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
        };
        // A file shorter than the sniffing window is judged on what there is.
        if failure.is_none() && content_type.is_none() {
            content_type = shared::files::sniff(&head);
        }
        match (failure, content_type) {
            (None, Some(content_type)) if size > 0 => {
                writer
                    .finish()
                    .await
                    .map_err(|e| ApiError::Internal(format!("storage: {e}")))?;
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
            .map_err(|e| ApiError::Internal(format!("storage: {e}")))?;
        Ok(result.into_stream())
    }
}

fn unsupported() -> ApiError {
    ApiError::UnsupportedMediaType(
        "Only PDF, JPEG and PNG files are accepted (recognised from their content).".into(),
    )
}
