//! `routing.Rib`, the older JET generation's programmable RIB: RouteAdd/Modify/Update,
//! RouteRemove, RouteRemoveMatching, RouteGet and RouteMonitorRegister over the same RIB
//! task as `jnx.jet.routing.rib.Rib` (`rib.rs`).
//!
//! ```text
//!  routing.Rib/RouteAdd ─► jet_rib_wire::legacy (→ batch, legacy = true) ─► RibHandle::apply
//!  routing.Rib/RouteRemoveMatching ─► legacy_match (walk, read lock) ─► Delete batches
//!  routing.Rib/RouteGet ─► legacy::get_request ─► rib::get (the current walk) ─► entry_out
//!  routing.Rib/RouteMonitorRegister ─► rib::stream (RouteSubscribe) ─► RouteMonitorReply
//! ```
//!
//! RouteAdd/Modify/Update are registered through [`LegacyRibService`], which reads the
//! request bytes with jet-rib-wire's fast reader (`SetRequest::decode_legacy`) as
//! `rib/serve.rs` does for the current generation; every other method goes through the
//! generated server.
//!
//! The older generation has no RouteInitialize: the first call of a client on a session
//! initializes it with the default preferences, as RouteInitialize without arguments
//! would (so a client reconnecting within its purge time takes its routes back). Its
//! replies carry a `RouteOperStatus` and no message: the reason of a refusal is sent in
//! the `openjet-message` response metadata.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use jet_device::rib::jet_rib::{BatchOutcome, Defaults, RibCode, SetOp, MAX_BATCH};
use jet_proto::jnx::jet::routing::rib as pb;
use jet_proto::routing as lg;
use jet_proto::routing::rib_server::Rib;
use jet_rib_wire::legacy_match::RemoveMatching;
use jet_rib_wire::{legacy, DeleteRequest, SetRequest};
use prost::Message;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status};

use super::caller;
use super::status::{legacy_rib_status, legacy_rib_status_of, malformed, rib_task};
use crate::Shared;

pub(crate) struct LegacyRibSvc {
    shared: Arc<Shared>,
}

impl LegacyRibSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyRibSvc { shared }
    }

    /// The caller's client id and session, initialized with the RIB on first use.
    async fn who<T>(&self, req: &Request<T>) -> Result<(String, u64), Status> {
        let c = caller(req)?;
        let (client, session) = (c.client_id().to_owned(), c.session);
        let rib = self.shared.device.rib();
        if !rib.is_initialized(&client, session) {
            rib.initialize(&client, session, Defaults::from_request(None, None))
                .await
                .map_err(rib_task)?;
        }
        Ok((client, session))
    }

    /// RouteAdd/Modify/Update through the generated server (prost), used by nothing
    /// on a listener but kept complete.
    async fn set(
        &self,
        req: Request<lg::RouteUpdateRequest>,
        op: SetOp,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        self.set_decoded(req.map(|r| LegacySet(SetRequest::from_legacy(&r))), op)
            .await
    }

    /// RouteAdd/Modify/Update of a request already read into a batch. The hot path:
    /// no read of the RIB here (the RIB task initializes the client with the batch when
    /// needed), one copy of the client id, the reply built from the outcome.
    async fn set_decoded(
        &self,
        req: Request<LegacySet>,
        op: SetOp,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        let c = caller(&req)?;
        let (client, session) = (c.client_id().to_owned(), c.session);
        let LegacySet(SetRequest { entries, mut batch }) = req.into_inner();
        super::rib::resolve_profiles(&self.shared, &mut batch);
        if entries > MAX_BATCH {
            return Ok(reply(refused(
                RibCode::TooManyOps,
                format!("{entries} routes in one request (at most {MAX_BATCH})"),
            )));
        }
        let out = self
            .shared
            .device
            .rib()
            .apply_initializing(
                client,
                session,
                op,
                batch,
                Defaults::from_request(None, None),
            )
            .await
            .map_err(rib_task)?;
        Ok(reply(out))
    }
}

fn refused(code: RibCode, message: String) -> BatchOutcome {
    BatchOutcome {
        completed: 0,
        error: Some(jet_device::rib::jet_rib::EntryError {
            index: 0,
            code,
            message,
        }),
    }
}

/// A `RouteOperReply`, with the refusal's reason in the `openjet-message` metadata.
fn reply(out: BatchOutcome) -> Response<lg::RouteOperReply> {
    let status = out
        .error
        .as_ref()
        .map_or(lg::RouteOperStatus::Success, |e| legacy_rib_status(e.code));
    let mut r = Response::new(lg::RouteOperReply {
        status: status as i32,
        operations_completed: out.completed,
    });
    if let Some(e) = out.error {
        if let Ok(v) = MetadataValue::try_from(e.to_string().replace(['\r', '\n'], " ")) {
            r.metadata_mut().insert("openjet-message", v);
        }
    }
    r
}

