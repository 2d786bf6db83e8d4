//! The device's error type. jsd maps it to gRPC and JET statuses in one place.

use jet_config::{ConfigError, StoreError};

/// Everything the device can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    // --- the client asked for something wrong ---
    /// Configuration text that does not parse or validate; nothing was changed.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// A commit check of a subsystem refused the new configuration; nothing was changed.
    #[error("commit check failed: {0}")]
    CommitCheck(String),
    /// An operational command that does not exist or has bad arguments.
    #[error("syntax error: {0}")]
    Syntax(String),
    /// The login class of the session does not allow this.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// An operational command named an interface the device does not have.
    #[error("error: device {0} not found")]
    UnknownInterface(String),
    /// An operational command failed as Junos reports it (`error: ...`).
    #[error("error: {0}")]
    Command(String),
    /// The configuration database refuses the operation now (locked by another session,
    /// shared database modified, unknown configuration session, ...).
    #[error("{0}")]
    Database(String),
    /// A configuration-mode commit was refused; the text is the Junos-style report.
    #[error("{0}")]
    CommitFailed(String),
    /// An ephemeral-database request names an instance or path that does not exist.
    #[error("{0}")]
    Ephemeral(String),
    /// A payload encoding this release cannot load yet.
    #[error("{0}")]
    Unsupported(String),

    // --- the device failed ---
    /// The configuration store could not be read or written.
    #[error("configuration database error: {0}")]
    Store(#[from] StoreError),
    /// A device task is gone (the device is shutting down).
    #[error("device is shutting down")]
    ShuttingDown,
    /// Local I/O failed (data directory, password file, ...).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl DeviceError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DeviceError::Io {
            context: context.into(),
            source,
        }
    }
}
