//! The older generation's `routing.BgpRoute` messages (`proto/legacy/bgp_route_service.proto`)
//! translated to and from the BGP route service's (`jnx.jet.routing.bgp`), so both
//! generations share one set of BGP form checks ([`crate::bgp`]) and one RIB.
//!
//! Where the generations differ:
//! - protocol numbers: legacy `PROTO_UNSPECIFIED` 0, `PROTO_BGP` 1, `PROTO_BGP_STATIC` 2
//!   (current: `PROTO_ANY` 0, `PROTO_BGP` 10, `PROTO_BGP_STATIC` 27); changes accept
//!   0 and 2, gets 0, 1 and 2;
//! - attribute wrappers (`BgpAttrib32`/`BgpAttrib64`) instead of optional scalars; the key
//!   fields sit in the entry itself; communities are `CommunityList.com_list`;
//! - the deprecated `route_oper_flag` bits (1 no-advertise, 2 no-export, 4 reject) are
//!   read when `route_flags` is absent, and both are written in replies;
//! - `vpn_label` is the current `label`; `route_data` (SR-TE/flowspec) and the label stack
//!   are refused with REQUEST_UNSUPPORTED as in the current generation; IP-in-IP
//!   `tunnel_attributes` are checked (TUNNEL_ATTR_LIST_INVALID,
//!   TUNNEL_ATTR_EGRESS_ENDPOINT_NOT_IPV4) and, well formed, refused with
//!   REQUEST_UNSUPPORTED (this device does not encapsulate);
//! - sub-codes: the legacy numbering equals the current one up to 41 (TRY_AGAIN is
//!   REQUEST_NOT_DONE); the jsd adapter maps them by name.
//!
//! Batches built here carry `legacy = true`: a BGP-static path may only be changed or
//! removed through the generation that programmed it.

use std::net::IpAddr;

use jet_proto::jnx::jet::routing::base as bpb;
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_proto::routing as lg;
use jet_rib::{Batch, DeleteBatch};

use crate::bgp::{self, FormError, OperCode};
use crate::legacy::{ip_in, ip_out, table_in, table_out};

/// Legacy `RouteProtocol` values.
const PROTO_UNSPECIFIED: i32 = 0;
const PROTO_BGP: i32 = 1;
const PROTO_BGP_STATIC: i32 = 2;

/// Legacy `RouteOperation` bits of the deprecated `route_oper_flag`.
const OPER_NO_ADVERTISE: u32 = 0x01;
const OPER_NO_EXPORT: u32 = 0x02;
const OPER_USE_NH_REJECT: u32 = 0x04;

/// A current-generation message about a field, in the legacy field names.
pub fn legacy_message(m: &str) -> String {
    let (index, rest) = match m.strip_prefix("routes[") {
        Some(r) => match r.split_once("]: ") {
            Some((i, rest)) => (Some(i), rest),
            None => (None, m),
        },
        None => (None, m),
    };
    let rest = rest
        .strip_prefix("key.")
        .or_else(|| rest.strip_prefix("route."))
        .map(|r| match index {
            // Entries carry their key fields themselves; a get's match is `bgp_route`.
            Some(_) => r.to_owned(),
            None => format!("bgp_route.{r}"),
        })
        .unwrap_or_else(|| match rest.strip_prefix("label ") {
            Some(r) => format!("vpn_label {r}"),
            None => rest.to_owned(),
        });
    match index {
        Some(i) => format!("bgp_routes[{i}]: {rest}"),
        None => rest,
    }
}

fn prefix_in(p: &lg::RoutePrefix) -> Result<bpb::RoutePrefix, (OperCode, String)> {
    use bpb::route_prefix::RoutePrefixAf as C;
    use lg::route_prefix::RoutePrefixAf as L;
    let af = match &p.route_prefix_af {
        None => None,
        Some(L::Inet(a)) => Some(C::Inet(ip_in(a))),
        Some(L::Inet6(a)) => Some(C::Inet6(ip_in(a))),
        Some(other) => {
            let name = match other {
                L::Inetvpn(_) => "inetvpn",
                L::Inet6vpn(_) => "inet6vpn",
                L::LabeledInet(_) => "labeled_inet",
                L::LabeledInet6(_) => "labeled_inet6",
                L::InetSrtePolicy(_) => "inet_srte_policy",
                L::Inet6SrtePolicy(_) => "inet6_srte_policy",
                L::InetFlowspec(_) => "inet_flowspec",
                _ => "inet6_flowspec",
            };
            return Err((
                OperCode::RequestUnsupported,
                format!(
                    "dest_prefix family {name} is not supported by this device (inet and inet6 only)"
                ),
            ));
        }
    };
    Ok(bpb::RoutePrefix {
        route_prefix_af: af,
    })
}

