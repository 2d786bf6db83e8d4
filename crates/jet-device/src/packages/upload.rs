//! A package arriving over the API, written to `DATA/packages/.uploads/` as it comes:
//! the announced size is checked against [`MAX_UPLOAD`] before any byte is written, the
//! bytes are counted and hashed as they arrive, and the file is removed whatever
//! happens (installed, refused, or the stream dropped). Memory use is one chunk.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use jet_pkg::Sha256;
use tokio::io::AsyncWriteExt as _;

use super::{Installed, PackagesHandle};
use crate::error::DeviceError;

/// The largest package the device accepts over the API.
pub const MAX_UPLOAD: u64 = 64 << 20;

static UPLOAD_SEQ: AtomicU64 = AtomicU64::new(0);

/// An upload in progress. Dropping it removes the partial file.
#[derive(Debug)]
pub struct Upload {
    packages: PackagesHandle,
    label: String,
    path: PathBuf,
    file: Option<tokio::fs::File>,
    size: u64,
    sha256: String,
    received: u64,
    hash: Option<Sha256>,
}

impl PackagesHandle {
    /// Starts an upload of `file_name` of `size` bytes with the given SHA-256.
    pub async fn begin_upload(
        &self,
        file_name: &str,
        size: u64,
        sha256: &str,
    ) -> Result<Upload, DeviceError> {
        if size > MAX_UPLOAD {
            return Err(DeviceError::UploadTooLarge {
                field: "header.size",
                size,
                limit: MAX_UPLOAD,
            });
        }
        if size == 0 {
            return Err(DeviceError::UploadInvalid {
                field: "header.size",
                reason: "0 bytes: a package is never empty".into(),
            });
        }
        let sha256 = sha256.to_ascii_lowercase();
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DeviceError::UploadInvalid {
                field: "header.sha256",
                reason: format!("'{sha256}' is not 64 hex digits"),
            });
        }
        let label = if file_name.is_empty() {
            "(upload)".to_string()
        } else {
            file_name.chars().take(200).collect()
        };
        let dir = self.data_dir.join("packages").join(".uploads");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| DeviceError::io(dir.display().to_string(), e))?;
        let path = dir.join(format!(
            "{}-{}.tgz",
            std::process::id(),
            UPLOAD_SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| DeviceError::io(path.display().to_string(), e))?;
        Ok(Upload {
            packages: self.clone(),
            label,
            path,
            file: Some(file),
            size,
            sha256,
            received: 0,
            hash: Some(Sha256::default()),
        })
    }
}

impl Upload {
    /// Appends the next chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), DeviceError> {
        let received = self.received + chunk.len() as u64;
        if received > self.size {
            return Err(DeviceError::UploadInvalid {
                field: "chunk",
                reason: format!("more data than header.size ({} bytes)", self.size),
            });
        }
        let (Some(file), Some(hash)) = (self.file.as_mut(), self.hash.as_mut()) else {
            return Err(DeviceError::ShuttingDown);
        };
        hash.update(chunk);
        file.write_all(chunk)
            .await
            .map_err(|e| DeviceError::io(self.path.display().to_string(), e))?;
        self.received = received;
        Ok(())
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Checks size and SHA-256, then verifies and installs the package.
    pub async fn finish(mut self) -> Result<Installed, DeviceError> {
        if self.received != self.size {
            return Err(DeviceError::UploadInvalid {
                field: "header.size",
                reason: format!(
                    "announced {} bytes, the stream ended after {}",
                    self.size, self.received
                ),
            });
        }
        let digest = self.hash.take().map(Sha256::finish_hex).unwrap_or_default();
        if digest != self.sha256 {
            return Err(DeviceError::UploadInvalid {
                field: "header.sha256",
                reason: format!("announced {}, the data received has {digest}", self.sha256),
            });
        }
        if let Some(mut f) = self.file.take() {
            f.flush()
                .await
                .map_err(|e| DeviceError::io(self.path.display().to_string(), e))?;
        }
        let label = std::mem::take(&mut self.label);
        self.packages.add(self.path.clone(), label).await
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // Small and local: removing one file does not need a blocking thread.
        let _ = std::fs::remove_file(&self.path);
    }
}
