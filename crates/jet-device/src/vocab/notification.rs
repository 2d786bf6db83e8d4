//! What the notification service (outside this crate) reports about itself, for the
//! `show extension-service notification ...` commands.

use std::net::SocketAddr;

use chrono::{DateTime, Utc};

/// One MQTT client (connected, or a persistent session whose client is offline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyClientRow {
    /// MQTT client identifier.
    pub client_id: String,
    /// Socket address; `None` while offline.
    pub address: Option<SocketAddr>,
    /// `3.1`, `3.1.1` or `5`.
    pub protocol: String,
    /// Topic filters.
    pub subscriptions: Vec<String>,
    /// Messages waiting to be sent.
    pub queued: usize,
    /// QoS 1/2 messages sent and not yet acknowledged.
    pub inflight: usize,
    /// Messages dropped for this client.
    pub dropped: u64,
    /// When the connection (or, offline, the last one) started.
    pub since: DateTime<Utc>,
}

/// What the notification service tells the device about itself.
pub trait NotificationStatus: Send + Sync {
    /// The MQTT addresses served.
    fn listening(&self) -> Vec<SocketAddr>;
    /// Every client session.
    fn clients(&self) -> Vec<NotifyClientRow>;
    /// Named counters, in display order (`connections`, `dropped-qos0`, ...).
    fn statistics(&self) -> Vec<(&'static str, u64)>;
}
