//! `jnx.jet.routing.rib.Rib`: RouteInitialize, RouteCleanup, RouteAdd/Modify/Update/
//! Delete (1–1000 entries, in order, stop at the first error), RouteGet and
//! RouteSubscribe. Adapters only: form checks and conversion here (`convert`), rules
//! in `jet-rib`, state in the device's RIB task.

mod get;
mod serve;
mod stream;

pub(crate) use get::route_get;
pub(crate) use serve::RibService;
pub(crate) use stream::route_subscribe;

// The protobuf codec (fast reader, RouteGet writer, prost conversions) is its own crate.
use jet_rib_wire::{convert, decode as wire, encode};

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use jet_device::rib::jet_rib::{BatchOutcome, Defaults, InitOutcome, RibCode, SetOp, MAX_BATCH};
use jet_device::rib::RibTaskError;
use jet_proto::jnx::jet::routing::rib as pb;
use pb::rib_server::Rib;
use tonic::{Request, Response, Status};

use super::status::{entry_refusal, malformed, rib_refusal, rib_task};
use super::{caller, failure, ok_status};
use crate::Shared;

pub(crate) struct RibSvc {
    shared: Arc<Shared>,
}

impl RibSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        RibSvc { shared }
    }

    /// The caller's client id and session.
    fn who<T>(&self, req: &Request<T>) -> Result<(String, u64), Status> {
        let c = caller(req)?;
        Ok((c.client_id().to_owned(), c.session))
    }
}

fn set_reply(out: BatchOutcome) -> pb::RouteSetOperResponse {
    match out.error {
        None => pb::RouteSetOperResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
            operations_completed: out.completed,
        },
        Some(e) => {
            let (status, sub_code) = entry_refusal(&e);
            pb::RouteSetOperResponse {
                status,
                sub_code,
                operations_completed: out.completed,
            }
        }
    }
}

fn refused(code: RibCode, msg: String) -> BatchOutcome {
    BatchOutcome {
        completed: 0,
        error: Some(jet_device::rib::jet_rib::EntryError {
            index: 0,
            code,
            message: msg,
        }),
    }
}

type GetStream = Pin<Box<dyn Stream<Item = Result<pb::RouteGetResponse, Status>> + Send>>;
/// RouteGet replies already encoded (see `encode`).
type EncodedStream = Pin<Box<dyn Stream<Item = Result<encode::Encoded, Status>> + Send>>;
type SubStream = Pin<Box<dyn Stream<Item = Result<pb::RouteSubscribeResponse, Status>> + Send>>;

impl RibSvc {
    /// RouteAdd, RouteModify, RouteUpdate.
    async fn set(
        &self,
        req: Request<wire::SetRequest>,
        op: SetOp,
    ) -> Result<Response<pb::RouteSetOperResponse>, Status> {
        let (client, session) = self.who(&req)?;
        // Initialization is checked by the RIB task together with the batch: no lock is
        // taken here, so a handler never blocks a runtime thread on the writer's lock.
        let rib = self.shared.device.rib();
        let wire::SetRequest { entries, mut batch } = req.into_inner();
        if entries > MAX_BATCH {
            return Ok(Response::new(set_reply(refused(
                RibCode::TooManyOps,
                format!("{entries} routes in one request (at most {MAX_BATCH})"),
            ))));
        }
        resolve_profiles(&self.shared, &mut batch);
        let out = rib
            .apply(&client, session, op, batch)
            .await
            .map_err(rib_task)?;
        Ok(Response::new(set_reply(out)))
    }

    /// RouteDelete.
    async fn delete(
        &self,
        req: Request<wire::DeleteRequest>,
    ) -> Result<Response<pb::RouteDeleteResponse>, Status> {
        let (client, session) = self.who(&req)?;
        let rib = self.shared.device.rib();
        let wire::DeleteRequest { entries, batch } = req.into_inner();
        let out = if !rib.is_initialized(&client, session) {
            refused(
                RibCode::NotInitialized,
                format!("client '{client}' must call RouteInitialize on this connection first"),
            )
        } else if entries > MAX_BATCH {
            refused(
                RibCode::TooManyOps,
                format!("{entries} keys in one request (at most {MAX_BATCH})"),
            )
        } else {
            rib.delete(&client, session, batch)
                .await
                .map_err(rib_task)?
        };
        let r = set_reply(out);
        Ok(Response::new(pb::RouteDeleteResponse {
            status: r.status,
            sub_code: r.sub_code,
            operations_completed: r.operations_completed,
        }))
    }

    /// RouteGet, answered with encoded replies.
    fn get_encoded(
        &self,
        req: Request<pb::RouteGetRequest>,
    ) -> Result<Response<EncodedStream>, Status> {
        let (client, session) = self.who(&req)?;
        let rib = self.shared.device.rib().clone();
        // The address format the client chose in RouteInitialize.
        let bytes = rib.reply_address_bytes(&client);
        Ok(Response::new(get::route_get(
            rib,
            client,
            session,
            req.into_inner(),
            bytes,
        )))
    }
}

