//! appd's owner task: the one place that holds every application's state and process.
//!
//! ```text
//!  AppService (commit follower, AppControl) ──SupervisorRequest (bounded)──► task
//!  child waiter tasks ──Internal::Exited──► task      (one per process, ends with it)
//!  respawn / kill timers ──Internal::{Respawn,KillNow}──► task
//!  task ──► device event bus (JET_APP_* syslog events → syslog files, MQTT)
//! ```
//!
//! States: `running` → (exit) → `waiting` (respawn timer) → `running` ...; too many
//! exits → `failed`; operator stop or de-configuration → `stopping` → `stopped`; a run
//! that ends without a respawn → `exited`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt as _;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jet_config::Config;
use jet_device::op::apps::AppIdentity;
use jet_device::packages::{PackageSet, Verdict as PackageVerdict};
use jet_device::syslog::{Facility, Severity, SyslogEvent};
use jet_device::{Device, DeviceError, DeviceEvent};
use nix::sys::signal::Signal;
use tokio::sync::{mpsc, oneshot};

use crate::backoff::{Backoff, Verdict};
use crate::log::{log_path, says_out_of_memory, tail};
use crate::process::{self, signal_group};
use crate::spec::{AppSource, AppSpec};

/// How long a stopped application has between SIGTERM and SIGKILL.
pub const STOP_GRACE: Duration = Duration::from_secs(3);
/// Requests waiting for the task.
pub(crate) const SUPERVISOR_QUEUE: usize = 64;

/// The state of one application, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppState {
    /// Running.
    Running,
    /// Exited; waiting to be started again.
    Waiting,
    /// Stop requested; waiting for it to exit.
    Stopping,
    /// Stopped by the operator (or never started: not daemonized).
    Stopped,
    /// Ended on its own and is not respawned.
    Exited,
    /// Exited too often; not respawned until reconfigured or started.
    Failed,
}

