//! Listeners: accept, apply allow-clients and max-connections, hand the socket to a
//! connection task, or answer a refusal.
//!
//! ```text
//!  TcpListener ──accept──► allowed and below max-connections?
//!     ├─ yes ──► [TLS handshake] ──► io::run (one task per connection)
//!     └─ no ───► refusal task (at most REFUSALS at once, else closed at once):
//!                read CONNECT (connect timeout) ──► CONNACK 0x87 / 0x88 ──► close
//! ```
//! A refused client gets a CONNACK it can explain ("not authorized", "server
//! unavailable"; 3.1.1 return codes 5 and 3) rather than a bare reset; the refusal
//! tasks are bounded so strangers cannot hold resources.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::acl;
use crate::codec::{self, ConnAck, Packet, ReasonCode};
use crate::config::ListenerConfig;
use crate::connection::Connection;
use crate::error::NotifyError;
use crate::io;
use crate::shared::Shared;
use crate::stats::add;
use tokio_util::task::AbortOnDropHandle;

/// Refusal CONNACKs being written at once.
pub(crate) const REFUSALS: usize = 64;

/// A running listener; its accept loop stops when this is dropped.
pub(crate) struct ListenerTask {
    pub(crate) cfg: ListenerConfig,
    pub(crate) local: SocketAddr,
    _task: AbortOnDropHandle<()>,
}

impl ListenerTask {
    /// Whether this running listener already is `cfg`: same TLS configuration, and the
    /// configured or the bound address (a port-0 listener is matched by its real port).
    pub(crate) fn serves(&self, cfg: &ListenerConfig) -> bool {
        self.cfg.same_as(cfg) || (cfg.addr == self.local && self.cfg.same_tls(cfg))
    }
}

/// Binds synchronously (so `start` and `reconfigure` report failures at once).
pub(crate) fn bind(cfg: &ListenerConfig) -> Result<TcpListener, NotifyError> {
    let err = |source| NotifyError::Bind {
        addr: cfg.addr,
        source,
    };
    let std = std::net::TcpListener::bind(cfg.addr).map_err(err)?;
    std.set_nonblocking(true).map_err(err)?;
    TcpListener::from_std(std).map_err(err)
}

pub(crate) fn spawn(
    shared: Arc<Shared>,
    listener: TcpListener,
    cfg: ListenerConfig,
    refusals: Arc<Semaphore>,
) -> Result<ListenerTask, NotifyError> {
    let local = listener.local_addr().map_err(|source| NotifyError::Bind {
        addr: cfg.addr,
        source,
    })?;
    let tls = cfg.tls.clone().map(TlsAcceptor::from);
    let task = AbortOnDropHandle::new(tokio::spawn(accept_loop(
        shared, listener, local, tls, refusals,
    )));
    tracing::info!(%local, tls = cfg.tls.is_some(), "MQTT listener started");
    Ok(ListenerTask {
        cfg,
        local,
        _task: task,
    })
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    local: SocketAddr,
    tls: Option<TlsAcceptor>,
    refusals: Arc<Semaphore>,
) {
    loop {
        let (sock, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Out of descriptors and the like: back off instead of spinning.
                tracing::warn!(%local, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = sock.set_nodelay(true);
        let cfg = shared.cfg();
        let refusal = if !acl::allowed(&cfg.allow_clients, peer.ip()) {
            add(&shared.counters.refused_not_allowed, 1);
            tracing::info!(%peer, %local, "connection refused: not in allow-clients");
            Some(ReasonCode::NOT_AUTHORIZED)
        } else if shared.open.load(Ordering::Relaxed) >= cfg.max_connections {
            add(&shared.counters.refused_max_connections, 1);
            tracing::info!(%peer, %local, max = cfg.max_connections, "connection refused: max-connections");
            Some(ReasonCode::SERVER_UNAVAILABLE)
        } else {
            None
        };
        let timeout = cfg.limits.connect_timeout;
        match refusal {
            Some(code) => {
                if let Ok(permit) = refusals.clone().try_acquire_owned() {
                    tokio::spawn(refuse(sock, tls.clone(), code, timeout, permit));
                }
            }
            None => {
                let guard = OpenGuard::new(shared.clone());
                tokio::spawn(serve(
                    shared.clone(),
                    sock,
                    peer,
                    local,
                    tls.clone(),
                    timeout,
                    guard,
                ));
            }
        }
    }
}

/// Counts an accepted connection against max-connections until dropped.
struct OpenGuard(Arc<Shared>);

impl OpenGuard {
    fn new(shared: Arc<Shared>) -> Self {
        shared.open.fetch_add(1, Ordering::Relaxed);
        OpenGuard(shared)
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn serve(
    shared: Arc<Shared>,
    sock: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    tls: Option<TlsAcceptor>,
    timeout: Duration,
    _guard: OpenGuard,
) {
    let (id, kick_rx) = shared.register(peer, Some(local));
    let conn = Connection::new(
        shared.clone(),
        id,
        peer,
        tokio::time::Instant::now().into_std(),
    );
    match tls {
        None => {
            let (rd, wr) = sock.into_split();
            io::run(rd, wr, conn, kick_rx).await;
        }
        Some(acceptor) => match tokio::time::timeout(timeout, acceptor.accept(sock)).await {
            Ok(Ok(stream)) => {
                let (rd, wr) = tokio::io::split(stream);
                io::run(rd, wr, conn, kick_rx).await;
            }
            Ok(Err(e)) => {
                tracing::info!(%peer, error = %e, "TLS handshake failed");
                shared.unregister(id);
            }
            Err(_) => {
                tracing::info!(%peer, "TLS handshake timed out");
                shared.unregister(id);
            }
        },
    }
}

/// Reads the client's CONNECT and answers `code` in its protocol version.
async fn refuse(
    sock: TcpStream,
    tls: Option<TlsAcceptor>,
    code: ReasonCode,
    timeout: Duration,
    _permit: OwnedSemaphorePermit,
) {
    let _ = tokio::time::timeout(timeout, async {
        match tls {
            None => refuse_on(sock, code).await,
            Some(acceptor) => {
                if let Ok(stream) = acceptor.accept(sock).await {
                    refuse_on(stream, code).await;
                }
            }
        }
    })
    .await;
}

async fn refuse_on<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    code: ReasonCode,
) {
    let mut buf = BytesMut::with_capacity(512);
    let frame = loop {
        match codec::frame_len(&buf, 64 * 1024) {
            Ok(Some(n)) => break buf.split_to(n).freeze(),
            Ok(None) => {}
            Err(_) => return,
        }
        match s.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    };
    let Ok(Packet::Connect(c)) = codec::decode(frame, codec::ProtocolVersion::V5) else {
        return;
    };
    let mut out = BytesMut::new();
    let ack = Packet::ConnAck(ConnAck {
        code,
        ..Default::default()
    });
    if codec::encode(&ack, c.version, &mut out).is_ok() {
        let _ = s.write_all(&out).await;
        let _ = s.shutdown().await;
    }
}