#[tonic::async_trait]
impl Rib for RibSvc {
    async fn route_initialize(
        &self,
        req: Request<pb::RouteInitializeRequest>,
    ) -> Result<Response<pb::RouteInitializeResponse>, Status> {
        let (client, session) = self.who(&req)?;
        let r = req.get_ref();
        let p = &r.default_preferences;
        use jet_proto::jnx::jet::common::AddressFormat;
        // Remembered per client id (like the preferences) until the next RouteInitialize;
        // replies of RouteGet and RouteSubscribe follow it.
        let bytes = match AddressFormat::try_from(r.default_response_address_format) {
            Ok(AddressFormat::AddressString) => false,
            Ok(AddressFormat::AddressBytes) => true,
            Err(_) => {
                return Ok(Response::new(pb::RouteInitializeResponse {
                    status: failure(format!(
                        "default_response_address_format {} is not ADDRESS_STRING (0) or \
                         ADDRESS_BYTES (1)",
                        r.default_response_address_format
                    )),
                    sub_code: RibCode::RequestInvalid.jet(),
                    num_client_routes: 0,
                }))
            }
        };
        let defaults = Defaults::from_request(p.get(&0).copied(), p.get(&1).copied())
            .with_address_bytes(bytes);
        let outcome = self
            .shared
            .device
            .rib()
            .initialize(&client, session, defaults)
            .await
            .map_err(rib_task)?;
        let (sub, n) = match outcome {
            InitOutcome::Fresh => (pb::StatusCode::Success, 0),
            InitOutcome::Rebound(n) => (pb::StatusCode::SuccessRebound, n),
            InitOutcome::AlreadyInitialized(n) => (pb::StatusCode::AlreadyInitialized, n),
        };
        Ok(Response::new(pb::RouteInitializeResponse {
            status: ok_status(),
            sub_code: sub as i32,
            num_client_routes: u32::try_from(n).unwrap_or(u32::MAX),
        }))
    }

    async fn route_cleanup(
        &self,
        req: Request<pb::RouteCleanupRequest>,
    ) -> Result<Response<pb::RouteCleanupResponse>, Status> {
        let (client, session) = self.who(&req)?;
        let reply = match self.shared.device.rib().cleanup(&client, session).await {
            Ok(_) => pb::RouteCleanupResponse {
                status: ok_status(),
                sub_code: pb::StatusCode::Success as i32,
            },
            Err(RibTaskError::Rib(e)) => {
                let (status, sub_code) = rib_refusal(&e);
                pb::RouteCleanupResponse { status, sub_code }
            }
            Err(e) => return Err(rib_task(e)),
        };
        Ok(Response::new(reply))
    }

    async fn route_add(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteSetOperResponse>, Status> {
        self.set(req.map(|r| wire::SetRequest::from_pb(&r)), SetOp::Add)
            .await
    }

    async fn route_modify(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteSetOperResponse>, Status> {
        self.set(req.map(|r| wire::SetRequest::from_pb(&r)), SetOp::Modify)
            .await
    }

    async fn route_update(
        &self,
        req: Request<pb::RouteUpdateRequest>,
    ) -> Result<Response<pb::RouteSetOperResponse>, Status> {
        self.set(req.map(|r| wire::SetRequest::from_pb(&r)), SetOp::Update)
            .await
    }

    async fn route_delete(
        &self,
        req: Request<pb::RouteDeleteRequest>,
    ) -> Result<Response<pb::RouteDeleteResponse>, Status> {
        self.delete(req.map(|r| wire::DeleteRequest::from_pb(&r)))
            .await
    }

    type RouteGetStream = GetStream;

    /// Listeners serve RouteGet through `serve::RibService`, which sends the encoded
    /// replies as they are; this generated-trait path decodes them again.
    async fn route_get(
        &self,
        req: Request<pb::RouteGetRequest>,
    ) -> Result<Response<GetStream>, Status> {
        use futures::StreamExt;
        use prost::Message;
        let s = self.get_encoded(req)?.into_inner().map(|m| {
            m.and_then(|e| pb::RouteGetResponse::decode(e.0.as_slice()).map_err(|e| malformed(&e)))
        });
        Ok(Response::new(Box::pin(s)))
    }

    type RouteSubscribeStream = SubStream;

    async fn route_subscribe(
        &self,
        req: Request<pb::RouteSubscribeRequest>,
    ) -> Result<Response<SubStream>, Status> {
        let (client, session) = self.who(&req)?;
        let s = stream::route_subscribe(
            self.shared.device.rib().clone(),
            client,
            session,
            req.into_inner(),
        )
        .await?;
        Ok(Response::new(s))
    }
}

/// Gateways naming a flexible tunnel profile get its FTI interface, from one snapshot of
/// the device's profiles taken only when some gateway needs it (both generations).
pub(super) fn resolve_profiles(shared: &Shared, batch: &mut jet_device::rib::jet_rib::Batch) {
    let mut set = None;
    jet_rib_wire::profiles::resolve(batch, |name| {
        set.get_or_insert_with(|| shared.device.tunnels().current())
            .profiles
            .get(name)
            .map(|p| p.interface.clone())
    });
}
