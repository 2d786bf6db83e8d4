//! The device's local socket, `DATA/run/jsd.sock`: gRPC for on-box applications without
//! a password.
//!
//! ```text
//!  UnixListener accept ─► one admit task per connection (at most MAX_IDENTIFYING at once)
//!  ─► peer credentials (SO_PEERCRED pid) ─► device.identify_app(pid)
//!     (a child of jetd appd has not recorded yet is asked about again, IDENTIFY_WAIT)
//!     ├─ an application's process: a session logged in at once as the app's
//!     │  `username` (its class), client id = application name; slot among
//!     │  MAX_LOCAL_SESSIONS (not counted against grpc max-connections)
//!     └─ anyone else: an ordinary connection that must Login (deadlines, throttle)
//!  ─► mpsc ─► tonic (listener::serve, the same services and gate as TCP)
//! ```
//!
//! The socket file is created mode 0600 (only jetd's user, as which apps run, may
//! connect); a stale file from an earlier jetd is replaced.

use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use jet_device::{Session, Transport};
use tokio::net::UnixListener;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::task::JoinSet;

use crate::admission::{LOGIN_DEADLINE, SETUP_DEADLINE};
use crate::conn::{Admitted, Conn, Deadlines};
use crate::listener::ACCEPT_QUEUE;
use crate::Shared;

/// The socket, relative to the data directory.
pub const LOCAL_SOCKET: &str = "run/jsd.sock";
/// Sessions of identified applications on the local socket at once.
pub(crate) const MAX_LOCAL_SESSIONS: usize = 1024;
/// The peer address local sessions show (a Unix socket has none).
pub(crate) const LOCAL_PEER: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 0);

/// The running local listener.
pub(crate) struct LocalListener {
    pub(crate) path: PathBuf,
    pub(crate) stop: oneshot::Sender<()>,
    pub(crate) task: JoinSet<()>,
}

/// Binds `DATA/run/jsd.sock` and serves it.
pub(crate) fn start(shared: &Arc<Shared>, data_dir: &Path) -> std::io::Result<LocalListener> {
    let path = data_dir.join(LOCAL_SOCKET);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    let (conn_tx, conn_rx) = mpsc::channel(ACCEPT_QUEUE);
    let mut accept = JoinSet::new();
    accept.spawn(accept_loop(shared.clone(), listener, conn_tx));
    let (stop, task) = crate::listener::serve(shared, conn_rx, accept);
    Ok(LocalListener { path, stop, task })
}

/// Connections being identified at once (each may wait up to [`IDENTIFY_WAIT`]); past
/// this the accept loop waits for one to finish.
const MAX_IDENTIFYING: usize = 64;
/// How long a child of jetd not yet recorded by appd is asked about again.
const IDENTIFY_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

async fn accept_loop(
    shared: Arc<Shared>,
    listener: UnixListener,
    conns: mpsc::Sender<Result<Conn, std::io::Error>>,
) {
    // Identifying a connection may wait (see `admit`), so each is admitted in its own
    // task: a child of jetd that connects before appd records it must not hold up the
    // connections behind it.
    let identifying = Arc::new(Semaphore::new(MAX_IDENTIFYING));
    let mut admitting = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!(error = %e, "jsd local accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let accepted = tokio::time::Instant::now();
        while admitting.try_join_next().is_some() {}
        let Ok(permit) = identifying.clone().acquire_owned().await else {
            return;
        };
        if conns.is_closed() {
            return;
        }
        let (shared, conns) = (shared.clone(), conns.clone());
        admitting.spawn(async move {
            if let Some(conn) = admit(&shared, stream, accepted).await {
                let _ = conns.send(Ok(conn)).await;
            }
            drop(permit);
        });
    }
}

/// One accepted local connection: an application's process gets a session logged in as
/// the app; anyone else must Login as over TCP. `None` when it is refused (limits).
async fn admit(
    shared: &Arc<Shared>,
    stream: tokio::net::UnixStream,
    accepted: tokio::time::Instant,
) -> Option<Conn> {
    let pid = stream
        .peer_cred()
        .ok()
        .and_then(|c| c.pid())
        .and_then(|p| u32::try_from(p).ok());
    let mut identity = pid.and_then(|p| shared.device.identify_app(p));
    // appd records a child right after spawning it; a child of jetd itself that
    // connects before that (a loaded machine) is asked about again, briefly.
    if let (None, Some(p)) = (&identity, pid) {
        let give_up = accepted + IDENTIFY_WAIT;
        while identity.is_none()
            && tokio::time::Instant::now() < give_up
            && parent_of(p) == Some(std::process::id())
        {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            identity = shared.device.identify_app(p);
        }
    }
    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let session = Session::new(id, LOCAL_PEER, Transport::Local);
    let (admitted, login) = match identity {
        Some(login) => {
            let Some(slot) = shared
                .local_limiter
                .try_take(MAX_LOCAL_SESSIONS, &shared.device, id)
            else {
                tracing::warn!(app = %login.client_id, "jsd local connection refused: too many app sessions");
                return None;
            };
            shared.device.sessions().open(session.clone());
            tracing::info!(session = id, app = %login.client_id, user = %login.user, "JET app session opened on the local socket");
            // An app installed from a package may then call only the RPCs its
            // manifest declares (gate.rs app_permission); other apps are unaffected.
            session.set_app(&login.client_id);
            shared.device.sessions().login(&session, login);
            (Admitted::Session(slot), None)
        }
        None => {
            // Not an application: it logs in as over TCP.
            let place = shared.admission.try_place(LOCAL_PEER.ip())?;
            (Admitted::Pending(place), Some(accepted + LOGIN_DEADLINE))
        }
    };
    Some(Conn::new(
        Box::new(stream),
        session,
        admitted,
        shared.admission.clone(),
        Deadlines {
            setup: accepted + SETUP_DEADLINE,
            login,
        },
    ))
}

/// The parent process of `pid` (Linux `/proc`), `None` when it cannot be read.
fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name: state, ppid.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
