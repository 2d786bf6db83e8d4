//! The one error type of the crate: every refusal names the bad thing (the file, the
//! manifest field, the provider or key) and the check that failed.

use std::path::PathBuf;

/// Why a package, a manifest or a key was refused.
#[derive(Debug, thiserror::Error)]
pub enum PkgError {
    // --- the archive itself ---
    /// The archive is not a gzip-compressed tar, or is truncated.
    #[error("package is not a readable .tgz archive: {0}")]
    Archive(String),
    /// An entry other than a regular file or directory (a link, a device, ...).
    #[error("package entry '{path}' is a {kind}: only regular files and directories are allowed")]
    NotRegular {
        /// The entry's path in the archive.
        path: String,
        /// What it is.
        kind: &'static str,
    },
    /// A path that could write outside the package directory, or is otherwise unusable.
    #[error("package path '{path}' refused: {reason}")]
    UnsafePath {
        /// The path as given.
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The same path twice in the archive.
    #[error("package entry '{0}' appears twice")]
    Duplicate(String),
    /// The archive (or its unpacked content) exceeds a limit.
    #[error("package exceeds the limit of {limit} {what}")]
    TooLarge {
        /// What is counted (bytes unpacked, entries).
        what: &'static str,
        /// The limit.
        limit: u64,
    },

    // --- manifest and signature ---
    /// `manifest.sig` is missing: the package is unsigned.
    #[error("package is unsigned: it has no manifest.sig")]
    Unsigned,
    /// `manifest.json` is missing.
    #[error("package has no manifest.json")]
    NoManifest,
    /// The manifest does not parse, or a field is invalid.
    #[error("manifest field '{field}': {reason}")]
    Manifest {
        /// The field (JSON name; `files[3].path` style for list items).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `manifest.sig` does not parse.
    #[error("manifest.sig: {0}")]
    SignatureFormat(String),
    /// No trusted key is configured for the package's provider.
    #[error("provider '{provider}' is not trusted: no key {path}")]
    UnknownProvider {
        /// The manifest's provider.
        provider: String,
        /// Where its key was looked for.
        path: PathBuf,
    },
    /// The device's configuration does not name the provider.
    #[error("provider '{0}' is not configured (system extensions providers {0})")]
    ProviderNotConfigured(String),
    /// The package was signed by a key other than the provider's trusted key.
    #[error("package signed by unknown key {key_id} (provider '{provider}' trusts key {trusted})")]
    UnknownKey {
        /// The manifest's provider.
        provider: String,
        /// The signing key's id, from manifest.sig.
        key_id: String,
        /// The id of the trusted key.
        trusted: String,
    },
    /// The signature does not verify over manifest.json with the trusted key.
    #[error("signature of manifest.json does not verify with provider '{provider}' key {key_id}")]
    BadSignature {
        /// The manifest's provider.
        provider: String,
        /// The trusted key's id.
        key_id: String,
    },

    // --- the files ---
    /// A file's SHA-256 differs from the manifest's.
    #[error("file '{path}' fails its sha256 check: manifest says {expected}, file has {actual}")]
    Checksum {
        /// The file.
        path: String,
        /// The manifest's digest.
        expected: String,
        /// The file's digest.
        actual: String,
    },
    /// A file listed in the manifest is not in the archive.
    #[error("file '{0}' is listed in the manifest but missing from the package")]
    MissingFile(String),
    /// A file in the archive is not listed in the manifest.
    #[error("file '{0}' is in the package but not listed in the manifest")]
    Unlisted(String),

    // --- keys ---
    /// A key file does not parse.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The crypto library refused (key generation, a malformed private key).
    #[error("crypto: {0}")]
    Crypto(String),

    // --- I/O ---
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl PkgError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> PkgError {
        let path = path.into();
        move |source| PkgError::Io { path, source }
    }

    pub(crate) fn manifest(field: impl Into<String>, reason: impl Into<String>) -> PkgError {
        PkgError::Manifest {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
