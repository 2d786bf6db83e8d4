//! JET RIB protobuf ⇄ domain: form checks of each route with the sub-code the contract
//! names, and routes back to `RouteEntry`.
//!
//! The request path does no per-route heap work of its own: addresses are parsed from
//! the `&str` prost decoded (no copies), tables and interface names are interned per
//! batch, gateways go into one batch-wide vector.

use std::net::IpAddr;

use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, LabelOperation, NetworkAddress,
    RouteProtoType, RouteTable, RouteTableId, RouteTableName,
};
use jet_proto::jnx::jet::routing::rib as pb;
use jet_rib::{
    self, Batch, DeleteBatch, Gateway, IfId, KeySpec, LabelAction, LabelOp, Prefix, Proto, Rib,
    RibCode, RouteSpec, RouteView, TableRef, MAX_GATEWAYS,
};

/// Why a request was refused: the JET sub-code and the message the client sees.
pub type Refusal = (RibCode, String);

fn refuse<T>(code: RibCode, msg: impl Into<String>) -> Result<T, Refusal> {
    Err((code, msg.into()))
}

/// Most label operations on one gateway.
const MAX_LABELS: usize = 16;

/// An IP address given as text or as 4/16 bytes; `None` when it is neither.
pub fn ip(a: &IpAddress) -> Option<IpAddr> {
    match a.addr_format.as_ref()? {
        AddrFormat::AddrString(s) => s.parse().ok(),
        AddrFormat::AddrBytes(b) => match b.len() {
            4 => <[u8; 4]>::try_from(b.as_slice()).ok().map(IpAddr::from),
            16 => <[u8; 16]>::try_from(b.as_slice()).ok().map(IpAddr::from),
            _ => None,
        },
    }
}

/// A destination from a `NetworkAddress` and length.
pub fn prefix(a: Option<&NetworkAddress>, len: u32) -> Result<Prefix, Refusal> {
    let Some(af) = a.and_then(|a| a.af.as_ref()) else {
        return refuse(RibCode::PrefixInvalid, "destination prefix missing");
    };
    let r = match af {
        Af::Inet(x) => match ip(x) {
            Some(IpAddr::V4(v)) => Prefix::v4(v, len),
            _ => return refuse(RibCode::PrefixInvalid, "destination is not an IPv4 address"),
        },
        Af::Inet6(x) => match ip(x) {
            Some(IpAddr::V6(v)) => Prefix::v6(v, len),
            _ => return refuse(RibCode::PrefixInvalid, "destination is not an IPv6 address"),
        },
        Af::Mpls(m) => Prefix::mpls(m.label, len),
    };
    r.map_err(|e| (e.code(), e.to_string()))
}

fn table_ref(t: Option<&RouteTable>) -> Result<TableRefBorrow<'_>, Refusal> {
    match t.and_then(|t| t.route_table_format.as_ref()) {
        Some(RouteTableFormat::Name(n)) if !n.name.is_empty() => Ok(TableRefBorrow::Name(&n.name)),
        Some(RouteTableFormat::Id(i)) => Ok(TableRefBorrow::Id(i.id)),
        _ => refuse(RibCode::TableInvalid, "routing table missing"),
    }
}

/// A table as a request names it, borrowed from the message.
pub enum TableRefBorrow<'a> {
    /// By name (`inet.0`).
    Name(&'a str),
    /// By numeric id.
    Id(u32),
}

impl TableRefBorrow<'_> {
    /// The owned form the RIB resolves.
    pub fn owned(&self) -> TableRef {
        match self {
            TableRefBorrow::Name(n) => TableRef::Name((*n).to_owned()),
            TableRefBorrow::Id(i) => TableRef::Id(*i),
        }
    }
}

/// A table named in a request, resolved against the RIB.
pub fn resolve_table(rib: &Rib, t: Option<&RouteTable>) -> Result<jet_rib::TableId, Refusal> {
    let r = table_ref(t)?.owned();
    rib.resolve_table(&r)
        .ok_or_else(|| (RibCode::TableInvalid, format!("table '{r}' does not exist")))
}

/// Whether `n` is a well-formed interface name (at most 64 characters, a letter first,
/// then letters, digits and `-/.:_`).
pub fn interface_name_ok(n: &str) -> bool {
    n.len() <= 64
        && n.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-/.:_".contains(c))
}

