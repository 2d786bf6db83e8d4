//! The firewall and forwarding plane (dfwd + a simulated PFE): filters, policers, their
//! bindings and counters, the packet path, and simulated traffic flows.
//!
//! Owns the filters programmed through `jnx.jet.firewall.Firewall` (per client, purged
//! after the client's last session ends, see [`state`]), the configured filters in
//! compiled form, the per-unit traffic counters driven by `test forwarding packet` and
//! simulated flows. One task ([`task`]) is the only writer; readers take the read lock.
//!
//! Must not: know protobuf (jsd converts to [`model`]), render output (the op layer
//! does), or read the wall clock for anything but rates (time is tokio's, so tests pause
//! it).

pub mod classify;
mod config;
pub mod counters;
pub mod error;
pub mod flows;
pub mod forward;
mod keys;
pub mod model;
mod packets;
pub mod state;
mod task;
pub mod trace;
mod validate;

#[cfg(test)]
mod packets_tests;
#[cfg(test)]
mod state_tests;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::task::AbortOnDropHandle;

pub use crate::vocab::firewall_events::{FilterEvent, FilterOp};
pub use classify::{Classifier, Packet, Verdict};
pub use counters::Counters;
pub use error::FirewallError;
pub use flows::{FlowSpec, UnitTraffic};
pub use forward::{Detail, Disposition, FilterRun, RouteUsed, TermRun, Trace, Walked};
pub use model::*;
pub use state::{FirewallState, Limits, Origin};
pub use task::{FwOp, FwReply, LogEntry, Plane, MAX_LOG, TICK};
pub use validate::MAX_NAME;

use crate::events::EventBus;
use crate::mgd::Committed;
use crate::rib::RibHandle;
use crate::sessions::{SessionEnds, SessionId};
use crate::vocab::interfaces::InterfacesSnapshot;

/// Requests waiting for the firewall task.
pub const FIREWALL_QUEUE: usize = 64;

/// Most packets [`FirewallHandle::forward_many`] walks in one visit to the firewall task:
/// the task holds the plane's write lock for the visit, so `show` commands wait at most
/// this many walks (about a millisecond).
pub const FORWARD_CHUNK: usize = 1024;

/// How long a counter get may wait before it answers TIMEOUT (the contract's 10 s).
pub const COUNTER_TIMEOUT: Duration = Duration::from_secs(10);

/// A handle to the firewall task. Cheap to clone.
#[derive(Clone)]
pub struct FirewallHandle {
    tx: mpsc::Sender<task::FwRequest>,
    shared: Arc<task::Shared>,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl std::fmt::Debug for FirewallHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirewallHandle").finish_non_exhaustive()
    }
}

impl FirewallHandle {
    /// Starts the firewall task.
    pub(crate) fn start(
        limits: Limits,
        rib: RibHandle,
        ifs: watch::Receiver<Arc<InterfacesSnapshot>>,
        config: watch::Receiver<Arc<Committed>>,
        ends: SessionEnds,
        events: EventBus,
    ) -> FirewallHandle {
        let shared = Arc::new(task::Shared {
            plane: RwLock::new(Plane {
                fw: FirewallState::new(limits),
                ..Plane::default()
            }),
            start: tokio::time::Instant::now(),
            stats_delay_ms: AtomicU64::new(0),
        });
        let (tx, rx) = mpsc::channel(FIREWALL_QUEUE);
        let t = task::FwTask {
            shared: shared.clone(),
            rib,
            ifs,
            config,
            judge: Default::default(),
            last_tick: tokio::time::Instant::now(),
            events,
            versions: Default::default(),
        };
        let join = tokio::spawn(t.run(rx, ends));
        FirewallHandle {
            tx,
            shared,
            _task: Arc::new(AbortOnDropHandle::new(join)),
        }
    }

