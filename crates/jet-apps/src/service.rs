//! The application service: follows the committed configuration into the supervisor,
//! checks commits, answers the operational commands, rotates logs.
//!
//! ```text
//!  commit ──► AppsSubsystem: prepare = check::check (files, checksums, users,
//!             interpreters); apply ──Configure──► supervisor task (owner), awaited
//!  op commands ──► Control (AppControl) ──Start/Stop/Show──► supervisor task
//!  every LOG_CHECK ──► rotate logs larger than MAX_LOG_BYTES
//! ```

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jet_config::Config;
use jet_device::op::app_commands::AppCommand;
use jet_device::op::apps::{AppControl, AppIdentity, AppQuery};
use jet_device::{BoxFuture, Device, DeviceError, Format, Subsystem, Transaction};
use nix::sys::signal::Signal;
use tokio::sync::{mpsc, oneshot};
use tokio_util::task::AbortOnDropHandle;

use crate::log::{rotate_if_large, MAX_LOG_BYTES};
use crate::process::{kill_leftovers, signal_group, DEVICE_ENV};
use crate::spec::{AppSource, SCRIPTS_DIR};
use crate::supervisor::{AppRow, LiveGroups, Supervisor, SupervisorRequest, SUPERVISOR_QUEUE};

/// How often log sizes are checked.
pub const LOG_CHECK: Duration = Duration::from_secs(10);

/// How to start the service.
#[derive(Default, Clone)]
pub struct AppServiceOptions {
    /// Finds packaged applications (the package store); `None`: files only.
    pub source: Option<Arc<dyn AppSource>>,
    /// Environment given to every application (where to reach jsd and the broker).
    pub env: Vec<(String, OsString)>,
}

/// The running application service. Dropping it kills every application at once;
/// [`AppService::shutdown`] stops them with SIGTERM first.
pub struct AppService {
    tx: mpsc::Sender<SupervisorRequest>,
    live: LiveGroups,
    tasks: Vec<AbortOnDropHandle<()>>,
}

impl Drop for AppService {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        for (pid, _) in self.live.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            signal_group(pid, Signal::SIGKILL);
        }
    }
}

impl AppService {
    /// Kills what a killed jetd left behind on this data directory, registers the
    /// commit check and the operational commands, and starts the daemonized
    /// applications of the committed configuration.
    pub async fn start(device: Device, opts: AppServiceOptions) -> Result<AppService, String> {
        let data_dir = device.data_dir().to_owned();
        let dirs = data_dir.clone();
        let left = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(dirs.join(SCRIPTS_DIR))
                .map_err(|e| format!("creating {}: {e}", dirs.join(SCRIPTS_DIR).display()))?;
            std::fs::create_dir_all(dirs.join("log"))
                .map_err(|e| format!("creating {}: {e}", dirs.join("log").display()))?;
            Ok::<_, String>(kill_leftovers(&dirs))
        })
        .await
        .map_err(|e| e.to_string())??;
        if left > 0 {
            tracing::warn!(
                processes = left,
                "killed application processes left by an earlier jetd"
            );
        }
        let source = opts.source.clone();
        let mut env = opts.env.clone();
        env.push((DEVICE_ENV.to_owned(), data_dir.clone().into_os_string()));
        env.push(("JET_DATA_DIR".to_owned(), data_dir.clone().into_os_string()));

        let live: LiveGroups = Arc::new(Mutex::new(Default::default()));
        let (tx, rx) = mpsc::channel(SUPERVISOR_QUEUE);
        let mut packages = device.packages().watch();
        let first = packages.borrow_and_update().clone();
        let supervisor = Supervisor::new(
            device.clone(),
            env.clone(),
            live.clone(),
            source.clone(),
            first,
        );
        let run = AbortOnDropHandle::new(tokio::spawn(supervisor.run(rx)));
        // Installed packages: their apps start on install, restart on upgrade or
        // rollback, stop on delete.
        let follow = AbortOnDropHandle::new(tokio::spawn({
            let tx = tx.clone();
            async move {
                while packages.changed().await.is_ok() {
                    let set = packages.borrow_and_update().clone();
                    if tx.send(SupervisorRequest::Packages { set }).await.is_err() {
                        return;
                    }
                }
            }
        }));

        // The committed configuration's daemons, then every commit through the
        // subsystem (so a commit returns once its applications are started or stopping).
        // Registered first: a commit from now on reaches the supervisor after the
        // configuration read below.
        device.add_subsystem(Arc::new(AppsSubsystem {
            tx: tx.clone(),
            data_dir: data_dir.clone(),
            source: source.clone(),
            device: device.clone(),
        }));
        let committed = device.committed();
        configure(&tx, committed.effective.clone()).await?;
        device.set_app_control(Arc::new(Control {
            tx: tx.clone(),
            live: live.clone(),
            device: device.clone(),
            env: env.clone(),
        }));

        let rotate = AbortOnDropHandle::new(tokio::spawn({
            let tx = tx.clone();
            async move {
                let mut tick = tokio::time::interval(LOG_CHECK);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let (reply, rows) = oneshot::channel();
                    if tx.send(SupervisorRequest::Show { reply }).await.is_err() {
                        return;
                    }
                    let Ok(rows) = rows.await else { return };
                    let logs: Vec<PathBuf> = rows.into_iter().map(|r| r.log).collect();
                    if logs.is_empty() {
                        continue;
                    }
                    let _ = tokio::task::spawn_blocking(move || {
                        for l in logs {
                            if let Err(e) = rotate_if_large(&l, MAX_LOG_BYTES) {
                                tracing::warn!(log = %l.display(), error = %e, "cannot rotate application log");
                            }
                        }
                    })
                    .await;
                }
            }
        }));
        Ok(AppService {
            tx,
            live,
            tasks: vec![run, follow, rotate],
        })
    }

    /// The status table now.
    pub async fn status(&self) -> Vec<AppRow> {
        show_rows(&self.tx).await.unwrap_or_default()
    }

    /// Stops every application (SIGTERM, SIGKILL after [`crate::STOP_GRACE`]) and the
    /// service.
    pub async fn shutdown(self) {
        let (reply, done) = oneshot::channel();
        if self
            .tx
            .send(SupervisorRequest::Shutdown { reply })
            .await
            .is_ok()
        {
            let _ = done.await;
        }
    }
}