fn labels(ls: &jet_proto::jnx::jet::routing::base::LabelStack) -> Result<Box<[LabelOp]>, Refusal> {
    if ls.entries.is_empty() {
        return refuse(RibCode::MplsActionInvalid, "label stack without entries");
    }
    if ls.entries.len() > MAX_LABELS {
        return refuse(
            RibCode::MplsActionInvalid,
            format!("more than {MAX_LABELS} label operations"),
        );
    }
    let mut out = Vec::with_capacity(ls.entries.len());
    for e in &ls.entries {
        let action = match LabelOperation::try_from(e.opcode) {
            Ok(LabelOperation::Push) => LabelAction::Push,
            Ok(LabelOperation::Pop) => LabelAction::Pop,
            Ok(LabelOperation::Swap) => LabelAction::Swap,
            _ => {
                return refuse(
                    RibCode::MplsActionInvalid,
                    format!("label operation {} is not push, pop or swap", e.opcode),
                )
            }
        };
        let label = e.label_entry.map_or(0, |l| l.label);
        if action != LabelAction::Pop && !jet_rib::label_is_valid(label) {
            return refuse(
                RibCode::MplsLabelInvalid,
                format!("MPLS label {label} is invalid (20 bits, not 4-15)"),
            );
        }
        out.push(LabelOp { action, label });
    }
    Ok(out.into_boxed_slice())
}

/// How a gateway's `flexible_tunnel_profile` is given.
enum ProfileUse<'a> {
    /// No profile.
    None,
    /// Inline (interface and attributes; the name, if any, only labels it).
    Inline { name: &'a str, ifname: &'a str },
    /// Only a name: a profile of the FlexibleTunnel service, resolved later
    /// ([`crate::profiles::resolve`]).
    ByName(&'a str),
}

/// The contract: a profile on a gateway overrides its other parameters; its name is
/// "optional when embedded". So interface + attributes make an inline profile (inline
/// wins over a profile of the same name), a name alone refers to a stored profile, and
/// anything else is FLEXIBLE_TUNNEL_INVALID.
fn profile_use(n: usize, g: &pb::RouteGateway) -> Result<ProfileUse<'_>, Refusal> {
    let Some(t) = &g.flexible_tunnel_profile else {
        return Ok(ProfileUse::None);
    };
    match (
        t.name.is_empty(),
        t.interface_name.is_empty(),
        t.attributes.is_none(),
    ) {
        (_, false, false) => Ok(ProfileUse::Inline {
            name: &t.name,
            ifname: &t.interface_name,
        }),
        (false, true, true) => Ok(ProfileUse::ByName(&t.name)),
        (true, true, true) => refuse(
            RibCode::FlexibleTunnelInvalid,
            format!(
                "gateway {n}: flexible tunnel profile is empty (give the name of a profile, \
                 or an interface and attributes)"
            ),
        ),
        _ => refuse(
            RibCode::FlexibleTunnelInvalid,
            format!("gateway {n}: flexible tunnel profile needs an interface and attributes"),
        ),
    }
}

