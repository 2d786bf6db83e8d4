//! Forwarding of registered APIs: a call whose path no jsd service serves, and which a
//! registration (`jet_device::registrations`) routes, is sent as it is (headers,
//! metadata, message bytes, streams in both directions, deadline) to the app's server,
//! and its answer (messages, trailers, status) comes back unchanged.
//!
//! ```text
//!  client ─► gate (auth, class, skip_authentication on TLS) ─► routes: no jsd service
//!         ─► fallback: Proxy ─► RegistrySet::route(path) ─► Upstream of the target
//!            (one HTTP/2 connection per registration, made on first use and again
//!            after it closes, TCP or unix:; hyper's SendRequest, no buffer task)
//! ```
//!
//! A target that cannot be reached answers `UNAVAILABLE` naming it
//! (`svc/status.rs` `proxy_unreachable`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::client::conn::http2::{self, SendRequest};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use jet_device::registrations::{Registration, Target};
use tonic::body::Body;
use tower::Service;

use crate::Shared;

/// How long connecting to a registered target may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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

/// One registered target's HTTP/2 connection, made on first use and again after it
/// closes. Calls share it (HTTP/2 multiplexes them) and go straight to it: hyper's
/// `SendRequest` is cloned per call, with no buffer task between a call and the
/// connection (tonic's `Channel` has one, a task hop per call on the proxy's hot path).
pub(crate) struct Upstream {
    reg: Arc<Registration>,
    /// `:authority` of forwarded requests (the target's `host:port`; `localhost` for a
    /// Unix socket).
    authority: http::uri::Authority,
    live: Mutex<Option<SendRequest<Body>>>,
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

    fn live_sender(&self) -> Option<SendRequest<Body>> {
        let live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        live.as_ref().filter(|s| !s.is_closed()).cloned()
    }

    /// The connection's sender, connecting first when there is none or it closed.
    async fn sender(&self) -> Result<SendRequest<Body>, String> {
        if let Some(s) = self.live_sender() {
            return Ok(s);
        }
        let _one = self.connecting.lock().await;
        if let Some(s) = self.live_sender() {
            return Ok(s); // another call connected while this one waited
        }
        let s = tokio::time::timeout(CONNECT_TIMEOUT, connect(&self.reg.target))
            .await
            .map_err(|_| format!("no connection within {} s", CONNECT_TIMEOUT.as_secs()))??;
        *self.live.lock().unwrap_or_else(|p| p.into_inner()) = Some(s.clone());
        Ok(s)
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
        let mut send = self.sender().await?;
        let resp = send
            .send_request(http::Request::from_parts(parts, body))
            .await
            .map_err(|e| {
                std::error::Error::source(&e).map_or_else(|| e.to_string(), |s| format!("{e}: {s}"))
            })?;
        Ok(resp.map(Body::new))
    }
}

async fn connect(target: &Target) -> Result<SendRequest<Body>, String> {
    match target {
        Target::Tcp { port, .. } => {
            let host = target.connect_host().unwrap_or("127.0.0.1");
            let s = tokio::net::TcpStream::connect((host, *port))
                .await
                .map_err(|e| format!("connect to {host}:{port}: {e}"))?;
            // Calls are small request/response exchanges: no Nagle delay.
            let _ = s.set_nodelay(true);
            handshake(TokioIo::new(s)).await
        }
        Target::Unix(path) => {
            let s = tokio::net::UnixStream::connect(path)
                .await
                .map_err(|e| format!("connect to {}: {e}", path.display()))?;
            handshake(TokioIo::new(s)).await
        }
    }
}

async fn handshake<I>(io: I) -> Result<SendRequest<Body>, String>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (send, conn) = http2::Builder::new(TokioExecutor::new())
        .timer(TokioTimer::new())
        .handshake(io)
        .await
        .map_err(|e| format!("HTTP/2 handshake: {e}"))?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection to a registered target ended");
        }
    });
    Ok(send)
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
        let upstream = self.shared.proxy.get(&reg);
        Box::pin(async move {
            let unreachable = |why: &str| {
                tracing::debug!(path, id = %reg.id, error = %why, "registered target unreachable");
                super::status::proxy_unreachable(&path, &reg.id, &reg.target_text, &why).into_http()
            };
            let upstream = match upstream {
                Ok(u) => u,
                Err(e) => return Ok(unreachable(&e)),
            };
            match upstream.forward(req.map(Body::new)).await {
                Ok(resp) => Ok(resp),
                Err(e) => Ok(unreachable(&e)),
            }
        })
    }
}
