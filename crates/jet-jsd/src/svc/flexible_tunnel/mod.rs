//! `jnx.jet.routing.rib.FlexibleTunnel`: thin adapter over the device's tunnels task
//! (`jet_device::tunnels`): protobuf profiles to the device's `Profile` and back.
//! Form errors of an item (missing attributes, bad addresses, unknown action) are
//! refusals of that item, so a batch stops there as for any other refusal.
//!
//! The checks and steps are shared with the older generation's `routing.FlexibleTunnel`
//! ([`legacy`]) in [`steps`]: both generations program the same profiles.

pub(crate) mod legacy;
mod steps;

use std::net::IpAddr;
use std::sync::Arc;

use jet_device::tunnels::{Action, Profile, TunnelError};
use jet_proto::jnx::jet::common::{mac_address, IpAddress, MacAddress, NumericRange, RpcStatus};
use jet_proto::jnx::jet::routing::base::{network_address::Af, NetworkAddress};
use jet_proto::jnx::jet::routing::rib::{
    self as pb, flexible_tunnel_server::FlexibleTunnel, tunnel_attributes::TunnelAttributesType,
    vxlan_tunnel_attributes::VxlanHeaderReserved,
};
use tonic::{Request, Response, Status};

use super::status::{tunnel_refusal, TunnelRpc};
use super::{caller, ok_status};
use crate::Shared;
use steps::{ActionIn, AddrIn, AttrsIn, Octets, ProfileIn, VxlanIn};

pub(crate) struct FlexibleTunnelSvc {
    shared: Arc<Shared>,
}

impl FlexibleTunnelSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        FlexibleTunnelSvc { shared }
    }
}

fn mac_octets(f: &mac_address::AddrFormat) -> Octets<'_> {
    match f {
        mac_address::AddrFormat::AddrString(s) => Octets::Text(s),
        mac_address::AddrFormat::AddrBytes(b) => Octets::Bytes(b),
    }
}

fn ip_octets(x: &IpAddress) -> Option<Octets<'_>> {
    use jet_proto::jnx::jet::common::ip_address::AddrFormat;
    x.addr_format.as_ref().map(|f| match f {
        AddrFormat::AddrString(s) => Octets::Text(s),
        AddrFormat::AddrBytes(b) => Octets::Bytes(b),
    })
}

fn addr_in(a: Option<&NetworkAddress>) -> AddrIn<'_> {
    match a.and_then(|a| a.af.as_ref()) {
        None => AddrIn::Missing,
        Some(Af::Inet(x)) | Some(Af::Inet6(x)) => AddrIn::Ip(ip_octets(x)),
        Some(Af::Mpls(_)) => AddrIn::Mpls,
    }
}

/// This generation's profile as the fields both generations share.
fn profile_in(p: &pb::FlexibleTunnelProfile) -> ProfileIn<'_> {
    let action = match pb::TunnelActionType::try_from(p.action) {
        Ok(pb::TunnelActionType::Encapsulate) => ActionIn::Known(Action::Encapsulate),
        Ok(pb::TunnelActionType::Decapsulate) => ActionIn::Known(Action::Decapsulate),
        Err(_) => ActionIn::Other(p.action, None),
    };
    let attributes = match p
        .attributes
        .as_ref()
        .and_then(|a| a.tunnel_attributes_type.as_ref())
    {
        None => AttrsIn::Missing,
        Some(TunnelAttributesType::Vxlan(v)) => AttrsIn::Vxlan(VxlanIn {
            vni: v.vni,
            source_prefix: addr_in(v.source_prefix.as_ref()),
            source_prefix_len: v.source_prefix_len,
            source_udp_port_range: v.source_udp_port_range.map(|r| (r.min, r.max)),
            destination_address: addr_in(v.destination_address.as_ref()),
            destination_udp_port: v.destination_udp_port,
            destination_mac: v
                .destination_mac
                .as_ref()
                .and_then(|m| m.addr_format.as_ref())
                .map(mac_octets),
            flags: v.flags,
            reserved: v
                .vxlan_header_reserved
                .map(|VxlanHeaderReserved::Rfc7348Reserved(r)| {
                    (r.reserved_bits_8_31, r.reserved_bits_55_63)
                }),
        }),
    };
    ProfileIn {
        name: &p.name,
        action,
        interface: &p.interface_name,
        attributes,
    }
}

