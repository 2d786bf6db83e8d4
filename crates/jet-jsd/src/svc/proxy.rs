//! Forwarding of registered APIs: a call whose path no jsd service serves, and which a
//! registration (`jet_device::registrations`) routes, is sent as it is (headers,
//! metadata, message bytes, streams in both directions, deadline) to the app's server,
//! and its answer (messages, trailers, status) comes back unchanged.
//!
//! ```text
//!  client ─► gate (auth, class, skip_authentication on TLS) ─► routes: no jsd service
//!         ─► fallback: Proxy ─► RegistrySet::route(path) ─► Channel to the target
//!            (one per registration, lazily connected, HTTP/2, TCP or unix:)
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

use jet_device::registrations::{Registration, Target};
use tonic::body::Body;
use tonic::transport::{Channel, Endpoint};
use tower::{Service, ServiceExt};

use crate::Shared;

/// Channels to registered targets, by registration id; rebuilt when the registration
/// under that id changes.
#[derive(Default)]
pub(crate) struct Channels {
    by_id: Mutex<HashMap<String, (Arc<Registration>, Channel)>>,
}

impl Channels {
    fn get(&self, reg: &Arc<Registration>) -> Result<Channel, String> {
        let mut map = self.by_id.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((r, ch)) = map.get(&reg.id) {
            if Arc::ptr_eq(r, reg) {
                return Ok(ch.clone());
            }
        }
        let ch = channel(&reg.target)?;
        map.insert(reg.id.clone(), (reg.clone(), ch.clone()));
        Ok(ch)
    }
}

/// A lazily connected channel to `target`.
fn channel(target: &Target) -> Result<Channel, String> {
    match target {
        Target::Tcp { port, .. } => {
            let host = target.connect_host().unwrap_or("127.0.0.1");
            let uri = if host.contains(':') {
                format!("http://[{host}]:{port}")
            } else {
                format!("http://{host}:{port}")
            };
            let ep = Endpoint::from_shared(uri).map_err(|e| e.to_string())?;
            Ok(ep
                .connect_timeout(std::time::Duration::from_secs(5))
                .connect_lazy())
        }
        Target::Unix(path) => {
            let path = path.clone();
            // The URI is required by the endpoint; the connector dials the socket.
            let ep = Endpoint::from_static("http://localhost");
            Ok(
                ep.connect_with_connector_lazy(tower::service_fn(move |_: http::Uri| {
                    let path = path.clone();
                    async move {
                        let s = tokio::net::UnixStream::connect(path).await?;
                        Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
                    }
                })),
            )
        }
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
        let channel = self.shared.proxy.get(&reg);
        Box::pin(async move {
            let channel = match channel {
                Ok(c) => c,
                Err(e) => {
                    return Ok(super::status::proxy_unreachable(
                        &path,
                        &reg.id,
                        &reg.target_text,
                        &e,
                    )
                    .into_http())
                }
            };
            let (mut parts, body) = req.into_parts();
            // Our connection's data is not the app's business.
            parts.extensions = http::Extensions::new();
            let req = http::Request::from_parts(parts, Body::new(body));
            match channel.oneshot(req).await {
                Ok(resp) => Ok(resp),
                Err(e) => {
                    let why = std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), |s| format!("{e}: {s}"));
                    tracing::debug!(path, id = %reg.id, error = %why, "registered target unreachable");
                    Ok(
                        super::status::proxy_unreachable(&path, &reg.id, &reg.target_text, &why)
                            .into_http(),
                    )
                }
            }
        })
    }
}
