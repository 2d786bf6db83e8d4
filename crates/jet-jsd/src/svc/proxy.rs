//! Forwarding of registered APIs: a call whose path no jsd service serves, and which a
//! registration (`jet_device::registrations`) routes, is sent as it is (headers,
//! metadata, message bytes, streams in both directions, deadline) to the app's server,
//! and its answer (messages, trailers, status) comes back unchanged.
//!
//! ```text
//!  client ─► gate (auth, class, skip_authentication on TLS; the route it found)
//!         ─► forward ─► Upstream of the registration's target
//!            (one HTTP/2 connection per registration, made on first use and again
//!            after it closes, TCP or unix:; driven with h2 directly)
//!  per call, in the call's own task: HEADERS ─► request body pumped (a task of its own
//!  only while the client is still sending) ─► response head ─► Reply body
//! ```
//!
//! Calls not routed by the gate (a registration made between the gate and the routes)
//! reach the same forwarding through the routes' fallback, [`Proxy`].
//!
//! A target that cannot be reached answers `UNAVAILABLE` naming it
//! (`svc/status.rs` `proxy_unreachable`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use h2::client::SendRequest;
use h2::{RecvStream, SendStream};
use http_body::{Body as _, Frame};
use jet_device::registrations::{Registration, Target};
use tonic::body::Body;
use tower::Service;

use crate::cork::Corked;
use crate::Shared;

/// How long connecting to a registered target may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// HTTP/2 settings of the connections to targets: hyper's client defaults, which this
/// proxy used before it drove h2 itself (windows large enough that a streamed answer
/// is not held back by flow control between jsd and the app).
const STREAM_WINDOW: u32 = 2 * 1024 * 1024;
const CONNECTION_WINDOW: u32 = 5 * 1024 * 1024;
const MAX_FRAME_SIZE: u32 = 16 * 1024;
const MAX_SEND_BUFFER: usize = 1024 * 1024;
const MAX_HEADER_LIST: u32 = 16 * 1024;

/// Connections to registered targets, by registration id; replaced when the
/// registration under that id changes.
#[derive(Default)]
pub(crate) struct Channels {
    by_id: Mutex<HashMap<String, Arc<Upstream>>>,
}

impl Channels {
    fn get(&self, reg: &Arc<Registration>) -> Result<Arc<Upstream>, String> {
        let mut map = self.by_id.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(u) = map.get(&reg.id) {
            if Arc::ptr_eq(&u.reg, reg) {
                return Ok(u.clone());
            }
        }
        let u = Arc::new(Upstream::new(reg.clone())?);
        map.insert(reg.id.clone(), u.clone());
        Ok(u)
    }
}

/// A live connection to a target: h2's handle, and a flag its connection task sets when
/// the connection ends.
#[derive(Clone)]
struct Live {
    send: SendRequest<Bytes>,
    closed: Arc<AtomicBool>,
}

/// One registered target's HTTP/2 connection, made on first use and again after it
/// closes. Calls share it (HTTP/2 multiplexes them) and go straight to it: h2's
/// `SendRequest` is cloned per call and used from the call's own task, so a call costs
/// no task hop to a dispatcher and no task of its own for its answer (hyper's client
/// spends both per request).
pub(crate) struct Upstream {
    reg: Arc<Registration>,
    /// `:authority` of forwarded requests (the target's `host:port`; `localhost` for a
    /// Unix socket).
    authority: http::uri::Authority,
    live: Mutex<Option<Live>>,
    /// Held while connecting, so that concurrent first calls make one connection.
    connecting: tokio::sync::Mutex<()>,
}

