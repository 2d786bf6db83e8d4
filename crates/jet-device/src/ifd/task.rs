//! The interfaces task: the one owner of the interface state.
//!
//! ```text
//!  mgd commit (Subsystem::apply) ──IfdRequest::Apply─┐ (bounded mpsc + oneshot reply)
//!  Device::simulate_link ──IfdRequest::SimulateLink──┤
//!  Device::interfaces_current ──IfdRequest::Current──┤
//!  Device::interfaces_api ──────IfdRequest::Api──────┤ (JET Interfaces API objects)
//!  session ends (watch_ends "interfaces") ───────────┤
//!  purge deadline (tokio time) ──────────────────────┤
//!                                                   ▼
//!  watch_config (committed) ─────────────────► ifd task (Model) ──► watch<Arc<InterfacesSnapshot>>
//!                                                   │                (Device::interfaces, no wait)
//!                                                   └──► EventBus: Interface(...), Syslog(link traps)
//! ```
//!
//! The model's input is the configured interfaces merged with the API objects
//! ([`super::api::merge`]); either changing rebuilds the snapshot.
//!
//! The commit pipeline applies each new effective configuration before the commit
//! returns; the committed-config watch is a backstop (applying the same configuration
//! twice changes nothing). Readers never wait: [`Device::interfaces`](crate::Device::interfaces)
//! reads the last published snapshot. A request first catches up with a configuration
//! announced but not yet applied. Events are emitted before
//! the snapshot is published and before the request is answered.

use std::sync::Arc;

use std::time::Duration;

use chrono::Utc;
use jet_config::Config;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_util::task::AbortOnDropHandle;

use super::api::{merge, ApiState, IfApiError, IfApiOp, IfApiReply};
use super::glue::interfaces_conf;
use super::model::{Changes, IfdConf, Model};
use crate::error::DeviceError;
use crate::events::{DeviceEvent, EventBus};
use crate::mgd::{BoxFuture, Committed, Subsystem, Transaction};
use crate::sessions::{SessionEnd, SessionEnds, SessionId};
use crate::vocab::interfaces::InterfacesSnapshot;

/// Bound on queued requests; callers wait (back-pressure) beyond it.
const IFD_QUEUE: usize = 64;

/// Requests to the interfaces task.
#[derive(Debug)]
pub(crate) enum IfdRequest {
    /// Take a simulated link down or up.
    SimulateLink {
        name: String,
        up: bool,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    /// Put a configuration in force (the commit pipeline's apply step).
    Apply {
        config: Arc<Config>,
        reply: oneshot::Sender<()>,
    },
    /// The snapshot after every committed configuration has been applied.
    Current {
        reply: oneshot::Sender<Arc<InterfacesSnapshot>>,
    },
    /// One JET Interfaces API request of `client` on `session`.
    Api {
        client: String,
        session: SessionId,
        op: IfApiOp,
        reply: oneshot::Sender<Result<IfApiReply, IfApiError>>,
    },
    /// A copy of the API objects and clients.
    ApiState { reply: oneshot::Sender<ApiState> },
}

/// The device's handle on its interfaces task (aborts the task when dropped).
#[derive(Debug)]
pub(crate) struct IfdHandle {
    tx: mpsc::Sender<IfdRequest>,
    snapshot: watch::Receiver<Arc<InterfacesSnapshot>>,
    _task: AbortOnDropHandle<()>,
}

impl IfdHandle {
    /// Builds the boot state from the committed configuration and starts the task.
    /// `seed` makes the MAC addresses device-specific.
    pub(crate) fn spawn(
        seed: u64,
        config: watch::Receiver<Arc<Committed>>,
        events: EventBus,
        ends: SessionEnds,
    ) -> IfdHandle {
        let mut config = config;
        let initial = interfaces_conf(&config.borrow_and_update().effective);
        let model = Model::new(seed, initial.clone(), Utc::now());
        let (snap_tx, snapshot) = watch::channel(Arc::new(model.snapshot().clone()));
        let (tx, rx) = mpsc::channel(IFD_QUEUE);
        let task = Task {
            model,
            configured: initial,
            api: ApiState::default(),
            start: Instant::now(),
            ends,
            ends_open: true,
            config,
            config_open: true,
            events,
            snapshot: snap_tx,
            rx,
        };
        IfdHandle {
            tx,
            snapshot,
            _task: AbortOnDropHandle::new(tokio::spawn(task.run())),
        }
    }

    /// The last published snapshot (never waits).
    pub(crate) fn snapshot(&self) -> Arc<InterfacesSnapshot> {
        self.snapshot.borrow().clone()
    }

    /// A receiver that sees every new snapshot.
    pub(crate) fn watch(&self) -> watch::Receiver<Arc<InterfacesSnapshot>> {
        self.snapshot.clone()
    }

    /// The snapshot after the task applied every committed configuration.
    pub(crate) async fn current(&self) -> Result<Arc<InterfacesSnapshot>, DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(IfdRequest::Current { reply })
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)
    }

    /// One JET Interfaces API request (see [`super::api`]).
    pub(crate) async fn api(
        &self,
        client: &str,
        session: SessionId,
        op: IfApiOp,
    ) -> Result<IfApiReply, IfApiError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(IfdRequest::Api {
                client: client.to_owned(),
                session,
                op,
                reply,
            })
            .await
            .map_err(|_| IfApiError::ShuttingDown)?;
        rx.await.map_err(|_| IfApiError::ShuttingDown)?
    }

    /// A copy of the API objects and clients.
    pub(crate) async fn api_state(&self) -> Result<ApiState, DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(IfdRequest::ApiState { reply })
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)
    }

    /// Takes the simulated link of IFD `name` down or up.
    pub(crate) async fn simulate_link(&self, name: &str, up: bool) -> Result<(), DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(IfdRequest::SimulateLink {
                name: name.to_owned(),
                up,
                reply,
            })
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)?
    }
}

