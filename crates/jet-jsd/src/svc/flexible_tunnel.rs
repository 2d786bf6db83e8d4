//! `jnx.jet.routing.rib.FlexibleTunnel`: thin adapter over the device's tunnels task
//! (`jet_device::tunnels`): protobuf profiles to the device's `Profile` and back.
//! Form errors of an item (missing attributes, bad addresses, unknown action) are
//! refusals of that item, so a batch stops there as for any other refusal.

use std::net::IpAddr;
use std::sync::Arc;

use jet_device::tunnels::{Action, BatchError, Profile, TunnelCode, TunnelError, Vxlan};
use jet_proto::jnx::jet::common::{mac_address, MacAddress, NumericRange};
use jet_proto::jnx::jet::routing::base::{network_address::Af, NetworkAddress};
use jet_proto::jnx::jet::routing::rib::{
    self as pb, flexible_tunnel_server::FlexibleTunnel, tunnel_attributes::TunnelAttributesType,
    vxlan_tunnel_attributes::VxlanHeaderReserved,
};
use tonic::{Request, Response, Status};

use super::status::{tunnel_refusal, TunnelRpc};
use super::{caller, ok_status};
use crate::Shared;

pub(crate) struct FlexibleTunnelSvc {
    shared: Arc<Shared>,
}

impl FlexibleTunnelSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        FlexibleTunnelSvc { shared }
    }
}

fn invalid(name: &str, field: &str, why: &str) -> TunnelError {
    TunnelError::new(
        TunnelCode::InvalidProfile,
        format!("profile '{name}': {field} {why}"),
    )
}

fn addr(a: Option<&NetworkAddress>) -> Result<Option<IpAddr>, &'static str> {
    match a.and_then(|a| a.af.as_ref()) {
        None => Ok(None),
        Some(Af::Inet(x)) | Some(Af::Inet6(x)) => jet_rib_wire::convert::ip(x)
            .map(Some)
            .ok_or("is not a valid IP address"),
        Some(Af::Mpls(_)) => Err("is an MPLS label, not an IP address"),
    }
}

fn mac(m: Option<&MacAddress>) -> Result<Option<[u8; 6]>, &'static str> {
    let Some(f) = m.and_then(|m| m.addr_format.as_ref()) else {
        return Ok(None);
    };
    let bytes: Option<Vec<u8>> = match f {
        mac_address::AddrFormat::AddrString(s) => s
            .split([':', '-'])
            .map(|p| u8::from_str_radix(p, 16).ok())
            .collect(),
        mac_address::AddrFormat::AddrBytes(b) => Some(b.clone()),
    };
    bytes
        .and_then(|b| <[u8; 6]>::try_from(b.as_slice()).ok())
        .map(Some)
        .ok_or("is not a MAC address (6 bytes, aa:bb:cc:dd:ee:ff)")
}

/// The device's profile from the wire; `client` wrote it.
fn from_wire(p: &pb::FlexibleTunnelProfile, client: &str) -> Result<Profile, TunnelError> {
    let n = p.name.as_str();
    jet_device::tunnels::check_name(n)?;
    let action = match pb::TunnelActionType::try_from(p.action) {
        Ok(pb::TunnelActionType::Encapsulate) => Action::Encapsulate,
        Ok(pb::TunnelActionType::Decapsulate) => Action::Decapsulate,
        Err(_) => {
            return Err(TunnelError::new(
                TunnelCode::InvalidAction,
                format!(
                    "profile '{n}': action {} is not ENCAPSULATE (0) or DECAPSULATE (1)",
                    p.action
                ),
            ))
        }
    };
    let Some(TunnelAttributesType::Vxlan(v)) = p
        .attributes
        .as_ref()
        .and_then(|a| a.tunnel_attributes_type.as_ref())
    else {
        return Err(invalid(n, "attributes.vxlan", "is missing"));
    };
    let source = addr(v.source_prefix.as_ref())
        .map_err(|w| invalid(n, "vxlan.source_prefix", w))?
        .ok_or_else(|| invalid(n, "vxlan.source_prefix", "is missing"))?;
    let destination = addr(v.destination_address.as_ref())
        .map_err(|w| invalid(n, "vxlan.destination_address", w))?;
    let source_ports = match &v.source_udp_port_range {
        None => None,
        Some(NumericRange { min, max }) => {
            let (Ok(lo), Ok(hi)) = (u16::try_from(*min), u16::try_from(*max)) else {
                return Err(invalid(
                    n,
                    "vxlan.source_udp_port_range",
                    &format!("{min}-{max} is not within 0-65535"),
                ));
            };
            Some((lo, hi))
        }
    };
    let destination_port = u16::try_from(v.destination_udp_port).map_err(|_| {
        invalid(
            n,
            "vxlan.destination_udp_port",
            &format!("{} is not 0-65535", v.destination_udp_port),
        )
    })?;
    let source_len = u8::try_from(v.source_prefix_len).map_err(|_| {
        invalid(
            n,
            "vxlan.source_prefix_len",
            &format!("{} is too long", v.source_prefix_len),
        )
    })?;
    let flags = match v.flags {
        None => 0x08,
        Some(f) => u8::try_from(f)
            .map_err(|_| invalid(n, "vxlan.flags", &format!("{f} does not fit in 8 bits")))?,
    };
    let reserved = match v.vxlan_header_reserved {
        None => (0, 0),
        Some(VxlanHeaderReserved::Rfc7348Reserved(r)) => (
            r.reserved_bits_8_31,
            u8::try_from(r.reserved_bits_55_63).map_err(|_| {
                invalid(
                    n,
                    "vxlan.rfc7348_reserved.reserved_bits_55_63",
                    &format!("{} is not 0-255", r.reserved_bits_55_63),
                )
            })?,
        ),
    };
    Ok(Profile {
        name: n.to_string(),
        action,
        interface: p.interface_name.clone(),
        vxlan: Vxlan {
            vni: v.vni,
            source,
            source_len,
            source_ports,
            destination,
            destination_port,
            destination_mac: mac(v.destination_mac.as_ref())
                .map_err(|w| invalid(n, "vxlan.destination_mac", w))?,
            flags,
            reserved,
        },
        client: client.to_string(),
    })
}

