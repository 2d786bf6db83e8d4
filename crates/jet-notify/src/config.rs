//! The broker's configuration, as jetd derives it from `system services
//! extension-service notification` (and tests build it directly).

use std::fmt;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

/// The verdict on one CONNECT's user name and password: `true` lets the client in.
pub type AuthFuture = Pin<Box<dyn Future<Output = bool> + Send>>;

/// Checks a user name and password. The connection awaits the verdict without holding a
/// runtime thread, so a slow check (a password hash) must run elsewhere — on the blocking
/// pool, as [`blocking_authenticator`] does — never in the future's `poll`.
pub type Authenticator = Arc<dyn Fn(String, Bytes) -> AuthFuture + Send + Sync>;

/// An [`Authenticator`] that runs a synchronous `check` on tokio's blocking pool.
pub fn blocking_authenticator(
    check: impl Fn(&str, &[u8]) -> bool + Send + Sync + 'static,
) -> Authenticator {
    let check = Arc::new(check);
    Arc::new(move |user: String, password: Bytes| -> AuthFuture {
        let check = check.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || check(&user, &password))
                .await
                .unwrap_or(false)
        })
    })
}

/// One listening socket. Two listeners are "the same" when their address and TLS
/// configuration (by identity) are equal: reconfiguring keeps such a listener and its
/// clients.
#[derive(Clone)]
pub struct ListenerConfig {
    pub addr: SocketAddr,
    /// `Some`: MQTT over TLS on this listener.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl ListenerConfig {
    pub fn tcp(addr: SocketAddr) -> Self {
        ListenerConfig { addr, tls: None }
    }

    pub(crate) fn same_as(&self, other: &ListenerConfig) -> bool {
        self.addr == other.addr && self.same_tls(other)
    }

    pub(crate) fn same_tls(&self, other: &ListenerConfig) -> bool {
        match (&self.tls, &other.tls) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for ListenerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListenerConfig")
            .field("addr", &self.addr)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

/// Bounds on what one client may cost. Every one shows in `clients()`/`stats()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Messages waiting for one client (any QoS). What happens at the bound depends on
    /// who publishes (see `session.rs`): a network publisher is paused until the queue
    /// is down to three quarters; the device's link and wills never wait (the new
    /// message is dropped and counted); an offline client keeps QoS 1/2 up to the bound.
    pub max_queued_messages: usize,
    /// The same bound in bytes (topic and payload of every queued message).
    pub max_queued_bytes: usize,
    /// How long a network publisher may stay paused by one subscriber's full queue;
    /// then that subscriber is disconnected (v5 DISCONNECT 0x97 Quota exceeded) and
    /// the publisher goes on.
    pub max_publisher_wait: Duration,
    /// The largest packet accepted from a client (announced in a v5 CONNACK); larger
    /// ones close the connection (v5 DISCONNECT 0x95).
    pub max_packet_size: u32,
    /// QoS 1/2 messages sent to a client and not yet acknowledged (a v5 client's
    /// Receive Maximum lowers it).
    pub max_inflight: u16,
    /// QoS 2 messages a client may have unacknowledged toward the broker (our Receive
    /// Maximum).
    pub receive_maximum: u16,
    /// Topic aliases a v5 client may use toward the broker.
    pub topic_alias_maximum: u16,
    /// Topic aliases the broker uses toward a v5 client (at most what it allows).
    pub server_topic_aliases: u16,
    /// Upper bound on session expiry, seconds; 3.1.1 persistent sessions get it too.
    pub max_session_expiry: u32,
    /// Upper bound on keep-alive, seconds (0: none). A v5 client asking for more (or for
    /// none) is told the bound in CONNACK (Server Keep Alive).
    pub max_keep_alive: u16,
    /// How long a new connection may take to send CONNECT.
    pub connect_timeout: Duration,
    /// Retained messages kept by the broker; a new topic beyond it is not retained.
    pub max_retained: usize,
    /// Subscriptions one client may hold; more are refused (SUBACK 0x97 / 0x80).
    pub max_subscriptions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_queued_messages: 1000,
            max_queued_bytes: 1 << 20,
            max_publisher_wait: Duration::from_secs(10),
            max_packet_size: 1 << 20,
            max_inflight: 100,
            receive_maximum: 100,
            topic_alias_maximum: 16,
            server_topic_aliases: 16,
            max_session_expiry: 86_400,
            max_keep_alive: 0,
            connect_timeout: Duration::from_secs(10),
            max_retained: 100_000,
            max_subscriptions: 1000,
        }
    }
}

/// Everything the broker needs. [`crate::BrokerHandle::reconfigure`] applies a new one
/// at once.
#[derive(Clone)]
pub struct BrokerConfig {
    pub listeners: Vec<ListenerConfig>,
    /// Network clients at once; more are answered CONNACK "server unavailable".
    pub max_connections: usize,
    /// Networks clients may connect from, as (address, prefix length). Empty: nobody.
    pub allow_clients: Vec<(IpAddr, u8)>,
    /// Topic filters nobody may subscribe to: a subscription that could receive a
    /// message matching one of them is answered SUBACK 0x80.
    pub deny_subscribe: Vec<String>,
    /// `Some`: CONNECT must carry a user name and password it accepts.
    pub authenticator: Option<Authenticator>,
    pub limits: Limits,
}

impl BrokerConfig {
    /// One clear-text listener, allowing only loopback clients, default limits.
    pub fn loopback(addr: SocketAddr) -> Self {
        BrokerConfig {
            listeners: vec![ListenerConfig::tcp(addr)],
            max_connections: 1000,
            allow_clients: vec![
                (IpAddr::V4(Ipv4Addr::LOCALHOST), 32),
                (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
            ],
            deny_subscribe: Vec::new(),
            authenticator: None,
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for BrokerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrokerConfig")
            .field("listeners", &self.listeners)
            .field("max_connections", &self.max_connections)
            .field("allow_clients", &self.allow_clients)
            .field("deny_subscribe", &self.deny_subscribe)
            .field("authenticator", &self.authenticator.is_some())
            .field("limits", &self.limits)
            .finish()
    }
}
