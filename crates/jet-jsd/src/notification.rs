//! The notification service: the device's MQTT broker (`jet-notify`), configured from
//! `system services extension-service notification`, fed by eventd.
//!
//! ```text
//!  device.watch_config() ──► reconfigure task ──► BrokerHandle::reconfigure (applies at once)
//!  device event bus ──► eventd::run ──► Link::publish (in process, never blocks on clients)
//! ```
//!
//! Only the link may publish under `/junos/`; network clients get what the broker's
//! topic authorization allows. A commit check refuses a notification stanza whose address
//! cannot be bound.

use std::net::SocketAddr;
use std::sync::Arc;

use jet_config::Config;
use jet_device::eventd::{self, Notification};
use jet_device::op::notification::{NotificationStatus, NotifyClientRow};
use jet_device::Device;
use jet_notify::{
    Broker, BrokerConfig, BrokerHandle, Limits, ListenerConfig, ProtocolVersion, QoS,
};

/// A running notification service.
pub struct NotificationService {
    broker: Arc<BrokerHandle>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// The broker configuration a device configuration asks for. No `notification` stanza:
/// no listener (the in-process link still works, so nothing is lost inside the device).
pub fn broker_config(cfg: &Config) -> BrokerConfig {
    match cfg.notification() {
        None => BrokerConfig {
            listeners: Vec::new(),
            max_connections: 0,
            allow_clients: Vec::new(),
            deny_subscribe: Vec::new(),
            authenticator: None,
            limits: Limits::default(),
        },
        Some(n) => BrokerConfig {
            listeners: vec![ListenerConfig::tcp(SocketAddr::new(
                n.listener.address,
                n.listener.port,
            ))],
            max_connections: n.max_connections as usize,
            allow_clients: n.allow_clients.iter().map(|p| (p.addr, p.len)).collect(),
            deny_subscribe: Vec::new(),
            authenticator: None,
            limits: Limits::default(),
        },
    }
}

impl NotificationService {
    /// Starts the broker for the committed configuration, follows later commits, and
    /// runs eventd into it.
    pub fn start(device: Device) -> Result<NotificationService, String> {
        let cfg = broker_config(&device.committed().config);
        let broker = Arc::new(Broker::start(cfg).map_err(|e| format!("notification: {e}"))?);
        let mut bound: Vec<SocketAddr> = broker.local_addrs();
        device.add_commit_check(commit_check(broker.clone()));
        device.set_notification_status(Arc::new(Status(broker.clone())));

        let reconfigure = tokio::spawn({
            let broker = broker.clone();
            let mut config = device.watch_config();
            async move {
                config.borrow_and_update();
                while config.changed().await.is_ok() {
                    let cfg = broker_config(&config.borrow_and_update().config);
                    if let Err(e) = broker.reconfigure(cfg) {
                        tracing::error!(error = %e, "notification service cannot apply the configuration");
                    }
                    let now = broker.local_addrs();
                    if now != bound {
                        for a in &now {
                            tracing::info!(addr = %a, "notification service listening");
                        }
                        bound = now;
                    }
                }
            }
        });
        let events = tokio::spawn({
            let link = broker.link();
            eventd::run(device, move |n: Notification| {
                // QoS 1 so that subscribers asking for reliability get it; the broker
                // drops or queues per subscriber and never blocks the device.
                if let Err(e) = link.publish(&n.topic, n.payload.into(), QoS::AtLeastOnce, n.retain)
                {
                    tracing::warn!(error = %e, "eventd could not publish");
                }
            })
        });
        Ok(NotificationService {
            broker,
            tasks: vec![reconfigure, events],
        })
    }

    /// The broker (clients, statistics, addresses).
    pub fn broker(&self) -> &BrokerHandle {
        &self.broker
    }

    /// The MQTT addresses served now.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.broker.local_addrs()
    }

    /// Stops eventd and the broker.
    pub async fn shutdown(self) {
        for t in &self.tasks {
            t.abort();
        }
        self.broker.shutdown().await;
    }
}

/// The broker as `show extension-service notification ...` sees it.
struct Status(Arc<BrokerHandle>);

impl NotificationStatus for Status {
    fn listening(&self) -> Vec<SocketAddr> {
        self.0.local_addrs()
    }

    fn clients(&self) -> Vec<NotifyClientRow> {
        let mut rows: Vec<NotifyClientRow> = self
            .0
            .clients()
            .into_iter()
            .map(|c| NotifyClientRow {
                client_id: c.client_id,
                address: c.addr,
                protocol: match c.protocol {
                    ProtocolVersion::V3_1 => "3.1",
                    ProtocolVersion::V3_1_1 => "3.1.1",
                    ProtocolVersion::V5 => "5",
                }
                .to_owned(),
                subscriptions: c.subscriptions,
                queued: c.queued,
                inflight: c.inflight,
                dropped: c.dropped,
                since: c.since.into(),
            })
            .collect();
        rows.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        rows
    }

    fn statistics(&self) -> Vec<(&'static str, u64)> {
        let s = self.0.stats();
        vec![
            ("connections", s.connections as u64),
            ("sessions", s.sessions as u64),
            ("subscriptions", s.subscriptions as u64),
            ("retained-messages", s.retained as u64),
            ("connections-accepted", s.connections_total),
            ("refused-not-allowed", s.refused_not_allowed),
            ("refused-max-connections", s.refused_max_connections),
            ("refused-bad-credentials", s.refused_bad_credentials),
            ("refused-protocol", s.refused_protocol),
            ("messages-in", s.messages_in),
            ("messages-out", s.messages_out),
            ("bytes-in", s.bytes_in),
            ("bytes-out", s.bytes_out),
            ("device-events", s.link_messages),
            ("dropped-qos0", s.dropped_qos0),
            ("dropped-queue-full", s.dropped_queue_full),
            ("dropped-expired", s.dropped_expired),
            ("dropped-too-large", s.dropped_too_large),
            ("refused-publishes", s.refused_publishes),
            ("refused-subscriptions", s.refused_subscriptions),
            ("quota-disconnects", s.quota_disconnects),
            ("keepalive-disconnects", s.keepalive_disconnects),
            ("protocol-errors", s.protocol_errors),
        ]
    }
}

/// Refuses a notification stanza whose listener address cannot be bound.
fn commit_check(broker: Arc<BrokerHandle>) -> jet_device::CommitCheck {
    Arc::new(move |cfg: &Config| {
        let wanted = broker_config(cfg);
        let bound = broker.local_addrs();
        for l in &wanted.listeners {
            if bound.contains(&l.addr) {
                continue;
            }
            std::net::TcpListener::bind(l.addr).map(drop).map_err(|e| {
                format!(
                    "[edit system services extension-service notification] cannot listen on {}: {e}",
                    l.addr
                )
            })?;
        }
        Ok(())
    })
}
