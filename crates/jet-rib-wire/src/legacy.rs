//! The older JET generation's `routing.Rib` messages (`proto/legacy/rib_service.proto`)
//! translated to and from the current generation's, so that both generations share one
//! set of form checks ([`convert`]) and one RIB.
//!
//! The two generations describe routes alike; they differ in where some fields sit
//! (`RouteGateway.weight` is field 7 here, 5 there; `RouteGetRequest` carries the reply
//! address format per request instead of per client), in enum names (`BGP_STATIC` vs
//! `PROTO_BGP_STATIC`, with the same numbers) and in a few fields only one of them has.
//! Of those, the legacy fields this device cannot honour are refused with
//! `REQUEST_UNSUPPORTED` naming the field (a gateway's `table`, route `metrics`, a
//! gateway's `flexible_tunnel_profile` given inline); `no_advertise` and a gateway's
//! `enable_stats` are accepted and have no effect (the device advertises nothing). A
//! gateway's profile given by name only refers to a profile of `routing.FlexibleTunnel`
//! (or the current generation's), resolved as in the current generation.
//!
//! Batches built here carry `legacy = true`, which the RIB records on each path: a path
//! may only be changed or removed through the generation that programmed it
//! (ROUTE_API_VERSION_MISMATCH otherwise).

use std::collections::HashMap;

use jet_proto::jnx::jet::common as cpb;
use jet_proto::jnx::jet::routing::base as bpb;
use jet_proto::jnx::jet::routing::rib as pb;
use jet_proto::jnx_base as lbase;
use jet_proto::routing as lg;
use jet_rib::{RibCode, MAX_BATCH};
use prost::Message;

use crate::convert::{self, Refusal};
use crate::decode::{fast_set, DeleteRequest, Dialect, SetRequest};

pub(crate) fn ip_in(a: &lbase::IpAddress) -> cpb::IpAddress {
    use cpb::ip_address::AddrFormat as C;
    use lbase::ip_address::AddrFormat as L;
    cpb::IpAddress {
        addr_format: a.addr_format.as_ref().map(|f| match f {
            L::AddrString(s) => C::AddrString(s.clone()),
            L::AddrBytes(b) => C::AddrBytes(b.clone()),
        }),
    }
}

pub(crate) fn ip_out(a: cpb::IpAddress) -> lbase::IpAddress {
    use cpb::ip_address::AddrFormat as C;
    use lbase::ip_address::AddrFormat as L;
    lbase::IpAddress {
        addr_format: a.addr_format.map(|f| match f {
            C::AddrString(s) => L::AddrString(s),
            C::AddrBytes(b) => L::AddrBytes(b),
        }),
    }
}

fn address_in(a: &lg::NetworkAddress) -> bpb::NetworkAddress {
    use bpb::network_address::Af as C;
    use lg::network_address::Af as L;
    bpb::NetworkAddress {
        af: a.af.as_ref().map(|af| match af {
            L::Inet(x) => C::Inet(ip_in(x)),
            L::Inet6(x) => C::Inet6(ip_in(x)),
            L::Mpls(m) => C::Mpls(bpb::MplsAddress { label: m.label }),
        }),
    }
}

/// A current-generation address as the legacy one.
pub fn address_out(a: bpb::NetworkAddress) -> lg::NetworkAddress {
    use bpb::network_address::Af as C;
    use lg::network_address::Af as L;
    lg::NetworkAddress {
        af: a.af.map(|af| match af {
            C::Inet(x) => L::Inet(ip_out(x)),
            C::Inet6(x) => L::Inet6(ip_out(x)),
            C::Mpls(m) => L::Mpls(lg::MplsAddress { label: m.label }),
        }),
    }
}

pub(crate) fn table_in(t: &lg::RouteTable) -> bpb::RouteTable {
    use bpb::route_table::RouteTableFormat as C;
    use lg::route_table::RtTableFormat as L;
    bpb::RouteTable {
        route_table_format: t.rt_table_format.as_ref().map(|f| match f {
            L::RttId(i) => C::Id(bpb::RouteTableId { id: i.id }),
            L::RttName(n) => C::Name(bpb::RouteTableName {
                name: n.name.clone(),
            }),
        }),
    }
}

pub(crate) fn table_out(t: bpb::RouteTable) -> lg::RouteTable {
    use bpb::route_table::RouteTableFormat as C;
    use lg::route_table::RtTableFormat as L;
    lg::RouteTable {
        rt_table_format: t.route_table_format.map(|f| match f {
            C::Id(i) => L::RttId(lg::RouteTableId { id: i.id }),
            C::Name(n) => L::RttName(lg::RouteTableName { name: n.name }),
        }),
    }
}

