//! mgd: the owner of the configuration database.
//!
//! ```text
//!  Device API (ConfigSet, config sessions, ephemeral, rollbacks)
//!      │ MgdRequest + oneshot reply (bounded mpsc, back-pressure)
//!      ▼
//!  mgd task ── owns: Store (committed + rollback 1..49), shared candidate, exclusive lock,
//!      │               private candidates, ephemeral instances, commit-confirmed timer
//!      ├──► Subsystem::prepare / apply / abort   (jsd, interfaces, RIB, ...)
//!      ├──► Store / ephemeral files (blocking pool, fsync)
//!      ├──► watch<Arc<Committed>>  ──► readers (never wait for a commit)
//!      ├──► watch<Arc<History>>    ──► `show system commit`
//!      └──► EventBus: DeviceEvent::Commit
//!  session table ── session end (lossless) ──► forwarder ──► MgdRequest::SessionClosed
//!                                                            (a dead connection's sessions end,
//!                                                             its exclusive lock is released)
//! ```
//!
//! One task owns everything, so commits are serialised; readers of the committed
//! configuration read the last announced [`Committed`] from a watch channel. A commit is
//! all-or-nothing: validate → prepare every subsystem → persist → apply all (or abort all
//! on any refusal or write error) → announce. Persisting before applying means a crash
//! never leaves subsystems running a configuration that is not on disk; `apply` cannot
//! fail once every subsystem has prepared.

mod api;
mod authz;
mod command;
mod compare;
mod ephemeral;
mod history;
mod payload;
mod pipeline;
mod session;
mod subsystem;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jet_config::{CommitMeta, Config, LoginClass, Store};
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::DeviceError;
use crate::events::EventBus;
use crate::sessions::{SessionEnds, SessionId};
use tokio_util::task::AbortOnDropHandle;

pub use api::{EphemeralOp, EphemeralOpKind};
pub use authz::authorize_op;
pub use command::{CommitOptions, DEFAULT_CONFIRM_MINUTES, MAX_CONFIRM_MINUTES};
pub use ephemeral::DEFAULT_INSTANCE;
pub use history::{split_client, History, PendingConfirm};
pub use payload::Payload;
pub use session::{CfgMode, CfgReply, CfgSessionInfo};
pub use subsystem::{BoxFuture, CheckSubsystem, CommitCheck, Subsystem, Transaction};

use ephemeral::{EphemeralFiles, Instances};
use subsystem::Subsystems;

/// The committed configuration, who committed it, and what is in force with the
/// ephemeral instances laid over it.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The committed (static) configuration: what `show configuration` prints.
    pub config: Arc<Config>,
    /// Who committed it, when, how.
    pub meta: CommitMeta,
    /// The effective configuration: `config` with the ephemeral instances over it. This
    /// is what subsystems apply.
    pub effective: Arc<Config>,
    /// The committed contents of every ephemeral instance (key `default` for the default
    /// instance).
    pub ephemeral: Arc<BTreeMap<String, Config>>,
}

/// Who asks mgd for something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// User name.
    pub user: String,
    /// Login class (checked by the device before anything reaches mgd).
    pub class: LoginClass,
    /// Client interface, as `show system commit` prints it: `cli`, `grpc`, `other`.
    pub client: String,
}

/// A request to load a payload onto the committed configuration and commit it (JET
/// `ConfigSet`, legacy `ExecuteCfgCommand`). Works like a private candidate: other
/// sessions' uncommitted changes are not included.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    /// The payload.
    pub payload: Payload,
    /// How to combine it with the configuration.
    pub mode: jet_config::LoadMode,
    /// Who asks.
    pub who: Who,
    /// Commit comment.
    pub comment: Option<String>,
}

/// Identifies a configuration session inside mgd.
pub(crate) type CfgSessionId = u64;

