//! Listeners: which sockets jsd serves, driven by the committed configuration.
//!
//! ```text
//!  device.watch_config() ──► manager task ──► one listener task per ListenerSpec
//!                               │              accept ─► place ─► (TLS handshake) ─► admit ─► mpsc ─► tonic
//!                               └─► watch<Vec<ListeningOn>> (what jetd prints, what tests wait on)
//! ```
//!
//! A commit that changes the `grpc` stanza starts the listeners that are new and stops
//! the ones that are gone; a listener whose spec did not change is left alone, and so are
//! its sessions. A stopped listener closes its socket at once, asks its connections to
//! finish (HTTP/2 GOAWAY) and drops whatever is left after [`STOP_GRACE`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use jet_config::Config;
use jet_device::{Session, Transport};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::admission::{session_limit_message, Counter, Place, LOGIN_DEADLINE, SETUP_DEADLINE};
use crate::conn::{Admitted, Conn, Deadlines};
use crate::error::JsdError;
use crate::Shared;

/// How long the connections of a listener stopped by a commit may take to finish.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// The same when jetd shuts down: in-flight calls get a moment, idle clients none.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// Accepted connections waiting for tonic to pick them up.
pub(crate) const ACCEPT_QUEUE: usize = 64;
/// Most refused connections kept open at once to deliver their error; beyond it a
/// refused connection is closed straight away.
const MAX_LINGERING_REFUSED: usize = 64;
/// HTTP/2 keepalive: how often to ping an idle client, and how long to wait for the pong
/// before the connection (and so the session) is declared dead.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// A socket jsd is serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListeningOn {
    /// Clear text or TLS.
    pub transport: Transport,
    /// The bound address.
    pub addr: SocketAddr,
}

/// What to listen on, derived from the configuration. Two equal specs mean "leave the
/// running listener alone".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ListenerSpec {
    ClearText(SocketAddr),
    /// The fingerprint covers everything the TLS setup reads (stanza and file contents).
    Tls {
        addr: SocketAddr,
        fingerprint: String,
    },
}

impl ListenerSpec {
    fn addr(&self) -> SocketAddr {
        match self {
            ListenerSpec::ClearText(a) | ListenerSpec::Tls { addr: a, .. } => *a,
        }
    }
}

