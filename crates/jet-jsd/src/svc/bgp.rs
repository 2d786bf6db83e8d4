//! `jnx.jet.routing.bgp.Bgp`: Initialize, Cleanup, RouteAdd/Modify/Update/Delete (1–1000
//! entries, in order, stop at the first error), RouteGet, RouteSubscribe/Unsubscribe/
//! Refresh. Adapters only: form checks and conversion in `jet_rib_wire::bgp`, rules in
//! `jet-rib`, state in the device's RIB task. On a listener RouteAdd/Modify/Update are
//! read straight from their bytes by `jet_rib_wire::BgpSetRequest` ([`BgpService`]).
//!
//! A JET client's BGP routes belong to the RIB client `bgp/<client_id>`
//! ([`jet_device::rib::bgp_client`]), so BGP Initialize/Cleanup and the RIB service's
//! RouteInitialize/RouteCleanup do not touch each other's routes; both are purged
//! after the client's last session ends.

mod get;
pub(super) mod legacy;
mod serve;
mod stream;

pub(crate) use serve::BgpService;

pub(crate) use stream::BgpSubscriptions;

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use jet_device::rib::jet_rib::{
    BatchOutcome, Defaults, InitOutcome, RibCode, RibError, SetOp, MAX_BATCH,
};
use jet_device::rib::{bgp_client, RibTaskError};
use jet_proto::jnx::jet::common::AddressFormat;
use jet_proto::jnx::jet::routing::base::RouteTableFormat;
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_proto::jnx::jet::routing::bgp::bgp_server::Bgp;
use jet_rib_wire::bgp::{self as wire, FormError, OperCode};
use jet_rib_wire::BgpSetRequest;
use tonic::{Request, Response, Status};

use super::status::{bgp_entry_refusal, rib_task};
use super::{caller, failure, ok_status};
use crate::Shared;

pub(crate) struct BgpSvc {
    shared: Arc<Shared>,
}

type GetStream = Pin<Box<dyn Stream<Item = Result<pb::RouteGetResponse, Status>> + Send>>;
type SubStream = Pin<Box<dyn Stream<Item = Result<pb::RouteSubscribeResponse, Status>> + Send>>;

/// The message every refusal of an uninitialized client carries.
fn not_initialized_msg(client: &str) -> String {
    format!(
        "client '{client}' must call jnx.jet.routing.bgp.Bgp/Initialize on this connection first"
    )
}

const NOT_CONFIGURED: &str = "BGP is not configured on this device ([edit protocols bgp])";

impl BgpSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        BgpSvc { shared }
    }

    /// The caller's JET client id, its BGP RIB client and session.
    fn who<T>(&self, req: &Request<T>) -> Result<(String, String, u64), Status> {
        let c = caller(req)?;
        let id = c.client_id().to_owned();
        let rib_client = bgp_client(&id);
        Ok((id, rib_client, c.session))
    }

    /// BGP is configured (`protocols bgp` in the configuration in force).
    fn bgp_ready(&self) -> bool {
        self.shared.device.committed().effective.bgp().is_some()
    }

    /// RouteAdd, RouteModify, RouteUpdate, on a request already read and checked
    /// (`BgpSetRequest`: the batch up to the first entry failing its form checks).
    async fn set(
        &self,
        req: Request<BgpSetRequest>,
        op: SetOp,
    ) -> Result<Response<pb::RouteOperResponse>, Status> {
        let (id, client, session) = self.who(&req)?;
        let BgpSetRequest {
            entries,
            batch,
            form,
        } = req.into_inner();
        if let Some(r) = self.batch_refusal(&id, &client, session, entries, "routes") {
            return Ok(Response::new(r));
        }
        let out = self
            .shared
            .device
            .rib()
            .apply(&client, session, op, batch)
            .await
            .map_err(rib_task)?;
        Ok(Response::new(oper_reply(out, form)))
    }

    /// Refusals of a whole change request before any entry is looked at.
    fn batch_refusal(
        &self,
        id: &str,
        client: &str,
        session: u64,
        n: usize,
        field: &str,
    ) -> Option<pb::RouteOperResponse> {
        let (code, msg) = if !self.shared.device.rib().is_initialized(client, session) {
            (OperCode::NotInitialized, not_initialized_msg(id))
        } else if !self.bgp_ready() {
            (OperCode::BgpNotReady, NOT_CONFIGURED.to_owned())
        } else if n == 0 {
            (OperCode::NoOp, format!("the request carries no {field}"))
        } else if n > MAX_BATCH {
            (
                OperCode::TooManyOps,
                format!("{n} {field} in one request (at most {MAX_BATCH})"),
            )
        } else {
            return None;
        };
        Some(pb::RouteOperResponse {
            status: failure(msg),
            sub_code: code as i32,
            operations_completed: 0,
        })
    }
}

