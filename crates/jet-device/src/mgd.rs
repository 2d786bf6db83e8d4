//! mgd: the owner of the configuration database.
//!
//! ```text
//!  Device::load_and_commit ──MgdRequest::Commit──► mgd task ──► Store (fs, blocking pool)
//!                              (bounded mpsc)        │
//!  readers ◄── watch::Receiver<Arc<Committed>> ◄─────┘ (announce after persist)
//! ```
//!
//! One task owns the store, so commits are serialised; readers never wait for a commit,
//! they read the last announced [`Committed`] from a watch channel. A commit is
//! all-or-nothing: load → validate → commit checks of every subsystem → durable write →
//! announce. Any failure before the write leaves nothing changed.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use jet_config::{CommitMeta, Config, LoadMode, Store};
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::DeviceError;
use crate::events::{CommitEvent, DeviceEvent, EventBus};

/// The committed configuration and who committed it.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The configuration in force.
    pub config: Config,
    /// Who committed it, when, how.
    pub meta: CommitMeta,
}

/// A check a subsystem runs on a new configuration before it is committed (the
/// "prepare" step: refuse what the subsystem could not apply).
pub type CommitCheck = Arc<dyn Fn(&Config) -> Result<(), String> + Send + Sync>;

/// A request to load a payload into the configuration and commit it.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    /// The payload (curly-brace text, or `set` commands for [`LoadMode::Set`]).
    pub payload: String,
    /// How to combine it with the configuration.
    pub mode: LoadMode,
    /// Who asks.
    pub user: String,
    /// Through which interface (`grpc`, `cli`, ...).
    pub client: String,
    /// Commit comment.
    pub comment: Option<String>,
}

pub(crate) enum MgdRequest {
    Commit {
        req: LoadRequest,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
}

/// Bound on queued commit requests; callers wait (back-pressure) beyond it.
const MGD_QUEUE: usize = 64;

pub(crate) struct Mgd {
    store: Option<Store>,
    checks: Arc<Mutex<Vec<CommitCheck>>>,
    committed: watch::Sender<Arc<Committed>>,
    events: EventBus,
    rx: mpsc::Receiver<MgdRequest>,
}

pub(crate) type MgdTx = mpsc::Sender<MgdRequest>;

impl Mgd {
    pub(crate) fn spawn(
        store: Store,
        committed: watch::Sender<Arc<Committed>>,
        checks: Arc<Mutex<Vec<CommitCheck>>>,
        events: EventBus,
    ) -> (MgdTx, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(MGD_QUEUE);
        let mgd = Mgd {
            store: Some(store),
            checks,
            committed,
            events,
            rx,
        };
        (tx, tokio::spawn(mgd.run()))
    }

    async fn run(mut self) {
        while let Some(req) = self.rx.recv().await {
            match req {
                MgdRequest::Commit { req, reply } => {
                    let res = self.commit(req).await;
                    let _ = reply.send(res);
                }
            }
        }
    }

    async fn commit(&mut self, req: LoadRequest) -> Result<(), DeviceError> {
        let current = self.committed.borrow().clone();
        let new = current.config.load(&req.payload, req.mode)?;
        new.validate()?;
        let checks: Vec<CommitCheck> = self
            .checks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for check in &checks {
            check(&new).map_err(DeviceError::CommitCheck)?;
        }
        let meta = CommitMeta {
            user: req.user,
            client: req.client,
            time: Utc::now(),
            comment: req.comment,
        };
        self.persist(new.clone(), meta.clone()).await?;
        self.committed.send_replace(Arc::new(Committed {
            config: new,
            meta: meta.clone(),
        }));
        self.events.emit(DeviceEvent::Commit(CommitEvent {
            user: meta.user,
            client: meta.client,
            comment: meta.comment,
            time: meta.time,
        }));
        Ok(())
    }

    /// Writes the commit durably on the blocking pool (the store does fsyncs).
    async fn persist(&mut self, cfg: Config, meta: CommitMeta) -> Result<(), DeviceError> {
        let Some(mut store) = self.store.take() else {
            return Err(DeviceError::ShuttingDown);
        };
        let (store, res) = tokio::task::spawn_blocking(move || {
            let res = store.commit(&cfg, &meta);
            (store, res)
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)?;
        self.store = Some(store);
        res.map_err(DeviceError::from)
    }
}