impl Upstream {
    fn new(reg: Arc<Registration>) -> Result<Upstream, String> {
        let authority = match &reg.target {
            Target::Tcp { port, .. } => {
                let host = reg.target.connect_host().unwrap_or("127.0.0.1");
                if host.contains(':') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                }
            }
            Target::Unix(_) => "localhost".to_owned(),
        };
        let authority = authority
            .parse()
            .map_err(|e| format!("target address '{authority}': {e}"))?;
        Ok(Upstream {
            reg,
            authority,
            live: Mutex::new(None),
            connecting: tokio::sync::Mutex::new(()),
        })
    }

    fn live_sender(&self) -> Option<Live> {
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.as_ref()
            .filter(|l| !l.closed.load(Ordering::Acquire))
            .cloned()
    }

    /// The connection, connecting first when there is none or it closed.
    async fn sender(&self) -> Result<Live, String> {
        if let Some(l) = self.live_sender() {
            return Ok(l);
        }
        let _one = self.connecting.lock().await;
        if let Some(l) = self.live_sender() {
            return Ok(l); // another call connected while this one waited
        }
        let l = tokio::time::timeout(CONNECT_TIMEOUT, connect(&self.reg.target))
            .await
            .map_err(|_| format!("no connection within {} s", CONNECT_TIMEOUT.as_secs()))??;
        *self.live.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.clone());
        Ok(l)
    }

    /// Forwards one call: the request as it came (path, headers, metadata, body
    /// stream), addressed to the target.
    async fn forward(&self, req: http::Request<Body>) -> Result<http::Response<Body>, String> {
        let (mut parts, body) = req.into_parts();
        let mut uri = std::mem::take(&mut parts.uri).into_parts();
        uri.scheme = Some(http::uri::Scheme::HTTP);
        uri.authority = Some(self.authority.clone());
        parts.uri = http::Uri::from_parts(uri).map_err(|e| format!("request URI: {e}"))?;
        // Our connection's data is not the app's business.
        parts.extensions = http::Extensions::new();
        let live = self.sender().await?;
        let gone = |e: h2::Error| {
            if e.is_go_away() || e.is_io() {
                live.closed.store(true, Ordering::Release);
            }
            h2_text(&e)
        };
        let mut send = live.send.clone().ready().await.map_err(gone)?;
        let eos = body.is_end_stream();
        let (response, tx) = send
            .send_request(http::Request::from_parts(parts, ()), eos)
            .map_err(gone)?;
        if !eos {
            pump(Pump {
                body,
                tx,
                credit: OPENING_CREDIT,
                next: None,
            })
            .await;
        }
        let resp = response.await.map_err(gone)?;
        Ok(resp.map(|recv| Body::new(Reply::new(recv))))
    }
}

/// An h2 error as the `UNAVAILABLE` message shows it.
fn h2_text(e: &h2::Error) -> String {
    std::error::Error::source(e).map_or_else(|| e.to_string(), |s| format!("{e}: {s}"))
}

async fn connect(target: &Target) -> Result<Live, String> {
    match target {
        Target::Tcp { port, .. } => {
            let host = target.connect_host().unwrap_or("127.0.0.1");
            let s = tokio::net::TcpStream::connect((host, *port))
                .await
                .map_err(|e| format!("connect to {host}:{port}: {e}"))?;
            // Calls are small request/response exchanges: no Nagle delay.
            let _ = s.set_nodelay(true);
            handshake(Corked::new(s)).await
        }
        Target::Unix(path) => {
            let s = tokio::net::UnixStream::connect(path)
                .await
                .map_err(|e| format!("connect to {}: {e}", path.display()))?;
            handshake(Corked::new(s)).await
        }
    }
}

async fn handshake<I>(io: I) -> Result<Live, String>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (send, conn) = h2::client::Builder::new()
        .initial_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONNECTION_WINDOW)
        .max_frame_size(MAX_FRAME_SIZE)
        .max_send_buffer_size(MAX_SEND_BUFFER)
        .max_header_list_size(MAX_HEADER_LIST)
        .enable_push(false)
        .handshake::<_, Bytes>(io)
        .await
        .map_err(|e| format!("HTTP/2 handshake: {}", h2_text(&e)))?;
    let closed = Arc::new(AtomicBool::new(false));
    let flag = closed.clone();
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection to a registered target ended");
        }
        flag.store(true, Ordering::Release);
    });
    Ok(Live { send, closed })
}

/// Bytes of a request body sent before h2 has given the stream any capacity: h2 gives
/// none until the connection task has opened the stream, so waiting for it would make
/// every call's message wait for that task. Every HTTP/2 peer accepts this much on a new
/// stream (the protocol's initial window), so buffering it holds no more than the
/// target will take at once anyway.
const OPENING_CREDIT: usize = 65_535;

/// Sends a request's body (messages, then end of stream or trailers) to the target, with
/// h2's flow control as back-pressure on the client.
struct Pump {
    body: Body,
    tx: SendStream<Bytes>,
    /// What may still be sent without capacity (see [`OPENING_CREDIT`]).
    credit: usize,
    /// A frame read ahead of its turn (see `poll`).
    next: Option<Option<Result<Frame<Bytes>, tonic::Status>>>,
}