/// The reply to a change: the RIB's outcome, or the form error that stopped the batch
/// after the entries before it were applied.
fn oper_reply(out: BatchOutcome, form: Option<FormError>) -> pb::RouteOperResponse {
    let (status, sub_code) = match (&out.error, form) {
        // The first entry was refused by its form: the RIB saw an empty batch (NO_OP).
        (Some(e), Some((_, code, msg))) if e.code == RibCode::NoOp => (failure(msg), code as i32),
        (Some(e), _) => bgp_entry_refusal(e),
        (None, Some((_, code, msg))) => (failure(msg), code as i32),
        (None, None) => (ok_status(), OperCode::Success as i32),
    };
    pb::RouteOperResponse {
        status,
        sub_code,
        operations_completed: out.completed,
    }
}

#[tonic::async_trait]
impl Bgp for BgpSvc {
    async fn initialize(
        &self,
        req: Request<pb::InitializeRequest>,
    ) -> Result<Response<pb::InitializeResponse>, Status> {
        use pb::initialize_response::StatusCode as Code;
        let (_, client, session) = self.who(&req)?;
        let r = req.get_ref();
        let bytes = match AddressFormat::try_from(r.default_address_format) {
            Ok(f) => f == AddressFormat::AddressBytes,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "default_address_format {} is not ADDRESS_STRING (0) or ADDRESS_BYTES (1)",
                    r.default_address_format
                )))
            }
        };
        let ids = match RouteTableFormat::try_from(r.default_table_format) {
            Ok(f) => f == RouteTableFormat::TableId,
            Err(_) => {
                return Err(Status::invalid_argument(format!(
                    "default_table_format {} is not TABLE_STRING (0) or TABLE_ID (1)",
                    r.default_table_format
                )))
            }
        };
        if !self.bgp_ready() {
            return Ok(Response::new(pb::InitializeResponse {
                status: failure(NOT_CONFIGURED),
                sub_code: Code::BgpNotReady as i32,
                num_client_routes: 0,
            }));
        }
        let defaults = Defaults::default()
            .with_address_bytes(bytes)
            .with_table_ids(ids);
        let outcome = self
            .shared
            .device
            .rib()
            .initialize(&client, session, defaults)
            .await
            .map_err(rib_task)?;
        // A repeated Initialize on the same connection updates the defaults (SUCCESS).
        let (code, n) = match outcome {
            InitOutcome::Fresh | InitOutcome::AlreadyInitialized(_) => (Code::Success, 0),
            InitOutcome::Rebound(n) => (Code::SuccessStateRebound, n),
        };
        Ok(Response::new(pb::InitializeResponse {
            status: ok_status(),
            sub_code: code as i32,
            num_client_routes: u32::try_from(n).unwrap_or(u32::MAX),
        }))
    }

    async fn cleanup(
        &self,
        req: Request<pb::CleanupRequest>,
    ) -> Result<Response<pb::CleanupResponse>, Status> {
        use pb::cleanup_response::StatusCode as Code;
        let (id, client, session) = self.who(&req)?;
        self.shared.bgp_subs.end(&id);
        let reply = match self.shared.device.rib().cleanup(&client, session).await {
            Ok(_) => pb::CleanupResponse {
                status: ok_status(),
                sub_code: Code::Success as i32,
            },
            Err(RibTaskError::Rib(RibError::NotInitialized { .. })) => pb::CleanupResponse {
                status: failure(not_initialized_msg(&id)),
                sub_code: Code::NotInitialized as i32,
            },
            Err(e) => return Err(rib_task(e)),
        };
        Ok(Response::new(reply))
    }

    async fn route_add(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteOperResponse>, Status> {
        self.set(req.map(|r| BgpSetRequest::from_pb(&r)), SetOp::Add)
            .await
    }

    async fn route_modify(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteOperResponse>, Status> {
        self.set(req.map(|r| BgpSetRequest::from_pb(&r)), SetOp::Modify)
            .await
    }

    async fn route_update(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteOperResponse>, Status> {
        self.set(req.map(|r| BgpSetRequest::from_pb(&r)), SetOp::Update)
            .await
    }

    async fn route_delete(
        &self,
        req: Request<pb::RouteDeleteRequest>,
    ) -> Result<Response<pb::RouteOperResponse>, Status> {
        let (id, client, session) = self.who(&req)?;
        let r = req.get_ref();
        if let Some(refusal) = self.batch_refusal(&id, &client, session, r.routes.len(), "routes") {
            return Ok(Response::new(refusal));
        }
        let (batch, form) = wire::delete_batch(&r.routes);
        let out = self
            .shared
            .device
            .rib()
            .delete_bgp(&client, session, batch, r.or_longer)
            .await
            .map_err(rib_task)?;
        Ok(Response::new(oper_reply(out, form)))
    }

    type RouteGetStream = GetStream;

    async fn route_get(
        &self,
        req: Request<pb::RouteGetRequest>,
    ) -> Result<Response<GetStream>, Status> {
        let (id, client, session) = self.who(&req)?;
        let rib = self.shared.device.rib().clone();
        Ok(Response::new(get::route_get(
            rib,
            &id,
            &client,
            session,
            req.into_inner(),
            None,
        )))
    }

    type RouteSubscribeStream = SubStream;

    async fn route_subscribe(
        &self,
        req: Request<pb::RouteSubscribeRequest>,
    ) -> Result<Response<SubStream>, Status> {
        let (id, client, session) = self.who(&req)?;
        let s = self
            .shared
            .bgp_subs
            .subscribe(
                self.shared.device.rib().clone(),
                &id,
                &client,
                session,
                req.get_ref().route_count,
                None,
            )
            .await?;
        Ok(Response::new(s))
    }

    async fn route_unsubscribe(
        &self,
        req: Request<pb::RouteUnsubscribeRequest>,
    ) -> Result<Response<pb::RouteUnsubscribeResponse>, Status> {
        use pb::route_unsubscribe_response::StatusCode as Code;
        let (id, client, session) = self.who(&req)?;
        let (status, code) = if !self.shared.device.rib().is_initialized(&client, session) {
            (failure(not_initialized_msg(&id)), Code::NotInitialized)
        } else if self.shared.bgp_subs.end(&id) {
            (ok_status(), Code::Success)
        } else {
            (
                failure(format!("client '{id}' has no RouteSubscribe stream")),
                Code::NotSubscribed,
            )
        };
        Ok(Response::new(pb::RouteUnsubscribeResponse {
            status,
            sub_code: code as i32,
        }))
    }

    async fn route_refresh(
        &self,
        req: Request<pb::RouteRefreshRequest>,
    ) -> Result<Response<pb::RouteRefreshResponse>, Status> {
        use pb::route_refresh_response::StatusCode as Code;
        let (id, client, session) = self.who(&req)?;
        let (status, code) = if !self.shared.device.rib().is_initialized(&client, session) {
            (failure(not_initialized_msg(&id)), Code::NotInitialized)
        } else if self.shared.bgp_subs.refresh(&id) {
            (ok_status(), Code::Success)
        } else {
            (
                failure(format!("client '{id}' has no RouteSubscribe stream")),
                Code::NotSubscribed,
            )
        };
        Ok(Response::new(pb::RouteRefreshResponse {
            status,
            sub_code: code as i32,
        }))
    }
}