fn gateway(b: &mut Batch, n: usize, g: &pb::RouteGateway) -> Result<Gateway, Refusal> {
    let mut ifname = (!g.interface_name.is_empty()).then_some(g.interface_name.as_str());
    // The profile overrides the other parameters: it anchors the route on its FTI
    // interface (a profile given by name gets it when resolved).
    let tunnel = match profile_use(n, g)? {
        ProfileUse::None => None,
        ProfileUse::Inline { name, ifname: i } => {
            ifname = Some(i);
            (!name.is_empty()).then_some(name)
        }
        ProfileUse::ByName(name) => {
            ifname = None;
            Some(name)
        }
    };
    let addr = match g.gateway_address.as_ref().and_then(|a| a.af.as_ref()) {
        Some(Af::Inet(x)) | Some(Af::Inet6(x)) => match ip(x) {
            Some(a) => Some(a),
            None => {
                return refuse(
                    RibCode::NexthopAddressInvalid,
                    format!("gateway {n}: address is not a valid IP address"),
                )
            }
        },
        Some(Af::Mpls(_)) => {
            return refuse(
                RibCode::NexthopAddressInvalid,
                format!("gateway {n}: an MPLS label is not a gateway address"),
            )
        }
        None if g.flexible_tunnel_profile.is_some() => None,
        None => {
            return refuse(
                RibCode::NexthopAddressInvalid,
                format!("gateway {n}: address missing"),
            )
        }
    };
    let local = match g.local_address.as_ref().and_then(|a| a.af.as_ref()) {
        Some(Af::Inet(x)) | Some(Af::Inet6(x)) => match ip(x) {
            Some(a) => Some(a),
            None => {
                return refuse(
                    RibCode::NexthopAddressInvalid,
                    format!("gateway {n}: local address is not valid"),
                )
            }
        },
        Some(Af::Mpls(_)) => {
            return refuse(
                RibCode::NexthopAddressInvalid,
                format!("gateway {n}: local address is an MPLS label"),
            )
        }
        None => None,
    };
    if let Some(name) = ifname {
        if !interface_name_ok(name) {
            return refuse(
                RibCode::InterfaceInvalid,
                format!("gateway {n}: invalid interface name '{name}'"),
            );
        }
    }
    if g.weight > 65_535 {
        return refuse(
            RibCode::NexthopInvalid,
            format!("gateway {n}: weight {} is out of range 1-65535", g.weight),
        );
    }
    let labels = match &g.label_stack {
        Some(ls) => labels(ls).map_err(|(c, m)| (c, format!("gateway {n}: {m}")))?,
        None => Box::default(),
    };
    Ok(Gateway {
        addr,
        ifname: ifname.map(|name| IfId(b.name_index(name))),
        local,
        labels,
        weight: g.weight as u16,
        bandwidth_bits: g.bandwidth.max(0.0).to_bits(),
        tunnel: tunnel.map(|name| IfId(b.name_index(name))),
    })
}

fn route(b: &mut Batch, e: &pb::RouteEntry) -> Result<RouteSpec, Refusal> {
    let Some(key) = &e.key else {
        return refuse(RibCode::PrefixInvalid, "route key missing");
    };
    let bgp_static = match RouteProtoType::try_from(e.protocol) {
        Ok(RouteProtoType::ProtoAny) => false,
        Ok(RouteProtoType::ProtoBgpStatic) => true,
        _ => {
            return refuse(
                RibCode::ProtocolInvalid,
                format!(
                    "protocol {} may not be programmed (only unspecified or BGP_STATIC)",
                    e.protocol
                ),
            )
        }
    };
    let table = match table_ref(key.table.as_ref())? {
        TableRefBorrow::Name(n) => b.table_name_index(n),
        TableRefBorrow::Id(i) => b.table_index(TableRef::Id(i)),
    };
    let prefix = prefix(key.dest_prefix.as_ref(), key.dest_prefix_len)?;
    let gws: &[pb::RouteGateway] = e.nexthop.as_ref().map_or(&[], |n| &n.gateways);
    if gws.len() > MAX_GATEWAYS {
        return refuse(
            RibCode::NexthopLimitExceed,
            format!("{} gateways (at most {MAX_GATEWAYS})", gws.len()),
        );
    }
    let with_bw = gws.iter().filter(|g| g.bandwidth != 0.0).count();
    if with_bw != 0 && with_bw != gws.len() {
        return refuse(
            RibCode::BandwidthUsageInvalid,
            format!(
                "bandwidth set on {with_bw} of {} gateways (all or none)",
                gws.len()
            ),
        );
    }
    let start = b.gateways.len();
    for (n, g) in gws.iter().enumerate() {
        match gateway(b, n, g) {
            Ok(g) => b.gateways.push(g),
            Err(e) => {
                b.gateways.truncate(start);
                return Err(e);
            }
        }
    }
    let (pref, pref2, attrs) = match &e.attributes {
        Some(a) => (
            a.preferences.get(&0).copied(),
            a.preferences.get(&1).copied(),
            jet_rib::Attrs {
                tags: [a.tags.get(&0).copied(), a.tags.get(&1).copied()],
                colors: [a.colors.get(&0).copied(), a.colors.get(&1).copied()],
            },
        ),
        None => (None, None, jet_rib::Attrs::default()),
    };
    Ok(RouteSpec {
        table,
        prefix,
        cookie: key.cookie,
        gw_start: start as u32,
        gw_len: gws.len() as u16,
        pref,
        pref2,
        bgp_static,
        stats: e.enable_stats,
        attrs,
        bgp: 0,
    })
}

/// Builds a batch from RouteAdd/Modify/Update entries, stopping at the first entry that
/// fails form checks (recorded in `Batch::invalid`).
pub fn batch(entries: &[pb::RouteEntry]) -> Batch {
    let mut b = Batch::with_capacity(entries.len());
    for e in entries {
        match route(&mut b, e) {
            Ok(r) => b.routes.push(r),
            Err((code, msg)) => {
                b.refuse(code, msg);
                break;
            }
        }
    }
    b
}

