//! Why a registration is refused: one variant per cause, messages naming the field.

use std::path::PathBuf;

/// Why a registration was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    /// A field or JSON element is malformed; `field` names it (`target`,
    /// `services[0].rpcs[1].name`, ...).
    #[error("{field}: {reason}")]
    Invalid {
        /// The bad field or JSON element.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A service is served by jsd itself or registered under another id.
    #[error("services: '{service}' is already served by {owner}")]
    Conflict {
        /// The service.
        service: String,
        /// `jsd` or `registration '<id>'`.
        owner: String,
    },
    /// The device holds [`MAX_REGISTRATIONS`](super::MAX_REGISTRATIONS) registrations already.
    #[error("id: '{id}' would be registration {} of at most {max}", max + 1)]
    TooMany {
        /// The new id.
        id: String,
        /// The limit.
        max: usize,
    },
    /// `json_file` could not be read.
    #[error("json_file: cannot read '{}': {source}", path.display())]
    File {
        /// The path given.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The registration could not be stored.
    #[error("cannot store registration '{id}': {source}")]
    Store {
        /// The id.
        id: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The device is stopping.
    #[error("device is shutting down")]
    ShuttingDown,
}