fn prefix_out(p: bpb::RoutePrefix) -> lg::RoutePrefix {
    use bpb::route_prefix::RoutePrefixAf as C;
    use lg::route_prefix::RoutePrefixAf as L;
    lg::RoutePrefix {
        route_prefix_af: p.route_prefix_af.and_then(|af| match af {
            C::Inet(a) => Some(L::Inet(ip_out(a))),
            C::Inet6(a) => Some(L::Inet6(ip_out(a))),
            // The device holds inet and inet6 BGP routes only.
            _ => None,
        }),
    }
}

fn communities_in(c: Option<&lg::CommunityList>) -> Option<bpb::Communities> {
    c.map(|c| bpb::Communities {
        communities: c
            .com_list
            .iter()
            .map(|x| bpb::Community {
                community: x.community_string.clone(),
            })
            .collect(),
    })
}

/// The current protocol of a legacy one, for a change (`get`: a get request).
fn protocol_in(p: i32, get: bool) -> Result<i32, (OperCode, String)> {
    match p {
        PROTO_UNSPECIFIED => Ok(bpb::RouteProtoType::ProtoAny as i32),
        PROTO_BGP_STATIC => Ok(bpb::RouteProtoType::ProtoBgpStatic as i32),
        PROTO_BGP if get => Ok(bpb::RouteProtoType::ProtoBgp as i32),
        _ => Err((
            OperCode::ProtocolInvalid,
            if get {
                format!("protocol {p} is not PROTO_UNSPECIFIED, PROTO_BGP or PROTO_BGP_STATIC")
            } else {
                format!("protocol {p} is not PROTO_UNSPECIFIED or PROTO_BGP_STATIC")
            },
        )),
    }
}

fn key_in(
    prefix: Option<&lg::RoutePrefix>,
    len: u32,
    table: Option<&lg::RouteTable>,
    protocol: i32,
    cookie: u64,
    communities: Option<&lg::CommunityList>,
    get: bool,
) -> Result<pb::RouteMatch, (OperCode, String)> {
    Ok(pb::RouteMatch {
        dest_prefix: prefix.map(prefix_in).transpose()?,
        dest_prefix_len: len,
        table: table.map(table_in),
        protocol: protocol_in(protocol, get)?,
        cookie,
        communities: communities_in(communities),
    })
}

/// IP-in-IP tunnel attributes: malformed ones get the contract's codes, well-formed
/// ones REQUEST_UNSUPPORTED.
fn tunnel_refusal(t: &lg::TunnelEncapAttribute) -> (OperCode, String) {
    if t.tunnel_list.is_empty() {
        return (
            OperCode::TunnelAttrListInvalid,
            "tunnel_attributes.tunnel_list is empty".into(),
        );
    }
    for (i, a) in t.tunnel_list.iter().enumerate() {
        let Some(lg::tunnel_attribute::TunnelType::IpipTunnel(ipip)) = &a.tunnel_type else {
            return (
                OperCode::TunnelAttrListInvalid,
                format!("tunnel_attributes.tunnel_list[{i}] has no tunnel type"),
            );
        };
        if let Some(ep) = &ipip.egress_endpoint {
            let addr = ep
                .egress_endpoint_address
                .as_ref()
                .and_then(|a| crate::convert::ip(&ip_in(a)));
            if !matches!(addr, Some(IpAddr::V4(v)) if !v.is_multicast() && !v.is_unspecified()) {
                return (
                    OperCode::TunnelAttrEgressEndpointNotIpv4,
                    format!(
                        "tunnel_attributes.tunnel_list[{i}].ipip_tunnel.egress_endpoint is not a unicast IPv4 address"
                    ),
                );
            }
        }
    }
    (
        OperCode::RequestUnsupported,
        "tunnel_attributes (IP-in-IP encapsulation) are not supported by this device".into(),
    )
}

