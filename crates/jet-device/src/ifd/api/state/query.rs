//! InterfaceGet and InterfaceUnitPermissionsGet.

use super::{ApiState, Configured};
use crate::ifd::api::types::{
    refuse, EncapRequest, IfApiCode as C, IfApiError, IfKey, IfObject, NetRequest, SourceRequest,
    TunnelRequest, UnitPermissions,
};
use crate::ifd::model::ifd_kind;
use crate::vocab::interfaces::{IfdKind, Tunnel, TunnelSource};

impl ApiState {
    pub(super) fn get(&self, key: &IfKey, cfg: &Configured<'_>) -> Result<IfObject, IfApiError> {
        let port = key.port();
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let not_found = || refuse(C::ObjectNotFound, format!("{key} is not configured"));
        let tree = self.trees.get(port);
        let mut out = IfObject::new(key.clone());
        match key {
            IfKey::Interface { .. } => {
                if !self.ifd_exists(port, cfg) {
                    return Err(not_found());
                }
                let mtu = cfg
                    .ifd(port)
                    .and_then(|d| d.mtu)
                    .or(tree.and_then(|t| t.mtu));
                if let Some(m) = tree.and_then(|t| t.mac) {
                    out.strings.push(("mac".into(), m.to_string()));
                }
                if let Some(m) = mtu {
                    out.integers.push(("mtu".into(), m));
                }
                if ifd_kind(port) == Some(IfdKind::Aggregate) {
                    out.members = Some(tree.and_then(|t| t.members.clone()).unwrap_or_default());
                }
            }
            IfKey::Unit { unit, .. } => {
                if !self.unit_exists(port, *unit, cfg) {
                    return Err(not_found());
                }
                let api = self.api_unit(port, *unit);
                let vlan = cfg
                    .unit(port, *unit)
                    .and_then(|u| u.vlan_id)
                    .or(api.and_then(|u| u.vlan_id));
                if let Some(v) = vlan {
                    out.integers.push(("vlan-id".into(), u32::from(v)));
                }
                out.tunnel = api
                    .and_then(|u| u.tunnel.as_ref())
                    .map(|t| Box::new(tunnel_request(t)));
            }
            IfKey::Family { unit, family, .. } => {
                if !self.family_exists(port, *unit, *family, cfg) {
                    return Err(not_found());
                }
            }
            IfKey::Address {
                unit,
                family,
                address,
                ..
            } => {
                let Some(len) = self.address_len(port, *unit, *family, *address, cfg) else {
                    return Err(not_found());
                };
                out.key = IfKey::Address {
                    port: port.to_owned(),
                    unit: *unit,
                    family: *family,
                    address: *address,
                    prefix_len: Some(len),
                };
                if let Some(m) = self
                    .api_address(port, *unit, *family, *address)
                    .and_then(|a| a.mac)
                {
                    out.strings.push(("mac".into(), m.to_string()));
                }
            }
            IfKey::Arp {
                unit,
                family,
                address,
                neighbor,
                ..
            } => {
                let Some(n) = self
                    .api_address(port, *unit, *family, *address)
                    .and_then(|a| a.neighbors.iter().find(|n| n.0 == *neighbor))
                else {
                    return Err(not_found());
                };
                out.strings.push(("mac".into(), n.1.to_string()));
                out.integers.push(("receive".into(), u32::from(n.2)));
            }
        }
        Ok(out)
    }

    pub(super) fn permissions(
        &self,
        client: &str,
        port: &str,
        unit: u32,
        cfg: &Configured<'_>,
    ) -> Result<UnitPermissions, IfApiError> {
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        if let (Some(t), true) = (
            self.trees.get(port),
            self.api_unit(port, unit).is_some_and(|u| u.created),
        ) {
            return Ok(UnitPermissions {
                is_owner: t.owner == client,
                client_created_unit: true,
                client_name: t.owner.clone(),
            });
        }
        if cfg.unit(port, unit).is_some() {
            return Ok(UnitPermissions {
                is_owner: false,
                client_created_unit: false,
                client_name: String::new(),
            });
        }
        Err(refuse(
            C::ObjectNotFound,
            format!("unit {port}.{unit} is not configured"),
        ))
    }
}

/// A checked tunnel as Get returns it.
fn tunnel_request(t: &Tunnel) -> TunnelRequest {
    let mut e = EncapRequest::new(t.encapsulation);
    e.source = Some(match &t.source {
        TunnelSource::Address(a) => SourceRequest::Address(NetRequest {
            addr: *a,
            prefix_len: 0,
        }),
        TunnelSource::Interface(i) => SourceRequest::Interface(i.clone()),
    });
    e.destination = t.destination.map(|a| {
        Some(NetRequest {
            addr: a,
            prefix_len: 0,
        })
    });
    e.vni = t.vni.unwrap_or(0);
    e.udp_port = t.udp_port.map_or(0, u32::from);
    e.tunnel_endpoint = t.tunnel_endpoint.clone().unwrap_or_default();
    e.terminate = t.terminate;
    e.bypass_loopback = t.bypass_loopback;
    TunnelRequest {
        encapsulation: Some(e),
        fragmentation: u32::from(t.allow_fragmentation),
    }
}
