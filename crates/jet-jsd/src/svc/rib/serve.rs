//! The `jnx.jet.routing.rib.Rib` gRPC service as registered on a listener.
//!
//! ```text
//!  /jnx.jet.routing.rib.Rib/RouteAdd|Modify|Update|Delete ─► jet_rib_wire::SetRequest/DeleteRequest
//!                                       (bytes → batch)   ─► RibSvc::set / delete
//!  /jnx.jet.routing.rib.Rib/RouteGet   ─► RibSvc::get_encoded (RIB → bytes)
//!  every other method                  ─► the generated RibServer (prost)
//! ```
//!
//! The hot methods use codecs that skip prost's per-route message objects; the
//! answers on the wire are the same. Everything else, and the generated trait methods
//! for the hot ones (used by nothing on a listener but kept complete and tested), goes
//! through the generated server.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use jet_device::rib::jet_rib::SetOp;
use jet_proto::jnx::jet::routing::rib as pb;
use pb::rib_server::RibServer;
use prost::bytes::BufMut;
use prost::Message;
use tonic::body::Body;
use tonic::codec::EncodeBuf;
use tonic::server::{Grpc, NamedService, ServerStreamingService, UnaryService};
use tonic::{Request, Response, Status};

use super::encode::Encoded;
use super::wire::{DeleteRequest, SetRequest};
use super::{EncodedStream, RibSvc};
use crate::svc::wire_codec::{FromWire, ToWire, WireCodec};

/// The Rib service with its fast paths.
#[derive(Clone)]
pub(crate) struct RibService {
    svc: Arc<RibSvc>,
    generated: RibServer<RibSvc>,
}

impl RibService {
    pub(crate) fn new(svc: RibSvc) -> Self {
        let svc = Arc::new(svc);
        RibService {
            generated: RibServer::from_arc(svc.clone()),
            svc,
        }
    }
}

impl NamedService for RibService {
    const NAME: &'static str = <RibServer<RibSvc> as NamedService>::NAME;
}

type BoxFuture = Pin<Box<dyn Future<Output = Result<http::Response<Body>, Infallible>> + Send>>;

impl tower::Service<http::Request<Body>> for RibService {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> BoxFuture {
        let op = match req.uri().path() {
            "/jnx.jet.routing.rib.Rib/RouteAdd" => Some(SetOp::Add),
            "/jnx.jet.routing.rib.Rib/RouteModify" => Some(SetOp::Modify),
            "/jnx.jet.routing.rib.Rib/RouteUpdate" => Some(SetOp::Update),
            _ => None,
        };
        let svc = self.svc.clone();
        if let Some(op) = op {
            return Box::pin(async move {
                let mut grpc = Grpc::new(WireCodec::<pb::RouteSetOperResponse, SetRequest>::new());
                Ok(grpc.unary(SetMethod { svc, op }, req).await)
            });
        }
        match req.uri().path() {
            "/jnx.jet.routing.rib.Rib/RouteDelete" => Box::pin(async move {
                let mut grpc =
                    Grpc::new(WireCodec::<pb::RouteDeleteResponse, DeleteRequest>::new());
                Ok(grpc.unary(DeleteMethod { svc }, req).await)
            }),
            "/jnx.jet.routing.rib.Rib/RouteGet" => Box::pin(async move {
                let mut grpc = Grpc::new(WireCodec::<Encoded, pb::RouteGetRequest>::new());
                Ok(grpc.server_streaming(GetMethod { svc }, req).await)
            }),
            _ => tower::Service::call(&mut self.generated, req),
        }
    }
}

struct SetMethod {
    svc: Arc<RibSvc>,
    op: SetOp,
}

type UnaryFuture<T> = Pin<Box<dyn Future<Output = Result<Response<T>, Status>> + Send>>;

impl UnaryService<SetRequest> for SetMethod {
    type Response = pb::RouteSetOperResponse;
    type Future = UnaryFuture<pb::RouteSetOperResponse>;

    fn call(&mut self, req: Request<SetRequest>) -> Self::Future {
        let (svc, op) = (self.svc.clone(), self.op);
        Box::pin(async move { svc.set(req, op).await })
    }
}

struct DeleteMethod {
    svc: Arc<RibSvc>,
}

impl UnaryService<DeleteRequest> for DeleteMethod {
    type Response = pb::RouteDeleteResponse;
    type Future = UnaryFuture<pb::RouteDeleteResponse>;

    fn call(&mut self, req: Request<DeleteRequest>) -> Self::Future {
        let svc = self.svc.clone();
        Box::pin(async move { svc.delete(req).await })
    }
}

struct GetMethod {
    svc: Arc<RibSvc>,
}

impl ServerStreamingService<pb::RouteGetRequest> for GetMethod {
    type Response = Encoded;
    type ResponseStream = EncodedStream;
    type Future = UnaryFuture<EncodedStream>;

    fn call(&mut self, req: Request<pb::RouteGetRequest>) -> Self::Future {
        let svc = self.svc.clone();
        Box::pin(async move { svc.get_encoded(req) })
    }
}

impl FromWire for SetRequest {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        SetRequest::decode(bytes)
    }
}

impl FromWire for DeleteRequest {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        DeleteRequest::decode(bytes)
    }
}

impl FromWire for pb::RouteGetRequest {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        pb::RouteGetRequest::decode(bytes)
    }
}

impl ToWire for pb::RouteSetOperResponse {
    fn to_wire(&self, dst: &mut EncodeBuf<'_>) {
        // EncodeBuf grows on demand, so encoding cannot run out of room.
        let _ = self.encode(dst);
    }
}

impl ToWire for pb::RouteDeleteResponse {
    fn to_wire(&self, dst: &mut EncodeBuf<'_>) {
        let _ = self.encode(dst);
    }
}

impl ToWire for Encoded {
    fn to_wire(&self, dst: &mut EncodeBuf<'_>) {
        dst.put_slice(&self.0);
    }
}
