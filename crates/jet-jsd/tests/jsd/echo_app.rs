//! A small app with its own gRPC API, `acme.v1.Echo`, served by a real tonic server on
//! loopback TCP or a Unix socket, and a client for it. Messages are raw bytes (a codec
//! that passes them through), so no `.proto` is needed:
//!
//! - `Say` (unary): answers `echo:<request>` plus the request's `x-trace` metadata as
//!   response metadata `x-seen`; a request `fail` answers NOT_FOUND "no such greeting";
//! - `Watch` (server streaming): answers `<request>-1`, `-2`, `-3`;
//! - `Chat` (bidirectional): answers every message upper-cased.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::{Stream, StreamExt};
use jet_sdk::raw::RawCodec;
use tonic::body::Body;
use tonic::server::{NamedService, ServerStreamingService, StreamingService, UnaryService};
use tonic::{Request, Response, Status, Streaming};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, Status>> + Send>>;

/// The app's service; `calls` counts the calls it served.
#[derive(Clone, Default)]
pub(crate) struct Echo {
    pub(crate) calls: Arc<AtomicUsize>,
}

impl NamedService for Echo {
    const NAME: &'static str = "acme.v1.Echo";
}

struct Say;
impl UnaryService<Bytes> for Say {
    type Response = Bytes;
    type Future = BoxFuture<Result<Response<Bytes>, Status>>;
    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        Box::pin(async move {
            let trace = req
                .metadata()
                .get("x-trace")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = req.into_inner();
            if &body[..] == b"fail" {
                return Err(Status::not_found("no such greeting"));
            }
            let mut out = b"echo:".to_vec();
            out.extend_from_slice(&body);
            let mut resp = Response::new(Bytes::from(out));
            if let Ok(v) = trace.parse() {
                resp.metadata_mut().insert("x-seen", v);
            }
            Ok(resp)
        })
    }
}

struct Watch;
impl ServerStreamingService<Bytes> for Watch {
    type Response = Bytes;
    type ResponseStream = BoxStream;
    type Future = BoxFuture<Result<Response<BoxStream>, Status>>;
    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        Box::pin(async move {
            let base = String::from_utf8_lossy(req.get_ref()).into_owned();
            let items: Vec<Result<Bytes, Status>> = (1..=3)
                .map(|i| Ok(Bytes::from(format!("{base}-{i}"))))
                .collect();
            Ok(Response::new(
                Box::pin(futures::stream::iter(items)) as BoxStream
            ))
        })
    }
}

struct Chat;
impl StreamingService<Bytes> for Chat {
    type Response = Bytes;
    type ResponseStream = BoxStream;
    type Future = BoxFuture<Result<Response<BoxStream>, Status>>;
    fn call(&mut self, req: Request<Streaming<Bytes>>) -> Self::Future {
        Box::pin(async move {
            let s = req
                .into_inner()
                .map(|m| m.map(|b| Bytes::from(b.to_ascii_uppercase())));
            Ok(Response::new(Box::pin(s) as BoxStream))
        })
    }
}

impl tower::Service<http::Request<Body>> for Echo {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }
    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            let mut g = tonic::server::Grpc::new(RawCodec);
            Ok(match req.uri().path() {
                "/acme.v1.Echo/Say" => g.unary(Say, req).await,
                "/acme.v1.Echo/Watch" => g.server_streaming(Watch, req).await,
                "/acme.v1.Echo/Chat" => g.streaming(Chat, req).await,
                other => Status::unimplemented(format!("app: {other}")).into_http(),
            })
        })
    }
}

/// A running app server; stops when dropped.
pub(crate) struct App {
    pub(crate) echo: Echo,
    _task: tokio_util::task::AbortOnDropHandle<()>,
}

impl App {
    /// Serves on 127.0.0.1:`port` (0: any free port); returns the app and its port.
    pub(crate) async fn tcp(port: u16) -> (App, u16) {
        let l = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind app port");
        let port = l.local_addr().expect("addr").port();
        let echo = Echo::default();
        let svc = echo.clone();
        let task = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(svc)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(l))
                .await;
        });
        (
            App {
                echo,
                _task: tokio_util::task::AbortOnDropHandle::new(task),
            },
            port,
        )
    }

    /// Serves on the Unix socket `path`.
    pub(crate) async fn unix(path: &std::path::Path) -> App {
        let l = tokio::net::UnixListener::bind(path).expect("bind app socket");
        let echo = Echo::default();
        let svc = echo.clone();
        let task = tokio::spawn(async move {
            let _ = tonic::transport::Server::builder()
                .add_service(svc)
                .serve_with_incoming(tokio_stream::wrappers::UnixListenerStream::new(l))
                .await;
        });
        App {
            echo,
            _task: tokio_util::task::AbortOnDropHandle::new(task),
        }
    }

    pub(crate) fn calls(&self) -> usize {
        self.echo.calls.load(Ordering::SeqCst)
    }
}

/// A raw client of `acme.v1.Echo` on `channel` (jsd's, or the app's directly).
pub(crate) struct EchoClient(tonic::client::Grpc<tonic::transport::Channel>);

impl EchoClient {
    pub(crate) fn new(channel: tonic::transport::Channel) -> Self {
        EchoClient(tonic::client::Grpc::new(channel))
    }

    pub(crate) async fn say(
        &mut self,
        text: &str,
        trace: Option<&str>,
    ) -> Result<Response<Bytes>, Status> {
        self.0
            .ready()
            .await
            .map_err(|e| Status::unknown(e.to_string()))?;
        let mut req = Request::new(Bytes::from(text.to_string()));
        if let Some(t) = trace {
            req.metadata_mut()
                .insert("x-trace", t.parse().expect("ascii"));
        }
        self.0
            .unary(
                req,
                http::uri::PathAndQuery::from_static("/acme.v1.Echo/Say"),
                RawCodec,
            )
            .await
    }

    pub(crate) async fn watch(&mut self, text: &str) -> Result<Vec<String>, Status> {
        self.0
            .ready()
            .await
            .map_err(|e| Status::unknown(e.to_string()))?;
        let mut s = self
            .0
            .server_streaming(
                Request::new(Bytes::from(text.to_string())),
                http::uri::PathAndQuery::from_static("/acme.v1.Echo/Watch"),
                RawCodec,
            )
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(m) = s.message().await? {
            out.push(String::from_utf8_lossy(&m).into_owned());
        }
        Ok(out)
    }

    pub(crate) async fn chat(&mut self, lines: &[&str]) -> Result<Vec<String>, Status> {
        self.0
            .ready()
            .await
            .map_err(|e| Status::unknown(e.to_string()))?;
        let items: Vec<Bytes> = lines.iter().map(|l| Bytes::from(l.to_string())).collect();
        let mut s = self
            .0
            .streaming(
                Request::new(futures::stream::iter(items)),
                http::uri::PathAndQuery::from_static("/acme.v1.Echo/Chat"),
                RawCodec,
            )
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(m) = s.message().await? {
            out.push(String::from_utf8_lossy(&m).into_owned());
        }
        Ok(out)
    }
}