/// Builds a delete batch.
pub fn delete_batch(keys: &[pb::RouteMatch]) -> DeleteBatch {
    let mut d = DeleteBatch::default();
    for k in keys {
        let r = table_ref(k.table.as_ref()).and_then(|t| {
            let p = prefix(k.dest_prefix.as_ref(), k.dest_prefix_len)?;
            Ok((t, p))
        });
        match r {
            Ok((t, prefix)) => {
                let table = match t {
                    TableRefBorrow::Name(n) => d.table_name_index(n),
                    TableRefBorrow::Id(i) => d.table_id_index(i),
                };
                d.keys.push(KeySpec {
                    table,
                    prefix,
                    cookie: k.cookie,
                });
            }
            Err((code, msg)) => {
                d.refuse(code, msg);
                break;
            }
        }
    }
    d
}

/// An address as the client asked at RouteInitialize: text, or (`bytes`) its 4 or 16
/// bytes in network order.
pub fn ip_pb(a: IpAddr, bytes: bool) -> IpAddress {
    let f = match (bytes, a) {
        (false, a) => AddrFormat::AddrString(a.to_string()),
        (true, IpAddr::V4(v)) => AddrFormat::AddrBytes(v.octets().to_vec()),
        (true, IpAddr::V6(v)) => AddrFormat::AddrBytes(v.octets().to_vec()),
    };
    IpAddress {
        addr_format: Some(f),
    }
}

/// A destination as a `NetworkAddress` (IP addresses as bytes when `bytes`).
pub fn network_address(p: &Prefix, bytes: bool) -> NetworkAddress {
    let af = match (*p, p.addr()) {
        (Prefix::Mpls(l), _) => {
            Af::Mpls(jet_proto::jnx::jet::routing::base::MplsAddress { label: l })
        }
        (Prefix::V6(..), Some(a)) => Af::Inet6(ip_pb(a, bytes)),
        (_, a) => Af::Inet(ip_pb(a.unwrap_or(IpAddr::from([0, 0, 0, 0])), bytes)),
    };
    NetworkAddress { af: Some(af) }
}

fn gw_address(a: IpAddr, bytes: bool) -> NetworkAddress {
    NetworkAddress {
        af: Some(if a.is_ipv6() {
            Af::Inet6(ip_pb(a, bytes))
        } else {
            Af::Inet(ip_pb(a, bytes))
        }),
    }
}

/// The table as a reply names it.
pub fn table_pb(rib: &Rib, t: jet_rib::TableId, by_id: bool) -> RouteTable {
    let f = if by_id {
        RouteTableFormat::Id(RouteTableId { id: t.0 })
    } else {
        RouteTableFormat::Name(RouteTableName {
            name: rib.table(t).map(|t| t.name.clone()).unwrap_or_default(),
        })
    };
    RouteTable {
        route_table_format: Some(f),
    }
}

/// A route source as the protobuf `RouteProtoType` number.
pub fn proto_pb(p: Proto) -> i32 {
    (match p {
        Proto::Direct => RouteProtoType::ProtoDirect,
        Proto::Local => RouteProtoType::ProtoLocal,
        Proto::Static | Proto::Jet => RouteProtoType::ProtoStatic,
        Proto::BgpStatic => RouteProtoType::ProtoBgpStatic,
    }) as i32
}