    async fn ask<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, FirewallError>>) -> task::FwRequest,
    ) -> Result<T, FirewallError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| FirewallError::ShuttingDown)?;
        rx.await.map_err(|_| FirewallError::ShuttingDown)?
    }

    /// One client request (a JET Firewall RPC) from `client` on `session`. Counter gets
    /// answer [`FirewallError::Timeout`] after [`COUNTER_TIMEOUT`].
    pub async fn call(
        &self,
        client: &str,
        session: SessionId,
        op: FwOp,
    ) -> Result<FwReply, FirewallError> {
        let is_get = matches!(op, FwOp::CounterGet { .. });
        let fut = self.ask(|reply| task::FwRequest::Client {
            client: client.to_owned(),
            session,
            op,
            reply,
        });
        if !is_get {
            return fut.await;
        }
        // The simulated PFE answers statistics requests after the delay set by
        // `request firewall simulate-statistics-delay` (none by default).
        let delay = Duration::from_millis(self.shared.stats_delay_ms.load(Ordering::Relaxed));
        let delayed = async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            fut.await
        };
        match tokio::time::timeout(COUNTER_TIMEOUT, delayed).await {
            Ok(r) => r,
            Err(_) => Err(FirewallError::Timeout(format!(
                "statistics could not be fetched within {} s",
                COUNTER_TIMEOUT.as_secs()
            ))),
        }
    }

    /// Makes counter gets wait `delay` for the (simulated) forwarding plane's statistics
    /// before they are served (`request firewall simulate-statistics-delay SECONDS`), so
    /// that an app can meet the contract's TIMEOUT: a get still waiting after
    /// [`COUNTER_TIMEOUT`] answers it. Zero turns the delay off.
    pub fn set_stats_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.shared.stats_delay_ms.store(ms, Ordering::Relaxed);
    }

    /// The delay set by [`FirewallHandle::set_stats_delay`].
    pub fn stats_delay(&self) -> Duration {
        Duration::from_millis(self.shared.stats_delay_ms.load(Ordering::Relaxed))
    }

    /// Walks one packet through the device (`test forwarding packet`, PacketTest),
    /// counting it; returns its trace.
    pub async fn forward(&self, packet: Packet) -> Result<Trace, FirewallError> {
        let ingress = packet.interface.clone();
        let mut out = self.forward_many(vec![packet], Detail::Trace).await?;
        let walked = out.pop().ok_or(FirewallError::ShuttingDown)??;
        Ok(walked.into_trace(ingress))
    }

    /// Walks `packets` through the device in order, counting each exactly as
    /// [`FirewallHandle::forward`] would one by one, in one visit to the firewall task per
    /// [`FORWARD_CHUNK`] packets (other requests may run between chunks). Each packet's
    /// outcome carries its trace only with [`Detail::Trace`].
    pub async fn forward_many(
        &self,
        packets: Vec<Packet>,
        detail: Detail,
    ) -> Result<Vec<Result<Walked, FirewallError>>, FirewallError> {
        if packets.len() <= FORWARD_CHUNK {
            return self.forward_chunk(packets, detail).await;
        }
        let mut out = Vec::with_capacity(packets.len());
        let mut rest = packets.into_iter();
        loop {
            let chunk: Vec<Packet> = rest.by_ref().take(FORWARD_CHUNK).collect();
            if chunk.is_empty() {
                return Ok(out);
            }
            out.extend(self.forward_chunk(chunk, detail).await?);
        }
    }

    async fn forward_chunk(
        &self,
        packets: Vec<Packet>,
        detail: Detail,
    ) -> Result<Vec<Result<Walked, FirewallError>>, FirewallError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(task::FwRequest::Forward {
                packets,
                detail,
                reply,
            })
            .await
            .map_err(|_| FirewallError::ShuttingDown)?;
        rx.await.map_err(|_| FirewallError::ShuttingDown)
    }

    /// Starts a simulated flow; returns its id.
    pub async fn flow_start(&self, spec: FlowSpec) -> Result<u64, FirewallError> {
        self.ask(|reply| task::FwRequest::FlowStart { spec, reply })
            .await
    }

    /// Stops one flow, or all (`None`); returns how many stopped.
    pub async fn flow_stop(&self, id: Option<u64>) -> Result<usize, FirewallError> {
        self.ask(|reply| task::FwRequest::FlowStop { id, reply })
            .await
    }

    /// Clears the counters of one filter or of all (`clear firewall`).
    pub async fn clear(&self, filter: Option<String>) -> Result<(), FirewallError> {
        self.ask(|reply| task::FwRequest::Clear { filter, reply })
            .await
    }

    /// Reads the firewall and traffic state under the read lock.
    pub fn read<R>(&self, f: impl FnOnce(&Plane) -> R) -> R {
        let g = self.shared.plane.read().unwrap_or_else(|p| p.into_inner());
        f(&g)
    }
}
