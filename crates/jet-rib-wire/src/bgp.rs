//! The BGP route service's protobuf (`jnx.jet.routing.bgp`) ⇄ jet-rib: form checks of
//! each BGP-static route with the BGP sub-code the contract names (its numbering
//! differs from the RIB service's), RIB refusals renumbered, and paths with their BGP
//! attributes back to `RouteEntry`.
//!
//! Families: this device holds `inet` and `inet6` BGP routes; the other families of
//! `RoutePrefix` (L3VPN, labeled, flowspec, SR-TE, multicast) are refused with
//! REQUEST_UNSUPPORTED naming the family, as is the label stack the API version does not
//! support.

use std::net::IpAddr;

use jet_proto::jnx::jet::common::IpAddress;
use jet_proto::jnx::jet::routing::base::{
    route_prefix::RoutePrefixAf, AsPath, Communities, Community, RoutePrefix, RouteProtoType,
    RouteTable,
};
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_rib::{
    Batch, BgpAttrs, BgpNhKind, DeleteBatch, Gateway, KeySpec, Prefix, Proto, Rib, RibCode,
    RouteSpec, RouteView, TableRef, DEFAULT_LOCAL_PREF,
};

use crate::convert::{ip, ip_pb};

/// Sub-codes of RouteGet.
pub use pb::route_get_response::StatusCode as GetCode;
/// Sub-codes of Add/Modify/Update/Delete.
pub use pb::route_oper_response::StatusCode as OperCode;

/// The first entry of a request that failed its form checks: index, sub-code, message.
pub type FormError = (usize, OperCode, String);

/// Default route preference of a BGP-static route (the contract's `route_preference`).
pub const DEFAULT_ROUTE_PREFERENCE: u32 = 5;
/// Lowest and highest single VPN label accepted.
pub const LABEL_RANGE: std::ops::RangeInclusive<u32> = 16..=1_048_575;

/// A RIB refusal as the BGP service numbers it.
pub fn oper_code(c: RibCode) -> OperCode {
    match c {
        RibCode::NotInitialized => OperCode::NotInitialized,
        RibCode::NoOp => OperCode::NoOp,
        RibCode::TooManyOps => OperCode::TooManyOps,
        RibCode::TableInvalid => OperCode::TableInvalid,
        RibCode::PrefixInvalid => OperCode::PrefixInvalid,
        RibCode::PrefixLenTooShort => OperCode::PrefixLenTooShort,
        RibCode::PrefixLenTooLong => OperCode::PrefixLenTooLong,
        RibCode::NexthopInvalid => OperCode::NexthopInvalid,
        RibCode::NexthopAddressInvalid => OperCode::NexthopAddressInvalid,
        RibCode::NexthopLimitExceed => OperCode::NexthopEcmpLimit,
        RibCode::RouteExists => OperCode::RouteExists,
        RibCode::RouteNotFound => OperCode::RouteNotFound,
        RibCode::ProtocolInvalid => OperCode::ProtocolInvalid,
        RibCode::TryAgain => OperCode::RequestNotDone,
        RibCode::RequestUnsupported => OperCode::RequestUnsupported,
        RibCode::MplsLabelInvalid | RibCode::MplsActionInvalid => OperCode::LabelInfoInvalid,
        // Neither generation of the BGP service has ROUTE_API_VERSION_MISMATCH.
        RibCode::RouteApiVersionMismatch => OperCode::RequestUnsupported,
        _ => OperCode::InternalError,
    }
}

/// A destination from a BGP `RoutePrefix` and length (`inet` and `inet6` only).
pub fn prefix(p: Option<&RoutePrefix>, len: u32) -> Result<Prefix, (OperCode, String)> {
    let Some(af) = p.and_then(|p| p.route_prefix_af.as_ref()) else {
        return Err((OperCode::PrefixInvalid, "dest_prefix missing".into()));
    };
    let r = match af {
        RoutePrefixAf::Inet(a) => match ip(a) {
            Some(IpAddr::V4(v)) => Prefix::v4(v, len),
            _ => {
                return Err((
                    OperCode::PrefixInvalid,
                    "dest_prefix inet is not an IPv4 address".into(),
                ))
            }
        },
        RoutePrefixAf::Inet6(a) => match ip(a) {
            Some(IpAddr::V6(v)) => Prefix::v6(v, len),
            _ => {
                return Err((
                    OperCode::PrefixInvalid,
                    "dest_prefix inet6 is not an IPv6 address".into(),
                ))
            }
        },
        other => {
            return Err((
                OperCode::RequestUnsupported,
                format!(
                    "dest_prefix family {} is not supported by this device (inet and inet6 only)",
                    family_name(other)
                ),
            ))
        }
    };
    r.map_err(|e| (oper_code(e.code()), format!("dest_prefix: {e}")))
}

