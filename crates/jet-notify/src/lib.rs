//! jet-notify: the device's notification service, an MQTT broker.
//!
//! Owns: the MQTT codec (3.1, 3.1.1 and 5, both directions, [`codec`]), the broker core
//! (sessions, subscriptions, retained messages, wills, QoS 0/1/2 flows, flow control),
//! its listeners (TCP and TLS) and the in-process [`Link`] through which the device's own
//! daemons publish (the only publisher allowed under `/junos/`), and the [`client`]
//! that bridges forward messages to remote brokers with.
//!
//! Must not: know about device configuration (`jet-notifyd` translates `system services
//! extension-service notification` into a [`BrokerConfig`]), keep process-wide state
//! (many brokers may live in one process), lose an acknowledged QoS 1/2 message of a
//! network publisher to a full queue, or let a slow client slow anyone for longer than
//! `max_publisher_wait`: every queue toward a client is bounded in messages and bytes with
//! a stated policy (see [`Limits`]): a network publisher feeding a full queue is paused
//! (back-pressure), the device's own publishers never wait (drop and count).
//!
//! Layers: `codec` (bytes ⇄ packets) → `connection` (one connection's protocol state
//! machine, sans I/O) and `router`/`session` (subscriptions, queues, timers, driven with
//! explicit time) → `io`/`listener`/`broker` (the thin tokio layer).
//!
//! ```no_run
//! # async fn demo() -> Result<(), jet_notify::NotifyError> {
//! use jet_notify::{Broker, BrokerConfig, QoS};
//! let broker = Broker::start(BrokerConfig::loopback("127.0.0.1:1883".parse().unwrap()))?;
//! broker.link().publish("/junos/events/genpub/config-update", "{}".into(), QoS::AtMostOnce, false)?;
//! broker.shutdown().await;
//! # Ok(()) }
//! ```

mod acl;
mod broker;
pub mod client;
pub mod codec;
mod config;
mod connection;
mod error;
mod io;
mod link;
mod listener;
mod router;
mod session;
mod shared;
mod stats;
pub mod topic;

pub use broker::{Broker, BrokerHandle};
pub use codec::{DecodeError, EncodeError};
pub use codec::{ProtocolVersion, QoS};
pub use config::{
    blocking_authenticator, AuthFuture, Authenticator, BrokerConfig, Limits, ListenerConfig,
};
pub use error::{ClientError, NotifyError};
pub use link::Link;
pub use stats::{ClientInfo, Stats};
