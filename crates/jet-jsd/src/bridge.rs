//! Notification bridges: device events forwarded to external MQTT brokers
//! (`notification bridge NAME { address; port; topic FILTER; }`), for users who outgrow
//! one device (a Mosquitto or EMQX cluster collecting many devices' events).
//!
//! ```text
//!  eventd sink ──forward()──► per-bridge bounded queue ──► bridge task ──► rumqttc ──► broker
//!                 (never blocks; full → dropped, counted)   (reconnects with back-off)
//! ```
//!
//! Events go out at QoS 1 with the device's topic and payload. While the external broker
//! is unreachable, up to [`BRIDGE_QUEUE`] events wait; beyond that new events are dropped
//! and counted, so the device never waits for a remote broker.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jet_config::{BridgeCfg, Config};
use jet_device::eventd::Notification;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use tokio::sync::mpsc;

/// Events buffered per bridge while its broker is slow or unreachable.
pub(crate) const BRIDGE_QUEUE: usize = 10_000;
/// Longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The running bridges of one device.
#[derive(Default)]
pub(crate) struct Bridges {
    running: Mutex<HashMap<String, Running>>,
}

struct Running {
    cfg: BridgeCfg,
    tx: mpsc::Sender<Notification>,
    dropped: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Bridges {
    /// Starts, restarts (changed) and stops bridges to match the configuration.
    pub(crate) fn configure(&self, cfg: &Config) {
        let wanted: Vec<BridgeCfg> = cfg.notification().map(|n| n.bridges).unwrap_or_default();
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|name, r| wanted.iter().any(|w| &w.name == name && *w == r.cfg));
        for b in wanted {
            if running.contains_key(&b.name) {
                continue;
            }
            let Some(addr) = b.address else {
                tracing::warn!(bridge = %b.name, "notification bridge has no address; not started");
                continue;
            };
            let (tx, rx) = mpsc::channel(BRIDGE_QUEUE);
            let dropped = Arc::new(AtomicU64::new(0));
            let task = tokio::spawn(run(b.name.clone(), SocketAddr::new(addr, b.port), rx));
            running.insert(
                b.name.clone(),
                Running {
                    cfg: b,
                    tx,
                    dropped,
                    task,
                },
            );
        }
    }

    /// True when some bridge forwards topics that `filter` can match.
    pub(crate) fn wants(&self, filter: &str) -> bool {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.values().any(|r| {
            r.cfg
                .topics
                .iter()
                .any(|t| jet_notify::topic::overlaps(t, filter))
        })
    }

    /// Offers an event to every bridge whose topic filters match. Never blocks.
    pub(crate) fn forward(&self, n: &Notification) {
        let running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        for r in running.values() {
            if !r
                .cfg
                .topics
                .iter()
                .any(|f| jet_notify::topic::matches(f, &n.topic))
            {
                continue;
            }
            if r.tx.try_send(n.clone()).is_err() {
                let d = r.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if d.is_power_of_two() {
                    tracing::warn!(bridge = %r.cfg.name, dropped = d, "notification bridge queue full; events dropped");
                }
            }
        }
    }
}

/// One bridge: keeps a connection to the external broker and publishes queued events.
async fn run(name: String, broker: SocketAddr, mut rx: mpsc::Receiver<Notification>) {
    let mut opts = MqttOptions::new(
        format!("openjet-bridge-{name}"),
        broker.ip().to_string(),
        broker.port(),
    );
    opts.set_keep_alive(Duration::from_secs(30));
    // Queued QoS 1 publishes survive reconnects (the session is kept by the client).
    opts.set_clean_session(false);
    let (client, mut eventloop) = AsyncClient::new(opts, 256);
    // The event loop owns the connection: on an error it is polled again after a pause
    // that doubles up to MAX_BACKOFF, which reconnects.
    let poller = tokio::spawn({
        let name = name.clone();
        async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                match eventloop.poll().await {
                    Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => {
                        tracing::info!(bridge = %name, %broker, "notification bridge connected");
                        backoff = Duration::from_millis(100);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(bridge = %name, %broker, error = %e, retry_in = ?backoff, "notification bridge disconnected");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                    }
                }
            }
        }
    });
    while let Some(n) = rx.recv().await {
        // Waits while the client's own queue is full (the external broker is slow or
        // down); meanwhile our bounded queue fills and forward() drops and counts.
        if client
            .publish(n.topic, QoS::AtLeastOnce, n.retain, n.payload.into_bytes())
            .await
            .is_err()
        {
            break;
        }
    }
    poller.abort();
}
