//! `routing.BgpRoute`, the older generation's BGP route service, over the same RIB client
//! (`bgp/<client_id>`), checks, walks and subscriptions as `jnx.jet.routing.bgp.Bgp`
//! (the parent module):
//!
//! ```text
//!  routing.BgpRoute/BgpRouteAdd ─► jet_rib_wire::legacy_bgp (→ batch, legacy = true)
//!                                   ─► BgpSvc::batch_refusal, RibHandle::apply
//!  BgpRouteGet ─► legacy_bgp::get_request ─► get::route_get (formats per request)
//!  BgpRouteMonitorRegister ─► BgpSubscriptions::subscribe (one per client, shared with
//!                             RouteSubscribe) ─► entries renamed to the legacy messages
//! ```
//!
//! Both generations share the client's BGP state: an Initialize through either binds the
//! session, Cleanup through either removes every BGP route of the client, and a client
//! has one monitor/subscribe stream whichever generation opened it. A path programmed
//! through one generation is read by both, and changed or removed only through its own
//! (REQUEST_UNSUPPORTED with the reason: neither has ROUTE_API_VERSION_MISMATCH).
//!
//! Replies carry a status and no message: a refusal's reason is sent in the
//! `openjet-message` response metadata, as `routing.Rib` does. Sub-code numbers are
//! mapped by name in `svc/status.rs`.

use std::sync::Arc;

use futures::StreamExt;
use jet_device::rib::jet_rib::{Defaults, InitOutcome, RibError, SetOp};
use jet_device::rib::RibTaskError;
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_proto::routing as lg;
use jet_proto::routing::bgp_route_server::BgpRoute;
use jet_rib_wire::legacy_bgp;
use tonic::{Request, Response, Status};

use super::{get, oper_reply, BgpSvc, GetStream, SubStream};
use crate::svc::failure;
use crate::svc::status::{
    legacy_bgp_get_status, legacy_bgp_monitor_status, legacy_bgp_oper_status, rib_task,
};
use crate::Shared;

type LegacyGetStream =
    std::pin::Pin<Box<dyn futures::Stream<Item = Result<lg::BgpRouteGetReply, Status>> + Send>>;
type LegacyMonitorStream = std::pin::Pin<
    Box<dyn futures::Stream<Item = Result<lg::BgpRouteMonitorRegisterReply, Status>> + Send>,
>;

pub(crate) struct LegacyBgpSvc {
    bgp: BgpSvc,
}

impl LegacyBgpSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyBgpSvc {
            bgp: BgpSvc::new(shared),
        }
    }

    fn shared(&self) -> &Shared {
        &self.bgp.shared
    }

    /// BgpRouteAdd/Modify/Update.
    async fn set(
        &self,
        req: Request<lg::BgpRouteUpdateRequest>,
        op: SetOp,
    ) -> Result<Response<lg::BgpRouteOperReply>, Status> {
        let (id, client, session) = self.bgp.who(&req)?;
        let routes = &req.get_ref().bgp_routes;
        if let Some(r) = self
            .bgp
            .batch_refusal(&id, &client, session, routes.len(), "bgp_routes")
        {
            return Ok(oper(r));
        }
        let (batch, form) = legacy_bgp::set_batch(routes);
        let out = self
            .shared()
            .device
            .rib()
            .apply(&client, session, op, batch)
            .await
            .map_err(rib_task)?;
        Ok(oper(oper_reply(out, form)))
    }
}

/// With the reason of a refusal in the `openjet-message` metadata.
fn with_message<T>(
    mut r: Response<T>,
    status: Option<&jet_proto::jnx::jet::common::RpcStatus>,
) -> Response<T> {
    if let Some(s) = status.filter(|s| !s.message.is_empty()) {
        let m = legacy_bgp::legacy_message(&s.message)
            .replace(
                "jnx.jet.routing.bgp.Bgp/Initialize",
                "routing.BgpRoute/BgpRouteInitialize",
            )
            .replace(['\r', '\n'], " ");
        if let Ok(v) = tonic::metadata::MetadataValue::try_from(m) {
            r.metadata_mut().insert("openjet-message", v);
        }
    }
    r
}

