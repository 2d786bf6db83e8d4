//! `show extension-service notification clients` and `... statistics`: the MQTT broker's
//! clients and counters (DESIGN principle 8: every limit and drop shows in a `show`).
//!
//! The broker lives outside the device crate (`jet-notify`, wired by jsd); it reports
//! through the [`NotificationStatus`] trait registered with
//! [`Device::set_notification_status`]. Junos publishes no capture of these commands: the
//! layout and the XML element names are ours.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::junos_time;
use crate::output::{Element, Format};
use crate::Device;

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

impl Device {
    /// Registers the notification service's status source (replacing any earlier one).
    pub fn set_notification_status(&self, status: Arc<dyn NotificationStatus>) {
        self.inner.notification.set(status);
    }

    fn notification_status(&self) -> Option<Arc<dyn NotificationStatus>> {
        self.inner.notification.get()
    }
}

pub(super) fn render_clients(dev: &Device, format: Format) -> String {
    let rows = dev
        .notification_status()
        .map(|s| s.clients())
        .unwrap_or_default();
    let mut root = Element::container("notification-client-information");
    for r in &rows {
        let mut c = Element::container("client")
            .child(Element::leaf("client-id", &r.client_id))
            .child(Element::leaf(
                "socket-address",
                r.address
                    .map_or_else(|| "offline".to_owned(), |a| a.to_string()),
            ))
            .child(Element::leaf("protocol-version", &r.protocol));
        for s in &r.subscriptions {
            c.push(Element::leaf("subscription", s));
        }
        c.push(Element::leaf("queued-messages", r.queued.to_string()));
        c.push(Element::leaf("inflight-messages", r.inflight.to_string()));
        c.push(Element::leaf("dropped-messages", r.dropped.to_string()));
        c.push(
            Element::leaf("connected-since", junos_time(r.since))
                .attr("junos:seconds", r.since.timestamp().to_string()),
        );
        root.push(c);
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => {
            let mut out = format!(
                "{:<24} {:<22} {:<8} {:>6} {:>7} {:>8}  {}\n",
                "Client ID", "Address", "Version", "Subs", "Queued", "Dropped", "Since"
            );
            for r in &rows {
                let _ = writeln!(
                    out,
                    "{:<24} {:<22} {:<8} {:>6} {:>7} {:>8}  {}",
                    r.client_id,
                    r.address
                        .map_or_else(|| "offline".to_owned(), |a| a.to_string()),
                    r.protocol,
                    r.subscriptions.len(),
                    r.queued,
                    r.dropped,
                    junos_time(r.since)
                );
                for s in &r.subscriptions {
                    let _ = writeln!(out, "    subscription: {s}");
                }
            }
            out
        }
    }
}

pub(super) fn render_statistics(dev: &Device, format: Format) -> String {
    let status = dev.notification_status();
    let listening = status.as_ref().map(|s| s.listening()).unwrap_or_default();
    let counters = status.as_ref().map(|s| s.statistics()).unwrap_or_default();
    let mut root = Element::container("notification-statistics");
    for a in &listening {
        root.push(Element::leaf("listen-address", a.to_string()));
    }
    for (name, v) in &counters {
        root.push(Element::leaf(*name, v.to_string()));
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => {
            let mut out = String::from("Notification service statistics:\n");
            let addrs: Vec<String> = listening.iter().map(|a| a.to_string()).collect();
            let _ = writeln!(
                out,
                "  {:<28} {}",
                "Listening on:",
                if addrs.is_empty() {
                    "(not listening)".to_owned()
                } else {
                    addrs.join(", ")
                }
            );
            for (name, v) in &counters {
                let _ = writeln!(out, "  {:<28} {v}", format!("{}:", words(name)));
            }
            out
        }
    }
}

/// `dropped-qos0` → `Dropped qos0`.
fn words(name: &str) -> String {
    let s = name.replace('-', " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}
