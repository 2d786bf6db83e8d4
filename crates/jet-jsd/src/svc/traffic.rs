//! `openjet.traffic.v1.Traffic`: the device's simulated traffic for apps and tests
//! (OpenJET's own service), the same operations as `request interface simulate-traffic`,
//! `show simulated-traffic` and `test forwarding packet`. Thin adapters: each call checks
//! the caller's login class as the op command would be checked, converts its message
//! ([`convert`]), asks the device's firewall task and converts the reply. Refusals are
//! gRPC statuses, mapped by `status::traffic_refusal` / `status::traffic_denied`.
//!
//! Flows belong to the device, not to a client: any caller allowed to start flows may
//! stop or list any of them, as on the CLI.

mod convert;

use std::sync::Arc;

use jet_device::authorize_op;
use jet_device::op::OpInput;
use jet_proto::openjet::traffic::v1 as pb;
use pb::traffic_server::Traffic;
use tonic::{Request, Response, Status};

use super::caller;
use super::status::{traffic_denied, traffic_refusal};
use crate::Shared;

/// The op command each call stands for, for the login class check.
const START_STOP: &str = "request interface simulate-traffic";
const LIST: &str = "show simulated-traffic";
const PACKET: &str = "test forwarding packet";

pub(crate) struct TrafficSvc {
    shared: Arc<Shared>,
}

impl TrafficSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        TrafficSvc { shared }
    }
}

/// Refuses the call unless the caller's login class may run `command`.
fn authorize<T>(req: &Request<T>, command: &str) -> Result<(), Status> {
    let c = caller(req)?;
    authorize_op(c.login.class, OpInput::Cli(command)).map_err(traffic_denied)
}

#[tonic::async_trait]
impl Traffic for TrafficSvc {
    async fn flow_start(
        &self,
        req: Request<pb::FlowStartRequest>,
    ) -> Result<Response<pb::FlowStartResponse>, Status> {
        authorize(&req, START_STOP)?;
        let spec = convert::flow_spec(req.get_ref()).map_err(traffic_refusal)?;
        let pps = spec.pps;
        let flow_id = self
            .shared
            .device
            .firewall()
            .flow_start(spec)
            .await
            .map_err(traffic_refusal)?;
        Ok(Response::new(pb::FlowStartResponse { flow_id, pps }))
    }

    async fn flow_stop(
        &self,
        req: Request<pb::FlowStopRequest>,
    ) -> Result<Response<pb::FlowStopResponse>, Status> {
        authorize(&req, START_STOP)?;
        let id = convert::flow_stop(req.get_ref()).map_err(traffic_refusal)?;
        let n = self
            .shared
            .device
            .firewall()
            .flow_stop(id)
            .await
            .map_err(traffic_refusal)?;
        Ok(Response::new(pb::FlowStopResponse {
            stopped: u32::try_from(n).unwrap_or(u32::MAX),
        }))
    }

    async fn flow_list(
        &self,
        req: Request<pb::FlowListRequest>,
    ) -> Result<Response<pb::FlowListResponse>, Status> {
        authorize(&req, LIST)?;
        let flows = self
            .shared
            .device
            .firewall()
            .read(|p| p.flows.values().map(convert::flow).collect());
        Ok(Response::new(pb::FlowListResponse { flows }))
    }

    async fn packet_test(
        &self,
        req: Request<pb::PacketTestRequest>,
    ) -> Result<Response<pb::PacketTestResponse>, Status> {
        authorize(&req, PACKET)?;
        let packet = convert::packet(req.get_ref()).map_err(traffic_refusal)?;
        let trace = self
            .shared
            .device
            .firewall()
            .forward(packet)
            .await
            .map_err(traffic_refusal)?;
        Ok(Response::new(convert::trace(&trace)))
    }
}