type GetStream = Pin<Box<dyn Stream<Item = Result<lg::RouteGetReply, Status>> + Send>>;
type MonitorStream = Pin<Box<dyn Stream<Item = Result<lg::RouteMonitorReply, Status>> + Send>>;

fn get_error(code: RibCode) -> GetStream {
    let r = lg::RouteGetReply {
        status: legacy_rib_status(code) as i32,
        routes: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(r)]))
}

#[tonic::async_trait]
impl Rib for LegacyRibSvc {
    async fn route_add(
        &self,
        req: Request<lg::RouteUpdateRequest>,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        self.set(req, SetOp::Add).await
    }

    async fn route_modify(
        &self,
        req: Request<lg::RouteUpdateRequest>,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        self.set(req, SetOp::Modify).await
    }

    async fn route_update(
        &self,
        req: Request<lg::RouteUpdateRequest>,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        self.set(req, SetOp::Update).await
    }

    async fn route_remove(
        &self,
        req: Request<lg::RouteRemoveRequest>,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        let (client, session) = self.who(&req).await?;
        let DeleteRequest { entries, batch } = DeleteRequest::from_legacy(req.get_ref());
        if entries > MAX_BATCH {
            return Ok(reply(refused(
                RibCode::TooManyOps,
                format!("{entries} keys in one request (at most {MAX_BATCH})"),
            )));
        }
        let out = self
            .shared
            .device
            .rib()
            .delete(&client, session, batch)
            .await
            .map_err(rib_task)?;
        Ok(reply(out))
    }

    async fn route_remove_matching(
        &self,
        req: Request<lg::RouteRemoveMatchingRequest>,
    ) -> Result<Response<lg::RouteOperReply>, Status> {
        let (client, session) = self.who(&req).await?;
        let rib = self.shared.device.rib();
        let q = match rib.read(|r| RemoveMatching::from_legacy(r, req.get_ref())) {
            Ok(q) => q,
            Err((code, msg)) => return Ok(reply(refused(code, msg))),
        };
        // The caller's own paths that match, collected a chunk per read-lock hold.
        let Some(owner) = rib.read(|r| r.clients.find(&client)) else {
            return Ok(reply(BatchOutcome {
                completed: 0,
                error: None,
            }));
        };
        let (mut keys, mut after) = (Vec::new(), None);
        while let Some(p) = rib.read(|r| q.chunk(r, owner.0, after, &mut keys)) {
            after = Some(p);
        }
        // Removed as ordinary legacy Delete batches. A path gone in between (purged,
        // removed by another session of the client) is skipped, not an error.
        let mut removed = 0u32;
        for chunk in keys.chunks(MAX_BATCH) {
            let mut rest = chunk;
            while !rest.is_empty() {
                let out = rib
                    .delete(&client, session, q.delete_batch(rest))
                    .await
                    .map_err(rib_task)?;
                removed += out.completed;
                match out.error {
                    None => break,
                    Some(e) if e.code == RibCode::RouteNotFound => {
                        rest = rest.get(e.index as usize + 1..).unwrap_or(&[]);
                    }
                    Some(e) => {
                        return Ok(reply(BatchOutcome {
                            completed: removed,
                            error: Some(e),
                        }))
                    }
                }
            }
        }
        Ok(reply(BatchOutcome {
            completed: removed,
            error: None,
        }))
    }

    type RouteGetStream = GetStream;

    async fn route_get(
        &self,
        req: Request<lg::RouteGetRequest>,
    ) -> Result<Response<GetStream>, Status> {
        let (client, session) = self.who(&req).await?;
        let (current, bytes) = match legacy::get_request(req.get_ref()) {
            Ok(q) => q,
            Err((code, msg)) => {
                let mut r = Response::new(get_error(code));
                if let Ok(v) = MetadataValue::try_from(msg.replace(['\r', '\n'], " ")) {
                    r.metadata_mut().insert("openjet-message", v);
                }
                return Ok(r);
            }
        };
        let rib = self.shared.device.rib().clone();
        let encoded = super::rib::route_get(rib, client, session, current, bytes);
        let s = encoded.map(|m| {
            let m = m?;
            let r = pb::RouteGetResponse::decode(m.0.as_slice()).map_err(|e| malformed(&e))?;
            Ok(lg::RouteGetReply {
                status: legacy_rib_status_of(r.sub_code),
                routes: legacy::get_reply_routes(r),
            })
        });
        Ok(Response::new(Box::pin(s)))
    }

    type RouteMonitorRegisterStream = MonitorStream;

