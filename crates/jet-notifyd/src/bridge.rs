//! Notification bridges: device events forwarded to external MQTT brokers
//! (`notification bridge NAME { address; port; topic FILTER; }`), for users who outgrow
//! one device (a Mosquitto or EMQX cluster collecting many devices' events).
//!
//! ```text
//!  eventd sink ──forward()──► per-bridge bounded queue ──► jet_notify::client::run_bridge ──► broker
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
use jet_notify::client::{run_bridge, BridgeOptions};
use jet_notify::codec::Publish;
use jet_notify::QoS;
use tokio::sync::mpsc;
use tokio_util::task::AbortOnDropHandle;

/// Events buffered per bridge while its broker is slow or unreachable.
pub(crate) const BRIDGE_QUEUE: usize = 10_000;
/// PINGREQ interval toward the external broker.
const KEEP_ALIVE: Duration = Duration::from_secs(30);

/// The running bridges of one device.
#[derive(Default)]
pub(crate) struct Bridges {
    running: Mutex<HashMap<String, Running>>,
}

struct Running {
    cfg: BridgeCfg,
    tx: mpsc::Sender<Publish>,
    dropped: Arc<AtomicU64>,
    /// Ends with the bridge (reconfigured away, or the service dropped).
    _task: AbortOnDropHandle<()>,
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
            let task = AbortOnDropHandle::new(tokio::spawn(run_bridge(
                BridgeOptions {
                    name: b.name.clone(),
                    broker: SocketAddr::new(addr, b.port),
                    client_id: format!("openjet-bridge-{}", b.name),
                    keep_alive: KEEP_ALIVE,
                },
                rx,
            )));
            running.insert(
                b.name.clone(),
                Running {
                    cfg: b,
                    tx,
                    dropped,
                    _task: task,
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
            let mut p = Publish::new(n.topic.as_str(), QoS::AtLeastOnce, n.payload.clone());
            p.retain = n.retain;
            if r.tx.try_send(p).is_err() {
                let d = r.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if d.is_power_of_two() {
                    tracing::warn!(bridge = %r.cfg.name, dropped = d, "notification bridge queue full; events dropped");
                }
            }
        }
    }
}