fn family_name(af: &RoutePrefixAf) -> &'static str {
    match af {
        RoutePrefixAf::Inet(_) => "inet",
        RoutePrefixAf::Inet6(_) => "inet6",
        RoutePrefixAf::Inetvpn(_) => "inetvpn",
        RoutePrefixAf::Inet6vpn(_) => "inet6vpn",
        RoutePrefixAf::LabeledInet(_) => "labeled-inet",
        RoutePrefixAf::LabeledInet6(_) => "labeled-inet6",
        _ => "other",
    }
}

/// The table a match names (required in changes).
pub fn table_ref(t: Option<&RouteTable>) -> Option<TableRef> {
    use jet_proto::jnx::jet::routing::base::route_table::RouteTableFormat;
    match t?.route_table_format.as_ref()? {
        RouteTableFormat::Name(n) if !n.name.is_empty() => Some(TableRef::Name(n.name.clone())),
        RouteTableFormat::Id(i) => Some(TableRef::Id(i.id)),
        _ => None,
    }
}

/// Checks an AS path (`65001 65002`, sets in `{ }` or `[ ]`, confederation segments in
/// `( )`) and returns it with single spaces.
pub fn as_path(s: &str) -> Result<String, String> {
    let mut toks = Vec::new();
    let mut depth: Vec<char> = Vec::new();
    for raw in tokenize(s) {
        match raw.as_str() {
            "{" | "[" | "(" => depth.push(raw.chars().next().unwrap_or('{')),
            "}" | "]" | ")" => {
                let open = depth.pop();
                let ok = matches!(
                    (open, raw.as_str()),
                    (Some('{'), "}") | (Some('['), "]") | (Some('('), ")")
                );
                if !ok {
                    return Err(format!("unbalanced '{raw}'"));
                }
            }
            n => match n.parse::<u64>() {
                Ok(v) if (1..=u64::from(u32::MAX)).contains(&v) => {}
                _ => return Err(format!("'{n}' is not an AS number (1..4294967295)")),
            },
        }
        toks.push(raw);
    }
    if !depth.is_empty() {
        return Err("unbalanced set or confederation bracket".into());
    }
    Ok(toks.join(" "))
}

fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_whitespace() || "{}[]()".contains(c) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Well-known community names Junos accepts.
const WELL_KNOWN: &[&str] = &[
    "no-export",
    "no-advertise",
    "no-export-subconfed",
    "llgr-stale",
    "no-llgr",
];

/// Checks one community: `AS:value` (16-bit each), a well-known name, `large:a:b:c`, or
/// an extended community `target:x:y` / `origin:x:y`.
pub fn community_ok(c: &str) -> bool {
    if WELL_KNOWN.contains(&c) {
        return true;
    }
    let parts: Vec<&str> = c.split(':').collect();
    let u16ok = |s: &str| s.parse::<u16>().is_ok();
    let u32ok = |s: &str| s.parse::<u32>().is_ok();
    match parts.as_slice() {
        [a, v] => u16ok(a) && u16ok(v),
        ["large", a, b, c] => u32ok(a) && u32ok(b) && u32ok(c),
        ["target" | "origin", a, v] => {
            (u32ok(a) || a.parse::<std::net::Ipv4Addr>().is_ok()) && u32ok(v)
        }
        _ => false,
    }
}

fn communities(c: Option<&Communities>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for (i, x) in c
        .map(|c| c.communities.as_slice())
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        if !community_ok(&x.community) {
            return Err(format!(
                "communities[{i}] '{}' is not a community (AS:value, large:a:b:c, target:x:y, or a well-known name)",
                x.community
            ));
        }
        out.push(x.community.clone());
    }
    Ok(out)
}

