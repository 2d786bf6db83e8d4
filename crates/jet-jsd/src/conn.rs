//! One accepted client connection: the IO handed to tonic, and the session it carries.
//!
//! A JET session *is* a connection. [`Conn`] wraps the (TCP or TLS) stream; its
//! `connect_info` puts a [`ConnInfo`] into every request's extensions, which carries the
//! connection's one [`Session`] object: the gate and every handler read that same object
//! (no second lookup), and "who is calling" is [`ConnInfo::caller`], defined once here.
//! Dropping the `Conn` (hyper drops it the moment the connection ends) closes the
//! session in the device and frees its slot under `max-connections`.
//!
//! A connection holds a place among the connections that have not logged in until
//! Login gives it a session slot (see [`crate::admission`]); it is closed (reads
//! end-of-file, so hyper ends it) when it misses the setup or the login deadline. Under
//! skip-authentication every connection takes its slot at once; one over the session
//! limit is still accepted, but as *refused*: the gate answers each of its calls with
//! `RESOURCE_EXHAUSTED` and a message saying why, and the connection reads end-of-file
//! after [`REFUSED_LINGER`], so the client sees a clear error instead of a silent reset.

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use jet_device::{Login, Session, SessionId, Who};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tonic::transport::server::Connected;

use crate::admission::{Admission, Counter, Place};
use crate::cork::Corked;
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
    /// Its place among the unauthenticated, or its session slot.
    pub(crate) held: Arc<Held>,
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

/// What a connection holds against the limits: a place among the connections that
/// have not logged in, then (from Login, or from the start under skip-authentication) a
/// session slot. Shared by the connection and its calls; emptied when the connection
/// ends (which closes the session).
#[derive(Debug, Default)]
pub(crate) struct Held(Mutex<Holding>);

#[derive(Debug, Default)]
enum Holding {
    /// Kept for its `Drop` (gives the place back).
    Place { _place: Place },
    /// Kept for its `Drop` (closes the session, frees the slot).
    Session { _slot: Slot },
    #[default]
    Nothing,
}

impl Held {
    fn new(h: Holding) -> Arc<Held> {
        Arc::new(Held(Mutex::new(h)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Holding> {
        // Replaced whole, never half-written: a poisoned lock is still usable.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True once the connection holds a session slot.
    pub(crate) fn has_slot(&self) -> bool {
        matches!(*self.lock(), Holding::Session { .. })
    }

    /// Trades the place among the unauthenticated for a session slot.
    pub(crate) fn promote(&self, slot: Slot) {
        *self.lock() = Holding::Session { _slot: slot };
    }

    /// The connection ended: gives back its place or slot (closing its session).
    fn release(&self) {
        let held = std::mem::take(&mut *self.lock());
        drop(held);
    }
}

/// A boxed client stream (plain TCP or TLS over TCP).
pub(crate) trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// The HTTP/2 client connection preface (`PRI * HTTP/2.0...`): once this many bytes are
/// read, the connection is set up.
const PREFACE_LEN: usize = 24;

/// An accepted connection, as served by tonic.
pub(crate) struct Conn {
    /// The client's stream; writes go out in bursts (see `crate::cork`).
    io: Corked<Box<dyn Stream>>,
    info: ConnInfo,
    admission: Arc<Admission>,
    /// Until the HTTP/2 preface is read: when the connection is closed without it.
    setup: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Until Login succeeds: when the connection is closed without it.
    login: Option<Pin<Box<tokio::time::Sleep>>>,
    /// For refused connections: when to report end-of-file.
    linger: Option<Pin<Box<tokio::time::Sleep>>>,
    /// Bytes read so far, up to [`PREFACE_LEN`].
    read: usize,
    /// Set once a deadline closed the connection: every further read is end-of-file.
    closed: bool,
}

/// When a connection accepted at `accepted` must have done what.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadlines {
    /// TLS handshake and HTTP/2 preface.
    pub(crate) setup: tokio::time::Instant,
    /// Login; None under skip-authentication.
    pub(crate) login: Option<tokio::time::Instant>,
}

/// What admission made of a new connection.
#[derive(Debug)]
pub(crate) enum Admitted {
    /// Waiting for Login; holds its place among the unauthenticated.
    Pending(Place),
    /// A session from the start (skip-authentication), holding its slot.
    Session(Slot),
    /// Over the session limit (skip-authentication): every call is answered with this
    /// message, and the connection ends after [`REFUSED_LINGER`].
    Refused(Arc<str>),
}

impl Conn {
    pub(crate) fn new(
        io: Box<dyn Stream>,
        session: Arc<Session>,
        admitted: Admitted,
        admission: Arc<Admission>,
        deadlines: Deadlines,
    ) -> Self {
        let (held, refused) = match admitted {
            Admitted::Pending(place) => (Holding::Place { _place: place }, None),
            Admitted::Session(slot) => (Holding::Session { _slot: slot }, None),
            Admitted::Refused(why) => (Holding::Nothing, Some(why)),
        };
        let linger = refused.is_some();
        Conn {
            io: Corked::new(io),
            info: ConnInfo {
                session,
                refused,
                held: Held::new(held),
            },
            admission,
            setup: Some(Box::pin(tokio::time::sleep_until(deadlines.setup))),
            login: deadlines
                .login
                .map(|d| Box::pin(tokio::time::sleep_until(d))),
            linger: linger.then(|| Box::pin(tokio::time::sleep(REFUSED_LINGER))),
            read: 0,
            closed: false,
        }
    }

    /// True when the connection must end now (a deadline passed or it was refused);
    /// registers the timers with `cx` otherwise.
    fn must_close(&mut self, cx: &mut Context<'_>) -> bool {
        if self.closed {
            return true;
        }
        if self.read >= PREFACE_LEN {
            self.setup = None;
        }
        if self.login.is_some() && self.info.held.has_slot() {
            self.login = None;
        }
        let missed = if expired(&mut self.linger, cx) {
            None
        } else if expired(&mut self.setup, cx) {
            Some((Counter::ClosedSetup, "no HTTP/2 preface in time"))
        } else if expired(&mut self.login, cx) {
            Some((Counter::ClosedLogin, "no Login in time"))
        } else {
            return false;
        };
        if let Some((counter, why)) = missed {
            tracing::info!(peer = %self.info.peer(), why, "JET connection closed");
            self.admission.count(counter);
        }
        self.closed = true;
        true
    }
}

/// True when `timer` is set and has fired (registers it with `cx` otherwise).
fn expired(timer: &mut Option<Pin<Box<tokio::time::Sleep>>>, cx: &mut Context<'_>) -> bool {
    timer
        .as_mut()
        .is_some_and(|t| t.as_mut().poll(cx).is_ready())
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.info.held.release();
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
        if self.must_close(cx) {
            // End of file: hyper closes the connection.
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let res = Pin::new(&mut self.io).poll_read(cx, buf);
        if self.read < PREFACE_LEN {
            let n = buf.filled().len() - before;
            self.read = (self.read + n).min(PREFACE_LEN);
        }
        res
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