impl Future for Pump {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            // Room for at least one more frame before reading the client further.
            this.tx.reserve_capacity(1);
            if this.tx.capacity() == 0 && this.credit == 0 {
                loop {
                    match ready!(this.tx.poll_capacity(cx)) {
                        Some(Ok(0)) => {}
                        Some(Ok(_)) => break,
                        // The stream or the connection is gone: nothing left to send.
                        Some(Err(_)) | None => return Poll::Ready(()),
                    }
                }
            } else if this.tx.poll_reset(cx).is_ready() {
                return Poll::Ready(()); // the app reset the stream
            }
            let frame = match this.next.take() {
                Some(f) => f,
                None => ready!(Pin::new(&mut this.body).poll_frame(cx)),
            };
            match frame {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        if this.tx.capacity() == 0 {
                            this.credit = this.credit.saturating_sub(data.len());
                        } else {
                            this.credit = 0; // the stream is open: capacity from now on
                        }
                        let mut eos = this.body.is_end_stream();
                        if !eos {
                            // Clients often end a stream with an empty DATA frame right
                            // behind the last message: one frame to the app instead of two.
                            match Pin::new(&mut this.body).poll_frame(cx) {
                                Poll::Ready(None) => eos = true,
                                Poll::Ready(Some(Ok(f)))
                                    if f.data_ref().is_some_and(|d| d.is_empty())
                                        && this.body.is_end_stream() =>
                                {
                                    eos = true
                                }
                                Poll::Ready(f) => this.next = Some(f),
                                Poll::Pending => {}
                            }
                        }
                        if this.tx.send_data(data, eos).is_err() || eos {
                            return Poll::Ready(());
                        }
                    }
                    Err(frame) => {
                        if let Ok(trailers) = frame.into_trailers() {
                            let _ = this.tx.send_trailers(trailers);
                            return Poll::Ready(());
                        }
                    }
                },
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "client request body ended with an error");
                    this.tx.send_reset(h2::Reason::CANCEL);
                    return Poll::Ready(());
                }
                None => {
                    let _ = this.tx.send_data(Bytes::new(), true);
                    return Poll::Ready(());
                }
            }
        }
    }
}

/// Runs `pump` here as far as it goes without waiting (a unary call's one message has
/// usually arrived with its headers); what is left runs on a task of its own, so that
/// the client's stream keeps flowing while the answer streams back.
async fn pump(mut pump: Pump) {
    let done =
        std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut pump).poll(cx).is_ready())).await;
    if !done {
        tokio::spawn(pump);
    }
}

/// The target's answer as the client's response body: its messages (flow-control
/// capacity given back as they are taken), then its trailers.
struct Reply {
    recv: RecvStream,
    data_done: bool,
    done: bool,
}

impl Reply {
    fn new(recv: RecvStream) -> Self {
        Reply {
            recv,
            data_done: false,
            done: false,
        }
    }
}

impl http_body::Body for Reply {
    type Data = Bytes;
    type Error = h2::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, h2::Error>>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if !this.data_done {
            match ready!(this.recv.poll_data(cx)) {
                Some(Ok(data)) => {
                    let _ = this.recv.flow_control().release_capacity(data.len());
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                None => this.data_done = true,
            }
        }
        let trailers = ready!(this.recv.poll_trailers(cx));
        this.done = true;
        match trailers {
            Ok(Some(t)) => Poll::Ready(Some(Ok(Frame::trailers(t)))),
            Ok(None) => Poll::Ready(None),
            Err(e) => Poll::Ready(Some(Err(e))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || self.recv.is_end_stream()
    }
}

/// Forwards a call routed to the registration `reg`; a target that cannot be reached
/// answers `UNAVAILABLE` naming it.
pub(crate) async fn forward(
    shared: &Shared,
    reg: &Arc<Registration>,
    req: http::Request<Body>,
) -> http::Response<Body> {
    // Kept for the error message only (a clone of the URI's shared bytes).
    let uri = req.uri().clone();
    let path = uri.path();
    let unreachable = |why: &str| {
        tracing::debug!(path, id = %reg.id, error = %why, "registered target unreachable");
        super::status::proxy_unreachable(path, &reg.id, &reg.target_text, &why).into_http()
    };
    let upstream = match shared.proxy.get(reg) {
        Ok(u) => u,
        Err(e) => return unreachable(&e),
    };
    match upstream.forward(req).await {
        Ok(resp) => resp,
        Err(e) => unreachable(&e),
    }
}

/// The routes' fallback: forwards registered calls, `UNIMPLEMENTED` otherwise.
#[derive(Clone)]
pub(crate) struct Proxy {
    shared: Arc<Shared>,
}

impl Proxy {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Proxy { shared }
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<B> Service<http::Request<B>> for Proxy
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let path = req.uri().path().to_string();
        let route = self
            .shared
            .device
            .registrations()
            .current()
            .route(&path)
            .cloned();
        let Some(route) = route else {
            let st =
                tonic::Status::unimplemented(format!("{path}: no such gRPC method on this device"));
            return Box::pin(async move { Ok(st.into_http()) });
        };
        let reg = route.registration;
        let shared = self.shared.clone();
        Box::pin(async move { Ok(forward(&shared, &reg, req.map(Body::new)).await) })
    }
}