/// Hands the configuration `cfg` to the supervisor (which resolves its applications
/// against the installed packages) and waits until it applied them.
async fn configure(tx: &mpsc::Sender<SupervisorRequest>, cfg: Arc<Config>) -> Result<(), String> {
    let (done, applied) = oneshot::channel();
    let req = SupervisorRequest::Configure {
        env: crate::env::device_env(&cfg),
        cfg,
        done,
    };
    tx.send(req)
        .await
        .map_err(|_| "the application supervisor is gone".to_owned())?;
    applied
        .await
        .map_err(|_| "the application supervisor is gone".to_owned())
}

/// appd as a commit subsystem: prepare runs the commit check (on the blocking pool: it
/// reads and hashes files), apply hands the new applications to the supervisor.
struct AppsSubsystem {
    tx: mpsc::Sender<SupervisorRequest>,
    data_dir: PathBuf,
    /// `None`: the device's installed packages.
    source: Option<Arc<dyn AppSource>>,
    device: Device,
}

impl Subsystem for AppsSubsystem {
    fn name(&self) -> &str {
        "appd"
    }

    fn prepare<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, Result<(), String>> {
        let (cfg, dir) = (txn.new.clone(), self.data_dir.clone());
        let source: Arc<dyn AppSource> = match &self.source {
            Some(s) => s.clone(),
            None => self.device.packages().current(),
        };
        Box::pin(async move {
            tokio::task::spawn_blocking(move || crate::check::check(&cfg, &dir, Some(&*source)))
                .await
                .map_err(|e| format!("application check failed: {e}"))?
        })
    }

    fn apply<'a>(&'a self, txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(e) = configure(&self.tx, txn.new.clone()).await {
                tracing::warn!(error = %e, "applications not reconfigured");
            }
        })
    }

    fn abort<'a>(&'a self, _txn: &'a Transaction) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
}

/// Compares two secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn show_rows(tx: &mpsc::Sender<SupervisorRequest>) -> Result<Vec<AppRow>, DeviceError> {
    let (reply, rows) = oneshot::channel();
    tx.send(SupervisorRequest::Show { reply })
        .await
        .map_err(|_| DeviceError::ShuttingDown)?;
    rows.await.map_err(|_| DeviceError::ShuttingDown)
}

/// The operational commands' view of the supervisor.
struct Control {
    tx: mpsc::Sender<SupervisorRequest>,
    live: LiveGroups,
    device: Device,
    /// The environment every application gets (not the configuration's part).
    env: Vec<(String, OsString)>,
}

impl AppControl for Control {
    fn identify(&self, pid: u32) -> Option<AppIdentity> {
        let group = crate::process::process_group(pid)?;
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&group)
            .map(|a| a.identity.clone())
    }

    fn token_owner(&self, user: &str, token: &str) -> Option<AppIdentity> {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .find(|a| a.identity.user == user && same_secret(&a.token, token))
            .map(|a| a.identity.clone())
    }

    fn show(
        &self,
        query: AppQuery,
        format: Format,
    ) -> BoxFuture<'static, Result<String, DeviceError>> {
        let tx = self.tx.clone();
        Box::pin(async move {
            let mut rows = show_rows(&tx).await?;
            if let Some(n) = &query.name {
                rows.retain(|r| &r.spec.name == n);
                if rows.is_empty() {
                    return Err(DeviceError::AppRefused {
                        reason: format!(
                            "application {n} is neither configured (application file {n}) \
                             nor an installed package"
                        ),
                    });
                }
            }
            Ok(crate::render::render(&rows, query.detail, format))
        })
    }

    fn start(
        &self,
        name: String,
        arguments: Option<String>,
    ) -> BoxFuture<'static, Result<String, DeviceError>> {
        let tx = self.tx.clone();
        Box::pin(async move {
            let (reply, rx) = oneshot::channel();
            tx.send(SupervisorRequest::Start {
                name,
                arguments,
                reply,
            })
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
            rx.await.map_err(|_| DeviceError::ShuttingDown)?
        })
    }

    fn run_command(
        &self,
        cmd: AppCommand,
        args: Vec<String>,
        format: Format,
    ) -> BoxFuture<'static, Result<String, DeviceError>> {
        let mut env = self.env.clone();
        env.extend(crate::env::device_env(&self.device.committed().effective));
        let live = self.live.clone();
        Box::pin(crate::commands::run(cmd, args, env, live, format))
    }

    fn stop(&self, name: String) -> BoxFuture<'static, Result<String, DeviceError>> {
        let tx = self.tx.clone();
        Box::pin(async move {
            let (reply, rx) = oneshot::channel();
            tx.send(SupervisorRequest::Stop { name, reply })
                .await
                .map_err(|_| DeviceError::ShuttingDown)?;
            rx.await.map_err(|_| DeviceError::ShuttingDown)?
        })
    }
}
