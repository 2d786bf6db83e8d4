//! Client sessions as the rest of the device speaks of them: ids, logins, and the
//! events the session table emits.

use std::net::SocketAddr;

use chrono::{DateTime, Utc};
use jet_config::LoginClass;

/// Identifies one client connection for the lifetime of the device.
pub type SessionId = u64;

/// How a session reached jsd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// gRPC over clear-text HTTP/2.
    ClearText,
    /// gRPC over TLS.
    Tls,
    /// gRPC over the device's local socket (`DATA/run/jsd.sock`): on-box applications,
    /// identified by the peer's process credentials.
    Local,
}

impl Transport {
    /// The name used in op output.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::ClearText => "clear-text",
            Transport::Tls => "ssl",
            Transport::Local => "local",
        }
    }
}

/// Who logged in on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// Junos user name.
    pub user: String,
    /// The user's login class.
    pub class: LoginClass,
    /// The application's chosen identity (owner of its routes, filters, ...).
    pub client_id: String,
    /// Optional group of the client.
    pub group_id: String,
    /// When Login succeeded.
    pub at: DateTime<Utc>,
}

/// One live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Session (connection) id.
    pub id: SessionId,
    /// The client's socket address.
    pub peer: SocketAddr,
    /// Clear text or TLS.
    pub transport: Transport,
    /// When the connection was accepted.
    pub since: DateTime<Utc>,
    /// Set once Login succeeded.
    pub login: Option<Login>,
}

/// What happened to a session; subsystems keyed on `client_id` listen to these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    /// A connection was accepted.
    Opened(SessionInfo),
    /// Login succeeded on a connection.
    LoggedIn(SessionInfo),
    /// The connection ended (its last state is included).
    Closed(SessionInfo),
}
