//! The simulated Junos device: the subsystems behind the JET APIs.
//!
//! Owns: the configuration database (mgd task), the table of client sessions (and the
//! lossless delivery of session end to every owner of per-client state), user
//! authentication against `system login`, and operational commands with their three
//! renderings (CLI text, XML, JSON). It knows nothing about gRPC, TLS or sockets: jsd
//! (`jet-jsd`) is a client of this crate, as are tests. No process-wide state: many
//! devices can live in one process.

mod error;
pub mod eventd;
pub mod events;
pub mod factory;
pub mod ifd;
mod mgd;
pub mod op;
pub mod output;
pub mod rib;
pub mod sessions;
pub mod syslog;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_config::{CommitMeta, Config, LoginClass, Store};

pub use crate::error::DeviceError;
pub use crate::events::{CommitEvent, DeviceEvent, EventBus, Stamped};
pub use crate::mgd::{
    authorize_op, split_client, BoxFuture, CfgMode, CfgReply, CfgSessionInfo, CheckSubsystem,
    CommitCheck, CommitOptions, Committed, EphemeralOp, EphemeralOpKind, History, LoadRequest,
    Payload, PendingConfirm, Subsystem, Transaction, Who, DEFAULT_CONFIRM_MINUTES,
    DEFAULT_INSTANCE, MAX_CONFIRM_MINUTES,
};
pub use crate::output::Format;
pub use crate::sessions::{
    Login, Session, SessionEnd, SessionEnds, SessionEvent, SessionId, SessionInfo, SessionTable,
    Transport,
};
pub use jet_config::LoadMode;

/// How to start a device.
#[derive(Debug, Clone)]
pub struct DeviceOptions {
    /// The data directory (configuration, rollbacks, certificates, logs).
    pub data_dir: PathBuf,
    /// Configuration text to seed an empty data directory with (instead of the factory
    /// configuration). Ignored, with a warning, when the data directory already holds a
    /// committed configuration.
    pub initial_config: Option<String>,
}

/// What happened at start-up that the operator must be told.
#[derive(Debug, Clone, Default)]
pub struct Bootstrap {
    /// The generated admin password, set only on the very first start with the factory
    /// configuration.
    pub admin_password: Option<String>,
    /// True when the data directory was empty and has been seeded.
    pub seeded: bool,
    /// True when `initial_config` was given but ignored because the data directory
    /// already had a configuration.
    pub initial_config_ignored: bool,
}

/// A handle to a running device. Cheap to clone; all clones talk to the same device.
#[derive(Clone)]
pub struct Device {
    inner: Arc<Inner>,
}

struct Inner {
    data_dir: PathBuf,
    booted: DateTime<Utc>,
    mgd: mgd::MgdHandle,
    sessions: SessionTable,
    events: EventBus,
    rib: rib::RibHandle,
    ifd: ifd::IfdHandle,
    syslog: syslog::SyslogHandle,
    /// Keeps Direct/Local/Static routes in the RIB in line with interfaces and config.
    _route_sources: AbortOnDrop,
    /// The notification service's status source, once jsd registered it.
    notification: op::status::StatusSource<dyn op::notification::NotificationStatus>,
    /// jsd's connection-admission status source, once jsd registered it.
    request_response: op::status::StatusSource<dyn op::request_response::RequestResponseStatus>,
    /// Hash of a random password, checked for unknown users so that timing does not tell
    /// which user names exist.
    dummy_hash: String,
}

/// Aborts the task when the last device handle goes away.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("data_dir", &self.inner.data_dir)
            .finish()
    }
}

/// A user that passed authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser {
    /// User name.
    pub user: String,
    /// Login class.
    pub class: LoginClass,
}