fn protocol_ok(p: i32) -> bool {
    p == RouteProtoType::ProtoAny as i32 || p == RouteProtoType::ProtoBgpStatic as i32
}

/// Builds a batch from Add/Modify/Update entries, stopping at the first entry that fails
/// its form checks (returned with its index; the batch holds exactly the entries before).
pub fn set_batch(entries: &[pb::RouteEntry]) -> (Batch, Option<FormError>) {
    let mut b = Batch::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        if let Err((code, msg)) = push_entry(&mut b, e) {
            return (b, Some((i, code, format!("routes[{i}]: {msg}"))));
        }
    }
    (b, None)
}

fn push_entry(b: &mut Batch, e: &pb::RouteEntry) -> Result<(), (OperCode, String)> {
    let Some(k) = e.key.as_ref() else {
        return Err((OperCode::PrefixInvalid, "key missing".into()));
    };
    if !protocol_ok(k.protocol) {
        return Err((
            OperCode::ProtocolInvalid,
            format!(
                "key.protocol {} is not PROTO_ANY or PROTO_BGP_STATIC",
                k.protocol
            ),
        ));
    }
    let p = prefix(k.dest_prefix.as_ref(), k.dest_prefix_len)?;
    let Some(t) = table_ref(k.table.as_ref()) else {
        return Err((OperCode::TableInvalid, "key.table missing".into()));
    };
    let flags = e.route_flags.unwrap_or_default();
    if flags.use_nexthop_reject && flags.use_nexthop_fictitious {
        return Err((
            OperCode::MutuallyExclusiveRtFlagsAreSet,
            "route_flags use_nexthop_reject and use_nexthop_fictitious are mutually exclusive"
                .into(),
        ));
    }
    let nh = match e.protocol_nexthops.as_slice() {
        [] => {
            return Err((
                OperCode::NexthopInvalid,
                "protocol_nexthops missing (exactly one is required)".into(),
            ))
        }
        [one] => match ip(one) {
            Some(a) if a.is_ipv4() == p.addr().is_some_and(|x| x.is_ipv4()) => a,
            Some(a) => {
                return Err((
                    OperCode::NexthopAddressInvalid,
                    format!("protocol_nexthops[0] {a} is not of the family of {p}"),
                ))
            }
            None => {
                return Err((
                    OperCode::NexthopAddressInvalid,
                    "protocol_nexthops[0] is not an IP address".into(),
                ))
            }
        },
        many => {
            return Err((
                OperCode::NexthopEcmpLimit,
                format!(
                    "{} protocol_nexthops given; multipath is not supported (exactly one)",
                    many.len()
                ),
            ))
        }
    };
    let external = match pb::PeerType::try_from(e.route_type) {
        Ok(pb::PeerType::BgpInternal) => false,
        Ok(pb::PeerType::BgpExternal) => true,
        Err(_) => {
            return Err((
                OperCode::PeerTypeInvalid,
                format!(
                    "route_type {} is not BGP_INTERNAL or BGP_EXTERNAL",
                    e.route_type
                ),
            ))
        }
    };
    match &e.label_info {
        None => {}
        Some(pb::route_entry::LabelInfo::Labels(_)) => {
            return Err((
                OperCode::RequestUnsupported,
                "labels (label stack) is not supported by this API version".into(),
            ))
        }
        Some(pb::route_entry::LabelInfo::Label(l)) => {
            if !LABEL_RANGE.contains(l) {
                return Err((
                    OperCode::LabelInfoInvalid,
                    format!("label {l} is outside 16..1048575"),
                ));
            }
            return Err((
                OperCode::LabelInfoInvalid,
                format!("label {l}: a single label is only for L3VPN tables, not {t}"),
            ));
        }
    }
    if e.addr_family_data.is_some() {
        return Err((
            OperCode::RequestUnsupported,
            "addr_family_data is only for SR-TE and flowspec families, which this device does not hold".into(),
        ));
    }
    if let Some(ta) = &e.tunnel_attributes {
        return Err(tunnel_refusal(ta));
    }
    let as_path = match &e.aspath {
        None => String::new(),
        Some(a) => as_path(&a.aspath).map_err(|m| {
            (
                OperCode::AspathInvalid,
                format!("aspath '{}': {m}", a.aspath),
            )
        })?,
    };
    let communities = communities(k.communities.as_ref())
        .map_err(|m| (OperCode::CommunityListInvalid, format!("key.{m}")))?;
    if e.cluster_list.contains(&0) {
        return Err((
            OperCode::ClusterListInvalid,
            "cluster_list holds cluster id 0".into(),
        ));
    }
    let attrs = BgpAttrs {
        local_pref: e.local_preference.unwrap_or(DEFAULT_LOCAL_PREF),
        med: e.med,
        aigp: e.aigp_distance,
        as_path,
        communities,
        originator_id: e.originator_id,
        cluster_list: e.cluster_list.clone(),
        cluster_id: e.cluster_id,
        protocol_nexthop: Some(nh),
        external,
        no_advertise: flags.no_advertise,
        no_export: flags.no_export,
        nh_kind: if flags.use_nexthop_reject {
            BgpNhKind::Reject
        } else if flags.use_nexthop_fictitious {
            BgpNhKind::Fictitious
        } else {
            BgpNhKind::Resolve
        },
        label: None,
    };
    let table = b.table_index(t);
    let gw_start = b.gateways.len() as u32;
    let gw_len = if attrs.nh_kind == BgpNhKind::Resolve {
        b.gateways.push(Gateway::via(nh));
        1
    } else {
        0
    };
    let bgp = match b.bgp.last() {
        Some(last) if *last == attrs => b.bgp.len() as u32,
        _ => {
            b.bgp.push(attrs);
            b.bgp.len() as u32
        }
    };
    b.routes.push(RouteSpec {
        table,
        prefix: p,
        cookie: k.cookie,
        gw_start,
        gw_len,
        pref: Some(e.route_preference.unwrap_or(DEFAULT_ROUTE_PREFERENCE)),
        pref2: None,
        bgp_static: true,
        stats: false,
        attrs: jet_rib::Attrs::default(),
        bgp,
    });
    Ok(())
}