/// A change's reply in the legacy form.
fn oper(r: pb::RouteOperResponse) -> Response<lg::BgpRouteOperReply> {
    let reply = lg::BgpRouteOperReply {
        status: legacy_bgp_oper_status(r.sub_code),
        operations_completed: r.operations_completed,
    };
    with_message(Response::new(reply), r.status.as_ref())
}

/// The legacy form of a get stream; the first message's reason goes in the metadata
/// when the stream is a single refusal.
async fn get_stream(s: GetStream) -> Response<LegacyGetStream> {
    let mut s = s.peekable();
    let first_status = match std::pin::Pin::new(&mut s).peek().await {
        Some(Ok(m)) if m.sub_code != 0 => m.status.clone(),
        _ => None,
    };
    let out = s.map(|m| {
        m.map(|m| lg::BgpRouteGetReply {
            status: legacy_bgp_get_status(m.sub_code),
            bgp_routes: m.routes.into_iter().map(legacy_bgp::entry_out).collect(),
        })
    });
    with_message(Response::new(Box::pin(out)), first_status.as_ref())
}

/// The legacy form of a subscribe stream (see [`get_stream`] for the metadata).
async fn monitor_stream(s: SubStream) -> Response<LegacyMonitorStream> {
    use lg::bgp_route_monitor_entry::BgpRouteMonitorOper as L;
    use pb::route_subscribe_entry::RouteSubscribeOper as C;
    let mut s = s.peekable();
    let first_status = match std::pin::Pin::new(&mut s).peek().await {
        Some(Ok(m)) if m.sub_code != 0 => m.status.clone(),
        _ => None,
    };
    let out = s.map(|m| {
        m.map(|m| lg::BgpRouteMonitorRegisterReply {
            status: legacy_bgp_monitor_status(m.sub_code),
            monitor_entries: m
                .subscribe_entries
                .into_iter()
                .map(|e| lg::BgpRouteMonitorEntry {
                    operation: match C::try_from(e.operation) {
                        Ok(C::RouteUpdate) => L::RouteUpdate,
                        Ok(C::RouteDelete) => L::RouteRemove,
                        _ => L::EndOfRibs,
                    } as i32,
                    bgp_route: e.route.map(legacy_bgp::entry_out),
                })
                .collect(),
        })
    });
    with_message(Response::new(Box::pin(out)), first_status.as_ref())
}

fn single_monitor_reply(
    status: lg::bgp_route_monitor_register_reply::BgpRouteMonitorRegisterStatus,
    msg: String,
) -> Response<LegacyMonitorStream> {
    let r = lg::BgpRouteMonitorRegisterReply {
        status: status as i32,
        monitor_entries: Vec::new(),
    };
    with_message(
        Response::new(Box::pin(tokio_stream::iter([Ok(r)]))),
        failure(msg).as_ref(),
    )
}

