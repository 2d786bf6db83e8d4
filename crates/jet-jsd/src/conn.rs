//! One accepted client connection: the IO handed to tonic, and the session it carries.
//!
//! A JET session *is* a connection. [`Conn`] wraps the (TCP or TLS) stream; its
//! `connect_info` puts a [`ConnInfo`] into every request's extensions, which carries the
//! connection's one [`Session`] object: the gate and every handler read that same object
//! (no second lookup), and "who is calling" is [`ConnInfo::caller`], defined once here.
//! Dropping the `Conn` (hyper drops it the moment the connection ends) closes the
//! session in the device and frees its slot under `max-connections`.
//!
//! A connection over the session limit is still accepted, but as *refused*: the gate
//! answers each of its calls with `RESOURCE_EXHAUSTED` and a message saying why, and the
//! connection reads end-of-file after [`REFUSED_LINGER`], so the client sees a clear error
//! instead of a silent reset.

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use jet_device::{Login, Session, SessionId, Who};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tonic::transport::server::Connected;

use crate::limits::Slot;

/// How long a refused connection stays open so its first call can be answered.
pub(crate) const REFUSED_LINGER: Duration = Duration::from_secs(3);

/// What every request learns about its connection.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    /// The connection's session: id, peer, transport, and the login once it succeeded.
    pub session: Arc<Session>,
    /// Set when the connection was accepted over the session limit; every call on it is
    /// answered with this message.
    pub refused: Option<Arc<str>>,
}

impl ConnInfo {
    /// The session (connection) id.
    pub fn id(&self) -> SessionId {
        self.session.id
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.session.peer
    }

    /// Who is calling: the session's login, or the stand-in identity under
    /// `skip-authentication` (treated as a super-user: the operator chose to trust every
    /// client that can reach the port; the gate lets no other caller through without a
    /// login).
    pub(crate) fn caller(&self) -> Caller {
        let login = self.session.login().unwrap_or_else(|| {
            Arc::new(Login {
                user: "anonymous".into(),
                class: jet_config::LoginClass::SuperUser,
                client_id: String::new(),
                group_id: String::new(),
                at: chrono::Utc::now(),
            })
        });
        Caller {
            session: self.session.id,
            login,
        }
    }
}

/// Who is calling, as every handler sees it.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The session the call came in on.
    pub(crate) session: SessionId,
    /// Its login (or the anonymous super-user under skip-authentication).
    pub(crate) login: Arc<Login>,
}

impl Caller {
    /// The application's identity (owner of its routes); empty for anonymous callers.
    pub(crate) fn client_id(&self) -> &str {
        &self.login.client_id
    }

    /// The key per-client state is kept under: the client id, or `session-N` for a
    /// caller without one (anonymous callers do not share state across sessions).
    pub(crate) fn client_key(&self) -> String {
        if self.login.client_id.is_empty() {
            format!("session-{}", self.session)
        } else {
            self.login.client_id.clone()
        }
    }

    /// The device's view of the caller (configuration changes, op authorization).
    pub(crate) fn who(&self) -> Who {
        Who::new(self.login.user.clone(), self.login.class, "grpc")
    }
}

/// A boxed client stream (plain TCP or TLS over TCP).
pub(crate) trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// An accepted connection, as served by tonic.
pub(crate) struct Conn {
    io: Box<dyn Stream>,
    info: ConnInfo,
    /// Keeps the session open (and its slot taken) while the connection lives.
    _slot: Option<Slot>,
    /// For refused connections: when to report end-of-file.
    linger: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Conn {
    pub(crate) fn accepted(io: Box<dyn Stream>, info: ConnInfo, slot: Slot) -> Self {
        Conn {
            io,
            info,
            _slot: Some(slot),
            linger: None,
        }
    }

    pub(crate) fn refused(io: Box<dyn Stream>, info: ConnInfo) -> Self {
        Conn {
            io,
            info,
            _slot: None,
            linger: Some(Box::pin(tokio::time::sleep(REFUSED_LINGER))),
        }
    }
}

impl Connected for Conn {
    type ConnectInfo = ConnInfo;

    fn connect_info(&self) -> ConnInfo {
        self.info.clone()
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Some(linger) = self.linger.as_mut() {
            if linger.as_mut().poll(cx).is_ready() {
                // End of file: hyper closes the connection.
                return Poll::Ready(Ok(()));
            }
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