/// A legacy entry as the current generation's, or the legacy-only reason it is refused.
pub fn entry_in(e: &lg::BgpRouteEntry) -> Result<pb::RouteEntry, (OperCode, String)> {
    if e.route_data.is_some() {
        return Err((
            OperCode::RequestUnsupported,
            "route_data is only for SR-TE and flowspec families, which this device does not hold"
                .into(),
        ));
    }
    if let Some(t) = &e.tunnel_attributes {
        return Err(tunnel_refusal(t));
    }
    let label_info = match &e.label_info {
        None => None,
        Some(lg::bgp_route_entry::LabelInfo::VpnLabel(l)) => {
            Some(pb::route_entry::LabelInfo::Label(*l))
        }
        Some(lg::bgp_route_entry::LabelInfo::Labels(_)) => {
            return Err((
                OperCode::RequestUnsupported,
                "labels (label stack) is not supported by this API version".into(),
            ))
        }
    };
    let route_flags = match e.route_flags {
        Some(f) => Some(pb::RouteFlags {
            no_advertise: f.no_advertise,
            no_export: f.no_export,
            use_nexthop_reject: f.use_nexthop_reject,
            use_nexthop_fictitious: f.use_nexthop_fictitious,
        }),
        None if e.route_oper_flag != 0 => Some(pb::RouteFlags {
            no_advertise: e.route_oper_flag & OPER_NO_ADVERTISE != 0,
            no_export: e.route_oper_flag & OPER_NO_EXPORT != 0,
            use_nexthop_reject: e.route_oper_flag & OPER_USE_NH_REJECT != 0,
            use_nexthop_fictitious: false,
        }),
        None => None,
    };
    Ok(pb::RouteEntry {
        key: Some(key_in(
            e.dest_prefix.as_ref(),
            e.dest_prefix_len,
            e.table.as_ref(),
            e.protocol,
            e.path_cookie,
            e.communities.as_ref(),
            false,
        )?),
        route_preference: e.route_preference.map(|x| x.value),
        local_preference: e.local_preference.map(|x| x.value),
        med: e.med.map(|x| x.value),
        aigp_distance: e.aigp_distance.map(|x| x.value),
        aspath: e.aspath.as_ref().map(|a| bpb::AsPath {
            aspath: a.aspath_string.clone(),
        }),
        originator_id: e.originator_id.map(|x| x.value),
        cluster_list: e.cluster_list.iter().map(|x| x.value).collect(),
        cluster_id: e.cluster_id.map(|x| x.value),
        protocol_nexthops: e.protocol_nexthops.iter().map(ip_in).collect(),
        route_type: e.route_type,
        route_flags,
        addr_family_data: None,
        tunnel_attributes: None,
        peer_address: None,
        label_info,
    })
}

/// A BGP-static route of the current generation as a legacy entry (gets and monitor
/// updates); both flag fields carry the flags.
pub fn entry_out(e: pb::RouteEntry) -> lg::BgpRouteEntry {
    let k = e.key.unwrap_or_default();
    let flags = e.route_flags.unwrap_or_default();
    let oper = (u32::from(flags.no_advertise) * OPER_NO_ADVERTISE)
        | (u32::from(flags.no_export) * OPER_NO_EXPORT)
        | (u32::from(flags.use_nexthop_reject) * OPER_USE_NH_REJECT);
    let a32 = |v: Option<u32>| v.map(|value| lg::BgpAttrib32 { value });
    lg::BgpRouteEntry {
        dest_prefix: k.dest_prefix.map(prefix_out),
        dest_prefix_len: k.dest_prefix_len,
        table: k.table.map(table_out),
        protocol: if k.protocol == bpb::RouteProtoType::ProtoBgp as i32 {
            PROTO_BGP
        } else {
            PROTO_BGP_STATIC
        },
        path_cookie: k.cookie,
        route_preference: a32(e.route_preference),
        local_preference: a32(e.local_preference),
        med: a32(e.med),
        aigp_distance: e.aigp_distance.map(|value| lg::BgpAttrib64 { value }),
        communities: k.communities.map(|c| lg::CommunityList {
            com_list: c
                .communities
                .into_iter()
                .map(|x| lg::Community {
                    community_string: x.community,
                })
                .collect(),
        }),
        aspath: e.aspath.map(|a| lg::AsPath {
            aspath_string: a.aspath,
        }),
        originator_id: a32(e.originator_id),
        cluster_list: e
            .cluster_list
            .into_iter()
            .map(|value| lg::BgpAttrib32 { value })
            .collect(),
        cluster_id: a32(e.cluster_id),
        route_oper_flag: oper,
        protocol_nexthops: e.protocol_nexthops.into_iter().map(ip_out).collect(),
        route_type: e.route_type,
        route_flags: e.route_flags.map(|f| lg::BgpRouteOperationFlags {
            no_advertise: f.no_advertise,
            no_export: f.no_export,
            use_nexthop_reject: f.use_nexthop_reject,
            use_nexthop_fictitious: f.use_nexthop_fictitious,
        }),
        route_data: None,
        tunnel_attributes: None,
        label_info: e.label_info.and_then(|l| match l {
            pb::route_entry::LabelInfo::Label(l) => {
                Some(lg::bgp_route_entry::LabelInfo::VpnLabel(l))
            }
            pb::route_entry::LabelInfo::Labels(_) => None,
        }),
    }
}

