//! InterfaceDelete, and the pruning of API placeholders a change leaves empty.

use super::lookup::kind_of;
use super::{ApiState, Configured};
use crate::ifd::api::types::{refuse, IfApiCode as C, IfApiError, IfApiReply, IfKey, IfObject};
use crate::vocab::interfaces::MacAddr;

impl ApiState {
    pub(super) fn delete(
        &mut self,
        client: &str,
        obj: &IfObject,
        cfg: &Configured<'_>,
    ) -> Result<IfApiReply, IfApiError> {
        let key = &obj.key;
        let port = key.port();
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let not_found = || refuse(C::ObjectNotFound, format!("{key} is not configured"));
        if kind_of(port, cfg).is_none() {
            return Err(not_found());
        }
        self.owner_check(client, port)?;
        let cli = || {
            refuse(
                C::NotOwnerOfObject,
                format!("{key} is configured by the CLI, not through the API; it cannot be deleted through the API"),
            )
        };
        let mut next = self.clone();
        let removed = match key {
            IfKey::Interface { .. } => next.trees.remove(port).is_some(),
            IfKey::Unit { unit, .. } => next
                .trees
                .get_mut(port)
                .is_some_and(|t| t.units.remove(unit).is_some()),
            IfKey::Family { unit, family, .. } => next
                .trees
                .get_mut(port)
                .and_then(|t| t.units.get_mut(unit))
                .is_some_and(|u| u.families.remove(family).is_some()),
            IfKey::Address {
                unit,
                family,
                address,
                ..
            } => next
                .trees
                .get_mut(port)
                .and_then(|t| t.units.get_mut(unit))
                .and_then(|u| u.families.get_mut(family))
                .is_some_and(|f| {
                    let before = f.addresses.len();
                    f.addresses.retain(|a| a.local != *address);
                    f.addresses.len() != before
                }),
            IfKey::Arp {
                unit,
                family,
                address,
                neighbor,
                ..
            } => {
                let mac = match obj.string("mac") {
                    None | Some("") => {
                        return Err(refuse(
                            C::ArpMacNotSpecified,
                            format!("{key}: string attribute 'mac' is required"),
                        ))
                    }
                    Some(v) => v
                        .parse::<MacAddr>()
                        .map_err(|e| refuse(C::ArpMacNotSpecified, format!("{key}: mac: {e}")))?,
                };
                let a = next
                    .trees
                    .get_mut(port)
                    .and_then(|t| t.units.get_mut(unit))
                    .and_then(|u| u.families.get_mut(family))
                    .and_then(|f| f.addresses.iter_mut().find(|a| a.local == *address));
                match a {
                    Some(a) => {
                        let before = a.neighbors.len();
                        a.neighbors.retain(|n| !(n.0 == *neighbor && n.1 == mac));
                        a.neighbors.len() != before
                    }
                    None => false,
                }
            }
        };
        if !removed {
            let in_cfg = match key {
                IfKey::Interface { .. } => cfg.ifd(port).is_some(),
                IfKey::Unit { unit, .. } => cfg.unit(port, *unit).is_some(),
                IfKey::Family { unit, family, .. } => cfg.family(port, *unit, *family).is_some(),
                IfKey::Address {
                    unit,
                    family,
                    address,
                    ..
                } => cfg.address(port, *unit, *family, *address).is_some(),
                IfKey::Arp { .. } => false,
            };
            return Err(if in_cfg { cli() } else { not_found() });
        }
        next.prune();
        *self = next;
        Ok(IfApiReply::Done)
    }

    /// Drops API placeholders left without content, and trees left empty (released).
    pub(super) fn prune(&mut self) {
        for t in self.trees.values_mut() {
            for u in t.units.values_mut() {
                for f in u.families.values_mut() {
                    f.addresses
                        .retain(|a| a.created || a.mac.is_some() || !a.neighbors.is_empty());
                }
                u.families
                    .retain(|_, f| f.created || !f.addresses.is_empty());
            }
            t.units.retain(|_, u| {
                u.created || u.vlan_id.is_some() || u.tunnel.is_some() || !u.families.is_empty()
            });
        }
        self.trees.retain(|_, t| {
            t.created
                || t.mac.is_some()
                || t.mtu.is_some()
                || t.members.is_some()
                || !t.units.is_empty()
        });
    }
}