impl AppState {
    /// The word shown.
    pub fn as_str(self) -> &'static str {
        match self {
            AppState::Running => "running",
            AppState::Waiting => "waiting",
            AppState::Stopping => "stopping",
            AppState::Stopped => "stopped",
            AppState::Exited => "exited",
            AppState::Failed => "failed",
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastExit {
    /// When.
    pub at: DateTime<Utc>,
    /// `exit code N` or `signal SIGKILL`.
    pub how: String,
    /// Why, when jetd knows: `stopped`, `memory limit exceeded`, `cpu-time limit
    /// exceeded`.
    pub reason: Option<String>,
}

/// One row of the status table.
#[derive(Debug, Clone)]
pub struct AppRow {
    /// The spec it runs.
    pub spec: AppSpec,
    /// State.
    pub state: AppState,
    /// Process id while running.
    pub pid: Option<u32>,
    /// Start of the current run.
    pub since: Option<DateTime<Utc>>,
    /// Times it was started again after an exit.
    pub restarts: u32,
    /// The last exit.
    pub last_exit: Option<LastExit>,
    /// Resident memory (KiB) and CPU time (ms), while running.
    pub usage: Option<(u64, u64)>,
    /// Its log file.
    pub log: PathBuf,
}

/// Requests to the task.
pub(crate) enum SupervisorRequest {
    /// A new configuration's applications (at start and after each commit), with the
    /// environment it gives every application ([`crate::env::device_env`]); `done` is
    /// answered once the processes are started and stop requests sent.
    Configure {
        cfg: Arc<Config>,
        env: Vec<(String, OsString)>,
        done: oneshot::Sender<()>,
    },
    /// The installed packages changed (install, upgrade, rollback, delete).
    Packages { set: Arc<PackageSet> },
    /// `request extension-service start`.
    Start {
        name: String,
        arguments: Option<String>,
        reply: oneshot::Sender<Result<String, DeviceError>>,
    },
    /// `request extension-service stop`.
    Stop {
        name: String,
        reply: oneshot::Sender<Result<String, DeviceError>>,
    },
    /// The status table.
    Show { reply: oneshot::Sender<Vec<AppRow>> },
    /// Stop everything (SIGTERM, then SIGKILL after the grace) and end.
    Shutdown { reply: oneshot::Sender<()> },
}

enum Internal {
    Exited {
        name: String,
        gen: u64,
        status: std::io::Result<ExitStatus>,
    },
    Respawn {
        name: String,
        gen: u64,
    },
    KillNow {
        name: String,
        gen: u64,
    },
}

/// Process groups alive now and whose they are: read by the local socket's peer
/// identification, and by [`crate::AppService`]'s `Drop` (which kills them when the
/// service is dropped without a shutdown).
pub(crate) type LiveGroups = Arc<Mutex<HashMap<u32, LiveApp>>>;

/// A running application as the device's identity checks see it.
#[derive(Debug, Clone)]
pub(crate) struct LiveApp {
    pub(crate) identity: AppIdentity,
    /// Its secret (`JET_APP_TOKEN`), a password for its `username` while it runs.
    pub(crate) token: String,
}

struct App {
    spec: AppSpec,
    /// In the committed configuration (false: removed, waiting for its exit).
    configured: bool,
    state: AppState,
    /// Increases with every start, so that late exits and timers of an earlier run are
    /// ignored.
    gen: u64,
    pid: Option<u32>,
    started: Option<(Instant, DateTime<Utc>)>,
    restarts: u32,
    backoff: Backoff,
    last_exit: Option<LastExit>,
    /// Arguments of `request extension-service start ... ARGUMENTS`.
    extra_args: Vec<String>,
    /// Started by `request` (not respawned).
    manual: bool,
    /// Stop requests waiting for the exit.
    stop_waiters: Vec<oneshot::Sender<Result<String, DeviceError>>>,
}

pub(crate) struct Supervisor {
    device: Device,
    apps: BTreeMap<String, App>,
    /// The committed configuration (`None` until the first `Configure`).
    config: Option<Arc<Config>>,
    /// The installed packages.
    packages: Arc<PackageSet>,
    /// Where configured applications are looked up first (`None`: `packages`).
    source: Option<Arc<dyn AppSource>>,
    env: Vec<(String, OsString)>,
    /// The part of the environment that follows the configuration.
    config_env: Vec<(String, OsString)>,
    live: LiveGroups,
    internal_tx: mpsc::UnboundedSender<Internal>,
    internal_rx: mpsc::UnboundedReceiver<Internal>,
    next_gen: u64,
}

impl Supervisor {
    pub(crate) fn new(
        device: Device,
        env: Vec<(String, OsString)>,
        live: LiveGroups,
        source: Option<Arc<dyn AppSource>>,
        packages: Arc<PackageSet>,
    ) -> Self {
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        Supervisor {
            device,
            apps: BTreeMap::new(),
            config: None,
            packages,
            source,
            env,
            config_env: Vec::new(),
            live,
            internal_tx,
            internal_rx,
            next_gen: 0,
        }
    }

    pub(crate) async fn run(mut self, mut rx: mpsc::Receiver<SupervisorRequest>) {
        loop {
            tokio::select! {
                req = rx.recv() => match req {
                    Some(SupervisorRequest::Shutdown { reply }) => {
                        self.shutdown().await;
                        let _ = reply.send(());
                        return;
                    }
                    Some(r) => self.request(r),
                    None => {
                        self.shutdown().await;
                        return;
                    }
                },
                Some(i) = self.internal_rx.recv() => self.internal(i),
            }
        }
    }

    fn request(&mut self, req: SupervisorRequest) {
        match req {
            SupervisorRequest::Configure { cfg, env, done } => {
                self.config_env = env;
                self.config = Some(cfg);
                self.reconcile();
                let _ = done.send(());
            }
            SupervisorRequest::Packages { set } => {
                self.packages = set;
                if self.config.is_some() {
                    self.reconcile();
                }
            }
            SupervisorRequest::Start {
                name,
                arguments,
                reply,
            } => {
                let _ = reply.send(self.operator_start(&name, arguments));
            }
            SupervisorRequest::Stop { name, reply } => self.operator_stop(&name, reply),
            SupervisorRequest::Show { reply } => {
                let _ = reply.send(self.rows());
            }
            SupervisorRequest::Shutdown { .. } => {}
        }
    }

    /// What should run now: the configured applications (resolved against the
    /// installed packages) and every other installed package's application.
    fn reconcile(&mut self) {
        let data_dir = self.device.data_dir().to_owned();
        let mut specs = match &self.config {
            Some(cfg) => {
                let source: &dyn AppSource = match &self.source {
                    Some(s) => &**s,
                    None => &*self.packages,
                };
                AppSpec::all(cfg, &data_dir, Some(source))
            }
            None => Vec::new(),
        };
        let packaged = AppSpec::packaged(&self.packages, &specs);
        specs.extend(packaged);
        self.configure(specs);
    }

    /// Applies a configuration: new daemons start, removed applications stop, changed
    /// ones restart with their new spec.
    fn configure(&mut self, specs: Vec<AppSpec>) {
        let wanted: HashSet<String> = specs.iter().map(|s| s.name.clone()).collect();
        let names: Vec<String> = self.apps.keys().cloned().collect();
        for name in names {
            if !wanted.contains(&name) {
                let Some(app) = self.apps.get_mut(&name) else {
                    continue;
                };
                app.configured = false;
                if app.pid.is_some() {
                    self.stop(&name, "removed from the configuration");
                } else {
                    self.apps.remove(&name);
                }
            }
        }
        for spec in specs {
            let name = spec.name.clone();
            match self.apps.get_mut(&name) {
                Some(app) if app.spec == spec && app.configured => {}
                Some(app) => {
                    let was_running = app.pid.is_some();
                    app.spec = spec;
                    app.configured = true;
                    app.backoff.reset();
                    if was_running {
                        // The exit handler starts it again with the new spec.
                        app.manual = false;
                        self.stop(&name, "configuration changed");
                    } else if app.spec.daemonize {
                        self.spawn(&name);
                    } else if app.state == AppState::Failed {
                        app.state = AppState::Stopped;
                    }
                }
                None => {
                    let daemon = spec.daemonize;
                    self.apps.insert(
                        name.clone(),
                        App {
                            spec,
                            configured: true,
                            state: AppState::Stopped,
                            gen: 0,
                            pid: None,
                            started: None,
                            restarts: 0,
                            backoff: Backoff::default(),
                            last_exit: None,
                            extra_args: Vec::new(),
                            manual: false,
                            stop_waiters: Vec::new(),
                        },
                    );
                    if daemon {
                        self.spawn(&name);
                    }
                }
            }
        }
    }

    fn operator_start(
        &mut self,
        name: &str,
        arguments: Option<String>,
    ) -> Result<String, DeviceError> {
        let Some(app) = self.apps.get_mut(name).filter(|a| a.configured) else {
            return Err(refused(format!(
                "application file {name} is not configured \
                 (system extensions extension-service application file {name})"
            )));
        };
        if app.pid.is_some() {
            return Err(refused(format!(
                "application {name} is already running (pid {})",
                app.pid.unwrap_or_default()
            )));
        }
        app.extra_args = arguments
            .map(|a| a.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        app.manual = !app.spec.daemonize;
        app.backoff.reset();
        match self.spawn(name) {
            Some(pid) => Ok(format!(
                "Extension-service application '{name}' with pid: {pid}\n"
            )),
            None => Err(refused(format!(
                "application {name} could not be started: {}",
                self.apps
                    .get(name)
                    .and_then(|a| a.last_exit.as_ref())
                    .and_then(|e| e.reason.clone())
                    .unwrap_or_default()
            ))),
        }
    }

    fn operator_stop(&mut self, name: &str, reply: oneshot::Sender<Result<String, DeviceError>>) {
        let Some(app) = self.apps.get_mut(name).filter(|a| a.configured) else {
            let _ = reply.send(Err(refused(format!(
                "application file {name} is not configured"
            ))));
            return;
        };
        if app.pid.is_none() {
            // A daemon waiting for its respawn is stopped by cancelling it.
            if app.state == AppState::Waiting {
                app.state = AppState::Stopped;
                app.gen = app.gen.wrapping_add(1);
                let _ = reply.send(Ok(format!("application {name} stopped\n")));
            } else {
                let _ = reply.send(Err(refused(format!("application {name} is not running"))));
            }
            return;
        }
        app.stop_waiters.push(reply);
        self.stop(name, "stopped by operator");
    }

    /// SIGTERM to the group now, SIGKILL after the grace.
    fn stop(&mut self, name: &str, why: &str) {
        let Some(app) = self.apps.get_mut(name) else {
            return;
        };
        let Some(pid) = app.pid else {
            return;
        };
        if app.state != AppState::Stopping {
            app.state = AppState::Stopping;
            tracing::info!(app = name, pid, why, "stopping application");
            signal_group(pid, Signal::SIGTERM);
            let tx = self.internal_tx.clone();
            let (name, gen) = (name.to_owned(), app.gen);
            tokio::spawn(async move {
                tokio::time::sleep(STOP_GRACE).await;
                let _ = tx.send(Internal::KillNow { name, gen });
            });
        }
    }

    /// Starts `name`'s process; its pid, or `None` when it could not be started (the
    /// reason is in `last_exit`).
    fn spawn(&mut self, name: &str) -> Option<u32> {
        let data_dir = self.device.data_dir().to_owned();
        self.next_gen += 1;
        let gen = self.next_gen;
        let app = self.apps.get_mut(name)?;
        app.gen = gen;
        let log = log_path(&data_dir, name);
        let mut env = self.env.clone();
        env.extend(self.config_env.iter().cloned());
        env.extend(crate::env::app_env(name, &app.spec.username));
        let token = jet_device::factory::random_password();
        env.push(("JET_APP_TOKEN".into(), token.clone().into()));
        match process::spawn(&app.spec, &app.extra_args, &env, &log) {
            Ok(mut child) => {
                // Not yet waited for, so it has its id.
                let pid = child.id()?;
                self.live.lock().unwrap_or_else(|p| p.into_inner()).insert(
                    pid,
                    LiveApp {
                        identity: AppIdentity {
                            name: name.to_owned(),
                            user: app.spec.username.clone(),
                        },
                        token,
                    },
                );
                let restarted = app.started.is_some() && !app.manual;
                app.pid = Some(pid);
                app.state = AppState::Running;
                app.started = Some((Instant::now(), Utc::now()));
                let tx = self.internal_tx.clone();
                let n = name.to_owned();
                tokio::spawn(async move {
                    let status = child.wait().await;
                    let _ = tx.send(Internal::Exited {
                        name: n,
                        gen,
                        status,
                    });
                });
                let (id, what) = if restarted {
                    ("JET_APP_RESTARTED", "restarted")
                } else {
                    ("JET_APP_STARTED", "started")
                };
                self.event(
                    id,
                    Severity::Notice,
                    format!("application {name} {what} with pid {pid}"),
                    vec![
                        ("application".into(), name.to_owned()),
                        ("pid".into(), pid.to_string()),
                    ],
                );
                Some(pid)
            }
            Err(e) => {
                let reason = format!("cannot start {}: {e}", app.spec.path.display());
                tracing::warn!(app = name, error = %e, "cannot start application");
                app.state = AppState::Failed;
                app.last_exit = Some(LastExit {
                    at: Utc::now(),
                    how: "not started".into(),
                    reason: Some(reason.clone()),
                });
                self.event(
                    "JET_APP_FAILED",
                    Severity::Error,
                    format!("application {name} failed: {reason}"),
                    vec![
                        ("application".into(), name.to_owned()),
                        ("reason".into(), reason),
                    ],
                );
                None
            }
        }
    }

    fn internal(&mut self, i: Internal) {
        match i {
            Internal::Exited { name, gen, status } => self.exited(&name, gen, status),
            Internal::Respawn { name, gen } => {
                if self
                    .apps
                    .get(&name)
                    .is_some_and(|a| a.gen == gen && a.state == AppState::Waiting)
                {
                    if let Some(app) = self.apps.get_mut(&name) {
                        app.restarts += 1;
                    }
                    self.spawn(&name);
                }
            }
            Internal::KillNow { name, gen } => {
                if let Some(app) = self.apps.get(&name) {
                    if app.gen == gen {
                        if let Some(pid) = app.pid {
                            tracing::warn!(app = %name, pid, "application ignored SIGTERM; killing it");
                            signal_group(pid, Signal::SIGKILL);
                        }
                    }
                }
            }
        }
    }

    fn exited(&mut self, name: &str, gen: u64, status: std::io::Result<ExitStatus>) {
        let data_dir = self.device.data_dir().to_owned();
        let Some(app) = self.apps.get_mut(name) else {
            return;
        };
        if app.gen != gen {
            return;
        }
        let Some(pid) = app.pid.take() else {
            return;
        };
        // Whatever the leader left in its group goes with it: no orphans.
        signal_group(pid, Signal::SIGKILL);
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&pid);
        let stopping = app.state == AppState::Stopping;
        let (how, normal, limit) = match &status {
            Ok(s) => match (s.code(), s.signal()) {
                (Some(c), _) => (format!("exit code {c}"), c == 0, None),
                (None, Some(sig)) => {
                    let name = Signal::try_from(sig)
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_else(|_| format!("signal {sig}"));
                    let limit =
                        (sig == libc::SIGXCPU).then(|| "cpu-time limit exceeded".to_owned());
                    (format!("signal {name}"), false, limit)
                }
                _ => ("unknown".to_owned(), false, None),
            },
            Err(e) => (format!("wait failed: {e}"), false, None),
        };
        let limit = limit.or_else(|| {
            (!normal
                && app.spec.limits.data.is_some()
                && says_out_of_memory(&tail(&log_path(&data_dir, name), 4096)))
            .then(|| "memory limit exceeded (max-datasize)".to_owned())
        });
        let reason = if stopping {
            Some("stopped".to_owned())
        } else {
            limit.clone()
        };
        app.last_exit = Some(LastExit {
            at: Utc::now(),
            how: how.clone(),
            reason: reason.clone(),
        });
        let started = app.started.map(|s| s.0).unwrap_or_else(Instant::now);
        if let Some((pkg, version)) = &app.spec.package {
            // The package store judges upgrades on probation by their exits; a
            // rollback comes back as a new package set (`SupervisorRequest::Packages`).
            let packages = self.device.packages().clone();
            let (pkg, version, crashed) = (pkg.clone(), version.clone(), !normal && !stopping);
            tokio::spawn(async move {
                if let Ok(PackageVerdict::RollBack { to }) =
                    packages.app_exited(&pkg, &version, crashed).await
                {
                    tracing::warn!(app = %pkg, from = %version, %to, "upgrade rolled back after a crash loop");
                }
            });
        }
        let waiters = std::mem::take(&mut app.stop_waiters);
        let configured = app.configured;
        let respawn = configured
            && !app.manual
            && app.spec.daemonize
            && (!normal || app.spec.respawn_on_normal_exit)
            && (!stopping || waiters.is_empty());
        // A de-configured app is forgotten; a stop by operator ends in `stopped`; a
        // restart for a changed configuration (stopping, no waiter) starts again at once.
        let restart_now = stopping && waiters.is_empty() && configured && app.spec.daemonize;
        let mut attrs = vec![
            ("application".to_owned(), name.to_owned()),
            ("pid".to_owned(), pid.to_string()),
            ("exit".to_owned(), how.clone()),
        ];
        if let Some(r) = &reason {
            attrs.push(("reason".to_owned(), r.clone()));
        }
        let text = format!(
            "application {name} (pid {pid}) exited: {how}{}",
            reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        if let Some(l) = &limit {
            self.event(
                "JET_APP_LIMIT_EXCEEDED",
                Severity::Warning,
                format!("application {name} (pid {pid}): {l}"),
                vec![
                    ("application".to_owned(), name.to_owned()),
                    ("reason".to_owned(), l.clone()),
                ],
            );
        }
        self.event("JET_APP_EXITED", Severity::Notice, text, attrs);
        for w in waiters {
            let _ = w.send(Ok(format!("application {name} stopped\n")));
        }
        if !configured {
            self.apps.remove(name);
            return;
        }
        let Some(app) = self.apps.get_mut(name) else {
            return;
        };
        if restart_now {
            app.backoff.reset();
            self.spawn(name);
            return;
        }
        if stopping {
            app.state = AppState::Stopped;
            return;
        }
        if !respawn {
            app.state = AppState::Exited;
            return;
        }
        match app.backoff.exited(started, Instant::now()) {
            Verdict::RespawnAfter(d) => {
                app.state = AppState::Waiting;
                let tx = self.internal_tx.clone();
                let (n, gen) = (name.to_owned(), app.gen);
                tokio::spawn(async move {
                    tokio::time::sleep(d).await;
                    let _ = tx.send(Internal::Respawn { name: n, gen });
                });
            }
            Verdict::Failed => {
                app.state = AppState::Failed;
                self.event(
                    "JET_APP_FAILED",
                    Severity::Error,
                    format!(
                        "application {name} exited {} times within {} s; not restarted",
                        crate::backoff::MAX_EXITS,
                        crate::backoff::EXIT_WINDOW.as_secs()
                    ),
                    vec![
                        ("application".to_owned(), name.to_owned()),
                        ("reason".to_owned(), "too many exits".to_owned()),
                    ],
                );
            }
        }
    }

    fn rows(&self) -> Vec<AppRow> {
        let data_dir = self.device.data_dir();
        // De-configured apps stay (as `stopping`) until their process is gone.
        self.apps
            .values()
            .map(|a| AppRow {
                spec: a.spec.clone(),
                state: a.state,
                pid: a.pid,
                since: a.pid.and(a.started.map(|s| s.1)),
                restarts: a.restarts,
                last_exit: a.last_exit.clone(),
                usage: a.pid.and_then(process::usage),
                log: log_path(data_dir, &a.spec.name),
            })
            .collect()
    }

    /// Stops every application: SIGTERM to all, SIGKILL to what is left after the
    /// grace.
    async fn shutdown(&mut self) {
        let running: Vec<String> = self
            .apps
            .iter()
            .filter(|(_, a)| a.pid.is_some())
            .map(|(n, _)| n.clone())
            .collect();
        for n in &running {
            if let Some(a) = self.apps.get_mut(n) {
                a.configured = false;
            }
            self.stop(n, "jetd is stopping");
        }
        let deadline = tokio::time::Instant::now() + STOP_GRACE;
        while self.apps.values().any(|a| a.pid.is_some()) {
            match tokio::time::timeout_at(deadline, self.internal_rx.recv()).await {
                Ok(Some(Internal::Exited { name, gen, status })) => self.exited(&name, gen, status),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        let live: Vec<u32> = self
            .live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(pid, _)| pid)
            .collect();
        for pid in live {
            signal_group(pid, Signal::SIGKILL);
        }
    }

    fn event(
        &self,
        id: &str,
        severity: Severity,
        message: String,
        attributes: Vec<(String, String)>,
    ) {
        self.device.events().emit(DeviceEvent::Syslog(SyslogEvent {
            event_id: id.to_owned(),
            facility: Facility::Daemon,
            severity,
            process: "appd".to_owned(),
            pid: std::process::id(),
            message,
            attributes,
        }));
    }
}

fn refused(reason: String) -> DeviceError {
    DeviceError::AppRefused { reason }
}
