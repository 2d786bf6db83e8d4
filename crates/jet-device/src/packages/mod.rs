//! Installed app packages (`request system software add|delete`), their trust store,
//! staged upgrades with a probation, and the declared permissions of each app.
//!
//! ```text
//!  callers (op commands, the upload RPC, the app supervisor)
//!     │  PackagesRequest + oneshot reply, over PACKAGES_QUEUE (bounded)
//!     ▼
//!  packages task ── the only writer of the store (store.rs, on a blocking thread)
//!     │              holds the probations (probation.rs), wakes at the next deadline
//!     └─► watch<Arc<PackageSet>>  what is installed and active: the supervisor starts,
//!                                 restarts and stops apps from it; jsd's gate reads
//!                                 permissions from it
//! ```
//!
//! The package format and its checks are `jet_pkg`'s; this module only decides where
//! packages live and which version is active.

mod probation;
mod store;
mod upload;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_pkg::{Manifest, TrustDir, UnpackLimits};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_util::task::AbortOnDropHandle;

use crate::error::DeviceError;
use crate::mgd::Committed;

pub use probation::{Probation, ProbationPolicy, Verdict};
pub use store::Installed;
pub use upload::{Upload, MAX_UPLOAD};

/// Requests waiting for the packages task.
const PACKAGES_QUEUE: usize = 16;

/// One installed package, as the rest of the device sees it.
#[derive(Debug, Clone)]
pub struct InstalledPackage {
    /// The active version's manifest.
    pub manifest: Arc<Manifest>,
    /// The active version's directory (the app's files).
    pub dir: PathBuf,
    /// When the active version was installed.
    pub installed: DateTime<Utc>,
    /// The version kept for a rollback while the active one is on probation.
    pub previous: Option<String>,
}

/// Every installed package by name.
#[derive(Debug, Clone, Default)]
pub struct PackageSet {
    /// By app name.
    pub packages: BTreeMap<String, InstalledPackage>,
}

impl PackageSet {
    /// Whether the app `name` may call the gRPC method `path` (`/pkg.Service/Method`):
    /// `None` when no package of that name is installed.
    pub fn permits(&self, name: &str, path: &str) -> Option<bool> {
        self.packages.get(name).map(|p| p.manifest.permits(path))
    }
}

enum PackagesRequest {
    Add {
        path: PathBuf,
        label: String,
        reply: oneshot::Sender<Result<Installed, DeviceError>>,
    },
    Delete {
        name: String,
        reply: oneshot::Sender<Result<String, DeviceError>>,
    },
    Exited {
        name: String,
        version: String,
        crashed: bool,
        reply: oneshot::Sender<Verdict>,
    },
    Policy {
        policy: ProbationPolicy,
    },
}

/// The handle to the packages task. Cheap to clone.
#[derive(Clone)]
pub struct PackagesHandle {
    tx: mpsc::Sender<PackagesRequest>,
    set: watch::Receiver<Arc<PackageSet>>,
    data_dir: PathBuf,
    _task: Arc<AbortOnDropHandle<()>>,
}

impl std::fmt::Debug for PackagesHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackagesHandle").finish()
    }
}

impl PackagesHandle {
    /// Loads the store of `data_dir` and starts the task. Upgrades found on probation
    /// (jetd stopped during one) start a new probation window.
    pub(crate) async fn start(
        data_dir: &Path,
        committed: watch::Receiver<Arc<Committed>>,
    ) -> Result<PackagesHandle, DeviceError> {
        let layout = store::Layout::new(data_dir);
        let l = layout.clone();
        let (state, set) = tokio::task::spawn_blocking(move || {
            store::clean_staging(&l);
            let state = store::load_state(&l)?;
            let set = snapshot(&l, &state);
            Ok::<_, DeviceError>((state, set))
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)??;
        let policy = ProbationPolicy::default();
        let now = Instant::now();
        let probations = state
            .iter()
            .filter_map(|(name, r)| {
                let prev = r.previous.as_ref()?;
                Some((
                    name.clone(),
                    Probation::start(prev, &r.version, now, policy),
                ))
            })
            .collect();
        let (set_tx, set_rx) = watch::channel(Arc::new(set));
        let (tx, rx) = mpsc::channel(PACKAGES_QUEUE);
        let task = Task {
            layout,
            state,
            probations,
            policy,
            set: set_tx,
            committed,
        };
        let handle = AbortOnDropHandle::new(tokio::spawn(task.run(rx)));
        Ok(PackagesHandle {
            tx,
            data_dir: data_dir.to_path_buf(),
            set: set_rx,
            _task: Arc::new(handle),
        })
    }

    /// Checks and installs the package file `path` (`label` names it in refusals). A
    /// new version of an installed app is active at once and on probation.
    pub async fn add(&self, path: PathBuf, label: String) -> Result<Installed, DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.send(PackagesRequest::Add { path, label, reply })
            .await?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)?
    }

    /// Removes the package `name`; returns the version removed.
    pub async fn delete(&self, name: &str) -> Result<String, DeviceError> {
        let (reply, rx) = oneshot::channel();
        let name = name.to_string();
        self.send(PackagesRequest::Delete { name, reply }).await?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)?
    }

    /// The supervisor reports an exit of app `name` running `version`. A crash loop of
    /// a version on probation rolls it back (the set then shows the previous version,
    /// which the supervisor starts).
    pub async fn app_exited(
        &self,
        name: &str,
        version: &str,
        crashed: bool,
    ) -> Result<Verdict, DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.send(PackagesRequest::Exited {
            name: name.into(),
            version: version.into(),
            crashed,
            reply,
        })
        .await?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)
    }

    /// Sets the probation window and crash count for upgrades from now on.
    pub async fn set_policy(&self, policy: ProbationPolicy) -> Result<(), DeviceError> {
        self.send(PackagesRequest::Policy { policy }).await
    }

    /// What is installed now.
    pub fn current(&self) -> Arc<PackageSet> {
        self.set.borrow().clone()
    }

    /// Follows what is installed (changes on add, delete, rollback).
    pub fn watch(&self) -> watch::Receiver<Arc<PackageSet>> {
        self.set.clone()
    }

    async fn send(&self, req: PackagesRequest) -> Result<(), DeviceError> {
        self.tx
            .send(req)
            .await
            .map_err(|_| DeviceError::ShuttingDown)
    }
}