fn net(a: IpAddr) -> NetworkAddress {
    use jet_proto::jnx::jet::common::ip_address::AddrFormat;
    let (text, v4) = steps::addr_text(a);
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(text)),
    };
    NetworkAddress {
        af: Some(if v4 { Af::Inet(ip) } else { Af::Inet6(ip) }),
    }
}

/// A profile on the wire.
pub(crate) fn to_wire(p: &Profile) -> pb::FlexibleTunnelProfile {
    let v = &p.vxlan;
    pb::FlexibleTunnelProfile {
        name: p.name.clone(),
        action: match p.action {
            Action::Encapsulate => pb::TunnelActionType::Encapsulate as i32,
            Action::Decapsulate => pb::TunnelActionType::Decapsulate as i32,
        },
        interface_name: p.interface.clone(),
        attributes: Some(pb::TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(pb::VxlanTunnelAttributes {
                vni: v.vni,
                source_prefix: Some(net(v.source)),
                source_prefix_len: v.source_len.into(),
                source_udp_port_range: v.source_ports.map(|(lo, hi)| NumericRange {
                    min: lo.into(),
                    max: hi.into(),
                }),
                source_mac: None,
                destination_address: v.destination.map(net),
                destination_udp_port: v.destination_port.into(),
                destination_mac: v.destination_mac.map(|m| MacAddress {
                    addr_format: Some(mac_address::AddrFormat::AddrBytes(m.to_vec())),
                }),
                flags: Some(v.flags.into()),
                vxlan_header_reserved: Some(VxlanHeaderReserved::Rfc7348Reserved(
                    pb::Rfc7348VxlanReserved {
                        reserved_bits_8_31: v.reserved.0,
                        reserved_bits_55_63: v.reserved.1.into(),
                    },
                )),
            })),
        }),
    }
}

/// FAILURE with the refusal's message and its sub-code in `rpc`'s numbering, or SUCCESS.
fn said(rpc: TunnelRpc, refusal: Option<&TunnelError>) -> (Option<RpcStatus>, i32) {
    match refusal {
        None => (ok_status(), 0),
        Some(e) => tunnel_refusal(rpc, e),
    }
}

#[tonic::async_trait]
impl FlexibleTunnel for FlexibleTunnelSvc {
    async fn flexible_tunnel_add(
        &self,
        req: Request<pb::FlexibleTunnelAddRequest>,
    ) -> Result<Response<pb::FlexibleTunnelAddResponse>, Status> {
        let client = caller(&req)?.client_key();
        let items = req.into_inner().tunnel_profiles;
        let o = steps::set(&self.shared, TunnelRpc::Add, &items, |p| {
            steps::profile(profile_in(p), &client)
        })
        .await?;
        let (status, sub_code) = said(TunnelRpc::Add, o.refusal.as_ref());
        Ok(Response::new(pb::FlexibleTunnelAddResponse {
            status,
            sub_code,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_update(
        &self,
        req: Request<pb::FlexibleTunnelUpdateRequest>,
    ) -> Result<Response<pb::FlexibleTunnelUpdateResponse>, Status> {
        let client = caller(&req)?.client_key();
        let items = req.into_inner().tunnel_profiles;
        let o = steps::set(&self.shared, TunnelRpc::Update, &items, |p| {
            steps::profile(profile_in(p), &client)
        })
        .await?;
        let (status, sub_code) = said(TunnelRpc::Update, o.refusal.as_ref());
        Ok(Response::new(pb::FlexibleTunnelUpdateResponse {
            status,
            sub_code,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_delete(
        &self,
        req: Request<pb::FlexibleTunnelDeleteRequest>,
    ) -> Result<Response<pb::FlexibleTunnelDeleteResponse>, Status> {
        let names = req.into_inner().tunnel_profile_names;
        let o = steps::delete(&self.shared, names).await?;
        let (status, sub_code) = said(TunnelRpc::Delete, o.refusal.as_ref());
        Ok(Response::new(pb::FlexibleTunnelDeleteResponse {
            status,
            sub_code,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_get(
        &self,
        req: Request<pb::FlexibleTunnelGetRequest>,
    ) -> Result<Response<pb::FlexibleTunnelGetResponse>, Status> {
        let name = req.into_inner().tunnel_profile_name;
        let found = steps::get(&self.shared, &name);
        let (status, sub_code) = said(TunnelRpc::Get, found.as_ref().err());
        Ok(Response::new(pb::FlexibleTunnelGetResponse {
            status,
            sub_code,
            tunnel_profile: found.ok().map(|p| to_wire(&p)),
        }))
    }
}