/// A legacy route key as the current generation's `RouteMatch`.
pub fn key_in(k: &lg::RouteMatchFields) -> pb::RouteMatch {
    pb::RouteMatch {
        dest_prefix: k.dest_prefix.as_ref().map(address_in),
        dest_prefix_len: k.dest_prefix_len,
        table: k.table.as_ref().map(table_in),
        cookie: k.cookie,
    }
}

fn key_out(k: pb::RouteMatch) -> lg::RouteMatchFields {
    lg::RouteMatchFields {
        dest_prefix: k.dest_prefix.map(address_out),
        dest_prefix_len: k.dest_prefix_len,
        table: k.table.map(table_out),
        cookie: k.cookie,
    }
}

fn labels_in(ls: &lg::LabelStack) -> bpb::LabelStack {
    bpb::LabelStack {
        entries: ls
            .entries
            .iter()
            .map(|e| bpb::LabelStackEntry {
                // LabelOperation has the same numbers in both generations.
                opcode: e.opcode,
                label_entry: e.label_entry.map(|l| bpb::LabelEntry {
                    label: l.label,
                    traffic_class: l.traffic_class,
                    ttl: l.ttl,
                    bottom_of_stack: l.bottom_of_stack,
                }),
            })
            .collect(),
    }
}

fn labels_out(ls: bpb::LabelStack) -> lg::LabelStack {
    lg::LabelStack {
        entries: ls
            .entries
            .into_iter()
            .map(|e| lg::LabelStackEntry {
                opcode: e.opcode,
                label_entry: e.label_entry.map(|l| lg::LabelEntry {
                    label: l.label,
                    traffic_class: l.traffic_class,
                    ttl: l.ttl,
                    bottom_of_stack: l.bottom_of_stack,
                }),
            })
            .collect(),
    }
}

fn map_in(m: &HashMap<u32, lg::RouteAttributeUint32>) -> HashMap<u32, u32> {
    m.iter().map(|(k, v)| (*k, v.value)).collect()
}

fn map_out(m: HashMap<u32, u32>) -> HashMap<u32, lg::RouteAttributeUint32> {
    m.into_iter()
        .map(|(k, value)| (k, lg::RouteAttributeUint32 { value }))
        .collect()
}

/// The legacy fields of one entry this device cannot honour.
fn unsupported(e: &lg::RouteEntry) -> Option<String> {
    if e.attributes.as_ref().is_some_and(|a| !a.metrics.is_empty()) {
        return Some("attributes.metrics is not supported by this device".into());
    }
    let gws = e.nexthop.as_ref().map_or(&[][..], |n| &n.gateways);
    for (n, g) in gws.iter().enumerate() {
        if g.table.is_some() {
            return Some(format!(
                "gateway {n}: table is not supported by this device"
            ));
        }
        // A profile named only is resolved like the current generation's; one given
        // inline (interface, attributes) is not: add it with routing.FlexibleTunnel.
        if g.flexible_tunnel_profile
            .as_ref()
            .is_some_and(|p| !p.interface_name.is_empty() || p.attributes.is_some())
        {
            return Some(format!(
                "gateway {n}: an inline flexible_tunnel_profile is not supported through \
                 routing.Rib; add it with routing.FlexibleTunnel and give only its name"
            ));
        }
    }
    None
}

/// A legacy route as the current generation's `RouteEntry` (protocol numbers are the
/// same in both generations: `BGP_STATIC` = `PROTO_BGP_STATIC` = 27).
pub fn entry_in(e: &lg::RouteEntry) -> pb::RouteEntry {
    pb::RouteEntry {
        key: e.key.as_ref().map(key_in),
        nexthop: e.nexthop.as_ref().map(|n| pb::RouteNexthop {
            gateways: n
                .gateways
                .iter()
                .map(|g| pb::RouteGateway {
                    gateway_address: g.gateway_address.as_ref().map(address_in),
                    interface_name: g.interface_name.clone(),
                    local_address: g.local_address.as_ref().map(address_in),
                    label_stack: g.label_stack.as_ref().map(labels_in),
                    weight: g.weight,
                    bandwidth: g.bandwidth,
                    flexible_tunnel_profile: g.flexible_tunnel_profile.as_ref().map(|p| {
                        pb::FlexibleTunnelProfile {
                            name: p.name.clone(),
                            ..Default::default()
                        }
                    }),
                })
                .collect(),
        }),
        protocol: e.protocol,
        attributes: e.attributes.as_ref().map(|a| pb::RouteAttributes {
            preferences: map_in(&a.preferences),
            tags: map_in(&a.tags),
            colors: map_in(&a.colors),
        }),
        enable_stats: e.enable_stats,
    }
}

