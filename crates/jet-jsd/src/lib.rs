//! jsd: the JET request-response service.
//!
//! Owns: the gRPC listeners (clear text and TLS) as the configuration describes them, the
//! connection-as-session model and its limit, the admission of connections that have not
//! logged in (deadlines, caps), Login and per-source login throttling, and
//! the thin adapters from the JET protobuf services to the device (`jet-device`). It
//! holds no device state of its own: configuration, sessions and op commands live in the
//! device. It must not block the runtime, and must not trust anything a client sends.

mod admission;
pub mod certs;
mod conn;
mod cork;
mod error;
mod gate;
mod limits;
mod listener;
pub mod local;
mod session;
mod svc;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};

use jet_device::Device;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

pub use conn::ConnInfo;
pub use error::JsdError;
pub use listener::ListeningOn;

use limits::{LoginThrottle, SessionLimiter};

/// State shared by the listeners and the service adapters of one jsd.
pub(crate) struct Shared {
    pub(crate) device: Device,
    pub(crate) limiter: Arc<SessionLimiter>,
    /// Sessions of identified on-box applications on the local socket (not counted
    /// against `max-connections`).
    pub(crate) local_limiter: Arc<SessionLimiter>,
    /// Connections that have not logged in: their places and the admission counters.
    pub(crate) admission: Arc<admission::Admission>,
    pub(crate) throttle: LoginThrottle,
    pub(crate) next_session: AtomicU64,
    pub(crate) lingering_refused: AtomicUsize,
    /// Addresses our listeners hold now (the commit check must not call them "in use").
    pub(crate) bound: Mutex<Vec<SocketAddr>>,
    /// Clients of the routing interfaces service.
    pub(crate) rt_interfaces: Arc<svc::rt_interfaces::RtIfClients>,
    /// Subscriptions of the BGP route service.
    pub(crate) bgp_subs: Arc<svc::BgpSubscriptions>,
    /// Channels to the targets of registered APIs (svc/proxy.rs).
    pub(crate) proxy: svc::proxy::Channels,
}

/// A running jsd. [`Jsd::shutdown`] stops it gracefully; dropping it stops it at once
/// (its tasks are aborted: the listening sockets close).
pub struct Jsd {
    listening: watch::Receiver<Vec<ListeningOn>>,
    stop: Option<oneshot::Sender<()>>,
    /// The listener manager (the only task in the set). A `JoinSet` aborts its tasks
    /// when dropped; the manager owns the listener tasks the same way.
    manager: JoinSet<()>,
    /// Per-client state cleanup on session end.
    _followers: JoinSet<()>,
    /// The local socket for on-box applications, when it could be bound.
    local: Option<local::LocalListener>,
}

impl Jsd {
    /// Starts jsd for `device`: listeners follow the committed configuration from now on,
    /// and a commit check refuses `grpc` stanzas jsd could not serve.
    pub fn start(device: Device) -> Jsd {
        let shared = Arc::new(Shared {
            device: device.clone(),
            limiter: Arc::default(),
            local_limiter: Arc::default(),
            admission: Arc::default(),
            throttle: LoginThrottle::default(),
            next_session: AtomicU64::new(1),
            lingering_refused: AtomicUsize::new(0),
            bound: Mutex::new(Vec::new()),
            rt_interfaces: Default::default(),
            bgp_subs: Default::default(),
            proxy: Default::default(),
        });
        device.add_commit_check(commit_check(shared.clone()));
        device.set_request_response_status(Arc::new(admission::AdmissionStatus {
            admission: shared.admission.clone(),
            limiter: shared.limiter.clone(),
        }));
        // Owners of per-client state in jsd, told of every session end (lossless).
        let mut followers = JoinSet::new();
        followers.spawn(
            shared
                .rt_interfaces
                .clone()
                .follow_session_ends(device.sessions().watch_ends("routing-interfaces")),
        );
        let (listening_tx, listening) = watch::channel(Vec::new());
        let (stop, stop_rx) = oneshot::channel();
        let mut manager = JoinSet::new();
        let local = match local::start(&shared, device.data_dir()) {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::error!(error = %e, "jsd cannot serve the local socket; on-box apps must log in over TCP");
                None
            }
        };
        manager.spawn(listener::manage(shared, listening_tx, stop_rx));
        Jsd {
            listening,
            stop: Some(stop),
            manager,
            _followers: followers,
            local,
        }
    }

    /// The sockets served now.
    pub fn listening(&self) -> Vec<ListeningOn> {
        self.listening.borrow().clone()
    }

    /// A receiver that sees every change of the served sockets.
    pub fn watch_listening(&self) -> watch::Receiver<Vec<ListeningOn>> {
        self.listening.clone()
    }

    /// The local socket on-box applications connect to without a password
    /// (`DATA/run/jsd.sock`), when it is served.
    pub fn local_socket(&self) -> Option<&std::path::Path> {
        self.local.as_ref().map(|l| l.path.as_path())
    }

    /// Stops every listener and waits (bounded) for connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        while self.manager.join_next().await.is_some() {}
        if let Some(mut l) = self.local.take() {
            let _ = l.stop.send(());
            let _ =
                tokio::time::timeout(std::time::Duration::from_secs(1), l.task.join_next()).await;
            let _ = std::fs::remove_file(&l.path);
        }
    }
}

/// Refuses configurations jsd could not serve: unreadable or non-RSA certificates,
/// missing CA profiles, clashing ports, addresses that cannot be bound.
fn commit_check(shared: Arc<Shared>) -> jet_device::CommitCheck {
    Arc::new(move |cfg| {
        let data_dir = shared.device.data_dir();
        let specs = listener::specs(data_dir, cfg).map_err(|e| e.to_string())?;
        let jsd = cfg.jsd();
        if let Some(ssl) = &jsd.ssl {
            jet_tls::server_config(data_dir, cfg, ssl).map_err(|e| {
                format!("[edit system services extension-service request-response grpc ssl] {e}")
            })?;
        }
        let bound = shared
            .bound
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        for spec in specs {
            let addr = match spec {
                listener::ListenerSpec::ClearText(a)
                | listener::ListenerSpec::Tls { addr: a, .. } => a,
            };
            if bound.contains(&addr) {
                continue;
            }
            std::net::TcpListener::bind(addr).map(drop).map_err(|e| {
                format!(
                    "[edit system services extension-service request-response grpc] cannot listen on {addr}: {e}"
                )
            })?;
        }
        Ok(())
    })
}