    async fn route_monitor_register(
        &self,
        req: Request<lg::RouteMonitorRegRequest>,
    ) -> Result<Response<MonitorStream>, Status> {
        let (client, session) = self.who(&req).await?;
        let r = req.into_inner();
        // The same message as RouteSubscribeRequest, field for field and value for value.
        let sub = pb::RouteSubscribeRequest {
            table_name: r
                .rt_tbl_name
                .map(|t| jet_proto::jnx::jet::routing::base::RouteTableName { name: t.name }),
            operation: r.monitor_op,
            flag: r.monitor_flag.map(|f| pb::RouteSubscribeFlags {
                request_eor: f.request_eor,
                no_eor_to_client: f.no_eor_to_client,
                request_no_withdrawal: f.request_no_withdrawal,
                request_from_eswd: f.request_from_eswd,
                request_from_mcsnoopd: f.request_from_mcsnoopd,
                request_from_vrrpd: f.request_from_vrrpd,
                request_force_re_notif: f.request_force_re_notif,
            }),
            policy: r.monitor_policy.map(|p| pb::RouteSubscribePolicy {
                policy: p.rt_monitor_policy,
            }),
            context: r.monitor_ctx,
            route_count: r.monitor_reply_route_count,
        };
        let rib = self.shared.device.rib().clone();
        let s = super::rib::route_subscribe(rib, client, session, sub).await?;
        let s = s.map(|m| {
            let m = m?;
            Ok(lg::RouteMonitorReply {
                status: legacy_rib_status_of(m.sub_code),
                monitor_ctx: m.context,
                rt_tbl_name: m.table_name.map(|t| lg::RouteTableName { name: t.name }),
                monitor_routes: m
                    .routes
                    .into_iter()
                    .map(|e| lg::RouteMonitorEntry {
                        // RouteSubscribeRouteOp and RouteMonitorRouteOp share numbers.
                        monitor_rt_op: e.operation,
                        route: e.route.map(legacy::entry_out),
                    })
                    .collect(),
            })
        });
        Ok(Response::new(Box::pin(s)))
    }
}

/// `routing.Rib` as registered on a listener: the set methods on the fast reader.
#[derive(Clone)]
pub(crate) struct LegacyRibService {
    svc: Arc<LegacyRibSvc>,
    generated: jet_proto::routing::rib_server::RibServer<LegacyRibSvc>,
}

impl LegacyRibService {
    pub(crate) fn new(svc: LegacyRibSvc) -> Self {
        let svc = Arc::new(svc);
        LegacyRibService {
            generated: jet_proto::routing::rib_server::RibServer::from_arc(svc.clone()),
            svc,
        }
    }
}

impl tonic::server::NamedService for LegacyRibService {
    const NAME: &'static str = "routing.Rib";
}

/// A legacy RouteUpdateRequest read by the fast reader.
pub(crate) struct LegacySet(SetRequest);

impl super::wire_codec::FromWire for LegacySet {
    fn from_wire(bytes: &[u8]) -> Result<Self, prost::DecodeError> {
        SetRequest::decode_legacy(bytes).map(LegacySet)
    }
}

impl super::wire_codec::ToWire for lg::RouteOperReply {
    fn to_wire(&self, dst: &mut tonic::codec::EncodeBuf<'_>) {
        // EncodeBuf grows on demand, so encoding cannot run out of room.
        let _ = self.encode(dst);
    }
}

struct SetMethod {
    svc: Arc<LegacyRibSvc>,
    op: SetOp,
}

type BoxFuture<T> = Pin<Box<dyn std::future::Future<Output = T> + Send>>;

impl tonic::server::UnaryService<LegacySet> for SetMethod {
    type Response = lg::RouteOperReply;
    type Future = BoxFuture<Result<Response<lg::RouteOperReply>, Status>>;

    fn call(&mut self, req: Request<LegacySet>) -> Self::Future {
        let (svc, op) = (self.svc.clone(), self.op);
        Box::pin(async move { svc.set_decoded(req, op).await })
    }
}

impl tower::Service<http::Request<tonic::body::Body>> for LegacyRibService {
    type Response = http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<tonic::body::Body>) -> Self::Future {
        let op = match req.uri().path() {
            "/routing.Rib/RouteAdd" => Some(SetOp::Add),
            "/routing.Rib/RouteModify" => Some(SetOp::Modify),
            "/routing.Rib/RouteUpdate" => Some(SetOp::Update),
            _ => None,
        };
        match op {
            Some(op) => {
                let svc = self.svc.clone();
                Box::pin(async move {
                    let codec =
                        super::wire_codec::WireCodec::<lg::RouteOperReply, LegacySet>::new();
                    let mut grpc = tonic::server::Grpc::new(codec);
                    Ok(grpc.unary(SetMethod { svc, op }, req).await)
                })
            }
            None => tower::Service::call(&mut self.generated, req),
        }
    }
}