/// A route as a legacy `RouteEntry` (RouteGet replies, RouteMonitorRegister updates).
pub fn entry_out(e: pb::RouteEntry) -> lg::RouteEntry {
    lg::RouteEntry {
        key: e.key.map(key_out),
        nexthop: e.nexthop.map(|n| lg::RouteNexthop {
            gateways: n
                .gateways
                .into_iter()
                .map(|g| lg::RouteGateway {
                    gateway_address: g.gateway_address.map(address_out),
                    interface_name: g.interface_name,
                    local_address: g.local_address.map(address_out),
                    label_stack: g.label_stack.map(labels_out),
                    flexible_tunnel_profile: g.flexible_tunnel_profile.map(|p| {
                        lg::FlexibleTunnelProfile {
                            name: p.name,
                            ..Default::default()
                        }
                    }),
                    bandwidth: g.bandwidth,
                    weight: g.weight,
                    table: None,
                    enable_stats: false,
                })
                .collect(),
        }),
        protocol: e.protocol,
        attributes: e.attributes.map(|a| lg::RouteAttributes {
            preferences: map_out(a.preferences),
            tags: map_out(a.tags),
            colors: map_out(a.colors),
            no_advertise: false,
            metrics: HashMap::new(),
        }),
        enable_stats: e.enable_stats,
    }
}

impl SetRequest {
    /// From a legacy `routing.RouteUpdateRequest` prost decoded.
    pub fn from_legacy(req: &lg::RouteUpdateRequest) -> SetRequest {
        let entries = req.routes.len();
        if entries > MAX_BATCH {
            let batch = jet_rib::Batch {
                legacy: true,
                ..jet_rib::Batch::default()
            };
            return SetRequest { entries, batch };
        }
        // Entries up to the first with a field this device cannot honour; that one is
        // refused unless an earlier entry already was.
        let stop = req
            .routes
            .iter()
            .enumerate()
            .find_map(|(i, e)| unsupported(e).map(|m| (i, m)));
        let upto = stop.as_ref().map_or(entries, |(i, _)| *i);
        let routes: Vec<pb::RouteEntry> = req.routes[..upto].iter().map(entry_in).collect();
        let mut batch = convert::batch(&routes);
        if let Some((_, msg)) = stop {
            batch.refuse(RibCode::RequestUnsupported, msg);
        }
        batch.legacy = true;
        SetRequest { entries, batch }
    }

    /// From the bytes of a legacy `routing.RouteUpdateRequest`.
    pub fn decode_legacy(bytes: &[u8]) -> Result<SetRequest, prost::DecodeError> {
        if let Some(r) = fast_set(bytes, Dialect::Legacy) {
            return Ok(r);
        }
        lg::RouteUpdateRequest::decode(bytes).map(|r| SetRequest::from_legacy(&r))
    }
}

impl DeleteRequest {
    /// From a legacy `routing.RouteRemoveRequest`.
    pub fn from_legacy(req: &lg::RouteRemoveRequest) -> DeleteRequest {
        let keys: Vec<pb::RouteMatch> = req.keys.iter().map(key_in).collect();
        let mut d = DeleteRequest::from_pb(&pb::RouteDeleteRequest { keys });
        d.batch.legacy = true;
        d
    }
}

/// A legacy RouteGet as the current generation's request, and whether the client wants
/// addresses as bytes (per request in this generation).
pub fn get_request(req: &lg::RouteGetRequest) -> Result<(pb::RouteGetRequest, bool), Refusal> {
    if req
        .extended_match
        .as_ref()
        .is_some_and(|x| !x.tags.is_empty())
    {
        return Err((
            RibCode::RequestUnsupported,
            "extended_match.tags is not supported by this device".into(),
        ));
    }
    let bytes = match lbase::AddressFormat::try_from(req.reply_address_format) {
        Ok(lbase::AddressFormat::AddressString) => false,
        Ok(lbase::AddressFormat::AddressBytes) => true,
        Err(_) => {
            return Err((
                RibCode::RequestInvalid,
                format!(
                    "reply_address_format {} is not ADDRESS_STRING (0) or ADDRESS_BYTES (1)",
                    req.reply_address_format
                ),
            ))
        }
    };
    Ok((
        pb::RouteGetRequest {
            key: req.key.as_ref().map(key_in),
            // BEST, EXACT, EXACT_OR_LONGER: the same numbers in both generations.
            match_type: req.match_type,
            active_only: req.active_only,
            reply_table_format: req.reply_table_format,
            route_count: req.route_count,
        },
        bytes,
    ))
}

