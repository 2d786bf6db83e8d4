//! `show flexible-tunnels profiles [NAME] [brief | detail]` /
//! `<get-flexible-tunnels-profiles/>`: the flexible tunnel profiles programmed through
//! `jnx.jet.routing.rib.FlexibleTunnel`, with the device's limits and how many routes
//! name each profile (RIB gateways whose `flexible_tunnel_profile` names it; a route
//! keeps the interface it resolved to when its profile changes or goes).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::rib::RibHandle;
use crate::tunnels::{Profile, TunnelSet, MAX_BATCH, MAX_PROFILES};

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TunnelsQuery {
    name: Option<String>,
    detail: bool,
}

pub(super) fn parse(rest: &[&str]) -> Result<TunnelsQuery, DeviceError> {
    let mut q = TunnelsQuery::default();
    for w in rest {
        match *w {
            "brief" => q.detail = false,
            "detail" => q.detail = true,
            name if q.name.is_none() => q.name = Some(name.to_string()),
            other => {
                return Err(DeviceError::syntax(format!(
                    "show flexible-tunnels profiles: unexpected '{other}'"
                )))
            }
        }
    }
    Ok(q)
}

/// The query of `<get-flexible-tunnels-profiles>` (`<tunnel-name>`, `<detail/>`).
pub(super) fn parse_rpc(body: &str) -> TunnelsQuery {
    TunnelsQuery {
        name: super::interfaces::rpc_text(body, "tunnel-name"),
        detail: body.contains("<detail/>"),
    }
}

fn ports(p: &Profile) -> String {
    p.vxlan
        .source_ports
        .map_or_else(|| "-".into(), |(lo, hi)| format!("{lo}-{hi}"))
}

fn mac(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Routes (paths) per profile name: each interned next hop naming a profile counts its
/// users once, however many of its gateways name it. One pass over the next hops.
fn route_counts(rib: &jet_rib::Rib) -> HashMap<String, u64> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for (_, e) in rib.nhs.iter() {
        let jet_rib::NextHop::Gateways(gws) = &e.nh else {
            continue;
        };
        let mut seen: Vec<jet_rib::IfId> = Vec::new();
        for t in gws.iter().filter_map(|g| g.tunnel) {
            if !seen.contains(&t) {
                seen.push(t);
                *counts.entry(rib.ifnames.name(t).to_owned()).or_default() += u64::from(e.refs);
            }
        }
    }
    counts
}

fn element(p: &Profile, routes: u64) -> Element {
    let v = &p.vxlan;
    let mut e = Element::container("flexible-tunnels-profile")
        .child(Element::leaf("profile-name", &p.name))
        .child(Element::leaf("tunnel-action", p.action.as_str()))
        .child(Element::leaf("interface-name", &p.interface))
        .child(Element::leaf("tunnel-type", "vxlan"))
        .child(Element::leaf("vni", v.vni.to_string()))
        .child(Element::leaf(
            "source-prefix",
            format!("{}/{}", v.source, v.source_len),
        ))
        .child(Element::leaf("source-udp-port-range", ports(p)))
        .child(Element::leaf(
            "destination-address",
            v.destination.map_or_else(|| "-".into(), |d| d.to_string()),
        ))
        .child(Element::leaf(
            "destination-udp-port",
            v.destination_port.to_string(),
        ))
        .child(Element::leaf("vxlan-flags", format!("0x{:02x}", v.flags)));
    if let Some(m) = v.destination_mac {
        e.push(Element::leaf("destination-mac", mac(m)));
    }
    e.child(Element::leaf("client-id", &p.client))
        .child(Element::leaf("route-count", routes.to_string()))
}

/// Blocking (reads the RIB to count routes): run it off the async workers.
pub(super) fn render(
    set: &TunnelSet,
    rib: &RibHandle,
    q: &TunnelsQuery,
    format: Format,
) -> Result<String, DeviceError> {
    let shown: Vec<&Profile> = match &q.name {
        Some(n) => match set.profiles.get(n) {
            Some(p) => vec![p.as_ref()],
            None => {
                return Err(DeviceError::syntax(format!(
                    "flexible tunnel profile '{n}' not found"
                )))
            }
        },
        None => set.profiles.values().map(|p| p.as_ref()).collect(),
    };
    let counts = if shown.is_empty() {
        HashMap::new()
    } else {
        rib.read(route_counts)
    };
    let routes = |p: &Profile| counts.get(&p.name).copied().unwrap_or(0);
    let mut e = Element::container("flexible-tunnels-profile-information")
        .xmlns("junos")
        .child(Element::leaf(
            "profile-count",
            set.profiles.len().to_string(),
        ))
        .child(Element::leaf("profile-limit", MAX_PROFILES.to_string()))
        .child(Element::leaf("batch-limit", MAX_BATCH.to_string()));
    for p in &shown {
        e.push(element(p, routes(p)));
    }
    Ok(match format {
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
        Format::Text => {
            let mut t = String::new();
            let _ = writeln!(
                t,
                "Flexible tunnel profiles: {} (limit {MAX_PROFILES}, {MAX_BATCH} per request)",
                set.profiles.len()
            );
            if q.detail {
                for p in &shown {
                    let v = &p.vxlan;
                    let _ = writeln!(t, "\nProfile: {}", p.name);
                    let _ = writeln!(
                        t,
                        "  Action: {}, Interface: {}, Type: vxlan, Client: {}",
                        p.action.as_str(),
                        p.interface,
                        p.client
                    );
                    let _ = writeln!(
                        t,
                        "  VNI: {}, Source: {}/{}, Source UDP ports: {}",
                        v.vni,
                        v.source,
                        v.source_len,
                        ports(p)
                    );
                    let _ = writeln!(
                        t,
                        "  Destination: {}, Destination UDP port: {}, Flags: 0x{:02x}{}",
                        v.destination.map_or_else(|| "-".into(), |d| d.to_string()),
                        v.destination_port,
                        v.flags,
                        v.destination_mac
                            .map(|m| format!(", Inner destination MAC: {}", mac(m)))
                            .unwrap_or_default()
                    );
                    let _ = writeln!(t, "  Routes: {}", routes(p));
                }
            } else if !shown.is_empty() {
                let _ = writeln!(
                    t,
                    "{:<20} {:<12} {:<10} {:>8} {:<22} {:<18} {:>5} {:>7}",
                    "Name", "Action", "Interface", "VNI", "Source", "Destination", "Port", "Routes"
                );
                for p in &shown {
                    let v = &p.vxlan;
                    let _ = writeln!(
                        t,
                        "{:<20} {:<12} {:<10} {:>8} {:<22} {:<18} {:>5} {:>7}",
                        p.name,
                        p.action.as_str(),
                        p.interface,
                        v.vni,
                        format!("{}/{}", v.source, v.source_len),
                        v.destination.map_or_else(|| "-".into(), |d| d.to_string()),
                        v.destination_port,
                        routes(p)
                    );
                }
            }
            t
        }
    })
}
