//! Configured interfaces + API objects → the interface model's input. The configuration
//! takes precedence: an attribute it sets hides the API's value, an object it has is
//! not duplicated; API objects carry their owner so that the snapshot marks them.

use super::state::ApiState;
use crate::ifd::model::{AddressConf, FamilyConf, IfdConf, IflConf};
use crate::vocab::interfaces::StaticNeighbor;

/// The interfaces in force: `configured`, then what the API adds to it.
pub fn merge(configured: &[IfdConf], api: &ApiState) -> Vec<IfdConf> {
    let mut out = configured.to_vec();
    for (port, t) in &api.trees {
        let i = match out.iter().position(|d| &d.name == port) {
            Some(i) => i,
            None => {
                out.push(IfdConf {
                    name: port.clone(),
                    ..IfdConf::default()
                });
                out.len() - 1
            }
        };
        let d = &mut out[i];
        d.api_owner = Some(t.owner.clone());
        d.mtu = d.mtu.or(t.mtu);
        d.mac = d.mac.or(t.mac);
        if d.members.is_empty() {
            d.members = t.members.clone().unwrap_or_default();
        }
        for (n, au) in &t.units {
            let j = match d.units.iter().position(|u| u.unit == *n) {
                Some(j) => j,
                None => {
                    d.units.push(IflConf {
                        unit: *n,
                        ..IflConf::default()
                    });
                    d.units.len() - 1
                }
            };
            let u = &mut d.units[j];
            if au.created {
                u.api_owner = Some(t.owner.clone());
            }
            u.vlan_id = u.vlan_id.or(au.vlan_id);
            if u.tunnel.is_none() {
                u.tunnel = au.tunnel.clone();
            }
            for (kind, af) in &au.families {
                let k = match u.families.iter().position(|f| f.kind == *kind) {
                    Some(k) => k,
                    None => {
                        u.families.push(FamilyConf {
                            kind: *kind,
                            ..FamilyConf::default()
                        });
                        u.families.len() - 1
                    }
                };
                let f = &mut u.families[k];
                for a in &af.addresses {
                    if a.created && !f.addresses.iter().any(|x| x.local == a.local) {
                        f.addresses.push(AddressConf {
                            local: a.local,
                            prefix_len: a.prefix_len,
                            primary: false,
                            api: true,
                        });
                    }
                    for (nb, mac, receive) in &a.neighbors {
                        f.neighbors.push(StaticNeighbor {
                            interface_address: a.local,
                            neighbor: *nb,
                            mac: *mac,
                            receive: *receive,
                            publish: false,
                            api: true,
                        });
                    }
                }
            }
        }
    }
    out
}