/// A RouteGet reply of the current generation as the legacy one (routes only; the
/// status is the caller's).
pub fn get_reply_routes(reply: pb::RouteGetResponse) -> Vec<lg::RouteEntry> {
    reply.routes.into_iter().map(entry_out).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legacy_route(prefix: &str, len: u32, gw: &str) -> lg::RouteEntry {
        let v4 = |a: &str| lg::NetworkAddress {
            af: Some(lg::network_address::Af::Inet(lbase::IpAddress {
                addr_format: Some(lbase::ip_address::AddrFormat::AddrString(a.into())),
            })),
        };
        lg::RouteEntry {
            key: Some(lg::RouteMatchFields {
                dest_prefix: Some(v4(prefix)),
                dest_prefix_len: len,
                table: Some(lg::RouteTable {
                    rt_table_format: Some(lg::route_table::RtTableFormat::RttName(
                        lg::RouteTableName {
                            name: "inet.0".into(),
                        },
                    )),
                }),
                cookie: 7,
            }),
            nexthop: Some(lg::RouteNexthop {
                gateways: vec![lg::RouteGateway {
                    gateway_address: Some(v4(gw)),
                    weight: 3,
                    ..Default::default()
                }],
            }),
            attributes: Some(lg::RouteAttributes {
                preferences: [(0, lg::RouteAttributeUint32 { value: 9 })].into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_legacy_route_becomes_the_same_batch_as_its_current_twin_but_marked_legacy() {
        let l = legacy_route("10.1.0.0", 16, "192.0.2.1");
        let req = lg::RouteUpdateRequest { routes: vec![l] };
        let got = SetRequest::decode_legacy(&req.encode_to_vec()).expect("decodes");
        assert!(got.batch.legacy);
        assert_eq!(got.batch.routes.len(), 1);
        let r = &got.batch.routes[0];
        assert_eq!((r.cookie, r.pref), (7, Some(9)));
        assert_eq!(got.batch.gateways[0].weight, 3, "legacy weight is field 7");
        let twin = convert::batch(&[entry_in(&req.routes[0])]);
        assert_eq!(twin.routes, got.batch.routes);
        assert!(!twin.legacy);
    }

    #[test]
    fn fields_the_device_cannot_honour_are_refused_naming_them() {
        let mut l = legacy_route("10.1.0.0", 16, "192.0.2.1");
        let ok = l.clone();
        l.nexthop.as_mut().unwrap().gateways[0].table = Some(lg::RouteTable::default());
        let got = SetRequest::from_legacy(&lg::RouteUpdateRequest {
            routes: vec![ok, l],
        });
        let e = got.batch.invalid.expect("refused");
        assert_eq!((e.index, e.code), (1, RibCode::RequestUnsupported));
        assert!(e.message.contains("gateway 0: table"), "{e}");
        assert_eq!(got.batch.routes.len(), 1);
    }

    #[test]
    fn a_route_converted_out_and_back_in_is_unchanged() {
        let l = legacy_route("10.2.0.0", 16, "192.0.2.9");
        assert_eq!(entry_out(entry_in(&l)), l);
    }

    #[test]
    fn get_requests_move_the_address_format_and_renumbered_fields() {
        let req = lg::RouteGetRequest {
            key: legacy_route("10.0.0.0", 8, "192.0.2.1").key,
            match_type: lg::RouteMatchType::ExactOrLonger as i32,
            reply_address_format: lbase::AddressFormat::AddressBytes as i32,
            reply_table_format: lg::RouteTableFormat::TableId as i32,
            route_count: 5,
            ..Default::default()
        };
        let (q, bytes) = get_request(&req).expect("valid");
        assert!(bytes);
        assert_eq!(q.match_type, pb::RouteMatchType::ExactOrLonger as i32);
        assert_eq!(q.reply_table_format, bpb::RouteTableFormat::TableId as i32);
        assert_eq!(q.route_count, 5);
        let bad = lg::RouteGetRequest {
            reply_address_format: 7,
            ..req
        };
        assert_eq!(get_request(&bad).unwrap_err().0, RibCode::RequestInvalid);
    }

    #[test]
    fn protocol_numbers_agree_between_generations() {
        // 30 (L2_LEARNED_HOST_ROUTING) is legacy only; neither may be programmed.
        for n in 0..30 {
            let l = lg::RouteProtoType::try_from(n)
                .expect("legacy value")
                .as_str_name();
            let c = bpb::RouteProtoType::try_from(n)
                .expect("current value")
                .as_str_name();
            assert_eq!(format!("PROTO_{l}"), c);
        }
    }
}