/// The listeners a configuration asks for.
pub(crate) fn specs(
    data_dir: &std::path::Path,
    cfg: &Config,
) -> Result<Vec<ListenerSpec>, JsdError> {
    let jsd = cfg.jsd();
    let mut out = Vec::new();
    if let Some(ct) = &jsd.clear_text {
        out.push(ListenerSpec::ClearText(SocketAddr::new(
            ct.address, ct.port,
        )));
    }
    if let Some(ssl) = &jsd.ssl {
        let mut fingerprint = format!("{ssl:?}");
        let files = cfg
            .local_certificates()
            .into_iter()
            .filter(|c| Some(&c.name) == ssl.local_certificate.as_ref())
            .filter_map(|c| c.load_key_file)
            .map(|f| jet_tls::key_file_path(data_dir, &f))
            .chain(
                ssl.mutual
                    .iter()
                    .filter_map(|m| m.certificate_authority.as_deref())
                    .map(|p| jet_tls::ca_profile_path(data_dir, p)),
            );
        for f in files {
            let bytes = std::fs::read(&f).unwrap_or_default();
            fingerprint.push_str(&format!("|{}:{}", f.display(), fnv(&bytes)));
        }
        let addr = SocketAddr::new(ssl.address, ssl.port);
        if out.iter().any(|s| s.addr() == addr) {
            return Err(JsdError::ListenerClash { addr });
        }
        out.push(ListenerSpec::Tls { addr, fingerprint });
    }
    Ok(out)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

struct Running {
    local: SocketAddr,
    transport: Transport,
    stop: oneshot::Sender<()>,
    /// The server task (alone in the set; aborted when the set is dropped, which is how
    /// a dropped jsd closes its sockets).
    task: JoinSet<()>,
}

/// Runs until the device is dropped or `shutdown` fires; stops every listener on exit.
pub(crate) async fn manage(
    shared: Arc<Shared>,
    listening: watch::Sender<Vec<ListeningOn>>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut config = shared.device.watch_config();
    let mut running: HashMap<ListenerSpec, Running> = HashMap::new();
    loop {
        let committed = config.borrow_and_update().clone();
        match specs(shared.device.data_dir(), &committed.config) {
            Ok(wanted) => {
                let gone: Vec<ListenerSpec> = running
                    .keys()
                    .filter(|s| !wanted.contains(s))
                    .cloned()
                    .collect();
                for spec in gone {
                    if let Some(r) = running.remove(&spec) {
                        tracing::info!(addr = %r.local, "jsd listener stopped");
                        stop(r, STOP_GRACE).await;
                    }
                }
                for spec in wanted {
                    if running.contains_key(&spec) {
                        continue;
                    }
                    match start(&shared, &spec, &committed.config).await {
                        Ok(r) => {
                            tracing::info!(addr = %r.local, transport = r.transport.as_str(), "jsd listening");
                            running.insert(spec, r);
                        }
                        Err(e) => {
                            tracing::error!(addr = %spec.addr(), error = %e, "jsd cannot listen")
                        }
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "jsd listener configuration unusable"),
        }
        let mut now: Vec<ListeningOn> = running
            .values()
            .map(|r| ListeningOn {
                transport: r.transport,
                addr: r.local,
            })
            .collect();
        now.sort_by_key(|l| (l.transport.as_str(), l.addr));
        *shared.bound.lock().unwrap_or_else(|p| p.into_inner()) =
            running.values().map(|r| r.local).collect();
        listening.send_replace(now);
        tokio::select! {
            changed = config.changed() => if changed.is_err() { break },
            _ = &mut shutdown => break,
        }
    }
    for (_, r) in running.drain() {
        stop(r, SHUTDOWN_GRACE).await;
    }
    listening.send_replace(Vec::new());
}

async fn stop(r: Running, grace: Duration) {
    let _ = r.stop.send(());
    let mut task = r.task;
    // Past the grace period, dropping the set aborts the server.
    let _ = tokio::time::timeout(grace, task.join_next()).await;
}

async fn start(shared: &Arc<Shared>, spec: &ListenerSpec, cfg: &Config) -> Result<Running, String> {
    let (transport, tls) = match spec {
        ListenerSpec::ClearText(_) => (Transport::ClearText, None),
        ListenerSpec::Tls { .. } => {
            let ssl = cfg.jsd().ssl.ok_or("ssl stanza vanished")?;
            let sc = jet_tls::server_config(shared.device.data_dir(), cfg, &ssl)
                .map_err(|e| e.to_string())?;
            (Transport::Tls, Some(TlsAcceptor::from(Arc::new(sc))))
        }
    };
    let listener = TcpListener::bind(spec.addr())
        .await
        .map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let (conn_tx, conn_rx) = mpsc::channel::<Result<Conn, std::io::Error>>(ACCEPT_QUEUE);
    // Owned by the server task: aborted with it, or when it ends.
    let mut accept = JoinSet::new();
    accept.spawn(accept_loop(
        shared.clone(),
        listener,
        transport,
        tls,
        conn_tx,
    ));
    let (stop_tx, task) = serve(shared, conn_rx, accept);
    Ok(Running {
        local,
        transport,
        stop: stop_tx,
        task,
    })
}

/// Serves jsd's gRPC services on the connections `accept` (a set holding the accept
/// loop, dropped with the server) hands over `conns`; stops gracefully when the returned
/// sender fires or is dropped, at once when the returned set is dropped.
pub(crate) fn serve(
    shared: &Arc<Shared>,
    conns: mpsc::Receiver<Result<Conn, std::io::Error>>,
    accept: JoinSet<()>,
) -> (oneshot::Sender<()>, JoinSet<()>) {
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let routes = crate::svc::routes(shared.clone());
    let server = tonic::transport::Server::builder()
        .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(KEEPALIVE_TIMEOUT))
        .layer(crate::gate::GateLayer::new(shared.clone()));
    let incoming = tokio_stream::wrappers::ReceiverStream::new(conns);
    let mut task = JoinSet::new();
    task.spawn(async move {
        let signal = async {
            let _ = stop_rx.await;
        };
        let res = server
            .serve_with_incoming_shutdown(routes, incoming, signal)
            .await;
        drop(accept);
        if let Err(e) = res {
            tracing::error!(error = %e, "jsd server ended with an error");
        }
    });
    (stop_tx, task)
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    transport: Transport,
    tls: Option<TlsAcceptor>,
    conns: mpsc::Sender<Result<Conn, std::io::Error>>,
) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(error = %e, "jsd accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let accepted = tokio::time::Instant::now();
        // Every connection holds a place among the unauthenticated until it has a
        // session slot; without one it is closed at once.
        let Some(place) = shared.admission.try_place(peer.ip()) else {
            tracing::warn!(%peer, "JET connection closed: too many connections not logged in");
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let conns = conns.clone();
        let tls = tls.clone();
        // Handshakes run on their own task so one slow client cannot stall accepting.
        tokio::spawn(async move {
            let setup = accepted + SETUP_DEADLINE;
            let io: Box<dyn crate::conn::Stream> = match tls {
                None => Box::new(tcp),
                Some(acceptor) => {
                    match tokio::time::timeout_at(setup, acceptor.accept(tcp)).await {
                        Ok(Ok(s)) => Box::new(s),
                        Ok(Err(e)) => {
                            tracing::info!(%peer, error = %e, "JET TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::info!(%peer, "JET connection closed: no TLS handshake in time");
                            shared.admission.count(Counter::ClosedSetup);
                            return;
                        }
                    }
                }
            };
            let conn = admit(&shared, io, peer, transport, place, accepted);
            if let Some(conn) = conn {
                let _ = conns.send(Ok(conn)).await;
            }
        });
    }
}

/// Turns an established connection into one waiting for Login (it keeps its `place`),
/// or, under skip-authentication, into a session at once (a refused connection when the
/// session limit is reached).
fn admit(
    shared: &Arc<Shared>,
    io: Box<dyn crate::conn::Stream>,
    peer: SocketAddr,
    transport: Transport,
    place: Place,
    accepted: tokio::time::Instant,
) -> Option<Conn> {
    let id = shared.next_session.fetch_add(1, Ordering::Relaxed);
    let session = Session::new(id, peer, transport);
    let (admitted, login) = if shared.device.committed().config.jsd().skip_authentication {
        drop(place);
        (session_at_once(shared, &session)?, None)
    } else {
        (Admitted::Pending(place), Some(accepted + LOGIN_DEADLINE))
    };
    let deadlines = Deadlines {
        setup: accepted + SETUP_DEADLINE,
        login,
    };
    Some(Conn::new(
        io,
        session,
        admitted,
        shared.admission.clone(),
        deadlines,
    ))
}

/// Under skip-authentication: a session slot, or a refused connection that lingers to
/// deliver its error (None: too many linger already, close it at once).
fn session_at_once(shared: &Arc<Shared>, session: &Arc<Session>) -> Option<Admitted> {
    let max = match crate::session::open(shared, session) {
        Ok(slot) => return Some(Admitted::Session(slot)),
        Err(max) => max,
    };
    tracing::warn!(peer = %session.peer, max, "JET connection refused: session limit reached");
    let lingering = shared.lingering_refused.fetch_add(1, Ordering::Relaxed);
    if lingering >= MAX_LINGERING_REFUSED {
        shared.lingering_refused.fetch_sub(1, Ordering::Relaxed);
        return None;
    }
    let shared = shared.clone();
    tokio::spawn(async move {
        tokio::time::sleep(crate::conn::REFUSED_LINGER).await;
        shared.lingering_refused.fetch_sub(1, Ordering::Relaxed);
    });
    Some(Admitted::Refused(session_limit_message(max).into()))
}
