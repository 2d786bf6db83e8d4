//! `jnx.jet.firewall.Firewall`: thin adapters. Each call converts its message
//! ([`convert`]), sends one request to the device's firewall task on behalf of the
//! caller (its client id owns what it creates), and answers the task's reply; refusals
//! are mapped by `status::firewall_refusal`.

mod convert;

use std::sync::Arc;

use jet_device::firewall::{FirewallError, FwOp, FwReply};
use jet_proto::jnx::jet::common::RpcStatus;
use jet_proto::jnx::jet::firewall as pb;
use pb::firewall_server::Firewall;
use tonic::{Request, Response, Status};

use super::status::firewall_refusal;
use super::{caller, ok_status};
use crate::Shared;

pub(crate) struct FirewallSvc {
    shared: Arc<Shared>,
}

impl FirewallSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        FirewallSvc { shared }
    }

    /// Runs `op` (or the conversion's refusal) for the caller: status, sub-code, reply.
    async fn run<T>(
        &self,
        req: &Request<T>,
        op: Result<FwOp, FirewallError>,
    ) -> Result<(Option<RpcStatus>, i32, Option<FwReply>), Status> {
        let who = caller(req)?;
        let out = match op {
            Ok(op) => {
                self.shared
                    .device
                    .firewall()
                    .call(&who.client_key(), who.session, op)
                    .await
            }
            Err(e) => Err(e),
        };
        match out {
            Ok(r) => Ok((ok_status(), 0, Some(r))),
            Err(e) => {
                let (status, code) = firewall_refusal(e)?;
                Ok((status, code, None))
            }
        }
    }
}

fn count(r: &Option<FwReply>) -> (u64, u64) {
    match r {
        Some(FwReply::Count(c)) => (c.bytes, c.packets),
        _ => (0, 0),
    }
}

