//! `jnx.jet.routing.base.Base`: the caller's purge timer and route summaries.

use std::collections::HashMap;
use std::sync::Arc;

use jet_device::rib::jet_rib::{Family, PURGE_RANGE};
use jet_proto::jnx::jet::routing::base as pb;
use pb::base_server::Base;
use tonic::{Request, Response, Status};

use super::status::rib_task;
use super::{caller, failure, ok_status};
use crate::Shared;

pub(crate) struct BaseSvc {
    shared: Arc<Shared>,
}

impl BaseSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        BaseSvc { shared }
    }

    fn client<T>(&self, req: &Request<T>) -> Result<String, Status> {
        Ok(caller(req)?.client_id().to_owned())
    }
}

#[tonic::async_trait]
impl Base for BaseSvc {
    async fn route_purge_timer_add(
        &self,
        req: Request<pb::RoutePurgeTimerAddRequest>,
    ) -> Result<Response<pb::RoutePurgeTimerAddResponse>, Status> {
        let client = self.client(&req)?;
        let time = req.get_ref().time;
        if !PURGE_RANGE.contains(&time) {
            return Ok(Response::new(pb::RoutePurgeTimerAddResponse {
                status: failure(format!(
                    "purge time {time} is out of range {}-{} seconds",
                    PURGE_RANGE.start(),
                    PURGE_RANGE.end()
                )),
                sub_code: pb::StatusCode::InvalidParams as i32,
            }));
        }
        self.shared
            .device
            .rib()
            .set_purge_time(&client, Some(time))
            .await
            .map_err(rib_task)?;
        Ok(Response::new(pb::RoutePurgeTimerAddResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
        }))
    }

    async fn route_purge_timer_delete(
        &self,
        req: Request<pb::RoutePurgeTimerDeleteRequest>,
    ) -> Result<Response<pb::RoutePurgeTimerDeleteResponse>, Status> {
        let client = self.client(&req)?;
        self.shared
            .device
            .rib()
            .set_purge_time(&client, None)
            .await
            .map_err(rib_task)?;
        Ok(Response::new(pb::RoutePurgeTimerDeleteResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
        }))
    }

    async fn route_purge_timer_get(
        &self,
        req: Request<pb::RoutePurgeTimerGetRequest>,
    ) -> Result<Response<pb::RoutePurgeTimerGetResponse>, Status> {
        let client = self.client(&req)?;
        Ok(Response::new(pb::RoutePurgeTimerGetResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
            time: self.shared.device.rib().purge_time(&client),
        }))
    }

    async fn route_summary_get(
        &self,
        req: Request<pb::RtSummaryGetRequest>,
    ) -> Result<Response<pb::RtSummaryGetResponse>, Status> {
        let me = self.client(&req)?;
        let r = req.into_inner();
        let family = match pb::NetworkAddressFamily::try_from(r.addr_family) {
            Ok(pb::NetworkAddressFamily::FamilyAny) => None,
            Ok(pb::NetworkAddressFamily::FamilyInet) => Some(Family::Inet),
            Ok(pb::NetworkAddressFamily::FamilyInet6) => Some(Family::Inet6),
            Ok(pb::NetworkAddressFamily::FamilyMpls) => Some(Family::Mpls),
            Err(_) => {
                return Ok(Response::new(pb::RtSummaryGetResponse {
                    status: failure(format!("address family {} is invalid", r.addr_family)),
                    sub_code: pb::StatusCode::InvalidAddressFamily as i32,
                    client_rt_summary: HashMap::new(),
                }))
            }
        };
        let out = summary(&self.shared, &me, r.all_clients, family, &r.instance_name).map(|rows| {
            rows.into_iter()
                .map(|(client, tables)| {
                    let entries = tables
                        .into_iter()
                        .map(|(name, n)| pb::RtSummaryEntry {
                            rt_tbl_name: Some(pb::RouteTableName { name }),
                            primary_rt_count: n,
                            secondary_rt_count: 0,
                        })
                        .collect();
                    let mut protos = HashMap::new();
                    protos.insert(
                        "Static".to_owned(),
                        pb::RtSummaryList {
                            rt_summary: entries,
                        },
                    );
                    (
                        client,
                        pb::ClientRtSummary {
                            protocol_rt_summary: protos,
                        },
                    )
                })
                .collect::<HashMap<_, _>>()
        });
        Ok(Response::new(match out {
            Ok(map) => pb::RtSummaryGetResponse {
                status: ok_status(),
                sub_code: pb::StatusCode::Success as i32,
                client_rt_summary: map,
            },
            Err(i) => pb::RtSummaryGetResponse {
                status: failure(format!("routing instance '{i}' does not exist")),
                sub_code: pb::StatusCode::InvalidInstance as i32,
                client_rt_summary: HashMap::new(),
            },
        }))
    }
}

/// One client's route counts: its name, then (table name, routes) per table.
pub(crate) type ClientSummary = (String, Vec<(String, u32)>);

/// Route counts per client (the caller only, unless `all`) and table, for RouteSummaryGet
/// of both generations: `family` None for all, `inst` empty for all instances, "master"
/// for the main one. Err(instance) when the instance does not exist.
pub(crate) fn summary(
    shared: &Shared,
    me: &str,
    all: bool,
    family: Option<Family>,
    inst: &str,
) -> Result<Vec<ClientSummary>, String> {
    shared.device.rib().read(|rib| {
        if !inst.is_empty() && inst != "master" && !rib.instances().iter().any(|i| i == inst) {
            return Err(inst.to_owned());
        }
        let mut out = Vec::new();
        for (idx, c) in rib.clients.iter() {
            if !all && c.name != me {
                continue;
            }
            let mut tables = Vec::new();
            for (tid, _, n) in rib.client_counts(idx) {
                let Some(t) = rib.table(tid) else { continue };
                let inst_ok = match (inst, &t.instance) {
                    ("", _) => true,
                    ("master", None) => true,
                    (want, Some(i)) => want == i,
                    _ => false,
                };
                if !inst_ok || family.is_some_and(|f| f != t.family) {
                    continue;
                }
                tables.push((t.name.clone(), u32::try_from(n).unwrap_or(u32::MAX)));
            }
            out.push((c.name.clone(), tables));
        }
        Ok(out)
    })
}
