//! The device: starts every subsystem task and is the one handle callers hold (middle
//! layer, above the subsystems it assembles).
//!
//! Every method of [`Device`] is here except the entry points into the operational
//! commands (`op_command*`, `config_command`), which the op layer adds on top (`op/`),
//! so that this module never imports the layer above it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_config::{CommitMeta, Config, LoginClass, Store};
use tokio::sync::watch;

use crate::error::DeviceError;
use crate::events::EventBus;
use crate::factory;
use crate::firewall::{FirewallHandle, Limits};
use crate::ifd::{self, IfdHandle};
use crate::mgd::{
    self, CfgMode, CfgSessionInfo, CommitCheck, Committed, EphemeralOp, History, LoadRequest,
    MgdHandle, Subsystem, Who,
};
use crate::output::Format;
use crate::packages::PackagesHandle;
use crate::registrations::RegistrationsHandle;
use crate::rib::{self, RibHandle};
use crate::sessions::{Login, SessionId, SessionTable};
use crate::status_source::StatusSource;
use crate::syslog::SyslogHandle;
use crate::tunnels::TunnelsHandle;
use crate::vocab::apps::AppControl;
use crate::vocab::interfaces::InterfacesSnapshot;
use crate::vocab::notification::NotificationStatus;
use crate::vocab::request_response::RequestResponseStatus;
use crate::yang::YangHandle;
use tokio_util::task::AbortOnDropHandle;

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
    mgd: MgdHandle,
    sessions: SessionTable,
    events: EventBus,
    rib: RibHandle,
    ifd: IfdHandle,
    syslog: SyslogHandle,
    firewall: FirewallHandle,
    packages: PackagesHandle,
    /// APIs registered by apps, proxied by jsd.
    registrations: RegistrationsHandle,
    /// Flexible tunnel profiles.
    tunnels: TunnelsHandle,
    /// YANG packages (`request system yang add`).
    yang: YangHandle,
    /// Commands registered by connected apps (live commands).
    live_commands: crate::live_commands::LiveCommandsHandle,
    /// Keeps Direct/Local/Static routes in the RIB in line with interfaces and config.
    _route_sources: AbortOnDropHandle<()>,
    /// The notification service's status source, once it registered.
    notification: StatusSource<dyn NotificationStatus>,
    /// jsd's connection-admission status source, once jsd registered it.
    request_response: StatusSource<dyn RequestResponseStatus>,
    /// The on-box application service, once it registered.
    apps: StatusSource<dyn AppControl>,
    /// Hash of a random password, checked for unknown users so that timing does not tell
    /// which user names exist.
    dummy_hash: String,
    /// The runtime the device was started on: password checks run on its blocking pool
    /// whichever runtime asks (the notification service runs on a thread of its own).
    rt: tokio::runtime::Handle,
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
        let syslog = SyslogHandle::spawn(data_dir.join("log"), &events, mgd.committed.clone());
        let ifd = IfdHandle::spawn(
            ifd::mac_seed(&data_dir),
            mgd.committed.clone(),
            events.clone(),
            sessions.watch_ends("interfaces"),
        );
        mgd.subsystems.add(ifd.subsystem());
        let packages = PackagesHandle::start(&data_dir, mgd.committed.clone()).await?;
        let rib = RibHandle::start(events.clone(), sessions.watch_ends("rib"));
        let registrations = RegistrationsHandle::start(&data_dir).await;
        let yang = YangHandle::start(&data_dir).await;
        let firewall = FirewallHandle::start(
            Limits::default(),
            rib.clone(),
            ifd.watch(),
            mgd.committed.clone(),
            sessions.watch_ends("firewall"),
            events.clone(),
        );
        let route_sources = AbortOnDropHandle::new(tokio::spawn(rib::sources::run(
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
            packages,
            registrations,
            tunnels: TunnelsHandle::start(),
            yang,
            live_commands: crate::live_commands::LiveCommandsHandle::start(),
            _route_sources: route_sources,
            notification: Default::default(),
            request_response: Default::default(),
            apps: Default::default(),
            events,
            ifd,
            syslog,
            firewall,
            dummy_hash: factory::hash_password(&factory::random_password()),
            rt: tokio::runtime::Handle::current(),
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
    pub fn rib(&self) -> &RibHandle {
        &self.inner.rib
    }

    /// The firewall and forwarding plane (filters, policers, simulated traffic).
    pub fn firewall(&self) -> &FirewallHandle {
        &self.inner.firewall
    }

    /// Installed app packages (`request system software add`).
    pub fn packages(&self) -> &PackagesHandle {
        &self.inner.packages
    }

    /// APIs registered by apps (`ApiRegister`), which jsd proxies.
    pub fn registrations(&self) -> &RegistrationsHandle {
        &self.inner.registrations
    }

    /// The YANG packages (`request system yang add|delete`).
    pub fn yang(&self) -> &YangHandle {
        &self.inner.yang
    }

    /// The commands connected apps registered and answer (`live_commands`).
    pub fn live_commands(&self) -> &crate::live_commands::LiveCommandsHandle {
        &self.inner.live_commands
    }

    /// Flexible tunnel profiles (`jnx.jet.routing.rib.FlexibleTunnel`).
    pub fn tunnels(&self) -> &TunnelsHandle {
        &self.inner.tunnels
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
    /// slow) crypt on the device's blocking pool (that of the runtime the device was
    /// started on, whichever runtime the caller runs on). The error text never says which
    /// part was wrong.
    pub async fn authenticate(
        &self,
        user: &str,
        password: &str,
    ) -> Result<AuthenticatedUser, DeviceError> {
        if let Some(app) = self
            .app_control()
            .and_then(|c| c.token_owner(user, password))
        {
            let class = self.app_class(&app.user);
            return Ok(AuthenticatedUser {
                user: app.user,
                class,
            });
        }
        let users = self.committed().config.users();
        let found = users.into_iter().find(|u| u.name == user);
        let password = password.to_owned();
        let dummy = self.inner.dummy_hash.clone();
        let ok =
            self.inner
                .rt
                .spawn_blocking(move || match &found {
                    Some(u) => match &u.encrypted_password {
                        Some(h) => factory::verify_password(&password, h)
                            .then(|| (u.name.clone(), u.class)),
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
            None => Err(DeviceError::AuthenticationFailed),
        }
    }

    // ---- configuration (mgd) ----

    /// The configuration in force now.
    pub fn committed(&self) -> Arc<Committed> {
        self.inner.mgd.committed()
    }

    /// A receiver that sees every new committed configuration (subsystems react to it;
    /// they read `effective`, which includes the ephemeral instances).
    pub fn watch_config(&self) -> watch::Receiver<Arc<Committed>> {
        self.inner.mgd.watch_config()
    }

    /// The commit history (`show system commit`).
    pub fn commit_history(&self) -> Arc<History> {
        self.inner.mgd.commit_history()
    }

    /// Registers a check run on every new configuration before it is committed.
    pub fn add_commit_check(&self, check: CommitCheck) {
        self.inner.mgd.add_commit_check(check);
    }

    /// Registers a subsystem in the commit pipeline (prepare / apply / abort).
    pub fn add_subsystem(&self, subsystem: Arc<dyn Subsystem>) {
        self.inner.mgd.add_subsystem(subsystem);
    }

    /// Loads a payload onto the committed configuration and commits it, all or nothing
    /// (`ConfigSet`). Only `super-user` may.
    pub async fn load_and_commit(&self, req: LoadRequest) -> Result<(), DeviceError> {
        self.inner.mgd.load_and_commit(req).await
    }

    /// Enters configuration mode. `owner` is the connection the session is bound to: it
    /// ends when the connection does. Returns the session token and what to print.
    pub async fn config_open(
        &self,
        owner: Option<SessionId>,
        who: Who,
        mode: CfgMode,
    ) -> Result<(String, String), DeviceError> {
        self.inner.mgd.config_open(owner, who, mode).await
    }

    /// Leaves configuration mode without committing.
    pub async fn config_close(
        &self,
        owner: Option<SessionId>,
        token: &str,
    ) -> Result<(), DeviceError> {
        self.inner.mgd.config_close(owner, token).await
    }

    /// The configuration sessions now.
    pub async fn config_sessions(&self) -> Result<Vec<CfgSessionInfo>, DeviceError> {
        self.inner.mgd.config_sessions().await
    }

    /// Reads an ephemeral instance (or, with `merged`, the effective configuration) at
    /// `path`, rendered as `{"configuration": ...}` JSON or `<configuration>` XML.
    pub fn ephemeral_get(
        &self,
        instance: &str,
        path: &str,
        merged: bool,
        format: Format,
    ) -> Result<String, DeviceError> {
        self.inner.mgd.ephemeral_get(instance, path, merged, format)
    }

    /// Applies `ops` to an ephemeral instance as one unit and (unless `load_only`)
    /// commits it. `validate` runs the full commit validation on the effective result.
    pub async fn ephemeral_set(
        &self,
        who: &Who,
        instance: &str,
        ops: Vec<EphemeralOp>,
        validate: bool,
        load_only: bool,
    ) -> Result<(), DeviceError> {
        self.inner
            .mgd
            .ephemeral_set(who, instance, ops, validate, load_only)
            .await
    }

    /// mgd itself, for the op layer (`show system rollback`, configuration mode).
    pub(crate) fn mgd(&self) -> &MgdHandle {
        &self.inner.mgd
    }

    // ---- interfaces (ifd) ----

    fn ifd(&self) -> &IfdHandle {
        &self.inner.ifd
    }

    /// The interfaces as last published (never waits; may trail a commit that has just
    /// completed by the time the interfaces task takes to apply it).
    pub fn interfaces(&self) -> Arc<InterfacesSnapshot> {
        self.ifd().snapshot()
    }

    /// The interfaces after every committed configuration has been applied.
    pub async fn interfaces_current(&self) -> Result<Arc<InterfacesSnapshot>, DeviceError> {
        self.ifd().current().await
    }

    /// A receiver that sees every new interfaces snapshot.
    pub fn watch_interfaces(&self) -> watch::Receiver<Arc<InterfacesSnapshot>> {
        self.ifd().watch()
    }

    /// Takes the simulated link of physical interface `name` down or up (events, link
    /// trap and syslog follow). Fails with [`DeviceError::UnknownInterface`] for a name
    /// that is not a physical interface of the device.
    pub async fn simulate_link(&self, name: &str, up: bool) -> Result<(), DeviceError> {
        self.ifd().simulate_link(name, up).await
    }

    /// One JET Interfaces API (dcd) request of `client` (the client id, or `session-N`
    /// for a session without one) on `session`: the objects it creates belong to the
    /// client and are purged after its last session ends (see [`crate::ifd::api`]).
    pub async fn interfaces_api(
        &self,
        client: &str,
        session: SessionId,
        op: crate::ifd::api::IfApiOp,
    ) -> Result<crate::ifd::api::IfApiReply, crate::ifd::api::IfApiError> {
        self.ifd().api(client, session, op).await
    }

    /// A copy of the JET Interfaces API objects, their owners and the clients' purge
    /// state (for the older generation's attribute and owner queries, and tests).
    pub async fn interfaces_api_state(&self) -> Result<crate::ifd::api::ApiState, DeviceError> {
        self.ifd().api_state().await
    }

    // ---- syslog ----

    /// The contents of log file `name` under `DATA/log/` (`show log NAME`), with every
    /// event emitted so far written.
    pub async fn read_log(&self, name: &str) -> Result<String, DeviceError> {
        self.inner.syslog.read(name).await
    }

    // ---- notification service status ----

    /// Registers the notification service's status source (replacing any earlier one).
    pub fn set_notification_status(&self, status: Arc<dyn NotificationStatus>) {
        self.inner.notification.set(status);
    }

    pub(crate) fn notification_status(&self) -> Option<Arc<dyn NotificationStatus>> {
        self.inner.notification.get()
    }

    // ---- jsd connection admission status ----

    /// Registers jsd's admission status source (replacing any earlier one).
    pub fn set_request_response_status(&self, status: Arc<dyn RequestResponseStatus>) {
        self.inner.request_response.set(status);
    }

    pub(crate) fn request_response_status(&self) -> Option<Arc<dyn RequestResponseStatus>> {
        self.inner.request_response.get()
    }

    // ---- on-box applications ----

    /// Registers the on-box application service (replacing any earlier one).
    pub fn set_app_control(&self, control: Arc<dyn AppControl>) {
        self.inner.apps.set(control);
    }

    pub(crate) fn app_control(&self) -> Option<Arc<dyn AppControl>> {
        self.inner.apps.get()
    }

    /// The login class of an application's `username`: `root` super-user, a configured
    /// user's class, read-only for `nobody` and anyone else.
    fn app_class(&self, user: &str) -> LoginClass {
        match user {
            "root" => LoginClass::SuperUser,
            user => self
                .committed()
                .effective
                .users()
                .into_iter()
                .find(|u| u.name == user)
                .map_or(LoginClass::ReadOnly, |u| u.class),
        }
    }

    /// The on-box application process `pid` belongs to, and the login it gets on the
    /// device's local socket: its `username`'s class (`root` super-user, `nobody` and
    /// unknown users read-only), its application name as client id.
    pub fn identify_app(&self, pid: u32) -> Option<Login> {
        let id = self.app_control()?.identify(pid)?;
        let class = self.app_class(&id.user);
        Some(Login {
            user: id.user,
            class,
            client_id: id.name,
            group_id: String::new(),
            at: Utc::now(),
        })
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
