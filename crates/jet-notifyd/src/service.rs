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
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use jet_config::Config;
use jet_device::eventd::{self, Notification};
use jet_device::op::notification::{NotificationStatus, NotifyClientRow};
use jet_device::Device;
use jet_notify::{
    AuthFuture, Authenticator, Broker, BrokerConfig, BrokerHandle, Limits, ListenerConfig,
    ProtocolVersion, QoS,
};
use tokio_util::task::AbortOnDropHandle;

use crate::thread::BrokerThread;

/// A running notification service. Dropping it stops it at once (its tasks are
/// aborted, the broker's listeners close and its clients are disconnected);
/// [`NotificationService::shutdown`] also waits for the clients to go.
pub struct NotificationService {
    broker: Arc<BrokerHandle>,
    tasks: Vec<AbortOnDropHandle<()>>,
    /// The thread the broker runs on (stopped after the broker, when this is dropped).
    _thread: BrokerThread,
}

impl Drop for NotificationService {
    fn drop(&mut self) {
        // The device keeps the broker (commit check, show commands): stop it explicitly.
        self.broker.stop();
    }
}

/// Everything the broker configuration is built from besides the configuration text.
struct Builder {
    device: Device,
    /// The TLS configuration of the ssl listener, reused while its inputs are unchanged
    /// (the broker keeps a listener, and its clients, only for the same TLS object).
    tls: Mutex<Option<(String, Arc<rustls::ServerConfig>)>>,
    /// Checks MQTT credentials against `system login user` (for `authentication
    /// required`).
    authenticator: Authenticator,
}

impl Builder {
    fn new(device: Device) -> Self {
        // The device checks `system login user` on its blocking pool (one password check
        // for every login path); this only waits for the verdict.
        let authenticator: Authenticator = {
            let device = device.clone();
            Arc::new(move |user: String, password: Bytes| -> AuthFuture {
                let device = device.clone();
                Box::pin(async move {
                    let Ok(password) = std::str::from_utf8(&password) else {
                        return false;
                    };
                    device.authenticate(&user, password).await.is_ok()
                })
            })
        };
        Builder {
            device,
            tls: Mutex::new(None),
            authenticator,
        }
    }

    /// The broker configuration a device configuration asks for. No `notification`
    /// stanza: no listener (the in-process link still works, so nothing is lost inside
    /// the device).
    fn build(&self, cfg: &Config) -> Result<BrokerConfig, String> {
        let Some(n) = cfg.notification() else {
            return Ok(BrokerConfig {
                listeners: Vec::new(),
                max_connections: 0,
                allow_clients: Vec::new(),
                deny_subscribe: Vec::new(),
                authenticator: None,
                limits: Limits::default(),
            });
        };
        let mut listeners = vec![ListenerConfig::tcp(SocketAddr::new(
            n.listener.address,
            n.listener.port,
        ))];
        if let Some(ssl) = &n.ssl {
            listeners.push(ListenerConfig {
                addr: SocketAddr::new(ssl.listener.address, ssl.listener.port),
                tls: Some(self.tls_config(cfg, ssl)?),
            });
        }
        for f in &n.deny_subscribe {
            if !jet_notify::topic::valid_filter(f) {
                return Err(format!(
                    "[edit system services extension-service notification] deny-subscribe '{f}': not a valid MQTT topic filter"
                ));
            }
        }
        Ok(BrokerConfig {
            listeners,
            max_connections: n.max_connections as usize,
            allow_clients: n.allow_clients.iter().map(|p| (p.addr, p.len)).collect(),
            deny_subscribe: n.deny_subscribe.clone(),
            authenticator: n
                .authentication_required
                .then(|| self.authenticator.clone()),
            limits: limits(&n),
        })
    }

    fn tls_config(
        &self,
        cfg: &Config,
        ssl: &jet_config::NotificationSslCfg,
    ) -> Result<Arc<rustls::ServerConfig>, String> {
        let as_grpc = jet_config::SslCfg {
            address: ssl.listener.address,
            port: ssl.listener.port,
            local_certificate: ssl.local_certificate.clone(),
            mutual: None,
        };
        let data_dir = self.device.data_dir();
        let key_file = cfg
            .local_certificates()
            .into_iter()
            .find(|c| Some(&c.name) == ssl.local_certificate.as_ref())
            .and_then(|c| c.load_key_file)
            .map(|f| jet_tls::key_file_path(data_dir, &f));
        let fingerprint = format!(
            "{ssl:?}|{:?}",
            key_file
                .as_ref()
                .map(|p| std::fs::read(p).unwrap_or_default())
        );
        let mut cache = self.tls.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((fp, tls)) = cache.as_ref() {
            if *fp == fingerprint {
                return Ok(tls.clone());
            }
        }
        let mut sc = jet_tls::server_config(data_dir, cfg, &as_grpc).map_err(|e| {
            format!("[edit system services extension-service notification ssl] {e}")
        })?;
        // MQTT, not HTTP/2: no ALPN requirement (clients may offer "mqtt" or nothing).
        sc.alpn_protocols.clear();
        let tls = Arc::new(sc);
        *cache = Some((fingerprint, tls.clone()));
        Ok(tls)
    }
}

