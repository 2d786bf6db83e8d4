//! `routing.FlexibleTunnel`, the older generation's flexible tunnel profiles: the same
//! profiles as `jnx.jet.routing.rib.FlexibleTunnel` (a profile added through one
//! generation is read, updated or deleted through the other), with the same checks and
//! steps ([`super::steps`]).
//!
//! Field by field: the profile and VXLAN fields have the same names and numbers; the
//! addresses are `routing.NetworkAddress` / `jnxBase.IpAddress` / `jnxBase.MacAddress`
//! (same shapes); `flags` is a plain `uint32`, so 0 (unset) means the RFC 7348 default
//! 0x08. This generation also has the action TRANSLATE (2) and the `gre` and
//! `translate` attributes, which OpenJET does not program: INVALID_TUNNEL_ACTION and
//! INVALID_TUNNEL_PROFILE naming the field. Replies carry `code` (`jnxBase` SUCCESS or
//! FAILURE), `sub_code` (the same names as the current generation's, `status.rs`
//! [`legacy_tunnel_refusal`]) and the refusal's text in `message`.

use std::net::IpAddr;
use std::sync::Arc;

use jet_device::tunnels::{Action, Profile, TunnelError};
use jet_proto::jnx_base::{self as base, ip_address, mac_address};
use jet_proto::routing::{
    self as lg, flexible_tunnel_server::FlexibleTunnel, network_address::Af,
    tunnel_attributes::TunnelAttributesType, vxlan_tunnel_attributes::VxlanHeaderReserved,
};
use tonic::{Request, Response, Status};

use super::steps::{self, ActionIn, AddrIn, AttrsIn, Octets, ProfileIn, VxlanIn};
use crate::svc::caller;
use crate::svc::status::{legacy_tunnel_refusal, TunnelRpc};
use crate::Shared;

pub(crate) struct LegacyFlexibleTunnelSvc {
    shared: Arc<Shared>,
}

impl LegacyFlexibleTunnelSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyFlexibleTunnelSvc { shared }
    }
}

fn ip_octets(a: &base::IpAddress) -> Option<Octets<'_>> {
    a.addr_format.as_ref().map(|f| match f {
        ip_address::AddrFormat::AddrString(s) => Octets::Text(s),
        ip_address::AddrFormat::AddrBytes(b) => Octets::Bytes(b),
    })
}

fn addr_in(a: Option<&lg::NetworkAddress>) -> AddrIn<'_> {
    match a.and_then(|a| a.af.as_ref()) {
        None => AddrIn::Missing,
        Some(Af::Inet(x)) | Some(Af::Inet6(x)) => AddrIn::Ip(ip_octets(x)),
        Some(Af::Mpls(_)) => AddrIn::Mpls,
    }
}

fn mac_in(m: Option<&base::MacAddress>) -> Option<Octets<'_>> {
    m.and_then(|m| m.addr_format.as_ref()).map(|f| match f {
        mac_address::AddrFormat::AddrString(s) => Octets::Text(s),
        mac_address::AddrFormat::AddrBytes(b) => Octets::Bytes(b),
    })
}

