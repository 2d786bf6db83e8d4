//! `jnx.jet.interfaces.Interfaces` (dcd): thin adapters. Each call converts its message
//! ([`convert`]), sends one request to the device's interfaces task on behalf of the
//! caller (its client id owns what it configures; see `jet_device::ifd::api`), and
//! answers the reply; refusals are mapped by `status::interfaces_refusal`.

mod convert;

use std::sync::Arc;

use jet_device::ifd::api::{IfApiError, IfApiOp, IfApiReply};
use jet_proto::jnx::jet::interfaces as pb;
use pb::interfaces_server::Interfaces;
use tonic::{Request, Response, Status};

use self::convert::Obj;
use super::status::interfaces_refusal;
use super::{caller, ok_status};
use crate::Shared;

pub(crate) struct InterfacesSvc {
    shared: Arc<Shared>,
}

/// The sub-code numbering of one RPC's `StatusCode` enum (by the contract's names).
type Numbering = fn(&str) -> Option<i32>;

fn add_codes(name: &str) -> Option<i32> {
    pb::interface_add_response::StatusCode::from_str_name(name).map(|c| c as i32)
}
fn update_codes(name: &str) -> Option<i32> {
    pb::interface_update_response::StatusCode::from_str_name(name).map(|c| c as i32)
}
fn delete_codes(name: &str) -> Option<i32> {
    pb::interface_delete_response::StatusCode::from_str_name(name).map(|c| c as i32)
}
fn get_codes(name: &str) -> Option<i32> {
    pb::interface_get_response::StatusCode::from_str_name(name).map(|c| c as i32)
}
fn permission_codes(name: &str) -> Option<i32> {
    pb::interface_unit_permissions_get_response::StatusCode::from_str_name(name).map(|c| c as i32)
}

/// status, sub-code, reply.
type Outcome = (
    Option<jet_proto::jnx::jet::common::RpcStatus>,
    i32,
    Option<IfApiReply>,
);

impl InterfacesSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        InterfacesSvc { shared }
    }

    /// Runs `op` (or the conversion's refusal) for the caller.
    async fn run<T>(
        &self,
        req: &Request<T>,
        op: Result<IfApiOp, IfApiError>,
        codes: Numbering,
    ) -> Result<Outcome, Status> {
        let who = caller(req)?;
        let out = match op {
            Ok(op) => {
                self.shared
                    .device
                    .interfaces_api(&who.client_key(), who.session, op)
                    .await
            }
            Err(e) => Err(e),
        };
        match out {
            Ok(r) => Ok((ok_status(), 0, Some(r))),
            Err(e) => {
                let (status, code) = interfaces_refusal(e, codes)?;
                Ok((status, code, None))
            }
        }
    }
}

#[tonic::async_trait]
impl Interfaces for InterfacesSvc {
    async fn interface_add(
        &self,
        req: Request<pb::InterfaceAddRequest>,
    ) -> Result<Response<pb::InterfaceAddResponse>, Status> {
        use pb::interface_add_request::InterfaceObject as O;
        let r = req.get_ref();
        let obj = r.interface_object.as_ref().map(|o| match o {
            O::Interfaces(c) => Obj::Interface(c),
            O::Unit(c) => Obj::Unit(c),
            O::Family(c) => Obj::Family(c),
            O::Address(c) => Obj::Address(c),
            O::Arp(c) => Obj::Arp(c),
        });
        let op = convert::object(r.r#type, obj)?.map(IfApiOp::Add);
        let (status, sub_code, _) = self.run(&req, op, add_codes).await?;
        Ok(Response::new(pb::InterfaceAddResponse { status, sub_code }))
    }

    async fn interface_update(
        &self,
        req: Request<pb::InterfaceUpdateRequest>,
    ) -> Result<Response<pb::InterfaceUpdateResponse>, Status> {
        use pb::interface_update_request::InterfaceObject as O;
        let r = req.get_ref();
        let obj = r.interface_object.as_ref().map(|o| match o {
            O::Interfaces(c) => Obj::Interface(c),
            O::Unit(c) => Obj::Unit(c),
            O::Family(c) => Obj::Family(c),
            O::Address(c) => Obj::Address(c),
            O::Arp(c) => Obj::Arp(c),
        });
        let op = convert::object(r.r#type, obj)?.map(IfApiOp::Update);
        let (status, sub_code, _) = self.run(&req, op, update_codes).await?;
        Ok(Response::new(pb::InterfaceUpdateResponse {
            status,
            sub_code,
        }))
    }

    async fn interface_delete(
        &self,
        req: Request<pb::InterfaceDeleteRequest>,
    ) -> Result<Response<pb::InterfaceDeleteResponse>, Status> {
        let op = convert::delete(req.get_ref())?.map(IfApiOp::Delete);
        let (status, sub_code, _) = self.run(&req, op, delete_codes).await?;
        Ok(Response::new(pb::InterfaceDeleteResponse {
            status,
            sub_code,
        }))
    }

    async fn interface_get(
        &self,
        req: Request<pb::InterfaceGetRequest>,
    ) -> Result<Response<pb::InterfaceGetResponse>, Status> {
        use pb::interface_get_request::InterfaceObject as O;
        let r = req.get_ref();
        let obj = r.interface_object.as_ref().map(|o| match o {
            O::Interfaces(c) => Obj::Interface(c),
            O::Unit(c) => Obj::Unit(c),
            O::Family(c) => Obj::Family(c),
            O::Address(c) => Obj::Address(c),
            O::Arp(c) => Obj::Arp(c),
        });
        let r#type = r.r#type;
        let op = convert::object(r#type, obj)?.map(|o| IfApiOp::Get(o.key));
        let (status, sub_code, reply) = self.run(&req, op, get_codes).await?;
        let mut out = pb::InterfaceGetResponse {
            r#type,
            status,
            sub_code,
            interface_object: None,
        };
        if let Some(IfApiReply::Object(o)) = reply {
            let (t, obj) = convert::get_reply(&o);
            out.r#type = t as i32;
            out.interface_object = Some(obj);
        }
        Ok(Response::new(out))
    }

    async fn interface_unit_permissions_get(
        &self,
        req: Request<pb::InterfaceUnitPermissionsGetRequest>,
    ) -> Result<Response<pb::InterfaceUnitPermissionsGetResponse>, Status> {
        let op = convert::unit_key(req.get_ref())
            .map(|(port, unit)| IfApiOp::UnitPermissions { port, unit });
        let (status, sub_code, reply) = self.run(&req, op, permission_codes).await?;
        let mut out = pb::InterfaceUnitPermissionsGetResponse {
            status,
            sub_code,
            ..Default::default()
        };
        if let Some(IfApiReply::Permissions(p)) = reply {
            out.is_owner = p.is_owner;
            out.client_created_unit = p.client_created_unit;
            out.client_name = p.client_name;
        }
        Ok(Response::new(out))
    }
}