/// Converts entries up to the first legacy-only refusal, then lets `build` check the
/// converted ones; the first form error of either (by index) stops the batch.
fn first_error<T, B, O>(
    items: &[T],
    convert: impl Fn(&T) -> Result<B, (OperCode, String)>,
    build: impl FnOnce(&[B]) -> (O, Option<FormError>),
) -> (O, Option<FormError>) {
    let mut ok = Vec::with_capacity(items.len());
    let mut stop = None;
    for (i, x) in items.iter().enumerate() {
        match convert(x) {
            Ok(b) => ok.push(b),
            Err((code, msg)) => {
                stop = Some((i, code, format!("routes[{i}]: {msg}")));
                break;
            }
        }
    }
    let (out, form) = build(&ok);
    let form = form.or(stop).map(|(i, c, m)| (i, c, legacy_message(&m)));
    (out, form)
}

/// BgpRouteAdd/Modify/Update entries as a legacy batch (stops at the first bad entry;
/// the message names the legacy field).
pub fn set_batch(entries: &[lg::BgpRouteEntry]) -> (Batch, Option<FormError>) {
    let (mut b, form) = first_error(entries, entry_in, bgp::set_batch);
    b.legacy = true;
    (b, form)
}

/// BgpRouteRemove keys as a legacy Delete batch.
pub fn delete_batch(keys: &[lg::BgpRouteMatch]) -> (DeleteBatch, Option<FormError>) {
    let convert = |k: &lg::BgpRouteMatch| {
        key_in(
            k.dest_prefix.as_ref(),
            k.dest_prefix_len,
            k.table.as_ref(),
            k.protocol,
            k.path_cookie,
            None,
            false,
        )
    };
    let (mut b, form) = first_error(keys, convert, bgp::delete_batch);
    b.legacy = true;
    (b, form)
}

