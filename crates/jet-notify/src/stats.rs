//! Counters for `show extension-service notification statistics` and the per-client
//! view for `show extension-service notification clients`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::SystemTime;

use crate::codec::ProtocolVersion;

/// Broker-wide counters, updated without locks (hot paths add per batch, not per byte).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections_total: AtomicU64,
    pub(crate) refused_not_allowed: AtomicU64,
    pub(crate) refused_max_connections: AtomicU64,
    pub(crate) refused_bad_credentials: AtomicU64,
    pub(crate) refused_protocol: AtomicU64,
    pub(crate) messages_in: AtomicU64,
    pub(crate) messages_out: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) bytes_out: AtomicU64,
    pub(crate) link_messages: AtomicU64,
    pub(crate) dropped_qos0: AtomicU64,
    pub(crate) dropped_queue_full: AtomicU64,
    pub(crate) dropped_device_events: AtomicU64,
    pub(crate) publisher_pauses: AtomicU64,
    pub(crate) dropped_expired: AtomicU64,
    pub(crate) dropped_too_large: AtomicU64,
    pub(crate) refused_publishes: AtomicU64,
    pub(crate) refused_subscriptions: AtomicU64,
    pub(crate) denied_subscriptions: AtomicU64,
    pub(crate) denied_messages: AtomicU64,
    pub(crate) quota_disconnects: AtomicU64,
    pub(crate) keepalive_disconnects: AtomicU64,
    pub(crate) protocol_errors: AtomicU64,
}

pub(crate) fn add(c: &AtomicU64, n: u64) {
    if n > 0 {
        c.fetch_add(n, Relaxed);
    }
}

impl Counters {
    pub(crate) fn snapshot(&self) -> Stats {
        let g = |c: &AtomicU64| c.load(Relaxed);
        Stats {
            connections: 0,
            sessions: 0,
            subscriptions: 0,
            retained: 0,
            connections_total: g(&self.connections_total),
            refused_not_allowed: g(&self.refused_not_allowed),
            refused_max_connections: g(&self.refused_max_connections),
            refused_bad_credentials: g(&self.refused_bad_credentials),
            refused_protocol: g(&self.refused_protocol),
            messages_in: g(&self.messages_in),
            messages_out: g(&self.messages_out),
            bytes_in: g(&self.bytes_in),
            bytes_out: g(&self.bytes_out),
            link_messages: g(&self.link_messages),
            dropped_qos0: g(&self.dropped_qos0),
            dropped_queue_full: g(&self.dropped_queue_full),
            dropped_device_events: g(&self.dropped_device_events),
            publisher_pauses: g(&self.publisher_pauses),
            dropped_expired: g(&self.dropped_expired),
            dropped_too_large: g(&self.dropped_too_large),
            refused_publishes: g(&self.refused_publishes),
            refused_subscriptions: g(&self.refused_subscriptions),
            denied_subscriptions: g(&self.denied_subscriptions),
            denied_messages: g(&self.denied_messages),
            quota_disconnects: g(&self.quota_disconnects),
            keepalive_disconnects: g(&self.keepalive_disconnects),
            protocol_errors: g(&self.protocol_errors),
        }
    }
}

/// A snapshot of the broker's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Network connections open now.
    pub connections: usize,
    /// Sessions, connected or kept for an offline client.
    pub sessions: usize,
    pub subscriptions: usize,
    pub retained: usize,
    /// Connections accepted (CONNACK success) since start.
    pub connections_total: u64,
    /// Refused: address outside allow-clients.
    pub refused_not_allowed: u64,
    /// Refused: max-connections reached.
    pub refused_max_connections: u64,
    /// Refused: missing or wrong user name / password.
    pub refused_bad_credentials: u64,
    /// Refused: unsupported protocol, bad client id, malformed CONNECT, timeout.
    pub refused_protocol: u64,
    /// PUBLISH packets received from network clients.
    pub messages_in: u64,
    /// PUBLISH packets sent to network clients.
    pub messages_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Messages published through the in-process link.
    pub link_messages: u64,
    /// QoS 0 messages dropped: a subscriber's queue was full (for a message that must not
    /// wait) or the subscriber offline.
    pub dropped_qos0: u64,
    /// QoS 1/2 messages dropped because a subscriber's queue was full (device events,
    /// wills, retained messages at SUBSCRIBE, offline clients; never a network
    /// publisher's message to an online client: that publisher pauses instead).
    pub dropped_queue_full: u64,
    /// Of the drops above (both QoS), messages of the device's own publishers (link).
    pub dropped_device_events: u64,
    /// Times a network publisher was paused because a subscriber's queue was full.
    pub publisher_pauses: u64,
    /// Messages whose Message Expiry Interval ran out before delivery.
    pub dropped_expired: u64,
    /// Messages larger than a client's Maximum Packet Size.
    pub dropped_too_large: u64,
    /// PUBLISH refused by authorization (e.g. under `/junos/`).
    pub refused_publishes: u64,
    /// Subscriptions refused (deny-subscribe, invalid filter, limits).
    pub refused_subscriptions: u64,
    /// Of those, refused by deny-subscribe (the filter lies inside a denied one).
    pub denied_subscriptions: u64,
    /// Messages withheld from every network subscriber: their topic matches a
    /// deny-subscribe filter (retained messages sent at SUBSCRIBE included).
    pub denied_messages: u64,
    /// Subscribers disconnected because they kept a publisher paused longer than
    /// `max_publisher_wait` (Quota exceeded).
    pub quota_disconnects: u64,
    /// Clients disconnected for exceeding 1.5 × keep-alive.
    pub keepalive_disconnects: u64,
    /// Connections closed for a malformed packet or protocol error.
    pub protocol_errors: u64,
}

/// One client, for `show extension-service notification clients`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    pub client_id: String,
    /// `None` for a persistent session whose client is offline.
    pub addr: Option<SocketAddr>,
    pub protocol: ProtocolVersion,
    /// Topic filters, with `$share/<group>/` when shared.
    pub subscriptions: Vec<String>,
    /// Messages waiting to be sent.
    pub queued: usize,
    /// QoS 1/2 messages sent, not yet acknowledged.
    pub inflight: usize,
    /// Messages dropped for this client (queue full, too large, expired).
    pub dropped: u64,
    /// When the current connection (or, offline, the last one) started.
    pub since: SystemTime,
}