impl IfdHandle {
    /// The interfaces subsystem as the commit pipeline drives it: nothing to refuse
    /// (Junos accepts configuration for interfaces the hardware lacks, and ignores it);
    /// apply puts the new effective configuration in force before the commit returns.
    pub(crate) fn subsystem(&self) -> Arc<dyn Subsystem> {
        Arc::new(IfdSubsystem {
            tx: self.tx.clone(),
        })
    }
}

struct IfdSubsystem {
    tx: mpsc::Sender<IfdRequest>,
}

impl Subsystem for IfdSubsystem {
    fn name(&self) -> &str {
        "interfaces"
    }

    fn prepare<'a>(&'a self, _txn: &'a Transaction) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }

    fn apply<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let (reply, rx) = oneshot::channel();
            let req = IfdRequest::Apply {
                config: txn.new.clone(),
                reply,
            };
            // A device shutting down has no interfaces left to update.
            if self.tx.send(req).await.is_ok() {
                let _ = rx.await;
            }
        })
    }

    fn abort<'a>(&'a self, _txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

struct Task {
    model: Model,
    /// The configured interfaces (the last committed configuration's).
    configured: Vec<IfdConf>,
    /// The JET Interfaces API objects.
    api: ApiState,
    /// Origin of the purge clock (tokio time, so that tests pause it).
    start: Instant,
    ends: SessionEnds,
    ends_open: bool,
    config: watch::Receiver<Arc<Committed>>,
    config_open: bool,
    events: EventBus,
    snapshot: watch::Sender<Arc<InterfacesSnapshot>>,
    rx: mpsc::Receiver<IfdRequest>,
}

impl Task {
    async fn run(mut self) {
        loop {
            let purge_at = self
                .api
                .next_purge()
                .map(|ms| self.start + Duration::from_millis(ms));
            tokio::select! {
                changed = self.config.changed(), if self.config_open => match changed {
                    Ok(()) => self.apply_config(),
                    // mgd is gone: keep serving requests with the last configuration.
                    Err(_) => self.config_open = false,
                },
                req = self.rx.recv() => match req {
                    Some(req) => self.handle(req),
                    None => break,
                },
                end = self.ends.recv(), if self.ends_open => match end {
                    Some(end) => self.session_ended(&end),
                    None => self.ends_open = false,
                },
                () = sleep_until(purge_at) => self.purge(),
            }
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn session_ended(&mut self, end: &SessionEnd) {
        // The key jsd gives the client's state: its client id, or `session-N` without one.
        let client = match &end.login {
            Some(l) if !l.client_id.is_empty() => l.client_id.clone(),
            _ => format!("session-{}", end.id),
        };
        let now = self.now_ms();
        if let Some(at) = self.api.session_ended(&client, end.id, now) {
            tracing::info!(%client, purge_in_ms = at.saturating_sub(now), "interfaces API client disconnected; objects kept until purge");
        }
    }

    fn purge(&mut self) {
        let now = self.now_ms();
        let purged = self.api.purge_due(now);
        for (client, ports) in &purged {
            tracing::info!(%client, ?ports, "interfaces API purge timer fired; client objects removed");
        }
        if !purged.is_empty() {
            self.rebuild();
        }
    }

    /// Puts configured + API objects in force.
    fn rebuild(&mut self) {
        let merged = merge(&self.configured, &self.api);
        let changes = self.model.set_config(merged, Utc::now());
        self.publish(changes);
    }

    fn handle(&mut self, req: IfdRequest) {
        if self.config_open && self.config.has_changed().unwrap_or(false) {
            self.apply_config();
        }
        match req {
            IfdRequest::SimulateLink { name, up, reply } => {
                let res = self
                    .model
                    .set_link(&name, up, Utc::now())
                    .map(|changes| self.publish(changes));
                let _ = reply.send(res);
            }
            IfdRequest::Apply { config, reply } => {
                self.configured = interfaces_conf(&config);
                self.rebuild();
                let _ = reply.send(());
            }
            IfdRequest::Current { reply } => {
                let _ = reply.send(self.snapshot.borrow().clone());
            }
            IfdRequest::Api {
                client,
                session,
                op,
                reply,
            } => {
                self.api.seen(&client, session);
                let before = self.api.trees.clone();
                let out = self.api.apply(&client, op, &self.configured);
                if self.api.trees != before {
                    self.rebuild();
                }
                let _ = reply.send(out);
            }
            IfdRequest::ApiState { reply } => {
                let _ = reply.send(self.api.clone());
            }
        }
    }

    fn apply_config(&mut self) {
        let effective = self.config.borrow_and_update().effective.clone();
        self.configured = interfaces_conf(&effective);
        self.rebuild();
    }

    /// Emits the events of a change, then publishes the new snapshot.
    fn publish(&mut self, changes: Changes) {
        if changes.is_empty() {
            return;
        }
        for e in changes.events {
            self.events.emit(DeviceEvent::Interface(e));
        }
        for s in changes.syslog {
            self.events.emit(DeviceEvent::Syslog(s));
        }
        self.snapshot
            .send_replace(Arc::new(self.model.snapshot().clone()));
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