#[tonic::async_trait]
impl BgpRoute for LegacyBgpSvc {
    async fn bgp_route_initialize(
        &self,
        req: Request<lg::BgpRouteInitializeRequest>,
    ) -> Result<Response<lg::BgpRouteInitializeReply>, Status> {
        use lg::bgp_route_initialize_reply::BgpRouteInitializeStatus as S;
        let (id, client, session) = self.bgp.who(&req)?;
        let reply = |status: S, n: u64| lg::BgpRouteInitializeReply {
            status: status as i32,
            // The IDL: "valid only when status is CLEANUP_PENDING"; the current
            // generation's num_client_routes has no place here.
            gw_n_routes: if status == S::CleanupPending {
                u32::try_from(n).unwrap_or(u32::MAX)
            } else {
                0
            },
        };
        if !self.bgp.bgp_ready() {
            return Ok(with_message(
                Response::new(reply(S::BgpNotReady, 0)),
                failure(super::NOT_CONFIGURED).as_ref(),
            ));
        }
        let rib = self.shared().device.rib();
        if rib.is_initialized(&client, session) {
            return Ok(with_message(
                Response::new(reply(S::AlreadyInitialized, 0)),
                failure(format!(
                    "client '{id}' already initialized the BGP route service on this connection"
                ))
                .as_ref(),
            ));
        }
        let outcome = rib
            .initialize(&client, session, Defaults::default())
            .await
            .map_err(rib_task)?;
        Ok(Response::new(match outcome {
            InitOutcome::Rebound(n) => reply(S::SuccessStateRebound, n),
            InitOutcome::Fresh | InitOutcome::AlreadyInitialized(_) => reply(S::Success, 0),
        }))
    }

    async fn bgp_route_cleanup(
        &self,
        req: Request<lg::BgpRouteCleanupRequest>,
    ) -> Result<Response<lg::BgpRouteCleanupReply>, Status> {
        use lg::bgp_route_cleanup_reply::BgpRouteCleanupStatus as S;
        let (id, client, session) = self.bgp.who(&req)?;
        self.shared().bgp_subs.end(&id);
        match self.shared().device.rib().cleanup(&client, session).await {
            Ok(_) => Ok(Response::new(lg::BgpRouteCleanupReply {
                status: S::Success as i32,
            })),
            Err(RibTaskError::Rib(RibError::NotInitialized { .. })) => Ok(with_message(
                Response::new(lg::BgpRouteCleanupReply {
                    status: S::NotInitialized as i32,
                }),
                failure(legacy_not_initialized(&id)).as_ref(),
            )),
            Err(e) => Err(rib_task(e)),
        }
    }

    async fn bgp_route_add(
        &self,
        req: Request<lg::BgpRouteUpdateRequest>,
    ) -> Result<Response<lg::BgpRouteOperReply>, Status> {
        self.set(req, SetOp::Add).await
    }

    async fn bgp_route_modify(
        &self,
        req: Request<lg::BgpRouteUpdateRequest>,
    ) -> Result<Response<lg::BgpRouteOperReply>, Status> {
        self.set(req, SetOp::Modify).await
    }

    async fn bgp_route_update(
        &self,
        req: Request<lg::BgpRouteUpdateRequest>,
    ) -> Result<Response<lg::BgpRouteOperReply>, Status> {
        self.set(req, SetOp::Update).await
    }

    async fn bgp_route_remove(
        &self,
        req: Request<lg::BgpRouteRemoveRequest>,
    ) -> Result<Response<lg::BgpRouteOperReply>, Status> {
        let (id, client, session) = self.bgp.who(&req)?;
        let r = req.get_ref();
        if let Some(refusal) =
            self.bgp
                .batch_refusal(&id, &client, session, r.bgp_routes.len(), "bgp_routes")
        {
            return Ok(oper(refusal));
        }
        let (batch, form) = legacy_bgp::delete_batch(&r.bgp_routes);
        let out = self
            .shared()
            .device
            .rib()
            .delete_bgp(&client, session, batch, r.or_longer)
            .await
            .map_err(rib_task)?;
        Ok(oper(oper_reply(out, form)))
    }

    type BgpRouteGetStream = LegacyGetStream;

    async fn bgp_route_get(
        &self,
        req: Request<lg::BgpRouteGetRequest>,
    ) -> Result<Response<LegacyGetStream>, Status> {
        let (id, client, session) = self.bgp.who(&req)?;
        let rib = self.shared().device.rib().clone();
        let s = match legacy_bgp::get_request(req.get_ref()) {
            Ok((q, bytes, ids)) => {
                get::route_get(rib, &id, &client, session, q, Some((bytes, ids)))
            }
            Err((code, msg)) => get::error(code, msg),
        };
        Ok(get_stream(s).await)
    }