/// A path as a `RouteEntry`. `table` is built once per reply and cloned. `bytes`: every
/// IP address (destination, gateway, local address) as `addr_bytes` instead of text.
pub fn entry(rib: &Rib, v: &RouteView<'_>, table: &RouteTable, bytes: bool) -> pb::RouteEntry {
    let gateways = match &v.nh.nh {
        jet_rib::NextHop::Gateways(g) => g
            .iter()
            .map(|g| pb::RouteGateway {
                gateway_address: g.addr.map(|a| gw_address(a, bytes)),
                interface_name: g
                    .ifname
                    .map(|i| rib.ifnames.name(i).to_owned())
                    .unwrap_or_default(),
                local_address: g.local.map(|a| gw_address(a, bytes)),
                label_stack: (!g.labels.is_empty()).then(|| {
                    jet_proto::jnx::jet::routing::base::LabelStack {
                        entries: g
                            .labels
                            .iter()
                            .map(|l| jet_proto::jnx::jet::routing::base::LabelStackEntry {
                                opcode: match l.action {
                                    LabelAction::Push => LabelOperation::Push,
                                    LabelAction::Pop => LabelOperation::Pop,
                                    LabelAction::Swap => LabelOperation::Swap,
                                } as i32,
                                label_entry: Some(jet_proto::jnx::jet::routing::base::LabelEntry {
                                    label: l.label,
                                    ..Default::default()
                                }),
                            })
                            .collect(),
                    }
                }),
                weight: u32::from(g.weight),
                bandwidth: g.bandwidth(),
                // The profile by name (its parameters live in the FlexibleTunnel
                // service; an unnamed inline profile is not echoed).
                flexible_tunnel_profile: g.tunnel.map(|t| pb::FlexibleTunnelProfile {
                    name: rib.ifnames.name(t).to_owned(),
                    ..Default::default()
                }),
            })
            .collect(),
        jet_rib::NextHop::Interface(i) | jet_rib::NextHop::Receive(i) => vec![pb::RouteGateway {
            interface_name: rib.ifnames.name(*i).to_owned(),
            ..Default::default()
        }],
        _ => Vec::new(),
    };
    let mut prefs = std::collections::HashMap::with_capacity(2);
    prefs.insert(0, v.path.pref);
    if v.path.pref2 != u32::MAX {
        prefs.insert(1, v.path.pref2);
    }
    let a = rib.attrs_of(v.path);
    let map = |x: [Option<u32>; 2]| {
        x.iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as u32, v)))
            .collect()
    };
    pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: Some(network_address(&v.prefix, bytes)),
            dest_prefix_len: u32::from(v.prefix.len()),
            table: Some(table.clone()),
            cookie: v.path.cookie,
        }),
        nexthop: Some(pb::RouteNexthop { gateways }),
        protocol: proto_pb(v.path.proto),
        attributes: Some(pb::RouteAttributes {
            preferences: prefs,
            tags: map(a.tags),
            colors: map(a.colors),
        }),
        enable_stats: v.path.flags & jet_rib::FLAG_STATS != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> NetworkAddress {
        NetworkAddress {
            af: Some(Af::Inet(IpAddress {
                addr_format: Some(AddrFormat::AddrString(s.into())),
            })),
        }
    }

    #[test]
    fn prefixes_map_to_the_contract_sub_codes() {
        assert_eq!(
            prefix(Some(&v4("10.0.0.1")), 24).map_err(|e| e.0),
            Err(RibCode::PrefixLenTooShort)
        );
        assert_eq!(
            prefix(Some(&v4("10.0.0.0")), 33).map_err(|e| e.0),
            Err(RibCode::PrefixLenTooLong)
        );
        assert_eq!(
            prefix(Some(&v4("10.0.0")), 8).map_err(|e| e.0),
            Err(RibCode::PrefixInvalid)
        );
        assert_eq!(
            prefix(None, 8).map_err(|e| e.0),
            Err(RibCode::PrefixInvalid)
        );
        assert!(prefix(Some(&v4("10.0.0.0")), 8).is_ok());
    }

    #[test]
    fn addresses_are_written_as_text_or_as_bytes() {
        let p = Prefix::v4("10.1.0.0".parse().expect("v4"), 16).expect("prefix");
        let na = network_address(&p, true);
        assert_eq!(
            na.af,
            Some(Af::Inet(IpAddress {
                addr_format: Some(AddrFormat::AddrBytes(vec![10, 1, 0, 0])),
            }))
        );
        assert_eq!(network_address(&p, false), v4("10.1.0.0"));
        let gw = gw_address("2001:db8::1".parse().expect("v6"), true);
        let Some(Af::Inet6(IpAddress {
            addr_format: Some(AddrFormat::AddrBytes(b)),
        })) = gw.af
        else {
            panic!("inet6 bytes expected: {gw:?}");
        };
        assert_eq!(b.len(), 16);
        assert_eq!(
            ip(&IpAddress {
                addr_format: Some(AddrFormat::AddrBytes(b)),
            }),
            Some("2001:db8::1".parse().expect("v6"))
        );
    }

    #[test]
    fn interface_names_are_checked() {
        assert!(interface_name_ok("ge-0/0/0.0"));
        assert!(!interface_name_ok("ge 0"));
        assert!(!interface_name_ok(""));
    }
}
