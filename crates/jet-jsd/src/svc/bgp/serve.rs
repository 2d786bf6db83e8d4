//! The `jnx.jet.routing.bgp.Bgp` gRPC service as registered on a listener.
//!
//! ```text
//!  /jnx.jet.routing.bgp.Bgp/RouteAdd|Modify|Update ─► jet_rib_wire::BgpSetRequest::decode
//!                                  (bytes → batch)  ─► BgpSvc::set
//!  every other method                               ─► the generated BgpServer (prost)
//! ```
//!
//! The change methods read the request bytes with the hand-written reader instead of
//! building prost's per-route messages; the answers on the wire are the same (the
//! reader falls back to prost and `set_batch` for anything unusual). The generated trait
//! methods for them (used by nothing on a listener but kept complete and tested) convert
//! prost's message the general way.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use jet_device::rib::jet_rib::SetOp;
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_rib_wire::BgpSetRequest;
use pb::bgp_server::BgpServer;
use prost::Message;
use tonic::body::Body;
use tonic::codec::EncodeBuf;
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::{Request, Response, Status};

use super::BgpSvc;
use crate::svc::wire_codec::{FromWire, ToWire, WireCodec};

/// The Bgp service with its fast change methods.
#[derive(Clone)]
pub(crate) struct BgpService {
    svc: Arc<BgpSvc>,
    generated: BgpServer<BgpSvc>,
}

impl BgpService {
    pub(crate) fn new(svc: BgpSvc) -> Self {
        let svc = Arc::new(svc);
        BgpService {
            generated: BgpServer::from_arc(svc.clone()),
            svc,
        }
    }
}

impl NamedService for BgpService {
    const NAME: &'static str = <BgpServer<BgpSvc> as NamedService>::NAME;
}

/// A BGP RouteUpdateRequest read by the fast reader.
pub(crate) struct BgpSet(pub(crate) BgpSetRequest);

impl FromWire for BgpSet {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        BgpSetRequest::decode(bytes).map(BgpSet)
    }
}

impl ToWire for pb::RouteOperResponse {
    fn to_wire(&self, dst: &mut EncodeBuf<'_>) {
        // EncodeBuf grows on demand, so encoding cannot run out of room.
        let _ = self.encode(dst);
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

struct SetMethod {
    svc: Arc<BgpSvc>,
    op: SetOp,
}

impl UnaryService<BgpSet> for SetMethod {
    type Response = pb::RouteOperResponse;
    type Future = BoxFuture<Result<Response<pb::RouteOperResponse>, Status>>;

    fn call(&mut self, req: Request<BgpSet>) -> Self::Future {
        let (svc, op) = (self.svc.clone(), self.op);
        Box::pin(async move { svc.set(req.map(|r| r.0), op).await })
    }
}

impl tower::Service<http::Request<Body>> for BgpService {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let op = match req.uri().path() {
            "/jnx.jet.routing.bgp.Bgp/RouteAdd" => SetOp::Add,
            "/jnx.jet.routing.bgp.Bgp/RouteModify" => SetOp::Modify,
            "/jnx.jet.routing.bgp.Bgp/RouteUpdate" => SetOp::Update,
            _ => return tower::Service::call(&mut self.generated, req),
        };
        let svc = self.svc.clone();
        Box::pin(async move {
            let mut grpc = Grpc::new(WireCodec::<pb::RouteOperResponse, BgpSet>::new());
            Ok(grpc.unary(SetMethod { svc, op }, req).await)
        })
    }
}