    type BgpRouteMonitorRegisterStream = LegacyMonitorStream;

    async fn bgp_route_monitor_register(
        &self,
        req: Request<lg::BgpRouteMonitorRegisterRequest>,
    ) -> Result<Response<LegacyMonitorStream>, Status> {
        use lg::bgp_route_monitor_register_reply::BgpRouteMonitorRegisterStatus as S;
        let (id, client, session) = self.bgp.who(&req)?;
        let r = req.get_ref();
        let bytes = match jet_proto::jnx_base::AddressFormat::try_from(r.reply_address_format) {
            Ok(f) => f == jet_proto::jnx_base::AddressFormat::AddressBytes,
            Err(_) => {
                return Ok(single_monitor_reply(
                    S::AddressFormatInvalid,
                    format!(
                        "reply_address_format {} is not ADDRESS_STRING (0) or ADDRESS_BYTES (1)",
                        r.reply_address_format
                    ),
                ))
            }
        };
        let ids = match lg::RouteTableFormat::try_from(r.reply_table_format) {
            Ok(f) => f == lg::RouteTableFormat::TableId,
            Err(_) => {
                return Ok(single_monitor_reply(
                    S::TableFormatInvalid,
                    format!(
                        "reply_table_format {} is not TABLE_STRING (0) or TABLE_ID (1)",
                        r.reply_table_format
                    ),
                ))
            }
        };
        let s = self
            .shared()
            .bgp_subs
            .subscribe(
                self.shared().device.rib().clone(),
                &id,
                &client,
                session,
                r.route_count,
                Some((bytes, ids)),
            )
            .await?;
        Ok(monitor_stream(s).await)
    }

    async fn bgp_route_monitor_unregister(
        &self,
        req: Request<lg::BgpRouteMonitorUnregisterRequest>,
    ) -> Result<Response<lg::BgpRouteMonitorUnregisterReply>, Status> {
        use lg::bgp_route_monitor_unregister_reply::BgpRouteMonitorUnregisterStatus as S;
        let (id, client, session) = self.bgp.who(&req)?;
        let (status, msg) = if !self.shared().device.rib().is_initialized(&client, session) {
            (S::NotInitialized, Some(legacy_not_initialized(&id)))
        } else if self.shared().bgp_subs.end(&id) {
            (S::Success, None)
        } else {
            (S::NotRegistered, Some(not_registered(&id)))
        };
        let r = Response::new(lg::BgpRouteMonitorUnregisterReply {
            status: status as i32,
        });
        Ok(match msg {
            Some(m) => with_message(r, failure(m).as_ref()),
            None => r,
        })
    }

    async fn bgp_route_monitor_refresh(
        &self,
        req: Request<lg::BgpRouteMonitorRefreshRequest>,
    ) -> Result<Response<lg::BgpRouteMonitorRefreshReply>, Status> {
        use lg::bgp_route_monitor_refresh_reply::BgpRouteMonitorRefreshStatus as S;
        let (id, client, session) = self.bgp.who(&req)?;
        let (status, msg) = if !self.shared().device.rib().is_initialized(&client, session) {
            (S::NotInitialized, Some(legacy_not_initialized(&id)))
        } else if self.shared().bgp_subs.refresh(&id) {
            (S::Success, None)
        } else {
            (S::NotRegistered, Some(not_registered(&id)))
        };
        let r = Response::new(lg::BgpRouteMonitorRefreshReply {
            status: status as i32,
        });
        Ok(match msg {
            Some(m) => with_message(r, failure(m).as_ref()),
            None => r,
        })
    }
}

fn legacy_not_initialized(id: &str) -> String {
    format!("client '{id}' must call routing.BgpRoute/BgpRouteInitialize on this connection first")
}

fn not_registered(id: &str) -> String {
    format!("client '{id}' has no BgpRouteMonitorRegister stream")
}
