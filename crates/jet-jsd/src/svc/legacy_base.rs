//! `routing.Base`, the older generation's base routing service: the caller's purge time
//! (RoutePurgeTimeConfig/Unconfig/Get) and route summaries (RouteSummaryGet), over the
//! same RIB state as `jnx.jet.routing.base.Base` (`base.rs`). Its replies carry a
//! `routing.ReturnCode` instead of a JET status.

use std::collections::HashMap;
use std::sync::Arc;

use jet_device::rib::jet_rib::{Family, PURGE_RANGE};
use jet_proto::routing as lg;
use lg::base_server::Base;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status};

use super::base::summary;
use super::caller;
use super::status::rib_task;
use crate::Shared;

pub(crate) struct LegacyBaseSvc {
    shared: Arc<Shared>,
}

impl LegacyBaseSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyBaseSvc { shared }
    }

    fn client<T>(&self, req: &Request<T>) -> Result<String, Status> {
        Ok(caller(req)?.client_id().to_owned())
    }
}

/// A reply with `message` (the reason of a refusal) in the `openjet-message` metadata.
fn with_message<T>(reply: T, message: &str) -> Response<T> {
    let mut r = Response::new(reply);
    if let Ok(v) = MetadataValue::try_from(message.replace(['\r', '\n'], " ")) {
        r.metadata_mut().insert("openjet-message", v);
    }
    r
}

fn oper(code: lg::ReturnCode) -> lg::RtOperReply {
    lg::RtOperReply {
        ret_code: code as i32,
    }
}

#[tonic::async_trait]
impl Base for LegacyBaseSvc {
    async fn route_purge_time_config(
        &self,
        req: Request<lg::RtPurgeConfigRequest>,
    ) -> Result<Response<lg::RtOperReply>, Status> {
        let client = self.client(&req)?;
        let time = req.get_ref().time;
        if !PURGE_RANGE.contains(&time) {
            return Ok(with_message(
                oper(lg::ReturnCode::RetInvalidParams),
                &format!(
                    "time {time} is out of range {}-{} seconds",
                    PURGE_RANGE.start(),
                    PURGE_RANGE.end()
                ),
            ));
        }
        self.shared
            .device
            .rib()
            .set_purge_time(&client, Some(time))
            .await
            .map_err(rib_task)?;
        Ok(Response::new(oper(lg::ReturnCode::RetSuccess)))
    }

    async fn route_purge_time_unconfig(
        &self,
        req: Request<lg::RtEmptyRequest>,
    ) -> Result<Response<lg::RtOperReply>, Status> {
        let client = self.client(&req)?;
        self.shared
            .device
            .rib()
            .set_purge_time(&client, None)
            .await
            .map_err(rib_task)?;
        Ok(Response::new(oper(lg::ReturnCode::RetSuccess)))
    }

    async fn route_purge_time_get(
        &self,
        req: Request<lg::RtEmptyRequest>,
    ) -> Result<Response<lg::RtPurgeTimeGetReply>, Status> {
        let client = self.client(&req)?;
        Ok(Response::new(lg::RtPurgeTimeGetReply {
            ret_code: lg::ReturnCode::RetSuccess as i32,
            time: self.shared.device.rib().purge_time(&client),
        }))
    }

    async fn route_summary_get(
        &self,
        req: Request<lg::RtSummaryGetRequest>,
    ) -> Result<Response<lg::RtSummaryGetResponse>, Status> {
        let me = self.client(&req)?;
        let r = req.into_inner();
        // NetworkAddressFamily has the same numbers in both generations.
        let family = match lg::NetworkAddressFamily::try_from(r.addr_family) {
            Ok(lg::NetworkAddressFamily::FamilyAny) => None,
            Ok(lg::NetworkAddressFamily::FamilyInet) => Some(Family::Inet),
            Ok(lg::NetworkAddressFamily::FamilyInet6) => Some(Family::Inet6),
            Ok(lg::NetworkAddressFamily::FamilyMpls) => Some(Family::Mpls),
            Err(_) => {
                return Ok(with_message(
                    lg::RtSummaryGetResponse {
                        ret_code: lg::ReturnCode::RetInvalidAddressFamily as i32,
                        client_rt_summary: HashMap::new(),
                    },
                    &format!("addr_family {} is invalid", r.addr_family),
                ))
            }
        };
        match summary(&self.shared, &me, r.all_clients, family, &r.instance_name) {
            Ok(rows) => {
                let map = rows
                    .into_iter()
                    .map(|(client, tables)| {
                        let list = lg::RtSummaryList {
                            rt_summary: tables
                                .into_iter()
                                .map(|(name, n)| lg::RtSummaryEntry {
                                    rt_tbl_name: Some(lg::RouteTableName { name }),
                                    primary_rt_count: n,
                                    secondary_rt_count: 0,
                                })
                                .collect(),
                        };
                        let protos = HashMap::from([("Static".to_owned(), list)]);
                        (
                            client,
                            lg::ClientRtSummary {
                                protocol_rt_summary: protos,
                            },
                        )
                    })
                    .collect();
                Ok(Response::new(lg::RtSummaryGetResponse {
                    ret_code: lg::ReturnCode::RetSuccess as i32,
                    client_rt_summary: map,
                }))
            }
            Err(inst) => Ok(with_message(
                lg::RtSummaryGetResponse {
                    ret_code: lg::ReturnCode::RetInvalidInstance as i32,
                    client_rt_summary: HashMap::new(),
                },
                &format!("routing instance '{inst}' does not exist"),
            )),
        }
    }
}