fn snapshot(l: &store::Layout, state: &BTreeMap<String, store::Record>) -> PackageSet {
    let mut packages = BTreeMap::new();
    for (name, r) in state {
        match store::read_manifest(l, name, &r.version) {
            Ok(m) => {
                packages.insert(
                    name.clone(),
                    InstalledPackage {
                        manifest: Arc::new(m),
                        dir: l.version_dir(name, &r.version),
                        installed: r.installed_at(),
                        previous: r.previous.clone(),
                    },
                );
            }
            Err(e) => tracing::warn!("package {name} {}: {e}", r.version),
        }
    }
    PackageSet { packages }
}

struct Task {
    layout: store::Layout,
    state: BTreeMap<String, store::Record>,
    probations: BTreeMap<String, Probation>,
    policy: ProbationPolicy,
    set: watch::Sender<Arc<PackageSet>>,
    committed: watch::Receiver<Arc<Committed>>,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::Receiver<PackagesRequest>) {
        loop {
            let next = self.probations.values().map(|p| p.deadline).min();
            let req = match next {
                Some(at) => tokio::select! {
                    r = rx.recv() => r,
                    () = tokio::time::sleep_until(at) => {
                        self.decide_due().await;
                        continue;
                    }
                },
                None => rx.recv().await,
            };
            let Some(req) = req else { return };
            match req {
                PackagesRequest::Add { path, label, reply } => {
                    let _ = reply.send(self.add(path, label).await);
                }
                PackagesRequest::Delete { name, reply } => {
                    let r = self.blocking(move |l, s| store::delete(l, s, &name)).await;
                    let _ = reply.send(r.map(|rec| rec.version));
                }
                PackagesRequest::Exited {
                    name,
                    version,
                    crashed,
                    reply,
                } => {
                    let v = self.exited(&name, &version, crashed).await;
                    let _ = reply.send(v);
                }
                PackagesRequest::Policy { policy } => self.policy = policy,
            }
        }
    }

    async fn add(&mut self, path: PathBuf, label: String) -> Result<Installed, DeviceError> {
        let trust = store::DeviceTrust {
            dir: TrustDir(self.layout.providers.clone()),
            configured: self.committed.borrow().config.extension_providers(),
        };
        let mut installed = self
            .blocking(move |l, s| {
                store::install(l, s, &path, &label, &trust, UnpackLimits::default())
            })
            .await?;
        let name = installed.manifest.name.clone();
        match &installed.upgraded_from {
            Some(from) => {
                let p = Probation::start(
                    from,
                    &installed.manifest.version,
                    Instant::now(),
                    self.policy,
                );
                self.probations.insert(name, p);
                installed.probation = Some(self.policy.window);
            }
            None => {
                self.probations.remove(&name);
            }
        }
        Ok(installed)
    }

    async fn exited(&mut self, name: &str, version: &str, crashed: bool) -> Verdict {
        let Some(p) = self.probations.get_mut(name) else {
            return Verdict::Undecided;
        };
        let verdict = p.on_exit(version, crashed, Instant::now());
        self.apply(name, &verdict).await;
        verdict
    }

    async fn decide_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .probations
            .iter()
            .filter(|(_, p)| p.on_time(now) == Verdict::Keep)
            .map(|(n, _)| n.clone())
            .collect();
        for name in due {
            self.apply(&name, &Verdict::Keep).await;
        }
    }

    async fn apply(&mut self, name: &str, verdict: &Verdict) {
        let n = name.to_string();
        let r = match verdict {
            Verdict::Undecided => return,
            Verdict::Keep => self.blocking(move |l, s| store::keep(l, s, &n)).await,
            Verdict::RollBack { to } => {
                tracing::warn!("package {name}: crash loop on probation, rolling back to {to}");
                self.blocking(move |l, s| store::roll_back(l, s, &n).map(|_| ()))
                    .await
            }
        };
        if let Err(e) = r {
            tracing::warn!("package {name}: {e}");
        }
        self.probations.remove(name);
    }

    /// Runs a store operation on a blocking thread, then publishes the new set.
    async fn blocking<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&store::Layout, &mut BTreeMap<String, store::Record>) -> Result<T, DeviceError>
            + Send
            + 'static,
    ) -> Result<T, DeviceError> {
        let layout = self.layout.clone();
        let mut state = std::mem::take(&mut self.state);
        let (state, r, set) = tokio::task::spawn_blocking(move || {
            let r = f(&layout, &mut state);
            let set = snapshot(&layout, &state);
            (state, r, set)
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)?;
        self.state = state;
        self.set.send_replace(Arc::new(set));
        r
    }
}
