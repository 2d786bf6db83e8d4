//! The interfaces task: the one owner of the interface state.
//!
//! ```text
//!  mgd commit (Subsystem::apply) ──IfdRequest::Apply─┐ (bounded mpsc + oneshot reply)
//!  Device::simulate_link ──IfdRequest::SimulateLink──┤
//!  Device::interfaces_current ──IfdRequest::Current──┤
//!                                                   ▼
//!  watch_config (committed) ─────────────────► ifd task (Model) ──► watch<Arc<InterfacesSnapshot>>
//!                                                   │                (Device::interfaces, no wait)
//!                                                   └──► EventBus: Interface(...), Syslog(link traps)
//! ```
//!
//! The commit pipeline applies each new effective configuration before the commit
//! returns; the committed-config watch is a backstop (applying the same configuration
//! twice changes nothing). Readers never wait: [`Device::interfaces`](crate::Device::interfaces)
//! reads the last published snapshot. A request first catches up with a configuration
//! announced but not yet applied. Events are emitted before
//! the snapshot is published and before the request is answered.

use std::sync::Arc;

use chrono::Utc;
use jet_config::Config;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::task::AbortOnDropHandle;

use super::glue::interfaces_conf;
use super::model::{Changes, Model};
use crate::error::DeviceError;
use crate::events::{DeviceEvent, EventBus};
use crate::mgd::{BoxFuture, Committed, Subsystem, Transaction};
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
    ) -> IfdHandle {
        let mut config = config;
        let initial = interfaces_conf(&config.borrow_and_update().effective);
        let model = Model::new(seed, initial, Utc::now());
        let (snap_tx, snapshot) = watch::channel(Arc::new(model.snapshot().clone()));
        let (tx, rx) = mpsc::channel(IFD_QUEUE);
        let task = Task {
            model,
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
    config: watch::Receiver<Arc<Committed>>,
    config_open: bool,
    events: EventBus,
    snapshot: watch::Sender<Arc<InterfacesSnapshot>>,
    rx: mpsc::Receiver<IfdRequest>,
}

impl Task {
    async fn run(mut self) {
        loop {
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
            }
        }
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
                let changes = self.model.set_config(interfaces_conf(&config), Utc::now());
                self.publish(changes);
                let _ = reply.send(());
            }
            IfdRequest::Current { reply } => {
                let _ = reply.send(self.snapshot.borrow().clone());
            }
        }
    }

    fn apply_config(&mut self) {
        let effective = self.config.borrow_and_update().effective.clone();
        let conf = interfaces_conf(&effective);
        let changes = self.model.set_config(conf, Utc::now());
        self.publish(changes);
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
