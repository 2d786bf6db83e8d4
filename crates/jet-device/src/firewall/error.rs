//! Why the firewall refuses a request. Each variant is one JET sub-code (jsd's
//! `svc/status.rs` maps them); messages name the filter, term and field.

/// A refused firewall request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FirewallError {
    /// The request is malformed or names something that does not exist (EINVALID_MESSAGE).
    #[error("{0}")]
    Invalid(String),
    /// The request asks for something this device does not do (EUNSUPPORTED_OP).
    #[error("{0}")]
    Unsupported(String),
    /// The request names a simulated flow that is not running (flow stop).
    #[error("{0}")]
    NotFound(String),
    /// A documented limit is reached (NO_RESOURCE).
    #[error("{0}")]
    NoResource(String),
    /// Counters could not be read in time (TIMEOUT, counter gets only).
    #[error("{0}")]
    Timeout(String),
    /// The firewall task is gone (the device is shutting down).
    #[error("firewall subsystem is shutting down")]
    ShuttingDown,
}

/// Shorthand for an [`FirewallError::Invalid`] with a formatted message.
macro_rules! invalid {
    ($($t:tt)*) => { $crate::firewall::error::FirewallError::Invalid(format!($($t)*)) };
}
pub(crate) use invalid;
