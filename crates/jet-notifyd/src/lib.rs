//! notifyd: the device's notification service around the [`jet_notify`] broker.
//!
//! Owns: turning `system services extension-service notification` into a
//! [`jet_notify::BrokerConfig`] (listeners, TLS, allowed clients, deny-subscribe,
//! `authentication required` checked by [`jet_device::Device::authenticate`]) and applying
//! every commit; the commit check for that stanza; eventd's events into the broker's
//! in-process link; the `show extension-service notification` status; bridges that
//! forward events to external brokers (`notification bridge NAME`) through
//! [`jet_notify::client`]; the thread the broker runs on (a single-threaded runtime of
//! its own, apart from the rest of jetd: see `thread.rs` for why).
//!
//! Must not: implement MQTT (that is `jet-notify`'s one codec and broker), check
//! passwords itself (the device does, on its blocking pool), or keep running when
//! dropped: [`NotificationService`] and every bridge abort their tasks on drop, and the
//! broker's thread ends with the service.

mod bridge;
mod service;
mod thread;

pub use service::NotificationService;