/// A legacy BgpRouteGet as the current request, with its reply formats (addresses as
/// bytes, tables by id). Refusals: the get sub-code and a message naming the field.
pub fn get_request(
    req: &lg::BgpRouteGetRequest,
) -> Result<(pb::RouteGetRequest, bool, bool), (bgp::GetCode, String)> {
    let bytes = match jet_proto::jnx_base::AddressFormat::try_from(req.reply_address_format) {
        Ok(f) => f == jet_proto::jnx_base::AddressFormat::AddressBytes,
        Err(_) => {
            return Err((
                bgp::GetCode::RequestUnsupported,
                format!(
                    "reply_address_format {} is not ADDRESS_STRING (0) or ADDRESS_BYTES (1)",
                    req.reply_address_format
                ),
            ))
        }
    };
    let ids = match lg::RouteTableFormat::try_from(req.reply_table_format) {
        Ok(f) => f == lg::RouteTableFormat::TableId,
        Err(_) => {
            return Err((
                bgp::GetCode::RequestUnsupported,
                format!(
                    "reply_table_format {} is not TABLE_STRING (0) or TABLE_ID (1)",
                    req.reply_table_format
                ),
            ))
        }
    };
    let route = match &req.bgp_route {
        None => None,
        Some(m) => Some(
            key_in(
                m.dest_prefix.as_ref(),
                m.dest_prefix_len,
                m.table.as_ref(),
                m.protocol,
                m.path_cookie,
                m.communities.as_ref(),
                true,
            )
            .map_err(|(c, msg)| {
                let code = match c {
                    OperCode::ProtocolInvalid => bgp::GetCode::ProtocolInvalid,
                    _ => bgp::GetCode::RequestUnsupported,
                };
                (code, format!("bgp_route.{msg}"))
            })?,
        ),
    };
    Ok((
        pb::RouteGetRequest {
            route,
            or_longer: req.or_longer,
            active_only: req.active_only,
            route_count: req.route_count,
        },
        bytes,
        ids,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jet_proto::jnx_base as lbase;

    fn ip(a: &str) -> lbase::IpAddress {
        lbase::IpAddress {
            addr_format: Some(lbase::ip_address::AddrFormat::AddrString(a.into())),
        }
    }

    fn legacy_entry(prefix: &str, len: u32) -> lg::BgpRouteEntry {
        lg::BgpRouteEntry {
            dest_prefix: Some(lg::RoutePrefix {
                route_prefix_af: Some(lg::route_prefix::RoutePrefixAf::Inet(ip(prefix))),
            }),
            dest_prefix_len: len,
            table: Some(lg::RouteTable {
                rt_table_format: Some(lg::route_table::RtTableFormat::RttName(
                    lg::RouteTableName {
                        name: "inet.0".into(),
                    },
                )),
            }),
            protocol: PROTO_BGP_STATIC,
            path_cookie: 4,
            local_preference: Some(lg::BgpAttrib32 { value: 200 }),
            med: Some(lg::BgpAttrib32 { value: 0 }),
            communities: Some(lg::CommunityList {
                com_list: vec![lg::Community {
                    community_string: "65000:1".into(),
                }],
            }),
            aspath: Some(lg::AsPath {
                aspath_string: "65001 65002".into(),
            }),
            cluster_list: vec![lg::BgpAttrib32 { value: 9 }],
            protocol_nexthops: vec![ip("192.0.2.1")],
            route_type: 1,
            route_oper_flag: OPER_NO_EXPORT,
            ..Default::default()
        }
    }

    #[test]
    fn a_legacy_entry_becomes_the_same_batch_as_its_current_twin_but_marked_legacy() {
        let l = legacy_entry("10.1.0.0", 16);
        let (b, form) = set_batch(std::slice::from_ref(&l));
        assert!(form.is_none(), "{form:?}");
        assert!(b.legacy);
        let (twin, _) = bgp::set_batch(&[entry_in(&l).expect("converts")]);
        assert_eq!(b.routes, twin.routes);
        assert_eq!(b.bgp, twin.bgp);
        let a = &b.bgp[0];
        assert_eq!((a.local_pref, a.med, a.external), (200, Some(0), true));
        assert!(
            a.no_export && !a.no_advertise,
            "route_oper_flag bits are read"
        );
        assert_eq!(b.routes[0].cookie, 4);
    }

    #[test]
    fn route_flags_win_over_the_deprecated_bits() {
        let mut l = legacy_entry("10.1.0.0", 16);
        l.route_flags = Some(lg::BgpRouteOperationFlags {
            no_advertise: true,
            ..Default::default()
        });
        let (b, _) = set_batch(&[l]);
        assert!(b.bgp[0].no_advertise && !b.bgp[0].no_export);
    }

    #[test]
    fn refusals_stop_at_the_first_bad_entry_and_name_the_legacy_field() {
        let ok = legacy_entry("10.1.0.0", 16);
        let mut proto = legacy_entry("10.2.0.0", 16);
        proto.protocol = PROTO_BGP;
        let (b, form) = set_batch(&[ok.clone(), proto, ok.clone()]);
        let (i, code, msg) = form.expect("refused");
        assert_eq!((i, code), (1, OperCode::ProtocolInvalid));
        assert_eq!(
            msg,
            "bgp_routes[1]: protocol 1 is not PROTO_UNSPECIFIED or PROTO_BGP_STATIC"
        );
        assert_eq!(b.routes.len(), 1);

        let mut comm = legacy_entry("10.3.0.0", 16);
        comm.communities.as_mut().unwrap().com_list[0].community_string = "x".into();
        let (_, form) = set_batch(&[comm]);
        let (_, code, msg) = form.expect("refused");
        assert_eq!(code, OperCode::CommunityListInvalid);
        assert!(
            msg.starts_with("bgp_routes[0]: communities[0] 'x'"),
            "{msg}"
        );

        let mut label = legacy_entry("10.4.0.0", 16);
        label.label_info = Some(lg::bgp_route_entry::LabelInfo::VpnLabel(3));
        let (_, form) = set_batch(&[label]);
        let (_, code, msg) = form.expect("refused");
        assert_eq!(code, OperCode::LabelInfoInvalid);
        assert!(msg.starts_with("bgp_routes[0]: vpn_label 3"), "{msg}");

        let mut tunnel = legacy_entry("10.5.0.0", 16);
        tunnel.tunnel_attributes = Some(lg::TunnelEncapAttribute {
            tunnel_list: vec![lg::TunnelAttribute {
                tunnel_type: Some(lg::tunnel_attribute::TunnelType::IpipTunnel(
                    lg::IpIpTunnelAttributes {
                        egress_endpoint: Some(lg::EgressEndpoint {
                            egress_endpoint_address: Some(ip("224.0.0.1")),
                        }),
                        color: None,
                    },
                )),
            }],
        });
        let (_, form) = set_batch(&[tunnel]);
        assert_eq!(
            form.expect("refused").1,
            OperCode::TunnelAttrEgressEndpointNotIpv4
        );

        let mut vpn = legacy_entry("10.6.0.0", 16);
        vpn.dest_prefix = Some(lg::RoutePrefix {
            route_prefix_af: Some(lg::route_prefix::RoutePrefixAf::LabeledInet(ip("10.6.0.0"))),
        });
        let (_, form) = set_batch(&[vpn]);
        let (_, code, msg) = form.expect("refused");
        assert_eq!(code, OperCode::RequestUnsupported);
        assert!(msg.contains("labeled_inet"), "{msg}");
    }

    #[test]
    fn an_entry_read_back_is_the_entry_sent() {
        let mut rib = jet_rib::Rib::new();
        let (c, _) = rib
            .clients
            .initialize("bgp/app", 1, jet_rib::Defaults::default());
        let l = legacy_entry("10.1.0.0", 16);
        let (mut b, _) = set_batch(std::slice::from_ref(&l));
        let out = rib.apply(c, jet_rib::SetOp::Add, &mut b, 0, &mut Vec::new());
        assert!(out.error.is_none(), "{out:?}");
        let t = rib.table_id("inet.0").expect("inet.0");
        let p = jet_rib::Prefix::v4("10.1.0.0".parse().unwrap(), 16).unwrap();
        let mut got = Vec::new();
        rib.get_routes(t, &p, jet_rib::MatchType::Exact, false, None, 10, |v| {
            let table = crate::convert::table_pb(&rib, t, false);
            got.push(entry_out(bgp::entry(&rib, &v, &table, false)));
        });
        let mut want = l;
        want.route_preference = Some(lg::BgpAttrib32 { value: 5 });
        want.route_flags = Some(lg::BgpRouteOperationFlags {
            no_export: true,
            ..Default::default()
        });
        assert_eq!(got, [want]);
    }

    #[test]
    fn get_requests_carry_their_formats_and_legacy_protocols() {
        let req = lg::BgpRouteGetRequest {
            bgp_route: Some(lg::BgpRouteMatch {
                protocol: PROTO_BGP,
                ..Default::default()
            }),
            reply_address_format: 1,
            reply_table_format: 1,
            route_count: 3,
            ..Default::default()
        };
        let (q, bytes, ids) = get_request(&req).expect("valid");
        assert!(bytes && ids);
        assert_eq!(
            q.route.unwrap().protocol,
            bpb::RouteProtoType::ProtoBgp as i32
        );
        let bad = lg::BgpRouteGetRequest {
            bgp_route: Some(lg::BgpRouteMatch {
                protocol: 7,
                ..Default::default()
            }),
            ..Default::default()
        };
        let (code, msg) = get_request(&bad).expect_err("refused");
        assert_eq!(code, bgp::GetCode::ProtocolInvalid);
        assert!(msg.starts_with("bgp_route.protocol 7"), "{msg}");
    }

    #[test]
    fn messages_use_the_legacy_field_names() {
        assert_eq!(
            legacy_message("routes[2]: key.table missing"),
            "bgp_routes[2]: table missing"
        );
        assert_eq!(
            legacy_message("route.table names no routing table of this device"),
            "bgp_route.table names no routing table of this device"
        );
        assert_eq!(
            legacy_message("routes[0]: aspath 'x': bad"),
            "bgp_routes[0]: aspath 'x': bad"
        );
    }
}
