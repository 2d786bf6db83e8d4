//! What exists, in the configuration or through the API: the lookups every request kind
//! shares, and the name and owner checks.

use std::net::IpAddr;

use super::{ApiAddress, ApiFamily, ApiState, ApiTree, ApiUnit, Configured};
use crate::ifd::api::types::{refuse, IfApiCode as C, IfApiError};
use crate::ifd::model::ifd_kind;
use crate::vocab::interfaces::{FamilyKind, IfdKind};

pub(super) fn host_len(a: IpAddr) -> u8 {
    if a.is_ipv4() {
        32
    } else {
        128
    }
}

pub(super) fn family_of(a: IpAddr) -> FamilyKind {
    if a.is_ipv4() {
        FamilyKind::Inet
    } else {
        FamilyKind::Inet6
    }
}

pub(super) fn in_subnet(a: IpAddr, net: IpAddr, len: u8) -> bool {
    let probe = crate::vocab::interfaces::IfAddress {
        local: net,
        prefix_len: len,
        primary: false,
        api: false,
    };
    let other = crate::vocab::interfaces::IfAddress { local: a, ..probe };
    a.is_ipv4() == net.is_ipv4() && probe.network() == other.network()
}

/// The kind of interface `port` is on this device: built in, a bundle or tunnel it
/// creates, or a physical port its configuration names (`xe-1/0/0`).
pub(crate) fn kind_of(port: &str, cfg: &Configured<'_>) -> Option<IfdKind> {
    ifd_kind(port).or_else(|| {
        (cfg.ifd(port).is_some() && crate::ifd::names::extra_port(port).is_some())
            .then_some(IfdKind::Ethernet)
    })
}

impl ApiState {
    /// The interface's kind, after the name and owner checks.
    pub(super) fn port_kind(
        &self,
        client: &str,
        port: &str,
        cfg: &Configured<'_>,
    ) -> Result<IfdKind, IfApiError> {
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let Some(kind) = kind_of(port, cfg) else {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "interface '{port}' does not exist on this device (it has ge-0/0/0 to ge-0/0/9, fxp0, lo0 and the ports its configuration names, and creates ae0 to ae127 and fti0 to fti127)"
                ),
            ));
        };
        self.owner_check(client, port)?;
        Ok(kind)
    }

    pub(super) fn owner_check(&self, client: &str, port: &str) -> Result<(), IfApiError> {
        match self.trees.get(port) {
            Some(t) if t.owner != client => Err(refuse(
                C::NotOwnerOfObject,
                format!(
                    "interface {port} is owned by JET client '{}'; only it can change objects under {port}",
                    t.owner
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The aggregate `port` is a member of.
    /// The aggregate `port` is a member link of: by the configuration
    /// (`gigether-options 802.3ad aeN`, which takes precedence) or through the API.
    pub(super) fn bundle_of(&self, port: &str, cfg: &Configured<'_>) -> Option<String> {
        cfg.0
            .iter()
            .find(|d| d.members.iter().any(|m| m == port))
            .map(|d| d.name.clone())
            .or_else(|| self.aggregate_of(port).map(str::to_owned))
    }

    pub(super) fn aggregate_of(&self, port: &str) -> Option<&str> {
        self.trees
            .iter()
            .find(|(_, t)| {
                t.members
                    .as_ref()
                    .is_some_and(|m| m.iter().any(|x| x == port))
            })
            .map(|(n, _)| n.as_str())
    }

    pub(super) fn tree(&mut self, client: &str, port: &str) -> &mut ApiTree {
        self.trees
            .entry(port.to_owned())
            .or_insert_with(|| ApiTree {
                owner: client.to_owned(),
                ..ApiTree::default()
            })
    }

    pub(super) fn ifd_exists(&self, port: &str, cfg: &Configured<'_>) -> bool {
        match kind_of(port, cfg) {
            Some(IfdKind::Aggregate | IfdKind::FlexibleTunnel) => {
                cfg.ifd(port).is_some() || self.trees.get(port).is_some_and(|t| t.created)
            }
            Some(_) => true,
            None => false,
        }
    }

    pub(super) fn api_unit(&self, port: &str, unit: u32) -> Option<&ApiUnit> {
        self.trees.get(port)?.units.get(&unit)
    }

    pub(super) fn api_family(&self, port: &str, unit: u32, f: FamilyKind) -> Option<&ApiFamily> {
        self.api_unit(port, unit)?.families.get(&f)
    }

    pub(super) fn api_address(
        &self,
        port: &str,
        unit: u32,
        f: FamilyKind,
        a: IpAddr,
    ) -> Option<&ApiAddress> {
        self.api_family(port, unit, f)?
            .addresses
            .iter()
            .find(|x| x.local == a)
    }

    pub(super) fn unit_exists(&self, port: &str, unit: u32, cfg: &Configured<'_>) -> bool {
        cfg.unit(port, unit).is_some() || self.api_unit(port, unit).is_some_and(|u| u.created)
    }

    pub(super) fn family_exists(
        &self,
        port: &str,
        unit: u32,
        f: FamilyKind,
        cfg: &Configured<'_>,
    ) -> bool {
        cfg.family(port, unit, f).is_some()
            || self.api_family(port, unit, f).is_some_and(|x| x.created)
    }

    /// The prefix length of an existing address (configured or API).
    pub(super) fn address_len(
        &self,
        port: &str,
        unit: u32,
        f: FamilyKind,
        a: IpAddr,
        cfg: &Configured<'_>,
    ) -> Option<u8> {
        cfg.address(port, unit, f, a)
            .map(|x| x.prefix_len)
            .or_else(|| {
                self.api_address(port, unit, f, a)
                    .filter(|x| x.created)
                    .map(|x| x.prefix_len)
            })
    }

    /// Where else `a` is configured (`ge-0/0/0.0`), other than on `here`.
    pub(super) fn address_elsewhere(
        &self,
        a: IpAddr,
        here: &str,
        cfg: &Configured<'_>,
    ) -> Option<String> {
        for d in cfg.0 {
            for u in &d.units {
                let name = format!("{}.{}", d.name, u.unit);
                if name != here
                    && u.families
                        .iter()
                        .any(|f| f.addresses.iter().any(|x| x.local == a))
                {
                    return Some(name);
                }
            }
        }
        for (port, t) in &self.trees {
            for (n, u) in &t.units {
                let name = format!("{port}.{n}");
                if name != here
                    && u.families
                        .values()
                        .any(|f| f.addresses.iter().any(|x| x.created && x.local == a))
                {
                    return Some(name);
                }
            }
        }
        None
    }

    /// An interface (`ge-0/0/0`) or unit (`lo0.0`) name that exists.
    pub(super) fn interface_name_exists(&self, name: &str, cfg: &Configured<'_>) -> bool {
        match name.rsplit_once('.') {
            Some((port, unit)) => unit
                .parse::<u32>()
                .is_ok_and(|u| self.unit_exists(port, u, cfg)),
            None => self.ifd_exists(name, cfg),
        }
    }
}