/// Why a tunnel-encapsulation attribute is refused: malformed ones get the contract's
/// sub-codes; well-formed ones REQUEST_UNSUPPORTED (BGP multicast NLRIs, which this
/// device does not hold).
fn tunnel_refusal(ta: &pb::TunnelEncapAttribute) -> (OperCode, String) {
    if ta.tunnel_list.is_empty() {
        return (
            OperCode::TunnelAttrListInvalid,
            "tunnel_attributes.tunnel_list is empty".into(),
        );
    }
    for (i, t) in ta.tunnel_list.iter().enumerate() {
        let Some(pb::tunnel_attribute::TunnelType::AnyEncapTunnel(any)) = &t.tunnel_type else {
            return (
                OperCode::TunnelAttrAnyencapInvalid,
                format!("tunnel_attributes.tunnel_list[{i}] has no tunnel type"),
            );
        };
        let Some(ep) = any.egress_endpoint_type.as_ref() else {
            return (
                OperCode::TunnelAttrEgressEndpointInvalid,
                format!("tunnel_attributes.tunnel_list[{i}] egress_endpoint_type missing"),
            );
        };
        match ep.endpoint_address.as_ref().and_then(ip) {
            Some(IpAddr::V4(v)) if !v.is_multicast() && !v.is_unspecified() => {}
            _ => {
                return (
                    OperCode::TunnelAttrEgressEndpointNotIpv4,
                    format!(
                        "tunnel_attributes.tunnel_list[{i}] endpoint_address is not a unicast IPv4 address"
                    ),
                )
            }
        }
    }
    (
        OperCode::RequestUnsupported,
        "tunnel_attributes are for BGP multicast NLRIs, which this device does not hold".into(),
    )
}

