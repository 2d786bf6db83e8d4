//! notifyd: the device's notification service around the [`jet_notify`] broker.
//!
//! Owns: turning `system services extension-service notification` into a
//! [`jet_notify::BrokerConfig`] (listeners, TLS, allowed clients, deny-subscribe,
//! `authentication required` checked by [`jet_device::Device::authenticate`]) and applying
//! every commit; the commit check for that stanza; eventd's events into the broker's
//! in-process link; the `show extension-service notification` status; bridges that
//! forward events to external brokers (`notification bridge NAME`) through
//! [`jet_notify::client`].
//!
//! Must not: implement MQTT (that is `jet-notify`'s one codec and broker), check
//! passwords itself (the device does, on its blocking pool), or keep running when
//! dropped: [`NotificationService`] and every bridge abort their tasks on drop.

mod bridge;
mod service;

pub use service::NotificationService;