pub(crate) enum MgdRequest {
    Load {
        req: LoadRequest,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    Open {
        owner: Option<SessionId>,
        who: Who,
        mode: CfgMode,
        reply: oneshot::Sender<Result<(String, String), DeviceError>>,
    },
    Command {
        owner: Option<SessionId>,
        token: String,
        line: String,
        payload: Option<String>,
        reply: oneshot::Sender<Result<CfgReply, DeviceError>>,
    },
    Close {
        owner: Option<SessionId>,
        token: String,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
    SessionClosed(SessionId),
    Sessions {
        reply: oneshot::Sender<Vec<CfgSessionInfo>>,
    },
    EphemeralSet {
        instance: String,
        ops: Vec<EphemeralOp>,
        validate: bool,
        load_only: bool,
        reply: oneshot::Sender<Result<(), DeviceError>>,
    },
}

/// Bound on queued requests; callers wait (back-pressure) beyond it.
const MGD_QUEUE: usize = 64;

pub(crate) type MgdTx = mpsc::Sender<MgdRequest>;

/// What the device keeps of mgd: the request channel and the watch receivers.
pub(crate) struct MgdHandle {
    pub(crate) tx: MgdTx,
    pub(crate) committed: watch::Receiver<Arc<Committed>>,
    pub(crate) history: watch::Receiver<Arc<History>>,
    pub(crate) subsystems: Subsystems,
    pub(crate) config_dir: PathBuf,
    _task: AbortOnDropHandle<()>,
    _forwarder: AbortOnDropHandle<()>,
}

/// A `commit confirmed` waiting for confirmation.
struct Pending {
    deadline: tokio::time::Instant,
    rollback_to: Config,
    info: PendingConfirm,
}

pub(crate) struct Mgd {
    store: Option<Store>,
    eph_files: EphemeralFiles,
    committed: watch::Sender<Arc<Committed>>,
    history: watch::Sender<Arc<History>>,
    subsystems: Subsystems,
    events: EventBus,
    rx: mpsc::Receiver<MgdRequest>,
    /// Increases with every commit; private candidates remember the one they started from.
    generation: u64,
    /// Counts transactions handed to subsystems.
    txn_id: u64,
    /// The shared candidate when it has been edited since the last commit.
    candidate: Option<Config>,
    /// The session holding `configure exclusive`.
    lock: Option<CfgSessionId>,
    sessions: BTreeMap<CfgSessionId, session::CfgSession>,
    next_session: CfgSessionId,
    confirm: Option<Pending>,
    /// Ephemeral data loaded with `load_only`, not committed yet.
    eph_loaded: Instances,
}

/// Starts mgd over an opened store whose committed configuration is `config`/`meta`;
/// `ends` tells it of every closed JET session (its configuration sessions end).
pub(crate) async fn start(
    store: Store,
    config: Config,
    meta: CommitMeta,
    events: EventBus,
    ends: SessionEnds,
) -> Result<MgdHandle, DeviceError> {
    let config_dir = store.dir().to_path_buf();
    let dir = config_dir.clone();
    let (store, entries, eph_files, instances) = tokio::task::spawn_blocking(move || {
        let entries = store.history()?;
        let (files, instances) = EphemeralFiles::open(&dir)?;
        Ok::<_, DeviceError>((store, entries, files, instances))
    })
    .await
    .map_err(|_| DeviceError::ShuttingDown)??;
    let configured = ephemeral::configured_instances(&config);
    let effective = ephemeral::overlay(&config, &instances, &configured);
    let (committed_tx, committed_rx) = watch::channel(Arc::new(Committed {
        config: Arc::new(config),
        meta,
        effective: Arc::new(effective),
        ephemeral: Arc::new(instances),
    }));
    let (history_tx, history_rx) = watch::channel(Arc::new(History {
        entries,
        pending: None,
    }));
    let subsystems = Subsystems::default();
    let (tx, rx) = mpsc::channel(MGD_QUEUE);
    let forwarder = tokio::spawn(forward_closed_sessions(ends, tx.clone()));
    let mgd = Mgd {
        store: Some(store),
        eph_files,
        committed: committed_tx,
        history: history_tx,
        subsystems: subsystems.clone(),
        events,
        rx,
        generation: 0,
        txn_id: 0,
        candidate: None,
        lock: None,
        sessions: BTreeMap::new(),
        next_session: 1,
        confirm: None,
        eph_loaded: Instances::new(),
    };
    let task = tokio::spawn(mgd.run());
    Ok(MgdHandle {
        tx,
        committed: committed_rx,
        history: history_rx,
        subsystems,
        config_dir,
        _task: AbortOnDropHandle::new(task),
        _forwarder: AbortOnDropHandle::new(forwarder),
    })
}

/// Tells mgd about every connection that ends, so its configuration sessions end too.
/// Lossless: every end arrives on `ends` and is handed on with an awaited send.
async fn forward_closed_sessions(mut ends: SessionEnds, tx: MgdTx) {
    while let Some(end) = ends.recv().await {
        if tx.send(MgdRequest::SessionClosed(end.id)).await.is_err() {
            return;
        }
    }
}

/// Waits until `deadline`, or forever without one.
async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

impl Mgd {
    async fn run(mut self) {
        loop {
            let deadline = self.confirm.as_ref().map(|p| p.deadline);
            tokio::select! {
                req = self.rx.recv() => match req {
                    Some(req) => self.handle(req).await,
                    None => return,
                },
                () = until(deadline) => self.confirm_expired().await,
            }
        }
    }

    async fn handle(&mut self, req: MgdRequest) {
        match req {
            MgdRequest::Load { req, reply } => {
                let res = self.load_commit(req).await;
                let _ = reply.send(res);
            }
            MgdRequest::Open {
                owner,
                who,
                mode,
                reply,
            } => {
                let _ = reply.send(self.open(owner, who, mode));
            }
            MgdRequest::Command {
                owner,
                token,
                line,
                payload,
                reply,
            } => {
                let res = self.command(owner, &token, &line, payload).await;
                let _ = reply.send(res);
            }
            MgdRequest::Close {
                owner,
                token,
                reply,
            } => {
                let res = self.find(owner, &token).map(|id| self.end_session(id));
                let _ = reply.send(res);
            }
            MgdRequest::SessionClosed(sid) => {
                let ids: Vec<CfgSessionId> = self
                    .sessions
                    .iter()
                    .filter(|(_, s)| s.owner == Some(sid))
                    .map(|(id, _)| *id)
                    .collect();
                for id in ids {
                    self.end_session(id);
                }
            }
            MgdRequest::Sessions { reply } => {
                let _ = reply.send(self.session_list());
            }
            MgdRequest::EphemeralSet {
                instance,
                ops,
                validate,
                load_only,
                reply,
            } => {
                let res = self
                    .ephemeral_set(&instance, ops, validate, load_only)
                    .await;
                let _ = reply.send(res);
            }
        }
    }

    /// The committed configuration now.
    fn current(&self) -> Arc<Committed> {
        self.committed.borrow().clone()
    }
}
