//! Gateways that name a flexible tunnel profile of the FlexibleTunnel service (a
//! `flexible_tunnel_profile` carrying only `name`) get the profile's FTI interface.
//!
//! The conversion ([`crate::convert`]) knows no profiles: it records the name on the
//! gateway and leaves its interface empty. The adapter serving the request then calls
//! [`resolve`] with a lookup into the device's profiles (a snapshot taken once per
//! batch), so this crate stays free of device handles. The hand-written reader
//! ([`crate::decode`]) never sees a profile: any gateway carrying one takes the general
//! path.
//!
//! Once resolved, the route keeps the interface it resolved to (and the profile's
//! name, for display and RouteGet); later changes to the profile, or its deletion, do
//! not touch the route.

use jet_rib::{Batch, IfId, RibCode};

/// Whether some gateway of the batch names a profile not yet resolved.
pub fn unresolved(b: &Batch) -> bool {
    b.gateways
        .iter()
        .any(|g| g.tunnel.is_some() && g.ifname.is_none())
}

/// Resolves every gateway naming a profile by name: `lookup` gives the profile's
/// interface, or `None` when no profile has that name. The first route naming an
/// unknown profile is refused with FLEXIBLE_TUNNEL_INVALID ("gateway N: flexible
/// tunnel profile 'NAME' does not exist"); it and the routes after it leave the batch,
/// as for any entry failing form checks.
pub fn resolve(b: &mut Batch, mut lookup: impl FnMut(&str) -> Option<String>) {
    if !unresolved(b) {
        return;
    }
    for ri in 0..b.routes.len() {
        let start = b.routes[ri].gw_start as usize;
        let end = start + b.routes[ri].gw_len as usize;
        for k in start..end.min(b.gateways.len()) {
            let g = &b.gateways[k];
            let (Some(t), None) = (g.tunnel, g.ifname) else {
                continue;
            };
            let name = b.names.get(t.0 as usize).cloned().unwrap_or_default();
            match lookup(&name) {
                Some(ifname) => {
                    let i = IfId(b.name_index(&ifname));
                    b.gateways[k].ifname = Some(i);
                }
                None => {
                    // This route is now the first invalid entry (any refusal recorded
                    // by the conversion was for a later one).
                    b.routes.truncate(ri);
                    b.invalid = None;
                    b.refuse(
                        RibCode::FlexibleTunnelInvalid,
                        format!(
                            "gateway {}: flexible tunnel profile '{name}' does not exist",
                            k - start
                        ),
                    );
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert;
    use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
    use jet_proto::jnx::jet::routing::base::{
        network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable,
        RouteTableName,
    };
    use jet_proto::jnx::jet::routing::rib as pb;

    fn v4(s: &str) -> NetworkAddress {
        NetworkAddress {
            af: Some(Af::Inet(IpAddress {
                addr_format: Some(AddrFormat::AddrString(s.into())),
            })),
        }
    }

    fn route(dest: &str, gateways: Vec<pb::RouteGateway>) -> pb::RouteEntry {
        pb::RouteEntry {
            key: Some(pb::RouteMatch {
                dest_prefix: Some(v4(dest)),
                dest_prefix_len: 32,
                table: Some(RouteTable {
                    route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                        name: "inet.0".into(),
                    })),
                }),
                cookie: 0,
            }),
            nexthop: Some(pb::RouteNexthop { gateways }),
            ..Default::default()
        }
    }

    fn by_name(name: &str) -> pb::RouteGateway {
        pb::RouteGateway {
            flexible_tunnel_profile: Some(pb::FlexibleTunnelProfile {
                name: name.into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn inline(name: &str, ifname: &str) -> pb::RouteGateway {
        pb::RouteGateway {
            flexible_tunnel_profile: Some(pb::FlexibleTunnelProfile {
                name: name.into(),
                interface_name: ifname.into(),
                attributes: Some(pb::TunnelAttributes::default()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn lookup(name: &str) -> Option<String> {
        match name {
            "p1" => Some("fti0.1".into()),
            "p2" => Some("fti0.2".into()),
            _ => None,
        }
    }

    fn names(b: &Batch, k: usize) -> (Option<&str>, Option<&str>) {
        let g = &b.gateways[k];
        let n = |i: Option<IfId>| i.map(|i| b.names[i.0 as usize].as_str());
        (n(g.ifname), n(g.tunnel))
    }

    #[test]
    fn a_name_resolves_to_the_profiles_interface() {
        let mut b = convert::batch(&[
            route("10.0.0.1", vec![by_name("p1")]),
            route("10.0.0.2", vec![by_name("p2"), by_name("p1")]),
        ]);
        assert!(b.invalid.is_none(), "{:?}", b.invalid);
        assert!(unresolved(&b));
        assert_eq!(names(&b, 0), (None, Some("p1")));
        resolve(&mut b, lookup);
        assert!(!unresolved(&b));
        assert!(b.invalid.is_none());
        assert_eq!(b.routes.len(), 2);
        assert_eq!(names(&b, 0), (Some("fti0.1"), Some("p1")));
        assert_eq!(names(&b, 1), (Some("fti0.2"), Some("p2")));
        assert_eq!(names(&b, 2), (Some("fti0.1"), Some("p1")));
        assert!(b.gateways.iter().all(|g| g.addr.is_none()));
    }

    #[test]
    fn an_unknown_name_refuses_its_route_naming_gateway_and_profile() {
        let mut b = convert::batch(&[
            route("10.0.0.1", vec![by_name("p1")]),
            route("10.0.0.2", vec![by_name("p1"), by_name("p9")]),
            route("10.0.0.3", vec![by_name("p1")]),
            // A form error later in the batch: the unknown profile comes first.
            route("10.0.0.4", vec![pb::RouteGateway::default()]),
        ]);
        let e = b.invalid.clone().map(|e| (e.index, e.code));
        assert_eq!(e, Some((3, RibCode::NexthopAddressInvalid)));
        resolve(&mut b, lookup);
        assert_eq!(b.routes.len(), 1);
        let e = b.invalid.expect("refused");
        assert_eq!(e.index, 1);
        assert_eq!(e.code, RibCode::FlexibleTunnelInvalid);
        assert_eq!(
            e.message,
            "gateway 1: flexible tunnel profile 'p9' does not exist"
        );
    }

    #[test]
    fn inline_profiles_need_no_lookup_and_win_over_a_name() {
        let mut b = convert::batch(&[
            route("10.0.0.1", vec![inline("", "fti0.7")]),
            route("10.0.0.2", vec![inline("p1", "fti0.8")]),
        ]);
        assert!(b.invalid.is_none(), "{:?}", b.invalid);
        assert!(!unresolved(&b));
        resolve(&mut b, |_| panic!("no lookup for inline profiles"));
        assert_eq!(names(&b, 0), (Some("fti0.7"), None));
        assert_eq!(names(&b, 1), (Some("fti0.8"), Some("p1")));
    }

    #[test]
    fn half_given_or_empty_profiles_are_refused() {
        let mut half = inline("p1", "fti0.1");
        if let Some(t) = half.flexible_tunnel_profile.as_mut() {
            t.attributes = None;
        }
        let b = convert::batch(&[route("10.0.0.1", vec![half])]);
        let e = b.invalid.expect("refused");
        assert_eq!(e.code, RibCode::FlexibleTunnelInvalid);
        assert!(
            e.message.contains("needs an interface and attributes"),
            "{}",
            e.message
        );
        let b = convert::batch(&[route("10.0.0.1", vec![by_name("")])]);
        let e = b.invalid.expect("refused");
        assert_eq!(e.code, RibCode::FlexibleTunnelInvalid);
        assert!(e
            .message
            .starts_with("gateway 0: flexible tunnel profile is empty"));
    }

    #[test]
    fn the_rib_refuses_a_profile_left_unresolved() {
        let mut rib = jet_rib::Rib::new();
        let (client, _) = rib
            .clients
            .initialize("app", 1, jet_rib::Defaults::default());
        let mut b = convert::batch(&[route("10.0.0.1", vec![by_name("p1")])]);
        let mut changes = Vec::new();
        let out = rib.apply(client, jet_rib::SetOp::Add, &mut b, 0, &mut changes);
        let e = out.error.expect("refused");
        assert_eq!((out.completed, e.code), (0, RibCode::FlexibleTunnelInvalid));
    }
}
