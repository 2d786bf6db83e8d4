//! The broker's own failures ([`NotifyError`]) and the bridge client's
//! ([`ClientError`]); the codec's errors ([`DecodeError`], [`EncodeError`]) live with
//! the codec in [`crate::codec`], which imports nothing from here.

use std::net::SocketAddr;

use crate::codec::{DecodeError, EncodeError};

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

/// Failures of the MQTT client ([`crate::client`]) talking to a remote broker.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    // the connection
    #[error("cannot reach broker {addr}: {source}")]
    Connect {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("connection to the broker failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the broker closed the connection")]
    Closed,
    #[error("the broker did not answer within {0:?}")]
    Timeout(std::time::Duration),
    // the protocol
    #[error("the broker sent bytes that are not MQTT: {0}")]
    Decode(#[from] DecodeError),
    #[error("cannot encode a packet for the broker: {0}")]
    Encode(#[from] EncodeError),
    #[error("the broker refused the connection with reason code {0:#04x}")]
    Refused(u8),
    #[error("the broker sent {0} where CONNACK was expected")]
    Unexpected(&'static str),
}
