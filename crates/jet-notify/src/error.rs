//! The broker's own failures ([`NotifyError`]); the codec's errors ([`DecodeError`],
//! [`EncodeError`]) live with the codec in [`crate::codec`].

use std::net::SocketAddr;

/// Failures of the broker itself (configuration, sockets, runtime).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the broker must be started inside a tokio runtime")]
    NoRuntime,
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("invalid topic name {0:?}")]
    InvalidTopic(String),
    #[error("the broker has shut down")]
    Closed,
}