/// The per-client limits of the notification stanza over the broker's defaults.
fn limits(n: &jet_config::NotificationCfg) -> Limits {
    let d = Limits::default();
    Limits {
        max_queued_messages: n
            .max_queued_messages
            .map_or(d.max_queued_messages, |v| v as usize),
        max_queued_bytes: n
            .max_queued_bytes
            .map_or(d.max_queued_bytes, |v| v as usize),
        max_publisher_wait: n.max_publisher_wait.map_or(d.max_publisher_wait, |s| {
            std::time::Duration::from_secs(u64::from(s))
        }),
        ..d
    }
}

impl NotificationService {
    /// Starts the broker for the committed configuration, follows later commits, and
    /// runs eventd into it (and into the configured bridges).
    pub fn start(device: Device) -> Result<NotificationService, String> {
        let builder = Arc::new(Builder::new(device.clone()));
        let committed = device.committed();
        let cfg = builder.build(&committed.config)?;
        // The broker runs on a thread of its own (see `thread.rs`).
        let thread =
            BrokerThread::spawn().map_err(|e| format!("notification: broker thread: {e}"))?;
        let broker = {
            let _rt = thread.handle().enter();
            Arc::new(Broker::start(cfg).map_err(|e| format!("notification: {e}"))?)
        };
        let mut bound: Vec<SocketAddr> = broker.local_addrs();
        device.add_commit_check(commit_check(broker.clone(), builder.clone()));
        device.set_notification_status(Arc::new(Status(broker.clone())));
        let bridges = Arc::new(crate::bridge::Bridges::default());
        bridges.configure(&committed.config);

        let reconfigure = AbortOnDropHandle::new(tokio::spawn({
            let broker = broker.clone();
            let bridges = bridges.clone();
            let mut config = device.watch_config();
            async move {
                config.borrow_and_update();
                while config.changed().await.is_ok() {
                    let committed = config.borrow_and_update().clone();
                    bridges.configure(&committed.config);
                    let applied = builder
                        .build(&committed.config)
                        .and_then(|cfg| broker.reconfigure(cfg).map_err(|e| e.to_string()));
                    if let Err(e) = applied {
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
        }));
        let events = AbortOnDropHandle::new(tokio::spawn({
            let link = broker.link();
            let interest = (broker.clone(), bridges.clone());
            let wants = move |filter: &str| {
                let (broker, bridges) = &interest;
                bridges.wants(filter) || broker.has_interest(filter)
            };
            eventd::run(device, wants, move |n: Notification| {
                bridges.forward(&n);
                // QoS 1 so that subscribers asking for reliability get it; the broker
                // drops or queues per subscriber and never blocks the device.
                if let Err(e) = link.publish(&n.topic, n.payload.into(), QoS::AtLeastOnce, n.retain)
                {
                    tracing::warn!(error = %e, "eventd could not publish");
                }
            })
        }));
        Ok(NotificationService {
            broker,
            tasks: vec![reconfigure, events],
            _thread: thread,
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
        let l = self.0.limits();
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
            ("dropped-device-events", s.dropped_device_events),
            ("publisher-pauses", s.publisher_pauses),
            ("dropped-expired", s.dropped_expired),
            ("dropped-too-large", s.dropped_too_large),
            ("refused-publishes", s.refused_publishes),
            ("refused-subscriptions", s.refused_subscriptions),
            ("denied-subscriptions", s.denied_subscriptions),
            ("denied-messages", s.denied_messages),
            ("quota-disconnects", s.quota_disconnects),
            ("keepalive-disconnects", s.keepalive_disconnects),
            ("protocol-errors", s.protocol_errors),
            ("max-queued-messages", l.max_queued_messages as u64),
            ("max-queued-bytes", l.max_queued_bytes as u64),
            ("max-publisher-wait", l.max_publisher_wait.as_secs()),
        ]
    }
}

/// Refuses a notification stanza the broker could not serve: bad TLS material, invalid
/// deny-subscribe filters, addresses that cannot be bound.
fn commit_check(broker: Arc<BrokerHandle>, builder: Arc<Builder>) -> jet_device::CommitCheck {
    Arc::new(move |cfg: &Config| {
        let wanted = builder.build(cfg)?;
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