/// Builds a Delete batch, stopping at the first key that fails its form checks.
pub fn delete_batch(keys: &[pb::RouteMatch]) -> (DeleteBatch, Option<FormError>) {
    let mut b = DeleteBatch::default();
    for (i, k) in keys.iter().enumerate() {
        let r = (|| {
            if !protocol_ok(k.protocol) {
                return Err((
                    OperCode::ProtocolInvalid,
                    format!(
                        "protocol {} is not PROTO_ANY or PROTO_BGP_STATIC",
                        k.protocol
                    ),
                ));
            }
            let p = prefix(k.dest_prefix.as_ref(), k.dest_prefix_len)?;
            let table = match table_ref(k.table.as_ref()) {
                Some(TableRef::Name(n)) => b.table_name_index(&n),
                Some(TableRef::Id(i)) => b.table_id_index(i),
                None => return Err((OperCode::TableInvalid, "table missing".into())),
            };
            Ok(KeySpec {
                table,
                prefix: p,
                cookie: k.cookie,
            })
        })();
        match r {
            Ok(key) => b.keys.push(key),
            Err((code, msg)) => return (b, Some((i, code, format!("routes[{i}]: {msg}")))),
        }
    }
    (b, None)
}

/// A BGP-static path as a `RouteEntry` (IP addresses as bytes when `bytes`).
pub fn entry(rib: &Rib, v: &RouteView<'_>, table: &RouteTable, bytes: bool) -> pb::RouteEntry {
    let a = rib.bgp.get(v.path.bgp).cloned().unwrap_or_default();
    let dest = v.prefix.addr().map(|x| {
        let ipa = ip_pb(x, bytes);
        RoutePrefix {
            route_prefix_af: Some(if x.is_ipv4() {
                RoutePrefixAf::Inet(ipa)
            } else {
                RoutePrefixAf::Inet6(ipa)
            }),
        }
    });
    let proto = match v.path.proto {
        Proto::BgpStatic => RouteProtoType::ProtoBgpStatic,
        _ => RouteProtoType::ProtoBgp,
    };
    pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: dest,
            dest_prefix_len: u32::from(v.prefix.len()),
            table: Some(table.clone()),
            protocol: proto as i32,
            cookie: v.path.cookie,
            communities: (!a.communities.is_empty()).then(|| Communities {
                communities: a
                    .communities
                    .iter()
                    .map(|c| Community {
                        community: c.clone(),
                    })
                    .collect(),
            }),
        }),
        route_preference: Some(v.path.pref),
        local_preference: Some(a.local_pref),
        med: a.med,
        aigp_distance: a.aigp,
        aspath: (!a.as_path.is_empty()).then(|| AsPath {
            aspath: a.as_path.clone(),
        }),
        originator_id: a.originator_id,
        cluster_list: a.cluster_list.clone(),
        cluster_id: a.cluster_id,
        protocol_nexthops: a
            .protocol_nexthop
            .map(|x| ip_pb(x, bytes))
            .into_iter()
            .collect::<Vec<IpAddress>>(),
        route_type: if a.external {
            pb::PeerType::BgpExternal
        } else {
            pb::PeerType::BgpInternal
        } as i32,
        route_flags: Some(pb::RouteFlags {
            no_advertise: a.no_advertise,
            no_export: a.no_export,
            use_nexthop_reject: a.nh_kind == BgpNhKind::Reject,
            use_nexthop_fictitious: a.nh_kind == BgpNhKind::Fictitious,
        }),
        addr_family_data: None,
        tunnel_attributes: None,
        // Read-only: the peer a route came from. BGP-static routes come from no peer.
        peer_address: None,
        label_info: a.label.map(pb::route_entry::LabelInfo::Label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_paths_are_checked_and_normalised() {
        assert_eq!(as_path("65001  65002").as_deref(), Ok("65001 65002"));
        assert_eq!(
            as_path("65001 {65002 65003}").as_deref(),
            Ok("65001 { 65002 65003 }")
        );
        assert!(as_path("65001 x").is_err());
        assert!(as_path("0").is_err());
        assert!(as_path("65001 {65002").is_err());
        assert!(as_path("4294967296").is_err());
    }

    #[test]
    fn communities_are_standard_large_extended_or_well_known() {
        for ok in [
            "65000:100",
            "no-export",
            "large:1:2:3",
            "target:65000:1",
            "origin:192.0.2.1:7",
        ] {
            assert!(community_ok(ok), "{ok}");
        }
        for bad in ["65536:1", "abc", "1:2:3", "large:1:2", ""] {
            assert!(!community_ok(bad), "{bad}");
        }
    }
}