#[tonic::async_trait]
impl Firewall for FirewallSvc {
    async fn filter_add(
        &self,
        req: Request<pb::FilterAddRequest>,
    ) -> Result<Response<pb::FilterAddResponse>, Status> {
        let r = req.get_ref();
        let op = convert::filter_type(&r.name, r.r#type, r.flag, true)
            .and_then(|()| convert::family("family", r.family))
            .and_then(|family| {
                Ok(FwOp::FilterAdd {
                    name: r.name.clone(),
                    family,
                    terms: convert::terms(&r.name, family, &r.terms_list)?,
                })
            });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterAddResponse { status, sub_code }))
    }

    async fn filter_delete(
        &self,
        req: Request<pb::FilterDeleteRequest>,
    ) -> Result<Response<pb::FilterDeleteResponse>, Status> {
        let r = req.get_ref();
        let op = convert::family("family", r.family).map(|family| FwOp::FilterDelete {
            name: r.name.clone(),
            family,
        });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterDeleteResponse { status, sub_code }))
    }

    async fn filter_modify(
        &self,
        req: Request<pb::FilterModifyRequest>,
    ) -> Result<Response<pb::FilterModifyResponse>, Status> {
        let r = req.get_ref();
        let op = convert::filter_type(&r.name, r.r#type, r.flag, false)
            .and_then(|()| convert::family("family", r.family))
            .and_then(|family| {
                Ok(FwOp::FilterModify {
                    name: r.name.clone(),
                    family,
                    ops: convert::term_ops(&r.name, family, &r.terms_list)?,
                })
            });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterModifyResponse { status, sub_code }))
    }

    async fn filter_bind_add(
        &self,
        req: Request<pb::FilterObjBindAddRequest>,
    ) -> Result<Response<pb::FilterBindAddResponse>, Status> {
        let r = req.get_ref();
        let op = convert::binding(
            r.filter.as_ref(),
            r.obj_type,
            r.bind_object.as_ref(),
            r.bind_direction,
            r.bind_family,
        )
        .map(|(name, family, binding)| FwOp::BindAdd {
            name,
            family,
            binding,
        });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterBindAddResponse {
            status,
            sub_code,
        }))
    }

    async fn filter_bind_delete(
        &self,
        req: Request<pb::FilterObjBindDeleteRequest>,
    ) -> Result<Response<pb::FilterBindDeleteResponse>, Status> {
        let r = req.get_ref();
        let op = convert::binding(
            r.filter.as_ref(),
            r.obj_type,
            r.bind_object.as_ref(),
            r.bind_direction,
            r.bind_family,
        )
        .map(|(name, family, binding)| FwOp::BindDelete {
            name,
            family,
            binding,
        });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterBindDeleteResponse {
            status,
            sub_code,
        }))
    }

    async fn policer_add(
        &self,
        req: Request<pb::PolicerAddRequest>,
    ) -> Result<Response<pb::PolicerAddResponse>, Status> {
        let r = req.get_ref();
        let op =
            convert::policer(&r.name, r.r#type, r.flag, r.params.as_ref()).map(FwOp::PolicerAdd);
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::PolicerAddResponse { status, sub_code }))
    }

    async fn policer_modify(
        &self,
        req: Request<pb::PolicerModifyRequest>,
    ) -> Result<Response<pb::PolicerModifyResponse>, Status> {
        let r = req.get_ref();
        let op =
            convert::policer(&r.name, r.r#type, r.flag, r.params.as_ref()).map(FwOp::PolicerModify);
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::PolicerModifyResponse {
            status,
            sub_code,
        }))
    }

    async fn policer_delete(
        &self,
        req: Request<pb::PolicerDeleteRequest>,
    ) -> Result<Response<pb::PolicerDeleteResponse>, Status> {
        let op = Ok(FwOp::PolicerDelete(req.get_ref().name.clone()));
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::PolicerDeleteResponse {
            status,
            sub_code,
        }))
    }

    async fn filter_counter_get(
        &self,
        req: Request<pb::FilterCounterGetRequest>,
    ) -> Result<Response<pb::FilterCounterGetResponse>, Status> {
        let r = req.get_ref();
        let op = Ok(FwOp::CounterGet {
            filter: r.filter_name.clone(),
            counter: r.counter_name.clone(),
            policer: false,
        });
        let counter_name = r.counter_name.clone();
        let (status, sub_code, reply) = self.run(&req, op).await?;
        let (bytes, packets) = count(&reply);
        Ok(Response::new(pb::FilterCounterGetResponse {
            status,
            sub_code,
            counter_name,
            bytes,
            packets,
        }))
    }

    async fn policer_counter_get(
        &self,
        req: Request<pb::PolicerCounterGetRequest>,
    ) -> Result<Response<pb::PolicerCounterGetResponse>, Status> {
        let r = req.get_ref();
        let op = Ok(FwOp::CounterGet {
            filter: r.filter_name.clone(),
            counter: r.counter_name.clone(),
            policer: true,
        });
        let counter_name = r.counter_name.clone();
        let (status, sub_code, reply) = self.run(&req, op).await?;
        let (bytes, packets) = count(&reply);
        Ok(Response::new(pb::PolicerCounterGetResponse {
            status,
            sub_code,
            counter_name,
            bytes,
            packets,
        }))
    }

    async fn filter_counter_set(
        &self,
        req: Request<pb::FilterCounterSetRequest>,
    ) -> Result<Response<pb::FilterCounterSetResponse>, Status> {
        let r = req.get_ref();
        let op = Ok(FwOp::CounterClear {
            filter: r.filter_name.clone(),
            counter: r.counter_name.clone(),
            policer: false,
        });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FilterCounterSetResponse {
            status,
            sub_code,
        }))
    }

    async fn policer_counter_set(
        &self,
        req: Request<pb::PolicerCounterSetRequest>,
    ) -> Result<Response<pb::PolicerCounterSetResponse>, Status> {
        let r = req.get_ref();
        let op = Ok(FwOp::CounterClear {
            filter: r.filter_name.clone(),
            counter: r.counter_name.clone(),
            policer: true,
        });
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::PolicerCounterSetResponse {
            status,
            sub_code,
        }))
    }

    async fn filters_purge_timer_add(
        &self,
        req: Request<pb::FiltersPurgeTimerAddRequest>,
    ) -> Result<Response<pb::FiltersPurgeTimerAddResponse>, Status> {
        let op = Ok(FwOp::PurgeTimerSet(Some(req.get_ref().time)));
        let (status, sub_code, _) = self.run(&req, op).await?;
        Ok(Response::new(pb::FiltersPurgeTimerAddResponse {
            status,
            sub_code,
        }))
    }

    async fn filters_purge_timer_delete(
        &self,
        req: Request<pb::FiltersPurgeTimerDeleteRequest>,
    ) -> Result<Response<pb::FiltersPurgeTimerDeleteResponse>, Status> {
        let (status, sub_code, _) = self.run(&req, Ok(FwOp::PurgeTimerSet(None))).await?;
        Ok(Response::new(pb::FiltersPurgeTimerDeleteResponse {
            status,
            sub_code,
        }))
    }

    async fn filters_purge_timer_get(
        &self,
        req: Request<pb::FiltersPurgeTimerGetRequest>,
    ) -> Result<Response<pb::FiltersPurgeTimerGetResponse>, Status> {
        let (status, sub_code, reply) = self.run(&req, Ok(FwOp::PurgeTimerGet)).await?;
        let time = match reply {
            Some(FwReply::PurgeTime(t)) => t,
            _ => 0,
        };
        Ok(Response::new(pb::FiltersPurgeTimerGetResponse {
            status,
            sub_code,
            time,
        }))
    }
}