/// This generation's profile as the fields both generations share.
fn profile_in(p: &lg::FlexibleTunnelProfile) -> ProfileIn<'_> {
    let action = match lg::TunnelActionType::try_from(p.action) {
        Ok(lg::TunnelActionType::Encapsulate) => ActionIn::Known(Action::Encapsulate),
        Ok(lg::TunnelActionType::Decapsulate) => ActionIn::Known(Action::Decapsulate),
        Ok(lg::TunnelActionType::Translate) => ActionIn::Other(p.action, Some("TRANSLATE")),
        Err(_) => ActionIn::Other(p.action, None),
    };
    let attributes = match p
        .attributes
        .as_ref()
        .and_then(|a| a.tunnel_attributes_type.as_ref())
    {
        None => AttrsIn::Missing,
        Some(TunnelAttributesType::Gre(_)) => AttrsIn::Other("gre"),
        Some(TunnelAttributesType::Translate(_)) => AttrsIn::Other("translate"),
        Some(TunnelAttributesType::Vxlan(v)) => AttrsIn::Vxlan(VxlanIn {
            vni: v.vni,
            source_prefix: addr_in(v.source_prefix.as_ref()),
            source_prefix_len: v.source_prefix_len,
            source_udp_port_range: v.source_udp_port_range.map(|r| (r.min, r.max)),
            destination_address: addr_in(v.destination_address.as_ref()),
            destination_udp_port: v.destination_udp_port,
            destination_mac: mac_in(v.destination_mac.as_ref()),
            // No presence in this generation: 0 is "not specified".
            flags: (v.flags != 0).then_some(v.flags),
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

fn net(a: IpAddr) -> lg::NetworkAddress {
    let (text, v4) = steps::addr_text(a);
    let ip = base::IpAddress {
        addr_format: Some(ip_address::AddrFormat::AddrString(text)),
    };
    lg::NetworkAddress {
        af: Some(if v4 { Af::Inet(ip) } else { Af::Inet6(ip) }),
    }
}

/// A profile in this generation's message.
fn to_legacy(p: &Profile) -> lg::FlexibleTunnelProfile {
    let v = &p.vxlan;
    lg::FlexibleTunnelProfile {
        name: p.name.clone(),
        action: match p.action {
            Action::Encapsulate => lg::TunnelActionType::Encapsulate as i32,
            Action::Decapsulate => lg::TunnelActionType::Decapsulate as i32,
        },
        interface_name: p.interface.clone(),
        attributes: Some(lg::TunnelAttributes {
            tunnel_attributes_type: Some(TunnelAttributesType::Vxlan(lg::VxlanTunnelAttributes {
                vni: v.vni,
                source_prefix: Some(net(v.source)),
                source_prefix_len: v.source_len.into(),
                source_udp_port_range: v.source_ports.map(|(lo, hi)| base::NumericRange {
                    min: lo.into(),
                    max: hi.into(),
                }),
                source_mac: None,
                destination_address: v.destination.map(net),
                destination_udp_port: v.destination_port.into(),
                destination_mac: v.destination_mac.map(|m| base::MacAddress {
                    addr_format: Some(mac_address::AddrFormat::AddrBytes(m.to_vec())),
                }),
                flags: v.flags.into(),
                vxlan_header_reserved: Some(VxlanHeaderReserved::Rfc7348Reserved(
                    lg::Rfc7348VxlanReserved {
                        reserved_bits_8_31: v.reserved.0,
                        reserved_bits_55_63: v.reserved.1.into(),
                    },
                )),
            })),
        }),
    }
}

/// `(code, sub_code, message)` of a reply: SUCCESS, or the refusal in `rpc`'s numbering.
fn said(rpc: TunnelRpc, refusal: Option<&TunnelError>) -> (i32, i32, String) {
    match refusal {
        None => (base::StatusCode::Success as i32, 0, String::new()),
        Some(e) => legacy_tunnel_refusal(rpc, e),
    }
}

#[tonic::async_trait]
impl FlexibleTunnel for LegacyFlexibleTunnelSvc {
    async fn flexible_tunnel_add(
        &self,
        req: Request<lg::FlexibleTunnelAddRequest>,
    ) -> Result<Response<lg::FlexibleTunnelAddResponse>, Status> {
        let client = caller(&req)?.client_key();
        let items = req.into_inner().tunnel_profiles;
        let o = steps::set(&self.shared, TunnelRpc::Add, &items, |p| {
            steps::profile(profile_in(p), &client)
        })
        .await?;
        let (code, sub_code, message) = said(TunnelRpc::Add, o.refusal.as_ref());
        Ok(Response::new(lg::FlexibleTunnelAddResponse {
            code,
            sub_code,
            message,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_update(
        &self,
        req: Request<lg::FlexibleTunnelUpdateRequest>,
    ) -> Result<Response<lg::FlexibleTunnelUpdateResponse>, Status> {
        let client = caller(&req)?.client_key();
        let items = req.into_inner().tunnel_profiles;
        let o = steps::set(&self.shared, TunnelRpc::Update, &items, |p| {
            steps::profile(profile_in(p), &client)
        })
        .await?;
        let (code, sub_code, message) = said(TunnelRpc::Update, o.refusal.as_ref());
        Ok(Response::new(lg::FlexibleTunnelUpdateResponse {
            code,
            sub_code,
            message,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_delete(
        &self,
        req: Request<lg::FlexibleTunnelDeleteRequest>,
    ) -> Result<Response<lg::FlexibleTunnelDeleteResponse>, Status> {
        let names = req.into_inner().tunnel_profile_names;
        let o = steps::delete(&self.shared, names).await?;
        let (code, sub_code, message) = said(TunnelRpc::Delete, o.refusal.as_ref());
        Ok(Response::new(lg::FlexibleTunnelDeleteResponse {
            code,
            sub_code,
            message,
            operations_completed: o.completed,
        }))
    }

    async fn flexible_tunnel_get(
        &self,
        req: Request<lg::FlexibleTunnelGetRequest>,
    ) -> Result<Response<lg::FlexibleTunnelGetResponse>, Status> {
        let name = req.into_inner().tunnel_profile_name;
        let found = steps::get(&self.shared, &name);
        let (code, sub_code, message) = said(TunnelRpc::Get, found.as_ref().err());
        Ok(Response::new(lg::FlexibleTunnelGetResponse {
            code,
            sub_code,
            message,
            tunnel_profile: found.ok().map(|p| to_legacy(&p)),
        }))
    }
}