fn net(a: IpAddr) -> NetworkAddress {
    use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(a.to_string())),
    };
    NetworkAddress {
        af: Some(if a.is_ipv4() {
            Af::Inet(ip)
        } else {
            Af::Inet6(ip)
        }),
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

/// Converts the batch up to its first malformed item; the rest is not sent.
fn convert(
    items: &[pb::FlexibleTunnelProfile],
    client: &str,
) -> (Vec<Profile>, Option<TunnelError>) {
    let mut out = Vec::with_capacity(items.len());
    for p in items {
        match from_wire(p, client) {
            Ok(p) => out.push(p),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

/// `(status, sub_code, operations_completed)` of a batch.
fn outcome(
    rpc: TunnelRpc,
    r: Result<u32, BatchError>,
    form: Option<TunnelError>,
) -> Result<(Option<jet_proto::jnx::jet::common::RpcStatus>, i32, u32), Status> {
    match (r, form) {
        (Ok(n), None) => Ok((ok_status(), 0, n)),
        (Ok(n), Some(e)) => {
            let (st, code) = tunnel_refusal(rpc, &e);
            Ok((st, code, n))
        }
        (Err(BatchError::Refused { completed, error }), _) => {
            let (st, code) = tunnel_refusal(rpc, &error);
            Ok((st, code, completed))
        }
        (Err(e @ BatchError::ShuttingDown), _) => Err(Status::unavailable(e.to_string())),
    }
}

impl FlexibleTunnelSvc {
    async fn set(
        &self,
        rpc: TunnelRpc,
        items: Vec<pb::FlexibleTunnelProfile>,
        client: String,
    ) -> Result<(Option<jet_proto::jnx::jet::common::RpcStatus>, i32, u32), Status> {
        let tunnels = self.shared.device.tunnels();
        // The batch size is checked before any item (the device's rule, same message).
        if let Err(e) = jet_device::tunnels::batch_size(items.len()) {
            return outcome(rpc, Err(e), None);
        }
        let (profiles, form) = convert(&items, &client);
        if profiles.is_empty() {
            return outcome(rpc, Ok(0), form);
        }
        let r = match rpc {
            TunnelRpc::Add => tunnels.add(profiles).await,
            _ => tunnels.update(profiles).await,
        };
        outcome(rpc, r, form)
    }
}

#[tonic::async_trait]
impl FlexibleTunnel for FlexibleTunnelSvc {
    async fn flexible_tunnel_add(
        &self,
        req: Request<pb::FlexibleTunnelAddRequest>,
    ) -> Result<Response<pb::FlexibleTunnelAddResponse>, Status> {
        let client = caller(&req)?.client_key();
        let (status, sub_code, operations_completed) = self
            .set(TunnelRpc::Add, req.into_inner().tunnel_profiles, client)
            .await?;
        Ok(Response::new(pb::FlexibleTunnelAddResponse {
            status,
            sub_code,
            operations_completed,
        }))
    }

    async fn flexible_tunnel_update(
        &self,
        req: Request<pb::FlexibleTunnelUpdateRequest>,
    ) -> Result<Response<pb::FlexibleTunnelUpdateResponse>, Status> {
        let client = caller(&req)?.client_key();
        let (status, sub_code, operations_completed) = self
            .set(TunnelRpc::Update, req.into_inner().tunnel_profiles, client)
            .await?;
        Ok(Response::new(pb::FlexibleTunnelUpdateResponse {
            status,
            sub_code,
            operations_completed,
        }))
    }

    async fn flexible_tunnel_delete(
        &self,
        req: Request<pb::FlexibleTunnelDeleteRequest>,
    ) -> Result<Response<pb::FlexibleTunnelDeleteResponse>, Status> {
        let names = req.into_inner().tunnel_profile_names;
        let r = self.shared.device.tunnels().delete(names).await;
        let (status, sub_code, operations_completed) = outcome(TunnelRpc::Delete, r, None)?;
        Ok(Response::new(pb::FlexibleTunnelDeleteResponse {
            status,
            sub_code,
            operations_completed,
        }))
    }

    async fn flexible_tunnel_get(
        &self,
        req: Request<pb::FlexibleTunnelGetRequest>,
    ) -> Result<Response<pb::FlexibleTunnelGetResponse>, Status> {
        let name = req.into_inner().tunnel_profile_name;
        let found = jet_device::tunnels::check_name(&name).and_then(|()| {
            self.shared
                .device
                .tunnels()
                .current()
                .profiles
                .get(&name)
                .cloned()
                .ok_or_else(|| {
                    TunnelError::new(TunnelCode::NotFound, format!("profile '{name}' not found"))
                })
        });
        Ok(Response::new(match found {
            Ok(p) => pb::FlexibleTunnelGetResponse {
                status: ok_status(),
                sub_code: 0,
                tunnel_profile: Some(to_wire(&p)),
            },
            Err(e) => {
                let (status, sub_code) = tunnel_refusal(TunnelRpc::Get, &e);
                pb::FlexibleTunnelGetResponse {
                    status,
                    sub_code,
                    tunnel_profile: None,
                }
            }
        }))
    }
}