impl Device {
    /// Opens (or seeds) the data directory and starts the device's tasks. Must be called
    /// inside a tokio runtime.
    pub async fn start(opts: DeviceOptions) -> Result<(Device, Bootstrap), DeviceError> {
        let data_dir = opts.data_dir.clone();
        let (store, config, meta, boot) = tokio::task::spawn_blocking(move || open_data_dir(&opts))
            .await
            .map_err(|_| DeviceError::ShuttingDown)??;
        let events = EventBus::new();
        // Owners of per-client state register for session ends before any session opens.
        let sessions = SessionTable::new(events.clone());
        let mgd = mgd::start(
            store,
            config,
            meta,
            events.clone(),
            sessions.watch_ends("mgd"),
        )
        .await?;
        let syslog =
            syslog::SyslogHandle::spawn(data_dir.join("log"), &events, mgd.committed.clone());
        let ifd = ifd::IfdHandle::spawn(
            ifd::mac_seed(&data_dir),
            mgd.committed.clone(),
            events.clone(),
        );
        mgd.subsystems.add(ifd.subsystem());
        let rib = rib::RibHandle::start(events.clone(), sessions.watch_ends("rib"));
        let route_sources = AbortOnDrop(tokio::spawn(rib::sources::run(
            rib.clone(),
            ifd.watch(),
            mgd.committed.clone(),
        )));
        let inner = Inner {
            data_dir,
            booted: Utc::now(),
            mgd,
            sessions,
            rib,
            _route_sources: route_sources,
            notification: Default::default(),
            request_response: Default::default(),
            events,
            ifd,
            syslog,
            dummy_hash: factory::hash_password(&factory::random_password()),
        };
        Ok((
            Device {
                inner: Arc::new(inner),
            },
            boot,
        ))
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// When the device started.
    pub fn booted(&self) -> DateTime<Utc> {
        self.inner.booted
    }

    /// The routing subsystem (RIB).
    pub fn rib(&self) -> &rib::RibHandle {
        &self.inner.rib
    }

    /// The device event bus.
    pub fn events(&self) -> &EventBus {
        &self.inner.events
    }

    /// The live client sessions.
    pub fn sessions(&self) -> &SessionTable {
        &self.inner.sessions
    }

    /// Checks a user name and password against `system login user`. Runs the (deliberately
    /// slow) crypt on the blocking pool. The error text never says which part was wrong.
    pub async fn authenticate(
        &self,
        user: &str,
        password: &str,
    ) -> Result<AuthenticatedUser, DeviceError> {
        let users = self.committed().config.users();
        let found = users.into_iter().find(|u| u.name == user);
        let password = password.to_owned();
        let dummy = self.inner.dummy_hash.clone();
        let ok = tokio::task::spawn_blocking(move || match &found {
            Some(u) => match &u.encrypted_password {
                Some(h) => {
                    factory::verify_password(&password, h).then(|| (u.name.clone(), u.class))
                }
                None => None,
            },
            None => {
                // Spend the same time for an unknown user, so timing does not tell
                // which user names exist.
                let _ = factory::verify_password(&password, &dummy);
                None
            }
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)?;
        match ok {
            Some((user, class)) => Ok(AuthenticatedUser { user, class }),
            None => Err(DeviceError::PermissionDenied(
                "authentication failed".into(),
            )),
        }
    }
}

/// Opens the store, seeding it when empty. Blocking (file system).
fn open_data_dir(
    opts: &DeviceOptions,
) -> Result<(Store, Config, CommitMeta, Bootstrap), DeviceError> {
    let dir = &opts.data_dir;
    std::fs::create_dir_all(dir)
        .map_err(|e| DeviceError::io(format!("creating data directory {}", dir.display()), e))?;
    let mut store = Store::open(&dir.join("config"))?;
    let mut boot = Bootstrap::default();
    if let Some((config, meta)) = store.committed()? {
        boot.initial_config_ignored = opts.initial_config.is_some();
        return Ok((store, config, meta, boot));
    }
    let (text, meta) = match &opts.initial_config {
        Some(text) => (
            text.clone(),
            CommitMeta {
                user: "root".into(),
                client: "other".into(),
                time: Utc::now(),
                comment: Some("initial configuration".into()),
            },
        ),
        None => {
            let password = factory::random_password();
            let text = factory::factory_config(&factory::hash_password(&password));
            factory::write_password_file(dir, &password)?;
            boot.admin_password = Some(password);
            let meta = CommitMeta {
                user: "root".into(),
                client: "other".into(),
                time: Utc::now(),
                comment: Some("factory configuration".into()),
            };
            (text, meta)
        }
    };
    let config = Config::parse_text(&text)?;
    config.validate()?;
    store.commit(&config, &meta)?;
    boot.seeded = true;
    Ok((store, config, meta, boot))
}
